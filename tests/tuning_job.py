"""A small guided search run by test_tuning_resume.py: in a new process (the killed runs) or in-process.

    python tests/tuning_job.py DIRECTORY LOG KILL_AT

(the test forks the new processes from its fresh-process worker instead of
starting this script, which saves an interpreter and backend import per run)

Every trial's training appends its learning rate to LOG when it starts; the
KILL_AT-th trial started by this process (0: none) SIGKILLs the process in
the middle of its training. On completion the result is printed as JSON.
"""

import functools
import json
import os
import signal
import sys

import keras

from keras_recipes.datasets import load_digits
from keras_recipes.tuning import BundleHyperModel, Float, Int, compile_and_fit, guided_search
from keras_recipes.tuning.search import top_values
from keras_recipes.zoo import vgg

STARTED = []


class KillMidTrial(keras.callbacks.Callback):
    def __init__(self, kill_at):
        super().__init__()
        self.kill_at = kill_at

    def on_train_batch_end(self, batch, logs=None):
        if batch == 1 and len(STARTED) == self.kill_at:
            os.kill(os.getpid(), signal.SIGKILL)


def main(directory, log, kill_at):
    def train(bundle, *args, learning_rate=1e-3, callbacks=(), **kwargs):
        if callbacks:  # a trial (the objective check runs without callbacks)
            STARTED.append(learning_rate)
            with open(log, "a") as f:
                f.write(f"{learning_rate!r}\n")
        return compile_and_fit(bundle, *args, learning_rate=learning_rate,
                               callbacks=callbacks, run_eagerly=True, **kwargs)

    splits = load_digits(image_size=8, batch_size=64)
    builder = functools.partial(vgg, input_shape=(8, 8, 1), depth=(1,))
    hypermodel = BundleHyperModel(builder, {"width": Int(4, 8),
                                            "learning_rate": Float(1e-4, 1e-1, log=True)},
                                  train=train)
    result = guided_search(hypermodel, splits.train, validation_data=splits.validation,
                           epochs=1, steps_per_epoch=3, trials=(3, 3), top_k=2,
                           callbacks=[KillMidTrial(kill_at)], directory=directory,
                           project_name="resume", verbose=0)
    top = top_values(result.tuners[0], 2)
    print(json.dumps({"trials": result.trials, "top_round0": top, "beam": [
        {k: repr(v) for k, v in p["space"].items()} for p in result.neighbourhoods[1]]}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))

"""Run by test_reproducible.py in a fresh process (and in the test's own): what a seed must fix.

    python tests/repro_job.py WORKDIR NOISE

prints ``results(WORKDIR, NOISE)`` as one JSON line. NOISE seeds
TensorFlow/NumPy/Python globally *before* the calls, with a different value
in each run: results that follow only their own ``seed=`` argument do not
change.
"""

import functools
import json
import os
import sys

import keras

from keras_recipes.datasets import load_digits
from keras_recipes.initialization.lottery import lottery_init
from keras_recipes.tuning import BundleHyperModel, Float, Int, guided_search
from keras_recipes.zoo import vgg


def results(workdir, noise):
    """The first shuffled batch's labels, a lottery, a guided search and the demo table, JSON-ready."""
    keras.utils.set_random_seed(noise)
    out = {}
    data = load_digits(image_size=8, seed=3)
    out["first_batch_labels"] = next(iter(data.train))[1].numpy()[:16].tolist()

    builder = functools.partial(vgg, input_shape=(8, 8, 1), num_classes=10, width=4, depth=(1,))
    lottery = lottery_init(builder, data.train, draws=3, steps=3, seed=5, verbose=0)
    out["lottery"] = [lottery.winner_draw, [round(d["loss"], 5) for d in lottery.draws]]

    keras.utils.set_random_seed(noise + 1)
    hypermodel = BundleHyperModel(builder, {"width": Int(2, 8, log=True),
                                            "learning_rate": Float(1e-3, 1e-1, log=True)})
    # 4 steps and 2 validation batches per trial: the sampled values and the scores must repeat,
    # which a short trial shows as well as a full epoch (the trials train eagerly, ~0.1 s a step)
    result = guided_search(hypermodel, data.train, validation_data=data.validation.take(2), epochs=1,
                           steps_per_epoch=4, trials=(2, 1), top_k=1,
                           directory=os.path.join(workdir, "tuning"), seed=7, verbose=0)
    out["search"] = [[t["width"], round(t["learning_rate"], 8), round(t["score"], 5)]
                     for t in result.trials]

    keras.utils.set_random_seed(noise + 2)
    from keras_recipes.demo import run_demo

    report = run_demo(out=os.path.join(workdir, "demo"), verbose=0)
    out["demo_table"] = report["table"]
    return out


if __name__ == "__main__":
    print(json.dumps(results(sys.argv[1], int(sys.argv[2]))))

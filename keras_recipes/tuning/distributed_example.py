"""A runnable distributed guided search: one chief oracle and workers on this machine.

Start everything on 127.0.0.1 with one command (a chief and two workers)::

    python -m keras_recipes.tuning.distributed_example --directory /tmp/guided --workers 2

or start each process yourself, on one machine or several sharing
``--directory`` (pick the chief's address and a free base port; the i-th
oracle, counting each round's neighbourhoods, uses port ``base + i``)::

    KERASTUNER_TUNER_ID=chief   KERASTUNER_ORACLE_IP=10.0.0.1 KERASTUNER_ORACLE_PORT=8000 \\
        python -m keras_recipes.tuning.distributed_example --directory /shared/guided
    KERASTUNER_TUNER_ID=worker0 KERASTUNER_ORACLE_IP=10.0.0.1 KERASTUNER_ORACLE_PORT=8000 \\
        python -m keras_recipes.tuning.distributed_example --directory /shared/guided

The chief prints the trial table (with the worker that ran each trial) and
every round's space; workers print their trials.
"""

import argparse
import functools
import sys


def run(directory, trials=(4, 4), top_k=2, image_size=8, epochs=1, steps=None, eager=False,
        verbose=0):
    """One guided search over a tiny VGG on digits (what every process runs)."""
    from keras_recipes.datasets import load_digits
    from keras_recipes.tuning import BundleHyperModel, Choice, Float, Int, guided_search
    from keras_recipes.zoo import vgg

    splits = load_digits(image_size=image_size)
    builder = functools.partial(vgg, input_shape=(image_size, image_size, 1), depth=(1,))
    hypermodel = BundleHyperModel(builder, {
        "width": Int(4, 16, log=True),
        "learning_rate": Float(1e-4, 1e-1, log=True),
        "optimizer": Choice(["adam", "sgd"]),
    })
    fit = {"steps_per_epoch": steps} if steps else {}
    return guided_search(hypermodel, splits.train, validation_data=splits.validation,
                         epochs=epochs, run_eagerly=eager, trials=trials, top_k=top_k, directory=directory,
                         project_name="distributed", verbose=verbose, **fit)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--directory", required=True, help="shared project directory")
    parser.add_argument("--trials", default="4,4", help="trials per round, e.g. 4,4")
    parser.add_argument("--steps", type=int, default=None, help="steps per epoch (default: all)")
    parser.add_argument("--eager", action="store_true", help="run_eagerly (tiny smoke runs)")
    parser.add_argument("--workers", type=int, default=0,
                        help="launch a chief and this many workers on 127.0.0.1, then exit")
    parser.add_argument("--timeout", type=int, default=600, help="seconds before --workers gives up")
    args = parser.parse_args(argv)
    if args.workers:
        from keras_recipes.tuning.distributed import launch_local

        command = [sys.executable, "-m", "keras_recipes.tuning.distributed_example",
                   "--directory", args.directory, "--trials", args.trials]
        command += ["--steps", str(args.steps)] if args.steps else []
        command += ["--eager"] if args.eager else []
        logs = launch_local(command, workers=args.workers, timeout=args.timeout)
        print(logs["chief"][-4000:])
        return 0
    result = run(args.directory, trials=tuple(int(n) for n in args.trials.split(",")),
                 steps=args.steps, eager=args.eager)
    if result is not None:
        print(result.describe_spaces())
        print(result.table())
    return 0


if __name__ == "__main__":
    sys.exit(main())

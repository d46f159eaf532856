"""Benchmark: multi-task learning at a small label budget, several seeds side by side (issue 18).

Data: the bundled 8x8 digits with four tasks (``load_multitask_digits``):
the digit (10 classes), its parity, digit >= 5 (accuracy each) and the
standardised amount of ink (regression, test MAE), with ``--fraction``
(default 10%) of the training labels, the same examples for every task.
Every model is the same small VGG trunk (width 8, two groups), trained with
Adam for exactly ``--epochs`` epochs (default 100), the same rule for every
arm, no early stopping; the test split is read once per model, after training.

Why fixed epochs: the first version stopped on the validation loss (patience
10, best weights restored) and measured the stopping rule, not sharing. With
126 labelled images there are 4 steps per epoch, BatchNorm's moving
statistics lag for the first ~25 epochs, and the ink regression's validation
loss of every shared model rises for its first ~10 epochs (13 at epoch 1, 22
at epoch 9, 2.1 at epoch 80 for hard sharing, seed 0): the stop fired at
epoch 11 and restored epoch 1's weights, near chance. Every arm's validation
accuracy still rises at epoch 80, so a fixed budget is also the fair one.

BatchNorm momentum is 0.9 in every model (Keras's default 0.99 averages over
~100 steps, 25 of these epochs): with 0.99, soft sharing's penalty keeps
shrinking its activations' variance and the moving variance lags 2.6x behind
(seed 0, epoch 40: 0.36 against a batch variance of 0.14), so soft sharing
scored 0.19 on the test digits in inference mode while it fitted every
training label in training mode, and 0.92 once its statistics were
re-estimated. ``representation/_training.py`` makes the same choice.

* single: one network per task (``hard_sharing`` with that task alone);
* hard: one trunk, four heads (``hard_sharing``), equal loss weights;
* soft: a trunk per task + L2 similarity penalty ``--penalty`` (``soft_sharing``);
* cross_stitch: a trunk per task, cross-stitch units after both groups;
* uncertainty: hard sharing trained with ``uncertainty_weighted``.

``mtl_best_gain``: accuracy points over single-task of the best multi-task
method, averaged over the three classification tasks and the seeds. Negative
per-task gains are where sharing hurts; they are printed as measured.

The fusion figures (``fusion_best_gain``, ``modality_dropout_gain``) come
from ``bench/multitask_fusion.py`` (issue 18's fusion part) when it is
present: its ``measure(seed, smoke)`` runs per seed and its figures join the
JSON line; when it is missing this script says so and reports the
multi-task figures alone.

    PYTHONPATH=. python bench/multitask.py            # defaults: 3 seeds, 10% labels
    PYTHONPATH=. python bench/multitask.py --smoke    # seconds: the CI test runs this

The last line printed is one JSON object of the headline figures.
"""

import argparse
import dataclasses
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_recipes.datasets import load_multitask_digits  # noqa: E402
from keras_recipes.multitask import (  # noqa: E402
    compile_multitask, cross_stitch, hard_sharing, soft_sharing, uncertainty_weighted)

METHODS = ("single", "hard", "soft", "cross_stitch", "uncertainty")
CLASSIFICATION = ("digit", "parity", "high")


def build(method, shape, tasks, args):
    common = {"width": args.width, "depth": (1, 1)}
    if method in ("single", "hard", "uncertainty"):
        return hard_sharing(shape, tasks, **common)
    if method == "soft":
        return soft_sharing(shape, tasks, penalty=args.penalty, **common)
    return cross_stitch(shape, tasks, **common)


def train(method, tasks, data, seed, args):
    """Train one model on ``tasks``; return ``{task: test figure}`` (accuracy, or MAE for ink)."""
    keras.utils.set_random_seed(seed)
    bundle = build(method, data.input_shape, tasks, args)
    for layer in bundle.model._flatten_layers():  # every BatchNorm, soft sharing's trunks included
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.momentum = 0.9  # the same for every arm: see the module docstring
    if method == "uncertainty":
        model = uncertainty_weighted(bundle, tasks, learning_rate=args.learning_rate, jit_compile=False)
    else:
        model = compile_multitask(bundle, tasks, learning_rate=args.learning_rate, jit_compile=False)
    names = list(tasks)

    def only(ds):
        return ds.map(lambda x, y: (x, {t: y[t] for t in names}))

    if args.smoke:  # seconds: a few eager steps, no validation pass, no traced step to build
        model.run_eagerly = bundle.model.run_eagerly = True
        model.fit(only(data.train), epochs=args.epochs, verbose=0)
    else:  # the same fixed budget for every arm (see the module docstring: no early stopping)
        model.fit(only(data.train), epochs=args.epochs, verbose=0)
    x, y = data.arrays["test"]
    pred = bundle.model.predict(x, batch_size=256 if args.smoke else None, verbose=0)
    figures = {}
    for t in names:
        if t == "ink":
            figures[t] = float(np.mean(np.abs(pred[t] - y[t])))
        else:
            figures[t] = float(np.mean(np.argmax(pred[t], axis=1) == y[t]))
    return figures


def run_seed(seed, args):
    data = load_multitask_digits(labelled_fraction=args.fraction, seed=seed, batch_size=128 if args.smoke else 32)
    if args.smoke:  # two tasks: fewer single-task models
        data = dataclasses.replace(data, tasks={t: data.tasks[t] for t in ("digit", "ink")})
    row = {}
    for method in METHODS:
        if method == "single":
            for t, task in data.tasks.items():
                row[("single", t)] = train("single", {t: task}, data, seed, args)[t]
        else:
            row.update({(method, t): v for t, v in train(method, data.tasks, data, seed, args).items()})
    return row


def fusion_measure():
    try:
        import multitask_fusion  # bench/multitask_fusion.py (the fusion helper's part of issue 18)
    except ImportError:
        print("bench/multitask_fusion.py not found: fusion figures (fusion_best_gain, "
              "modality_dropout_gain) are not measured in this run")
        return None
    return multitask_fusion.measure


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--fraction", type=float, default=0.1, help="share of training labels kept")
    parser.add_argument("--epochs", type=int, default=100,
                        help="fixed training epochs of every model (no early stopping)")
    parser.add_argument("--width", type=int, default=8)
    parser.add_argument("--penalty", type=float, default=1e-2, help="soft-sharing L2 penalty")
    parser.add_argument("--learning-rate", type=float, default=3e-3)
    parser.add_argument("--no-fusion", action="store_true",
                        help="skip bench/multitask_fusion.py's figures (sharing figures only)")
    parser.add_argument("--smoke", action="store_true",
                        help="1 seed, 1 epoch, 5%% labels, digit + ink only, no validation: seconds, for CI")
    args = parser.parse_args(argv)
    if args.smoke:  # 5% labels (63 images, batches of 128): one eager step per model
        args.seeds, args.epochs, args.width, args.fraction = 1, 1, 4, 0.05
    start = time.time()
    measure = None if args.no_fusion else fusion_measure()
    rows, fusion = [], []
    for seed in range(args.seeds):
        rows.append(run_seed(seed, args))
        if measure is not None:
            fusion_start = time.time()
            fusion.append(measure(seed, args.smoke))
            print(f"seed {seed}: fusion part (bench/multitask_fusion.py) {time.time() - fusion_start:.0f} s",
                  flush=True)
        print(f"seed {seed} done ({time.time() - start:.0f} s, load {os.getloadavg()[0]:.1f})", flush=True)

    def stats(key):
        values = np.array([r[key] for r in rows])
        return values.mean(), values.std()

    classification = [t for t in CLASSIFICATION if ("single", t) in rows[0]]
    tasks = (*classification, "ink")
    print(f"\ntest accuracy (ink: MAE, lower is better), {int(args.fraction * 100)}% labels, "
          f"mean +- std over {args.seeds} seeds")
    print(f"{'method':<14}" + "".join(f"{t:>16}" for t in tasks))
    # a per-task figure is mean +- std over seeds
    for method in METHODS:
        cells = "".join(f"{stats((method, t))[0]:>10.3f} +-{stats((method, t))[1]:.3f}" for t in tasks)
        print(f"{method:<14}{cells}")
    print("\naccuracy points over single-task (per task; negative: sharing hurts)")
    gains = {}
    for method in METHODS[1:]:
        per_task = {t: 100 * np.mean([r[(method, t)] - r[("single", t)] for r in rows]) for t in classification}
        gains[method] = float(np.mean(list(per_task.values())))
        print(f"{method:<14}" + "".join(f"{per_task[t]:>+16.1f}" for t in classification)
              + f"   mean {gains[method]:+.1f}")
    best = max(gains, key=gains.get)
    figures = {f"{m}_{t}_acc": round(float(stats((m, t))[0]), 4) for m in METHODS for t in classification}
    figures.update({f"{m}_ink_mae": round(float(stats((m, "ink"))[0]), 4) for m in METHODS})
    figures.update({f"{m}_gain": round(g, 2) for m, g in gains.items()})
    figures.update({"mtl_best_gain": round(gains[best], 2), "mtl_best_method": best,
                    "label_fraction": args.fraction, "seeds": args.seeds})
    if fusion:
        for key in fusion[0]:
            values = np.array([f[key] for f in fusion], dtype=float)
            print(f"{key}: {values.mean():+.3f} +- {values.std():.3f} (from bench/multitask_fusion.py)")
            figures[key] = round(float(values.mean()), 4)
            figures[f"{key}_std"] = round(float(values.std()), 4)
    else:
        figures["fusion_measured"] = False
    figures["wall_s"] = round(time.time() - start, 1)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

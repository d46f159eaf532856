"""Benchmark: the training toolbox of seeds 002 and 004 on digits with little data.

Regularisation ablation (this file): for each seed, the same small residual
convnet (``regularization.small_convnet``) is trained on 20% of the digits'
training split (about 250 8x8 images) once per regulariser -- none, dropout,
L2, decoupled weight decay (AdamW), mixup, cutmix, label smoothing,
RandAugment, DropConnect, DropBlock, stochastic depth, shake-shake -- with
the same initial weights, data order, epochs and Adam rate
(``regularization.compare_regularizers``), and scored once on the test split.

Optimisers, FGSM robustness and the seven-step recipe come from
``bench/toolbox_training.py`` (issue 19's other half) when it is present: its
``measure(seed, smoke) -> dict[str, float]`` is called per seed and its
figures are merged (mean and spread) into the same JSON line. When it is
missing, the line says so (``"training": "missing"``).

    PYTHONPATH=. python bench/toolbox.py            # 3 seeds x 12 regularisers, 30 epochs
    PYTHONPATH=. python bench/toolbox.py --smoke    # seconds: 1 seed, 3 arms, 1 epoch

The last line is JSON: mean and std of each arm's test accuracy,
``reg_best`` (the arm with the best mean) and ``reg_best_gain`` (its mean
gain over "none"), the arms whose mean gain exceeds the spread of the
baseline, and the training figures.
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

SMOKE_ARMS = ("none", "cutmix", "dropblock")


def training_figures():
    """``toolbox_training.measure`` if the other half of the bench is present, else None."""
    try:
        import toolbox_training
    except ImportError:
        return None
    return toolbox_training.measure


def main(argv=None):
    from keras_recipes.datasets import load_digits
    from keras_recipes.regularization import REGULARIZERS, compare_regularizers

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--width", type=int, default=16)
    parser.add_argument("--fraction", type=float, default=0.2, help="labelled share of the training split")
    parser.add_argument("--smoke", action="store_true", help="1 seed, 3 arms, 1 epoch, width 4")
    args = parser.parse_args(argv)
    arms = REGULARIZERS
    if args.smoke:
        from support import smoke as _smoke  # bench/support/smoke.py

        args.seeds, args.epochs, args.width, arms = 1, 1, 4, SMOKE_ARMS
        _smoke.eager()  # a few steps per model: cheaper eager than traced

    start = time.perf_counter()
    measure = training_figures()
    if measure is None:
        print("bench/toolbox_training.py is missing: optimiser, FGSM and recipe figures are not measured")
    accuracy = {arm: [] for arm in arms}
    extra = {}
    for seed in range(args.seeds):
        if args.smoke:  # 20 digits per class (bench/support/smoke.py): 30 labelled training images at 20%
            splits = _smoke.tiny_digits(20, labelled_fraction=args.fraction, seed=seed)
        else:
            splits = load_digits(labelled_fraction=args.fraction, seed=seed)
        result = compare_regularizers(splits, arms, epochs=args.epochs, width=args.width, seed=seed)
        for arm in arms:
            accuracy[arm].append(result.rows[arm]["accuracy"])
        print(f"seed {seed} ({len(splits.arrays['train'][1])} training images, "
              f"{time.perf_counter() - start:.0f} s):\n{result.table()}", flush=True)
        if measure is not None:
            for key, value in measure(seed, args.smoke).items():
                extra.setdefault(key, []).append(float(value))

    base = np.array(accuracy["none"])
    summary, gains = {}, {}
    print(f"\n{'regulariser':<18} {'mean':>6} {'std':>6} {'gain':>7}")
    for arm in arms:
        values = np.array(accuracy[arm])
        summary[arm] = {"mean": round(float(values.mean()), 4), "std": round(float(values.std()), 4)}
        gains[arm] = float(values.mean() - base.mean())
        print(f"{arm:<18} {values.mean():>6.3f} {values.std():>6.3f} {gains[arm]:>+7.3f}")
    best = max((a for a in arms if a != "none"), key=gains.get)
    helps = [a for a in arms if a != "none" and gains[a] > base.std()]
    hurts = [a for a in arms if a != "none" and gains[a] < -base.std()]
    print(f"best: {best} ({gains[best]:+.3f}); above the baseline's spread: {helps or 'none'}; "
          f"below it: {hurts or 'none'}")
    result = {"bench": "toolbox", "seeds": args.seeds, "epochs": args.epochs, "width": args.width,
              "fraction": args.fraction, "smoke": args.smoke, "test_accuracy": summary, "reg_best": best,
              "reg_best_gain": round(gains[best], 4), "reg_helps": helps, "reg_hurts": hurts,
              "training": "missing" if measure is None else "present"}
    for key, values in extra.items():
        result[key] = round(float(np.mean(values)), 4)
        result[f"{key}_std"] = round(float(np.std(values)), 4)
    result["seconds"] = round(time.perf_counter() - start, 1)
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()

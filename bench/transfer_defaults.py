"""Benchmark: one call of ``fine_tune`` at its defaults, by number of labels.

Diagram A1 with the lecture's own case, few labels: the shipped reference
backbone (pretrained on digits 0-4) gets a new 5-class head for digits 5-9
and ``fine_tune(bundle, data.train, data.validation)`` runs with every
argument at its default, for 5%, 20% and 100% of the training labels and
several seeds side by side. The test split is used once per run.

    PYTHONPATH=. python bench/transfer_defaults.py              # 3 fractions x 3 seeds
    PYTHONPATH=. python bench/transfer_defaults.py --smoke      # seconds: 1 fraction, 1 seed,
                                                                # tiny phases

The last line is JSON: per fraction the mean and std of the test accuracy,
and ``meets_target``: mean test accuracy at 5% >= 0.80.
"""

import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

TARGET_AT_5_PERCENT = 0.80


def one_run(fraction, seed, smoke=False):
    """Test accuracy after ``fine_tune`` at defaults (tiny phases with ``smoke``)."""
    import keras

    from keras_recipes.datasets import load_digits
    from keras_recipes.transfer import backbone, fine_tune

    keras.utils.set_random_seed(seed)
    data = load_digits(image_size=16, classes=(5, 6, 7, 8, 9), labelled_fraction=fraction,
                       seed=seed)
    bundle = backbone("reference", num_classes=5)
    kwargs = dict(head_epochs=1, epochs=2, min_steps=2) if smoke else {}
    fine_tune(bundle, data.train, data.validation, seed=seed, verbose=0, **kwargs)
    return {"fraction": fraction, "seed": seed, "labels": int(len(data.arrays["train"][1])),
            "test_accuracy": float(bundle.model.evaluate(data.test, verbose=0)[1])}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fractions", type=float, nargs="+", default=[0.05, 0.2, 1.0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--smoke", action="store_true", help="one fraction, one seed, tiny phases")
    args = parser.parse_args(argv)
    fractions, seeds = (([0.05], [0]) if args.smoke else (args.fractions, args.seeds))

    start = time.perf_counter()
    summary = {}
    print(f"{'labelled':>9} {'labels':>7} {'test accuracy per seed':>28} {'mean':>7} {'std':>6}")
    for fraction in fractions:
        runs = [one_run(fraction, seed, smoke=args.smoke) for seed in seeds]
        accs = np.array([r["test_accuracy"] for r in runs])
        summary[str(fraction)] = {"labels": float(np.mean([r["labels"] for r in runs])),
                                  "per_seed": [round(float(a), 4) for a in accs],
                                  "mean": round(float(accs.mean()), 4),
                                  "std": round(float(accs.std()), 4)}
        print(f"{fraction:>8.0%} {summary[str(fraction)]['labels']:>7.0f} "
              f"{' '.join(f'{a:.3f}' for a in accs):>28} {accs.mean():>7.3f} {accs.std():>6.3f}",
              flush=True)
    at5 = summary.get("0.05", {}).get("mean")
    result = {"bench": "transfer_defaults", "seeds": seeds, "smoke": args.smoke,
              "accuracy": summary, "target_at_5_percent": TARGET_AT_5_PERCENT,
              "meets_target": None if at5 is None or args.smoke else bool(at5 >= TARGET_AT_5_PERCENT),
              "seconds": round(time.perf_counter() - start, 1)}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()

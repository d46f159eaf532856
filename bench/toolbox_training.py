"""Benchmark, the training side of the toolbox (issue 19): optimisers, FGSM training, the seven-step recipe.

On 8x8 digits with little data (a quarter of the training split labelled),
a small MLP, for each seed:

  * the optimiser comparison (SGD, momentum, Nesterov, AdaGrad, RMSProp,
    Adam, AdamW, LARS at their usual rates, same start, ``--epochs``): test
    accuracy of each, and of the one chosen on validation (``opt_best_accuracy``);
  * FGSM (epsilon 0.1) accuracy under attack of a standard and an
    adversarially trained model (``fgsm_robust_gain`` = after - before);
  * the seven-step recipe's final test accuracy against a default-settings
    run (Adam 1e-3, no weight decay, as many epochs as the recipe's refine
    step): ``recipe_gain``.

``measure(seed, smoke)`` returns one seed's figures (``bench/toolbox.py``
merges them with the regularisation ablation); run alone it prints each seed,
the mean and spread, and one closing JSON line.

    PYTHONPATH=. python bench/toolbox_training.py            # 3 seeds
    PYTHONPATH=. python bench/toolbox_training.py --smoke    # seconds
"""

import argparse
import functools
import json
import os
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from support import smoke as _smoke  # noqa: E402  (bench/support/smoke.py: --smoke only)


def _mlp(width=64):
    import keras

    return keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
                             keras.layers.Dense(width, activation="relu"),
                             keras.layers.Dense(10, activation="softmax")])


def measure(seed: int, smoke: bool) -> dict:
    """One seed's figures, all floats: ``opt_*``, ``fgsm_*``, ``recipe_*``."""
    import keras

    from keras_recipes.datasets import load_digits
    from keras_recipes.training import OPTIMIZERS, compare_adversarial_training, compare_optimizers
    from keras_recipes.tuning import seven_step_recipe

    if smoke:  # 20 digits per class (bench/support/smoke.py): 140 training images
        data = _smoke.tiny_digits(20, seed=seed)
    else:
        data = load_digits(image_size=8, labelled_fraction=0.25, seed=seed)
    epochs = 1 if smoke else 10
    out = {}
    names = ["sgd", "adam"] if smoke else list(OPTIMIZERS)
    opt = compare_optimizers(_mlp, data, optimizers=names, epochs=epochs, seed=seed)
    for name in names:
        out[f"opt_{name}_accuracy"] = opt.test_accuracy[name]
    out["opt_best_accuracy"] = opt.test_accuracy[opt.best]
    out["opt_best_index"] = float(list(OPTIMIZERS).index(opt.best))

    adv = compare_adversarial_training(_mlp, data, epochs=epochs, epsilon=0.1, learning_rate=3e-3, seed=seed)
    out.update(fgsm_clean_standard=adv.clean["standard"], fgsm_clean_adversarial=adv.clean["adversarial"],
               fgsm_attacked_standard=adv.attacked["standard"],
               fgsm_attacked_adversarial=adv.attacked["adversarial"], fgsm_robust_gain=adv.robust_gain)

    refine_epochs = 1 if smoke else 12
    # smoke: step 2 overfits two batches for up to 100 epochs, cheaper traced (bench/support/smoke.py)
    with tempfile.TemporaryDirectory() as directory, _smoke.traced(smoke):
        report = seven_step_recipe(
            _mlp, data, rates=(1e-1, 1e-2) if smoke else (1e-1, 1e-2, 1e-3, 1e-4),
            rate_iterations=15 if smoke else 100, min_drop=0.05 if smoke else 0.25, coarse_trials=1 if smoke else 5,
            coarse_epochs=1 if smoke else 3, refine_trials=1 if smoke else 3, refine_epochs=refine_epochs,
            loops=0 if smoke else 1, directory=directory, seed=seed)
    default = compare_optimizers(_mlp, data, optimizers={"default": lambda: keras.optimizers.Adam(1e-3)},
                                 epochs=refine_epochs, seed=seed)
    out["recipe_accuracy"] = report.test_accuracy
    out["recipe_default_accuracy"] = default.test_accuracy["default"]
    out["recipe_gain"] = out["recipe_accuracy"] - out["recipe_default_accuracy"]
    out["recipe_learning_rate"] = float(report.best_hyperparameters["learning_rate"])
    return {k: float(v) for k, v in out.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="one seed, tiny runs (seconds)")
    args = parser.parse_args()
    if args.smoke:
        _smoke.eager()  # a few steps per model: cheaper eager than traced
    seeds = 1 if args.smoke else args.seeds
    start, rows = time.time(), []
    for seed in range(seeds):
        rows.append(measure(seed, args.smoke))
        print(f"seed {seed}: " + ", ".join(f"{k} {v:.3f}" for k, v in rows[-1].items()), flush=True)
    keys = rows[0].keys()
    mean = {k: float(np.mean([r[k] for r in rows])) for k in keys}
    std = {k: float(np.std([r[k] for r in rows])) for k in keys}
    for k in keys:
        print(f"{k:<28} {mean[k]:.3f} ± {std[k]:.3f}")
    print(json.dumps({"bench": "toolbox_training", "seeds": seeds, "smoke": args.smoke,
                      "seconds": round(time.time() - start, 1), "mean": mean, "std": std,
                      "opt_best_accuracy": mean["opt_best_accuracy"],
                      "fgsm_robust_gain": mean["fgsm_robust_gain"], "recipe_gain": mean["recipe_gain"]}))


if __name__ == "__main__":
    main()

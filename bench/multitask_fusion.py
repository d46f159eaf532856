"""Benchmark: multi-modal fusion (seed 001) at 10% of the labels, several seeds side by side.

On the bundled two-modality digits (``datasets.multimodal``: the top half of
each digit as an image, a noisy 12-number profile of its bottom half), each
with 10% of the training labels (126 examples), the same MLP encoders
(width 32, depth 2, Adam 3e-3, fixed epochs, no early stopping) trained as:

* each modality alone (``intermediate_fusion`` with one modality);
* early fusion, intermediate fusion (concat, gated), late fusion (sum of
  log-probabilities, learned weights q_i, beta-weighted);
* intermediate concat fusion with ``modality_dropout=0.25`` (half the
  training examples miss one modality), against the same model without it,
  both evaluated with each modality missing (zeros) in turn;
* MFAS (``multitask.fusion_search``): the guided search over which encoder
  layers are fused and with which activation (a random round of 6 trials,
  then a round of 4 narrowed around the best 2), every candidate trained the
  same fixed epochs, selected on validation; reported against the best
  hand-picked fusion that ``fusion_search`` trains with the same trainer
  (early, intermediate concat / gated, late sum), also selected on validation.

Headline figures (test accuracy, mean over seeds):
``fusion_best_gain`` = best fusion - best single modality;
``modality_dropout_gain`` = accuracy with one modality missing (mean over
the two) with minus without modality dropout;
``mfas_vs_best_hand`` = test accuracy of MFAS's pick minus that of the
hand-picked fusion with the best validation accuracy.

    PYTHONPATH=. python bench/multitask_fusion.py            # defaults: 3 seeds
    PYTHONPATH=. python bench/multitask_fusion.py --smoke    # seconds: the CI test runs this

``measure(seed, smoke)`` returns one seed's figures (``bench/multitask.py``
merges them). The last line printed is one JSON object of the headline figures.
"""

import argparse
import json
import os
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_recipes.datasets.multimodal import load_multimodal_digits, without_modality  # noqa: E402
from keras_recipes.multitask import early_fusion, intermediate_fusion, late_fusion  # noqa: E402
from keras_recipes.multitask.fusion_search import fusion_search  # noqa: E402

FUSIONS = {
    "early": lambda mods, **kw: early_fusion(mods, 10, **kw),
    "intermediate_concat": lambda mods, **kw: intermediate_fusion(mods, 10, **kw),
    "intermediate_gated": lambda mods, **kw: intermediate_fusion(mods, 10, fusion="gated", **kw),
    "late_sum": lambda mods, **kw: late_fusion(mods, 10, **kw),
    "late_weighted": lambda mods, **kw: late_fusion(mods, 10, merge="weighted", **kw),
    "late_beta": lambda mods, **kw: late_fusion(mods, 10, merge="beta", **kw),
}
MODALITY_DROPOUT = 0.25


def _train(build, train, seed, cfg):
    keras.utils.set_random_seed(seed)
    bundle = build()
    bundle.model.compile(keras.optimizers.Adam(cfg["learning_rate"]),
                         "sparse_categorical_crossentropy", metrics=["accuracy"],
                         run_eagerly=cfg["eager"])
    bundle.model.fit(train, epochs=cfg["epochs"], verbose=0)
    return bundle.model


def _accuracy(model, dataset):
    return float(model.evaluate(dataset, verbose=0)[1])


def measure(seed: int, smoke: bool) -> dict:
    """One seed's test accuracies: each modality alone, each fusion, missing-modality figures."""
    # smoke: one eager epoch (no graph traced per model: seconds, not minutes)
    cfg = {"epochs": 1 if smoke else 60, "width": 8 if smoke else 32, "learning_rate": 3e-3,
           "eager": smoke}
    # smoke: 5% labels in batches of 128, one eager step a model and three a test pass
    splits = load_multimodal_digits(labelled_fraction=0.05 if smoke else 0.1, batch_size=128 if smoke else 32,
                                    seed=seed)
    mods, size = splits.modalities, {"width": cfg["width"], "depth": 2}
    out = {}
    for m in mods:
        only = lambda ds, m=m: ds.map(lambda x, y: ({m: x[m]}, y))  # noqa: E731
        model = _train(lambda m=m: intermediate_fusion({m: mods[m]}, 10, **size),
                       only(splits.train), seed, cfg)
        out[f"acc_{m}_only"] = _accuracy(model, only(splits.test))
    models = {}
    for name, build in FUSIONS.items():
        models[name] = _train(lambda b=build: b(mods, **size), splits.train, seed, cfg)
        out[f"acc_{name}"] = _accuracy(models[name], splits.test)
    models["dropout"] = _train(lambda: intermediate_fusion(
        mods, 10, modality_dropout=MODALITY_DROPOUT, seed=seed, **size), splits.train, seed, cfg)
    out["acc_intermediate_concat_modality_dropout"] = _accuracy(models["dropout"], splits.test)
    for arm, key in (("intermediate_concat", "without"), ("dropout", "with")):
        missing = [_accuracy(models[arm], without_modality(splits.test, m)) for m in mods]
        for m, acc in zip(mods, missing):
            out[f"acc_missing_{m}_{key}_modality_dropout"] = acc
        out[f"acc_one_missing_{key}_modality_dropout"] = float(np.mean(missing))
    out["fusion_best_gain"] = (max(out[f"acc_{n}"] for n in FUSIONS)
                               - max(out[f"acc_{m}_only"] for m in mods))
    out["modality_dropout_gain"] = (out["acc_one_missing_with_modality_dropout"]
                                    - out["acc_one_missing_without_modality_dropout"])
    out.update(_mfas(splits, seed, cfg))
    return out


def _mfas(splits, seed, cfg):
    """MFAS's pick against the best hand-picked fusion (chosen on validation), test accuracy."""
    smoke = cfg["eager"]
    with tempfile.TemporaryDirectory(prefix="mfas_bench_") as directory:
        result = fusion_search(
            splits, trials=(2, 1) if smoke else (6, 4), top_k=1 if smoke else 2,
            epochs=cfg["epochs"], width=cfg["width"], depth=2, learning_rate=cfg["learning_rate"],
            hand_picked=("early", "late_sum") if smoke else
            ("early", "intermediate_concat", "intermediate_gated", "late_sum"),
            directory=directory, seed=seed, run_eagerly=smoke)
    best = result.best_hand_picked
    print(f"seed {seed}: MFAS picked {result.best_fusions}; best hand-picked on validation: {best}",
          flush=True)
    return {"acc_mfas": result.scores["mfas"]["test"],
            "acc_mfas_best_hand": result.scores[best]["test"],
            "mfas_vs_best_hand": result.gain}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="1 seed, 1 eager epoch, width 8")
    args = parser.parse_args()
    seeds = list(range(1 if args.smoke else args.seeds))
    start = time.time()
    runs = [measure(seed, args.smoke) for seed in seeds]
    print(f"{'figure':<48}" + "".join(f"{'seed ' + str(s):>9}" for s in seeds)
          + f"{'mean':>9}{'spread':>9}")
    summary = {}
    for key in runs[0]:
        values = np.array([r[key] for r in runs])
        summary[key] = (float(values.mean()), float(values.std()))
        print(f"{key:<48}" + "".join(f"{v:>9.3f}" for v in values)
              + f"{values.mean():>9.3f}{values.std():>9.3f}")
    seconds = time.time() - start
    print(f"{len(seeds)} seed(s) in {seconds:.0f} s; load average {os.getloadavg()[0]:.1f}")
    print(json.dumps({
        "bench": "multitask_fusion", "seeds": len(seeds), "smoke": args.smoke,
        "labelled_fraction": 0.05 if args.smoke else 0.1, "seconds": round(seconds, 1),
        "fusion_best_gain": summary["fusion_best_gain"][0],
        "fusion_best_gain_spread": summary["fusion_best_gain"][1],
        "modality_dropout_gain": summary["modality_dropout_gain"][0],
        "modality_dropout_gain_spread": summary["modality_dropout_gain"][1],
        "mfas_vs_best_hand": summary["mfas_vs_best_hand"][0],
        "mfas_vs_best_hand_spread": summary["mfas_vs_best_hand"][1],
        "accuracy": {k: round(v[0], 4) for k, v in summary.items() if k.startswith("acc_")},
    }))


if __name__ == "__main__":
    main()

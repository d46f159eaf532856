"""Benchmark: pretext tasks (A7) and macro/micro architecture search (A13), several seeds side by side.

* A7: on the 5,000 bundled 28x28 MNIST digits with 5% of the training
  labels, each pretext task (rotation, relative patch position, inpainting,
  SimCLR) pre-trains the same small zoo VGG from the same initial weights on
  every training image (labels hidden); then a linear probe on the frozen
  bottleneck and a fine-tune of the whole model on the labelled 5%, both
  against the random-init encoder (``representation.compare_pretext``).
  ``pretext_probe_gain`` = best pretext linear-probe test accuracy minus the
  random-init probe's, in accuracy points (x100); ``pretext_finetune_gain``
  the same for fine-tuning.
* A13: ``representation.architecture_search`` on the 16x16 digits: guided
  search (a random round, then a round narrowed to the choices of the top trials, each conditional
  micro choice from the top trials that used it) over macro and micro
  choices, every candidate solved to the parameter count of the zoo's
  hand-designed ResNet reference within +-20%; ``nas_vs_default`` = best
  searched test accuracy minus the reference's (points), each trained the
  same epochs.

    PYTHONPATH=. python bench/representation_pretext.py            # 3 seeds
    PYTHONPATH=. python bench/representation_pretext.py --smoke    # seconds

``pretext(seed, smoke)`` and ``search(seed, smoke)`` return one seed's figures of
each half (``bench/representation.py`` runs them as two of its parts). The last line printed
is one JSON object of the headline figures.
"""

import argparse
import json
import os
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from support import smoke as _smoke  # noqa: E402  (bench/support/smoke.py: --smoke only)

from keras_recipes.datasets import load_digits, load_mnist  # noqa: E402
from keras_recipes.representation.architecture_search import architecture_search  # noqa: E402
from keras_recipes.representation.pretext_transfer import compare_pretext  # noqa: E402

HEADLINE = ("pretext_probe_gain", "nas_vs_default")


def measure(seed: int, smoke: bool) -> dict:
    """One seed's figures (accuracy points): pretext gains over random init, and NAS vs the zoo default."""
    return {**pretext(seed, smoke), **search(seed, smoke)}


def pretext(seed: int, smoke: bool) -> dict:
    """One seed's pretext figures (accuracy points): probe and fine-tune gains over random init."""
    start = time.time()
    if smoke:  # a few dozen 8x8 digits of three classes (bench/support/smoke.py)
        splits = _smoke.tiny_digits(20, classes=(0, 1, 2), labelled_fraction=0.2, seed=seed)
        result = compare_pretext(splits, pretrain_epochs=1, fine_tune_epochs=1, seed=seed)  # all four tasks
    else:
        splits = load_mnist(labelled_fraction=0.05, seed=seed)
        result = compare_pretext(splits, pretrain_epochs=2, fine_tune_epochs=15, seed=seed)
    figures = {"pretext_probe_gain": 100 * result.gain("probe_accuracy"),
               "pretext_finetune_gain": 100 * result.gain("fine_tune_accuracy"),
               "random_init_probe": 100 * result.probe_accuracy[0]}
    for name, probe, tuned in zip(result.names[1:], result.probe_accuracy[1:], result.fine_tune_accuracy[1:]):
        figures[f"probe_{name}"] = 100 * probe
        figures[f"finetune_{name}"] = 100 * tuned
    figures["pretext_wall_s"] = time.time() - start
    return figures


def search(seed: int, smoke: bool) -> dict:
    """One seed's architecture-search figures (accuracy points): best searched vs the zoo reference."""
    start = time.time()
    digits = _smoke.tiny_digits(10, seed=seed) if smoke else load_digits(image_size=16, seed=seed)
    with tempfile.TemporaryDirectory() as directory:
        nas = architecture_search(digits, trials=(1, 1) if smoke else (6, 3), epochs=1 if smoke else 3,
                                  top_k=1 if smoke else 2, max_groups=2 if smoke else 3,
                                  directory=directory, seed=seed)
    figures = {"nas_vs_default": 100 * nas.gain, "nas_best": 100 * nas.best_accuracy,
               "nas_default": 100 * nas.reference_accuracy,
               "nas_size_ratio": nas.best_params / nas.reference_params, "nas_wall_s": time.time() - start}
    print(f"seed {seed}: search {figures['nas_wall_s']:.0f} s wall; best choices {nas.best_choices}", flush=True)
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="tiny data, one seed pair: seconds")
    args = parser.parse_args(argv)
    if args.smoke:
        _smoke.eager()  # a few steps per model: cheaper eager than traced (bench/support/smoke.py)
    seeds = list(range(2 if args.smoke else args.seeds))
    start = time.time()
    runs = []
    for seed in seeds:  # each seed's figures as soon as they exist (a long run shows its partial results)
        runs.append(measure(seed, args.smoke))
        print(f"seed {seed} figures: " + json.dumps({k: round(v, 3) for k, v in runs[-1].items()}), flush=True)
    keys = list(runs[0])
    print(f"{'figure':<26} " + " ".join(f"{'seed ' + str(s):>9}" for s in seeds) + f" {'mean +- std':>16}")
    summary = {}
    for key in keys:
        values = np.array([r[key] for r in runs], dtype="float64")
        summary[key] = (float(values.mean()), float(values.std()))
        print(f"{key:<26} " + " ".join(f"{v:>9.2f}" for v in values)
              + f" {values.mean():>8.2f} +- {values.std():.2f}")
    print(f"({len(seeds)} seeds, {time.time() - start:.0f} s)")
    figures = {key: round(summary[key][0], 3) for key in keys}
    figures.update({f"{key}_std": round(summary[key][1], 3) for key in HEADLINE})
    figures.update(seeds=len(seeds), smoke=args.smoke)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

"""Benchmark: the representation recipes against their plain baselines, several seeds side by side.

* A4 invariance (``invariance_gain``): accuracy on the shifted/scaled test
  digits (``datasets.shift_and_scale(max_shift=0.15, scale_range=(0.85,
  1.15))``, the neural-structured-learning recipe's set) of a network trained
  with ``augment.InvarianceBatch(fraction=0.5)`` minus the same network
  trained without augmentation.
* A5 synthetic pre-training (``synthetic_gain_5pct``): real-digit test
  accuracy at 5% of the training labels, pre-trained on rendered digits
  minus from scratch (same full-training + fine-tuning steps).
* A6 occlusion (``occlusion_gain``, ``erasing_gain``): accuracy on test
  digits occluded by objects cut from a held-out photograph, occlusion
  training (resp. Keras ``RandomErasing``) minus plain training.
* CORAL (``coral_gain``, ``classic_coral_gain``): accuracy on real MNIST (``--smoke``: inverted digits) of a
  network trained on the 8x8 scikit-learn digits: Deep CORAL minus
  source-only, and classic CORAL minus the same linear classifier unaligned.
* Pretext tasks and architecture search (``pretext_probe_gain``,
  ``nas_vs_default``): from ``bench/representation_pretext.py``'s
  ``measure(seed, smoke)`` when that file is present (another branch).

    PYTHONPATH=. python bench/representation.py            # defaults: 3 seeds
    PYTHONPATH=. python bench/representation.py --smoke    # seconds: the CI test runs this

The last line printed is one JSON object of the headline figures (means over seeds).
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

from support import smoke as _smoke  # noqa: E402  (bench/support/smoke.py: --smoke only)

try:
    import representation_pretext  # noqa: E402
except ImportError:
    representation_pretext = None


def smoke_data(args, seed):
    """``--smoke``: 20 8x8 digits per class (``bench/support/smoke.py``: 5% of the 140 training labels keeps one per
    class for A5); the full run: each recipe's own default data."""
    return _smoke.tiny_digits(20, image_size=8, seed=seed) if args.smoke else None


def invariance(args, seed):
    from keras_recipes.representation import invariance_training

    result = invariance_training(smoke_data(args, seed), fractions=(0.5,), epochs=args.epochs, width=args.width,
                                 seed=seed)
    print(result.table())
    return {"invariance_gain": result.gain()}


def synthetic(args, seed):
    from keras_recipes.representation import synthetic_pretraining

    result = synthetic_pretraining(smoke_data(args, seed), fractions=(0.05,), synthetic=args.synthetic,
                                   pretrain_epochs=args.pretrain_epochs, steps=args.steps,
                                   finetune_steps=args.steps // 4, width=args.width, seed=seed)
    print(result.table())
    return {"synthetic_gain_5pct": result.gain(0.05), "synthetic_only": result.synthetic_only}


def occlusion(args, seed):
    from keras_recipes.representation import occlusion_training

    result = occlusion_training(smoke_data(args, seed), epochs=args.epochs, width=args.width, seed=seed)
    print(result.table())
    return {"occlusion_gain": result.gain(), "erasing_gain": result.gain("RandomErasing")}


def coral(args, seed):
    from keras_recipes.representation import coral_adaptation

    # smoke: CORAL loads every digit (no data argument), ~40 steps per model: cheaper traced
    with _smoke.traced(args.smoke):
        result = coral_adaptation(args.coral_target, image_size=args.coral_size, epochs=args.epochs,
                                  width=args.width, seed=seed)
    print(result.table())
    return {"coral_gain": result.deep_gain, "classic_coral_gain": result.classic_gain,
            "coral_source_only_target": result.rows["source only"]["target"]}


PARTS = {"invariance": invariance, "synthetic": synthetic, "occlusion": occlusion, "coral": coral}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=8, help="training epochs of the A4, A6 and CORAL networks")
    parser.add_argument("--width", type=int, default=8, help="filters of the networks' first group")
    parser.add_argument("--synthetic", type=int, default=2000, help="synthetic pre-training images (A5)")
    parser.add_argument("--pretrain-epochs", type=int, default=4)
    parser.add_argument("--steps", type=int, default=160, help="A5 full-training steps (fine-tuning: a quarter)")
    parser.add_argument("--coral-target", choices=("mnist", "inverted", "blurred"), default="mnist")
    parser.add_argument("--coral-size", type=int, default=16, help="side both CORAL domains are resized to")
    parser.add_argument("--parts", nargs="+", choices=(*PARTS, "pretext"), default=[*PARTS, "pretext"])
    parser.add_argument("--smoke", action="store_true", help="seconds-long run for CI")
    args = parser.parse_args(argv)
    if args.smoke:
        args.seeds, args.epochs, args.width, args.synthetic, args.pretrain_epochs, args.steps = 1, 1, 4, 100, 1, 4
        args.coral_target, args.coral_size = "inverted", 8  # no MNIST load in CI; the full run measures MNIST
        _smoke.eager()  # a few steps per model: cheaper eager than traced (bench/support/smoke.py)
    if "pretext" in args.parts and representation_pretext is None:
        print("bench/representation_pretext.py is missing: pretext_probe_gain and nas_vs_default are not measured")
    start, cpu_start = time.time(), time.process_time()
    rows = []
    for seed in range(args.seeds):
        row = {}
        for name in args.parts:
            part_start = time.time()
            if name == "pretext":
                if representation_pretext is None:
                    continue
                row.update(representation_pretext.measure(seed=seed, smoke=args.smoke))
            else:
                print(f"\n[{name}] seed {seed}", flush=True)
                row.update(PARTS[name](args, seed))
            print(f"[{name}] seed {seed}: {time.time() - part_start:.0f} s", flush=True)
        print(f"seed {seed}: " + ", ".join(f"{k} {v:+.4f}" for k, v in row.items()), flush=True)
        rows.append(row)
    print("\nover seeds          mean      spread (std)")
    headline = {}
    for key in rows[0]:
        values = np.asarray([r[key] for r in rows], dtype="float64")
        print(f"{key:<26} {values.mean():+.4f}   {values.std():.4f}")
        headline[key] = round(float(values.mean()), 4)
        headline[f"{key}_spread"] = round(float(values.std()), 4)
    headline.update({"pretext_missing": representation_pretext is None, "seeds": args.seeds,
                     "seconds": round(time.time() - start, 1), "cpu_seconds": round(time.process_time() - cpu_start, 1),
                     "smoke": args.smoke})
    print(json.dumps(headline))


if __name__ == "__main__":
    main()

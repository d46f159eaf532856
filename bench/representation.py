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
  ``nas_vs_default``): ``bench/representation_pretext.py``'s ``pretext`` and
  ``search`` parts.

Every (seed, part) pair is one unit of work; ``--workers N`` (default 2, one
per core of the 2-core machine) fresh processes share the units, each taking
the next as it finishes one, costliest first, with TensorFlow limited to
cores/N threads each. Every recipe seeds itself, so which process runs a
unit does not matter; the figures are keyed by unit. The JSON line records
``seconds`` (wall), ``cpu_seconds`` (with the workers) and each part's
summed wall seconds.

    PYTHONPATH=. python bench/representation.py            # defaults: 3 seeds, 2 workers
    PYTHONPATH=. python bench/representation.py --smoke    # seconds: the CI test runs this

The last line printed is one JSON object of the headline figures (means over seeds).
"""

import argparse
import concurrent.futures
import json
import multiprocessing
import os
import resource
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import representation_pretext  # noqa: E402
from support import smoke as _smoke  # noqa: E402  (bench/support/smoke.py: --smoke only)
from support.workers import cores, limit_threads  # noqa: E402


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


def pretext(args, seed):
    return representation_pretext.pretext(seed, args.smoke)


def search(args, seed):
    return representation_pretext.search(seed, args.smoke)


# Costliest first (one seed in a one-thread worker, quiet: search 480-560 s, pretext 220-230, the others
# 20-40 each), so that workers taking the next part in this order share the work out evenly.
PARTS = {"search": search, "pretext": pretext, "coral": coral, "synthetic": synthetic, "occlusion": occlusion,
         "invariance": invariance}
REPORTED = ("invariance", "synthetic", "occlusion", "coral", "pretext", "search")  # the docstring's order


def run_part(name, args, seed):
    """One part of one seed: (its figures, its wall seconds)."""
    start = time.time()
    print(f"\n[{name}] seed {seed}", flush=True)
    figures = PARTS[name](args, seed)
    seconds = time.time() - start
    print(f"[{name}] seed {seed}: {seconds:.0f} s", flush=True)
    return figures, seconds


def start_worker(threads, smoke):
    """A worker process's set-up: its share of the cores, and eager steps in smoke mode (as in the parent)."""
    limit_threads(threads)
    if smoke:
        _smoke.eager()


def run_parts(units, args, workers):
    """Run every (seed, part) unit; with ``workers`` > 1, in that many fresh processes that each take the
    next unit as they finish one (costliest first). Results are keyed by unit, so the order a unit finishes
    in does not change the figures."""
    if workers == 1:
        return {unit: run_part(unit[1], args, unit[0]) for unit in units}
    sys.stdout.flush()
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                                initializer=start_worker,
                                                initargs=(max(1, cores() // workers), args.smoke)) as pool:
        futures = {unit: pool.submit(run_part, unit[1], args, unit[0]) for unit in units}
        return {unit: future.result() for unit, future in futures.items()}


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
    parser.add_argument("--parts", nargs="+", choices=PARTS, default=list(PARTS))
    parser.add_argument("--workers", type=int, default=None,
                        help="processes sharing the parts (default: 2, one per core of a 2-core machine; "
                             "--smoke: 1, in this process)")
    parser.add_argument("--smoke", action="store_true", help="seconds-long run for CI")
    args = parser.parse_args(argv)
    if args.workers is not None and args.workers < 1:
        parser.error(f"--workers must be >= 1; received: {args.workers}")
    if args.smoke:
        args.seeds, args.epochs, args.width, args.synthetic, args.pretrain_epochs, args.steps = 1, 1, 4, 100, 1, 4
        args.coral_target, args.coral_size = "inverted", 8  # no MNIST load in CI; the full run measures MNIST
        _smoke.eager()  # a few steps per model: cheaper eager than traced (bench/support/smoke.py)
    units = [(seed, name) for name in PARTS if name in args.parts for seed in range(args.seeds)]
    workers = min(args.workers or (1 if args.smoke else 2), len(units))
    print(f"{args.seeds} seed(s) x {len(args.parts)} part(s) in {workers} process(es)", flush=True)
    start = time.time()
    done = run_parts(units, args, workers)
    rows = []
    for seed in range(args.seeds):
        row = {}
        for name in REPORTED:
            if (seed, name) in done:
                row.update(done[seed, name][0])
        print(f"seed {seed}: " + ", ".join(f"{k} {v:+.4f}" for k, v in row.items()), flush=True)
        rows.append(row)
    print("\nover seeds          mean      spread (std)")
    headline = {}
    for key in rows[0]:
        values = np.asarray([r[key] for r in rows], dtype="float64")
        print(f"{key:<26} {values.mean():+.4f}   {values.std():.4f}")
        headline[key] = round(float(values.mean()), 4)
        headline[f"{key}_spread"] = round(float(values.std()), 4)
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    headline.update({"seeds": args.seeds, "workers": workers, "seconds": round(time.time() - start, 1),
                     "cpu_seconds": round(sum(u.ru_utime + u.ru_stime for u in usage), 1),  # with the workers
                     "part_seconds": {name: round(sum(s for (_, n), (_, s) in done.items() if n == name), 1)
                                      for name in PARTS if name in args.parts},
                     "smoke": args.smoke})
    print(json.dumps(headline))


if __name__ == "__main__":
    main()

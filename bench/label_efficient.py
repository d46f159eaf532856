"""Benchmark: learning from few or noisy labels (A9, A10, A11, UDA/FixMatch, A16), several seeds side by side.

Measured on the bundled 8x8 digits (``--dataset mnist``: the 5,000 real
MNIST images at 14x14, closer to the papers' numbers, slower), each figure
the mean and spread over ``--seeds`` seeds, against the plain baseline
trained in the same run:

* distillation (A9): teacher MLP 64-256-256-10 (~85k parameters), student
  MLP 64-32-10 (~2.4k, under a thirtieth; ``--student-width``); student alone vs distilled
  (live ``Distiller``, and the cached-logits path with its wall time);
  ``distill_error_ratio`` = distilled test error / student-alone error
  (Hinton et al. roughly halved a small net's MNIST errors; aim <= 0.75).
* denoising (A10) at 40% symmetric noise, good labels = 10% of the training
  set: strong MLP on good + noisy labels with cross-entropy and with
  ``CategoricalGeneralizedCrossEntropy``, and after out-of-bag relabelling
  (unaccepted examples dropped, the recipe's default; and kept with their noisy label);
  ``denoise_recovery_40`` = denoised accuracy / clean-label accuracy (aim >= 0.90).
* 5% labels: supervised-only, pseudo-labelling, UDA and FixMatch with a small
  CNN; ``*_gain_5pct`` = accuracy points over supervised-only (aim >= +10 for the best).
* NSL (A16): plain vs NSL training (random shift/scale copy), accuracy on a
  shifted/scaled test set (``datasets.shifts.shift_and_scale``); ``nsl_translation_gain``
  in points; also augmentation alone (the perturbed copy instead of the batch, no
  penalty), so ``nsl_gain_over_augmentation`` isolates the divergence term.

    PYTHONPATH=. python bench/label_efficient.py            # defaults: 3 seeds, digits
    PYTHONPATH=. python bench/label_efficient.py --smoke    # seconds: the CI test runs this

The last line printed is one JSON object of the headline figures.
"""

import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from support import smoke as _smoke  # noqa: E402  (bench/support/smoke.py: --smoke only)

from keras_recipes.augment.views import shift_scale_view, strong_view, weak_view  # noqa: E402
from keras_recipes.datasets import load_digits, symmetric_noise  # noqa: E402
from keras_recipes.datasets.shifts import shift_and_scale  # noqa: E402
from keras_recipes.label_efficient import (  # noqa: E402
    UDA, FixMatch, StructuredModel, denoise, distill, pseudo_label, semi_supervised_dataset)
from keras_recipes.label_efficient.training import accuracy, build_seeded, fit_classifier  # noqa: E402

CE = keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def mlp(shape, hidden, classes=10, name=None):
    def build():
        inputs = keras.Input(shape)
        x = keras.layers.Flatten()(inputs)
        for i, units in enumerate(hidden):
            x = keras.layers.Dense(units, activation="relu", name=f"hidden{i}")(x)
        return keras.Model(inputs, keras.layers.Dense(classes, name="logits")(x), name=name)
    return build


def cnn(shape, classes=10, width=16):
    def build():
        inputs = keras.Input(shape)
        x = keras.layers.Conv2D(width, 3, padding="same", activation="relu")(inputs)
        x = keras.layers.Conv2D(2 * width, 3, padding="same", activation="relu")(x)
        x = keras.layers.MaxPooling2D()(x)
        x = keras.layers.Conv2D(2 * width, 3, padding="same", activation="relu")(x)
        x = keras.layers.GlobalAveragePooling2D()(x)
        return keras.Model(inputs, keras.layers.Dense(classes)(x))
    return build


def load(dataset, seed, labelled_fraction=1.0, smoke=False):
    if smoke and dataset == "digits":  # 20 per class (bench/support/smoke.py): 140 training images, at 5% one label a class
        return _smoke.tiny_digits(20, labelled_fraction=labelled_fraction, seed=seed)
    if dataset == "mnist":
        from keras_recipes.datasets.mnist import load_mnist

        return load_mnist(image_size=14, labelled_fraction=labelled_fraction, seed=seed)
    return load_digits(labelled_fraction=labelled_fraction, seed=seed)


def summarise_ok(values):
    return values[~np.isnan(values)] if np.isnan(values).any() else values


def run_distillation(splits, cfg, seed):
    (x, y), (xt, yt) = splits.arrays["train"], splits.arrays["test"]
    shape = splits.input_shape
    teacher = build_seeded(mlp(shape, [256, 256], name="teacher"), seed)
    fit_classifier(teacher, x, y, epochs=cfg["teacher_epochs"], batch_size=64, seed=seed)
    alone = build_seeded(mlp(shape, [cfg["student_width"]], name="student"), seed + 1)
    fit_classifier(alone, x, y, epochs=cfg["student_epochs"], batch_size=64, learning_rate=3e-3, seed=seed)
    out = {"teacher_acc": accuracy(teacher, xt, yt), "alone_acc": accuracy(alone, xt, yt),
           "params_ratio": alone.count_params() / teacher.count_params()}
    for path in ("live", "cached"):
        student = build_seeded(mlp(shape, [cfg["student_width"]], name="student"), seed + 1)
        result = distill(teacher, student, x, y, path=path, temperature=cfg["temperature"], student_loss_weight=0.1,
                         epochs=cfg["student_epochs"], batch_size=64, learning_rate=3e-3, seed=seed, verbose=0)
        out[f"{path}_acc"] = accuracy(result.student, xt, yt)
        out[f"{path}_seconds"] = result.seconds
    return out


def run_denoising(splits, cfg, seed):
    (x, y), (xt, yt) = splits.arrays["train"], splits.arrays["test"]
    shape, n = splits.input_shape, len(x)
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    good, rest = order[: n // 10], order[n // 10:]
    noisy, _ = symmetric_noise(y[rest], 0.4, splits.num_classes, seed=seed)
    strong = mlp(shape, [128])
    out = {}
    for name, labels, loss in (("clean", y[rest], "ce"), ("noisy_ce", noisy, "ce"), ("noisy_gce", noisy, "gce")):
        model = build_seeded(strong, seed + 7)
        fit_classifier(model, np.concatenate([x[good], x[rest]]), np.concatenate([y[good], labels]),
                       epochs=cfg["epochs"], batch_size=64, loss=loss, seed=seed)
        out[f"{name}_acc"] = accuracy(model, xt, yt)
    result = denoise(mlp(shape, [64]), x[rest], noisy, x[good], y[good], strong_builder=strong,
                     learners=cfg["learners"], epochs=cfg["weak_epochs"], finetune_epochs=cfg["finetune_epochs"],
                     strong_epochs=cfg["epochs"], batch_size=64, y_true=y[rest], test_data=(xt, yt), seed=seed)
    keep = build_seeded(strong, seed + 7)             # variant: unaccepted examples keep their noisy label
    fit_classifier(keep, np.concatenate([x[good], x[rest]]), np.concatenate([y[good], result.labels]),
                   epochs=cfg["epochs"], batch_size=64, seed=seed)
    out.update(denoised_keep_acc=accuracy(keep, xt, yt), accepted=float(result.accepted.mean()))
    out.update(denoised_acc=result.strong_accuracy, relabel_precision=result.precision,
               relabel_recall=result.recall, labels_before=result.label_accuracy_before,
               labels_after=result.label_accuracy_after, memorisation_gap=result.memorisation_gap)
    return out


def run_semi_supervised(dataset, cfg, seed, smoke=False):
    splits = load(dataset, seed, labelled_fraction=0.05, smoke=smoke)
    (xl, yl), (xu, yu) = splits.arrays["train"], splits.arrays["unlabelled"]
    (xv, yv), (xt, yt) = splits.arrays["validation"], splits.arrays["test"]
    net = cnn(splits.input_shape)
    epochs = cfg["epochs"]
    sup = build_seeded(net, seed)
    fit_classifier(sup, xl, yl, epochs=epochs * 4, batch_size=16, learning_rate=3e-3, seed=seed)
    out = {"labelled": len(xl), "supervised_acc": accuracy(sup, xt, yt)}
    result = pseudo_label(net, xl, yl, xu, rounds=cfg["rounds"], threshold=0.95, per_class_cap=cfg["cap"],
                          epochs=epochs * 2, batch_size=16, learning_rate=3e-3, y_unlabelled=yu,
                          validation_data=(xv, yv), seed=seed)
    out["pseudo_acc"] = accuracy(result.model, xt, yt)
    out["pseudo_added_acc"] = float(np.mean([r["added_accuracy"] for r in result.rounds
                                             if r["added_accuracy"] is not None] or [np.nan]))
    ds = semi_supervised_dataset(xl, yl, xu, batch_size=16, unlabelled_ratio=4, seed=seed)
    for name, make in (("uda", lambda m: UDA(m, strong_view(seed=seed), weight=1.0, temperature=0.4, confidence=0.7)),
                       ("fixmatch", lambda m: FixMatch(m, weak_view(seed=seed), strong_view(seed=seed + 1),
                                                       threshold=0.95))):
        wrapper = make(build_seeded(net, seed))
        wrapper.compile(keras.optimizers.Adam(3e-3), loss=CE)
        wrapper.fit(ds, epochs=epochs, verbose=0)
        out[f"{name}_acc"] = accuracy(wrapper.model, xt, yt)
    return out


def run_nsl(splits, cfg, seed):
    (x, y), (xt, yt) = splits.arrays["train"], splits.arrays["test"]
    shifted = shift_and_scale(xt, max_shift=0.15, scale_range=(0.85, 1.15), seed=seed)
    net = cnn(splits.input_shape)
    out = {}
    for name, wrap in (("plain", None),
                       ("nsl", lambda m: StructuredModel(m, shift_scale_view(seed=seed), weight=1.0)),
                       ("nsl_adv", lambda m: StructuredModel(m, shift_scale_view(seed=seed), weight=1.0,
                                                             perturbation="adversarial", epsilon=0.05))):
        model = build_seeded(net, seed)
        trainer = model if wrap is None else wrap(model)
        trainer.compile(keras.optimizers.Adam(3e-3), loss=CE)
        trainer.fit(x, y, epochs=cfg["epochs"], batch_size=64, verbose=0)
        out[f"{name}_clean_acc"] = accuracy(model, xt, yt)
        out[f"{name}_shifted_acc"] = accuracy(model, shifted, yt)
    # augmentation alone (the perturbed copy replaces the batch, no divergence term): separates what the
    # penalty adds from what seeing shifted images adds
    import tensorflow as tf

    view = shift_scale_view(seed=seed)
    ds = (tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed).batch(64)
          .map(lambda a, b: (view(a, training=True), b)))
    model = build_seeded(net, seed)
    model.compile(keras.optimizers.Adam(3e-3), loss=CE)
    model.fit(ds, epochs=cfg["epochs"], verbose=0)
    out["augment_only_clean_acc"] = accuracy(model, xt, yt)
    out["augment_only_shifted_acc"] = accuracy(model, shifted, yt)
    return out


def summarise(name, rows):
    keys = [k for k in rows[0] if isinstance(rows[0][k], (int, float))]
    print(f"\n== {name} ({len(rows)} seeds): mean +- std")
    for k in keys:
        values = np.array([r[k] for r in rows], float)
        if np.isnan(values).all():
            print(f"  {k:<22}       nan   (undefined on every seed)")
            continue
        print(f"  {k:<22} {np.nanmean(values):9.4f} +- {np.nanstd(values):.4f}   "
              + " ".join(f"{v:.4f}" for v in values))
    return {k: float(np.nanmean(summarise_ok(np.array([r[k] for r in rows], float))))
            if not np.isnan([r[k] for r in rows]).all() else float("nan") for k in keys}


CONFIGS = {
    "default": {"distill": {"teacher_epochs": 40, "student_epochs": 60, "temperature": 4.0},
                "denoise": {"epochs": 40, "weak_epochs": 20, "finetune_epochs": 10, "learners": 6},
                "semi": {"epochs": 30, "rounds": 3, "cap": 60},
                "nsl": {"epochs": 30}},
    "smoke": {"distill": {"teacher_epochs": 2, "student_epochs": 2, "temperature": 4.0},
              "denoise": {"epochs": 2, "weak_epochs": 1, "finetune_epochs": 1, "learners": 2},
              "semi": {"epochs": 1, "rounds": 1, "cap": 10},
              "nsl": {"epochs": 1}},
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--dataset", choices=("digits", "mnist"), default="digits")
    parser.add_argument("--smoke", action="store_true", help="tiny epochs, 1 seed: seconds, for CI")
    parser.add_argument("--student-width", type=int, default=32,
                        help="hidden units of the distillation student (32; the first full run used 12)")
    parser.add_argument("--only", nargs="*", default=["distill", "denoise", "semi", "nsl"],
                        choices=["distill", "denoise", "semi", "nsl"])
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error(f"--seeds must be >= 1; received {args.seeds}")
    cfg = {k: dict(v) for k, v in CONFIGS["smoke" if args.smoke else "default"].items()}
    cfg["distill"]["student_width"] = args.student_width
    seeds = list(range(1 if args.smoke else args.seeds))
    start = time.perf_counter()
    means = {}
    if args.smoke:
        _smoke.eager()  # a few steps per model: cheaper eager than traced (bench/support/smoke.py)
    runners = {"distill": lambda s: run_distillation(load(args.dataset, s, smoke=args.smoke), cfg["distill"], s),
               "denoise": lambda s: run_denoising(load(args.dataset, s, smoke=args.smoke), cfg["denoise"], s),
               "semi": lambda s: run_semi_supervised(args.dataset, cfg["semi"], s, smoke=args.smoke),
               "nsl": lambda s: run_nsl(load(args.dataset, s, smoke=args.smoke), cfg["nsl"], s)}
    for name in args.only:
        t0 = time.perf_counter()
        rows = [runners[name](s) for s in seeds]
        means[name] = summarise(name, rows)
        print(f"  ({time.perf_counter() - t0:.0f} s)", flush=True)
    figures = {"dataset": args.dataset, "seeds": len(seeds), "smoke": args.smoke}
    if "distill" in means:
        d = means["distill"]
        figures["distill_error_ratio"] = round((1 - d["live_acc"]) / max(1 - d["alone_acc"], 1e-9), 3)
        figures["distill_cached_speedup"] = round(d["live_seconds"] / max(d["cached_seconds"], 1e-9), 2)
    if "denoise" in means:
        d = means["denoise"]
        figures["denoise_recovery_40"] = round(d["denoised_acc"] / d["clean_acc"], 3)
        figures["denoise_ce_recovery_40"] = round(d["noisy_ce_acc"] / d["clean_acc"], 3)
        figures["denoise_gce_recovery_40"] = round(d["noisy_gce_acc"] / d["clean_acc"], 3)
        figures["denoise_keep_recovery_40"] = round(d["denoised_keep_acc"] / d["clean_acc"], 3)
    if "semi" in means:
        d = means["semi"]
        for name in ("pseudo", "uda", "fixmatch"):
            figures[f"{name}_gain_5pct"] = round(100 * (d[f"{name}_acc"] - d["supervised_acc"]), 2)
    if "nsl" in means:
        d = means["nsl"]
        figures["nsl_translation_gain"] = round(100 * (d["nsl_shifted_acc"] - d["plain_shifted_acc"]), 2)
        figures["nsl_gain_over_augmentation"] = round(
            100 * (d["nsl_shifted_acc"] - d["augment_only_shifted_acc"]), 2)
        figures["nsl_adversarial_translation_gain"] = round(
            100 * (d["nsl_adv_shifted_acc"] - d["plain_shifted_acc"]), 2)
    figures["seconds"] = round(time.perf_counter() - start, 1)
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    main()

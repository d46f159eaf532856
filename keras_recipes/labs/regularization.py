"""Checks for notebook 60 (regularisation, losses, ensembles and test-time augmentation)."""

import numbers

import numpy as np

from keras_recipes.labs.core import CheckFailed, check_number, expect, passed, require_answer


def check_smoothed_target(value, epsilon, num_classes):
    """Exercise 60.1: the label-smoothed target on the true class, ``1 - (K-1)/K * epsilon``."""
    __tracebackhide__ = True
    check_number(value, expected=1 - (num_classes - 1) / num_classes * epsilon, tolerance=1e-4,
                 name="true_class_target",
                 hint="epsilon/K goes to every class, the true one included; the rest of the mass stays on it")


def check_drop_block_gamma(value, rate, block_size, height, width):
    """Exercise 60.2: DropBlock's corner rate on a non-square map."""
    __tracebackhide__ = True
    expected = rate / block_size**2 * height * width / ((height - block_size + 1) * (width - block_size + 1))
    check_number(value, expected=expected, tolerance=1e-4, name="gamma",
                 hint="corners can only go where a whole block fits: (H - b + 1) rows times (W - b + 1) columns, "
                      "height and width each with their own size")


def check_cutmix_dataset(dataset, num_classes=10):
    """Exercise 60.3: a training pipeline whose batches carry blended one-hot labels (cutmix)."""
    __tracebackhide__ = True
    hint = "regularized_dataset(splits.train, num_classes, cutmix=1.0, seed=0) converts the labels and mixes"
    require_answer(dataset, "train_ds", hint)
    if not hasattr(dataset, "element_spec"):
        raise CheckFailed(f"train_ds must be a tf.data.Dataset; received {type(dataset).__name__}. Hint: {hint}")
    images, labels = (np.asarray(t) for t in next(iter(dataset))[:2])
    expect(labels.ndim == 2 and labels.shape[1] == num_classes,
           f"the labels have shape {labels.shape}, not (batch, {num_classes}): MixUp/CutMix need one-hot labels.",
           hint)
    expect(np.allclose(labels.sum(1), 1, atol=1e-4), "each label row should sum to 1.", hint)
    expect(((labels > 1e-3) & (labels < 1 - 1e-3)).any(), "no label in the first batch is a blend of two classes.",
           hint)
    expect(images.min() >= 0 and images.max() <= 1 + 1e-5, "the images left [0, 1].", hint)
    passed("one-hot labels, blended by the area CutMix pasted, images still in [0, 1]")


def check_class_weights(weights, labels):
    """Exercise 60.4: balanced class weights ``n / (K * n_c)`` as a ``{class: weight}`` dict."""
    __tracebackhide__ = True
    hint = "n examples, K classes, n_c examples of class c: weight n / (K * n_c)"
    require_answer(weights, "weights", hint)
    expect(isinstance(weights, dict), f"weights must be a dict {{class: weight}}; received {type(weights).__name__}.",
           hint)
    labels = np.asarray(labels)
    classes, counts = np.unique(labels, return_counts=True)
    for c, n_c in zip(classes, counts):
        got = weights.get(int(c))
        expect(isinstance(got, numbers.Real), f"class {int(c)} has no weight.", hint)
        expect(abs(got - len(labels) / (len(classes) * n_c)) < 1e-3, f"the weight of class {int(c)} is not right yet.",
               hint)
    passed("balanced weights: the rare classes count more, the mean weight per example is 1")


# --- the picture of the recipe (first cell of the notebook) ----------------------------------

def picture_regularisation():
    """Seed 002's common pattern as two rows: randomness in training, marginalised at test time."""
    from matplotlib.figure import Figure

    from keras_recipes.labs.data_centric import _flow

    fig = Figure(figsize=(9, 3.2), layout="constrained")
    ax = fig.subplots()
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    _flow(ax, ["images in [0, 1]\ncrops, scales,\nRandAugment, erasing", "one-hot labels\nmixup / cutmix",
               "network\nDropConnect, DropBlock,\nshake-shake, stoch. depth", "loss\nlabel smoothing,\nfocal, class weights",
               "optimizer\nL2 / AdamW"], 0.75)
    _flow(ax, ["test images", "a fixed set of crops\n(+ flips)", "all connections,\nwhole network,\nmean branch",
               "average the\nprobabilities", "of several\nindependent models"], 0.25)
    ax.text(0.0, 0.95, "Training: add some randomness", fontsize=9, weight="bold")
    ax.text(0.0, 0.45, "Testing: marginalize over the randomness", fontsize=9, weight="bold")
    return fig

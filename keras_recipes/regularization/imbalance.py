"""Unequal class weightings: class weights and focal loss on an imbalanced training set (seed 004).

"Some classes are more difficult than others ... weight classes that are
difficult (likely under-represented in the training data) more in the error
computation", and the focal loss (Lin et al., 2017), which scales
cross-entropy by ``(1 - p_true) ** gamma`` so easy, confident examples count
less. Both are Keras's (``fit(class_weight=)``,
``CategoricalFocalCrossentropy``); scikit-learn's ``compute_class_weight``
gives the balanced weights. ``compare_imbalance_losses`` makes a training
split where some classes are rare and scores each loss by balanced accuracy
(mean recall per class) and the rare classes' recall, which plain accuracy
hides.
"""

import numpy as np

from keras_recipes.checks import require_positive_int, require_rate
from keras_recipes.regularization.pipeline import train_regularized
from keras_recipes.regularization.result import Comparison


def class_weights(labels, num_classes=None):
    """Balanced class weights ``n / (K * n_c)``: rare classes weigh more, the mean weight per example is 1.

    >>> class_weights([0, 0, 0, 1])
    {0: 0.6666666666666666, 1: 2.0}

    Args:
        labels: integer labels of the training set.
        num_classes: if given, classes ``0..K-1`` absent from ``labels`` get weight 1.0.
    """
    from sklearn.utils.class_weight import compute_class_weight

    labels = np.asarray(labels).reshape(-1).astype(int)
    present = np.unique(labels)
    weights = compute_class_weight("balanced", classes=present, y=labels)
    result = {int(c): float(w) for c, w in zip(present, weights)}
    if num_classes is not None:
        result = {c: result.get(c, 1.0) for c in range(require_positive_int("num_classes", num_classes))}
    return result


def imbalanced_splits(splits, rare_classes, keep=0.1, seed=0, batch_size=32):
    """``splits`` with the training examples of ``rare_classes`` cut to a ``keep`` fraction (>= 1 each).

    Validation and test splits are unchanged (balanced), so the score shows
    what the imbalance costs. Returns a new ``datasets.Splits``.

    >>> from keras_recipes.datasets import load_digits
    >>> small = imbalanced_splits(load_digits(), rare_classes=(0, 1), keep=0.1)
    >>> [int((small.arrays["train"][1] == c).sum()) for c in (0, 1, 5)]
    [12, 13, 127]

    Args:
        splits: ``datasets.Splits``.
        rare_classes: labels to make rare.
        keep: fraction of their training examples kept, in (0, 1]. Default 0.1.
        seed: which examples are kept, and the training order. Default 0.
        batch_size: of the new training pipeline. Default 32.
    """
    from dataclasses import replace

    from keras_recipes.datasets.splits import _pipeline

    keep = require_rate("keep", keep, closed=True)
    if keep == 0:
        raise ValueError("keep must be in (0, 1]; received: keep=0")
    rare = tuple(rare_classes)
    if not rare or any(not isinstance(c, (int, np.integer)) or not 0 <= c < splits.num_classes for c in rare):
        raise ValueError(f"rare_classes must be labels in [0, {splits.num_classes}); "
                         f"received: rare_classes={rare_classes!r}")
    rng = np.random.default_rng(seed)
    x, y = splits.arrays["train"]
    chosen = [np.flatnonzero(~np.isin(y, rare))]
    for c in rare:
        idx = np.flatnonzero(y == c)
        chosen.append(rng.choice(idx, max(1, round(keep * len(idx))), replace=False))
    chosen = np.sort(np.concatenate(chosen))
    arrays = {**splits.arrays, "train": (x[chosen], y[chosen])}
    return replace(splits, train=_pipeline(x[chosen], y[chosen], batch_size, shuffle_seed=seed), arrays=arrays)


def compare_imbalance_losses(builder, splits, rare_classes=(0, 1, 2), *, keep=0.1, epochs=20, focal_gamma=2.0,
                             seed=0):
    """Cross-entropy vs balanced class weights vs focal loss, trained on an imbalanced split.

    Each arm trains ``builder(seed=seed)`` (same initial weights) on
    ``imbalanced_splits(splits, rare_classes, keep)`` and is scored on the
    balanced test split: ``accuracy``, ``balanced`` accuracy (mean per-class
    recall) and ``rare_recall`` (mean recall of the rare classes).

    >>> from keras_recipes.datasets import load_digits
    >>> from keras_recipes.regularization import small_convnet
    >>> result = compare_imbalance_losses(small_convnet, load_digits(), epochs=1)  # doctest: +SKIP
    >>> print(result.table())  # doctest: +SKIP

    Args:
        builder: ``builder(seed=s)`` returns a fresh classifier ``ModelBundle``.
        splits: ``datasets.Splits``.
        rare_classes: labels made rare. Default (0, 1, 2).
        keep: fraction of the rare classes' training examples kept. Default 0.1.
        epochs: training epochs per arm. Default 20.
        focal_gamma: the focal loss's gamma. Default 2.
        seed: seed of the model, the subset and the training. Default 0.
    Returns:
        a ``Comparison`` ranked by ``balanced`` accuracy, baseline "cross-entropy".
    """
    imbalanced = imbalanced_splits(splits, rare_classes, keep, seed)
    arms = {"cross-entropy": {}, "class weights": {"class_weight": "balanced"},
            "focal loss": {"loss": "focal", "focal_gamma": focal_gamma}}
    x, y = splits.arrays["test"]
    rows = {}
    for name, options in arms.items():
        bundle = builder(seed=seed)
        train_regularized(bundle, imbalanced, epochs=epochs, seed=seed, **options)
        predicted = np.argmax(bundle.model.predict(x, verbose=0), -1)
        recall = {c: float(np.mean(predicted[y == c] == c)) for c in np.unique(y)}
        rows[name] = {"accuracy": float(np.mean(predicted == y)), "balanced": float(np.mean(list(recall.values()))),
                      "rare_recall": float(np.mean([recall[c] for c in rare_classes]))}
    return Comparison(f"classes {tuple(rare_classes)} kept at {keep:.0%} in training (test scores)", rows,
                      baseline="cross-entropy", metric="balanced")

"""Seeded label noise: symmetric (uniform flips) and class-dependent (asymmetric) flips.

Used by the weak-supervision denoising and data-valuation recipes; both need
to know which labels were flipped, so every helper returns that mask too.
"""

import numpy as np

from keras_recipes.checks import require_positive_int, require_rate


def _labels(name, labels, num_classes):
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"{name} must be a 1-D array of integer class labels; "
                        f"received: dtype={labels.dtype}, shape={labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"{name} must lie in [0, {num_classes}); received: "
                         f"min={labels.min()}, max={labels.max()}")
    return labels


def symmetric_noise(labels, rate, num_classes, *, seed=0):
    """Flip a ``rate`` fraction of ``labels`` to a uniformly drawn *other* class.

    Exactly ``round(rate * n)`` labels change; the choice of which, and of
    their new class, depends only on ``seed``.

    Returns:
        ``(noisy_labels, flipped)``: the new labels and a boolean mask of the
        examples whose label changed.

    >>> noisy, flipped = symmetric_noise(np.arange(10) % 5, 0.4, 5, seed=0)
    >>> int(flipped.sum()), bool(((noisy != np.arange(10) % 5) == flipped).all())
    (4, True)
    """
    num_classes = require_positive_int("num_classes", num_classes)
    if num_classes < 2:
        raise ValueError(f"num_classes must be >= 2 to flip labels; received: num_classes={num_classes}")
    labels = _labels("labels", labels, num_classes)
    rate = require_rate("rate", rate, closed=True)
    rng = np.random.default_rng(seed)
    flipped = np.zeros(labels.shape, dtype=bool)
    flipped[rng.permutation(labels.size)[: int(round(rate * labels.size))]] = True
    offsets = rng.integers(1, num_classes, size=labels.size)
    noisy = np.where(flipped, (labels + offsets) % num_classes, labels)
    return noisy.astype(labels.dtype), flipped


def asymmetric_noise(labels, rate, mapping, *, num_classes=None, seed=0):
    """Flip each label of class ``c`` to ``mapping[c]`` with probability ``rate``.

    Class-dependent noise, as when an annotator confuses similar classes
    (for digits the classic mapping is 2->7, 3->8, 5<->6, 7->1). Classes absent
    from ``mapping`` are never flipped.

    Args:
        labels: 1-D integer labels.
        rate: probability of flipping an example of a mapped class, in [0, 1].
        mapping: ``{class: confused_class}``.
        num_classes: label range; defaults to ``max(labels, mapping) + 1``.
        seed: the flips depend only on it.

    Returns:
        ``(noisy_labels, flipped)``.

    >>> noisy, flipped = asymmetric_noise([2, 2, 3, 3], 1.0, {2: 7})
    >>> noisy.tolist(), flipped.tolist()
    ([7, 7, 3, 3], [True, True, False, False])
    """
    if not isinstance(mapping, dict) or not mapping:
        raise TypeError(f"mapping must be a non-empty dict {{class: confused_class}}; received: mapping={mapping!r}")
    if any(a == b for a, b in mapping.items()):
        raise ValueError(f"mapping must send each class to another class; received: mapping={mapping!r}")
    raw = np.asarray(labels)
    if num_classes is None:
        num_classes = int(max(raw.max(initial=0), *mapping.keys(), *mapping.values())) + 1
    num_classes = require_positive_int("num_classes", num_classes)
    labels = _labels("labels", labels, num_classes)
    rate = require_rate("rate", rate, closed=True)
    table = np.arange(num_classes)
    for source, target in mapping.items():
        table[source] = target
    rng = np.random.default_rng(seed)
    flipped = (table[labels] != labels) & (rng.random(labels.size) < rate)
    noisy = np.where(flipped, table[labels], labels)
    return noisy.astype(labels.dtype), flipped

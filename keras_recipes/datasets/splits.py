"""Deterministic, stratified train / validation / test splits as tf.data pipelines."""

from dataclasses import dataclass, field

import numpy as np

from keras_recipes.checks import require_positive_int, require_rate


@dataclass(frozen=True)
class Splits:
    """Three batched ``tf.data`` pipelines plus the arrays behind them.

    Attributes:
        train, validation, test: ``tf.data.Dataset`` of ``(image, label)``
            batches; ``train`` reshuffles every epoch, in an order set by the
            loader's ``seed`` alone (``seeded_order``), not by TensorFlow's
            global seed.
        arrays: ``{"train" | "validation" | "test" | "unlabelled": (x, y)}``
            numpy arrays. ``unlabelled`` holds the training examples whose
            labels were dropped by ``labelled_fraction`` (their ``y`` is kept
            for evaluation of pseudo-labelling recipes, never for training).
        class_names: name of each label index.
    """

    train: object
    validation: object
    test: object
    arrays: dict = field(repr=False)
    class_names: tuple

    @property
    def num_classes(self):
        return len(self.class_names)

    @property
    def input_shape(self):
        return tuple(self.arrays["train"][0].shape[1:])


def stratified_partition(y, fractions, seed):
    """Split indices of ``y`` into len(fractions) disjoint, class-stratified parts.

    Each class's indices are permuted with ``seed`` and cut by ``fractions``
    (which must sum to 1), so the result depends only on ``y`` and ``seed``.
    """
    rng = np.random.default_rng(seed)
    parts = [[] for _ in fractions]
    bounds = np.cumsum(fractions)
    for label in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == label))
        cuts = np.round(bounds * len(idx)).astype(int)
        for part, piece in zip(parts, np.split(idx, cuts[:-1])):
            part.extend(piece.tolist())
    return [np.sort(np.asarray(p, dtype=np.int64)) for p in parts]


def seeded_order(n, seed):
    """A ``tf.data`` dataset of ``range(n)`` in a new order each pass, set by ``seed`` alone.

    ``Dataset.shuffle(seed=s)`` mixes ``s`` with TensorFlow's global seed,
    so the same ``seed`` gives other orders after ``keras.utils.set_random_seed``
    (or none) was called with another value. Here pass ``k`` over the data
    (the ``k``-th iteration: one epoch) is ``numpy.random.default_rng([seed,
    k]).permutation(n)``: the same in every process for the same seed,
    whatever the global seeds.

    >>> import numpy as np
    >>> order = seeded_order(5, seed=3)
    >>> first, second = (np.array(list(order.as_numpy_iterator())) for _ in range(2))
    >>> first.tolist() == np.random.default_rng([3, 0]).permutation(5).tolist()
    True
    >>> sorted(second.tolist()), int(order.cardinality())
    ([0, 1, 2, 3, 4], 5)
    """
    import tensorflow as tf

    passes = {"count": 0}

    def permutations():
        rng = np.random.default_rng([int(seed), passes["count"]])
        passes["count"] += 1
        yield rng.permutation(n).astype(np.int64)

    order = tf.data.Dataset.from_generator(
        permutations, output_signature=tf.TensorSpec((n,), tf.int64)).unbatch()
    return order.apply(tf.data.experimental.assert_cardinality(n))


def _pipeline(x, y, batch_size, shuffle_seed=None):
    import tensorflow as tf

    if shuffle_seed is None:
        ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size)
    else:
        xs, ys = tf.constant(x), tf.constant(y)
        ds = seeded_order(len(x), shuffle_seed).batch(batch_size).map(
            lambda i: (tf.gather(xs, i), tf.gather(ys, i)))
    return ds.prefetch(tf.data.AUTOTUNE)


def make_splits(x, y, class_names, *, classes=None, labelled_fraction=1.0,
                validation_fraction=0.15, test_fraction=0.15, batch_size=32, seed=0):
    """Split ``(x, y)`` and wrap the parts as pipelines (see ``load_digits`` for the args).

    The train/validation/test partition is made on *all* classes before
    ``classes`` filters them, so a source task (e.g. digits 0-4) and a
    target task (5-9) never share a test image, and each keeps the same
    test images whatever the other options.
    """
    require_rate("validation_fraction", validation_fraction)
    require_rate("test_fraction", test_fraction)
    if validation_fraction + test_fraction >= 1:
        raise ValueError(
            "validation_fraction + test_fraction must be < 1; received: "
            f"validation_fraction={validation_fraction!r}, test_fraction={test_fraction!r}"
        )
    require_rate("labelled_fraction", labelled_fraction, closed=True)
    if labelled_fraction == 0:
        raise ValueError("labelled_fraction must be in (0, 1]; received: labelled_fraction=0")
    require_positive_int("batch_size", batch_size)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be an int >= 0; received: seed={seed!r}")

    train_fraction = 1 - validation_fraction - test_fraction
    parts = stratified_partition(y, (train_fraction, validation_fraction, test_fraction), seed)
    names = ("train", "validation", "test")
    arrays = {n: (x[i], y[i]) for n, i in zip(names, parts)}

    if classes is not None:
        classes = _check_classes(classes, len(class_names))
        remap = np.full(len(class_names), -1, dtype=np.int64)
        remap[list(classes)] = np.arange(len(classes))
        arrays = {n: (xs[np.isin(ys, classes)], remap[ys[np.isin(ys, classes)]])
                  for n, (xs, ys) in arrays.items()}
        class_names = tuple(class_names[c] for c in classes)

    xt, yt = arrays["train"]
    labelled, unlabelled = stratified_partition(yt, (labelled_fraction, 1 - labelled_fraction), seed)
    labelled = _at_least_one_per_class(yt, labelled, unlabelled)
    unlabelled = np.setdiff1d(np.arange(len(yt)), labelled)
    arrays["train"] = (xt[labelled], yt[labelled])
    arrays["unlabelled"] = (xt[unlabelled], yt[unlabelled])

    return Splits(
        train=_pipeline(*arrays["train"], batch_size, shuffle_seed=seed),
        validation=_pipeline(*arrays["validation"], batch_size),
        test=_pipeline(*arrays["test"], batch_size),
        arrays=arrays,
        class_names=tuple(class_names),
    )


def _at_least_one_per_class(y, labelled, unlabelled):
    """Tiny fractions may round a class away; keep one example of each class."""
    missing = np.setdiff1d(np.unique(y), y[labelled])
    extra = [unlabelled[y[unlabelled] == c][0] for c in missing]
    return np.sort(np.concatenate([labelled, np.asarray(extra, dtype=np.int64)]))


def _check_classes(classes, num_classes):
    classes = tuple(classes)
    bad = [c for c in classes if isinstance(c, bool) or not isinstance(c, (int, np.integer))
           or not 0 <= c < num_classes]
    if not classes or bad or len(set(classes)) != len(classes):
        raise ValueError(
            f"classes must be distinct label indices in [0, {num_classes}); "
            f"received: classes={classes!r}"
        )
    return classes

"""Bundled multi-task data: digits with four tasks, and multi-label synthetic shapes.

Both are generated offline and seeded, from data that ship with the project
(scikit-learn's real digits, the synthetic-shapes drawer), and come as
``tf.data`` pipelines of ``(image, {task: label})`` so that a multi-task
model's ``fit`` reads them directly.

* ``load_multitask_digits``: the digit (10 classes), its parity, digit >= 5
  (one label per input each) and the standardised amount of ink (regression).
* ``load_multilabel_shapes``: up to ``max_shapes`` different shapes per
  image; which shapes are present (multi-label, several labels per input)
  and how many there are (one label per input).
"""

from dataclasses import dataclass, field

import numpy as np

from keras_recipes.checks import require_positive_int
from keras_recipes.datasets.digits import digits_arrays
from keras_recipes.datasets.shapes import SHAPES, _mask
from keras_recipes.datasets.splits import make_splits, seeded_order
from keras_recipes.tasks import Classifier, Regressor


@dataclass(frozen=True)
class MultiTaskSplits:
    """Train / validation / test pipelines of ``(image, {task: label})`` and the arrays behind them.

    >>> data = load_multitask_digits(labelled_fraction=0.1)
    >>> data.input_shape, sorted(data.arrays["train"][1])
    ((8, 8, 1), ['digit', 'high', 'ink', 'parity'])

    Attributes:
        train, validation, test: batched ``tf.data.Dataset``; ``train``
            reshuffles every epoch in an order set by the loader's seed.
        arrays: ``{"train" | "validation" | "test" | "unlabelled": (x, {task: y})}``.
        tasks: ``{task: Classifier | Regressor}``, what each label is.
    """

    train: object
    validation: object
    test: object
    arrays: dict = field(repr=False)
    tasks: dict

    @property
    def input_shape(self):
        return tuple(self.arrays["train"][0].shape[1:])


def _pipeline(x, labels, batch_size, shuffle_seed=None):
    import tensorflow as tf

    if shuffle_seed is None:
        return tf.data.Dataset.from_tensor_slices((x, labels)).batch(batch_size).prefetch(tf.data.AUTOTUNE)
    xs = tf.constant(x)
    ys = {t: tf.constant(y) for t, y in labels.items()}
    ds = seeded_order(len(x), shuffle_seed).batch(batch_size).map(
        lambda i: (tf.gather(xs, i), {t: tf.gather(y, i) for t, y in ys.items()}))
    return ds.prefetch(tf.data.AUTOTUNE)


def multitask_splits(x, labels, tasks, stratify, *, labelled_fraction=1.0, validation_fraction=0.15,
                     test_fraction=0.15, batch_size=32, seed=0):
    """Split ``(x, {task: y})`` like ``make_splits``, stratified by ``stratify``; every task keeps the same labels.

    The partition is ``datasets.make_splits``'s (stratified by ``stratify``,
    ``labelled_fraction`` of the training split labelled, at least one
    labelled example per stratum); every task is labelled on the same
    examples (the rest of the training split goes to
    ``arrays["unlabelled"]``), so single-task and multi-task models see the
    same images.

    >>> x = np.zeros((40, 2), "float32")
    >>> groups = np.arange(40) % 2
    >>> data = multitask_splits(x, {"odd": groups}, {"odd": Classifier(2)}, groups,
    ...                         labelled_fraction=0.5)
    >>> [len(data.arrays[part][0]) for part in ("train", "unlabelled", "validation", "test")]
    [14, 14, 6, 6]

    Args:
        x: inputs, one row per example.
        labels: ``{task: labels}``, each with one row per example.
        tasks: ``{task: Classifier | Regressor}``.
        stratify: integer class per example (the strata of every split).
        labelled_fraction, validation_fraction, test_fraction, batch_size,
            seed: as in ``make_splits`` (defaults 1.0, 0.15, 0.15, 32, 0).
    """
    stratify = np.asarray(stratify)
    strata = tuple(str(c) for c in range(int(stratify.max()) + 1)) if len(stratify) else ()
    index = make_splits(np.arange(len(x)), stratify, strata, labelled_fraction=labelled_fraction,
                        validation_fraction=validation_fraction, test_fraction=test_fraction,
                        batch_size=batch_size, seed=seed)
    arrays = {n: (x[i], {t: y[i] for t, y in labels.items()}) for n, (i, _) in index.arrays.items()}
    return MultiTaskSplits(
        train=_pipeline(*arrays["train"], batch_size, shuffle_seed=seed),
        validation=_pipeline(*arrays["validation"], batch_size),
        test=_pipeline(*arrays["test"], batch_size),
        arrays=arrays, tasks=dict(tasks))


DIGIT_TASKS = {"digit": Classifier(10), "parity": Classifier(2), "high": Classifier(2), "ink": Regressor(1)}


def digit_task_labels(x, digits):
    """``{digit, parity, high, ink}`` for digit images ``x`` with classes ``digits``.

    ``ink`` is each image's mean intensity, standardised over all 1,797
    native 8x8 digits (so every image size gives the same scale).

    >>> labels = digit_task_labels(np.zeros((2, 8, 8, 1), "float32"), np.array([3, 6]))
    >>> labels["parity"].tolist(), labels["high"].tolist()
    ([1, 0], [0, 1])
    """
    native, _ = digits_arrays(8)
    ink = native.mean(axis=(1, 2, 3))
    amount = (x.mean(axis=(1, 2, 3)) - ink.mean()) / ink.std()
    digits = np.asarray(digits, dtype="int64")
    return {"digit": digits, "parity": digits % 2, "high": (digits >= 5).astype("int64"),
            "ink": amount.astype("float32")[:, None]}


def load_multitask_digits(image_size=8, channels=1, *, labelled_fraction=1.0, validation_fraction=0.15,
                          test_fraction=0.15, batch_size=32, seed=0):
    """Real digits with four tasks: digit, parity, digit >= 5 and the amount of ink.

    >>> data = load_multitask_digits(labelled_fraction=0.1, seed=0)
    >>> images, labels = next(iter(data.train))
    >>> tuple(images.shape), sorted(labels), type(data.tasks["ink"]).__name__
    ((32, 8, 8, 1), ['digit', 'high', 'ink', 'parity'], 'Regressor')

    Args:
        image_size, channels: as in ``load_digits`` (defaults 8, 1).
        labelled_fraction: stratified share of the training split that keeps
            its labels (all tasks), in (0, 1]; default 1.
        validation_fraction, test_fraction, batch_size, seed: as in
            ``load_digits``.
    Returns:
        ``MultiTaskSplits`` with ``tasks = DIGIT_TASKS``.
    """
    x, digits = digits_arrays(image_size, channels)
    return multitask_splits(x, digit_task_labels(x, digits), DIGIT_TASKS, digits,
                            labelled_fraction=labelled_fraction, validation_fraction=validation_fraction,
                            test_fraction=test_fraction, batch_size=batch_size, seed=seed)


def make_multilabel_shapes(n, image_size=16, channels=1, *, max_shapes=3, seed=0, noise=0.05):
    """``n`` images with 1..``max_shapes`` different shapes each, in distinct cells of a 2 x 2 grid.

    Returns ``(x, labels)``: float32 images in [0, 1] and
    ``{"shapes": (n, len(SHAPES)) float32 multi-hot, "count": (n,) int64
    number of shapes - 1}``. The same seed gives the same images.

    >>> x, labels = make_multilabel_shapes(4, seed=1)
    >>> x.shape, labels["shapes"].sum(axis=1).tolist() == (labels["count"] + 1).tolist()
    ((4, 16, 16, 1), True)
    """
    require_positive_int("n", n)
    require_positive_int("max_shapes", max_shapes)
    if not 1 <= max_shapes <= 4:
        raise ValueError(f"max_shapes must be in [1, 4] (one per grid cell); received: max_shapes={max_shapes}")
    require_positive_int("image_size", image_size)
    if image_size < 16:
        raise ValueError(f"image_size must be >= 16 (a 2 x 2 grid of shapes); received: image_size={image_size}")
    rng = np.random.default_rng(seed)
    cell = image_size / 2
    yy, xx = np.mgrid[0:image_size, 0:image_size].astype("float32")
    x = np.empty((n, image_size, image_size, channels), "float32")
    present = np.zeros((n, len(SHAPES)), "float32")
    count = rng.integers(1, max_shapes + 1, size=n)
    for i in range(n):
        background = rng.uniform(0, 0.3, size=channels)
        image = np.broadcast_to(background, (image_size, image_size, channels)).copy()
        kinds = rng.choice(len(SHAPES), size=count[i], replace=False)
        cells = rng.choice(4, size=count[i], replace=False)
        for kind, where in zip(kinds, cells):
            r = rng.uniform(0.3, 0.45) * cell
            cy = (where // 2) * cell + rng.uniform(r, cell - r)
            cx = (where % 2) * cell + rng.uniform(r, cell - r)
            inside = _mask(SHAPES[kind], yy, xx, cy, cx, r)[..., None]
            image = np.where(inside, rng.uniform(0.6, 1.0, size=channels), image)
        present[i, kinds] = 1
        x[i] = image
    x += rng.normal(0, noise, size=x.shape).astype("float32")
    return np.clip(x, 0, 1), {"shapes": present, "count": (count - 1).astype("int64")}


def load_multilabel_shapes(n=1200, image_size=16, channels=1, *, max_shapes=3, labelled_fraction=1.0,
                           validation_fraction=0.15, test_fraction=0.15, batch_size=32, seed=0):
    """Multi-label shapes: which shapes are in the image (sigmoid) and how many (softmax).

    >>> data = load_multilabel_shapes(n=60, seed=0)
    >>> data.tasks["shapes"].activation, data.arrays["train"][1]["shapes"].shape[1]
    ('sigmoid', 4)

    Args:
        n, image_size, channels, max_shapes: as in ``make_multilabel_shapes``
            (defaults 1200, 16, 1, 3).
        labelled_fraction, validation_fraction, test_fraction, batch_size,
            seed: as in ``load_multitask_digits``; splits are stratified by
            the number of shapes.
    """
    x, labels = make_multilabel_shapes(n, image_size, channels, max_shapes=max_shapes, seed=seed)
    tasks = {"shapes": Classifier(len(SHAPES), activation="sigmoid"), "count": Classifier(max_shapes)}
    return multitask_splits(x, labels, tasks, labels["count"], labelled_fraction=labelled_fraction,
                            validation_fraction=validation_fraction, test_fraction=test_fraction,
                            batch_size=batch_size, seed=seed)

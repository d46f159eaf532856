"""Bundled two-modality data: the top of a digit as an image, its bottom as a noisy profile.

Seed 001's multi-modal fusion needs modalities that are each informative
but incomplete. Both come from scikit-learn's real 8x8 digits, so they are
offline and seeded:

* ``"image"``: the top half of the digit, a (4, 8, 1) image in [0, 1];
* ``"profile"``: a noisy low-dimensional descriptor of the bottom half:
  its 4 row ink sums (/8) and 8 column ink sums (/4), plus Gaussian noise.

Neither sees the whole digit (a 7 and a 9 share a top; a 3 and a 5 share
much of a bottom), so each alone is clearly below the pair (bench
``bench/multitask_fusion.py`` measures it).
"""

from dataclasses import dataclass, field

import numpy as np

from keras_recipes.checks import require_choice, require_positive_number
from keras_recipes.datasets.digits import digits_arrays
from keras_recipes.datasets.splits import make_splits, seeded_order

MODALITIES = {"image": (4, 8, 1), "profile": (12,)}


@dataclass(frozen=True)
class MultimodalSplits:
    """Train / validation / test pipelines of ``({modality: x}, label)`` batches.

    >>> splits = load_multimodal_digits(labelled_fraction=0.1)
    >>> splits.num_classes, sorted(splits.arrays["test"][0])
    (10, ['image', 'profile'])

    Attributes:
        train, validation, test: batched ``tf.data.Dataset``; ``train``
            reshuffles each epoch in an order set by the loader's seed.
        arrays: ``{"train" | "validation" | "test" | "unlabelled": (x, y)}``
            with ``x`` a dict of numpy arrays by modality.
        class_names: name of each label index.
        modalities: ``{name: shape}`` (the ``modalities`` argument of the
            fusion builders).
    """

    train: object
    validation: object
    test: object
    arrays: dict = field(repr=False)
    class_names: tuple
    modalities: dict

    @property
    def num_classes(self):
        return len(self.class_names)


def multimodal_digits_arrays(noise=0.05, seed=0):
    """All 1,797 digits as ``({"image": top halves, "profile": bottom descriptors}, y)``.

    >>> x, y = multimodal_digits_arrays()
    >>> x["image"].shape, x["profile"].shape, y.shape
    ((1797, 4, 8, 1), (1797, 12), (1797,))
    """
    noise = require_positive_number("noise", noise, allow_zero=True)
    images, y = digits_arrays(image_size=8)
    bottom = images[:, 4:, :, 0]
    profile = np.concatenate([bottom.sum(axis=2) / 8.0, bottom.sum(axis=1) / 4.0], axis=1)
    profile = profile + np.random.default_rng(seed).normal(0.0, noise, profile.shape)
    return {"image": images[:, :4], "profile": profile.astype("float32")}, y


def _pipeline(x, y, batch_size, shuffle_seed=None):
    import tensorflow as tf

    if shuffle_seed is None:
        ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size)
    else:
        xs = {m: tf.constant(v) for m, v in x.items()}
        ys = tf.constant(y)
        ds = seeded_order(len(y), shuffle_seed).batch(batch_size).map(
            lambda i: ({m: tf.gather(v, i) for m, v in xs.items()}, tf.gather(ys, i)))
    return ds.prefetch(tf.data.AUTOTUNE)


def load_multimodal_digits(*, labelled_fraction=1.0, noise=0.05, validation_fraction=0.15,
                           test_fraction=0.15, batch_size=32, seed=0):
    """The two-modality digits as stratified, seeded splits (see the module docstring).

    >>> splits = load_multimodal_digits(labelled_fraction=0.1)
    >>> splits.modalities, len(splits.arrays["train"][1])
    ({'image': (4, 8, 1), 'profile': (12,)}, 126)

    Args:
        labelled_fraction: share of the training split that keeps its
            labels, in (0, 1]. Default 1.0.
        noise: standard deviation of the profile's Gaussian noise, >= 0. Default 0.05.
        validation_fraction, test_fraction: split sizes. Default 0.15 each.
        batch_size: batch size of the pipelines. Default 32.
        seed: seed of the partition, the training order and the noise. Default 0.
    """
    x, y = multimodal_digits_arrays(noise, seed)
    index = make_splits(np.arange(len(y)), y, tuple(str(d) for d in range(10)),
                        labelled_fraction=labelled_fraction,
                        validation_fraction=validation_fraction, test_fraction=test_fraction,
                        batch_size=batch_size, seed=seed)
    arrays = {part: ({m: v[i] for m, v in x.items()}, labels)
              for part, (i, labels) in index.arrays.items()}
    return MultimodalSplits(
        train=_pipeline(*arrays["train"], batch_size, shuffle_seed=seed),
        validation=_pipeline(*arrays["validation"], batch_size),
        test=_pipeline(*arrays["test"], batch_size),
        arrays=arrays, class_names=index.class_names, modalities=dict(MODALITIES))


def without_modality(dataset, modality):
    """``dataset`` of ``({modality: x}, y)`` with ``modality`` replaced by zeros (missing).

    A missing sensor at test time, as ``ModalityDropout`` simulates in training.

    >>> splits = load_multimodal_digits()
    >>> x, _ = next(without_modality(splits.test, "profile").as_numpy_iterator())
    >>> float(abs(x["profile"]).max()), float(x["image"].max()) > 0
    (0.0, True)
    """
    import tensorflow as tf

    spec = dataset.element_spec[0]
    if not isinstance(spec, dict):
        raise ValueError("dataset must yield ({modality: x}, y) pairs; received elements "
                         f"{dataset.element_spec}")
    require_choice("modality", modality, sorted(spec))
    return dataset.map(lambda x, y: ({m: tf.zeros_like(v) if m == modality else v
                                      for m, v in x.items()}, y))

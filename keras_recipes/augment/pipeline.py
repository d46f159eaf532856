"""Augmentation for fine-tuning, from stock Keras layers, applied in the tf.data pipeline.

Backend-neutral: the layers run inside ``tf.data.Dataset.map`` on every
Keras backend. Keras's preprocessing layers switch themselves to TensorFlow
ops when called on a tf.data graph, but a ``keras.Sequential`` around them
does not (on JAX it tries to turn the symbolic tf.Tensor into an array and
fails), so the stack is a ``keras.layers.Pipeline`` -- Keras's tf.data-safe
container -- and a ``Sequential`` passed in is unwrapped into one.
"""

import keras

from keras_recipes.checks import require_dataset, require_rate


def augmentation(translation=0.1, zoom=0.1, seed=None):
    """Random shifts and zooms: diagram A4 (translational / scale invariance).

    Seed 003: fine-tune "with a smaller step and augmentation". Built from
    ``keras.layers.RandomTranslation`` and ``RandomZoom`` (filled with 0,
    the background of the digits); nothing here is new code.

    >>> import numpy as np
    >>> aug = augmentation(translation=0.1, zoom=0.1, seed=0)
    >>> images = np.zeros((2, 8, 8, 1), "float32")
    >>> tuple(aug(images, training=True).shape)
    (2, 8, 8, 1)

    Args:
        translation: largest shift, as a fraction of height/width, in [0, 1).
            Default 0.1.
        zoom: largest zoom in or out, as a fraction, in [0, 1). Default 0.1.
        seed: seed of the random draws. Default None.
    Returns:
        a ``keras.layers.Pipeline`` (usable inside ``tf.data`` on every
        backend; a ``keras.Sequential`` is not, on JAX and PyTorch).
    """
    require_rate("translation", translation)
    require_rate("zoom", zoom)
    return keras.layers.Pipeline([
        keras.layers.RandomTranslation(translation, translation, fill_mode="constant", seed=seed),
        keras.layers.RandomZoom(zoom, zoom, fill_mode="constant", seed=seed),
    ], name="augmentation")


def augment_dataset(dataset, layers=None, seed=None):
    """``dataset`` of ``(x, y[, w])`` batches with ``layers`` applied to ``x`` (training mode).

    Augmenting in the pipeline, not in the model, keeps ``bundle.model``
    free of training-only layers, and a new draw is made every epoch. Runs
    on every backend: a ``keras.Sequential`` of augmentation layers is
    applied as a ``keras.layers.Pipeline`` of the same layers (same draws).
    Colour layers (``RandomContrast``, ``RandomBrightness``, ``RandAugment``,
    ...) assume ``value_range=(0, 255)``; the bundled data are in [0, 1], so
    pass ``value_range=(0, 1)`` to them.

    >>> import numpy as np, tensorflow as tf
    >>> ds = tf.data.Dataset.from_tensor_slices((np.ones((4, 8, 8, 1), "float32"), np.arange(4))).batch(2)
    >>> [tuple(x.shape) for x, _ in augment_dataset(ds, seed=0)]
    [(2, 8, 8, 1), (2, 8, 8, 1)]

    Args:
        dataset: a batched ``tf.data.Dataset``.
        layers: a Keras augmentation layer, a ``keras.layers.Pipeline`` or a
            ``keras.Sequential`` of them, or any callable ``f(x, training=)``
            that works on tf.data tensors; default ``augmentation(seed=seed)``.
        seed: seed of the default augmentation. Default None.
    """
    import tensorflow as tf

    require_dataset("dataset", dataset, "a batched tf.data.Dataset")
    if layers is None:
        layers = augmentation(seed=seed)
    elif isinstance(layers, keras.Sequential):
        layers = keras.layers.Pipeline(layers.layers, name=layers.name)
    elif not callable(layers):
        raise TypeError(f"layers must be a Keras augmentation layer, Pipeline or Sequential; "
                        f"received: layers={layers!r}")
    # One call at a time: the layers draw from a stateful seed generator, and
    # parallel calls would race for it (seeded runs would then differ).
    augmented = dataset.map(lambda x, *rest: (layers(x, training=True), *rest))
    return augmented.prefetch(tf.data.AUTOTUNE)

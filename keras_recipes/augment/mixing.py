"""Batch-level regularising augmentation: one-hot labels, then Keras's MixUp or CutMix.

Keras's ``MixUp`` and ``CutMix`` blend the *labels* as well as the images, so
they need one-hot (float) labels; the bundled datasets have integer labels.
``one_hot_labels`` converts them in the pipeline and ``mix_batches`` applies
the stock layer to each batch (a new draw every epoch). Per-image
regularisers (random crops and scales, RandAugment, random erasing) are
composed by ``image_regularizers``, every colour-aware layer told that our
images are in [0, 1] (Keras assumes ``value_range=(0, 255)``).

>>> import numpy as np, tensorflow as tf
>>> ds = tf.data.Dataset.from_tensor_slices((np.ones((4, 8, 8, 1), "float32"), np.arange(4))).batch(2)
>>> [tuple(y.shape) for _, y in mix_batches(one_hot_labels(ds, 10), "mixup", seed=0)]
[(2, 10), (2, 10)]
"""

import keras

from keras_recipes.checks import require_choice, require_dataset, require_positive_int, require_rate

MIXES = ("mixup", "cutmix")


def one_hot_labels(dataset, num_classes):
    """``dataset`` of ``(x, y[, w])`` batches with integer ``y`` turned into float one-hot rows.

    Labels that are already one-hot (last axis ``num_classes``) pass unchanged.

    Args:
        dataset: a batched ``tf.data.Dataset``.
        num_classes: number of classes, >= 1.
    """
    import tensorflow as tf

    require_dataset("dataset", dataset)
    num_classes = require_positive_int("num_classes", num_classes)

    def convert(x, y, *rest):
        if y.shape.rank is not None and y.shape.rank >= 2 and y.shape[-1] == num_classes:
            return (x, tf.cast(y, "float32"), *rest)
        return (x, tf.one_hot(tf.cast(tf.reshape(y, [-1]), "int32"), num_classes), *rest)

    return dataset.map(convert)


def mix_batches(dataset, kind="mixup", strength=None, seed=None):
    """Blend pairs of images *and* their one-hot labels within each batch (seed 002).

    * ``"mixup"``: ``keras.layers.MixUp(alpha=strength)`` (default 0.2), a
      pixel blend with weight drawn from Beta(alpha, alpha); small alpha gives
      weights near 0 or 1, as the slide says.
    * ``"cutmix"``: ``keras.layers.CutMix(factor=strength)`` (default 1.0), a
      random crop of one image pasted into another, labels mixed by area.
      Keras (3.15) weighs the labels by the box's *continuous* area while it
      pastes whole pixels, which on 8x8 images is off by up to ~25 points
      (a box from x=0.01 to 8 pastes 7 columns, not 8); here the label weight
      is the share of pixels actually pasted (the layer's own transformation,
      re-weighted).

    Args:
        dataset: batched ``(x, one_hot_y)`` pipeline (see ``one_hot_labels``).
        kind: ``"mixup"`` or ``"cutmix"``. Default "mixup".
        strength: MixUp's alpha or CutMix's factor, > 0. Default the layer's.
        seed: seed of the draws. Default None.
    """
    require_dataset("dataset", dataset)
    require_choice("kind", kind, MIXES)
    if kind == "mixup":
        layer = keras.layers.MixUp(alpha=0.2 if strength is None else strength, seed=seed)
    else:
        layer = keras.layers.CutMix(factor=1.0 if strength is None else strength, seed=seed)

    def mix(x, y, *rest):
        out = layer({"images": x, "labels": y}, training=True)
        return (out["images"], out["labels"], *rest)

    def cut_and_mix(x, y, *rest):
        import tensorflow as tf

        layer.backend.set_backend("tensorflow")   # what the layer's __call__ does inside tf.data
        try:
            transform = layer.get_random_transformation({"images": x, "labels": y}, training=True)
            images = layer.transform_images(x, transform, training=True)
            pasted = tf.reduce_mean(tf.cast(transform["batch_masks"], "float32"), axis=[1, 2, 3])
            labels = layer.transform_labels(y, {**transform, "mix_weight": 1.0 - pasted}, training=True)
        finally:
            layer.backend.reset()
        return (images, labels, *rest)

    if kind == "cutmix":
        return dataset.map(cut_and_mix)

    return dataset.map(mix)


def image_regularizers(crop_scale=0.0, randaugment=False, erasing=0.0, seed=None):
    """Per-image random crops and scales, RandAugment and random erasing, or None if all are off.

    Seed 002's data augmentation, built from stock layers in a
    ``keras.layers.Pipeline`` (usable in ``tf.data`` on every backend):

    * ``crop_scale``: random crops (a shift of up to this fraction of the
      side, black fill: a crop of the zero-padded image) and scales (zoom by
      up to this fraction): ``augment.augmentation(crop_scale, crop_scale)``.
    * ``randaugment``: ``RandAugment(value_range=(0, 1), num_ops=2, factor=0.5)``.
    * ``erasing``: probability of Cutout-style ``RandomErasing`` (region set
      to 0, "set random image regions to 0"), ``value_range=(0, 1)``.

    >>> image_regularizers() is None
    True
    >>> [type(layer).__name__ for layer in image_regularizers(0.1, erasing=0.5).layers]
    ['RandomTranslation', 'RandomZoom', 'RandomErasing']
    """
    from keras_recipes.augment.pipeline import augmentation

    require_rate("crop_scale", crop_scale)
    require_rate("erasing", erasing, closed=True)
    layers = []
    if randaugment:
        layers.append(keras.layers.RandAugment(value_range=(0, 1), num_ops=2, factor=0.5, seed=seed))
    if crop_scale:
        layers.extend(augmentation(crop_scale, crop_scale, seed=seed).layers)
    if erasing:
        layers.append(keras.layers.RandomErasing(factor=erasing, scale=(0.05, 0.2), fill_value=0.0,
                                                 value_range=(0, 1), seed=seed))
    return keras.layers.Pipeline(layers, name="image_regularizers") if layers else None

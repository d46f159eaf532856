"""Augmentation for fine-tuning, from stock Keras layers, applied in the tf.data pipeline."""

import keras

from keras_recipes.checks import require_rate


def augmentation(translation=0.1, zoom=0.1, seed=None):
    """Random shifts and zooms: diagram A4 (translational / scale invariance).

    Seed 003: fine-tune "with a smaller step and augmentation". Built from
    ``keras.layers.RandomTranslation`` and ``RandomZoom`` (filled with 0,
    the background of the digits); nothing here is new code.

    ```python
    aug = augmentation(translation=0.1, zoom=0.1, seed=0)
    shifted = aug(images, training=True)
    ```

    Args:
        translation: largest shift, as a fraction of height/width, in [0, 1).
        zoom: largest zoom in or out, as a fraction, in [0, 1).
        seed: seed of the random draws.
    Returns:
        a ``keras.Sequential``.
    """
    require_rate("translation", translation)
    require_rate("zoom", zoom)
    return keras.Sequential([
        keras.layers.RandomTranslation(translation, translation, fill_mode="constant", seed=seed),
        keras.layers.RandomZoom(zoom, zoom, fill_mode="constant", seed=seed),
    ], name="augmentation")


def augment_dataset(dataset, layers=None, seed=None):
    """``dataset`` of ``(x, y[, w])`` batches with ``layers`` applied to ``x`` (training mode).

    Augmenting in the pipeline, not in the model, keeps ``bundle.model``
    free of training-only layers, and a new draw is made every epoch.

    Args:
        dataset: a batched ``tf.data.Dataset``.
        layers: a callable layer; default ``augmentation(seed=seed)``.
        seed: seed of the default augmentation.
    """
    import tensorflow as tf

    layers = layers if layers is not None else augmentation(seed=seed)
    return dataset.map(lambda x, *rest: (layers(x, training=True), *rest),
                       num_parallel_calls=tf.data.AUTOTUNE)

"""Weak and strong augmented views for semi-supervised training (UDA, FixMatch, NSL).

Keras augmentation layers assume ``value_range=(0, 255)``; our datasets are in
[0, 1], so every layer that cares is told so here, and translations/zooms fill
with black (``fill_mode="constant"``) because wrapping or reflecting a digit
draws a second digit. Each view is a ``keras.Sequential`` of Keras's own layers
(serialisable; usable in ``tf.data.map`` or inside a model's loss).

* ``weak_view``: a small random translation (FixMatch's weak view, no flips:
  a mirrored digit is another symbol).
* ``strong_view``: larger translation, rotation, zoom and random erasing
  (Cutout), optionally preceded by ``RandAugment`` (slow to compile on JAX).
* ``shift_scale_view``: the random translation/scale perturbation of the
  neural-structured-learning diagram (A16).

>>> import numpy as np
>>> x = np.random.default_rng(0).random((4, 8, 8, 1)).astype("float32")
>>> [tuple(v(x, training=True).shape) for v in (weak_view(seed=1), strong_view(seed=1))]
[(4, 8, 8, 1), (4, 8, 8, 1)]
"""

import keras

from keras_recipes.checks import require_positive_number, require_rate


def _translation(max_shift, seed):
    return keras.layers.RandomTranslation(max_shift, max_shift, fill_mode="constant", fill_value=0.0, seed=seed)


def weak_view(max_shift=0.125, *, seed=None):
    """Random translation by up to ``max_shift`` of the side (0.125), black fill."""
    require_rate("max_shift", max_shift)
    return keras.Sequential([_translation(max_shift, seed)], name="weak_view")


def strong_view(max_shift=0.25, *, rotation=0.08, zoom=0.2, erase=True, randaugment=False, seed=None):
    """Translation, rotation, zoom and Cutout-style erasing; optional RandAugment first.

    Args:
        max_shift: translation fraction of the side (0.25).
        rotation: rotation as a fraction of a full turn (0.08, about 30 degrees).
        zoom: zoom in/out fraction (0.2).
        erase: add ``RandomErasing`` with ``value_range=(0, 1)`` (True).
        randaugment: prepend ``RandAugment(value_range=(0, 1))`` (False).
        seed: seed of every layer (None).
    """
    require_rate("max_shift", max_shift)
    require_rate("rotation", rotation)
    require_rate("zoom", zoom)
    layers = []
    if randaugment:
        layers.append(keras.layers.RandAugment(value_range=(0, 1), num_ops=2, factor=0.5, seed=seed))
    layers.append(_translation(max_shift, seed))
    if rotation:
        layers.append(keras.layers.RandomRotation(rotation, fill_mode="constant", fill_value=0.0, seed=seed))
    if zoom:
        layers.append(keras.layers.RandomZoom(zoom, fill_mode="constant", fill_value=0.0, seed=seed))
    if erase:
        layers.append(keras.layers.RandomErasing(factor=1.0, scale=(0.05, 0.2), value_range=(0, 1), seed=seed))
    return keras.Sequential(layers, name="strong_view")


def shift_scale_view(max_shift=0.15, zoom=0.15, *, seed=None):
    """Random translation and scale (A16's perturbation): ``RandomTranslation`` + ``RandomZoom``."""
    require_rate("max_shift", max_shift)
    require_positive_number("zoom", zoom, allow_zero=True)
    layers = [_translation(max_shift, seed)]
    if zoom:
        layers.append(keras.layers.RandomZoom(zoom, fill_mode="constant", fill_value=0.0, seed=seed))
    return keras.Sequential(layers, name="shift_scale_view")

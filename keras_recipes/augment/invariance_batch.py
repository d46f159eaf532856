"""A4 Translational / Scale Invariance: translate and scale a random subset of each training batch.

The slide: "choose random subset of images from batch", randomly translate /
scale them, giving a modified batch. ``InvarianceBatch`` does exactly that,
inside the model, during training only: it picks ``round(fraction * batch)``
images at random, runs Keras's own ``RandomTranslation`` and ``RandomZoom``
on them (``fill_mode="constant"``, zeros: the background of the digits, so no
mirrored strokes appear) and leaves every other image bit-identical. At
inference (``training=False``, ``predict``, ``evaluate``) it is the identity.

Why a layer and not ``augment_dataset``: the subset is part of the diagram
(the unmodified images keep anchoring the plain view), and a model that
carries it trains the same way wherever it is fitted. The augmentation
itself is Keras's; this layer only chooses who gets it. It is an
augmentation part (the neural-structured-learning recipe's perturbed copy
is the same operation), hence one floor down in ``augment/``.

>>> import numpy as np
>>> x = np.random.default_rng(0).random((10, 8, 8, 1)).astype("float32")
>>> layer = InvarianceBatch(fraction=0.3, translation=0.25, zoom=0.0, seed=1)
>>> changed = np.any(np.asarray(layer(x, training=True)) != x, axis=(1, 2, 3))
>>> int(changed.sum()) <= 3, bool((np.asarray(layer(x, training=False)) == x).all())
(True, True)
"""

import keras
from keras import ops

from keras_recipes.checks import require_rate


@keras.saving.register_keras_serializable(package="keras_recipes")
class InvarianceBatch(keras.layers.Layer):
    """Randomly translate and/or scale a random ``fraction`` of the batch, during training only.

    Each training call draws a random subset of exactly
    ``round(fraction * batch_size)`` images; only those go through
    ``keras.layers.RandomTranslation(translation, translation)`` and
    ``keras.layers.RandomZoom(zoom, zoom)`` (both ``fill_mode="constant"``);
    the others come out unchanged (not a copy that was transformed by zero:
    the very same values). Place it right after the model's input.

    Runs on every backend inside a model. Inside a ``tf.data`` map it works on
    the TensorFlow backend only (``augment_dataset`` is the per-dataset route).

    >>> import numpy as np
    >>> layer = InvarianceBatch(fraction=0.5, translation=0.2, zoom=0.0, seed=0)
    >>> x = np.random.default_rng(0).random((4, 8, 8, 1)).astype("float32")
    >>> bool((np.asarray(layer(x)) == x).all())  # inference: the identity
    True

    ```python
    import keras
    inputs = keras.Input((16, 16, 1))
    x = InvarianceBatch(fraction=0.5, translation=0.15, zoom=0.15, seed=0)(inputs)
    ...  # the classifier on x; predict() never sees a transformed image
    ```

    Args:
        fraction: share of each batch that is transformed, in [0, 1] (0.5).
        translation: largest shift as a fraction of height and width, in
            [0, 1); 0 turns translation off (0.1).
        zoom: largest zoom in or out as a fraction, in [0, 1); 0 turns
            scaling off (0.1). At least one of ``translation``/``zoom`` > 0.
        fill_value: value of the uncovered border (0.0, the digits' background).
        seed: int seed of the subset and of the two Keras layers (None).
    """

    def __init__(self, fraction=0.5, translation=0.1, zoom=0.1, fill_value=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.fraction = require_rate("fraction", fraction, closed=True)
        self.translation = require_rate("translation", translation)
        self.zoom = require_rate("zoom", zoom)
        if self.translation == 0 and self.zoom == 0:
            raise ValueError("translation and zoom cannot both be 0 (nothing would change); received: "
                             f"translation={translation!r}, zoom={zoom!r}")
        self.fill_value = float(fill_value)
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
            raise ValueError(f"seed must be None or an int >= 0; received: seed={seed!r}")
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        # each Keras layer gets its own seed, so shifts and zooms are not drawn from the same stream
        sub_seed = (lambda k: None if seed is None else seed + k)
        self.transforms = []
        if self.translation:
            self.transforms.append(keras.layers.RandomTranslation(
                self.translation, self.translation, fill_mode="constant", fill_value=self.fill_value,
                seed=sub_seed(1), name="translation"))
        if self.zoom:
            self.transforms.append(keras.layers.RandomZoom(
                self.zoom, self.zoom, fill_mode="constant", fill_value=self.fill_value, seed=sub_seed(2),
                name="zoom"))

    def build(self, input_shape):
        for layer in self.transforms:
            layer.build(input_shape)
        self.built = True

    def selection(self, batch_size):
        """Boolean mask (batch,) of the images to transform: exactly ``round(fraction * batch)`` True."""
        scores = keras.random.uniform((batch_size,), seed=self.seed_generator)
        ranks = ops.argsort(ops.argsort(scores))
        chosen = ops.cast(ops.round(self.fraction * ops.cast(batch_size, "float32")), ranks.dtype)
        return ranks < chosen

    def call(self, inputs, training=False):
        if not training or self.fraction == 0.0:
            return inputs
        moved = inputs
        for layer in self.transforms:
            moved = layer(moved, training=True)
        mask = self.selection(ops.shape(inputs)[0])
        mask = ops.reshape(mask, (-1,) + (1,) * (len(inputs.shape) - 1))
        return ops.where(mask, ops.cast(moved, inputs.dtype), inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "fraction": self.fraction, "translation": self.translation,
                "zoom": self.zoom, "fill_value": self.fill_value, "seed": self.seed}

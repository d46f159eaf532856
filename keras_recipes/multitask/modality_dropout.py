"""Modality dropout: zero a whole modality per example so a fused model survives a missing one."""

import keras
from keras import ops

from keras_recipes.checks import require_rate


@keras.saving.register_keras_serializable(package="keras_recipes")
class ModalityDropout(keras.layers.Layer):
    """Zero one whole modality of an example with probability ``rate`` each, never all of them.

    Seed 001, multi-modal fusion: a fused network trained on complete pairs
    leans on every modality and collapses when one is missing at test time
    (a sensor off, a descriptor not computed). Dropping whole modalities
    during training (as ModDrop, Neverova et al. 2016, one of the slide's
    intermediate-fusion references, does) teaches it to answer from what is
    left. Input: a list of per-modality tensors (any shapes, same batch).
    During training one uniform draw ``u`` per example picks the modality
    to drop: modality ``i`` is zeroed when ``i * rate <= u < (i + 1) *
    rate``. So each modality is missing in exactly a ``rate`` share of the
    examples, at most one modality is missing per example and never all of
    them; ``rate`` must therefore be at most ``1 / len(inputs)``. Nothing is
    rescaled: a missing modality at test time is fed as zeros, the same
    thing the model saw in training. At inference the layer is the identity.

    >>> import numpy as np
    >>> layer = ModalityDropout(rate=0.5, seed=0)
    >>> a, b = layer([np.ones((1000, 3), "float32"), np.ones((1000, 2), "float32")], training=True)
    >>> kept_a, kept_b = np.asarray(a)[:, 0], np.asarray(b)[:, 0]
    >>> bool(((kept_a + kept_b) >= 1).all()), round(float(1 - kept_a.mean()), 1)
    (True, 0.5)

    Args:
        rate: probability that a given modality of an example is zeroed, in
            [0, 1 / number of modalities]. 0 makes the layer the identity.
        seed: optional int seed of the draws.
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = require_rate("rate", rate, closed=True)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or not input_shape or not isinstance(
                input_shape[0], (list, tuple)):
            raise ValueError(f"ModalityDropout takes a list of modality tensors; received one "
                             f"input of shape {input_shape}")
        count = len(input_shape)
        if count < 2:
            raise ValueError("ModalityDropout needs at least 2 modalities (it never drops all of "
                             f"them); received {count}")
        if self.rate * count > 1 + 1e-9:
            raise ValueError(f"rate must be at most 1 / {count} (one modality dropped per example "
                             f"at most) for {count} modalities; received: rate={self.rate!r}")

    def call(self, inputs, training=False):
        inputs = list(inputs)
        if not training or self.rate == 0.0:
            return inputs
        batch = ops.shape(inputs[0])[0]
        draws = keras.random.uniform((batch,), seed=self.seed_generator)
        outputs = []
        for i, x in enumerate(inputs):
            dropped = ops.logical_and(draws >= i * self.rate, draws < (i + 1) * self.rate)
            keep = ops.cast(ops.logical_not(dropped), x.dtype)
            outputs.append(x * ops.reshape(keep, (-1,) + (1,) * (len(x.shape) - 1)))
        return outputs

    def compute_output_shape(self, input_shape):
        return list(input_shape)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}

"""DropConnect for 2-D convolutions: drop random kernel weights, not activations."""

import keras
from keras import ops

from keras_recipes.checks import require_rate
from keras_recipes.layers.drop_connect import drop_weights


@keras.saving.register_keras_serializable(package="keras_recipes")
class DropConnectConv2D(keras.layers.Conv2D):
    """A ``Conv2D`` layer that drops random kernel weights during training (DropConnect).

    The convolutional form of ``DropConnectDense`` (seed 002 "DropConnect",
    seed 004 "stochastic width"): one mask over the kernel per batch, kept
    weights scaled by ``1 / (1 - rate)``; at inference it is a plain
    ``Conv2D`` with the same weights (all connections used).

    >>> import numpy as np
    >>> layer = DropConnectConv2D(2, 3, rate=0.3, seed=0, padding="same")
    >>> tuple(layer(np.ones((1, 5, 7, 1), "float32"), training=True).shape)
    (1, 5, 7, 2)

    Args:
        filters, kernel_size: as ``Conv2D``.
        rate: probability of dropping each kernel weight, in [0, 1). Default 0.5.
        seed: int seed of the masks. Default None.
        **kwargs: any other ``keras.layers.Conv2D`` argument.
    """

    def __init__(self, filters, kernel_size, rate=0.5, seed=None, **kwargs):
        super().__init__(filters, kernel_size, **kwargs)
        self.rate = require_rate("rate", rate)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return super().call(inputs)
        outputs = self.convolution_op(inputs, drop_weights(self.kernel, self.rate, self.seed_generator))
        if self.use_bias:
            shape = (1, 1, 1, self.filters) if self.data_format == "channels_last" else (1, self.filters, 1, 1)
            outputs = ops.add(outputs, ops.reshape(self.bias, shape))
        return outputs if self.activation is None else self.activation(outputs)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}

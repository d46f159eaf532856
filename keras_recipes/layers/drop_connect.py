"""DropConnect for dense layers: drop random weights, not activations."""

import keras
from keras import ops

from keras_recipes.checks import require_rate


def drop_weights(kernel, rate, seed_generator):
    """``kernel`` with each weight zeroed with probability ``rate``, the rest scaled by ``1 / (1 - rate)``.

    One mask per call (per batch), as seed 004 says: "DropConnect zeros out a
    random set of layer weights per batch". The inverted scaling keeps every
    pre-activation's expectation equal to the full layer's, so inference
    simply uses all the connections (seed 002: "Testing: use all the
    connections").

    >>> import numpy as np, keras
    >>> w = drop_weights(np.ones((4, 3), "float32"), 0.5, keras.random.SeedGenerator(0))
    >>> sorted(set(np.asarray(w).ravel().tolist())) in ([0.0, 2.0], [0.0], [2.0])
    True
    """
    keep = 1.0 - rate
    draws = keras.random.uniform(ops.shape(kernel), seed=seed_generator, dtype=kernel.dtype)
    return kernel * ops.cast(draws < keep, kernel.dtype) / keep


@keras.saving.register_keras_serializable(package="keras_recipes")
class DropConnectDense(keras.layers.Dense):
    """A ``Dense`` layer that drops random *weights* during training (DropConnect).

    Wan et al. (2013); seed 002 "Regularization: DropConnect" (training: drop
    random connections between neurons, set weight = 0; testing: use all the
    connections) and seed 004 "stochastic width". Dropout zeroes outputs;
    DropConnect zeroes entries of the kernel, one new mask per batch, scaled by
    ``1 / (1 - rate)`` so the expected pre-activation is the full layer's. At
    inference it *is* a plain ``Dense`` with the same weights. Keras ships no
    DropConnect, hence this subclass (all of ``Dense``'s arguments work).

    >>> import numpy as np
    >>> layer = DropConnectDense(3, rate=0.5, seed=0)
    >>> x = np.ones((2, 4), "float32")
    >>> plain = keras.layers.Dense(3); _ = plain(x); _ = layer(x)
    >>> plain.set_weights(layer.get_weights())
    >>> bool(np.allclose(layer(x, training=False), plain(x)))
    True

    Args:
        units: output size (as ``Dense``).
        rate: probability of dropping each weight, in [0, 1). Default 0.5.
        seed: int seed of the weight masks. Default None.
        **kwargs: any other ``keras.layers.Dense`` argument.
    """

    def __init__(self, units, rate=0.5, seed=None, **kwargs):
        super().__init__(units, **kwargs)
        self.rate = require_rate("rate", rate)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, training=None):
        kernel = self.kernel
        if training and self.rate > 0:
            kernel = drop_weights(kernel, self.rate, self.seed_generator)
        x = ops.matmul(inputs, kernel)
        if self.bias is not None:
            x = ops.add(x, self.bias)
        return x if self.activation is None else self.activation(x)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}

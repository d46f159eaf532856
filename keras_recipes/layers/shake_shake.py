"""Shake-shake: blend two residual branches with random weights, forward and backward apart."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_recipes")
class ShakeShake(keras.layers.Layer):
    """Combine two branches as ``alpha * a + (1 - alpha) * b``, a new ``alpha`` per example.

    Gastaldi (2017), seed 004 "Stochastic Branching (ShakeShake)": in training
    the forward pass draws ``alpha ~ U(0, 1)`` per example and the backward
    pass uses an independent ``beta ~ U(0, 1)`` ("shake-shake"): the output is
    ``beta * a + (1 - beta) * b + stop_gradient((alpha - beta) * (a - b))``,
    whose value uses ``alpha`` and whose gradient uses ``beta``. At inference
    it is the expectation, ``0.5 * (a + b)``.

    >>> import numpy as np
    >>> a, b = np.ones((2, 3), "float32"), np.zeros((2, 3), "float32")
    >>> np.asarray(ShakeShake(seed=0)([a, b], training=False)).tolist()
    [[0.5, 0.5, 0.5], [0.5, 0.5, 0.5]]

    Args:
        seed: int seed of the draws. Default None.
    """

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        if len(input_shape) != 2 or tuple(input_shape[0]) != tuple(input_shape[1]):
            raise ValueError("ShakeShake takes a list of two branches of the same shape; "
                             f"received shapes: {input_shape}")

    def call(self, inputs, training=False):
        a, b = inputs
        if not training:
            return 0.5 * (a + b)
        shape = (ops.shape(a)[0],) + (1,) * (len(a.shape) - 1)
        alpha = keras.random.uniform(shape, seed=self.seed_generator, dtype=a.dtype)
        beta = keras.random.uniform(shape, seed=self.seed_generator, dtype=a.dtype)
        return beta * a + (1.0 - beta) * b + ops.stop_gradient((alpha - beta) * (a - b))

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}

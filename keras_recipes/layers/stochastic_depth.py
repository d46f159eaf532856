"""Layers the lectures use that Keras does not ship publicly."""

import keras
from keras import ops

from keras_recipes.checks import require_rate


@keras.saving.register_keras_serializable(package="keras_recipes")
class StochasticDepth(keras.layers.Layer):
    """Drop a whole residual branch per example during training (drop-path).

    Stochastic depth (Huang et al., 2016; seed 002 "regularisation" and
    seed 004 "forward pass"): during training each example's residual branch
    is zeroed with probability ``rate`` and scaled by ``1 / (1 - rate)``
    otherwise, so the expected output is unchanged; at inference it is the
    identity. Keras 3 has no public drop-path layer, hence this one.

    ```python
    import numpy as np
    layer = StochasticDepth(rate=0.5, seed=1)
    x = np.ones((4, 3), "float32")
    y = layer(x, training=True)  # each row is all 0 or all 2
    assert (layer(x, training=False) == x).all()
    ```

    Args:
        rate: probability of dropping the branch, in [0, 1).
        seed: optional int seed for the drop mask.
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = require_rate("rate", rate)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, training=False):
        if not training or self.rate == 0.0:
            return inputs
        keep = 1.0 - self.rate
        shape = (ops.shape(inputs)[0],) + (1,) * (len(inputs.shape) - 1)
        draws = keras.random.uniform(shape, seed=self.seed_generator, dtype=inputs.dtype)
        mask = ops.cast(draws < keep, inputs.dtype)
        return inputs * mask / keep

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}

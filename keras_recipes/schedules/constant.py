"""Constant learning rate as a schedule object (seed 002: "constant")."""

import keras
from keras import ops

from keras_recipes.checks import require_positive_number


@keras.saving.register_keras_serializable(package="keras_recipes")
class Constant(keras.optimizers.schedules.LearningRateSchedule):
    """``a_t = a_0`` for every step.

    Seed 002 lists "constant" beside step/cosine/linear; as a schedule object
    it can be wrapped by :class:`Warmup` and plotted with the others (Keras
    has no constant schedule class: a float learning rate is not wrappable).

    ```python
    lr = Warmup(Constant(1e-3), warmup_steps=100)
    ```

    Args:
        learning_rate: the rate, > 0.
    """

    def __init__(self, learning_rate):
        super().__init__()
        self.learning_rate = require_positive_number("learning_rate", learning_rate)

    def __call__(self, step):
        step = ops.cast(step, "float32")
        return ops.zeros_like(step) + self.learning_rate

    def get_config(self):
        return {"learning_rate": self.learning_rate}

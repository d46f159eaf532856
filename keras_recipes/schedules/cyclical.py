"""Triangular cyclical learning rates (seed 004; Smith 2017, "Cyclical learning rates")."""

import keras
from keras import ops

from keras_recipes.checks import require_choice, require_positive_int, require_positive_number

CYCLICAL_MODES = ("triangular", "triangular2")


@keras.saving.register_keras_serializable(package="keras_recipes")
class TriangularCyclical(keras.optimizers.schedules.LearningRateSchedule):
    """Bounce linearly between ``base`` and ``max``; one half-cycle is ``step_size`` steps.

    Smith's formula: ``cycle = floor(1 + t / (2 s))``,
    ``x = |t / s - 2 cycle + 1|``,
    ``a_t = base + (max - base) * max(0, 1 - x) * scale(cycle)`` with
    ``scale = 1`` (``"triangular"``) or ``1 / 2**(cycle - 1)``
    (``"triangular2"``: the amplitude halves every cycle). Keras has no
    cyclical schedule.

    ```python
    lr = TriangularCyclical(1e-4, 1e-2, step_size=4 * steps_per_epoch)
    ```

    Args:
        base_learning_rate: lower bound > 0.
        max_learning_rate: upper bound >= base.
        step_size: steps per half cycle, int >= 1 (Smith: 2-10 epochs' worth).
        mode: ``"triangular"`` (default) or ``"triangular2"``.
    """

    def __init__(self, base_learning_rate, max_learning_rate, step_size, *, mode="triangular"):
        super().__init__()
        self.base_learning_rate = require_positive_number("base_learning_rate", base_learning_rate)
        self.max_learning_rate = require_positive_number("max_learning_rate", max_learning_rate)
        if self.max_learning_rate < self.base_learning_rate:
            raise ValueError(
                "max_learning_rate must be >= base_learning_rate; received: "
                f"max_learning_rate={max_learning_rate!r}, base_learning_rate={base_learning_rate!r}"
            )
        self.step_size = require_positive_int("step_size", step_size)
        self.mode = require_choice("mode", mode, CYCLICAL_MODES)

    def __call__(self, step):
        step = ops.cast(step, "float32")
        size = float(self.step_size)
        cycle = ops.floor(1.0 + step / (2.0 * size))
        x = ops.abs(step / size - 2.0 * cycle + 1.0)
        height = (self.max_learning_rate - self.base_learning_rate) * ops.maximum(0.0, 1.0 - x)
        if self.mode == "triangular2":
            height = height / ops.power(2.0, cycle - 1.0)
        return self.base_learning_rate + height

    def get_config(self):
        return {
            "base_learning_rate": self.base_learning_rate,
            "max_learning_rate": self.max_learning_rate,
            "step_size": self.step_size,
            "mode": self.mode,
        }

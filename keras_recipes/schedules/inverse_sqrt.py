"""Inverse square-root decay (seed 002): a_t = a_0 / sqrt(t)."""

import keras
from keras import ops

from keras_recipes.checks import require_positive_int, require_positive_number


@keras.saving.register_keras_serializable(package="keras_recipes")
class InverseSqrtDecay(keras.optimizers.schedules.LearningRateSchedule):
    """``a_t = a_0 * sqrt(s / max(t, s))``: flat for ``s`` steps, then ``~ 1/sqrt(t)``.

    With the default ``hold_steps=1`` this is the lecture's ``a_0 / sqrt(t)``
    for ``t >= 1`` (and ``a_0`` at ``t = 0``, where the formula is undefined).
    Keras's ``InverseTimeDecay`` is ``1 / (1 + r t)``, not a square root, hence
    this class. The Transformer schedule (Vaswani et al.,
    ``peak * min(sqrt(W / t), t / W)``) is
    ``Warmup(InverseSqrtDecay(peak, hold_steps=W), W, clock="continue")``:
    the warmup must *continue* this schedule's clock (with the default
    ``clock="restart"`` the rate would fall by ``sqrt(W)`` after the peak).

    >>> lr = InverseSqrtDecay(0.1)
    >>> round(float(lr(4)), 4), round(float(lr(100)), 4)
    (0.05, 0.01)
    >>> round(float(InverseSqrtDecay(0.1, hold_steps=100)(400)), 4)
    0.05

    Args:
        initial_learning_rate: ``a_0`` > 0.
        hold_steps: ``s``, int >= 1; steps held at ``a_0``. Default 1.
    """

    def __init__(self, initial_learning_rate, *, hold_steps=1):
        super().__init__()
        self.initial_learning_rate = require_positive_number(
            "initial_learning_rate", initial_learning_rate
        )
        self.hold_steps = require_positive_int("hold_steps", hold_steps)

    def __call__(self, step):
        step = ops.cast(step, "float32")
        hold = float(self.hold_steps)
        return self.initial_learning_rate * ops.sqrt(hold / ops.maximum(step, hold))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "hold_steps": self.hold_steps}

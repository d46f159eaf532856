"""One-cycle policy / super-convergence (seed 004; Smith & Topin 2017)."""

import math

import keras
from keras import ops

from keras_recipes.checks import (
    require_choice,
    require_positive_int,
    require_positive_number,
    require_rate,
)

ANNEAL_MODES = ("cosine", "linear")


def _anneal(start, end, fraction, mode):
    if mode == "linear":
        return start + (end - start) * fraction
    return end + (start - end) * 0.5 * (1.0 + ops.cos(math.pi * fraction))


@keras.saving.register_keras_serializable(package="keras_recipes")
class OneCycle(keras.optimizers.schedules.LearningRateSchedule):
    """One cycle: up from ``max/div_factor`` to ``max``, then down far below the start.

    With ``a = max_learning_rate``, ``a_s = a / div_factor``,
    ``a_e = a_s / final_div_factor`` and ``U = round(warmup_fraction * T)``:

    - ``t < U``: anneal ``a_s -> a`` over ``t / U``;
    - ``U <= t <= T``: anneal ``a -> a_e`` over ``(t - U) / (T - U)``; then ``a_e``.

    ``anneal="cosine"`` uses ``end + (start - end)(1 + cos(pi p)) / 2``,
    ``"linear"`` the straight line of Smith's paper. Keras has no one-cycle
    schedule. (The momentum half of the policy is not included: Keras
    optimizers take a fixed momentum.)

    ```python
    lr = OneCycle(0.1, total_steps=epochs * steps_per_epoch)
    ```

    Args:
        max_learning_rate: peak rate ``a`` > 0 (pick it with the LR finder).
        total_steps: ``T``, int >= 2.
        warmup_fraction: share of steps going up, in (0, 1). Default 0.3.
        div_factor: ``a / a_s`` > 0. Default 25.
        final_div_factor: ``a_s / a_e`` > 0. Default 1e4.
        anneal: ``"cosine"`` (default) or ``"linear"``.
    """

    def __init__(
        self,
        max_learning_rate,
        total_steps,
        *,
        warmup_fraction=0.3,
        div_factor=25.0,
        final_div_factor=1e4,
        anneal="cosine",
    ):
        super().__init__()
        self.max_learning_rate = require_positive_number("max_learning_rate", max_learning_rate)
        self.total_steps = require_positive_int("total_steps", total_steps)
        if self.total_steps < 2:
            raise ValueError(f"total_steps must be >= 2; received: total_steps={total_steps!r}")
        self.warmup_fraction = require_rate("warmup_fraction", warmup_fraction)
        if self.warmup_fraction == 0:
            raise ValueError("warmup_fraction must be in (0, 1); received: warmup_fraction=0")
        self.div_factor = require_positive_number("div_factor", div_factor)
        self.final_div_factor = require_positive_number("final_div_factor", final_div_factor)
        self.anneal = require_choice("anneal", anneal, ANNEAL_MODES)
        self.up_steps = min(max(1, round(self.warmup_fraction * self.total_steps)), self.total_steps - 1)

    def __call__(self, step):
        step = ops.minimum(ops.cast(step, "float32"), float(self.total_steps))
        peak = self.max_learning_rate
        start = peak / self.div_factor
        end = start / self.final_div_factor
        up = float(self.up_steps)
        rising = _anneal(start, peak, step / up, self.anneal)
        falling = _anneal(
            peak, end, ops.maximum(step - up, 0.0) / (self.total_steps - up), self.anneal
        )
        return ops.where(step < up, rising, falling)

    def get_config(self):
        return {
            "max_learning_rate": self.max_learning_rate,
            "total_steps": self.total_steps,
            "warmup_fraction": self.warmup_fraction,
            "div_factor": self.div_factor,
            "final_div_factor": self.final_div_factor,
            "anneal": self.anneal,
        }

"""Warmup in front of any learning-rate schedule (diagram A3, seed 002/004)."""

import keras
from keras import ops

from keras_recipes.checks import require_choice, require_positive_int, require_positive_number
from keras_recipes.schedules.constant import Constant

WARMUP_MODES = ("linear", "exponential")
CLOCKS = ("restart", "continue")


@keras.saving.register_keras_serializable(package="keras_recipes")
class Warmup(keras.optimizers.schedules.LearningRateSchedule):
    """Ramp the learning rate up over ``warmup_steps``, then run ``schedule``.

    Diagram A3 (warmup as initialisation hygiene) and seed 004's "linear
    warmup followed by cosine decay". For step ``t``:

    - ``t < warmup_steps``: linear ``a_i + (a_0 - a_i) t / W`` or exponential
      ``a_i (a_0 / a_i) ** (t / W)``;
    - ``t >= warmup_steps``, with ``clock="restart"`` (default):
      ``schedule(t - W)`` and ``a_0 = schedule(0)``: the wrapped schedule
      starts from its own step 0 after the warmup, so cycles of
      ``CosineDecayRestarts`` keep their lengths and peaks;
    - ``t >= warmup_steps``, with ``clock="continue"``: ``schedule(t)`` and
      ``a_0 = schedule(W)``: the warmup replaces the schedule's first ``W``
      steps and its clock runs on. This is the Transformer schedule of
      Vaswani et al., ``peak * min(sqrt(W / t), t / W)``, when the wrapped
      schedule is ``InverseSqrtDecay(peak, hold_steps=W)``.

    Either way the curve is continuous at ``t = W``.

    Why not Keras: ``keras.optimizers.schedules.CosineDecay(warmup_target=,
    warmup_steps=)`` already does linear warmup + cosine, and for those
    settings this wrapper gives the same values (tested). Keras has no warmup
    for any other schedule (``CosineDecayRestarts``, step, inverse-sqrt ...),
    nor an exponential ramp; this wrapper adds that.

    >>> inner = keras.optimizers.schedules.CosineDecayRestarts(0.1, first_decay_steps=200)
    >>> lr = Warmup(inner, warmup_steps=50)          # 0 -> 0.1 in 50 steps, then SGDR
    >>> [round(float(lr(t)), 4) for t in (0, 25, 50, 250)]     # 250: SGDR restarts
    [0.0, 0.05, 0.1, 0.1]
    >>> from keras_recipes.schedules import InverseSqrtDecay
    >>> transformer = Warmup(InverseSqrtDecay(0.1, hold_steps=100), 100, clock="continue")
    >>> [round(float(transformer(t)), 4) for t in (50, 100, 200, 400)]
    [0.05, 0.1, 0.0707, 0.05]

    Args:
        schedule: a ``LearningRateSchedule`` or a float (held constant).
        warmup_steps: int >= 1, length of the ramp in optimizer steps.
        initial_learning_rate: rate at step 0. Default 0.0 (must be > 0 for
            ``mode="exponential"``).
        mode: ``"linear"`` (default) or ``"exponential"``.
        clock: ``"restart"`` (default: the wrapped schedule starts at its
            step 0 after the warmup) or ``"continue"`` (it sees the global
            step; the warmup covers its first ``W`` steps).
    """

    def __init__(self, schedule, warmup_steps, *, initial_learning_rate=0.0, mode="linear",
                 clock="restart"):
        super().__init__()
        if not isinstance(schedule, keras.optimizers.schedules.LearningRateSchedule):
            schedule = Constant(require_positive_number("schedule", schedule))
        self.schedule = schedule
        self.warmup_steps = require_positive_int("warmup_steps", warmup_steps)
        self.mode = require_choice("mode", mode, WARMUP_MODES)
        self.clock = require_choice("clock", clock, CLOCKS)
        self.initial_learning_rate = require_positive_number(
            "initial_learning_rate", initial_learning_rate, allow_zero=mode == "linear"
        )

    def __call__(self, step):
        step = ops.cast(step, "float32")
        restart = self.clock == "restart"
        target = ops.cast(self.schedule(0 if restart else self.warmup_steps), "float32")
        start = ops.convert_to_tensor(self.initial_learning_rate, "float32")
        fraction = ops.minimum(step / float(self.warmup_steps), 1.0)
        if self.mode == "linear":
            ramp = start + (target - start) * fraction
        else:
            ramp = start * ops.power(target / start, fraction)
        inner_step = ops.maximum(step - self.warmup_steps, 0.0) if restart \
            else ops.maximum(step, float(self.warmup_steps))
        after = ops.cast(self.schedule(inner_step), "float32")
        return ops.where(step < self.warmup_steps, ramp, after)

    def get_config(self):
        return {
            "schedule": keras.optimizers.schedules.serialize(self.schedule),
            "warmup_steps": self.warmup_steps,
            "initial_learning_rate": self.initial_learning_rate,
            "mode": self.mode,
            "clock": self.clock,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        schedule = keras.optimizers.schedules.deserialize(config.pop("schedule"))
        return cls(schedule, **config)

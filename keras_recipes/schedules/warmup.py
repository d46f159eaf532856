"""Warmup in front of any learning-rate schedule (diagram A3, seed 002/004)."""

import keras
from keras import ops

from keras_recipes.checks import require_choice, require_positive_int, require_positive_number
from keras_recipes.schedules.constant import Constant

WARMUP_MODES = ("linear", "exponential")


@keras.saving.register_keras_serializable(package="keras_recipes")
class Warmup(keras.optimizers.schedules.LearningRateSchedule):
    """Ramp the learning rate up over ``warmup_steps``, then run ``schedule``.

    Diagram A3 (warmup as initialisation hygiene) and seed 004's "linear
    warmup followed by cosine decay". For step ``t``:

    - ``t < warmup_steps``: linear ``a_i + (a_0 - a_i) t / W`` or exponential
      ``a_i (a_0 / a_i) ** (t / W)``, where ``a_0 = schedule(0)``;
    - ``t >= warmup_steps``: ``schedule(t - W)``, so the curve is continuous at
      the boundary and the wrapped schedule starts from its own step 0.

    Why not Keras: ``keras.optimizers.schedules.CosineDecay(warmup_target=,
    warmup_steps=)`` already does linear warmup + cosine, and for those
    settings this wrapper gives the same values (tested). Keras has no warmup
    for any other schedule (``CosineDecayRestarts``, step, inverse-sqrt ...),
    nor an exponential ramp; this wrapper adds that.

    ```python
    inner = keras.optimizers.schedules.CosineDecayRestarts(0.1, first_decay_steps=200)
    lr = Warmup(inner, warmup_steps=50)          # 0 -> 0.1 in 50 steps, then SGDR
    model.compile(optimizer=keras.optimizers.SGD(lr), loss="mse")
    ```

    Args:
        schedule: a ``LearningRateSchedule`` or a float (held constant).
        warmup_steps: int >= 1, length of the ramp in optimizer steps.
        initial_learning_rate: rate at step 0. Default 0.0 (must be > 0 for
            ``mode="exponential"``).
        mode: ``"linear"`` (default) or ``"exponential"``.
    """

    def __init__(self, schedule, warmup_steps, *, initial_learning_rate=0.0, mode="linear"):
        super().__init__()
        if not isinstance(schedule, keras.optimizers.schedules.LearningRateSchedule):
            schedule = Constant(require_positive_number("schedule", schedule))
        self.schedule = schedule
        self.warmup_steps = require_positive_int("warmup_steps", warmup_steps)
        self.mode = require_choice("mode", mode, WARMUP_MODES)
        self.initial_learning_rate = require_positive_number(
            "initial_learning_rate", initial_learning_rate, allow_zero=mode == "linear"
        )

    def __call__(self, step):
        step = ops.cast(step, "float32")
        target = ops.cast(self.schedule(0), "float32")
        start = ops.convert_to_tensor(self.initial_learning_rate, "float32")
        fraction = ops.minimum(step / float(self.warmup_steps), 1.0)
        if self.mode == "linear":
            ramp = start + (target - start) * fraction
        else:
            ramp = start * ops.power(target / start, fraction)
        after = ops.cast(self.schedule(ops.maximum(step - self.warmup_steps, 0.0)), "float32")
        return ops.where(step < self.warmup_steps, ramp, after)

    def get_config(self):
        return {
            "schedule": keras.optimizers.schedules.serialize(self.schedule),
            "warmup_steps": self.warmup_steps,
            "initial_learning_rate": self.initial_learning_rate,
            "mode": self.mode,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        schedule = keras.optimizers.schedules.deserialize(config.pop("schedule"))
        return cls(schedule, **config)

"""Learning-rate schedules of seeds 002/004 (step, cosine, linear, inverse sqrt,
constant, restarts, one-cycle, cyclical), a warmup wrapper for any of them,
and the linear scaling rule for large batches (seed 004, ``linear_scaling``).

Where Keras ships the schedule (cosine, restarts, step, linear), the function
here returns Keras's class with the lecture's parameter names; the classes
here are the ones Keras lacks. All are ``LearningRateSchedule`` objects that
save and load with a compiled model.

    >>> from keras_recipes import schedules
    >>> lr = schedules.Warmup(schedules.cosine_decay(0.1, 900), warmup_steps=100)
"""

from keras_recipes.schedules.constant import Constant
from keras_recipes.schedules.cosine import cosine_decay
from keras_recipes.schedules.cosine_restarts import cosine_restarts
from keras_recipes.schedules.cyclical import TriangularCyclical
from keras_recipes.schedules.inverse_sqrt import InverseSqrtDecay
from keras_recipes.schedules.linear import linear_decay
from keras_recipes.schedules.one_cycle import OneCycle
from keras_recipes.schedules.scaling import ScaledLearningRate, linear_scaling
from keras_recipes.schedules.step import step_decay
from keras_recipes.schedules.values import schedule_values
from keras_recipes.schedules.warmup import Warmup

__all__ = [
    "Constant",
    "InverseSqrtDecay",
    "OneCycle",
    "ScaledLearningRate",
    "TriangularCyclical",
    "Warmup",
    "cosine_decay",
    "cosine_restarts",
    "linear_decay",
    "linear_scaling",
    "schedule_values",
    "step_decay",
]

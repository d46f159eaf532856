"""Learning-rate schedules of seeds 002/004 (step, cosine, linear, inverse sqrt,
constant, restarts, one-cycle, cyclical), a warmup wrapper for any of them,
and the linear scaling rule for large batches (seed 004, ``linear_scaling``).

Where Keras ships the schedule (cosine, restarts, step, linear), the function
here returns Keras's class with the lecture's parameter names; the classes
here are the ones Keras lacks. All are ``LearningRateSchedule`` objects that
save and load with a compiled model.

    >>> from keras_recipes import schedules
    >>> lr = schedules.Warmup(schedules.cosine_restarts(0.1, 200), warmup_steps=50)

Warmup, which one when. Each way below does something the others cannot;
there are no others.

===============================================  ==================================================
you want                                         use
===============================================  ==================================================
per-step linear warmup, then cosine (seed 004)   ``cosine_decay(a0, T, warmup_steps=W)``: Keras's own
                                                 ``CosineDecay(warmup_target=, warmup_steps=)``;
                                                 saved with the compiled model
warmup in front of any other schedule            ``Warmup(schedule, W)``: restarts, one-cycle, step,
(restarts, one-cycle, step, inverse sqrt), or    inverse sqrt...; Keras has warmup only inside
an exponential ramp                              ``CosineDecay``; saved with the model
diagram A3: step the rate up after each *epoch*  ``callbacks.LearningRateWarmup(target, W)``: counts
to the target, then cosine or hold; Goyal's      epochs, works on a float-rate optimizer, logs the
large-batch warmup (``per="batch"``)             rate; feed it ``linear_scaling``'s result
the whole A3 recipe: compile, warm up, train     ``initialization.warmup_init``: built on
                                                 ``LearningRateWarmup``
a per-epoch decay without warmup                 Keras's ``keras.callbacks.LearningRateScheduler(
                                                 lambda e: float(cosine_decay(a0, T)(e)))``
===============================================  ==================================================
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

"""Step decay (seed 002): multiply the rate by a factor every few steps."""

import keras

from keras_recipes.checks import require_positive_int, require_positive_number


def step_decay(initial_learning_rate, step_size, *, factor=0.1):
    """``a_t = a_0 * factor ** floor(t / step_size)`` (e.g. x0.1 every 30 epochs' steps).

    Keras ships this as ``ExponentialDecay(..., staircase=True)``; this
    function names it as the lecture does and returns Keras's class. For
    irregular drop points use ``keras.optimizers.schedules.PiecewiseConstantDecay``.

    ```python
    lr = step_decay(0.1, step_size=30 * steps_per_epoch, factor=0.1)
    ```

    Args:
        initial_learning_rate: ``a_0`` > 0.
        step_size: steps between drops, int >= 1.
        factor: multiplier at each drop, > 0. Default 0.1.
    Returns:
        a ``keras.optimizers.schedules.ExponentialDecay`` with ``staircase=True``.
    """
    return keras.optimizers.schedules.ExponentialDecay(
        require_positive_number("initial_learning_rate", initial_learning_rate),
        require_positive_int("step_size", step_size),
        require_positive_number("factor", factor),
        staircase=True,
    )

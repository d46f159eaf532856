"""Linear decay (seed 002): a_t = a_0 (1 - t / T)."""

import keras

from keras_recipes.checks import require_positive_int, require_positive_number


def linear_decay(initial_learning_rate, decay_steps, *, final_learning_rate=0.0):
    """``a_t = f + (a_0 - f)(1 - t / T)`` for ``t <= T``, then ``f``.

    Keras ships this as ``PolynomialDecay(power=1.0)``; this function names it
    as the lecture does and returns Keras's class.

    ```python
    lr = linear_decay(0.1, decay_steps=1000)
    lr(250)      # 0.075
    ```

    Args:
        initial_learning_rate: ``a_0`` > 0.
        decay_steps: ``T``, int >= 1.
        final_learning_rate: ``f`` >= 0. Default 0.
    Returns:
        a ``keras.optimizers.schedules.PolynomialDecay`` with ``power=1``.
    """
    return keras.optimizers.schedules.PolynomialDecay(
        require_positive_number("initial_learning_rate", initial_learning_rate),
        require_positive_int("decay_steps", decay_steps),
        end_learning_rate=require_positive_number(
            "final_learning_rate", final_learning_rate, allow_zero=True
        ),
        power=1.0,
    )

"""Cosine decay in the lecture's terms (seed 002): a_t = 1/2 a_0 (1 + cos(t pi / T))."""

import keras

from keras_recipes.checks import require_positive_int, require_positive_number


def cosine_decay(initial_learning_rate, decay_steps, *, final_learning_rate=0.0, warmup_steps=0):
    """Keras's ``CosineDecay`` for ``a_t = f + 1/2 (a_0 - f)(1 + cos(pi t / T))``, warmup optional.

    Seed 002's cosine schedule (``f = 0``); after ``T`` steps the rate stays at
    ``f``. Keras ships this (``keras.optimizers.schedules.CosineDecay``), so this
    function only translates the lecture's parameters (an absolute final rate
    instead of ``alpha``, a fraction) and returns Keras's class. With
    ``warmup_steps=W`` the rate first climbs linearly from 0 to ``a_0`` over
    ``W`` steps (Keras's own ``warmup_target=``/``warmup_steps=``), then the
    cosine runs its ``T`` steps: seed 004's "linear warmup, then cosine".
    Which warmup to use when: see ``keras_recipes.schedules``.

    ```python
    lr = cosine_decay(0.1, decay_steps=1000)
    lr(0), lr(500), lr(1000)      # 0.1, 0.05, 0.0
    warm = cosine_decay(0.1, decay_steps=900, warmup_steps=100)
    warm(0), warm(50), warm(100)  # 0.0, 0.05, 0.1
    ```

    Args:
        initial_learning_rate: ``a_0`` > 0 (the peak, with a warmup).
        decay_steps: ``T``, int >= 1 (after the warmup).
        final_learning_rate: ``f`` in [0, a_0]. Default 0.
        warmup_steps: ``W``, int >= 0, linear ramp from 0 before the cosine. Default 0.
    Returns:
        a ``keras.optimizers.schedules.CosineDecay``.
    """
    initial = require_positive_number("initial_learning_rate", initial_learning_rate)
    require_positive_int("decay_steps", decay_steps)
    final = require_positive_number("final_learning_rate", final_learning_rate, allow_zero=True)
    if final > initial:
        raise ValueError(
            "final_learning_rate must be <= initial_learning_rate; received: "
            f"final_learning_rate={final_learning_rate!r}, initial_learning_rate={initial_learning_rate!r}"
        )
    if isinstance(warmup_steps, bool) or not isinstance(warmup_steps, int) or warmup_steps < 0:
        raise ValueError(f"warmup_steps must be an int >= 0; received: warmup_steps={warmup_steps!r}")
    if warmup_steps:
        return keras.optimizers.schedules.CosineDecay(
            0.0, decay_steps, alpha=final / initial, warmup_target=initial, warmup_steps=warmup_steps)
    return keras.optimizers.schedules.CosineDecay(initial, decay_steps, alpha=final / initial)

"""Cosine decay in the lecture's terms (seed 002): a_t = 1/2 a_0 (1 + cos(t pi / T))."""

import keras

from keras_recipes.checks import require_positive_int, require_positive_number


def cosine_decay(initial_learning_rate, decay_steps, *, final_learning_rate=0.0):
    """Keras's ``CosineDecay`` for ``a_t = f + 1/2 (a_0 - f)(1 + cos(pi t / T))``.

    Seed 002's cosine schedule (``f = 0``); after ``T`` steps the rate stays at
    ``f``. Keras ships this (``keras.optimizers.schedules.CosineDecay``), so this
    function only translates the lecture's parameters (an absolute final rate
    instead of ``alpha``, a fraction) and returns Keras's class. For warmup in
    front, wrap it in :class:`Warmup` (or use ``CosineDecay(warmup_target=,
    warmup_steps=)`` directly: the two agree, see the tests).

    ```python
    lr = cosine_decay(0.1, decay_steps=1000)
    lr(0), lr(500), lr(1000)      # 0.1, 0.05, 0.0
    ```

    Args:
        initial_learning_rate: ``a_0`` > 0.
        decay_steps: ``T``, int >= 1.
        final_learning_rate: ``f`` in [0, a_0]. Default 0.
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
    return keras.optimizers.schedules.CosineDecay(initial, decay_steps, alpha=final / initial)

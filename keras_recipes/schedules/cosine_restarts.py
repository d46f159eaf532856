"""Cosine with warm restarts (SGDR; seed 002 snapshot ensembles, seed 004 cyclical)."""

import keras

from keras_recipes.checks import require_positive_int, require_positive_number


def cosine_restarts(
    initial_learning_rate,
    period,
    *,
    period_multiplier=2.0,
    peak_decay=1.0,
    final_learning_rate=0.0,
):
    """Keras's ``CosineDecayRestarts``: cosine cycles, each restart at a (decayed) peak.

    Cycle ``i`` lasts ``T_i = period * period_multiplier**i`` steps. With
    ``a_f = final_learning_rate`` and ``t`` the step inside the cycle,
    ``a = a_f + peak_decay**i * (a_0 - a_f) * 1/2 (1 + cos(pi t / T_i))``:
    cycle ``i`` starts at ``a_f + peak_decay**i * (a_0 - a_f)`` and every
    cycle ends at the same floor ``a_f`` (only the part above the floor
    decays). Keras ships this (``CosineDecayRestarts(first_decay_steps,
    t_mul, m_mul, alpha=a_f / a_0)``); this function only names the
    parameters as the lecture does. Keras has no warmup for it: wrap the
    result in :class:`Warmup` (its default ``clock="restart"``).

    >>> lr = cosine_restarts(0.1, 50, period_multiplier=1.5, peak_decay=0.5,
    ...                      final_learning_rate=0.01)
    >>> round(float(lr(0)), 4), round(float(lr(50)), 4), round(float(lr(125)), 4)
    (0.1, 0.055, 0.0325)

    Args:
        initial_learning_rate: first peak ``a_0`` > 0.
        period: length of the first cycle in steps, int >= 1.
        period_multiplier: each cycle is this many times longer (>0). Default 2.
        peak_decay: each peak is this fraction of the previous one (>0). Default 1.
        final_learning_rate: floor of the first cycle, in [0, a_0]. Default 0.
    Returns:
        a ``keras.optimizers.schedules.CosineDecayRestarts``.
    """
    initial = require_positive_number("initial_learning_rate", initial_learning_rate)
    require_positive_int("period", period)
    t_mul = require_positive_number("period_multiplier", period_multiplier)
    m_mul = require_positive_number("peak_decay", peak_decay)
    final = require_positive_number("final_learning_rate", final_learning_rate, allow_zero=True)
    if final > initial:
        raise ValueError(
            "final_learning_rate must be <= initial_learning_rate; received: "
            f"final_learning_rate={final_learning_rate!r}, initial_learning_rate={initial_learning_rate!r}"
        )
    return keras.optimizers.schedules.CosineDecayRestarts(
        initial, period, t_mul=t_mul, m_mul=m_mul, alpha=final / initial
    )

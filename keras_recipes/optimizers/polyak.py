"""Polyak averaging's momentum for a run of a given length (Keras's ``use_ema=True``)."""

from keras_recipes.checks import require_positive_int, require_rate


def polyak_momentum(total_steps, *, window=0.1, largest=0.995):
    """EMA momentum whose averaging window is ``window`` of the run, at most the slide's 0.995.

    Seed 002 keeps ``x_test = 0.995 * x_test + 0.005 * x``: an average over
    about ``1 / (1 - 0.995) = 200`` steps, right for runs of thousands of
    steps. Keras's EMA starts from the weights of the first step, and after
    ``n`` steps those still weigh ``m ** n``; with 0.995 and the few hundred
    steps of a lab on 8x8 digits (e.g. 150), ``0.995 ** 150 = 0.47``: the
    "averaged" model is half the untrained one. That is why the lab uses a
    smaller momentum (0.9, a 10-step window): the rule is the window, not the
    number. This returns ``1 - 1 / (window * total_steps)``, capped at
    ``largest`` (the slide's value, reached from 2,000 steps at the default
    window) and floored at 0.

    >>> polyak_momentum(100_000)           # a long run: the slide's value
    0.995
    >>> polyak_momentum(100)               # a 100-step lab: a 10-step window
    0.9

    Args:
        total_steps: optimizer steps of the whole run, int >= 1.
        window: fraction of the run the average spans, in (0, 1]. Default 0.1.
        largest: cap, in [0, 1). Default 0.995 (seed 002).
    Returns:
        the ``ema_momentum`` to pass with ``use_ema=True``.
    """
    total_steps = require_positive_int("total_steps", total_steps)
    window = require_rate("window", window, closed=True)
    if window == 0:
        raise ValueError("window must be in (0, 1]; received: window=0")
    largest = require_rate("largest", largest)
    return round(min(largest, max(0.0, 1.0 - 1.0 / (window * total_steps))), 6)

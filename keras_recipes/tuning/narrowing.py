"""The coarse-to-fine rule of diagram A8: a narrowed search space (a beam) around the best.

KerasTuner's oracles sample a fixed space; none of them shrinks it. This
module is the one rule guided search adds on top of them, as a pure function
of the top-k trials' values so it can be checked by hand.
"""

import math

from keras_recipes.checks import require_positive_number
from keras_recipes.tuning.space import Choice, Conditional, Fixed, Float, Int, check_space, is_active


def _widen(spec, values, margin):
    lo, hi = min(values), max(values)
    to_scale = math.log if spec.log else float
    from_scale = math.exp if spec.log else float
    a, b = to_scale(lo), to_scale(hi)
    pad = margin * (b - a)
    return from_scale(a - pad), from_scale(b + pad)


def _narrow_one(spec, values, margin):
    if isinstance(spec, Conditional):
        return Conditional(_narrow_one(spec.spec, values, margin), spec.when)
    if isinstance(spec, Fixed) or not values:
        return spec
    if isinstance(spec, Choice):
        kept = tuple(v for v in spec.values if v in values)
        return Fixed(kept[0]) if len(kept) == 1 else Choice(kept)
    if min(values) == max(values):
        return Fixed(values[0])
    lo, hi = _widen(spec, values, margin)
    lo, hi = max(lo, spec.min_value), min(hi, spec.max_value)
    if isinstance(spec, Float):
        return Float(lo, hi, log=spec.log)
    origin, step = spec.min_value, spec.step or 1
    lo = origin + math.floor(round((lo - origin) / step, 9)) * step
    hi = origin + math.ceil(round((hi - origin) / step, 9)) * step
    hi = min(hi, spec.max_value)
    return Int(int(lo), int(hi), log=spec.log, step=spec.step)


def narrow_space(space, top_values, *, margin=0.25):
    """The narrowed space built from the hyperparameter values of the top-k trials.

    The rule, parameter by parameter:

    * ``Int`` / ``Float``: the new range is the span ``[min, max]`` of the
      top-k values, measured on a log scale where the parameter is
      log-sampled, widened on each side by ``margin`` times that span and
      clipped to the original bounds. ``Int`` bounds are rounded outwards
      (to the ``step`` grid when there is one).
    * ``Choice``: only the values seen in the top-k are kept (in their
      original order).
    * A parameter on which the top-k all agree becomes ``Fixed``.
    * ``Fixed`` parameters, and parameters absent from every top-k trial,
      are kept as they are.
    * A ``Conditional`` parameter is narrowed from the top-k trials where it
      was active only (a value recorded where its condition fails is
      ignored), and keeps its condition.

    ```python
    from keras_recipes.tuning import Choice, Float, narrow_space
    space = {"lr": Float(1e-4, 1e-1, log=True), "opt": Choice(["adam", "sgd", "rmsprop"])}
    top = [{"lr": 1e-3, "opt": "adam"}, {"lr": 1e-2, "opt": "sgd"}]
    narrow_space(space, top, margin=0.5)
    # {'lr': Float(0.000316..., 0.0316..., log=True), 'opt': Choice(('adam', 'sgd'))}
    ```

    Args:
        space: a ``{name: Int | Float | Choice | Fixed}`` dict.
        top_values: non-empty list of ``{name: value}`` dicts (best first;
            the order does not change the result).
        margin: widening on each side, as a fraction of the top-k span, >= 0.
            Default 0.25.
    Returns:
        a new space dict with the same keys.

    >>> from keras_recipes.tuning import Choice, Conditional
    >>> space = {"groups": Choice([1, 2]), "g2_kernel": Conditional(Choice([3, 5]), {"groups": [2]})}
    >>> narrow_space(space, [{"groups": 2, "g2_kernel": 5}, {"groups": 1, "g2_kernel": 3}])["g2_kernel"]
    Conditional(spec=Fixed(value=5), when=(('groups', (2,)),))
    """
    space = check_space(space)
    if not top_values or not all(isinstance(v, dict) for v in top_values):
        raise ValueError(
            "top_values must be a non-empty list of {name: value} dicts; "
            f"received: top_values={top_values!r}"
        )
    require_positive_number("margin", margin, allow_zero=True)
    return {
        name: _narrow_one(spec, [v[name] for v in top_values if name in v and is_active(spec, v)], margin)
        for name, spec in space.items()
    }


def _around_one(spec, value, spread):
    if isinstance(spec, Conditional):
        return Conditional(_around_one(spec.spec, value, spread), spec.when)
    if isinstance(spec, Fixed) or value is None:
        return spec
    if isinstance(spec, Choice):
        return Fixed(value)
    if value > 0:
        lo, hi = value / spread, value * spread
    else:  # half-to-twice is a ratio; around 0 or a negative value use the same width in value
        width = max(abs(value), 1e-12) * (spread - 1)
        lo, hi = value - width, value + width
    lo, hi = max(lo, spec.min_value), min(hi, spec.max_value)
    if isinstance(spec, Float):
        return Float(lo, hi, log=spec.log) if lo < hi else Fixed(value)
    origin, step = spec.min_value, spec.step or 1
    lo = origin + math.floor(round((lo - origin) / step, 9)) * step
    hi = min(origin + math.ceil(round((hi - origin) / step, 9)) * step, spec.max_value)
    return Int(int(lo), int(hi), log=spec.log, step=spec.step) if lo < hi else Fixed(value)


def beam_spaces(space, top_values, *, spread=2.0):
    """The beam of diagram A8: one neighbourhood per kept trial, not one hull around all.

    For each of the top-k trials, a space around its own values:

    * ``Int`` / ``Float``: from ``value / spread`` to ``value * spread``
      (half to twice its value by default), clipped to the original bounds;
      for a log-sampled parameter this is a symmetric window on the log
      scale, and the narrowed parameter stays log-sampled. ``Int`` bounds
      are rounded outwards to the step grid.
    * ``Choice``: fixed to the trial's value (each neighbourhood follows its
      own trial; the beam keeps the alternatives as separate neighbourhoods).
    * ``Fixed`` parameters and parameters the trial lacks are kept, and so
      is a ``Conditional`` one that was inactive in the trial; an active one
      is narrowed around its value and keeps its condition.

    >>> from keras_recipes.tuning import Choice, Float, Int
    >>> space = {"lr": Float(1e-4, 1e-1, log=True), "width": Int(4, 64), "opt": Choice(["adam", "sgd"])}
    >>> top = [{"lr": 1e-3, "width": 16, "opt": "adam"}, {"lr": 0.08, "width": 40, "opt": "sgd"}]
    >>> first, second = beam_spaces(space, top)
    >>> first["lr"], first["width"], first["opt"]
    (Float(min_value=0.0005, max_value=0.002, log=True), Int(min_value=8, max_value=32, log=False, step=None), Fixed(value='adam'))
    >>> second["lr"].min_value, second["lr"].max_value, second["width"].max_value
    (0.04, 0.1, 64)

    Args:
        space: a ``{name: Int | Float | Choice | Fixed}`` dict.
        top_values: non-empty list of ``{name: value}`` dicts, best first.
        spread: ratio of each window's ends to the trial's value, > 1
            (default 2.0: half to twice).
    Returns:
        a list of spaces, one per entry of ``top_values``, in the same order.
    """
    space = check_space(space)
    if not top_values or not all(isinstance(v, dict) for v in top_values):
        raise ValueError(
            "top_values must be a non-empty list of {name: value} dicts; "
            f"received: top_values={top_values!r}"
        )
    if isinstance(spread, bool) or not isinstance(spread, (int, float)) or not spread > 1:
        raise ValueError(f"spread must be a number > 1; received: spread={spread!r}")
    return [{name: _around_one(spec, values.get(name) if is_active(spec, values) else None, spread)
             for name, spec in space.items()}
            for values in top_values]


def _ends(spec):
    return (spec.value, spec.value) if isinstance(spec, Fixed) else (spec.min_value, spec.max_value)


def envelope(parent, spaces):
    """The smallest space that holds every space of a beam (one dict for a whole round).

    ``parent`` is the space the beam was cut from; it gives each parameter's
    kind. Choices keep the values any neighbourhood kept (in the parent's
    order); numbers span the lowest to the highest end of any neighbourhood.

    >>> from keras_recipes.tuning import Choice, Float
    >>> parent = {"lr": Float(1e-4, 1e-1, log=True), "opt": Choice(["adam", "sgd", "rmsprop"])}
    >>> beam = beam_spaces(parent, [{"lr": 1e-3, "opt": "sgd"}, {"lr": 1e-2, "opt": "adam"}])
    >>> envelope(parent, beam)
    {'lr': Float(min_value=0.0005, max_value=0.02, log=True), 'opt': Choice(values=('adam', 'sgd'))}
    """
    return {name: _envelope_one(spec, [s[name] for s in spaces]) for name, spec in parent.items()}


def _envelope_one(spec, parts):
    if all(p == parts[0] for p in parts):
        return parts[0]
    if isinstance(spec, Conditional):
        return Conditional(_envelope_one(spec.spec, [p.spec for p in parts]), spec.when)
    if isinstance(spec, Choice):
        seen = {v for p in parts for v in ((p.value,) if isinstance(p, Fixed) else p.values)}
        return Choice(tuple(v for v in spec.values if v in seen))
    lo = min(_ends(p)[0] for p in parts)
    hi = max(_ends(p)[1] for p in parts)
    if isinstance(spec, Float):
        return Float(float(lo), float(hi), log=spec.log)
    return Int(int(lo), int(hi), log=spec.log, step=spec.step)

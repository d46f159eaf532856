"""The coarse-to-fine rule of diagram A8: a narrowed search space (a beam) around the best.

KerasTuner's oracles sample a fixed space; none of them shrinks it. This
module is the one rule guided search adds on top of them, as a pure function
of the top-k trials' values so it can be checked by hand.
"""

import math

from keras_recipes.checks import require_positive_number
from keras_recipes.tuning.space import Choice, Fixed, Float, Int, check_space


def _widen(spec, values, margin):
    lo, hi = min(values), max(values)
    to_scale = math.log if spec.log else float
    from_scale = math.exp if spec.log else float
    a, b = to_scale(lo), to_scale(hi)
    pad = margin * (b - a)
    return from_scale(a - pad), from_scale(b + pad)


def _narrow_one(spec, values, margin):
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
    """
    space = check_space(space)
    if not top_values or not all(isinstance(v, dict) for v in top_values):
        raise ValueError(
            "top_values must be a non-empty list of {name: value} dicts; "
            f"received: top_values={top_values!r}"
        )
    require_positive_number("margin", margin, allow_zero=True)
    return {
        name: _narrow_one(spec, [v[name] for v in top_values if name in v], margin)
        for name, spec in space.items()
    }

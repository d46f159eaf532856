"""A declarative search space, validated at the door (diagram A8, "initial search space").

A space is a plain dict ``{name: spec}`` whose specs are the four small,
frozen descriptions below. They say the same thing as KerasTuner's
``hp.Int`` / ``hp.Float`` / ``hp.Choice`` / ``hp.Fixed`` calls (and convert
to and from them), but they are *data*: they can be checked before any model
is built, written to a project file, compared on resume and narrowed by
``keras_recipes.tuning.narrow_space``. KerasTuner's own ``hp`` objects carry
the same information only once a model has been built, so this module adds
the missing, inspectable layer rather than a second sampler: sampling stays
KerasTuner's.

```python
from keras_recipes.tuning import Choice, Float, Int, from_hyperparameters, to_hyperparameters
space = {
    "width": Int(4, 32, log=True),
    "blocks": Choice([1, 2]),
    "learning_rate": Float(1e-4, 1e-1, log=True),
    "dropout": Float(0.0, 0.5),
}
hps = to_hyperparameters(space)          # a keras_tuner.HyperParameters
assert from_hyperparameters(hps) == space
```
"""

import math
import numbers
from dataclasses import dataclass


def _number(name, value, kind=numbers.Real):
    if isinstance(value, bool) or not isinstance(value, kind):
        what = "an int" if kind is numbers.Integral else "a number"
        raise TypeError(f"{name} must be {what}; received: {name}={value!r}")
    if isinstance(value, numbers.Real) and not math.isfinite(value):
        raise ValueError(f"{name} must be finite; received: {name}={value!r}")
    return value


def _bounds(kind, min_value, max_value, log, number_kind):
    _number(f"{kind}.min_value", min_value, number_kind)
    _number(f"{kind}.max_value", max_value, number_kind)
    if not min_value < max_value:
        raise ValueError(
            f"{kind} needs min_value < max_value (use Fixed for one value); "
            f"received: min_value={min_value!r}, max_value={max_value!r}"
        )
    if not isinstance(log, bool):
        raise TypeError(f"{kind}.log must be True or False; received: log={log!r}")
    if log and min_value <= 0:
        raise ValueError(
            f"{kind} with log=True needs min_value > 0; received: min_value={min_value!r}"
        )


@dataclass(frozen=True)
class Int:
    """An integer in ``[min_value, max_value]``, sampled uniformly or log-uniformly.

    Args:
        min_value, max_value: inclusive bounds, ``min_value < max_value``.
        log: sample on a log scale (seed 002: widths and counts that span
            orders of magnitude); needs ``min_value > 0``. Default False.
        step: optional grid step for linear sampling (None: every integer).

    >>> Int(8, 64, log=True)
    Int(min_value=8, max_value=64, log=True, step=None)
    """

    min_value: int
    max_value: int
    log: bool = False
    step: "int | None" = None

    def __post_init__(self):
        _bounds("Int", self.min_value, self.max_value, self.log, numbers.Integral)
        if self.step is not None:
            _number("Int.step", self.step, numbers.Integral)
            if self.step < 1 or self.log:
                raise ValueError(
                    "Int.step must be a positive int and needs log=False; "
                    f"received: step={self.step!r}, log={self.log!r}"
                )

    def contains(self, value):
        return (not isinstance(value, bool) and isinstance(value, numbers.Integral)
                and self.min_value <= value <= self.max_value)

    def register(self, hp, name):
        sampling = "log" if self.log else "linear"
        return hp.Int(name, self.min_value, self.max_value, step=self.step, sampling=sampling)


@dataclass(frozen=True)
class Float:
    """A real number in ``[min_value, max_value]``, sampled uniformly or log-uniformly.

    Args:
        min_value, max_value: bounds, ``min_value < max_value``.
        log: sample on a log scale (learning rates, weight decay); needs
            ``min_value > 0``. Default False.

    >>> Float(1e-4, 1e-1, log=True).contains(3e-3)
    True
    """

    min_value: float
    max_value: float
    log: bool = False

    def __post_init__(self):
        _bounds("Float", self.min_value, self.max_value, self.log, numbers.Real)

    def contains(self, value):
        return (not isinstance(value, bool) and isinstance(value, numbers.Real)
                and self.min_value <= value <= self.max_value)

    def register(self, hp, name):
        sampling = "log" if self.log else "linear"
        return hp.Float(name, float(self.min_value), float(self.max_value), sampling=sampling)


CHOICE_TYPES = (bool, int, float, str)


@dataclass(frozen=True)
class Choice:
    """One of a non-empty list of distinct values of one type (int, float, str or bool).

    >>> Choice(["adam", "sgd"]).values
    ('adam', 'sgd')
    """

    values: tuple

    def __post_init__(self):
        if isinstance(self.values, (str, bytes)) or not hasattr(self.values, "__iter__"):
            raise TypeError(f"Choice.values must be a list; received: values={self.values!r}")
        values = tuple(self.values)
        object.__setattr__(self, "values", values)
        if not values:
            raise ValueError("Choice.values must not be empty; received: values=[]")
        types = {type(v) for v in values}
        if len(types) != 1 or types.pop() not in CHOICE_TYPES:
            raise TypeError(
                "Choice.values must all have one type among int, float, str, bool "
                f"(KerasTuner's rule); received: values={list(values)!r}"
            )
        if len(set(values)) != len(values):
            raise ValueError(f"Choice.values must be distinct; received: values={list(values)!r}")

    def contains(self, value):
        return value in self.values and type(value) is type(self.values[0])

    def register(self, hp, name):
        return hp.Choice(name, list(self.values))


@dataclass(frozen=True)
class Fixed:
    """A value that is not searched (what narrowing makes of a parameter the top-k agree on).

    >>> Fixed(3).contains(3)
    True
    """

    value: object

    def __post_init__(self):
        if type(self.value) not in CHOICE_TYPES:
            raise TypeError(
                f"Fixed.value must be an int, float, str or bool; received: value={self.value!r}"
            )

    def contains(self, value):
        return value == self.value

    def register(self, hp, name):
        return hp.Fixed(name, self.value)


SPECS = (Int, Float, Choice, Fixed)


def check_space(space, allowed=None, *, where="the builder or the trainer"):
    """Validate a ``{name: spec}`` space; return it as a new dict.

    Args:
        space: dict of identifier -> ``Int`` / ``Float`` / ``Choice`` / ``Fixed``.
        allowed: optional collection of accepted names; an unknown name
            raises ``ValueError`` listing them.
        where: what ``allowed`` are the arguments of (for the message).
    """
    if not isinstance(space, dict):
        raise TypeError(
            "space must be a dict {name: Int | Float | Choice | Fixed} or a callable "
            f"hp -> dict; received: {type(space).__name__}"
        )
    if not space:
        raise ValueError("space must name at least one hyperparameter; received: {}")
    for name, spec in space.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"space keys must be identifiers; received: {name!r}")
        if not isinstance(spec, SPECS):
            raise TypeError(
                f"space[{name!r}] must be Int, Float, Choice or Fixed; received: {spec!r}"
            )
    if allowed is not None:
        unknown = sorted(set(space) - set(allowed))
        if unknown:
            raise ValueError(
                f"space keys {unknown} are not arguments of {where}; "
                f"allowed: {sorted(allowed)}"
            )
    return dict(space)


def check_values(values, space, what="configuration"):
    """Raise unless every key of ``values`` is in ``space`` and inside its range."""
    if not isinstance(values, dict):
        raise TypeError(f"{what} must be a dict name -> value; received: {values!r}")
    unknown = sorted(set(values) - set(space))
    if unknown:
        raise ValueError(f"{what} names {unknown}, not in the search space {sorted(space)}")
    for name, value in values.items():
        if not space[name].contains(value):
            raise ValueError(
                f"{what}[{name!r}]={value!r} lies outside the search space: {space[name]!r}"
            )
    return dict(values)


def to_hyperparameters(space):
    """A ``keras_tuner.HyperParameters`` with every spec of ``space`` registered."""
    import keras_tuner

    hps = keras_tuner.HyperParameters()
    for name, spec in check_space(space).items():
        spec.register(hps, name)
    return hps


def from_hyperparameters(hps):
    """The declarative space of a ``keras_tuner.HyperParameters`` (flat spaces only).

    Conditional hyperparameters (``hp.conditional_scope``) are refused: the
    narrowing rule is defined on flat spaces.
    """
    import keras_tuner

    hp_types = keras_tuner.engine.hyperparameters
    space = {}
    for hp in hps.space:
        if hp.conditions:
            raise ValueError(
                f"hyperparameter {hp.name!r} is conditional; guided search narrows "
                "flat spaces only (declare it unconditionally)"
            )
        log = getattr(hp, "sampling", "linear") == "log"
        if isinstance(hp, hp_types.Boolean):
            space[hp.name] = Choice([False, True])
        elif isinstance(hp, hp_types.Fixed):
            space[hp.name] = Fixed(hp.value)
        elif isinstance(hp, hp_types.Choice):
            space[hp.name] = Choice(hp.values)
        elif isinstance(hp, hp_types.Int):
            step = None if log or hp.step in (None, 1) else int(hp.step)
            space[hp.name] = Int(int(hp.min_value), int(hp.max_value), log=log, step=step)
        elif isinstance(hp, hp_types.Float):
            space[hp.name] = Float(float(hp.min_value), float(hp.max_value), log=log)
        else:
            raise TypeError(f"hyperparameter {hp.name!r} has an unsupported type {type(hp).__name__}")
    return space


def space_to_json(space):
    """A JSON-ready description of ``space`` (recorded per round in the project)."""
    out = {}
    for name, spec in space.items():
        config = {"type": type(spec).__name__}
        config.update({k: (list(v) if isinstance(v, tuple) else v)
                       for k, v in spec.__dict__.items()})
        out[name] = config
    return out


def space_from_json(config):
    """Inverse of ``space_to_json``."""
    kinds = {cls.__name__: cls for cls in SPECS}
    return {name: kinds[c["type"]](**{k: v for k, v in c.items() if k != "type"})
            for name, c in config.items()}


def format_space(space):
    """One line per parameter, e.g. ``learning_rate  Float[0.0003, 0.02] log``."""
    lines = []
    for name, spec in space.items():
        if isinstance(spec, Fixed):
            text = f"Fixed {spec.value!r}"
        elif isinstance(spec, Choice):
            text = f"Choice {list(spec.values)!r}"
        else:
            text = f"{type(spec).__name__}[{spec.min_value:.4g}, {spec.max_value:.4g}]"
            text += " log" if spec.log else ""
        lines.append(f"  {name:<22} {text}")
    return "\n".join(lines)

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

A spec wrapped in ``Conditional`` exists only when earlier parameters take
given values: KerasTuner's ``hp.conditional_scope(parent_name, parent_values)``
as data (``{"expansion": Conditional(Choice([2, 4]), {"block": ["inverted"]})}``).
KerasTuner's oracles then sample it only in the trials where it is active,
so a trial's record holds no value for a choice it did not use, and
narrowing reads a conditional choice only from the trials where it was active.
"""

import contextlib
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


def _parent_values(parent, values):
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        values = [values]
    values = tuple(values)
    if not values or len({type(v) for v in values}) != 1 or type(values[0]) not in CHOICE_TYPES:
        raise TypeError(
            f"Conditional.when[{parent!r}] must be a non-empty list of values of one type among "
            f"int, float, str, bool; received: {list(values)!r}"
        )
    return values


@dataclass(frozen=True)
class Conditional:
    """A spec that is active only when earlier parameters take given values.

    KerasTuner's ``hp.conditional_scope(parent_name, parent_values)`` as
    data: ``spec`` is registered inside one scope per entry of ``when``
    (several entries nest, all must hold). Its oracles sample it only where
    it is active, and ``hp.Choice`` etc. return None elsewhere, so a trial
    records no value for a choice it did not use. The parents come earlier
    in the space; as KerasTuner nests scopes, a parent that is itself
    conditional is declared under exactly the entries of ``when`` before it
    (``block`` below is ``Conditional(..., {"groups": [2, 3]})``).

    >>> spec = Conditional(Choice([2, 4]), {"groups": [2, 3], "block": ["inverted"]})
    >>> spec.is_active({"groups": 2, "block": "inverted"}), spec.is_active({"groups": 1, "block": "inverted"})
    (True, False)

    Args:
        spec: an ``Int`` / ``Float`` / ``Choice`` / ``Fixed``.
        when: ``{parent name: [values that activate spec]}`` (or pairs).
    """

    spec: object
    when: tuple

    def __post_init__(self):
        if not isinstance(self.spec, SPECS):
            raise TypeError(
                "Conditional.spec must be Int, Float, Choice or Fixed (give several parents in `when` "
                f"to nest conditions); received: spec={self.spec!r}"
            )
        when = self.when.items() if isinstance(self.when, dict) else self.when
        if isinstance(when, (str, bytes)) or not hasattr(when, "__iter__"):
            when = [when]
        when = tuple(when)
        if not all(isinstance(item, (tuple, list)) and len(item) == 2 for item in when):
            raise TypeError(
                f"Conditional.when must be a dict {{parent name: [values]}}; received: when={self.when!r}"
            )
        when = tuple((parent, _parent_values(parent, values)) for parent, values in when)
        if not when or not all(isinstance(p, str) and p.isidentifier() for p, _ in when):
            raise ValueError(
                f"Conditional.when must name at least one parent, by identifier; received: when={self.when!r}"
            )
        object.__setattr__(self, "when", when)

    def is_active(self, values):
        """Whether every parent in ``values`` (a trial's ``{name: value}``) takes an activating value."""
        return all(parent in values and values[parent] in allowed for parent, allowed in self.when)

    def contains(self, value):
        return self.spec.contains(value)

    def register(self, hp, name):
        with contextlib.ExitStack() as scopes:
            for parent, allowed in self.when:
                scopes.enter_context(hp.conditional_scope(parent, list(allowed)))
            return self.spec.register(hp, name)


def is_active(spec, values):
    """Whether ``spec`` is active in a trial whose values are ``values`` (unconditional specs always are).

    >>> is_active(Choice([3, 5]), {}), is_active(Conditional(Fixed(1), {"groups": [2]}), {"groups": 1})
    (True, False)
    """
    return not isinstance(spec, Conditional) or spec.is_active(values)


def check_space(space, allowed=None, *, where="the builder or the trainer"):
    """Validate a ``{name: spec}`` space; return it as a new dict.

    Args:
        space: dict of identifier -> ``Int`` / ``Float`` / ``Choice`` /
            ``Fixed`` / ``Conditional`` (whose parents come earlier).
        allowed: optional collection of accepted names; an unknown name
            raises ``ValueError`` listing them.
        where: what ``allowed`` are the arguments of (for the message).
    """
    if not isinstance(space, dict):
        raise TypeError(
            "space must be a dict {name: Int | Float | Choice | Fixed | Conditional} or a callable "
            f"hp -> dict; received: {type(space).__name__}"
        )
    if not space:
        raise ValueError("space must name at least one hyperparameter; received: {}")
    earlier = set()
    for name, spec in space.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"space keys must be identifiers; received: {name!r}")
        if not isinstance(spec, SPECS + (Conditional,)):
            raise TypeError(
                f"space[{name!r}] must be Int, Float, Choice, Fixed or Conditional; received: {spec!r}"
            )
        if isinstance(spec, Conditional):
            for i, (parent, _) in enumerate(spec.when):
                if parent not in earlier:
                    raise ValueError(
                        f"space[{name!r}] is conditional on {parent!r}, which must be declared before it; "
                        f"declared before it: {sorted(earlier)}"
                    )
                outer = space[parent].when if isinstance(space[parent], Conditional) else ()
                if outer != spec.when[:i]:  # KerasTuner nests scopes: a parent lives in the outer ones
                    raise ValueError(
                        f"space[{name!r}]: parent {parent!r} is declared under the conditions {list(outer)}, "
                        f"so it must come after exactly those in when; received: when={list(spec.when)}"
                    )
        earlier.add(name)
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
    """The declarative space of a ``keras_tuner.HyperParameters``.

    A hyperparameter declared inside ``hp.conditional_scope`` becomes a
    ``Conditional`` with the same parents and values. One name declared
    twice (under different conditions) is refused: a space holds one spec
    per name.

    >>> import keras_tuner
    >>> hp = keras_tuner.HyperParameters()
    >>> block = hp.Choice("block", ["plain", "inverted"])
    >>> with hp.conditional_scope("block", ["inverted"]):
    ...     expansion = hp.Choice("expansion", [2, 4])
    >>> from_hyperparameters(hp)["expansion"]
    Conditional(spec=Choice(values=(2, 4)), when=(('block', ('inverted',)),))
    """
    import keras_tuner

    hp_types = keras_tuner.engine.hyperparameters
    space = {}
    for hp in hps.space:
        if hp.name in space:
            raise ValueError(
                f"hyperparameter {hp.name!r} is declared twice (under different conditions); "
                "give each declaration its own name"
            )
        when = []
        for condition in hp.conditions:
            if type(condition).__name__ != "Parent":  # hp.conditional_scope's (not public in KerasTuner 1.4)
                raise TypeError(
                    f"hyperparameter {hp.name!r} has a condition other than hp.conditional_scope's: "
                    f"{condition!r}"
                )
            when.append((condition.name, tuple(condition.values)))
        spec = _spec_of(hp, hp_types)
        space[hp.name] = Conditional(spec, tuple(when)) if when else spec
    return space


def _spec_of(hp, hp_types):
    log = getattr(hp, "sampling", "linear") == "log"
    if isinstance(hp, hp_types.Boolean):
        return Choice([False, True])
    if isinstance(hp, hp_types.Fixed):
        return Fixed(hp.value)
    if isinstance(hp, hp_types.Choice):
        return Choice(hp.values)
    if isinstance(hp, hp_types.Int):
        step = None if log or hp.step in (None, 1) else int(hp.step)
        return Int(int(hp.min_value), int(hp.max_value), log=log, step=step)
    if isinstance(hp, hp_types.Float):
        return Float(float(hp.min_value), float(hp.max_value), log=log)
    raise TypeError(f"hyperparameter {hp.name!r} has an unsupported type {type(hp).__name__}")


def _spec_to_json(spec):
    config = {"type": type(spec).__name__}
    if isinstance(spec, Conditional):
        return {**config, "spec": _spec_to_json(spec.spec),
                "when": [[parent, list(values)] for parent, values in spec.when]}
    config.update({k: (list(v) if isinstance(v, tuple) else v) for k, v in spec.__dict__.items()})
    return config


def _spec_from_json(config):
    if config["type"] == "Conditional":
        return Conditional(_spec_from_json(config["spec"]), tuple(config["when"]))
    kinds = {cls.__name__: cls for cls in SPECS}
    return kinds[config["type"]](**{k: v for k, v in config.items() if k != "type"})


def space_to_json(space):
    """A JSON-ready description of ``space`` (recorded per round in the project)."""
    return {name: _spec_to_json(spec) for name, spec in space.items()}


def space_from_json(config):
    """Inverse of ``space_to_json``."""
    return {name: _spec_from_json(c) for name, c in config.items()}


def _spec_text(spec):
    if isinstance(spec, Conditional):
        return _spec_text(spec.spec) + "  if " + " and ".join(
            f"{parent} in {list(values)!r}" for parent, values in spec.when)
    if isinstance(spec, Fixed):
        return f"Fixed {spec.value!r}"
    if isinstance(spec, Choice):
        return f"Choice {list(spec.values)!r}"
    text = f"{type(spec).__name__}[{spec.min_value:.4g}, {spec.max_value:.4g}]"
    return text + (" log" if spec.log else "")


def format_space(space):
    """One line per parameter, e.g. ``learning_rate  Float[0.0003, 0.02] log``.

    A conditional one says when it is active: ``g2_kernel  Choice [3, 5]  if groups in [2, 3]``.
    """
    return "\n".join(f"  {name:<22} {_spec_text(spec)}" for name, spec in space.items())

"""Macro / micro architecture search (A13) on the guided search, at a fixed parameter budget.

Deck 000 draws two searches: *macro* (the arrangement of groups and blocks)
and *micro* (NAS: what is inside a block). Here both are one KerasTuner
search space over the zoo's parts, searched by ``tuning.guided_search``
(random round, then narrowed rounds):

* macro: ``groups`` (1-3), ``blocks`` per group, ``widening`` (channel
  growth from group to group) and ``downsample`` (where the resolution
  halves: a strided first block of each later group, or a max-pool closing
  each earlier group);
* micro, per group ``g``: ``g{g}_block`` (the zoo's ``residual_block``, a
  plain pair of ``conv_bn_act`` units, or the zoo's
  ``inverted_residual_block``), ``g{g}_kernel`` (3 or 5) and
  ``g{g}_expansion`` (inverted residual only); shared: ``norm`` (batch or
  layer normalisation) and ``activation``.

Micro choices are *conditional* on macro ones, declared with KerasTuner's
conditional scopes (``tuning.Conditional``): group 3's choices exist only
when ``groups == 3``, an expansion only for an inverted-residual block,
``widening`` and ``downsample`` only when there is a second group. The
oracle samples a choice only in the trials where it is active, so a trial
records only the choices its network uses, and the narrowed rounds narrow
each conditional choice from the top trials where it was active (a
one-group trial says nothing about group 2's block).

Every candidate is compared at the same size: the stem/first-group
``width`` is not searched but *solved* from the parameter budget (the
hand-designed zoo reference's count by default), and a candidate whose
closest width still misses the budget by more than ``tolerance`` (20%) is
rejected before any training (``keras_tuner.errors.FailedTrialError``).

>>> sorted(architecture_space())[:4]
['activation', 'blocks', 'downsample', 'g1_block']
"""

import functools
from dataclasses import dataclass, field

import keras
import keras_tuner

from keras_recipes.checks import require_choice, require_positive_int, require_rate
from keras_recipes.representation._training import fast_batchnorm
from keras_recipes.tuning import BundleHyperModel, Choice, Conditional, compile_and_fit
from keras_recipes.tuning.space import is_active
from keras_recipes.zoo import resnet
from keras_recipes.zoo.inverted_residual import inverted_residual_block
from keras_recipes.zoo.parts import NORMS, assemble, begin, conv_bn_act
from keras_recipes.zoo.residual import residual_block

MAX_GROUPS = 3
BLOCKS = ("residual", "plain", "inverted")
DOWNSAMPLE = ("stride", "pool")
MACRO = ("groups", "blocks", "widening", "downsample")


def _block(x, kind, filters, strides, kernel, expansion, activation, norm, name):
    if kind == "residual":
        return residual_block(x, filters, strides, name=name, kernel_size=kernel, activation=activation, norm=norm)
    if kind == "inverted":
        return inverted_residual_block(x, filters, strides, expansion=expansion, name=name, kernel_size=kernel,
                                       activation=activation, norm=norm)
    x = conv_bn_act(x, filters, kernel, strides, activation=activation, name=f"{name}_a", norm=norm)
    return conv_bn_act(x, filters, kernel, 1, activation=activation, name=f"{name}_b", norm=norm)


def searched_network(input_shape=(16, 16, 1), num_classes=None, *, task=None, width=8, groups=2, blocks=1,
                     widening=2.0, downsample="stride", norm="batch", activation="relu", pooling="avg",
                     name="searched", **group_choices):
    """One candidate of the search: stem -> ``groups`` groups of chosen blocks -> bottleneck -> task.

    The stem has ``round(width)`` filters and group ``g`` (1-based)
    ``blocks`` blocks of ``round(width * widening**(g-1))`` filters (``width``
    may be fractional, so the width solved from a budget can be fine-grained), each of kind ``g{g}_block`` ("residual",
    "plain", "inverted"; default residual) with a ``g{g}_kernel`` x
    ``g{g}_kernel`` convolution (default 3) and, for "inverted",
    expansion ``g{g}_expansion`` (default 4). Groups after the first halve
    the resolution, by a stride-2 first block (``downsample="stride"``) or
    by a 2x2 max-pool closing the previous group (``"pool"``). A valid
    three-door ``ModelBundle``, built from zoo parts.

    >>> bundle = searched_network((8, 8, 1), 10, groups=2, g2_block="inverted", g2_kernel=5)
    >>> bundle.bottleneck_shape
    (16,)
    """
    groups = require_positive_int("groups", groups)
    if groups > MAX_GROUPS:
        raise ValueError(f"groups must be at most {MAX_GROUPS}; received: groups={groups}")
    blocks = require_positive_int("blocks", blocks)
    require_choice("downsample", downsample, DOWNSAMPLE)
    require_choice("norm", norm, NORMS)
    allowed = {f"g{g}_{part}" for g in range(1, MAX_GROUPS + 1) for part in ("block", "kernel", "expansion")}
    unknown = sorted(set(group_choices) - allowed)
    if unknown:
        raise ValueError(f"unknown group choices {unknown}; allowed: g1_block ... g{MAX_GROUPS}_expansion")
    if not widening >= 1:
        raise ValueError(f"widening must be a number >= 1; received: widening={widening!r}")
    if isinstance(width, bool) or not isinstance(width, (int, float)) or not width >= 1:
        raise ValueError(f"width must be a number >= 1; received: width={width!r}")
    for g in range(1, groups + 1):  # every group's block kind checked before anything is built
        require_choice(f"g{g}_block", group_choices.get(f"g{g}_block", "residual"), BLOCKS)
    inputs, x, _, _, task = begin(input_shape, num_classes, task, max(1, round(width)), (blocks,) * groups,
                                  pooling, downsamples=lambda n: n - 1)
    for g in range(1, groups + 1):
        kind = group_choices.get(f"g{g}_block", "residual")
        kernel = group_choices.get(f"g{g}_kernel", 3)
        expansion = group_choices.get(f"g{g}_expansion", 4)
        filters = max(1, round(width * widening ** (g - 1)))
        if g > 1 and downsample == "pool":
            x = keras.layers.MaxPooling2D(2, name=f"group{g - 1}_pool")(x)
        for b in range(blocks):
            strides = 2 if g > 1 and b == 0 and downsample == "stride" else 1
            x = _block(x, kind, filters, strides, kernel, expansion, activation, norm, name=f"group{g}_block{b + 1}")
    return assemble(name, inputs, x, pooling, task)


def architecture_space(max_groups=MAX_GROUPS):
    """The macro choices, then the micro choices conditional on them (``tuning.Conditional``).

    Group ``g``'s choices are active when ``groups >= g``; its expansion
    also needs ``g{g}_block == "inverted"``; ``widening`` and ``downsample``
    need a second group.

    >>> space = architecture_space(2)
    >>> space["g2_kernel"]
    Conditional(spec=Choice(values=(3, 5)), when=(('groups', (2,)),))
    >>> space["g1_expansion"].when
    (('g1_block', ('inverted',)),)
    """
    max_groups = require_positive_int("max_groups", max_groups)
    space = {"groups": Choice(list(range(1, max_groups + 1))), "blocks": Choice([1, 2])}
    if max_groups > 1:
        later = {"groups": list(range(2, max_groups + 1))}
        space["widening"] = Conditional(Choice([1.5, 2.0]), later)
        space["downsample"] = Conditional(Choice(list(DOWNSAMPLE)), later)
    space["norm"] = Choice(list(NORMS))
    space["activation"] = Choice(["relu", "swish"])
    for g in range(1, max_groups + 1):
        present = {"groups": list(range(g, max_groups + 1))} if g > 1 else {}
        for part, spec in (("block", Choice(list(BLOCKS))), ("kernel", Choice([3, 5]))):
            space[f"g{g}_{part}"] = Conditional(spec, present) if present else spec
        space[f"g{g}_expansion"] = Conditional(Choice([2, 4]), {**present, f"g{g}_block": ["inverted"]})
    return space


def active_names(values, max_groups=MAX_GROUPS):
    """The names in ``values`` that shape the network (read from ``architecture_space``'s conditions):
    micro choices of absent groups, and expansions of non-inverted blocks, are dropped.

    >>> sorted(active_names({"groups": 1, "g1_block": "plain", "g1_expansion": 4, "g2_block": "residual"}))
    ['g1_block', 'groups']
    """
    space = architecture_space(max_groups)
    return {name for name in values if name in space and is_active(space[name], values)}


def parameter_count(builder, width, choices):
    """Parameters of the candidate ``builder(width=width, **choices)`` (built, not trained).

    >>> builder = functools.partial(searched_network, (8, 8, 1), 10)
    >>> parameter_count(builder, 4, {"groups": 1}) < parameter_count(builder, 8, {"groups": 1})
    True
    """
    bundle = builder(width=width, **choices)
    count = bundle.model.count_params()
    del bundle
    return count


def solve_width(builder, choices, budget, *, tolerance=0.2, max_width=128):
    """The width whose candidate comes closest to ``budget`` parameters, and its count.

    Parameters grow with the width, so a bisection over widths 1 to
    ``max_width`` in steps of a quarter finds the first width at or above
    the budget; that width or the one below, whichever is closer, is
    returned. Returns ``(None, count)`` when
    even the best width misses the budget by more than ``tolerance`` (a
    fraction): such a candidate is outside the band and must not be trained.

    >>> builder = functools.partial(searched_network, (8, 8, 1), 10)
    >>> width, count = solve_width(builder, {"groups": 1}, 1000, max_width=8)
    >>> width, abs(count / 1000 - 1) <= 0.2
    (6.75, True)
    """
    lo, hi = 4, 4 * max_width  # quarters of a channel
    counts = {}

    def count(q):
        if q not in counts:
            counts[q] = parameter_count(builder, q / 4, choices)
        return counts[q]

    while lo < hi:
        mid = (lo + hi) // 2
        if count(mid) < budget:
            lo = mid + 1
        else:
            hi = mid
    best = min({max(lo - 1, 4), lo}, key=lambda q: abs(count(q) - budget))
    if abs(count(best) / budget - 1) > tolerance:
        return None, count(best)
    return best / 4, count(best)


class ArchitectureHyperModel(BundleHyperModel):
    """A KerasTuner ``HyperModel`` over macro and micro choices, every candidate at one parameter budget.

    Diagram A13 on the guided search (A8). Pass it to
    ``tuning.guided_search`` like any ``BundleHyperModel``; its trials are
    ``searched_network`` bundles whose width is solved so that they have
    ``budget`` parameters within ``tolerance``.

    >>> hypermodel = ArchitectureHyperModel(input_shape=(8, 8, 1), num_classes=10)
    >>> hypermodel.budget  # the parameters of reference_network((8, 8, 1), 10)
    20146
    >>> hypermodel.declared_space()["g3_block"].when  # group 3's choices exist only with three groups
    (('groups', (3,)),)

    ```python
    from keras_recipes import datasets
    from keras_recipes.representation import ArchitectureHyperModel
    from keras_recipes.tuning import guided_search
    splits = datasets.load_digits(image_size=16)
    hypermodel = ArchitectureHyperModel(input_shape=(16, 16, 1), num_classes=10)
    result = guided_search(hypermodel, splits.train, validation_data=splits.validation,
                           epochs=3, trials=(8, 4), top_k=3, narrowing="hull", directory="/tmp/nas")
    print(result.table())
    ```

    Args:
        input_shape, num_classes: of every candidate.
        budget: parameter budget; default the count of ``reference()``.
        reference: the hand-designed zoo bundle the search is measured
            against (a callable ``(input_shape, num_classes) -> ModelBundle``);
            default ``reference_network`` (the zoo's ResNet, width 8, three
            groups of one block).
        tolerance: allowed relative distance from the budget, in [0, 1) (0.2).
        max_groups: 1-3 (3).
        train: the trainer (``tuning.compile_and_fit``); ``seed``: see
            ``BundleHyperModel`` (0).
    """

    def __init__(self, input_shape=(16, 16, 1), num_classes=10, *, budget=None, reference=None, tolerance=0.2,
                 max_groups=MAX_GROUPS, train=compile_and_fit, seed=0, name=None):
        max_groups = require_positive_int("max_groups", max_groups)
        if max_groups > MAX_GROUPS:
            raise ValueError(f"max_groups must be at most {MAX_GROUPS}; received: max_groups={max_groups}")
        self.tolerance = require_rate("tolerance", tolerance)
        self.reference = reference or reference_network
        if not callable(self.reference):
            raise TypeError(f"reference must be a callable (input_shape, num_classes) -> ModelBundle; "
                            f"received: reference={reference!r}")
        if budget is None:
            budget = self.reference(input_shape, num_classes).model.count_params()
            keras.backend.clear_session()
        self.budget = require_positive_int("budget", budget)
        builder = functools.partial(searched_network, input_shape, num_classes)
        super().__init__(builder, architecture_space(max_groups), train=train, seed=seed, name=name)
        self.input_shape, self.num_classes = input_shape, num_classes

    def check_keys(self, space):
        allowed = set(architecture_space(MAX_GROUPS)) | (self.train_keys or set())
        unknown = sorted(set(space) - allowed)
        if unknown:
            raise ValueError(f"space keys {unknown} are neither architecture choices nor trainer arguments")

    def build(self, hp):
        choices = self.values(hp)  # the active choices only (the others are conditional and off)
        arch, _ = self.split(choices)
        width, count = solve_width(self.builder, arch, self.budget, tolerance=self.tolerance)
        keras.backend.clear_session()
        if width is None:
            raise keras_tuner.errors.FailedTrialError(
                f"candidate {arch} has {count} parameters at its best width, outside "
                f"{self.budget} +- {self.tolerance:.0%}: rejected before training")
        if self.seed is not None:
            keras.utils.set_random_seed(self.seed)
        return fast_batchnorm(self.builder(width=width, **arch).model)


def reference_network(input_shape, num_classes):
    """The hand-designed zoo reference: ``zoo.resnet`` with width 8 and three groups of one block.

    >>> reference_network((8, 8, 1), 10).bottleneck_shape
    (32,)
    """
    return resnet(input_shape=input_shape, num_classes=num_classes, width=8, depth=(1, 1, 1))



@dataclass(frozen=True)
class ArchitectureSearchResult:
    """What ``architecture_search`` returns: the best candidate against the hand-designed reference.

    Attributes:
        best_choices: the best trial's active macro and micro choices.
        best_width: its solved width. best_params / reference_params: parameter counts.
        best_accuracy / reference_accuracy: test accuracy, each trained the same way.
        budget, tolerance: the size band every candidate was held to.
        search: the ``tuning.GuidedSearchResult`` (all trials, every round's space).

    >>> result = ArchitectureSearchResult({"groups": 2}, 6.5, 5100, 0.93, 5200, 0.91, 5200, 0.2, search=None)
    >>> round(result.gain, 3)
    0.02
    """

    best_choices: dict
    best_width: float
    best_params: int
    best_accuracy: float
    reference_params: int
    reference_accuracy: float
    budget: int
    tolerance: float
    search: object = field(repr=False)

    @property
    def gain(self):
        """Best searched test accuracy minus the reference's."""
        return self.best_accuracy - self.reference_accuracy

    def table(self):
        """The best candidate and the reference side by side, then the best's choices."""
        lines = [f"budget {self.budget} parameters +- {self.tolerance:.0%}",
                 f"{'network':<22} {'parameters':>10} {'test accuracy':>13}",
                 f"{'zoo reference':<22} {self.reference_params:>10} {self.reference_accuracy:>13.3f}",
                 f"{'best searched':<22} {self.best_params:>10} {self.best_accuracy:>13.3f}",
                 f"best choices (width {self.best_width}): "
                 + ", ".join(f"{k}={v}" for k, v in sorted(self.best_choices.items()))]
        return "\n".join(lines)

    def plot(self, path=None):
        """Every trial's validation score by round (the guided search's plot); a ``Figure``."""
        return self.search.plot(path)


def architecture_search(splits, *, trials=(6, 4), epochs=3, top_k=2, learning_rate=3e-3, reference=None,
                        tolerance=0.2, max_groups=MAX_GROUPS, directory="architecture_search", overwrite=True,
                        seed=0, verbose=0):
    """Search macro and micro choices at the reference's size; compare the best with the reference on test.

    Diagram A13 on ``tuning.guided_search``: round 0 samples the space at
    random, later rounds search the space narrowed around the top ``top_k``
    trials (the conditional micro choices included, each from the top
    trials that used it). The narrowing is the hull (``narrowing="hull"``):
    every architecture choice is categorical, so the beam would fix each
    neighbourhood to one trial's whole architecture and re-train it, while
    the hull keeps the choices any top trial made. Selection uses the
    validation split; the test split is used once, for the best candidate
    and for the reference, each trained ``epochs`` epochs with the same
    trainer and seed, and BatchNorm momentum 0.9 in both (Keras's 0.99
    leaves the moving statistics behind over so few steps, which would
    favour candidates without BatchNorm).

    Args:
        splits: a ``Splits`` (e.g. ``load_digits(image_size=16)``).
        trials: trials per round, (6, 4). epochs: training epochs per trial (3).
        top_k: trials a narrowed round is built around (2).
        learning_rate: Adam rate of every trial and of the reference (3e-3).
        reference: ``(input_shape, num_classes) -> ModelBundle``; default
            ``reference_network``. Its parameter count is the budget.
        tolerance: relative size band, in [0, 1) (0.2).
        max_groups: 1-3 (3).
        directory: where the search project lives (``overwrite=True``: a
            fresh search each call).
        seed: oracle and weight seed (0). verbose: 0 or 1.
    Returns:
        an ``ArchitectureSearchResult``.

    The smallest call still trains several candidates (tens of seconds):

    >>> from keras_recipes.datasets import load_digits
    >>> result = architecture_search(load_digits(image_size=8), trials=(2, 1), epochs=1, top_k=1,
    ...                              max_groups=2, directory="/tmp/nas_example")  # doctest: +SKIP
    >>> print(result.table())  # doctest: +SKIP
    """
    from keras_recipes.tuning import guided_search

    if not hasattr(splits, "arrays"):
        raise TypeError(f"splits must be a Splits (load_digits / load_mnist); received: {type(splits).__name__}")
    require_positive_int("epochs", epochs)
    hypermodel = ArchitectureHyperModel(splits.input_shape, splits.num_classes, reference=reference,
                                        tolerance=tolerance, max_groups=max_groups, seed=seed,
                                        train=functools.partial(compile_and_fit, learning_rate=learning_rate))
    result = guided_search(hypermodel, splits.train, validation_data=splits.validation, epochs=epochs,
                           trials=trials, top_k=top_k, narrowing="hull", directory=directory,
                           project_name="macro_micro",
                           overwrite=overwrite, seed=seed, verbose=verbose)
    choices = {k: v for k, v in result.best_hyperparameters.items() if k in hypermodel.space}
    best_width, best_params = solve_width(hypermodel.builder, choices, hypermodel.budget, tolerance=tolerance)
    best = result.best_model
    best.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    best_accuracy = best.evaluate(splits.test, verbose=0, return_dict=True)["accuracy"]
    keras.utils.set_random_seed(seed)
    bundle = hypermodel.reference(splits.input_shape, splits.num_classes)
    fast_batchnorm(bundle.model)  # as every candidate: Keras's 0.99 lags over a few hundred steps
    compile_and_fit(bundle, splits.train, validation_data=splits.validation, epochs=epochs,
                    learning_rate=learning_rate, verbose=0)
    reference_accuracy = bundle.model.evaluate(splits.test, verbose=0, return_dict=True)["accuracy"]
    return ArchitectureSearchResult(
        best_choices=choices, best_width=best_width, best_params=int(best.count_params()),
        best_accuracy=float(best_accuracy), reference_params=int(bundle.model.count_params()),
        reference_accuracy=float(reference_accuracy), budget=hypermodel.budget, tolerance=tolerance, search=result)

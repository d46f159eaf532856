"""Checks for notebook 06 (seed 002's transfer decision table)."""

from keras_recipes.labs.core import CheckFailed, expect, passed, require_answer

STRATEGIES = ("linear classifier on top", "fine-tune a few layers",
              "fine-tune a larger number of layers", "linear classifiers from different stages")
_TABLE = {("little", "similar"): STRATEGIES[0], ("much", "similar"): STRATEGIES[1],
          ("little", "different"): STRATEGIES[3], ("much", "different"): STRATEGIES[2]}


def _strategy(value, name):
    require_answer(value, name, f"pick one of {list(STRATEGIES)}")
    expect(value in STRATEGIES, f"{name} = {value!r} is not one of the table's strategies.",
           f"copy one of {list(STRATEGIES)} exactly")


def check_cell(value, *, data, similarity, name="strategy"):
    """The strategy the lecture's table gives for ``data`` ("little"/"much") x ``similarity``.

    >>> check_cell("linear classifier on top", data="little", similarity="similar")
    Correct: little, similar data -> linear classifier on top
    """
    _strategy(value, name)
    expect(value == _TABLE[(data, similarity)],
           f"{name} = {value!r} is not what the table recommends for {data} {similarity} data.",
           "with few labels, train as few weights as possible; the more different the data, "
           "the less the top layers' features fit")
    passed(f"{data}, {similarity} data -> {value}")


def check_best_stage(value, result, name="best_stage"):
    """``value`` must be the stage whose probe scored highest in ``result`` (a ``ProbeResult``).

    >>> from keras_recipes.probes import ProbeResult
    >>> r = ProbeResult(("a", "b"), (0.5, 0.7), (0.6, 0.8), (4, 8), 0.25)
    >>> check_best_stage("b", r)
    Correct: stage 'b' has the best held-out probe accuracy (0.700)
    """
    require_answer(value, name, "read the held-out column of the probe table")
    expect(value in result.stages, f"{name} = {value!r} is not a probed stage.",
           f"pick one of {list(result.stages)}")
    best = max(result.accuracy)
    got = result.accuracy[result.stages.index(value)]
    expect(got == best, f"{name} = {value!r} scores {got:.3f}, not the highest.",
           "compare the held-out column, not the train column")
    passed(f"stage {value!r} has the best held-out probe accuracy ({got:.3f})")


__all__ = ["CheckFailed", "STRATEGIES", "check_best_stage", "check_cell"]

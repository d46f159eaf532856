"""Checks for notebook 41 (pretext tasks A7, probing an embedding, macro/micro architecture search A13)."""

import numpy as np

from keras_recipes.labs.core import check_number, expect, passed, require_answer
from keras_recipes.labs.data_centric import _flow


def picture_pretext():
    """A7 (pretext task -> transfer), probing and A13 as three small flows (a ``Figure``)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 4.2), layout="constrained")
    ax = fig.subplots()
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    _flow(ax, ["unlabelled digits", "pretext task\n(rotation, patch position,\ninpainting, SimCLR)",
               "encoder learns\nan embedding", "5% labels:\nlinear probe / fine-tune", "vs random init"], 0.88)
    _flow(ax, ["frozen encoder", "stage activations", "linear probe per\nstage and factor",
               "label? rotation?\naugmentation?", "table per stage"], 0.5)
    _flow(ax, ["macro: groups, blocks,\nwidths, downsampling", "micro: block kind,\nkernel, norm, activation",
               "width solved from\nthe parameter budget", "guided search\n(random, then narrowed)",
               "best vs zoo default\nat the same size"], 0.12)
    ax.text(0.0, 0.98, "A7", fontsize=9, weight="bold")
    ax.text(0.0, 0.60, "probing", fontsize=9, weight="bold")
    ax.text(0.0, 0.23, "A13", fontsize=9, weight="bold")
    return fig


def check_position_label(value):
    """Exercise 41.1: the context-prediction label of a patch directly *below* the centre patch."""
    __tracebackhide__ = True
    from keras_recipes.representation.pretext_patches import NEIGHBOURS

    check_number(value, expected=NEIGHBOURS.index((1, 0)), tolerance=0, name="below_label",
                 hint="NEIGHBOURS lists (row, column) offsets from the centre cell; rows grow downwards")


def check_nt_xent(value, first, second, temperature):
    """Exercise 41.2: the NT-Xent loss of two views, computed by hand with numpy."""
    __tracebackhide__ = True
    from keras_recipes.representation.pretext_contrastive import nt_xent_loss

    expected = float(nt_xent_loss(np.asarray(first, "float32"), np.asarray(second, "float32"), temperature))
    check_number(value, expected=expected, tolerance=1e-3, name="nt_xent_value",
                 hint="normalise each row, take all 2N x 2N cosine similarities / temperature, drop each "
                      "row's self-similarity, and average -log softmax at the row's partner view")


def check_rotation_stage(stage, result):
    """Exercise 41.3: the stage whose linear probe reads the rotation best."""
    __tracebackhide__ = True
    hint = "result.accuracy['rotation'] has one accuracy per entry of result.stages; take the arg-max"
    require_answer(stage, "rotation_stage", hint)
    expect(stage in result.stages, f"rotation_stage = {stage!r} is not one of {list(result.stages)}.", hint)
    accuracy = dict(zip(result.stages, result.accuracy["rotation"]))
    expect(accuracy[stage] == max(accuracy.values()), f"{stage!r} is not where rotation is read best.", hint)
    passed(f"rotation_stage = {stage!r} (probe accuracy {accuracy[stage]:.3f})")


def check_band(low, high, budget, tolerance):
    """Exercise 41.4: the parameter counts a candidate may have: budget x (1 -+ tolerance)."""
    __tracebackhide__ = True
    hint = "the band is budget * (1 - tolerance) to budget * (1 + tolerance)"
    require_answer(low, "band_low", hint)
    require_answer(high, "band_high", hint)
    expect(abs(low - budget * (1 - tolerance)) <= 1 and abs(high - budget * (1 + tolerance)) <= 1,
           f"({low}, {high}) is not the +-{tolerance:.0%} band around {budget}.", hint)
    passed(f"candidates must have between {low:.0f} and {high:.0f} parameters")

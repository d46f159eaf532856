"""Checks for notebook 61 (optimisers, LARS, Polyak averaging, the seven-step recipe)."""

import numpy as np

from keras_recipes.labs.core import check_number, expect, passed, require_answer


def picture_seven_steps():
    """Seed 002's seven-step recipe as a flow, step 7 looping back to step 5 (a ``Figure``)."""
    from matplotlib.figure import Figure

    steps = ["1 initial loss\n~ log C", "2 overfit a\nsmall sample", "3 rates that make\nthe loss drop",
             "4 coarse grid\n1-5 epochs", "5 refine,\ntrain longer", "6 read the\nlearning curves",
             "7 loop"]
    fig = Figure(figsize=(10, 2.2), layout="constrained")
    ax = fig.subplots()
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    xs = np.linspace(0.07, 0.93, len(steps))
    for i, (x, text) in enumerate(zip(xs, steps)):
        ax.text(x, 0.65, text, ha="center", va="center", fontsize=8,
                bbox={"boxstyle": "round,pad=0.4", "facecolor": f"C{i}", "alpha": 0.25})
        if i:
            ax.annotate("", (x - 0.055, 0.65), (xs[i - 1] + 0.055, 0.65), arrowprops={"arrowstyle": "->"})
    ax.annotate("", (xs[4], 0.42), (xs[6], 0.42),
                arrowprops={"arrowstyle": "->", "connectionstyle": "arc3,rad=-0.4", "linestyle": "--"})
    ax.text(0.5, 0.08, "steps 1-3: keras_recipes.trials   |   4-7: keras_recipes.tuning.seven_step_recipe",
            ha="center", fontsize=8, style="italic")
    ax.set_title("Training Neural Networks II: the seven-step hyperparameter recipe")
    return fig


def check_trust_ratio(value, *, w_norm, g_norm, eta, weight_decay):
    """Exercise 61.1: LARS's trust ratio ``eta * ||w|| / (||g|| + weight_decay * ||w||)``."""
    __tracebackhide__ = True
    expected = eta * w_norm / (g_norm + weight_decay * w_norm)
    check_number(value, expected=expected, tolerance=1e-3 * expected, name="trust_ratio",
                 hint="the weight decay term multiplies ||w|| and sits in the denominator with ||g||")


def check_polyak_momentum(value, *, total_steps):
    """Exercise 61.2: the EMA momentum whose window (1 / (1 - m) steps) is a tenth of the run."""
    __tracebackhide__ = True
    check_number(value, expected=1 - 1 / (0.1 * total_steps), tolerance=1e-3, name="ema_momentum",
                 hint="an EMA with momentum m averages over about 1 / (1 - m) steps; solve for m")


def check_verdict(verdict, curves):
    """Exercise 61.3: the diagnosis of a pair of learning curves (one of ``tuning.curves.ADVICE``)."""
    __tracebackhide__ = True
    from keras_recipes.tuning.curves import ADVICE, read_curves

    hint = ("compare where the validation loss is lowest with the last epoch; "
            f"answer one of {sorted(ADVICE)}")
    require_answer(verdict, "verdict", hint)
    expect(verdict in ADVICE, f"verdict = {verdict!r} is not one of {sorted(ADVICE)}.", hint)
    expect(verdict == read_curves(curves).verdict, f"these curves do not read as {verdict!r}.", hint)
    passed(f"{verdict}: {ADVICE[verdict]}")


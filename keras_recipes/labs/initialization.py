"""Checks for notebook 05, Weight Initialization (Lottery) and Weight Initialization (Warmup)."""

import numpy as np

from keras_recipes.labs.core import CheckFailed, check_number, expect, passed, require_answer


def check_lottery_steps(value, draws, steps):
    """Exercise 1: optimizer steps the lottery spends before the real training starts."""
    __tracebackhide__ = True
    check_number(value, expected=draws * steps, tolerance=0, name="lottery_steps",
                 hint="every draw is pre-trained on its own for the same number of steps")


def check_winning_draw(draw, lottery):
    """Exercise 2: the winning ticket is the kept draw with the lowest training loss."""
    __tracebackhide__ = True
    hint = "the lowest training loss after pre-training wins; dropped (NaN) draws never do"
    require_answer(draw, "winning_draw", hint)
    rows = {d["draw"]: d for d in lottery.draws}
    expect(draw in rows, f"winning_draw = {draw!r} is not a draw of the table.", "use the draw column")
    expect(rows[draw]["status"] == "kept", f"draw {draw} was dropped (its loss is NaN).", hint)
    best = min((d for d in lottery.draws if d["status"] == "kept"), key=lambda d: d["loss"])
    expect(rows[draw]["loss"] == best["loss"], f"draw {draw} ended at loss {rows[draw]['loss']:.5g}; "
           "another draw ended lower.", hint)
    passed(f"draw {draw} (seed {rows[draw]['seed']}) is the winning ticket")


def check_warmup_rates(rates, target, warmup_epochs):
    """Exercise 3: the per-epoch learning rates of a ``warmup_epochs`` linear warmup to ``target``."""
    __tracebackhide__ = True
    hint = "the rate climbs in equal steps and reaches the target in the last warmup epoch"
    require_answer(rates, "warmup_rates", hint)
    try:
        got = np.asarray(rates, dtype="float64").ravel()
    except (TypeError, ValueError):
        raise CheckFailed(f"warmup_rates must be a list of numbers; received {rates!r}. Hint: {hint}") from None
    want = target * np.arange(1, warmup_epochs + 1) / warmup_epochs
    expect(got.size == want.size, f"warmup_rates has {got.size} entries; the warmup lasts "
           f"{warmup_epochs} epochs.", "one rate per warmup epoch")
    expect(abs(got[-1] - target) < 1e-9 + 1e-6 * target, f"the last warmup rate is {got[-1]:g}.", hint)
    expect(got[0] > 0, "the first epoch's rate is 0: the first epoch would not train at all.", hint)
    expect(np.allclose(got, want), "the rates do not climb in equal steps.", hint)
    passed(f"warmup rates {', '.join(f'{r:g}' for r in got)}")

"""Schedules compute the formulas their docstrings state (issue 13)."""

import math

import keras
import pytest

from keras_recipes.schedules import InverseSqrtDecay, Warmup, cosine_restarts


def test_cosine_restarts_follows_its_docstring_formula_and_keras():
    a0, period, mult, decay, final = 0.1, 50, 1.5, 0.5, 0.01
    lr = cosine_restarts(a0, period, period_multiplier=mult, peak_decay=decay,
                         final_learning_rate=final)
    keras_lr = keras.optimizers.schedules.CosineDecayRestarts(a0, period, t_mul=mult,
                                                              m_mul=decay, alpha=final / a0)
    starts, length = [0], period
    for _ in range(3):
        starts.append(starts[-1] + length)
        length *= mult
    for step in (0, 10, 49, 50, 80, 124, 125, 200):
        i = max(k for k, s in enumerate(starts) if s <= step)
        t, cycle = step - starts[i], period * mult**i
        expected = final + decay**i * (a0 - final) * 0.5 * (1 + math.cos(math.pi * t / cycle))
        assert float(lr(step)) == pytest.approx(expected, rel=1e-4), step
        assert float(lr(step)) == pytest.approx(float(keras_lr(step)), rel=1e-6), step
    assert float(lr(50)) == pytest.approx(0.055, rel=1e-5)   # not 0.05 as once promised


@pytest.mark.parametrize("warmup", [10, 100])
def test_warmup_continue_with_inverse_sqrt_is_the_transformer_schedule(warmup):
    peak = 0.1
    lr = Warmup(InverseSqrtDecay(peak, hold_steps=warmup), warmup, clock="continue")
    for step in (1, warmup // 2, warmup, 2 * warmup, 7 * warmup):
        expected = peak * min(math.sqrt(warmup / step), step / warmup)
        assert float(lr(step)) == pytest.approx(expected, rel=1e-5), step


def test_warmup_restart_keeps_the_cycles_of_sgdr_and_the_choice_round_trips():
    inner = keras.optimizers.schedules.CosineDecayRestarts(0.1, first_decay_steps=20, t_mul=1.0)
    lr = Warmup(inner, 5)
    for step in (5, 15, 25, 45):
        assert float(lr(step)) == pytest.approx(float(inner(step - 5)), rel=1e-6)
    again = Warmup.from_config(Warmup(inner, 5, clock="continue").get_config())
    assert again.clock == "continue"
    assert float(again(15)) == pytest.approx(float(inner(15)), rel=1e-6)
    with pytest.raises(ValueError, match="clock"):
        Warmup(inner, 5, clock="later")

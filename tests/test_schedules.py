"""Schedules: values against their closed forms, warmup continuity, Keras agreement."""

import math

import keras
import numpy as np
import pytest

from keras_recipes import schedules

STEPS = [0, 1, 7, 50, 99, 100, 101, 250, 999, 1000, 1500]


def values(schedule, steps=STEPS):
    return np.array([float(schedule(s)) for s in steps])


def test_cosine_matches_lecture_formula():
    a0, T = 0.1, 1000
    expected = [0.5 * a0 * (1 + math.cos(min(t, T) * math.pi / T)) for t in STEPS]
    np.testing.assert_allclose(values(schedules.cosine_decay(a0, T)), expected, rtol=1e-5, atol=1e-8)


def test_cosine_final_rate_is_the_floor():
    a0, f, T = 0.1, 0.01, 200
    expected = [f + 0.5 * (a0 - f) * (1 + math.cos(min(t, T) * math.pi / T)) for t in STEPS]
    got = values(schedules.cosine_decay(a0, T, final_learning_rate=f))
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_linear_matches_lecture_formula():
    a0, T = 0.1, 1000
    expected = [a0 * (1 - min(t, T) / T) for t in STEPS]
    np.testing.assert_allclose(values(schedules.linear_decay(a0, T)), expected, rtol=1e-5, atol=1e-8)


def test_step_decay_drops_by_factor_every_step_size():
    expected = [0.1 * 0.5 ** math.floor(t / 100) for t in STEPS]
    got = values(schedules.step_decay(0.1, 100, factor=0.5))
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_inverse_sqrt_matches_lecture_formula():
    got = values(schedules.InverseSqrtDecay(0.1), STEPS[1:])
    np.testing.assert_allclose(got, [0.1 / math.sqrt(t) for t in STEPS[1:]], rtol=1e-5)
    assert float(schedules.InverseSqrtDecay(0.1)(0)) == pytest.approx(0.1)
    held = values(schedules.InverseSqrtDecay(0.1, hold_steps=100))
    np.testing.assert_allclose(held, [0.1 * math.sqrt(100 / max(t, 100)) for t in STEPS], rtol=1e-5)


def test_constant_is_constant():
    np.testing.assert_allclose(values(schedules.Constant(3e-4)), 3e-4, rtol=1e-6)


def test_cosine_restarts_period_multiplier_and_peak_decay():
    a0, P = 0.1, 100
    sched = schedules.cosine_restarts(a0, P, period_multiplier=2.0, peak_decay=0.5)

    def closed_form(t):
        start, length, peak = 0, P, a0
        while t >= start + length:
            start, length, peak = start + length, length * 2, peak * 0.5
        return 0.5 * peak * (1 + math.cos(math.pi * (t - start) / length))

    steps = [0, 50, 99, 100, 150, 299, 300, 400, 700]
    np.testing.assert_allclose(values(sched, steps), [closed_form(t) for t in steps], rtol=1e-4, atol=1e-7)
    # restarts: at 100 the rate jumps back to half the first peak
    assert float(sched(100)) == pytest.approx(0.05, rel=1e-5)


@pytest.mark.parametrize("anneal", ["cosine", "linear"])
def test_one_cycle_matches_closed_form(anneal):
    peak, T = 0.1, 1000
    sched = schedules.OneCycle(peak, T, warmup_fraction=0.25, div_factor=10.0, final_div_factor=100.0, anneal=anneal)
    start, end, up = peak / 10, peak / 1000, 250

    def ann(a, b, p):
        return a + (b - a) * p if anneal == "linear" else b + (a - b) * 0.5 * (1 + math.cos(math.pi * p))

    def closed_form(t):
        t = min(t, T)
        return ann(start, peak, t / up) if t < up else ann(peak, end, (t - up) / (T - up))

    np.testing.assert_allclose(values(sched), [closed_form(t) for t in STEPS], rtol=1e-5, atol=1e-8)
    assert float(sched(0)) == pytest.approx(start) and float(sched(up)) == pytest.approx(peak)
    assert float(sched(T)) == pytest.approx(end, rel=1e-4)


@pytest.mark.parametrize("mode", ["triangular", "triangular2"])
def test_triangular_cyclical_matches_smith(mode):
    base, top, s = 0.001, 0.006, 100
    sched = schedules.TriangularCyclical(base, top, s, mode=mode)

    def closed_form(t):
        cycle = math.floor(1 + t / (2 * s))
        x = abs(t / s - 2 * cycle + 1)
        scale = 1.0 if mode == "triangular" else 1 / 2 ** (cycle - 1)
        return base + (top - base) * max(0.0, 1 - x) * scale

    steps = STEPS + [200, 300, 350, 400]
    np.testing.assert_allclose(values(sched, steps), [closed_form(t) for t in steps], rtol=1e-5)
    assert float(sched(100)) == pytest.approx(top) and float(sched(200)) == pytest.approx(base)


def test_warmup_linear_ramp_then_inner_schedule_shifted():
    inner = schedules.InverseSqrtDecay(0.1)
    sched = schedules.Warmup(inner, 100, initial_learning_rate=0.01)
    for t in [0, 10, 50, 99]:
        assert float(sched(t)) == pytest.approx(0.01 + (0.1 - 0.01) * t / 100, rel=1e-5)
    for t in [100, 101, 150, 1000]:
        assert float(sched(t)) == pytest.approx(float(inner(t - 100)), rel=1e-6)


def test_warmup_exponential_ramp():
    sched = schedules.Warmup(0.1, 10, initial_learning_rate=1e-4, mode="exponential")
    for t in [0, 3, 9, 10, 20]:
        assert float(sched(t)) == pytest.approx(1e-4 * 1000 ** (min(t, 10) / 10), rel=1e-4)


@pytest.mark.parametrize("mode", ["linear", "exponential"])
def test_warmup_is_continuous_at_the_boundary(mode):
    inner = schedules.cosine_restarts(0.1, 50)
    sched = schedules.Warmup(inner, 100, initial_learning_rate=1e-3, mode=mode)
    just_before = float(sched(99.999))
    at = float(sched(100))
    assert at == pytest.approx(0.1, rel=1e-5)
    assert just_before == pytest.approx(at, rel=1e-3)


def test_cosine_decay_with_warmup_steps_ramps_then_follows_the_cosine():
    lr, decay, warmup = 1e-3, 80, 20
    schedule = schedules.cosine_decay(lr, decay, warmup_steps=warmup)
    for step in (0, 5, 20, 40, 60, 99, 150):
        if step < warmup:
            expected = lr * step / warmup
        else:
            expected = 0.5 * lr * (1 + math.cos(math.pi * min(step - warmup, decay) / decay))
        assert float(schedule(step)) == pytest.approx(expected, rel=1e-5, abs=1e-9), step


def test_warmup_plus_cosine_agrees_with_keras_cosine_decay_warmup():
    ours = schedules.Warmup(schedules.cosine_decay(0.1, 900, final_learning_rate=0.001), 100, initial_learning_rate=0.0)
    keras_own = keras.optimizers.schedules.CosineDecay(0.0, 900, alpha=0.01, warmup_target=0.1, warmup_steps=100)
    steps = list(range(0, 1200, 7))
    np.testing.assert_allclose(values(ours, steps), values(keras_own, steps), rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: schedules.Warmup(0.1, 0), "warmup_steps"),
        (lambda: schedules.Warmup(0.1, 5, mode="cubic"), "mode"),
        (lambda: schedules.Warmup(0.1, 5, mode="exponential"), "initial_learning_rate"),
        (lambda: schedules.cosine_decay(0.1, 10, final_learning_rate=0.2), "final_learning_rate"),
        (lambda: schedules.cosine_decay(0.1, 10, warmup_steps=-1), "warmup_steps"),
        (lambda: schedules.OneCycle(0.1, 100, warmup_fraction=0), "warmup_fraction"),
        (lambda: schedules.TriangularCyclical(0.1, 0.01, 10), "max_learning_rate"),
        (lambda: schedules.InverseSqrtDecay(-1.0), "initial_learning_rate"),
        (lambda: schedules.Constant("fast"), "learning_rate"),
    ],
)
def test_bad_arguments_are_refused_by_name(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


def test_schedule_values_and_plot_schedule_match_scalar_calls():
    from keras_recipes.plots import plot_schedule

    keras_warmup = keras.optimizers.schedules.CosineDecay(0.0, 90, warmup_target=0.1, warmup_steps=10)
    table = schedules.schedule_values(keras_warmup, 100)  # ops.cond inside: still vectorised
    np.testing.assert_allclose(table[::9], [float(keras_warmup(s)) for s in range(0, 100, 9)], rtol=1e-6)
    named = {"cosine": schedules.cosine_decay(0.1, 100), "one-cycle": schedules.OneCycle(0.1, 100)}
    fig = plot_schedule(named, steps=100)
    drawn = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in drawn] == ["cosine", "one-cycle"]
    for ax, schedule in zip(drawn, named.values()):
        np.testing.assert_allclose(ax.lines[0].get_ydata(), schedules.schedule_values(schedule, 100))
    with pytest.raises(ValueError, match="steps"):
        plot_schedule(named, steps=0)

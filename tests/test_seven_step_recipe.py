"""Seed 002's seven-step recipe: step 3 as the slide states it, step 6's diagnoses, step 7's loop."""

import functools

import keras
import numpy as np
import pytest

from keras_recipes.datasets import load_digits
from keras_recipes.trials import candidate_rates
from keras_recipes.tuning import (
    Choice, Fixed, Float, adjust_space, coarse_space, read_curves, seven_step_recipe,
)
from keras_recipes.tuning.curves import CurveReading

EPOCHS = np.arange(1, 11)


@pytest.mark.parametrize("loss, val, verdict", [
    (2.0 * 0.8**EPOCHS, 2.1 * 0.82**EPOCHS, "still decreasing"),
    (2.0 * 0.7**EPOCHS, 0.5 + 0.02 * (EPOCHS - 4) ** 2, "overfitting"),
    (1.5 + 0.5 * np.exp(-EPOCHS), 1.6 + 0.5 * np.exp(-EPOCHS), "plateau"),
    (np.r_[2.0, 1.5, 3.0, 9.0, np.inf, np.inf, np.inf, np.inf, np.inf, np.inf], None, "rate too high"),
    (np.r_[2.3, 2.0, 2.6, 2.2, 2.5, 2.4, 2.7, 2.5, 2.6, 2.8], None, "rate too high"),
    (0.05 + 2.0 * np.exp(-2 * EPOCHS), 0.08 + 2.0 * np.exp(-2 * EPOCHS), "healthy"),
])
def test_step6_reads_each_shape_of_curve(loss, val, verdict):
    curves = {"loss": list(loss)} | ({"val_loss": list(val)} if val is not None else {})
    reading = read_curves(curves)
    assert reading.verdict == verdict, reading.table()
    assert reading.advice in reading.table()


def test_step6_refuses_empty_curves():
    with pytest.raises(ValueError, match="curves"):
        read_curves({"loss": []})


def test_step3_keeps_the_rates_that_make_the_loss_drop():
    data = load_digits(image_size=8)
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(keras.optimizers.SGD(), "sparse_categorical_crossentropy")
    before = [w.copy() for w in model.get_weights()]
    found = candidate_rates(model, data.train, rates=(1.0, 1e-1, 1e-5), iterations=40)
    assert found.kept[0] == 1.0 and 1e-5 not in found.kept
    assert found.drops[1.0] > found.drops[1e-1] > found.drops[1e-5]
    assert found.best_rate == 1.0 and "yes *" in found.table()
    for a, b in zip(before, model.get_weights()):        # the caller's model is untouched
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="iterations"):
        candidate_rates(model, data.train, iterations=5)


def test_step4_space_and_step7_adjustments():
    space = coarse_space((1e-2,), weight_decays=(0.0, 1e-4))
    assert space["learning_rate"].min_value == pytest.approx(1e-2 / 3)
    assert isinstance(space["weight_decay"], Choice)
    best = {"learning_rate": 0.01, "weight_decay": 1e-4}
    high = adjust_space(space, best, CurveReading("rate too high", "", {}))
    assert high["learning_rate"].max_value == pytest.approx(0.01 / 3)
    over = adjust_space(space, best, CurveReading("overfitting", "", {}))
    assert isinstance(over["weight_decay"], Float) and over["weight_decay"].min_value == pytest.approx(3e-4)
    longer = adjust_space(space, best, CurveReading("still decreasing", "", {}))
    assert isinstance(longer["weight_decay"], Fixed)
    assert longer["learning_rate"].min_value < 0.01 < longer["learning_rate"].max_value
    with pytest.raises(ValueError, match="rates"):
        coarse_space(())


def _mlp(width=32):
    return keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
                             keras.layers.Dense(width, activation="relu"),
                             keras.layers.Dense(10, activation="softmax")])


@pytest.mark.slow
def test_the_whole_recipe_in_one_call(tmp_path):
    data = load_digits(image_size=8, batch_size=64)  # trials train eagerly: half the steps of batch 32
    report = seven_step_recipe(functools.partial(_mlp, width=32), data, rates=(1e-1, 1e-2, 1e-5),
                               rate_iterations=30, coarse_trials=2, coarse_epochs=1, refine_trials=1,
                               refine_epochs=3, loops=1, directory=str(tmp_path))
    assert report.initial_loss.ok and report.rates.kept and 1e-5 not in report.rates.kept
    assert 1 <= len(report.refined) <= 2 and len(report.readings) == len(report.refined)
    lr = report.coarse.best_hyperparameters["learning_rate"]
    assert min(report.rates.kept) / 3 <= lr <= max(report.rates.kept) * 3
    assert report.test_accuracy > 0.8 and len(report.curves[0]["loss"]) == 3
    assert "6 curves" in report.table()
    assert len(report.plot().axes) == 2

"""LR finder: geometric sweep, divergence caught past the known stability limit, model untouched."""

import keras
import numpy as np
import pytest

from keras_recipes import datasets
from keras_recipes.trials.lr_finder import find_learning_rate


def test_sweep_is_geometric_and_suggestion_is_below_the_stability_limit():
    rng = np.random.default_rng(0)
    n = 64
    x = rng.normal(size=(n, 3)).astype("float32") * np.array([1.0, 2.0, 0.5], "float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]]) + 0.1 * rng.normal(size=(n, 1))).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    # full-batch gradient descent on MSE diverges exactly when lr > 2 / lambda_max(H),
    # H = 2/n [x 1]^T [x 1]
    xb = np.hstack([x, np.ones((n, 1), "float32")]).astype("float64")
    limit = 2.0 / np.linalg.eigvalsh(2.0 / n * xb.T @ xb).max()
    sweep = find_learning_rate(
        model, (x, y), min_learning_rate=1e-4, max_learning_rate=10.0, steps=100, batch_size=n, verbose=0
    )
    ratios = sweep.learning_rates[1:] / sweep.learning_rates[:-1]
    np.testing.assert_allclose(ratios, (1e5) ** (1 / 99), rtol=1e-9)
    assert sweep.learning_rates[0] == pytest.approx(1e-4)
    assert sweep.diverged and len(sweep.learning_rates) < 100
    assert sweep.learning_rates[-1] > limit  # it only blew up past the limit
    # (the minimum itself can sit a little past the limit: just above it, GD diverges
    # slowly along one direction while the loss still falls along the others)
    assert 1e-4 < sweep.steepest_learning_rate <= sweep.min_loss_learning_rate < sweep.learning_rates[-1]
    assert sweep.steepest_learning_rate < limit and sweep.suggested_learning_rate < limit
    assert sweep.suggested_learning_rate == pytest.approx(sweep.min_loss_learning_rate / 10)
    assert sweep.smoothed_losses.argmin() > 10  # the loss did fall before it rose


def test_model_weights_and_optimizer_state_are_bitwise_unchanged():
    splits = datasets.load_digits(batch_size=32)
    model = keras.Sequential(
        [
            keras.Input(splits.input_shape),
            keras.layers.Conv2D(4, 3, activation="relu"),
            keras.layers.BatchNormalization(),
            keras.layers.Flatten(),
            keras.layers.Dropout(0.2),
            keras.layers.Dense(splits.num_classes, activation="softmax"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    model.fit(splits.train.take(3), epochs=1, verbose=0, shuffle=False)
    weights = [w.copy() for w in model.get_weights()]
    opt_state = [np.array(keras.ops.convert_to_numpy(v)) for v in model.optimizer.variables]
    sweep = find_learning_rate(model, splits.train, steps=30, max_learning_rate=10.0, verbose=0)
    assert len(sweep.losses) >= 3
    after = model.get_weights()
    assert len(after) == len(weights)
    for a, b in zip(after, weights):
        np.testing.assert_array_equal(a, b)
    for var, before in zip(model.optimizer.variables, opt_state):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(var), before)
    assert float(model.optimizer.learning_rate) == pytest.approx(1e-3)
    fig = sweep.plot()
    assert fig.axes[0].get_xscale() == "log"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(min_learning_rate=1.0, max_learning_rate=0.1), "max_learning_rate"),
        (dict(steps=2), "steps"),
        (dict(divergence_factor=1.0), "divergence_factor"),
    ],
)
def test_bad_arguments(kwargs, message):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=message):
        find_learning_rate(model, (np.zeros((4, 2)), np.zeros(4)), verbose=0, **kwargs)


def test_uncompiled_model_is_refused():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="compiled"):
        find_learning_rate(model, (np.zeros((4, 2)), np.zeros(4)), verbose=0)


def test_reading_a_known_curve_gives_its_minimum_a_tenth_of_it_and_the_steepest_drop():
    from keras_recipes.trials.lr_finder import _read_sweep, sweep_rates

    rates = sweep_rates(1e-4, 1.0, 9)                     # one point per half decade
    np.testing.assert_allclose(rates, 10.0 ** np.arange(-4, 0.5, 0.5))
    smooth = np.array([2.0, 1.99, 1.9, 1.2, 1.0, 0.9, 1.5, np.inf, np.nan])
    sweep = _read_sweep(rates, smooth, smooth, True, 1e-4)
    assert sweep.min_loss_learning_rate == pytest.approx(rates[5])
    assert sweep.suggested_learning_rate == pytest.approx(rates[5] / 10)
    assert sweep.steepest_learning_rate == pytest.approx(rates[3])  # 1.9 -> 1.2 -> 1.0 falls fastest
    with pytest.raises(ValueError, match="lower min_learning_rate"):
        _read_sweep(rates[:3], smooth[:3], smooth[:3] * np.nan, True, 1e-4)

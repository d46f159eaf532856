"""Sanity checks of the tuning recipe (initial loss ~ log C, overfit a small sample)."""

import math
import warnings

import keras
import numpy as np
import pytest

from keras_recipes import datasets
from keras_recipes.trials.sanity import check_initial_loss, overfit_small_sample


def mlp(splits, kernel_initializer="glorot_uniform", learning_rate=1e-2):
    model = keras.Sequential(
        [
            keras.Input(splits.input_shape),
            keras.layers.Flatten(),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(splits.num_classes, activation="softmax", kernel_initializer=kernel_initializer),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy")
    return model


@pytest.fixture(scope="module")
def splits():
    return datasets.load_digits(batch_size=32)


def test_initial_loss_is_log_c_for_a_fresh_softmax(splits):
    model = mlp(splits, kernel_initializer=keras.initializers.RandomNormal(stddev=1e-3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the recipe's own warning must not fire ...
        # ... but Keras's PyTorch backend calls np.array on tensors (numpy 2 deprecation)
        warnings.filterwarnings("ignore", "__array__ implementation doesn't accept a copy", DeprecationWarning)
        result = check_initial_loss(model, splits.arrays["train"], batches=2, batch_size=50)
    assert result.num_classes == 10 and result.ok
    assert result.expected == pytest.approx(math.log(10))
    assert result.loss == pytest.approx(math.log(10), abs=0.01)
    # the figure is the mean cross-entropy of the same 100 examples, computed by hand
    x, y = splits.arrays["train"]
    order = np.random.default_rng(0).permutation(len(x))[:100]
    p = model.predict(x[order], verbose=0)
    assert result.loss == pytest.approx(-np.log(p[np.arange(100), y[order]]).mean(), rel=1e-4)


def test_initial_loss_far_from_log_c_warns(splits):
    model = mlp(splits, kernel_initializer=keras.initializers.RandomNormal(stddev=5.0))
    with pytest.warns(UserWarning, match=r"far from log\(C\)"):
        result = check_initial_loss(model, splits.train, batches=2)
    assert not result.ok and result.loss > 1.25 * math.log(10)


def test_overfit_small_sample_reaches_full_accuracy_and_leaves_model_alone(splits):
    model = mlp(splits)
    before = [w.copy() for w in model.get_weights()]
    result = overfit_small_sample(model, splits.train, batches=2, max_epochs=150, verbose=0)
    assert result.ok and result.accuracy >= 0.99
    assert result.samples == 64 and 1 <= result.epochs < 150
    for a, b in zip(model.get_weights(), before):
        np.testing.assert_array_equal(a, b)


def test_overfit_reports_failure_when_it_cannot_learn(splits):
    model = mlp(splits)
    result = overfit_small_sample(model, splits.train, batches=2, max_epochs=4, learning_rate=1e-9, verbose=0)
    assert not result.ok and result.epochs == 4 and result.accuracy < 0.5


def test_bad_arguments(splits):
    model = mlp(splits)
    with pytest.raises(ValueError, match="target_accuracy"):
        overfit_small_sample(model, splits.train, target_accuracy=1.5)
    with pytest.raises(ValueError, match="num_classes"):
        check_initial_loss(model, splits.train, num_classes=1)
    with pytest.raises(TypeError, match="data"):
        check_initial_loss(model, [1, 2, 3])

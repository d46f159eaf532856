"""A12 DVRL: the REINFORCE step's direction, the selector and the returned values."""

import numpy as np
import pytest

import keras

from keras_recipes.data_centric import dvrl
from keras_recipes.data_centric.data_valuation import _estimator, noise_detection_auc, reinforce_loss


def test_reinforce_loss_raises_the_probability_of_a_rewarded_selection_and_lowers_a_punished_one():
    rng = np.random.default_rng(0)
    selection = (rng.random(64) < 0.5).astype("float32")
    x = np.stack([selection, 1 - selection], axis=1)       # the estimator can tell the two groups apart
    for reward, sign in ((0.5, 1.0), (-0.5, -1.0)):
        estimator = _estimator(2, 8, 1e-2, seed=0)
        before = np.asarray(estimator(x))[:, 0]
        for _ in range(5):
            estimator.train_on_batch(x, np.stack([selection, np.full(64, reward, "float32")], axis=1))
        change = np.asarray(estimator(x))[:, 0] - before
        assert sign * change[selection == 1].mean() > 0 > sign * change[selection == 0].mean()


def test_reinforce_loss_is_reward_times_cross_entropy_plus_the_range_penalty():
    loss = reinforce_loss(threshold=0.9, epsilon=2.0)
    p = np.array([[0.5], [0.5]], "float32")
    y = np.array([[1.0, 0.3], [0.0, 0.3]], "float32")
    assert float(keras.ops.convert_to_numpy(loss(y, p))) == pytest.approx(0.3 * np.log(2), rel=1e-5)
    high = np.array([[0.99], [0.99]], "float32")                  # mean 0.99 > 0.9: penalised
    expected = 0.3 * (-(np.log(0.99) + np.log(0.01)) / 2) + 2.0 * (0.99 - 0.9)
    assert float(keras.ops.convert_to_numpy(loss(y, high))) == pytest.approx(expected, rel=1e-4)


def test_dvrl_returns_one_value_per_example_and_reports_on_known_noise():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(150, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("int64")
    noisy = np.zeros(100, bool)
    noisy[:30] = True
    y_train = np.where(noisy, 1 - y[:100], y[:100])
    result = dvrl((x[:100], y_train), (x[100:], y[100:]), iterations=4, batch_size=64, inner_steps=5,
                  noisy=noisy, verbose=0)
    assert result.values.shape == (100,) and ((0 < result.values) & (result.values < 1)).all()
    assert len(result.rewards) == len(result.performance) == 4
    assert len(result.lowest(0.2)) == 20 and result.values[result.lowest(0.2)].max() <= np.sort(result.values)[20]
    assert "noise-detection ROC AUC" in result.table()
    assert noise_detection_auc([0.9, 0.1], [False, True]) == 1.0


def test_dvrl_validates_its_arguments():
    x = np.zeros((10, 3), "float32")
    y = np.arange(10) % 2
    with pytest.raises(TypeError, match="train must be an"):
        dvrl(x, (x, y))
    with pytest.raises(ValueError, match="same features"):
        dvrl((x, y), (np.zeros((10, 4), "float32"), y))
    with pytest.raises(ValueError, match="metric must be one of"):
        dvrl((x, y), (x, y), metric="f1")
    with pytest.raises(ValueError, match="noisy must mark"):
        dvrl((x, y), (x, y), noisy=np.zeros(3, bool))

"""The epoch-wise warmup callback: the rates it sets, logs, refusals; the no-warmup epoch-wise decay via Keras."""

import csv
import math

import keras
import numpy as np
import pytest

from keras_recipes import schedules
from keras_recipes.callbacks import LearningRateWarmup


class RateProbe(keras.callbacks.Callback):
    """Records the optimizer's rate at the start of every batch (after the callback under test)."""

    def __init__(self):
        super().__init__()
        self.rates = []

    def on_train_batch_begin(self, batch, logs=None):
        self.rates.append(float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate)))


def tiny_model(learning_rate=0.5):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="mse")
    return model


def data(n=32):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, 4)).astype("float32"), rng.normal(size=(n, 1)).astype("float32")


def test_warmup_steps_up_each_epoch_as_the_diagram_then_cosine():
    x, y = data()
    target, W, E = 0.1, 4, 9
    probe = RateProbe()
    history = tiny_model().fit(
        x, y, batch_size=16, epochs=E, verbose=0, callbacks=[LearningRateWarmup(target, W), probe]
    )
    T = E - W + 1
    expected = [target * (e + 1) / W for e in range(W)]
    expected += [0.5 * target * (1 + math.cos(math.pi * (e - W + 1) / T)) for e in range(W, E)]
    np.testing.assert_allclose(history.history["learning_rate"], expected, rtol=1e-6)
    # the last warmup epoch trains at the target, and every batch of an epoch shares the rate
    assert history.history["learning_rate"][W - 1] == pytest.approx(target)
    np.testing.assert_allclose(probe.rates, np.repeat(expected, 2), rtol=1e-6)


def test_warmup_from_a_start_rate_and_hold_without_decay():
    x, y = data()
    history = tiny_model().fit(
        x, y, epochs=5, verbose=0,
        callbacks=[LearningRateWarmup(0.1, 2, start_learning_rate=0.02, decay=None)],
    )
    np.testing.assert_allclose(history.history["learning_rate"], [0.06, 0.1, 0.1, 0.1, 0.1], rtol=1e-6)


def test_warmup_per_batch_ramps_every_batch():
    x, y = data(32)
    probe = RateProbe()
    tiny_model().fit(
        x, y, batch_size=8, epochs=3, verbose=0,
        callbacks=[LearningRateWarmup(0.2, 1, per="batch", total_epochs=3), probe],
    )
    W, total = 4, 12
    expected = [0.2 * (u + 1) / W for u in range(W)]
    expected += [0.1 * (1 + math.cos(math.pi * (u - W + 1) / (total - W + 1))) for u in range(W, total)]
    np.testing.assert_allclose(probe.rates, expected, rtol=1e-5)


def test_learning_rate_reaches_csv_logs(tmp_path):
    x, y = data()
    path = tmp_path / "log.csv"
    tiny_model().fit(
        x, y, epochs=3, verbose=0,
        callbacks=[LearningRateWarmup(0.3, 3), keras.callbacks.CSVLogger(str(path))],
    )
    with open(path) as f:
        rows = list(csv.DictReader(f))
    np.testing.assert_allclose([float(r["learning_rate"]) for r in rows], [0.1, 0.2, 0.3], rtol=1e-6)


def test_epoch_wise_cosine_without_warmup_is_keras_scheduler_plus_cosine_decay():
    """The schedules docstring's "which one when" row for a per-epoch decay without warmup."""
    x, y = data()
    cosine = schedules.cosine_decay(0.2, 6, final_learning_rate=0.02)
    scheduler = keras.callbacks.LearningRateScheduler(lambda epoch: float(cosine(epoch)))
    history = tiny_model().fit(x, y, epochs=6, verbose=0, callbacks=[scheduler])
    expected = [0.02 + 0.5 * 0.18 * (1 + math.cos(math.pi * e / 6)) for e in range(6)]
    np.testing.assert_allclose(history.history["learning_rate"], expected, rtol=1e-5)


def test_refuses_an_optimizer_built_with_a_schedule():
    callback = LearningRateWarmup(0.1, 2)
    x, y = data()
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    schedule = keras.optimizers.schedules.CosineDecay(0.1, 100)
    model.compile(optimizer=keras.optimizers.SGD(schedule), loss="mse")
    with pytest.raises(TypeError, match="LearningRateSchedule"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[callback])
    assert model.optimizer.iterations.numpy() == 0


def test_warmup_needs_enough_epochs():
    x, y = data()
    with pytest.raises(ValueError, match="warmup_epochs=5"):
        tiny_model().fit(x, y, epochs=3, verbose=0, callbacks=[LearningRateWarmup(0.1, 5)])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(target_learning_rate=0.1, warmup_epochs=0), "warmup_epochs"),
        (dict(target_learning_rate=-0.1, warmup_epochs=2), "target_learning_rate"),
        (dict(target_learning_rate=0.1, warmup_epochs=2, start_learning_rate=0.2), "start_learning_rate"),
        (dict(target_learning_rate=0.1, warmup_epochs=2, per="step"), "per"),
        (dict(target_learning_rate=0.1, warmup_epochs=2, decay="linear"), "decay"),
        (dict(target_learning_rate=0.1, warmup_epochs=4, total_epochs=3), "total_epochs"),
        (dict(target_learning_rate=0.1, warmup_epochs=2, final_learning_rate=0.2), "final_learning_rate"),
    ],
)
def test_warmup_bad_arguments(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        LearningRateWarmup(**kwargs)


def test_plot_history_draws_the_logged_rate_on_the_loss_panel():
    from keras_recipes.plots import plot_history

    x, y = data()
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    history = model.fit(x, y, validation_data=(x, y), epochs=4, verbose=0,
                        callbacks=[LearningRateWarmup(0.1, 4, decay=None)])
    fig = plot_history(history)
    loss_ax, mae_ax, twin = fig.axes
    assert loss_ax.get_ylabel() == "loss" and mae_ax.get_ylabel() == "mae"
    np.testing.assert_allclose(twin.lines[0].get_ydata(), [0.025, 0.05, 0.075, 0.1], rtol=1e-6)
    assert twin.get_yscale() == "linear"  # 0.025..0.1 is less than a decade


"""Snapshot ensembles, prediction averaging, and the update/weight ratio monitor."""

import math

import keras
import numpy as np
import pytest

from keras_recipes.callbacks import SnapshotEnsemble, UpdateRatioMonitor, average_predictions


def classifier():
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(3, activation="softmax")]
    )
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    return model


def test_snapshot_ensemble_writes_exactly_m_loadable_snapshots(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4)).astype("float32")
    y = rng.integers(0, 3, size=32)
    model = classifier()
    snap = SnapshotEnsemble(tmp_path / "snaps", snapshots=3, initial_learning_rate=0.2)
    history = model.fit(x, y, batch_size=8, epochs=6, verbose=0, callbacks=[snap])
    files = sorted(p.name for p in (tmp_path / "snaps").iterdir())
    assert files == ["snapshot_1.keras", "snapshot_2.keras", "snapshot_3.keras"]
    assert [p.rsplit("/", 1)[-1] for p in snap.paths] == files
    loaded = [keras.saving.load_model(p) for p in snap.paths]
    # the last snapshot is the final model; the cyclic schedule restarted at each cycle
    np.testing.assert_array_equal(loaded[-1].predict(x, verbose=0), model.predict(x, verbose=0))
    C = 8  # 2 epochs x 4 batches per cycle; logged rate = last batch of each epoch
    expected = [0.1 * (1 + math.cos(math.pi * ((4 * e + 3) % C) / C)) for e in range(6)]
    np.testing.assert_allclose(history.history["learning_rate"], expected, rtol=1e-5)
    probs = average_predictions(snap.paths, x)
    members = np.stack([m.predict(x, verbose=0) for m in loaded])
    np.testing.assert_allclose(probs, members.mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(probs.sum(axis=-1), 1.0, rtol=1e-5)


def test_snapshot_epochs_must_divide_into_cycles(tmp_path):
    x = np.zeros((8, 4), "float32")
    with pytest.raises(ValueError, match="multiple of snapshots=3"):
        classifier().fit(x, np.zeros(8), epochs=4, verbose=0, callbacks=[SnapshotEnsemble(tmp_path, 3, 0.1)])


def test_average_predictions_from_logits_and_refusals():
    x = np.random.default_rng(1).normal(size=(5, 4)).astype("float32")
    logits = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    probs = average_predictions([logits, logits], x, from_logits=True)
    z = logits.predict(x, verbose=0)
    expected = np.exp(z) / np.exp(z).sum(-1, keepdims=True)
    np.testing.assert_allclose(probs, expected, rtol=1e-5)
    with pytest.raises(TypeError, match="models"):
        average_predictions([], x)
    with pytest.raises(TypeError, match="models"):
        average_predictions(logits, x)


def test_update_ratio_matches_hand_computation_on_one_layer():
    rng = np.random.default_rng(0)
    N, lr = 8, 0.05
    x = rng.normal(size=(N, 3)).astype("float32")
    t = rng.normal(size=(N, 2)).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, bias_initializer="ones", name="only")])
    model.compile(optimizer=keras.optimizers.SGD(lr), loss="mse")
    W0, b0 = (w.astype("float64") for w in model.get_weights())
    monitor = UpdateRatioMonitor(target=1e-3, tolerance=10.0)
    model.fit(x, t, batch_size=N, epochs=1, shuffle=False, verbose=0, callbacks=[monitor])
    # MSE = mean over batch and outputs of (xW + b - t)^2  ->  grad = 2/(N*2) * residual terms
    residual = x.astype("float64") @ W0 + b0 - t
    dW = -lr * 2.0 / (N * 2) * x.T.astype("float64") @ residual
    db = -lr * 2.0 / (N * 2) * residual.sum(axis=0)
    expected = math.sqrt((dW**2).sum() + (db**2).sum()) / math.sqrt((W0**2).sum() + (b0**2).sum())
    assert list(monitor.history) == ["only"]
    assert monitor.history["only"][0] == pytest.approx(expected, rel=1e-4)
    assert expected > 1e-2  # a big step: flagged as outside [1e-4, 1e-2]
    assert monitor.flagged == {"only": monitor.history["only"][0]}


def test_update_ratio_one_entry_per_epoch_and_no_flag_in_band():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 3)).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="d")])
    model.compile(optimizer=keras.optimizers.SGD(1e-12), loss="mse")
    monitor = UpdateRatioMonitor(target=1e-3, tolerance=1e12)
    model.fit(x, x[:, :2], batch_size=4, epochs=3, verbose=0, callbacks=[monitor])
    assert len(monitor.history["d"]) == 3 and monitor.flagged == {}
    with pytest.raises(ValueError, match="tolerance"):
        UpdateRatioMonitor(tolerance=0.5)

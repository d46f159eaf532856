"""The training toolbox (seeds 002/004): each comparison's mechanism, on tiny models and 8x8 digits."""

import keras
import numpy as np
import pytest

from keras_recipes.datasets import load_digits
from keras_recipes.initialization import activation_statistics
from keras_recipes.training import (
    compare_adversarial_training, compare_curriculum, compare_optimizers, compare_robust_regression,
    compare_weight_decay, decay_only_step, fit_with_early_stopping, measure_remat, pacing,
)
from keras_recipes.training.runs import _fresh_model


@pytest.fixture(scope="module")
def data():
    return load_digits(image_size=8)


def linear():
    return keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
                             keras.layers.Dense(10, activation="softmax")])


def test_optimizers_side_by_side_from_the_same_start(data):
    a, b = _fresh_model(linear, 3), _fresh_model(linear, 3)
    for u, v in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(u, v)
    result = compare_optimizers(linear, data, optimizers=["sgd", "adam", "lars"], epochs=2)
    assert list(result.curves) == ["sgd", "adam", "lars"]
    for name, curves in result.curves.items():
        assert curves["loss"][1] < curves["loss"][0], name
        assert result.val_accuracy[name] > 0.3, name          # chance is 0.1
    assert result.best in result.curves and "*" in result.table()
    assert len(result.plot().axes[0].lines) == 3
    with pytest.raises(ValueError, match="optimizers"):
        compare_optimizers(linear, data, optimizers=["sgdd"])


def test_l2_in_adam_is_not_decoupled_weight_decay(data):
    small = decay_only_step(weight_decay=1e-4, learning_rate=0.1)
    big = decay_only_step(weight_decay=1e-2, learning_rate=0.1)
    # Adam divides the penalty's gradient by its own scale: the step is ~lr whatever wd is
    assert small["L2 + Adam"] == pytest.approx(0.1, rel=5e-2)
    assert big["L2 + Adam"] == pytest.approx(0.1, rel=5e-2)
    # AdamW's shrink is lr * wd * w: proportional to wd (float32 steps near w = 1: 2% tolerance)
    assert big["AdamW"] == pytest.approx(100 * small["AdamW"], rel=2e-2)
    assert big["AdamW"] == pytest.approx(1e-3, rel=2e-2)
    result = compare_weight_decay(linear, data, strength=1e-2, learning_rate=1e-2, epochs=2)
    norms = {k: v["weight_norm"][-1] for k, v in result.curves.items()}
    assert norms["L2 + Adam"] < norms["none"] and norms["AdamW"] < norms["none"]


def test_huber_and_clipping_resist_outliers():
    result = compare_robust_regression(n=200, epochs=15)
    error = {k: abs(v - 2.0) + abs(result.intercepts[k] - 1.0) for k, v in result.slopes.items()}
    assert error["Huber"] < 0.5 * error["MSE"]
    # global_clipnorm=1 with lr 0.05 bounds every step by 0.05; unclipped MSE steps are bigger
    assert result.largest_step["MSE + clipnorm"] <= 0.05 + 1e-5 < result.largest_step["MSE"]
    assert "truth" in result.table()


def test_early_stopping_restores_the_best_snapshot(data):
    x, y = data.arrays["train"]
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(keras.optimizers.Adam(0.03), "sparse_categorical_crossentropy")
    result = fit_with_early_stopping(model, (x[:60], y[:60]), data.arrays["validation"],
                                     patience=2, max_epochs=12)
    assert result.restored_val_loss == pytest.approx(min(result.history["val_loss"]), rel=1e-4)
    assert result.best_epoch <= result.stopped_epoch
    if result.stopped_epoch < 12:
        assert result.stopped_epoch == result.best_epoch + 2


def test_adversarial_training_raises_accuracy_under_fgsm(data):
    result = compare_adversarial_training(linear, data, epochs=3, epsilon=0.1, learning_rate=1e-2)
    assert result.attacked["standard"] < result.clean["standard"] - 0.2    # the attack works
    assert result.robust_gain > 0.1                                        # and training on it helps
    assert "robust gain" in result.table()


def test_curriculum_orders_by_probe_loss_and_keeps_the_budget(data):
    assert [round(pacing(e, 4, 0.4), 2) for e in range(4)] == [0.4, 0.6, 0.8, 1.0]
    result = compare_curriculum(linear, data, epochs=2, start=0.5, learning_rate=1e-2)
    assert list(result.curves) == ["curriculum", "random", "anti-curriculum"]
    difficulty = result.notes["difficulty"]
    assert difficulty.shape == (len(data.arrays["train"][0]),) and np.all(difficulty >= 0)
    assert all(len(c["val_accuracy"]) == 2 for c in result.curves.values())
    assert result.val_accuracy["curriculum"] > 0.5


def test_remat_keeps_gradients_and_saves_memory_where_measurable():
    build = lambda: keras.Sequential([keras.Input((32,))] + [keras.layers.Dense(128, activation="gelu")  # noqa: E731
                                                              for _ in range(6)]
                                     + [keras.layers.Dense(4, activation="softmax")])
    x = np.random.default_rng(0).normal(size=(256, 32)).astype("float32")
    result = measure_remat(build, x, np.arange(256) % 4)
    assert result.max_gradient_gap < 1e-5
    if keras.backend.backend() == "jax":
        assert result.remat_bytes < 0.8 * result.plain_bytes and result.saved_fraction > 0.2
    else:
        assert result.plain_bytes is None and "read zero" in result.method


def test_glorot_shrinks_relu_activations_with_depth_he_does_not():
    stats = activation_statistics(depth=10, width=128, samples=256)
    glorot, he = stats.std[("glorot_normal", "relu")], stats.std[("he_normal", "relu")]
    assert glorot[-1] / glorot[0] < 0.15                 # ~ (1/sqrt 2)^9 = 0.044
    assert 0.5 < he[-1] / he[0] < 2.0                    # kept
    assert 0.05 < stats.std[("glorot_normal", "tanh")][-1] < 1.0
    assert len(stats.plot().axes) == 4 * 5


def test_lab62_checks_agree_with_keras_and_catch_the_usual_mistakes():
    """Lab 62's checks: early stopping simulated as Keras's EarlyStopping runs; wrong answers get a hint only."""
    from keras_recipes.labs import CheckFailed
    from keras_recipes.labs import robustness as checks

    val_loss = [1.9, 1.2, 0.9, 0.8, 0.82, 0.79, 0.85, 0.9, 0.95, 1.0, 1.1]
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=3)
    stop.set_model(linear())
    stop.model.stop_training = False   # what fit sets before the first epoch
    stop.on_train_begin()
    for epoch, loss in enumerate(val_loss):
        stop.on_epoch_end(epoch, {"val_loss": loss})
        if stop.model.stop_training:
            break
    kept, stopped = stop.best_epoch + 1, epoch + 1
    assert (kept, stopped) == (6, 9)
    checks.check_early_stop((kept, stopped), val_loss=val_loss, patience=3)
    for wrong in [(6, 10), (4, 9), (6, 6)]:
        with pytest.raises(CheckFailed, match="Hint"):
            checks.check_early_stop(wrong, val_loss=val_loss, patience=3)

    x, gradient = np.array([[0.0, 0.5, 0.95]]), np.array([[-0.2, 0.0, 0.3]])
    checks.check_fgsm_step(np.clip(x + 0.1 * np.sign(gradient), 0, 1), x=x, gradient=gradient, epsilon=0.1)
    with pytest.raises(CheckFailed, match=r"left \[0, 1\]"):
        checks.check_fgsm_step(x + 0.1 * np.sign(gradient), x=x, gradient=gradient, epsilon=0.1)
    with pytest.raises(CheckFailed, match="not the FGSM step") as caught:
        checks.check_fgsm_step(np.clip(x - 0.1 * np.sign(gradient), 0, 1), x=x, gradient=gradient, epsilon=0.1)
    assert "1.05" not in str(caught.value) and "0.4" not in str(caught.value)
    with pytest.raises(CheckFailed, match="not right yet"):
        checks.check_pacing_size(651, epoch=2, epochs=5, start=0.3, n=1000)

"""A14 surrogate check and A15 adversarial debiasing on the seeded tabular data."""


import numpy as np
import pytest

import keras

from keras_recipes.data_centric import GradientReversal, debiasing_tradeoff, surrogate_check
from keras_recipes.data_centric.adversarial_debiasing import debiasing_model
from keras_recipes.datasets import make_tabular_bias


def _grad(fn, x):
    """d sum(fn(x)) / dx on the active backend."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        x = tf.convert_to_tensor(x)
        with tf.GradientTape() as tape:
            tape.watch(x)
            out = keras.ops.sum(fn(x))
        return np.asarray(tape.gradient(out, x))
    if backend == "jax":
        import jax

        return np.asarray(jax.grad(lambda v: keras.ops.sum(fn(v)))(x))
    import torch

    x = torch.tensor(x, requires_grad=True)
    keras.ops.sum(fn(x)).backward()
    return x.grad.numpy()


def test_generator_is_seeded_balanced_and_plants_the_documented_proxies():
    a, b = make_tabular_bias(500, seed=3), make_tabular_bias(500, seed=3)
    np.testing.assert_array_equal(a.features, b.features)
    assert a.protected.mean() == 0.5
    assert a.feature_names[:2] == ("proxy_0", "proxy_1")
    assert np.corrcoef(a.features[:, 0], a.protected)[0, 1] > 0.3
    assert abs(np.corrcoef(a.features[:, 2], a.protected)[0, 1]) < 0.15
    assert make_tabular_bias(500, proxy_strength=0.0).features.shape == (500, 6)
    with pytest.raises(ValueError, match="num_proxies"):
        make_tabular_bias(100, num_proxies=-1)


def test_surrogate_is_at_chance_without_a_leak_and_clearly_better_with_a_planted_proxy():
    clean = surrogate_check(make_tabular_bias(1000, proxy_strength=0.0, seed=0), steps=250)
    leaky = surrogate_check(make_tabular_bias(1000, proxy_strength=2.0, seed=0), steps=250)
    assert abs(clean.accuracy - 0.5) < 0.08 and abs(clean.auc - 0.5) < 0.1
    assert leaky.accuracy > 0.7 and leaky.auc > 0.8 and leaky.leaks and not clean.leaks
    assert "surrogate accuracy" in leaky.table()


def test_gradient_reversal_is_identity_forward_and_negated_scaled_backward():
    layer = GradientReversal(weight=2.5)
    x = np.array([[1.0], [-2.0]], "float32")
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer(x)), x)
    np.testing.assert_allclose(_grad(lambda v: 3.0 * layer(v), x), np.full_like(x, -7.5))
    with pytest.raises(ValueError, match="weight must be >= 0"):
        GradientReversal(weight=-1.0)


def test_the_regressor_receives_the_adversarys_gradient_with_the_opposite_sign():
    model = debiasing_model(3, adversary_weight=2.0, seed=0)
    adversary = model.get_layer("bias")
    reversal = model.get_layer("gradient_reversal")
    score = np.array([[0.3], [-1.2], [2.0], [0.7]], "float32")
    protected = np.array([[1.0], [0.0], [1.0], [0.0]], "float32")

    def adversary_loss(s):
        return keras.losses.binary_crossentropy(protected, adversary(s))

    own = _grad(adversary_loss, score)                                   # what the adversary descends
    into_regressor = _grad(lambda s: adversary_loss(reversal(s)), score)  # what reaches the score
    assert np.all(own != 0)
    assert np.all(np.sign(into_regressor) == -np.sign(own))
    np.testing.assert_allclose(into_regressor, -2.0 * own, rtol=1e-5)


def test_adversarial_weight_trades_task_loss_for_less_leakage():
    data = make_tabular_bias(1000, proxy_strength=2.0, seed=0)
    result = debiasing_tradeoff(data, weights=(0.0, 4.0), steps=300)
    plain, debiased = result.rows
    assert debiased["surrogate_accuracy"] < plain["surrogate_accuracy"] - 0.05
    assert debiased["task_loss"] > plain["task_loss"]
    assert len(result.plot().axes[0].lines) >= 1 and "adversary weight" in result.table()
    with pytest.raises(ValueError, match="weights entries must be >= 0"):
        debiasing_tradeoff(data, weights=(0.0, -1.0))


def test_debiasing_model_round_trips_through_keras_file_in_a_fresh_process(tmp_path, fresh_python):
    model = debiasing_model(3, adversary_weight=1.5, seed=0)
    x = np.random.default_rng(0).normal(size=(5, 3)).astype("float32")
    path = tmp_path / "debias.keras"
    model.save(path)
    np.save(tmp_path / "x.npy", x)
    expected = keras.ops.convert_to_numpy(model(x)["score"])
    code = ("import numpy as np, keras; from keras_recipes.saving import register_custom_objects; "
            "register_custom_objects(); "
            f"m = keras.saving.load_model({str(path)!r}); x = np.load({str(tmp_path / 'x.npy')!r}); "
            "print(m.get_layer('gradient_reversal').weight); "
            "print(repr(keras.ops.convert_to_numpy(m(x)['score']).ravel().tolist()))")
    weight, scores = fresh_python(code, timeout=120).strip().splitlines()[-2:]
    assert float(weight) == 1.5
    np.testing.assert_allclose(eval(scores), expected.ravel(), rtol=1e-5)

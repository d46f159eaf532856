"""Optimisers Keras lacks: LARS against its formula, gradient noise's variance, Polyak's momentum."""

import json

import keras
import numpy as np
import pytest

from keras_recipes.optimizers import LARS, DiscriminativeRates, GradientNoise, polyak_momentum


def _numpy_lars(w, grads, lr, momentum, eta, wd):
    """The paper's update, written out: v = m v + lr * trust * (g + wd w); w -= v."""
    v = np.zeros_like(w)
    for g in grads:
        trust = eta * np.linalg.norm(w) / (np.linalg.norm(g) + wd * np.linalg.norm(w))
        v = momentum * v + lr * trust * (g + wd * w)
        w = w - v
    return w


def test_lars_steps_equal_the_trust_ratio_formula():
    rng = np.random.default_rng(0)
    w0 = rng.normal(size=(4, 3)).astype("float32")
    b0 = rng.normal(size=(3,)).astype("float32")
    grads = [rng.normal(scale=s, size=(4, 3)).astype("float32") for s in (0.1, 2.0, 0.5)]
    bias_grads = [rng.normal(size=(3,)).astype("float32") for _ in grads]
    kernel, bias = keras.Variable(w0), keras.Variable(b0)
    opt = LARS(learning_rate=0.5, momentum=0.9, eta=0.01, weight_decay=1e-3)
    for g, gb in zip(grads, bias_grads):
        opt.apply([g, gb], [kernel, bias])
    expected = _numpy_lars(w0, grads, 0.5, 0.9, 0.01, 1e-3)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(kernel), expected, rtol=1e-5, atol=1e-6)
    # the vector takes plain momentum-SGD steps (skip_vectors=True): no trust ratio, no decay
    v, b = np.zeros(3), b0.copy()
    for gb in bias_grads:
        v = 0.9 * v + 0.5 * gb
        b = b - v
    np.testing.assert_allclose(keras.ops.convert_to_numpy(bias), b, rtol=1e-5)
    # the trust ratio is what makes the step scale-free in the gradient: 20x the gradient, same step
    a, c = keras.Variable(w0), keras.Variable(w0)
    LARS(learning_rate=0.5, momentum=0.0, eta=0.01).apply([grads[0]], [a])
    LARS(learning_rate=0.5, momentum=0.0, eta=0.01).apply([20 * grads[0]], [c])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(c), rtol=1e-5)


def test_lars_validates_and_round_trips_its_config():
    opt = LARS(learning_rate=0.2, momentum=0.8, eta=0.002, weight_decay=5e-4, skip_vectors=False)
    again = keras.optimizers.deserialize(keras.optimizers.serialize(opt))
    assert isinstance(again, LARS)
    assert (again.momentum, again.eta, again.lars_weight_decay, again.skip_vectors) == (0.8, 0.002, 5e-4, False)
    with pytest.raises(ValueError, match="momentum=1.5"):
        LARS(momentum=1.5)
    with pytest.raises(ValueError, match="eta=0"):
        LARS(eta=0)


def test_gradient_noise_has_the_annealed_variance_and_is_reproducible():
    size = 20_000
    eta, gamma = 0.5, 0.55
    seen = []
    for seed in (3, 3, 4):
        var = keras.Variable(np.zeros(size, "float32"))
        opt = GradientNoise(keras.optimizers.SGD(1.0), eta=eta, gamma=gamma, seed=seed)
        zeros = np.zeros(size, "float32")
        steps = []
        for _ in range(10):
            before = keras.ops.convert_to_numpy(var).copy()
            opt.apply([zeros], [var])
            steps.append(before - keras.ops.convert_to_numpy(var))   # = the noise (lr 1, g 0)
        seen.append(np.stack(steps))
        for t in (0, 9):
            assert np.std(steps[t]) == pytest.approx(np.sqrt(eta / (1 + t) ** gamma), rel=0.03)
            assert abs(np.mean(steps[t])) < 0.02
        assert abs(np.corrcoef(steps[0], steps[1])[0, 1]) < 0.05   # a fresh draw each step
    np.testing.assert_array_equal(seen[0], seen[1])
    assert not np.allclose(seen[0], seen[2])
    assert opt.noise_std(9) == pytest.approx(np.sqrt(eta / 10**gamma))
    again = keras.optimizers.deserialize(keras.optimizers.serialize(opt))
    assert (again.eta, again.gamma, again.seed) == (eta, gamma, 4)


def test_gradient_noise_trains_inside_fit():
    """The stateless noise seed works inside the compiled train step (jit on JAX, tf.function on TF)."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(128, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("int32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(GradientNoise(keras.optimizers.SGD(0.5), eta=0.01), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=5, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.7 * history.history["loss"][0]
    assert int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == 20


def test_polyak_default_explained_by_keras_ema_on_a_short_run():
    """Keras's EMA keeps the first step's weights at weight m ** (n - 1): 0.995 is too slow for 100 steps."""
    def first_step_share(momentum, steps=100):
        w = keras.Variable(np.zeros(1, "float32"))
        opt = keras.optimizers.SGD(1.0, use_ema=True, ema_momentum=momentum)
        for g in [1.0, -2.0] + [0.0] * (steps - 2):      # w: -1 after the first step, +1 after
            opt.apply([np.array([g], "float32")], [w])
        average = float(keras.ops.convert_to_numpy(opt._model_variables_moving_average[0])[0])
        return (1 - average) / 2                          # average = -share + (1 - share)

    assert first_step_share(0.995) == pytest.approx(0.995**99, rel=1e-3)   # 0.61: mostly stale
    assert first_step_share(polyak_momentum(100)) < 1e-3                    # 0.9**99
    assert polyak_momentum(100) == 0.9 and polyak_momentum(2000) == 0.995
    with pytest.raises(ValueError, match="window=0"):
        polyak_momentum(100, window=0)


def test_discriminative_rates_keep_the_old_name_as_a_deprecated_alias():
    from keras_recipes.transfer import LayerwiseOptimizer

    with pytest.warns(DeprecationWarning, match="DiscriminativeRates"):
        old = LayerwiseOptimizer(keras.optimizers.SGD(0.1), {"a": 0.5})
    assert isinstance(old, DiscriminativeRates) and old.multiplier(keras.Variable(1.0, name="x")) == 1.0


ROUNDTRIP = r"""
import json, sys, numpy as np, keras
from keras_recipes.saving import register_custom_objects
register_custom_objects()
out = {}
for name in ("lars", "noise", "rates"):
    model = keras.saving.load_model(f"{sys.argv[1]}/{name}.keras")
    x = np.load(f"{sys.argv[1]}/x.npy")
    gap = float(np.abs(model.predict(x, verbose=0) - np.load(f"{sys.argv[1]}/{name}.npy")).max())
    out[name] = {"gap": gap, "optimizer": type(model.optimizer).__name__,
                 "config": {k: v for k, v in model.optimizer.get_config().items()
                            if k in ("eta", "gamma", "seed", "multipliers")}}
print(json.dumps(out))
"""


def test_optimizers_round_trip_through_keras_in_a_fresh_process(tmp_path, fresh_python):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(32, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("int32")
    optimizers = {"lars": LARS(0.1, eta=0.002),
                  "noise": GradientNoise(keras.optimizers.Adam(1e-2), eta=0.3, seed=7),
                  "rates": DiscriminativeRates(keras.optimizers.SGD(0.1), {"dense": 0.5})}
    for name, optimizer in optimizers.items():
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax", name="dense")])
        model.compile(optimizer, "sparse_categorical_crossentropy")
        model.fit(x, y, epochs=1, verbose=0)
        model.save(tmp_path / f"{name}.keras")
        np.save(tmp_path / f"{name}.npy", model.predict(x, verbose=0))
    np.save(tmp_path / "x.npy", x)
    report = json.loads(fresh_python(ROUNDTRIP, tmp_path).strip().splitlines()[-1])
    assert all(r["gap"] < 1e-6 for r in report.values())
    assert [r["optimizer"] for r in report.values()] == ["LARS", "GradientNoise", "DiscriminativeRates"]
    assert report["lars"]["config"] == {"eta": 0.002}
    assert report["noise"]["config"] == {"eta": 0.3, "gamma": 0.55, "seed": 7}
    assert report["rates"]["config"] == {"multipliers": {"dense": 0.5}}

"""The regularising layers Keras does not ship: training-only randomness, inference as the slides say."""

import json

import keras
import numpy as np
import pytest

from keras_recipes.layers import (DropBlock2D, DropConnectConv2D, DropConnectDense, FractionalMaxPooling2D,
                                  ShakeShake, StochasticDepth)
from keras_recipes.zoo import shake_shake_block, stem


def _mask_checks(masked, kernel, rate):
    """``masked`` is ``kernel`` with single weights zeroed (not whole rows/columns) and the rest scaled."""
    dropped = masked == 0
    np.testing.assert_allclose(masked[~dropped], kernel[~dropped] / (1 - rate), rtol=1e-5)
    assert abs(dropped.mean() - rate) < 0.06
    # Weights, not units: no input row and no output column is dropped as a whole.
    assert not dropped.all(axis=1).any() and not dropped.all(axis=0).any()


def test_drop_connect_dense_drops_weights_in_training_and_is_dense_at_inference():
    layer = DropConnectDense(32, rate=0.4, seed=3, bias_initializer="zeros")
    eye = np.eye(32, dtype="float32")          # row i of the output is row i of the (masked) kernel
    layer(eye)
    kernel = np.asarray(layer.kernel)
    first, second = (np.asarray(layer(eye, training=True)) for _ in range(2))
    _mask_checks(first, kernel, 0.4)
    assert (first != second).any()             # a new mask per batch
    plain = keras.layers.Dense(32, activation="relu")
    x = np.random.default_rng(0).normal(size=(5, 32)).astype("float32")
    plain(x)
    relu = DropConnectDense(32, rate=0.4, seed=3, activation="relu")
    relu(x)
    plain.set_weights(relu.get_weights())
    np.testing.assert_allclose(relu(x, training=False), plain(x), rtol=1e-6, atol=1e-6)


def test_drop_connect_conv2d_drops_kernel_weights_and_is_conv2d_at_inference():
    layer = DropConnectConv2D(16, 1, rate=0.5, seed=2, use_bias=False)
    eye = np.eye(16, dtype="float32").reshape(16, 1, 1, 16)   # 1x1 conv of a one-hot channel = kernel row
    layer(eye)
    kernel = np.asarray(layer.kernel)[0, 0]
    _mask_checks(np.asarray(layer(eye, training=True))[:, 0, 0], kernel, 0.5)
    x = np.random.default_rng(1).normal(size=(2, 5, 7, 3)).astype("float32")
    conv = DropConnectConv2D(4, 3, rate=0.5, seed=2, padding="same")
    plain = keras.layers.Conv2D(4, 3, padding="same")
    conv(x), plain(x)
    plain.set_weights(conv.get_weights())
    np.testing.assert_allclose(conv(x, training=False), plain(x), rtol=1e-5, atol=1e-6)


def _covered_by_full_blocks(dropped, bh, bw):
    """Morphological opening: every dropped pixel lies in a bh x bw window that is dropped entirely."""
    n, h, w, c = dropped.shape
    covered = np.zeros_like(dropped)
    for i in range(h - bh + 1):
        for j in range(w - bw + 1):
            full = dropped[:, i:i + bh, j:j + bw, :].all(axis=(1, 2))
            covered[:, i:i + bh, j:j + bw, :] |= full[:, None, None, :]
    return (covered == dropped).all()


@pytest.mark.parametrize("height, width", [(10, 36), (36, 10)])
def test_drop_block_drops_whole_blocks_at_the_rate_on_non_square_maps(height, width):
    rate, size = 0.15, 3
    layer = DropBlock2D(rate=rate, block_size=size, seed=4)
    x = np.ones((8, height, width, 4), "float32")
    out = np.asarray(layer(x, training=True))
    dropped = out == 0
    assert _covered_by_full_blocks(dropped, size, size)
    # Blocks reach the far end of the longer side (a height/width mix-up confines them to the shorter one).
    assert dropped[:, -size:, :, :].any() and dropped[:, :, -size:, :].any()
    # Exact expected fraction: a pixel is dropped if any of the valid corners covering it fires.
    gamma = rate / size**2 * height * width / ((height - size + 1) * (width - size + 1))
    rows = np.array([min(i, size - 1, height - 1 - i, height - size) + 1 for i in range(height)])
    cols = np.array([min(j, size - 1, width - 1 - j, width - size) + 1 for j in range(width)])
    expected = np.mean(1 - (1 - gamma) ** np.outer(rows, cols))
    assert abs(dropped.mean() - expected) < 0.03 and abs(expected - rate) < 0.03
    # Kept activations are rescaled so the sum is preserved; inference is the identity.
    np.testing.assert_allclose(out[~dropped], dropped.size / (~dropped).sum(), rtol=1e-5)
    assert (np.asarray(layer(x, training=False)) == x).all()


def test_drop_block_clips_the_block_to_a_small_map():
    layer = DropBlock2D(rate=0.5, block_size=5, seed=0)
    out = np.asarray(layer(np.ones((64, 2, 9, 1), "float32"), training=True))
    assert _covered_by_full_blocks(out == 0, 2, 5)     # blocks are 2 x 5 on a 2-row map


def test_shake_shake_blends_forward_with_alpha_and_is_the_mean_at_inference():
    rng = np.random.default_rng(0)
    a, b = (rng.normal(size=(16, 3, 5)).astype("float32") for _ in range(2))
    layer = ShakeShake(seed=1)
    np.testing.assert_allclose(layer([a, b], training=False), 0.5 * (a + b), rtol=1e-6)
    out = np.asarray(layer([a, b], training=True))
    alpha = (out - b) / (a - b)                      # one weight per example, shared by its features
    np.testing.assert_allclose(alpha, alpha[:, :1, :1] * np.ones_like(alpha), atol=1e-3)
    assert ((alpha >= 0) & (alpha <= 1)).all() and np.std(alpha[:, 0, 0]) > 0.1


@pytest.mark.tensorflow_only
def test_shake_shake_backward_pass_uses_another_weight():
    """Gradients through the layer are read with tf.GradientTape."""
    import tensorflow as tf

    a, b = tf.constant(np.ones((64, 2), "float32")), tf.constant(np.zeros((64, 2), "float32"))
    layer = ShakeShake(seed=5)
    with tf.GradientTape() as tape:
        tape.watch(a)
        out = layer([a, b], training=True)
    beta = tape.gradient(out, a).numpy()[:, 0]         # d out / d a = beta
    alpha = out.numpy()[:, 0]                          # out = alpha * 1 + (1 - alpha) * 0
    assert ((beta >= 0) & (beta <= 1)).all() and np.abs(alpha - beta).mean() > 0.1


def test_shake_shake_block_is_a_zoo_part_with_two_branches():
    inputs = keras.Input((8, 8, 1))
    out = shake_shake_block(stem(inputs, 4), 8, strides=2, seed=0, name="ss")
    model = keras.Model(inputs, out)
    assert out.shape[1:] == (4, 4, 8)
    names = [layer.name for layer in model.layers]
    assert {"ss_left_a_conv", "ss_right_a_conv", "ss_proj_conv", "ss_shake"} <= set(names)
    x = np.random.default_rng(0).random((2, 8, 8, 1)).astype("float32")
    np.testing.assert_allclose(model(x, training=False), model(x, training=False))


@pytest.mark.tensorflow_only
def test_fractional_max_pooling_random_regions_in_training_fixed_at_inference():
    """FractionalMaxPooling2D wraps TensorFlow's FractionalMaxPool op."""
    x = np.random.default_rng(0).random((2, 9, 13, 3)).astype("float32")
    layer = FractionalMaxPooling2D(pooling_ratio=1.44, seed=2)
    test = np.asarray(layer(x))
    assert test.shape == (2, 6, 9, 3) == layer.compute_output_shape(x.shape)
    np.testing.assert_array_equal(test, layer(x))                    # the same regions every test call
    draws = [np.asarray(layer(x, training=True)) for _ in range(6)]
    assert any((d != draws[0]).any() for d in draws[1:])             # new regions each training call
    assert np.isin(draws[0], x).all()                                # each output is one input's max
    averaged = np.asarray(FractionalMaxPooling2D(1.44, test_samples=4, seed=2)(x))
    assert averaged.shape == test.shape and (averaged != test).any()


def test_layers_check_their_arguments():
    with pytest.raises(ValueError, match="rate"):
        DropConnectDense(4, rate=1.0)
    with pytest.raises(ValueError, match="block_size"):
        DropBlock2D(block_size=0)
    with pytest.raises(ValueError, match="pooling_ratio"):
        FractionalMaxPooling2D(pooling_ratio=1.0)
    with pytest.raises(ValueError, match="height and width"):
        DropBlock2D()(keras.Input((None, 8, 1)))


def test_configs_round_trip():
    layers = [DropConnectDense(3, rate=0.2, seed=1, activation="relu"), DropConnectConv2D(2, 3, rate=0.1, seed=2),
              DropBlock2D(0.2, 5, seed=3), ShakeShake(seed=4), FractionalMaxPooling2D(1.5, test_samples=2, seed=5)]
    for layer in layers:
        again = type(layer).from_config(layer.get_config())
        assert again.get_config() == layer.get_config()
    assert layers[0].get_config()["rate"] == 0.2 and layers[2].get_config()["block_size"] == 5


def test_all_layers_round_trip_keras_files_in_a_fresh_process(tmp_path, fresh_python):
    tensorflow = keras.backend.backend() == "tensorflow"
    inputs = keras.Input((9, 9, 1))
    x = DropConnectConv2D(4, 3, rate=0.3, seed=0, padding="same", name="dcc")(inputs)
    x = DropBlock2D(0.2, 3, seed=1, name="dropblock")(x)
    if tensorflow:
        x = FractionalMaxPooling2D(1.44, seed=3, name="fmp")(x)
    x = shake_shake_block(x, 4, seed=2, name="ss")
    x = StochasticDepth(0.2, seed=4, name="sd")(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    model = keras.Model(inputs, DropConnectDense(3, rate=0.4, seed=5, name="dcd")(x))
    data = np.random.default_rng(0).random((3, 9, 9, 1)).astype("float32")
    model.save(tmp_path / "m.keras")
    np.save(tmp_path / "x.npy", data)
    script = f"""
import json, numpy as np, keras, keras_recipes.saving as s
s.register_custom_objects()
m = keras.saving.load_model({str(tmp_path / 'm.keras')!r})
x = np.load({str(tmp_path / 'x.npy')!r})
print(json.dumps({{"pred": m.predict(x, verbose=0).tolist(),
                  "classes": {{l.name: type(l).__name__ for l in m.layers}},
                  "rates": [m.get_layer("dcc").rate, m.get_layer("dropblock").block_size, m.get_layer("dcd").rate]}}))
"""
    got = json.loads(fresh_python(script).strip().splitlines()[-1])
    np.testing.assert_allclose(got["pred"], model.predict(data, verbose=0), atol=1e-5)
    assert got["classes"]["dcc"] == "DropConnectConv2D" and got["classes"]["ss_shake"] == "ShakeShake"
    assert got["classes"]["dcd"] == "DropConnectDense" and got["classes"].get("fmp", "-") in (
        "FractionalMaxPooling2D" if tensorflow else "-")
    assert got["rates"] == [0.3, 3, 0.4]

"""A4 InvarianceBatch: a random fraction of the batch moves, the rest is bit-identical; identity at inference;
plus the one fresh-process .keras round trip of every representation object (InvarianceBatch, DeepCoral, CoralLoss)."""

import json

import keras
import numpy as np
import pytest

from keras_recipes.augment import InvarianceBatch
from keras_recipes.representation import DeepCoral, invariance_training


def digits_like(n, seed=0):
    """Images with ink away from the border, so any shift or zoom changes them."""
    x = np.zeros((n, 16, 16, 1), "float32")
    x[:, 4:12, 4:12, :] = np.random.default_rng(seed).random((n, 8, 8, 1))
    return x


@pytest.mark.parametrize("fraction", [0.25, 0.5, 1.0])
def test_the_requested_fraction_moves_and_the_rest_is_bit_identical(fraction):
    x = digits_like(64)
    layer = InvarianceBatch(fraction, translation=0.25, zoom=0.25, seed=3)
    out = np.asarray(layer(x, training=True))
    changed = np.any(out != x, axis=(1, 2, 3))
    # exactly round(fraction * 64) images are chosen; a chosen one may draw a near-zero move, so allow 3 misses
    assert round(fraction * 64) - 3 <= changed.sum() <= round(fraction * 64)
    np.testing.assert_array_equal(out[~changed], x[~changed])
    # the moved images are shifts/zooms of the original, not noise: ink stays in [0, 1] and the border fill is 0
    assert out.min() >= 0.0 and out.max() <= 1.0 + 1e-6


def test_a_new_subset_each_call_and_identity_at_inference():
    x = digits_like(40)
    layer = InvarianceBatch(0.5, translation=0.25, zoom=0.0, seed=0)
    first = np.any(np.asarray(layer(x, training=True)) != x, axis=(1, 2, 3))
    second = np.any(np.asarray(layer(x, training=True)) != x, axis=(1, 2, 3))
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(np.asarray(layer(x, training=False)), x)
    np.testing.assert_array_equal(np.asarray(layer(x)), x)
    zero = InvarianceBatch(0.0, seed=0)
    np.testing.assert_array_equal(np.asarray(zero(x, training=True)), x)


def test_translation_only_keeps_the_ink_mass_of_whole_digits():
    x = digits_like(32)
    out = np.asarray(InvarianceBatch(1.0, translation=0.2, zoom=0.0, seed=5)(x, training=True))
    # ink sits 4 px from each border, a shift of at most 0.2 * 16 = 3.2 px loses none of it (bilinear spreads it)
    np.testing.assert_allclose(out.sum(axis=(1, 2, 3)), x.sum(axis=(1, 2, 3)), rtol=1e-4)


def test_get_config_round_trip_and_bad_arguments():
    layer = InvarianceBatch(0.3, translation=0.1, zoom=0.2, fill_value=0.0, seed=7, name="a4")
    again = InvarianceBatch.from_config(layer.get_config())
    assert (again.fraction, again.translation, again.zoom, again.seed, again.name) == (0.3, 0.1, 0.2, 7, "a4")
    with pytest.raises(ValueError, match="fraction"):
        InvarianceBatch(1.5)
    with pytest.raises(ValueError, match="translation and zoom"):
        InvarianceBatch(0.5, translation=0.0, zoom=0.0)
    with pytest.raises(ValueError, match="seed"):
        InvarianceBatch(0.5, seed=-1)


def test_invariance_training_returns_both_arms_and_the_shifted_test_costs_accuracy():
    from keras_recipes.datasets import load_digits

    data = load_digits(image_size=16, classes=(0, 1, 2), seed=0)
    result = invariance_training(data, fractions=(0.5,), epochs=3, width=4, seed=0)
    assert list(result.rows) == ["no augmentation", "A4 fraction 0.5"]
    plain = result.rows["no augmentation"]
    assert plain["clean"] > 0.8 and plain["shifted"] < plain["clean"]
    assert result.gain() == pytest.approx(result.rows["A4 fraction 0.5"]["shifted"] - plain["shifted"])
    assert "shifted" in result.table() and result.plot() is not None
    with pytest.raises(ValueError, match="fractions"):
        invariance_training(data, fractions=(0.0,))


def test_every_representation_object_round_trips_in_a_fresh_process(tmp_path, fresh_python):
    x = digits_like(6, seed=2)
    inputs = keras.Input((16, 16, 1))
    a4 = InvarianceBatch(0.5, translation=0.1, zoom=0.1, seed=1)
    h = keras.layers.Conv2D(4, 3, name="conv")(a4(inputs))
    h = keras.layers.GlobalAveragePooling2D(name="features")(h)
    classifier = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(h))
    classifier.compile("adam", loss="sparse_categorical_crossentropy")
    classifier.save(tmp_path / "a4.keras")
    expected = {"a4": classifier.predict(x, verbose=0).tolist()}
    deep = DeepCoral(classifier, features="features", weight=0.4)
    deep.compile("adam", loss="sparse_categorical_crossentropy")
    deep.fit((x, x[::-1]), np.arange(6) % 3, epochs=1, verbose=0)
    deep.save(tmp_path / "deep.keras")
    expected["deep"] = deep.predict(x, verbose=0).tolist()
    np.save(tmp_path / "x.npy", x)
    script = f"""
import json, numpy as np, keras, keras_recipes.saving as s
s.register_custom_objects()
from keras_recipes.representation import CoralLoss
x = np.load({str(tmp_path / 'x.npy')!r})
out = {{}}
for name in ("a4", "deep"):
    m = keras.saving.load_model({str(tmp_path)!r} + "/" + name + ".keras")
    out[name] = m.predict(x, verbose=0).tolist()
deep = keras.saving.load_model({str(tmp_path)!r} + "/deep.keras")
out["deep_cfg"] = [type(deep).__name__, deep.weight, deep.features]
out["a4_cfg"] = deep.model.layers[1].get_config()["fraction"]
loss = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(CoralLoss(name="c")))
out["loss"] = [type(loss).__name__, loss.name]
print(json.dumps(out))
"""
    got = json.loads(fresh_python(script).strip().splitlines()[-1])
    np.testing.assert_allclose(got["a4"], expected["a4"], atol=1e-5)
    np.testing.assert_allclose(got["deep"], expected["deep"], atol=1e-5)
    assert got["deep_cfg"] == ["DeepCoral", 0.4, "features"] and got["a4_cfg"] == 0.5
    assert got["loss"] == ["CoralLoss", "c"]

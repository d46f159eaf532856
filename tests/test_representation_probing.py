"""Probing an embedding: the probing sets carry the factor they claim, and probes read it back."""

import numpy as np

from keras_recipes.representation.probing import AUGMENTATIONS, factor_dataset, probe_factors


def _images(n=60, size=8, seed=0):
    return np.random.default_rng(seed).random((n, size, size, 1)).astype("float32")


def test_rotation_targets_undo_to_the_originals():
    x = _images(12)
    rotated, turns = factor_dataset("rotation", x, np.zeros(12), seed=1)
    assert set(turns.tolist()) <= {0, 1, 2, 3} and len(set(turns.tolist())) > 1
    for image, k, original in zip(rotated, turns, x):
        np.testing.assert_array_equal(np.rot90(image, k=-int(k), axes=(0, 1)), original)


def test_augmentation_targets_name_what_was_applied():
    x = _images(40)
    augmented, kinds = factor_dataset("augmentation", x, np.zeros(40), seed=0)
    assert set(kinds.tolist()) == set(range(len(AUGMENTATIONS)))
    untouched = kinds == 0
    np.testing.assert_array_equal(augmented[untouched], x[untouched])
    changed = [not np.array_equal(a, b) for a, b in zip(augmented[~untouched], x[~untouched])]
    assert np.mean(changed) >= 0.8  # a random draw can be the identity (e.g. a shift of 0)
    assert augmented.min() >= 0 and augmented.max() <= 1


def test_probes_read_rotation_from_a_flattened_bottleneck_but_not_from_pooled_noise():
    import keras

    # Images with a bright top-left corner: their rotation is plain to see in the pixel layout.
    x = _images(120) * 0.2
    x[:, :3, :3] = 1.0
    inputs = keras.Input((8, 8, 1))
    pooled = keras.layers.GlobalAveragePooling2D(name="pooled")(inputs)  # rotation-invariant stage
    flat = keras.layers.Flatten(name="bottleneck")(inputs)
    encoder = keras.Model(inputs, keras.layers.Concatenate(name="both")([pooled, flat]))
    result = probe_factors(encoder, x, np.arange(120) % 2, factors=("rotation",), stages=["pooled", "bottleneck"])
    pooled_acc, flat_acc = result.accuracy["rotation"]
    assert flat_acc > 0.9
    assert pooled_acc < result.chance["rotation"] + 0.2
    assert "rotation" in result.table().splitlines()[0] and len(result.above_chance("rotation")) == 2


def test_probe_factors_refuses_unknown_factors():
    import keras
    import pytest

    encoder = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten()])
    with pytest.raises(ValueError, match="factors"):
        probe_factors(encoder, _images(4), np.zeros(4), factors=("colour",))
    with pytest.raises(ValueError, match="labels"):
        probe_factors(encoder, _images(4), np.zeros(3))

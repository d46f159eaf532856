"""The augmentation module runs inside tf.data on every backend, and seeded runs repeat."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_recipes.augment import augment_dataset, augmentation, seeded_augment


def batches(n=24, batch=8):
    x = np.zeros((n, 8, 8, 1), "float32")
    x[:, 2:6, 3:5] = 1.0  # a bar in the middle: any shift or zoom moves pixels
    return tf.data.Dataset.from_tensor_slices((x, np.arange(n))).batch(batch)


def epoch(ds):
    return np.concatenate([x.numpy() for x, _ in ds]), np.concatenate([y.numpy() for _, y in ds])


def test_seeded_pipeline_repeats_its_draws_and_redraws_each_epoch():
    first, labels = epoch(augment_dataset(batches(), seed=0))
    again, _ = epoch(augment_dataset(batches(), seed=0))
    np.testing.assert_array_equal(first, again)  # no race between parallel calls
    np.testing.assert_array_equal(labels, np.arange(24))
    ds = augment_dataset(batches(), seed=0)
    one, two = epoch(ds)[0], epoch(ds)[0]
    assert np.abs(one - two).max() > 0.5  # a new draw every epoch
    assert np.abs(first - epoch(batches())[0]).max() > 0.5


def test_a_sequential_runs_as_a_pipeline_of_its_layers():
    """A keras.Sequential inside tf.data fails on JAX; it is unwrapped into a Pipeline."""
    def stack(cls):
        return cls([keras.layers.RandomTranslation(0.2, 0.2, fill_mode="constant", seed=3),
                    keras.layers.RandomZoom(0.2, 0.2, fill_mode="constant", seed=3)])

    via_sequential, _ = epoch(augment_dataset(batches(), layers=stack(keras.Sequential)))
    via_pipeline, _ = epoch(augment_dataset(batches(), layers=stack(keras.layers.Pipeline)))
    np.testing.assert_array_equal(via_sequential, via_pipeline)
    assert isinstance(augmentation(seed=0), keras.layers.Pipeline)
    with pytest.raises(TypeError, match="layers must be"):
        augment_dataset(batches(), layers="flip")
    with pytest.raises(TypeError, match="dataset must be a batched tf.data.Dataset"):
        augment_dataset(np.zeros((2, 8, 8, 1)))


def test_seeded_augment_takes_a_pipeline():
    x = epoch(batches())[0]
    fn = seeded_augment(augmentation(translation=0.2, zoom=0.2))
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(fn(x, 5)), keras.ops.convert_to_numpy(fn(x, 5)))
    assert np.abs(keras.ops.convert_to_numpy(fn(x, 5)) - keras.ops.convert_to_numpy(fn(x, 6))).max() > 0.5
    with pytest.raises(TypeError, match="Pipeline holding Dense"):
        seeded_augment(keras.layers.Pipeline([keras.layers.Dense(2)]))


def test_translation_and_zoom_fill_with_zero_where_reflect_would_copy_strokes():
    images = np.ones((16, 8, 8, 1), "float32")           # a stroke everywhere
    shifted = keras.ops.convert_to_numpy(augmentation(translation=0.5, zoom=0.0, seed=0)(images, training=True))
    zoomed = keras.ops.convert_to_numpy(augmentation(translation=0.0, zoom=0.5, seed=1)(images, training=True))
    for out in (shifted, zoomed):
        assert out.shape == images.shape
        assert out.min() == 0.0 and out.max() <= 1.0 + 1e-6   # blank border; reflect would keep 1s
        assert (out == 0).mean() > 0.05

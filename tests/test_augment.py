"""The augmentation module: shifts and zooms fill the digits' border with 0, not mirrored strokes."""

import numpy as np

from keras_recipes.augment import augmentation, seeded_augment


def test_translation_and_zoom_fill_with_zero_where_reflect_would_copy_strokes():
    images = np.ones((16, 8, 8, 1), "float32")           # a stroke everywhere
    shifted = np.asarray(augmentation(translation=0.5, zoom=0.0, seed=0)(images, training=True))
    zoomed = np.asarray(augmentation(translation=0.0, zoom=0.5, seed=1)(images, training=True))
    for out in (shifted, zoomed):
        assert out.shape == images.shape
        assert out.min() == 0.0 and out.max() <= 1.0 + 1e-6   # blank border; reflect would keep 1s
        assert (out == 0).mean() > 0.05


def test_seeded_augment_drives_the_same_layers_reproducibly():
    images = np.random.default_rng(0).random((4, 8, 8, 1)).astype("float32")
    fn = seeded_augment(augmentation(translation=0.3, zoom=0.3))
    np.testing.assert_array_equal(np.asarray(fn(images, 5)), np.asarray(fn(images, 5)))
    assert not np.array_equal(np.asarray(fn(images, 5)), np.asarray(fn(images, 6)))

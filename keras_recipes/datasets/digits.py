"""scikit-learn's real handwritten digits (1,797 8x8 images) as tf.data pipelines."""

import numpy as np

from keras_recipes.checks import require_choice, require_positive_int
from keras_recipes.datasets.splits import make_splits


def _bilinear_weights(size_in, size_out):
    """Indices and weights of bilinear resampling along one axis (half-pixel centres)."""
    centres = (np.arange(size_out) + 0.5) * (size_in / size_out) - 0.5
    floor = np.floor(centres)
    lower = np.clip(floor, 0, size_in - 1).astype(int)
    upper = np.clip(np.ceil(centres), 0, size_in - 1).astype(int)
    return lower, upper, (centres - floor).astype("float32")


def bilinear_resize(x, height, width):
    """Resize (N, H, W, C) images bilinearly, in NumPy.

    The same values as ``tf.image.resize(x, (height, width), "bilinear")``
    (half-pixel centres, edges clamped, no antialiasing; equal within float32
    rounding), computed without any backend so the bundled data are the same
    on TensorFlow, JAX and PyTorch.

    >>> bilinear_resize(np.arange(4.0).reshape(1, 2, 2, 1), 4, 4)[0, ..., 0]
    array([[0.  , 0.25, 0.75, 1.  ],
           [0.5 , 0.75, 1.25, 1.5 ],
           [1.5 , 1.75, 2.25, 2.5 ],
           [2.  , 2.25, 2.75, 3.  ]], dtype=float32)
    """
    x = np.asarray(x, dtype="float32")
    lo, hi, w = _bilinear_weights(x.shape[1], height)
    w = w[None, :, None, None]
    x = x[:, lo] * (1 - w) + x[:, hi] * w
    lo, hi, w = _bilinear_weights(x.shape[2], width)
    w = w[None, None, :, None]
    return x[:, :, lo] * (1 - w) + x[:, :, hi] * w


def resize_images(x, image_size, channels):
    """Resize (N, H, W, 1) images to ``image_size`` square and repeat to ``channels``."""
    require_positive_int("image_size", image_size)
    require_choice("channels", channels, (1, 3))
    if x.shape[1] != image_size:
        x = bilinear_resize(x, image_size, image_size)
    if channels == 3:
        x = np.repeat(x, 3, axis=-1)
    return x.astype("float32")


def digits_arrays(image_size=8, channels=1):
    """All 1,797 digits as ``(x, y)``: x in [0, 1], shape (N, size, size, channels)."""
    from sklearn.datasets import load_digits as sk_load_digits

    data = sk_load_digits()
    x = (data.images / 16.0).astype("float32")[..., None]
    return resize_images(x, image_size, channels), data.target.astype("int64")


def load_digits(image_size=8, channels=1, *, classes=None, labelled_fraction=1.0,
                validation_fraction=0.15, test_fraction=0.15, batch_size=32, seed=0):
    """Handwritten digits, split deterministically into train / validation / test.

    Real data that ships with scikit-learn, so no network is needed. Splits
    are stratified by class and depend only on ``seed``.

    ```python
    from keras_recipes.datasets import load_digits
    target = load_digits(image_size=16, classes=(5, 6, 7, 8, 9), labelled_fraction=0.2)
    target.class_names          # ('5', '6', '7', '8', '9'), labels 0..4
    for images, labels in target.train.take(1):
        print(images.shape)     # (32, 16, 16, 1)
    ```

    Args:
        image_size: side of the square images (8 is the native size;
            32 suits the zoo's default depths).
        channels: 1 (grayscale) or 3 (repeated, for ImageNet backbones).
        classes: keep only these digits, relabelled 0..len(classes)-1 in
            the given order (a source/target class split for transfer).
        labelled_fraction: keep this stratified fraction of the training
            labels, in (0, 1]; the rest go to ``arrays["unlabelled"]``.
        validation_fraction, test_fraction: shares of all examples.
        batch_size: batch size of the pipelines.
        seed: seed of the split, the labelled subset and the shuffling.
    Returns:
        ``Splits`` with ``train``, ``validation``, ``test``, ``arrays``,
        ``class_names``.
    """
    x, y = digits_arrays(image_size, channels)
    return make_splits(
        x, y, tuple(str(d) for d in range(10)), classes=classes,
        labelled_fraction=labelled_fraction, validation_fraction=validation_fraction,
        test_fraction=test_fraction, batch_size=batch_size, seed=seed,
    )

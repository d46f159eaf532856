"""Shifted and scaled copies of a test set: how invariant is a model to translation and scale?

One helper, shared by the neural-structured-learning recipe (A16) and the
translational/scale-invariance recipe (A4): evaluate on ``shift_and_scale(x_test)``
next to ``x_test`` and compare accuracies. Pure numpy/scipy, deterministic per
``seed``, so two recipes measuring the "same" shifted test set really do.
"""

import numpy as np

from keras_recipes.checks import require_positive_number


def _check_range(name, value):
    try:
        low, high = (float(v) for v in value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a (low, high) pair of numbers; received: {name}={value!r}") from None
    if not 0 < low <= high:
        raise ValueError(f"{name} must satisfy 0 < low <= high; received: {name}={value!r}")
    return low, high


def shift_and_scale(x, *, max_shift=0.25, scale_range=(1.0, 1.0), whole_pixels=True, seed=0):
    """Translate and scale each image by a random amount (zeros fill the border).

    Each image gets its own translation, drawn uniformly in
    ``[-max_shift, max_shift]`` times the image side along each axis, and its
    own zoom factor drawn uniformly in ``scale_range`` (about the centre).
    ``max_shift`` is a fraction of the side, as in ``keras.layers.RandomTranslation``.

    >>> x = np.zeros((1, 8, 8, 1), "float32"); x[0, 3, 3, 0] = 1
    >>> moved = shift_and_scale(x, max_shift=0.25, seed=3)
    >>> moved.shape, float(moved.sum())
    ((1, 8, 8, 1), 1.0)

    Args:
        x: images, shape (N, H, W, C), values in any range (border fill is 0).
        max_shift: largest translation as a fraction of the side, in [0, 1) (0.25).
        scale_range: (low, high) zoom factors; (1.0, 1.0) means no scaling.
        whole_pixels: round translations to whole pixels (default True; on
            8x8 digits sub-pixel shifts mostly blur).
        seed: the draws depend only on it.
    Returns:
        A float32 array shaped like ``x``.
    """
    from scipy import ndimage

    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(f"x must be a batch of images shaped (N, H, W, C); received: shape={x.shape}")
    require_positive_number("max_shift", max_shift, allow_zero=True)
    if max_shift >= 1:
        raise ValueError(f"max_shift must be a fraction of the side in [0, 1); received: max_shift={max_shift!r}")
    low, high = _check_range("scale_range", scale_range)
    rng = np.random.default_rng(seed)
    n, height, width, _ = x.shape
    shifts = rng.uniform(-max_shift, max_shift, size=(n, 2)) * np.array([height, width])
    if whole_pixels:
        shifts = np.round(shifts)
    scales = rng.uniform(low, high, size=n)
    centre = (np.array([height, width]) - 1) / 2.0
    out = np.empty(x.shape, dtype="float32")
    for i in range(n):
        matrix = np.eye(2) / scales[i]
        # output pixel o samples input at matrix @ (o - centre - shift) + centre
        offset = centre - matrix @ (centre + shifts[i])
        for c in range(x.shape[-1]):
            out[i, :, :, c] = ndimage.affine_transform(
                x[i, :, :, c].astype("float64"), matrix, offset=offset, order=1, mode="constant", cval=0.0)
    return out


def blur(x, sigma=1.0):
    """Gaussian-blur each image and channel (a synthetic domain shift for domain adaptation).

    >>> x = np.zeros((1, 8, 8, 1), "float32"); x[0, 4, 4, 0] = 1
    >>> b = blur(x, sigma=1.0)
    >>> b.shape, round(float(b.sum()), 3), bool(b[0, 4, 4, 0] < 0.2)
    ((1, 8, 8, 1), 1.0, True)

    Args:
        x: images (N, H, W, C).
        sigma: standard deviation of the Gaussian in pixels, > 0 (1.0).
    Returns:
        float32 array shaped like ``x``.
    """
    from scipy import ndimage

    x = np.asarray(x, dtype="float32")
    if x.ndim != 4:
        raise ValueError(f"x must be a batch of images shaped (N, H, W, C); received: shape={x.shape}")
    require_positive_number("sigma", sigma)
    return ndimage.gaussian_filter(x, sigma=(0, sigma, sigma, 0), mode="constant").astype("float32")

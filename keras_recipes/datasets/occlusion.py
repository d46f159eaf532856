"""Occluded images: natural objects cut from scikit-learn's two bundled photographs, pasted over images (A6).

Diagram A6 overlays "natural objects for scene that obscures part of the
object being recognised". The objects here are elliptical cut-outs of
``sklearn.datasets.load_sample_images`` (``china.jpg``: photo 0, ``flower.jpg``:
photo 1; shipped with scikit-learn, no network), in grayscale. Train with one
photo's objects and test with the other's, so the model cannot memorise
the occluders. Used for training augmentation and for the occluded test set.
"""

import functools

import numpy as np

from keras_recipes.checks import require_choice, require_positive_int, require_rate


@functools.lru_cache(maxsize=2)
def _photo(index):
    from sklearn.datasets import load_sample_images

    image = load_sample_images().images[index].astype("float32") / 255.0
    gray = image @ np.array([0.299, 0.587, 0.114], "float32")
    gray.setflags(write=False)
    return gray


def occluders(n=64, size=8, *, photo=0, seed=0):
    """``n`` natural occluders of ``size`` x ``size`` pixels: ``(patches, masks)``.

    Each is a random crop of the photograph (a window of 4-10% of its
    height, resampled to ``size``) under a random ellipse mask, so the
    occluder has an object's outline rather than a square's.

    >>> patches, masks = occluders(4, size=6, seed=0)
    >>> patches.shape, masks.shape, set(np.unique(masks).tolist()) <= {0.0, 1.0}
    ((4, 6, 6, 1), (4, 6, 6, 1), True)

    Args:
        n: number of occluders (64).
        size: side in pixels, >= 2 (8).
        photo: 0 (china.jpg) or 1 (flower.jpg) (0).
        seed: crops and ellipses depend only on it (0).
    Returns:
        float32 patches in [0, 1] and 0/1 masks, both (n, size, size, 1).
    """
    from keras_recipes.datasets.digits import bilinear_resize

    require_positive_int("n", n)
    require_positive_int("size", size)
    require_choice("photo", photo, (0, 1))
    if size < 2:
        raise ValueError(f"size must be >= 2; received: size={size}")
    gray = _photo(photo)
    rng = np.random.default_rng(seed)
    patches = np.empty((n, size, size, 1), "float32")
    masks = np.empty((n, size, size, 1), "float32")
    yy, xx = (np.mgrid[0:size, 0:size] + 0.5) / size - 0.5
    for i in range(n):
        window = int(rng.uniform(0.04, 0.10) * gray.shape[0])
        top = rng.integers(gray.shape[0] - window)
        left = rng.integers(gray.shape[1] - window)
        crop = gray[top:top + window, left:left + window][None, :, :, None]
        patches[i] = bilinear_resize(crop, size, size)[0]
        ry, rx = rng.uniform(0.3, 0.5, size=2)
        angle = rng.uniform(0, np.pi)
        u = xx * np.cos(angle) + yy * np.sin(angle)
        v = -xx * np.sin(angle) + yy * np.cos(angle)
        masks[i, :, :, 0] = ((u / rx) ** 2 + (v / ry) ** 2 <= 1).astype("float32")
    return np.clip(patches, 0, 1), masks


def occlude(x, *, coverage=0.25, rate=1.0, photo=0, bank=64, seed=0):
    """Paste a natural occluder over a ``rate`` share of the images, hiding about ``coverage`` of each.

    The occluder's box has side ``round(sqrt(coverage) * H)`` (its ellipse
    covers about 3/4 of the box) and is placed uniformly inside the image.

    >>> x = np.zeros((3, 8, 8, 1), "float32")
    >>> hidden = occlude(x, coverage=0.25, seed=1)
    >>> hidden.shape, bool((hidden != 0).any(axis=(1, 2, 3)).all())
    ((3, 8, 8, 1), True)

    Args:
        x: images (N, H, W, C) in [0, 1]; colour images get the gray occluder
            in every channel.
        coverage: share of the image side squared covered by the occluder's
            box, in (0, 1) (0.25).
        rate: share of images occluded, in [0, 1] (1.0).
        photo: which photograph the occluders come from, 0 or 1 (0).
        bank: number of distinct occluders drawn (64).
        seed: everything random depends only on it (an int or a list of ints).
    Returns:
        a float32 copy of ``x``.
    """
    x = np.array(x, dtype="float32", copy=True)
    if x.ndim != 4:
        raise ValueError(f"x must be a batch of images shaped (N, H, W, C); received: shape={x.shape}")
    if require_rate("coverage", coverage) == 0:
        raise ValueError("coverage must be in (0, 1); received: coverage=0")
    require_rate("rate", rate, closed=True)
    n, height, width, _ = x.shape
    side = max(2, int(round(np.sqrt(coverage) * min(height, width))))
    rng = np.random.default_rng(seed)
    patches, masks = occluders(bank, side, photo=photo, seed=int(rng.integers(2**31)))
    chosen = np.flatnonzero(rng.random(n) < rate)
    for i in chosen:
        k = rng.integers(bank)
        top, left = rng.integers(height - side + 1), rng.integers(width - side + 1)
        region = x[i, top:top + side, left:left + side]
        x[i, top:top + side, left:left + side] = region * (1 - masks[k]) + patches[k] * masks[k]
    return x

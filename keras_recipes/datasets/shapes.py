"""A seeded synthetic-shapes generator (diagram A5: pre-train on synthetic data)."""

import numpy as np

from keras_recipes.checks import require_choice, require_positive_int
from keras_recipes.datasets.splits import make_splits

SHAPES = ("circle", "square", "triangle", "cross")


def _mask(kind, yy, xx, cy, cx, r):
    dy, dx = yy - cy, xx - cx
    if kind == "circle":
        return dy**2 + dx**2 <= r**2
    if kind == "square":
        return (np.abs(dy) <= r * 0.8) & (np.abs(dx) <= r * 0.8)
    if kind == "triangle":  # apex up, base at cy + r
        return (dy <= r * 0.8) & (np.abs(dx) <= (dy + r) * 0.6)
    # cross: two bars of width r / 2
    return ((np.abs(dy) <= r / 4) & (np.abs(dx) <= r)) | ((np.abs(dx) <= r / 4) & (np.abs(dy) <= r))


def make_shapes(n, image_size=32, channels=3, *, seed=0, noise=0.05):
    """``n`` images of random shapes: random position, scale, colour and background.

    Returns ``(x, y)``: float32 images in [0, 1] of shape
    (n, image_size, image_size, channels) and int64 labels indexing ``SHAPES``.
    The same ``seed`` gives the same images.

    >>> x, y = make_shapes(8, image_size=16, seed=1)
    >>> x.shape, int(y.max()) < len(SHAPES)
    ((8, 16, 16, 3), True)
    """
    require_positive_int("n", n)
    require_positive_int("image_size", image_size)
    require_choice("channels", channels, (1, 3))
    if image_size < 8:
        raise ValueError(f"image_size must be >= 8 to draw a shape; received: image_size={image_size}")
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:image_size, 0:image_size].astype("float32")
    y = rng.integers(len(SHAPES), size=n)
    x = np.empty((n, image_size, image_size, channels), "float32")
    for i in range(n):
        r = rng.uniform(0.15, 0.35) * image_size
        cy, cx = rng.uniform(r, image_size - r, size=2)
        background = rng.uniform(0, 1, size=channels)
        # foreground at least 0.4 away from the background in some channel
        foreground = (background + rng.uniform(0.4, 0.6, size=channels) * rng.choice([-1, 1])) % 1.0
        inside = _mask(SHAPES[y[i]], yy, xx, cy, cx, r)[..., None]
        x[i] = np.where(inside, foreground, background)
    x += rng.normal(0, noise, size=x.shape).astype("float32")
    return np.clip(x, 0, 1), y.astype("int64")


def load_shapes(n=2000, image_size=32, channels=3, *, validation_fraction=0.15,
                test_fraction=0.15, batch_size=32, seed=0):
    """Synthetic shapes as train / validation / test pipelines (see ``load_digits``).

    ```python
    from keras_recipes.datasets import load_shapes
    source = load_shapes(n=1000, image_size=32, channels=1)
    source.class_names   # ('circle', 'square', 'triangle', 'cross')
    ```
    """
    x, y = make_shapes(n, image_size, channels, seed=seed)
    return make_splits(x, y, SHAPES, validation_fraction=validation_fraction,
                       test_fraction=test_fraction, batch_size=batch_size, seed=seed)

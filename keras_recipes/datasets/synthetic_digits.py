"""Synthetic digits: 0-9 rendered from matplotlib's bundled fonts under random affine transforms (A5).

Diagram A5 pre-trains on synthetic data before the real data. These are
the digits' glyphs from the fonts every matplotlib install ships (DejaVu
Sans/Serif/Mono, STIX and Computer Modern, in regular, bold and italic
cuts), each drawn with its own random scale, rotation, shear and
translation, rasterised with 4x4 supersampling (anti-aliased), blurred a
little and given ink in [0.6, 1] on a black background like the scikit-learn
and MNIST digits. Nothing is downloaded; the same ``seed`` gives the same
images on every machine with the same matplotlib fonts.
"""

import functools
import os

import numpy as np

from keras_recipes.checks import require_positive_int

FONT_FILES = (
    "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf",
    "DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf", "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf",
    "DejaVuSerif-Italic.ttf", "STIXGeneral.ttf", "STIXGeneralBol.ttf", "STIXGeneralItalic.ttf",
    "cmr10.ttf", "cmss10.ttf", "cmtt10.ttf",
)


@functools.lru_cache(maxsize=1)
def _glyphs():
    """``{(font, digit): (vertices, codes)}``: each glyph centred on its box, height 1."""
    import matplotlib
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath

    folder = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
    glyphs = {}
    for font in FONT_FILES:
        path = os.path.join(folder, font)
        if not os.path.exists(path):
            continue
        for digit in range(10):
            text = TextPath((0, 0), str(digit), size=1, prop=FontProperties(fname=path))
            vertices = np.asarray(text.vertices, dtype="float64")
            low, high = vertices.min(0), vertices.max(0)
            vertices = (vertices - (low + high) / 2) / (high[1] - low[1])
            glyphs[(font, digit)] = (vertices, np.asarray(text.codes))
    if not glyphs:
        raise FileNotFoundError(f"none of matplotlib's bundled fonts {FONT_FILES} was found under {folder}")
    return glyphs


def _affine(rng, image_size):
    """A random 2x3 map from glyph units (height 1, y up) to pixels (y down)."""
    height = rng.uniform(0.55, 0.8) * image_size
    angle = np.deg2rad(rng.uniform(-15, 15))
    shear = rng.uniform(-0.3, 0.3)
    stretch = rng.uniform(0.8, 1.2)
    rotate = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    linear = rotate @ np.array([[stretch, shear], [0.0, 1.0]]) * height * np.array([[1.0], [-1.0]])
    centre = image_size / 2 + rng.uniform(-0.1, 0.1, size=2) * image_size
    return linear, centre


def make_synthetic_digits(n, image_size=16, *, seed=0, supersample=4):
    """``n`` rendered digits under random affine transforms: ``(x, y)``.

    Each image picks a digit and a font uniformly, a glyph height of 55-80%
    of the side, a rotation within +-15 degrees, a shear within +-0.3, a
    horizontal stretch of 0.8-1.2 and a shift within +-10% of the side.

    >>> x, y = make_synthetic_digits(20, image_size=16, seed=0)
    >>> x.shape, x.dtype.name, float(x.min()) >= 0.0, float(x.max()) <= 1.0, sorted(set(y.tolist()))[:3]
    ((20, 16, 16, 1), 'float32', True, True, [0, 1, 2])

    Args:
        n: number of images, >= 1.
        image_size: side of the square images, >= 8 (16).
        seed: the only source of randomness (0).
        supersample: sub-pixel samples per side for anti-aliasing (4).
    Returns:
        float32 images (n, image_size, image_size, 1) in [0, 1] and int64
        labels 0-9.
    """
    from matplotlib.path import Path
    from scipy import ndimage

    require_positive_int("n", n)
    require_positive_int("image_size", image_size)
    require_positive_int("supersample", supersample)
    if image_size < 8:
        raise ValueError(f"image_size must be >= 8 to draw a digit; received: image_size={image_size}")
    glyphs = _glyphs()
    fonts = sorted({font for font, _ in glyphs}, key=FONT_FILES.index)
    rng = np.random.default_rng(seed)
    steps = (np.arange(image_size * supersample) + 0.5) / supersample
    points = np.stack(np.meshgrid(steps, steps, indexing="xy"), -1).reshape(-1, 2)  # (x, y) pixel coordinates
    y = rng.integers(10, size=n).astype("int64")
    x = np.empty((n, image_size, image_size, 1), "float32")
    for i in range(n):
        vertices, codes = glyphs[(fonts[rng.integers(len(fonts))], int(y[i]))]
        linear, centre = _affine(rng, image_size)
        inside = np.zeros(len(points), bool)
        for polygon in Path(vertices @ linear.T + centre, codes).to_polygons():
            inside ^= Path(polygon).contains_points(points)  # even-odd: the holes of 0, 4, 6, 8, 9 stay open
        image = inside.reshape(image_size, supersample, image_size, supersample).mean(axis=(1, 3))
        image = ndimage.gaussian_filter(image, rng.uniform(0.0, 0.5)) * rng.uniform(0.6, 1.0)
        x[i, :, :, 0] = np.clip(image, 0.0, 1.0)
    return x, y

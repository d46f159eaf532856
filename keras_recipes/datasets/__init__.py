"""Offline-first datasets: real digits, synthetic shapes, and a guarded TFDS loader.

Nothing here touches the network unless you call ``load_tfds(..., download=True)``.
"""

from keras_recipes.datasets.digits import digits_arrays, load_digits
from keras_recipes.datasets.mnist import load_mnist, mnist_arrays
from keras_recipes.datasets.noise import asymmetric_noise, symmetric_noise
from keras_recipes.datasets.occlusion import occlude, occluders
from keras_recipes.datasets.shapes import SHAPES, load_shapes, make_shapes
from keras_recipes.datasets.shifts import blur, shift_and_scale
from keras_recipes.datasets.splits import Splits, make_splits
from keras_recipes.datasets.synthetic_digits import make_synthetic_digits
from keras_recipes.datasets.tabular_bias import TabularBiasData, make_tabular_bias
from keras_recipes.datasets.tfds_loader import DatasetUnavailableError, load_tfds
from keras_recipes.datasets.multitask import (
    MultiTaskSplits, load_multilabel_shapes, load_multitask_digits, make_multilabel_shapes)

__all__ = [
    "DatasetUnavailableError", "SHAPES", "Splits", "asymmetric_noise", "blur", "digits_arrays", "load_digits",
    "load_mnist", "load_shapes", "load_tfds", "make_shapes", "make_splits", "make_tabular_bias",
    "make_synthetic_digits", "mnist_arrays", "occlude", "occluders", "shift_and_scale", "symmetric_noise",
    "TabularBiasData", "MultiTaskSplits", "load_multilabel_shapes", "load_multitask_digits", "make_multilabel_shapes",
]

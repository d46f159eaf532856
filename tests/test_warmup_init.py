"""Warmup initialisation (diagram A3) on top of callbacks.LearningRateWarmup."""

import functools
import math

import numpy as np
import pytest

from keras_recipes.datasets import load_digits
from keras_recipes.initialization.warmup_init import warmup_init
from keras_recipes.zoo import vgg

BUILDER = functools.partial(vgg, input_shape=(8, 8, 1), width=4, depth=(1,))


@pytest.fixture(scope="module")
def data():
    return load_digits(image_size=8, batch_size=128).train.take(2)


def test_rate_steps_up_each_epoch_then_holds(data):
    history = warmup_init(BUILDER(), data, target_learning_rate=0.3, warmup_epochs=3,
                          epochs=5, verbose=0)
    np.testing.assert_allclose(history.history["learning_rate"],
                               [0.1, 0.2, 0.3, 0.3, 0.3], rtol=1e-6)


def test_cosine_after_warmup_and_start_rate(data):
    history = warmup_init(BUILDER(), data, target_learning_rate=0.2, warmup_epochs=2, epochs=4,
                          start_learning_rate=0.1, decay="cosine", verbose=0)
    # ramp 0.1 -> 0.2 in 2 steps, then cosine over T = 4 - 2 + 1 = 3 from the target
    expected = [0.15, 0.2] + [0.1 * (1 + math.cos(math.pi * t / 3)) for t in (1, 2)]
    np.testing.assert_allclose(history.history["learning_rate"], expected, rtol=1e-5)


def test_warmup_init_validates_arguments(data):
    with pytest.raises(ValueError, match="epochs must be >= warmup_epochs"):
        warmup_init(BUILDER(), data, target_learning_rate=0.1, warmup_epochs=3, epochs=2)
    with pytest.raises(TypeError, match="model must be a ModelBundle"):
        warmup_init("vgg", data, target_learning_rate=0.1, warmup_epochs=1)
    with pytest.raises(ValueError, match="target_learning_rate"):
        warmup_init(BUILDER(), data, target_learning_rate=-1.0, warmup_epochs=1)

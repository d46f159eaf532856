"""The shared door checks: each names the argument and what it received."""

import pytest

from keras_recipes import zoo
from keras_recipes.checks import keras_model_of, require_bundle
from keras_recipes.initialization.lottery import lottery_init


def test_keras_model_of_unwraps_bundles_and_refuses_the_rest():
    bundle = zoo.vgg(input_shape=(8, 8, 1), width=2, depth=(1,))
    assert keras_model_of("model", bundle) is bundle.model
    assert keras_model_of("model", bundle.model) is bundle.model
    with pytest.raises(TypeError, match=r"^model must be a ModelBundle or a keras.Model; received: str$"):
        keras_model_of("model", "resnet")


def test_require_bundle_refuses_a_plain_model():
    bundle = zoo.vgg(input_shape=(8, 8, 1), width=2, depth=(1,))
    assert require_bundle("bundle", bundle) is bundle
    with pytest.raises(TypeError, match=r"^bundle must be a ModelBundle; received: Functional$"):
        require_bundle("bundle", bundle.model)


def test_a_builder_returning_no_model_is_named_in_the_error():
    import tensorflow as tf

    data = tf.data.Dataset.from_tensor_slices(([[0.0]], [0])).batch(1)
    with pytest.raises(TypeError, match=r"the builder's result must be a ModelBundle .* received: dict"):
        lottery_init(lambda: {"not": "a model"}, data, draws=1, verbose=0)

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


def test_fresh_optimizer_is_new_each_time_and_names_a_bad_argument():
    from keras_recipes.checks import fresh_optimizer

    first, second = fresh_optimizer("optimizer", "sgd", 0.1), fresh_optimizer("optimizer", "sgd", 0.1)
    assert first is not second and type(first).__name__ == "SGD"
    assert float(first.learning_rate) == pytest.approx(0.1)
    with pytest.raises(ValueError, match="optimizer must be a Keras optimizer name.*'nope'"):
        fresh_optimizer("optimizer", "nope", 0.1)
    with pytest.raises(TypeError, match="received: optimizer=3"):
        fresh_optimizer("optimizer", 3, 0.1)


def test_walk_layers_flattens_nested_models_in_build_order():
    import keras

    from keras_recipes.bundle import walk_layers

    bundle = zoo.vgg(input_shape=(8, 8, 1), num_classes=3, width=4, depth=(1,))
    leaves = [layer.name for layer in walk_layers(bundle.model) if layer.weights]
    assert leaves == [layer.name for layer in walk_layers(bundle.encoder) if layer.weights] + [
        layer.name for layer in walk_layers(bundle.head) if layer.weights]
    with_containers = [layer.name for layer in walk_layers(bundle.model, containers=True)]
    assert with_containers.index("encoder") < with_containers.index(leaves[0])
    assert not any(isinstance(layer, keras.Model) for layer in walk_layers(bundle.model))

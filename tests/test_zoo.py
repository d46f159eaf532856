"""Builders: shapes, options, stochastic depth, and errors raised at the door."""

import keras
import numpy as np
from keras.ops import convert_to_numpy as to_np  # torch outputs need detaching
import pytest

from keras_recipes import Classifier, Regressor, StochasticDepth, check_dataset, zoo
from keras_recipes.datasets import load_digits


@pytest.mark.parametrize("name", sorted(zoo.ARCHITECTURES))
@pytest.mark.parametrize("pooling,rank", [("avg", 1), ("max", 1), ("flatten", 1), (None, 3)])
def test_bottleneck_rank_per_pooling(name, pooling, rank):
    bundle = zoo.build(name, input_shape=(16, 16, 3), width=4, depth=(1, 1), pooling=pooling)
    assert len(bundle.bottleneck_shape) == rank
    assert bundle.model.output.shape == (None, 10)


def test_width_and_depth_shape_the_learner():
    narrow = zoo.resnet(width=4, depth=(1, 1))
    wide = zoo.resnet(width=8, depth=(1, 1))
    deep = zoo.resnet(width=4, depth=(3, 1))
    assert narrow.bottleneck_shape == (8,) and wide.bottleneck_shape == (16,)
    blocks = {layer.name.rsplit("_", 1)[0] for layer in deep.encoder.layers if "_block" in layer.name}
    assert {"group1_block3_a", "group2_block1_a"} <= blocks
    assert deep.model.count_params() > narrow.model.count_params()


def test_stochastic_depth_rates_grow_linearly_to_the_option():
    bundle = zoo.resnet(width=4, depth=(2, 2), stochastic_depth=0.3)
    rates = [layer.rate for layer in bundle.encoder.layers if isinstance(layer, StochasticDepth)]
    np.testing.assert_allclose(rates, [0.1, 0.2, 0.3])  # first block (rate 0) has none
    plain = zoo.resnet(width=4, depth=(2, 2))
    assert not any(isinstance(layer, StochasticDepth) for layer in plain.encoder.layers)


def test_stochastic_depth_layer_drops_whole_examples_and_keeps_the_mean():
    layer = StochasticDepth(0.25, seed=3)
    x = np.ones((4000, 2, 3), "float32")
    y = to_np(layer(x, training=True))
    per_example = y.reshape(4000, -1)
    kept = per_example[per_example != 0]
    np.testing.assert_allclose(kept, 1 / 0.75, rtol=1e-6)  # survivors are rescaled
    assert (per_example.min(axis=1) == per_example.max(axis=1)).all()
    assert abs(y.mean() - 1.0) < 0.05 and abs((per_example[:, 0] == 0).mean() - 0.25) < 0.03
    np.testing.assert_array_equal(to_np(layer(x, training=False)), x)
    clone = StochasticDepth.from_config(layer.get_config())
    assert clone.rate == 0.25 and clone.seed == 3


def test_a_new_architecture_is_a_new_arrangement_of_the_parts():
    inputs = keras.Input((32, 32, 1))
    x = zoo.stem(inputs, 16)
    x = zoo.vgg_group(x, 16, blocks=2, name="plain")
    x = zoo.residual_block(x, 32, strides=2, name="res")
    bundle = zoo.assemble("hybrid", inputs, x, "avg", Classifier(10))
    assert bundle.bottleneck_shape == (32,) and bundle.model.name == "hybrid"
    names = [layer.name for layer in bundle.encoder.layers]
    assert names.index("stem_conv") < names.index("plain_pool") < names.index("res_add")
    x = np.random.default_rng(0).random((2, 32, 32, 1), dtype=np.float32)
    np.testing.assert_allclose(to_np(bundle.head(bundle.encoder(x))), to_np(bundle.model(x)), atol=1e-6)


def test_multi_head_and_regressor_tasks():
    bundle = zoo.vgg(width=4, depth=(1, 1), task={"cls": Classifier(3, dropout=0.5),
                                                   "box": Regressor(4)})
    assert set(bundle.model.output) == {"cls", "box"}
    assert any(isinstance(layer, keras.layers.Dropout) for layer in bundle.head.layers)


@pytest.mark.parametrize("call,error,message", [
    (lambda: zoo.build("alexnet"), ValueError, r"name must be one of \['mobilenet_v2', 'resnet', 'vgg'\]"),
    (lambda: zoo.resnet(pooling="mean"), ValueError, r"pooling must be one of \['avg', 'max', 'flatten', None\]"),
    (lambda: zoo.vgg(input_shape=(8, 8, 1), depth=(1, 1, 1, 1)), ValueError, r"too small.*4 downsampling steps need at least 16x16"),
    (lambda: zoo.resnet(input_shape=(28, 28)), ValueError, r"input_shape must be \(height, width, channels\)"),
    (lambda: zoo.resnet(num_classes=0), ValueError, r"num_classes must be a positive int.*num_classes=0"),
    (lambda: zoo.mobilenet_v2(width=-8), ValueError, r"width must be a positive int.*width=-8"),
    (lambda: zoo.resnet(width=2.5), TypeError, r"width must be a positive int.*width=2.5"),
    (lambda: zoo.resnet(depth=()), ValueError, r"depth must be a non-empty tuple"),
    (lambda: zoo.resnet(depth=3), ValueError, r"depth must be a non-empty tuple"),
    (lambda: zoo.resnet(stochastic_depth=1.0), ValueError, r"stochastic_depth must be in \[0, 1\)"),
    (lambda: zoo.resnet(num_classes=3, task=Regressor()), ValueError, r"either num_classes= .* or task="),
    (lambda: zoo.resnet(task="softmax"), TypeError, r"task must be a Classifier"),
    (lambda: zoo.resnet(task={}), ValueError, r"task dict must name at least one head"),
    (lambda: Classifier(3, activation="relu"), ValueError, r"activation must be one of"),
    (lambda: Classifier(3, dropout=1.5), ValueError, r"dropout must be in \[0, 1\)"),
])
def test_bad_arguments_fail_at_the_door(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_dataset_whose_images_do_not_fit_the_model_is_refused():
    bundle = zoo.vgg(input_shape=(32, 32, 1), width=4, depth=(1, 1))
    with pytest.raises(ValueError, match=r"\(8, 8, 1\) but the model expects \(32, 32, 1\).*image_size="):
        check_dataset(bundle, load_digits(image_size=8).train)
    with pytest.raises(ValueError, match=r"channel count differs"):
        check_dataset(bundle, load_digits(image_size=32, channels=3).train)
    check_dataset(bundle, load_digits(image_size=32).train)  # fits: no error
    check_dataset(bundle.model, load_digits(image_size=32).train.unbatch())

"""Freeze / unfreeze: frozen weights stay bitwise, BatchNorm statistics stay, exact layer sets."""

import keras
import numpy as np
import pytest

from keras_recipes.datasets import load_digits
from keras_recipes.transfer import (
    backbone, base_blocks, base_layers, block_name, freeze, train_head, train_top, unfreeze,
)


@pytest.fixture(scope="module")
def target():
    return load_digits(image_size=16, classes=(5, 6, 7, 8, 9), labelled_fraction=0.1, seed=0)


def _values(layers):
    return {f"{layer.name}/{i}": keras.ops.convert_to_numpy(w) for layer in layers for i, w in enumerate(layer.weights)}


def _is_bn(layer):
    return isinstance(layer, keras.layers.BatchNormalization)


def test_head_training_leaves_the_frozen_base_bitwise_unchanged(target):
    bundle = backbone("reference", num_classes=5)
    before_base = _values(base_layers(bundle))
    before_head = _values(bundle.head.layers)
    train_head(bundle, target.train, epochs=2, learning_rate=1e-2, verbose=0)
    after_base = _values(base_layers(bundle))
    assert before_base.keys() == after_base.keys() and len(before_base) > 20
    for name, value in before_base.items():
        np.testing.assert_array_equal(after_base[name], value, err_msg=name)
    moved = [n for n, v in _values(bundle.head.layers).items() if not np.array_equal(v, before_head[n])]
    assert sorted(moved) == ["predictions/0", "predictions/1"]


def test_batchnorm_statistics_stay_frozen_during_fine_tuning(target):
    bundle = backbone("reference", num_classes=5)
    train_head(bundle, target.train, epochs=1, verbose=0)
    layers = base_layers(bundle)
    before = _values(layers)
    train_top(bundle, target.train, epochs=2, learning_rate=1e-3, last_blocks=2,
              warmup_epochs=1, verbose=0)
    after = _values(layers)
    bns = [layer for layer in layers if _is_bn(layer)]
    assert bns and all(not layer.trainable for layer in bns)
    for layer in bns:  # gamma, beta, moving mean, moving variance
        for i in range(4):
            np.testing.assert_array_equal(after[f"{layer.name}/{i}"], before[f"{layer.name}/{i}"])
    top_conv = "group3_block1_b_conv/0"
    assert not np.array_equal(after[top_conv], before[top_conv])      # unfrozen: moved
    np.testing.assert_array_equal(after["stem_conv/0"], before["stem_conv/0"])  # below: frozen


def test_batchnorm_can_be_released_on_request(target):
    """The control for the test above: a trainable BN does update its statistics."""
    bundle = backbone("reference", num_classes=5)
    opened = unfreeze(bundle, last_blocks=1, batchnorm_frozen=False)
    bn = [layer for layer in opened if _is_bn(layer)][-1]
    before = keras.ops.convert_to_numpy(bn.moving_mean)
    bundle.model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    bundle.model.fit(target.train.take(1), verbose=0)
    assert not np.array_equal(keras.ops.convert_to_numpy(bn.moving_mean), before)


@pytest.mark.parametrize("n", [1, 4, 7])
def test_unfreezing_the_last_n_layers_makes_exactly_those_trainable(n):
    bundle = freeze(backbone("reference", num_classes=5))
    assert bundle.encoder.trainable_weights == []
    layers = base_layers(bundle)
    opened = unfreeze(bundle, last=n)
    expected = [layer for layer in layers[-n:] if not _is_bn(layer)]
    assert opened == expected
    assert [layer for layer in layers if layer.trainable] == expected
    expected_vars = {id(v) for layer in expected for v in layer.trainable_weights}
    head_vars = {id(v) for v in bundle.head.trainable_weights}
    assert {id(v) for v in bundle.model.trainable_weights} == expected_vars | head_vars


def test_unfreeze_inside_a_nested_keras_application():
    bundle = backbone("MobileNetV2", input_shape=(32, 32, 1), num_classes=3, weights=None, alpha=0.35)
    freeze(bundle)
    opened = unfreeze(bundle, last=5)
    layers = base_layers(bundle)
    assert [layer.name for layer in opened] == ["block_16_project", "Conv_1"]
    assert opened == [layer for layer in layers[-5:] if not _is_bn(layer)]
    assert [layer for layer in layers if layer.trainable] == opened
    assert len(bundle.model.trainable_weights) == sum(len(l.trainable_weights) for l in opened) + 2


def test_blocks_and_from_layer():
    bundle = backbone("reference", num_classes=5)
    assert [name for name, _ in base_blocks(bundle)] == [
        "stem", "group1_block1", "group2_block1", "group3_block1"]
    opened = unfreeze(bundle, from_layer="group3")
    assert opened and all(layer.name.startswith("group3_block1") for layer in opened)
    assert opened == [l for l in base_layers(bundle) if l.trainable]
    assert {block_name(l.name) for l in unfreeze(bundle, last_blocks=2)} == {
        "group2_block1", "group3_block1"}


def test_block_names_of_keras_applications():
    assert block_name("conv4_block3_1_bn") == "conv4_block3"
    assert block_name("block5_conv3") == "block5"
    assert block_name("block_13_expand") == "block_13"
    assert block_name("block6a_expand_conv") == "block6a"
    assert block_name("Conv1") == "Conv1"


def test_unfreeze_argument_errors():
    bundle = backbone("reference", num_classes=5)
    with pytest.raises(ValueError, match="at most one of"):
        unfreeze(bundle, last=2, from_layer="group3")
    with pytest.raises(ValueError, match="group2_block1"):
        unfreeze(bundle, from_layer="conv9")
    with pytest.raises(ValueError, match="last"):
        unfreeze(bundle, last=0)
    with pytest.raises(TypeError, match="ModelBundle"):
        freeze(bundle.model)


def test_freeze_recompiles_a_compiled_model(target):
    bundle = backbone("reference", num_classes=5)
    bundle.model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    bundle.model.fit(target.train.take(1), verbose=0)   # trains everything once
    freeze(bundle)                                       # recompiles: new train step
    before = _values(base_layers(bundle))
    bundle.model.fit(target.train.take(2), verbose=0)
    after = _values(base_layers(bundle))
    for name, value in before.items():
        np.testing.assert_array_equal(after[name], value, err_msg=name)


def test_unrecompilable_model_error_names_the_real_parameter(monkeypatch):
    from keras_recipes.transfer import recompile

    inputs = keras.Input((2,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    model.compile(optimizer="sgd", loss="mse")
    monkeypatch.setattr(model, "get_compile_config", lambda: None)
    with pytest.raises(ValueError, match="pass recompile_model=False"):
        recompile(model)

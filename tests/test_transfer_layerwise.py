"""Layer-wise learning rates: each variable's step is its multiplier times the plain step."""

import keras
import numpy as np
import pytest

from keras_recipes.optimizers import DiscriminativeRates
from keras_recipes.transfer import (
    backbone, base_blocks, layerwise_multipliers, unfreeze,
)


def _one_step(optimizer_factory, wrap, seed=0):
    """Weights before and after one train step from identical weights and batch."""
    keras.utils.set_random_seed(seed)
    bundle = backbone("reference", num_classes=5)
    unfreeze(bundle, batchnorm_frozen=True)
    rates = layerwise_multipliers(bundle, decay=0.5)
    optimizer = optimizer_factory()
    if wrap:
        optimizer = DiscriminativeRates(optimizer, rates)
    bundle.model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, (16, 16, 16, 1)).astype("float32")
    y = np.arange(16) % 5
    before = {v.path: keras.ops.convert_to_numpy(v) for v in bundle.model.trainable_variables}
    bundle.model.train_on_batch(x, y)
    after = {v.path: keras.ops.convert_to_numpy(v) for v in bundle.model.trainable_variables}
    return before, after, rates


@pytest.mark.parametrize("factory", [
    lambda: keras.optimizers.SGD(0.05, momentum=0.9),
    lambda: keras.optimizers.Adam(1e-3),
], ids=["sgd_momentum", "adam"])
def test_each_layer_moves_by_its_multiplier_times_the_plain_step(factory):
    before, plain, rates = _one_step(factory, wrap=False)
    before_w, wrapped, _ = _one_step(factory, wrap=True)
    for path, start in before.items():
        np.testing.assert_array_equal(before_w[path], start)
        factor = rates[path.split("/")[-2]]
        np.testing.assert_allclose(wrapped[path] - start, factor * (plain[path] - start),
                                   rtol=1e-4, atol=1e-7, err_msg=path)
    # earlier layers move less than later ones, by exactly the configured factor
    step = {p: np.abs(wrapped[p] - before[p]).sum() / np.abs(plain[p] - before[p]).sum()
            for p in before}
    np.testing.assert_allclose(step["stem_conv/kernel"] / step["group3_block1_b_conv/kernel"],
                               0.5**3, rtol=1e-4)


def test_multipliers_decay_by_block_from_the_head_down():
    bundle = backbone("reference", num_classes=5)
    rates = layerwise_multipliers(bundle, decay=0.5)
    assert rates["predictions"] == 1.0
    for depth, (_, layers) in enumerate(reversed(base_blocks(bundle)), start=1):
        assert {rates[layer.name] for layer in layers} == {0.5**depth}
    per_layer = layerwise_multipliers(bundle, decay=0.9, unit="layer")
    assert per_layer["group3_block1_b_bn"] == 0.9 and per_layer["stem_conv"] == 0.9**len(
        [n for n in per_layer if n != "predictions"])


def test_optimizer_config_round_trip_and_validation():
    optimizer = DiscriminativeRates(keras.optimizers.SGD(0.1), {"a": 0.25}, default_multiplier=0.5)
    again = keras.optimizers.deserialize(keras.optimizers.serialize(optimizer))
    assert isinstance(again, DiscriminativeRates) and again.multipliers == {"a": 0.25}
    assert again.default_multiplier == 0.5 and isinstance(again.inner_optimizer, keras.optimizers.SGD)
    assert float(again.learning_rate) == pytest.approx(0.1)
    with pytest.raises(ValueError, match="a=-1"):
        DiscriminativeRates(keras.optimizers.SGD(), {"a": -1})
    with pytest.raises(TypeError, match="inner_optimizer"):
        DiscriminativeRates("sgd", {})
    with pytest.raises(ValueError, match="decay"):
        layerwise_multipliers(backbone("reference", num_classes=5), decay=0)

"""Lottery initialisation (diagram A2): the lowest-loss draw wins; NaN draws are dropped."""

import functools
import math

import keras
import numpy as np
import pytest

from keras_recipes.datasets import load_digits
from keras_recipes.initialization.lottery import lottery_init
from keras_recipes.tasks import Classifier
from keras_recipes.zoo import vgg

BUILDER = functools.partial(vgg, input_shape=(8, 8, 1), width=4, depth=(1,))


@pytest.fixture(scope="module")
def data():
    # Unshuffled, so the loss can be recomputed on the very same batches.
    return load_digits(image_size=8, batch_size=64).validation


def test_lottery_picks_the_lowest_loss_draw(data):
    result = lottery_init(BUILDER, data, draws=4, steps=3, learning_rate=1e-3, verbose=0)
    losses = [d["loss"] for d in result.draws]
    assert [d["seed"] for d in result.draws] == [0, 1, 2, 3]
    assert len(set(losses)) == 4                          # distinct draws
    assert result.winner_draw == int(np.argmin(losses))
    again = result.winner.model.evaluate(data.repeat().take(3), verbose=0)
    assert again == pytest.approx(min(losses), rel=1e-6)  # the returned model is the winner
    assert "*" in result.table().splitlines()[1 + result.winner_draw]


def test_a_nan_draw_is_dropped_with_a_warning(data):
    calls = []

    def poisoned():  # logits out, so a NaN weight is a NaN loss (softmax CE would clip it)
        bundle = BUILDER(task=Classifier(10, activation=None))
        calls.append(1)
        if len(calls) == 2:
            dense = bundle.head.get_layer("predictions")
            dense.set_weights([np.full_like(w, np.nan) for w in dense.get_weights()])
        return bundle

    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    with pytest.warns(UserWarning, match=r"draw 1 \(seed 1\) gave a non-finite"):
        result = lottery_init(poisoned, data, draws=3, steps=2, loss=loss, verbose=0)
    assert [d["status"] for d in result.draws] == ["kept", "dropped", "kept"]
    assert math.isnan(result.draws[1]["loss"]) and result.winner_draw != 1
    fig = result.plot()
    assert len(fig.axes[0].patches) == 2                  # bars for the kept draws only


def test_lottery_validates_its_arguments(data):
    with pytest.raises(ValueError, match="draws"):
        lottery_init(BUILDER, data, draws=0)
    with pytest.raises(ValueError, match=r"learning_rate must be > 0; received: learning_rate=0"):
        lottery_init(BUILDER, data, learning_rate=0)
    with pytest.raises(TypeError, match="tf.data.Dataset"):
        lottery_init(BUILDER, np.zeros((4, 8, 8, 1)))

"""Linear scaling rule (Goyal et al.) and its hand-over to the warmup callback."""

import pytest

from keras_recipes.callbacks import LearningRateWarmup
from keras_recipes.schedules.scaling import linear_scaling


def test_scaling_up_multiplies_the_rate_and_warms_up_from_the_reference():
    r = linear_scaling(8192, reference_batch_size=256, reference_learning_rate=0.1)
    assert r.scale == 32 and r.learning_rate == pytest.approx(3.2)
    assert r.start_learning_rate == pytest.approx(0.1) and r.warmup_epochs == 5
    assert r.warmup_steps(steps_per_epoch=156) == 780
    cb = LearningRateWarmup(r.learning_rate, r.warmup_epochs, start_learning_rate=r.start_learning_rate)
    assert cb.target_learning_rate == pytest.approx(3.2)


def test_scaling_down_needs_no_warmup():
    r = linear_scaling(64, reference_learning_rate=0.1)
    assert r.learning_rate == pytest.approx(0.025) and r.warmup_epochs == 0
    assert r.start_learning_rate == r.learning_rate


@pytest.mark.parametrize("kwargs, message", [(dict(batch_size=0), "batch_size"),
                                             (dict(batch_size=64, reference_learning_rate=0), "reference_learning_rate"),
                                             (dict(batch_size=64, warmup_epochs=0), "warmup_epochs")])
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        linear_scaling(**kwargs)

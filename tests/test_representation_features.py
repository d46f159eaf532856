"""A5 synthetic digits and pre-training, A6 occluders and occlusion training: behaviour on tiny runs."""

import numpy as np
import pytest

from keras_recipes.datasets import load_digits, make_synthetic_digits, occlude, occluders
from keras_recipes.representation import occlusion_training, synthetic_pretraining
from keras_recipes.representation.occlusion import random_erasing


def test_synthetic_digits_are_seeded_and_keep_the_holes_of_the_glyphs():
    x, y = make_synthetic_digits(200, image_size=16, seed=3)
    again, y_again = make_synthetic_digits(200, image_size=16, seed=3)
    np.testing.assert_array_equal(x, again)
    np.testing.assert_array_equal(y, y_again)
    assert not np.array_equal(x, make_synthetic_digits(200, image_size=16, seed=4)[0])
    assert x.shape == (200, 16, 16, 1) and 0.0 <= x.min() and x.max() <= 1.0
    assert set(y.tolist()) == set(range(10))
    # a 0 is a ring: its centre is much darker than the ring (an even-odd fill; a filled blob would fail)
    zeros = x[y == 0, :, :, 0]
    assert zeros[:, 7:9, 7:9].mean() < 0.5 * zeros.max(axis=(1, 2)).mean()
    with pytest.raises(ValueError, match="image_size"):
        make_synthetic_digits(2, image_size=4)


def test_occlude_hides_a_box_of_the_requested_size_in_the_requested_share():
    x = np.full((40, 16, 16, 1), 0.5, "float32")
    out = occlude(x, coverage=0.25, rate=0.5, seed=0)
    changed = np.any(out != x, axis=(1, 2, 3))
    assert 10 <= changed.sum() <= 30
    np.testing.assert_array_equal(out[~changed], x[~changed])
    for image in out[changed, :, :, 0]:
        rows, cols = np.nonzero(image != 0.5)
        assert np.ptp(rows) < 8 and np.ptp(cols) < 8  # within the 8x8 box: sqrt(0.25) * 16
    np.testing.assert_array_equal(out, occlude(x, coverage=0.25, rate=0.5, seed=0))
    np.testing.assert_array_equal(occlude(x, rate=0.0), x)
    train, test = occluders(8, size=8, photo=0, seed=0)[0], occluders(8, size=8, photo=1, seed=0)[0]
    assert not np.allclose(train, test)
    with pytest.raises(ValueError, match="coverage"):
        occlude(x, coverage=0)


def test_random_erasing_is_told_our_value_range():
    x = np.full((32, 16, 16, 1), 0.5, "float32")
    erased = random_erasing(1.0, seed=0)(x, 0)
    changed = np.any(erased != x, axis=(1, 2, 3))
    assert changed.mean() > 0.5 and 0.0 <= erased.min() and erased.max() <= 1.0
    # with the default value_range=(0, 255) the noise would be ~255x too small to see: here it is visible
    assert np.abs(erased - x).max() > 0.1


@pytest.mark.slow
def test_synthetic_pretraining_and_occlusion_training_tables():
    """The issue's one slow test: two tiny recipe runs (five small trainings)."""
    result = synthetic_pretraining(fractions=(0.1,), synthetic=200, pretrain_epochs=1, steps=20, finetune_steps=5,
                                   width=4, seed=0)
    train_size = len(load_digits(image_size=16, seed=0).arrays["train"][1])
    assert abs(result.labelled[0.1] - 0.1 * train_size) <= 10
    assert set(result.rows[0.1]) == {"scratch", "synthetic"} and 0.0 <= result.synthetic_only <= 1.0
    assert result.gain(0.1) == pytest.approx(result.rows[0.1]["synthetic"] - result.rows[0.1]["scratch"])
    assert "synthetic" in result.table() and result.plot() is not None
    data = load_digits(image_size=16, classes=(0, 1, 2), seed=0)
    occ = occlusion_training(data, arms=("plain", "occlusion (A6)"), epochs=2, width=4, seed=0)
    assert list(occ.rows) == ["plain", "occlusion (A6)"]
    assert occ.rows["plain"]["clean"] > 0.6
    assert occ.gain() == pytest.approx(occ.rows["occlusion (A6)"]["occluded"] - occ.rows["plain"]["occluded"])
    assert "occluded" in occ.table() and occ.plot() is not None
    with pytest.raises(ValueError, match="plain"):
        occlusion_training(data, arms=("RandomErasing",))
    with pytest.raises(ValueError, match="fractions"):
        synthetic_pretraining(fractions=())

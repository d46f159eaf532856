"""Label-noise helpers: exact flip counts, seeded, and masks that match the flips."""

import numpy as np
import pytest

from keras_recipes.datasets import asymmetric_noise, symmetric_noise


def test_symmetric_noise_flips_exactly_the_rate_to_other_classes():
    y = np.repeat(np.arange(10), 30)
    noisy, flipped = symmetric_noise(y, 0.4, 10, seed=3)
    assert flipped.sum() == 120
    assert (noisy[flipped] != y[flipped]).all() and (noisy[~flipped] == y[~flipped]).all()
    again, _ = symmetric_noise(y, 0.4, 10, seed=3)
    other, _ = symmetric_noise(y, 0.4, 10, seed=4)
    assert (again == noisy).all() and (other != noisy).any()
    # flips spread over every other class, not one
    assert len(np.unique(noisy[flipped & (y == 0)])) > 3


def test_asymmetric_noise_follows_the_mapping_at_the_rate():
    y = np.repeat(np.arange(10), 400)
    noisy, flipped = asymmetric_noise(y, 0.3, {2: 7, 5: 6, 6: 5}, seed=0)
    assert set(np.unique(y[flipped])) == {2, 5, 6}
    assert (noisy[flipped & (y == 2)] == 7).all()
    assert abs(flipped[y == 2].mean() - 0.3) < 0.06


@pytest.mark.parametrize("call, kind, name", [
    (lambda: symmetric_noise([0, 1], 1.5, 2), ValueError, "rate"),
    (lambda: symmetric_noise([0, 5], 0.1, 2), ValueError, "labels"),
    (lambda: symmetric_noise([0.5], 0.1, 2), TypeError, "labels"),
    (lambda: asymmetric_noise([0, 1], 0.1, {1: 1}), ValueError, "mapping"),
    (lambda: asymmetric_noise([0, 1], 0.1, []), TypeError, "mapping"),
])
def test_noise_helpers_refuse_bad_input(call, kind, name):
    with pytest.raises(kind, match=name):
        call()

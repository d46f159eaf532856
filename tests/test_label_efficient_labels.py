"""A10 denoising and A11 pseudo-labelling mechanisms; the MNIST loader and the shifted test set."""

import keras
import numpy as np
import pytest

from keras_recipes.datasets import symmetric_noise
from keras_recipes.datasets.mnist import load_mnist, mnist_arrays
from keras_recipes.datasets.shifts import shift_and_scale
from keras_recipes.label_efficient.denoising import denoise, relabel
from keras_recipes.label_efficient.pseudo_labels import pseudo_label, select_pseudo_labels


def blobs(n, seed=0, classes=3):
    rng = np.random.default_rng(seed)
    centres = 2 * np.random.default_rng(99).normal(size=(classes, 6))
    y = np.arange(n) % classes
    return (centres[y] + 0.5 * rng.normal(size=(n, 6))).astype("float32"), y


def linear():
    return keras.Sequential([keras.Input((6,)), keras.layers.Dense(3)])


def test_relabel_uses_only_out_of_bag_learners_and_the_agreement_rule():
    probs = np.array([
        [[0.9, 0.1, 0.0], [0.0, 1.0, 0.0], [0.7, 0.3, 0.0]],   # learner 0
        [[0.1, 0.9, 0.0], [0.0, 1.0, 0.0], [0.1, 0.9, 0.0]],   # learner 1 (trained on example 0)
    ])
    in_bag = np.array([[False, False, False], [True, False, False]])
    labels, accepted, votes = relabel(probs, in_bag, np.array([2, 2, 2]), rule="agreement", confidence=0.6)
    assert votes.tolist() == [1, 2, 2]
    assert labels.tolist() == [0, 1, 2] and accepted.tolist() == [True, True, False]  # ex. 2: learners disagree
    labels, accepted, _ = relabel(probs, in_bag, np.array([2, 2, 2]), rule="confidence", confidence=0.5)
    assert labels.tolist() == [0, 1, 1] and accepted.all()
    labels, accepted, _ = relabel(probs, np.ones((2, 3), bool), np.array([2, 2, 2]))
    assert labels.tolist() == [2, 2, 2] and not accepted.any()                       # no out-of-bag vote


def test_denoised_labels_are_more_accurate_than_the_noisy_ones_on_a_fixed_seed():
    x, y = blobs(160, seed=1)
    noisy, flipped = symmetric_noise(y[:140], 0.4, 3, seed=0)
    result = denoise(linear, x[:140], noisy, x[140:], y[140:], learners=3, epochs=15, finetune_epochs=3,
                     strong_epochs=10, learning_rate=0.05, finetune_learning_rate=0.01, y_true=y[:140],
                     test_data=blobs(60, seed=2))
    assert result.label_accuracy_before == pytest.approx(0.6, abs=0.01)
    assert result.label_accuracy_after >= result.label_accuracy_before + 0.2
    assert result.precision > 0.8 and result.recall > 0.2
    assert result.strong_accuracy > 0.8
    assert "relabel precision" in result.table()
    result.plot()
    with pytest.raises(ValueError, match="learners must be >= 2"):
        denoise(linear, x, y, x, y, learners=1)
    with pytest.raises(ValueError, match="rule"):
        denoise(linear, x, y, x, y, rule="vote")


def test_pseudo_label_selection_caps_a_flooding_class():
    rng = np.random.default_rng(0)
    probs = np.full((100, 3), 0.01)
    probs[:80, 0] = 0.98                       # 80 confident class-0 predictions
    probs[80:90, 1] = 0.98
    probs[90:] = [0.3, 0.3, 0.4]               # below threshold
    probs = probs / probs.sum(-1, keepdims=True)
    idx, labels = select_pseudo_labels(probs[rng.permutation(100)], threshold=0.9, per_class_cap=15)
    assert np.bincount(labels, minlength=3).tolist() == [15, 10, 0]
    assert len(set(idx.tolist())) == len(idx)
    with pytest.raises(ValueError, match="threshold"):
        select_pseudo_labels(probs, threshold=1.5)


def test_pseudo_label_rounds_grow_the_composite_set_within_the_cap():
    x, y = blobs(200, seed=3)
    result = pseudo_label(linear, x[:9], y[:9], x[9:180], rounds=2, threshold=0.8, per_class_cap=20, epochs=30,
                          learning_rate=0.05, y_unlabelled=y[9:180], validation_data=(x[180:], y[180:]))
    table = result.rounds
    assert [r["round"] for r in table] == [0, 1, 2]
    assert table[1]["train_size"] == 9 + table[0]["added"]
    assert all(max(r["per_class_added"] or [0]) <= 20 for r in table)
    assert table[0]["added"] > 0 and table[0]["added_accuracy"] > 0.8
    assert "added_acc" in result.table()
    result.plot()


def test_mnist_loader_has_the_splits_interface_and_filters_classes():
    x, y = mnist_arrays()
    assert x.shape == (5000, 28, 28, 1) and x.dtype == np.float32 and 0 <= x.min() and x.max() == 1.0
    assert sorted(np.unique(y)) == list(range(10))
    a = load_mnist(image_size=14, classes=(3, 8), labelled_fraction=0.1, seed=1)
    b = load_mnist(image_size=14, classes=(3, 8), labelled_fraction=0.1, seed=1)
    assert a.class_names == ("3", "8") and a.input_shape == (14, 14, 1)
    assert set(np.unique(a.arrays["train"][1])) == {0, 1}
    np.testing.assert_array_equal(a.arrays["test"][0], b.arrays["test"][0])
    n_train = len(a.arrays["train"][1]) + len(a.arrays["unlabelled"][1])
    assert len(a.arrays["train"][1]) == pytest.approx(0.1 * n_train, abs=2)


def test_shift_and_scale_moves_pixels_by_whole_amounts_deterministically():
    x = np.zeros((50, 8, 8, 1), "float32")
    x[:, 3:5, 3:5, 0] = 1.0
    moved = shift_and_scale(x, max_shift=0.25, seed=0)
    again = shift_and_scale(x, max_shift=0.25, seed=0)
    np.testing.assert_array_equal(moved, again)
    np.testing.assert_allclose(moved.sum(axis=(1, 2, 3)), 4.0, atol=1e-5)   # a 2-pixel shift keeps the square
    centres = [np.argwhere(m[..., 0] > 0.5).mean(0) for m in moved]
    offsets = np.array(centres) - 3.5
    assert np.abs(offsets).max() <= 2 and np.abs(offsets).max() >= 1
    np.testing.assert_allclose(offsets, np.round(offsets))
    zoomed = shift_and_scale(x, max_shift=0.0, scale_range=(2.0, 2.0))
    assert zoomed[0].sum() > 10
    with pytest.raises(ValueError, match="max_shift"):
        shift_and_scale(x, max_shift=1.5)
    with pytest.raises(ValueError, match="scale_range"):
        shift_and_scale(x, scale_range=(2.0, 1.0))

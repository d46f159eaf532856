"""fine_tune: both steps, the warmup + cosine schedule, augmentation, argument checks."""

import keras
import numpy as np
import pytest

from keras_recipes.augment import augment_dataset, augmentation
from keras_recipes.datasets import load_digits
from keras_recipes.transfer import (
    FineTuneHistories, backbone, fine_tune, train_top,
)
from keras_recipes.schedules import cosine_decay


@pytest.fixture(scope="module")
def target():
    return load_digits(image_size=16, classes=(5, 6, 7, 8, 9), labelled_fraction=0.1, seed=0)


def test_fine_tune_runs_both_steps_and_ends_on_the_schedule(target):
    bundle = backbone("reference", num_classes=5)
    histories = fine_tune(bundle, target.train, target.validation, head_epochs=2, epochs=2,
                          learning_rate=1e-4, last_blocks=1, layerwise_decay=0.5, seed=0, min_steps=0,
                          verbose=0)
    assert isinstance(histories, FineTuneHistories)
    assert len(histories.head.history["loss"]) == 2
    assert len(histories.fine_tune.history["val_accuracy"]) == 2
    optimizer = bundle.model.optimizer
    steps = int(target.train.cardinality())
    assert int(optimizer.iterations) == 2 * steps
    schedule = cosine_decay(1e-4, steps, warmup_steps=steps)  # 1 warmup epoch of 2
    assert float(optimizer.learning_rate) == pytest.approx(float(schedule(2 * steps)), abs=1e-12)
    assert {block for block in optimizer.multipliers.values()} >= {1.0, 0.5, 0.0625}


def test_a_custom_head_step_replaces_step_one(target):
    calls = []

    def cached_head_step(bundle, train, validation, *, epochs, learning_rate, verbose):
        calls.append((epochs, learning_rate))
        return "cached"

    bundle = backbone("reference", num_classes=5)
    histories = fine_tune(bundle, target.train, head_epochs=3, head_learning_rate=0.01,
                          epochs=1, warmup_epochs=0, head_step=cached_head_step, verbose=0)
    assert calls == [(3, 0.01)] and histories.head == "cached"


def test_head_step_on_cached_bottleneck_features(target, tmp_path):
    from keras_recipes.transfer import train_head

    bundle = backbone("reference", num_classes=5)
    base_before = [keras.ops.convert_to_numpy(w) for w in bundle.encoder.weights]
    history = train_head(bundle, target.train, target.validation, epochs=3,
                         learning_rate=1e-2, cache_dir=str(tmp_path), verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert list(tmp_path.rglob("manifest.json"))  # the features were cached there
    for before, after in zip(base_before, bundle.encoder.weights):
        np.testing.assert_array_equal(before, keras.ops.convert_to_numpy(after))
    x = target.arrays["validation"][0]
    np.testing.assert_allclose(bundle.model.predict(x, verbose=0),
                               bundle.head.predict(bundle.encoder.predict(x, verbose=0), verbose=0),
                               atol=1e-5)


def test_augmentation_moves_pixels_but_keeps_shapes_and_labels(target):
    images, labels = next(iter(target.validation))   # not reshuffled: same batch twice
    augmented, same_labels = next(iter(augment_dataset(target.validation.take(1), seed=0)))
    assert augmented.shape == images.shape
    np.testing.assert_array_equal(same_labels, labels)
    assert not np.allclose(augmented, images)
    still = augmentation(translation=0.0, zoom=0.0)(images, training=True)
    np.testing.assert_allclose(still, images, atol=1e-6)


def test_train_top_checks_its_arguments(target):
    bundle = backbone("reference", num_classes=5)
    with pytest.raises(ValueError, match="warmup_epochs"):
        train_top(bundle, target.train, epochs=2, warmup_epochs=2)
    with pytest.raises(ValueError, match="learning_rate"):
        train_top(bundle, target.train, learning_rate=0)
    with pytest.raises(ValueError, match="cardinality"):
        train_top(bundle, target.train.repeat(), epochs=2)
    wrong = load_digits(image_size=8, classes=(5, 6), seed=0)
    with pytest.raises(ValueError, match="expects"):
        train_top(bundle, wrong.train, epochs=2)


def test_few_labels_get_min_steps_per_phase_and_a_tenth_of_the_rate():
    few = load_digits(image_size=16, classes=(5, 6, 7, 8, 9), labelled_fraction=0.05, seed=0)
    assert int(few.train.cardinality()) == 1          # one batch per epoch
    bundle = backbone("reference", num_classes=5)
    histories = fine_tune(bundle, few.train, head_epochs=2, epochs=2, min_steps=6,
                          warmup_epochs=0, seed=0, verbose=0)
    assert len(histories.head.history["loss"]) == 2   # epochs unchanged, data repeated
    # phase 2 made 6 steps, from a fresh optimizer whose peak is a tenth of the head's
    optimizer = bundle.model.optimizer
    assert int(optimizer.iterations) == 6
    peak = keras.ops.convert_to_numpy(optimizer._learning_rate(0))  # no warmup: the cosine starts at its peak
    assert float(peak) == pytest.approx(1e-3)
    # BatchNorm stayed frozen (inference mode) in the fine-tuned blocks
    bns = [l for l in bundle.encoder.layers if isinstance(l, keras.layers.BatchNormalization)]
    assert bns and not any(l.trainable for l in bns)


def test_arguments_of_phase_two_are_checked_before_phase_one_trains(target):
    bundle = backbone("reference", num_classes=5)
    before = [keras.ops.convert_to_numpy(w) for w in bundle.model.weights]
    for kwargs, arg in (({"warmup_epochs": 5, "epochs": 2}, "warmup_epochs"),
                        ({"last_blocks": 99}, "last_blocks"),
                        ({"layerwise_decay": 2.0}, "layerwise_decay")):
        with pytest.raises(ValueError, match=arg):
            fine_tune(bundle, target.train, verbose=0, **kwargs)
    for before_w, after in zip(before, bundle.model.weights):
        np.testing.assert_array_equal(before_w, keras.ops.convert_to_numpy(after))

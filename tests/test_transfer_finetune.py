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
                          learning_rate=1e-4, last_blocks=1, layerwise_decay=0.5, seed=0,
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

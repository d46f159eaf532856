"""Regularisation recipes composed from Keras: the pipeline, losses, TTA, ensembles, normalisation options."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_recipes import Classifier, ModelBundle
from keras_recipes.datasets import load_digits
from keras_recipes.regularization import (class_weights, compare_ensembles, compare_regularizers, imbalanced_splits,
                                          regularized_dataset, small_convnet, train_regularized, tta_predict,
                                          tta_views)
from keras_recipes.zoo import normalization, resnet, vgg


def _batches(n=16, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((n, 8, 8, 1)).astype("float32")
    return tf.data.Dataset.from_tensor_slices((x, np.arange(n) % 10)).batch(n)


def test_pipeline_makes_one_hot_labels_and_mixup_blends_them_in_range():
    x, y = next(iter(regularized_dataset(_batches(), 10, mixup=0.4, randaugment=True, erasing=1.0,
                                         crop_scale=0.2, seed=1)))
    x, y = np.asarray(x), np.asarray(y)
    assert y.shape == (16, 10)
    np.testing.assert_allclose(y.sum(1), 1, atol=1e-5)
    assert ((y > 0.01) & (y < 0.99)).any()                 # blended labels, not one-hot any more
    assert x.min() >= 0 and x.max() <= 1.0 + 1e-6          # value_range=(0, 1): images stay in [0, 1]
    _, plain = next(iter(regularized_dataset(_batches(), 10)))
    np.testing.assert_array_equal(np.asarray(plain), np.eye(10)[np.arange(16) % 10])


def test_cutmix_labels_follow_the_pasted_area():
    x = np.zeros((8, 8, 8, 1), "float32")
    x[:, :, :, 0] = np.arange(8)[:, None, None]           # image i is the constant i
    ds = tf.data.Dataset.from_tensor_slices((x, np.arange(8))).batch(8)
    images, labels = (np.asarray(t) for t in next(iter(regularized_dataset(ds, 10, cutmix=1.0, seed=3))))
    for image, label in zip(images, labels):
        shares = np.bincount(image.astype(int).ravel(), minlength=10)[:10] / image.size
        np.testing.assert_allclose(label, shares, atol=1e-5)
    with pytest.raises(ValueError, match="not both"):
        regularized_dataset(ds, 10, mixup=0.2, cutmix=1.0)


def test_label_smoothing_is_the_slide_target():
    eps, k = 0.1, 4
    probs = np.array([[0.7, 0.1, 0.1, 0.1]], "float32")
    target = np.full((1, k), eps / k, "float32")
    target[0, 0] = 1 - (k - 1) / k * eps                   # 1 - (K-1)/K eps on the true class
    smoothed = keras.losses.CategoricalCrossentropy(label_smoothing=eps)(np.eye(k)[[0]], probs)
    np.testing.assert_allclose(float(smoothed), -(target * np.log(probs)).sum(), rtol=1e-5)


def test_train_regularized_wires_keras_losses_and_optimizers():
    splits = load_digits(labelled_fraction=0.1, seed=0)
    bundle = small_convnet(width=4)
    run = train_regularized(bundle, splits, epochs=1, label_smoothing=0.1, loss="focal", weight_decay=0.05,
                            class_weight="balanced", cutmix=1.0)
    assert isinstance(bundle.model.optimizer, keras.optimizers.AdamW)
    assert isinstance(bundle.model.loss, keras.losses.CategoricalFocalCrossentropy)
    assert run.options == {"weight_decay": 0.05, "label_smoothing": 0.1, "loss": "focal",
                           "class_weight": "given", "cutmix": 1.0}
    assert 0 <= run.test_accuracy <= 1 and len(run.history["val_accuracy"]) == 1
    assert "test" in run.table()
    with pytest.raises(ValueError, match="class_weight"):
        train_regularized(bundle, splits, class_weight="inverse")


def test_class_weights_are_balanced_and_imbalanced_splits_keep_the_rare_few():
    weights = class_weights([0] * 6 + [1] * 2 + [2] * 2)
    assert weights == pytest.approx({0: 10 / 18, 1: 10 / 6, 2: 10 / 6})
    labels = np.array([0] * 6 + [1] * 2 + [2] * 2)
    assert np.mean([weights[c] for c in labels]) == pytest.approx(1.0)
    splits = load_digits(seed=1)
    small = imbalanced_splits(splits, (3, 4), keep=0.2, seed=1)
    before, after = (np.bincount(s.arrays["train"][1], minlength=10) for s in (splits, small))
    assert (after[[3, 4]] == np.round(0.2 * before[[3, 4]])).all()
    assert (after[[0, 5, 9]] == before[[0, 5, 9]]).all()
    assert small.arrays["test"][1].tolist() == splits.arrays["test"][1].tolist()
    assert sum(int(y.shape[0]) for _, y in small.train) == after.sum()


def test_tta_averages_predictions_over_the_fixed_crops():
    image = np.zeros((1, 6, 6, 1), "float32")
    image[0, 2, 3, 0] = 1.0
    views = tta_views(image, shift=1)
    assert views.shape == (5, 1, 6, 6, 1)
    positions = {tuple(np.argwhere(v[0, ..., 0])[0]) for v in views}
    assert positions == {(2, 3), (1, 2), (1, 4), (3, 2), (3, 4)}   # centre and the four diagonal shifts
    assert tta_views(image, flips=True).shape[0] == 10
    inputs = keras.Input((6, 6, 1))
    model = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(keras.layers.Flatten()(inputs)))
    x = np.random.default_rng(0).random((4, 6, 6, 1)).astype("float32")
    manual = np.mean([model.predict(v, verbose=0) for v in tta_views(x, 2)], axis=0)
    np.testing.assert_allclose(tta_predict(model, x, shift=2), manual, rtol=1e-5)


def _tiny(seed=0):
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((8, 8, 1))
    encoder = keras.Model(inputs, keras.layers.Flatten()(inputs))
    return ModelBundle.assemble(encoder, Classifier(10))


def test_ensemble_members_are_independent_and_averaged():
    result = compare_ensembles(_tiny, load_digits(labelled_fraction=0.3), members=2, epochs=2)
    members = [result.rows[f"member {i}"] for i in (1, 2)]
    assert members[0] != members[1]                          # different seeds, different models
    assert result.rows["single (mean)"]["accuracy"] == pytest.approx(np.mean([m["accuracy"] for m in members]))
    assert set(result.rows["ensemble"]) == {"accuracy", "tta"} and "ensemble" in result.table()
    assert result.plot() is not None
    with pytest.raises(ValueError, match="members"):
        compare_ensembles(_tiny, load_digits(), members=1)


def test_small_convnet_switches_on_one_regulariser_per_arm():
    names = {arm: {layer.name for layer in small_convnet(arm, width=4).encoder.layers}
             for arm in ("none", "dropblock", "dropconnect", "shake_shake", "stochastic_depth")}
    assert "dropblock" in names["dropblock"] and "dropblock" not in names["none"]
    assert "block_shake" in names["shake_shake"] and "block_drop_path" in names["stochastic_depth"]
    assert type(small_convnet("dropconnect", width=4).encoder.get_layer("dense")).__name__ == "DropConnectDense"
    assert len(small_convnet("l2", width=4).model.losses) == 6 and not small_convnet(width=4).model.losses
    assert "predictions_dropout" in {layer.name for layer in small_convnet("dropout", width=4).head.layers}
    with pytest.raises(ValueError, match="regularizers"):
        compare_regularizers(load_digits(), ("mixup",))


def test_norm_option_keeps_the_batch_norm_default_and_normalises_as_the_slides():
    default = resnet((8, 8, 1), 10, width=4, depth=(1,))
    kinds = {type(layer).__name__ for layer in default.encoder.layers}
    assert "BatchNormalization" in kinds and "GroupNormalization" not in kinds
    assert {"stem_bn", "group1_block1_a_bn", "group1_block1_b_bn"} <= {layer.name for layer in default.encoder.layers}
    group = vgg((8, 8, 1), 10, width=12, depth=(1,), norm="group", pooling="avg").encoder
    assert "stem_gn" in {layer.name for layer in group.layers} and group.get_layer("stem_gn").groups == 4
    x = np.random.default_rng(0).normal(3.0, 2.0, size=(2, 4, 4, 12)).astype("float32")
    layer_norm = keras.Model(inp := keras.Input((4, 4, 12)), normalization(inp, "layer"))(x)
    y = np.asarray(layer_norm)   # per example over H, W, C
    np.testing.assert_allclose(y.mean(axis=(1, 2, 3)), 0, atol=1e-4)
    np.testing.assert_allclose(y.std(axis=(1, 2, 3)), 1, atol=1e-2)
    g = np.asarray(keras.Model(inp, normalization(inp, "group"))(x)).reshape(2, 4, 4, 4, 3)   # 4 groups of 3
    np.testing.assert_allclose(g.mean(axis=(1, 2, 4)), 0, atol=1e-4)
    with pytest.raises(ValueError, match="norm"):
        vgg((8, 8, 1), 10, norm="instance")

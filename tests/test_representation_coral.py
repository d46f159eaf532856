"""CORAL: the Deep CORAL loss equals ||C_s - C_t||_F^2 / (4 d^2); classic CORAL gives the source the target's
covariance; DeepCoral adds the term to the classification loss."""

import keras
import numpy as np
import pytest

from keras_recipes.representation import CoralLoss, DeepCoral, coral_adaptation, coral_align, coral_loss, domain_pair


def test_coral_loss_matches_the_formula():
    rng = np.random.default_rng(0)
    source = rng.normal(size=(20, 5)).astype("float32")
    target = (rng.normal(size=(30, 5)) @ rng.normal(size=(5, 5))).astype("float32")
    cs, ct = np.cov(source, rowvar=False), np.cov(target, rowvar=False)
    expected = np.sum((cs - ct) ** 2) / (4 * 5**2)
    assert float(coral_loss(source, target)) == pytest.approx(expected, rel=1e-4)
    assert float(CoralLoss()(target, source)) == pytest.approx(expected, rel=1e-4)
    # image-shaped features are flattened; identical statistics cost nothing
    assert float(coral_loss(source.reshape(20, 5, 1), source.reshape(20, 5, 1) + 3.0)) == pytest.approx(0, abs=1e-6)


def test_classic_coral_gives_the_source_the_target_covariance():
    rng = np.random.default_rng(1)
    source = rng.normal(size=(400, 4)) @ rng.normal(size=(4, 4)) + 2.0
    target = rng.normal(size=(300, 4)) @ rng.normal(size=(4, 4)) - 1.0
    aligned = coral_align(source, target, eps=0.0)
    np.testing.assert_allclose(np.cov(aligned, rowvar=False), np.cov(target, rowvar=False), atol=1e-3)
    np.testing.assert_allclose(aligned.mean(0), target.mean(0), atol=1e-4)
    assert float(coral_loss(aligned.astype("float32"), target.astype("float32"))) < 1e-6
    # the paper's lambda = 1 regularises: closer to the target than before, not equal
    before = np.abs(np.cov(source, rowvar=False) - np.cov(target, rowvar=False)).sum()
    after = np.abs(np.cov(coral_align(source, target), rowvar=False) - np.cov(target, rowvar=False)).sum()
    assert after < before
    with pytest.raises(ValueError, match="feature size"):
        coral_align(source, target[:, :3])


def test_deep_coral_adds_the_weighted_penalty_to_the_classification_loss():
    rng = np.random.default_rng(2)
    inputs = keras.Input((6,))
    features = keras.layers.Dense(4, name="features")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(features))
    xs, xt = rng.normal(size=(16, 6)).astype("float32"), 3 * rng.normal(size=(16, 6)).astype("float32")
    y = np.arange(16) % 3
    plain, deep = DeepCoral(model, features="features", weight=0.0), DeepCoral(model, features="features", weight=2.0)
    for m in (plain, deep):
        m.compile("sgd", loss="sparse_categorical_crossentropy")
    ce = float(plain.compute_loss(x=(xs, xt), y=y, y_pred=plain((xs, xt))))
    total = float(deep.compute_loss(x=(xs, xt), y=y, y_pred=deep((xs, xt))))
    extractor = keras.Model(inputs, features)
    penalty = float(coral_loss(extractor(xs), extractor(xt)))
    assert penalty > 0 and total == pytest.approx(ce + 2.0 * penalty, rel=1e-4)
    with pytest.raises(ValueError, match="features"):
        DeepCoral(model, features="nope")


def test_domain_pair_targets_and_the_adaptation_table():
    pair = domain_pair("inverted", image_size=8, seed=0)
    (xs, _), (xt, _) = pair["source"]["train"], pair["target"]["train"]
    assert xs.shape[1:] == xt.shape[1:] == (8, 8, 1) and abs(float(xt.mean()) - (1 - float(xs.mean()))) < 0.05
    mnist = domain_pair("mnist", image_size=8, seed=0)
    assert mnist["target"]["test"][0].shape[1:] == (8, 8, 1) and len(mnist["target"]["train"][0]) > 3000
    result = coral_adaptation("blurred", image_size=8, epochs=2, width=4, seed=0)
    assert list(result.rows) == ["source only", "linear, no alignment", "classic CORAL", "Deep CORAL"]
    for row in result.rows.values():
        assert 0.0 <= row["target"] <= 1.0
    assert result.rows["linear, no alignment"]["source"] > 0.5
    assert result.classic_gain == pytest.approx(result.rows["classic CORAL"]["target"]
                                                - result.rows["linear, no alignment"]["target"])
    assert "Deep CORAL" in result.table() and result.plot() is not None
    with pytest.raises(ValueError, match="target"):
        domain_pair("usps")

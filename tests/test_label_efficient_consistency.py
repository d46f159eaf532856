"""UDA and FixMatch: the slide's loss by hand, no gradient through the clean branch, masks, fit, NSL + FGSM."""

import keras
import numpy as np
import pytest

from keras_recipes.augment.adversarial import fgsm, input_gradient
from keras_recipes.augment.views import shift_scale_view, strong_view, weak_view
from keras_recipes.label_efficient import consistency as cons
from keras_recipes.label_efficient.structured import StructuredModel, divergence
from label_efficient_helpers import images, tiny_net, weight_gradients

CE = keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def softmax(z, t=1.0):
    e = np.exp(z / t - (z / t).max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_consistency_loss_matches_the_formula_with_sharpening_and_mask():
    clean = np.array([[3.0, 0.0, 0.0], [0.2, 0.1, 0.0]], "float32")
    aug = np.array([[1.0, 1.0, 0.0], [0.0, 0.5, 0.0]], "float32")
    p = softmax(clean, 0.5)
    kl = np.sum(p * np.log(p / softmax(aug)), -1)
    mask = softmax(clean).max(-1) >= 0.8          # only the first row is confident
    assert mask.tolist() == [True, False]
    got = float(cons.consistency_loss(clean, aug, temperature=0.5, confidence=0.8))
    assert got == pytest.approx(np.mean(kl * mask), rel=1e-5)
    assert float(cons.consistency_loss(clean, clean)) == pytest.approx(0.0, abs=1e-6)


def test_no_gradient_reaches_the_clean_branch():
    clean = np.array([[2.0, 0.0, -1.0]], "float32")
    aug = np.array([[0.0, 1.0, 0.0]], "float32")
    g_clean = input_gradient(lambda c: cons.consistency_loss(c, aug), clean)
    g_aug = input_gradient(lambda a: cons.consistency_loss(clean, a), aug)
    assert np.all(np.asarray(g_clean) == 0.0)
    assert np.abs(np.asarray(g_aug)).sum() > 0.1


def test_uda_weight_gradients_equal_those_of_a_constant_clean_target():
    net = tiny_net(8)
    uda = cons.UDA(net, keras.layers.Rescaling(0.5), weight=1.0)
    xu = images(6, seed=3)
    target = softmax(np.asarray(net(xu)))          # p_w^(y|x) as a constant

    def with_constant_target():
        log_q = keras.ops.log_softmax(net(xu * 0.5), axis=-1)
        return keras.ops.mean(keras.ops.sum(target * (np.log(target) - log_q), axis=-1))

    def without_stop_gradient():
        log_p = keras.ops.log_softmax(net(xu), axis=-1)
        log_q = keras.ops.log_softmax(net(xu * 0.5), axis=-1)
        return keras.ops.mean(keras.ops.sum(keras.ops.exp(log_p) * (log_p - log_q), axis=-1))

    got = weight_gradients(net, lambda: uda.unsupervised_loss(xu, training=False))
    want = weight_gradients(net, with_constant_target)
    leaky = weight_gradients(net, without_stop_gradient)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-6)
    assert max(np.abs(g - w).max() for g, w in zip(got, leaky)) > 1e-4


def test_fixmatch_pseudo_labels_only_above_the_threshold():
    weak = np.array([[4.0, 0.0, 0.0], [0.3, 0.2, 0.0]], "float32")
    strong = np.array([[0.0, 2.0, 0.0], [1.0, 0.0, 0.0]], "float32")
    ce0 = -np.log(softmax(strong)[0, 0])
    assert float(cons.fixmatch_loss(weak, strong, threshold=0.9)) == pytest.approx(ce0 / 2, rel=1e-5)
    assert float(cons.fixmatch_loss(weak, strong, threshold=0.999)) == 0.0
    g_weak = input_gradient(lambda w: cons.fixmatch_loss(w, strong, threshold=0.0), weak)
    assert np.all(np.asarray(g_weak) == 0.0)


def test_uda_and_fixmatch_train_and_predict_like_the_wrapped_model():
    xl, yl, xu = images(12, seed=4), np.arange(12) % 3, images(48, seed=5)
    ds = cons.semi_supervised_dataset(xl, yl, xu, batch_size=6, unlabelled_ratio=2)
    assert len(list(ds)) == 4
    for wrapper in (cons.UDA(tiny_net(8), weak_view(seed=1), temperature=0.5, confidence=0.5),
                    cons.FixMatch(tiny_net(8), weak_view(seed=1), strong_view(rotation=0, zoom=0, seed=2), threshold=0.5)):
        wrapper.compile(keras.optimizers.Adam(1e-2), loss=CE, metrics=["accuracy"])
        history = wrapper.fit(ds, epochs=1, verbose=0)
        assert np.isfinite(history.history["loss"]).all()
        np.testing.assert_allclose(wrapper.predict(xl, verbose=0), wrapper.model.predict(xl, verbose=0), atol=1e-6)


def test_arguments_are_checked():
    with pytest.raises(ValueError, match="confidence"):
        cons.UDA(tiny_net(), weak_view(), confidence=1.5)
    with pytest.raises(TypeError, match="augment"):
        cons.UDA(tiny_net(), "flip")
    with pytest.raises(ValueError, match="threshold"):
        cons.FixMatch(tiny_net(), weak_view(), strong_view(), threshold=1.0)
    with pytest.raises(ValueError, match="same shape"):
        cons.semi_supervised_dataset(images(4), np.zeros(4, int), images(4, shape=(4, 4, 1)))
    with pytest.raises(ValueError, match="perturbation"):
        StructuredModel(tiny_net(), perturbation="gaussian")


def test_nsl_penalty_is_zero_for_an_identity_perturbation_and_positive_otherwise():
    net = tiny_net(8)
    x, y = images(8, seed=6), np.arange(8) % 3
    same = StructuredModel(net, keras.layers.Identity(), weight=2.0)
    same.compile("sgd", loss=CE)
    supervised = float(np.mean(CE(y, net(x))))
    assert float(same.compute_loss(x=x, y=y, y_pred=net(x), training=False)) == pytest.approx(supervised, rel=1e-5)
    moved = StructuredModel(net, keras.layers.Rescaling(0.0), weight=2.0)
    moved.compile("sgd", loss=CE)
    penalty = float(divergence(net(x), net(x * 0.0)))
    got = float(moved.compute_loss(x=x, y=y, y_pred=net(x), training=False))
    assert penalty > 0 and got == pytest.approx(supervised + 2.0 * penalty, rel=1e-5)


def test_fgsm_steps_epsilon_uphill_and_nsl_trains_adversarially():
    net = tiny_net(16)
    x, y = images(16, seed=7) * 0.5 + 0.25, np.arange(16) % 3
    x_adv = np.asarray(fgsm(net, x, y, epsilon=0.05, loss=CE))
    np.testing.assert_allclose(np.abs(x_adv - x), 0.05, atol=1e-6)
    assert float(np.mean(CE(y, net(x_adv)))) > float(np.mean(CE(y, net(x))))
    with pytest.raises(ValueError, match="epsilon"):
        fgsm(net, x, y, epsilon=0)
    nsl = StructuredModel(net, shift_scale_view(seed=1), weight=1.0, perturbation="adversarial", epsilon=0.05)
    nsl.compile(keras.optimizers.Adam(1e-2), loss=CE)
    history = nsl.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"]).all()

"""A9 knowledge distillation: the soft loss by hand, live == cached, hint projection, student alone."""

import keras
import numpy as np
import pytest

from keras_recipes.label_efficient import distillation as kd
from label_efficient_helpers import images, tiny_net


def softmax(z, t=1.0):
    e = np.exp(z / t - (z / t).max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_soft_loss_equals_the_hand_computed_value_and_the_string_trap_does_not():
    t = np.array([[3.0, 1.0, -2.0], [0.5, 0.0, 2.0]], "float32")
    s = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], "float32")
    temperature = 3.0
    p, q = softmax(t, temperature), softmax(s, temperature)
    hand = temperature ** 2 * np.mean(np.sum(p * np.log(p / q), axis=-1))
    got = float(kd.soft_loss(temperature).compute_loss(t, s))
    assert got == pytest.approx(hand, rel=1e-5)
    trap = keras.distillation.LogitsDistillation(temperature=temperature, loss="kl_divergence")
    assert float(trap.compute_loss(t, s)) != pytest.approx(hand, rel=1e-2)


def test_distiller_total_loss_is_weighted_hard_plus_soft():
    teacher, student = tiny_net(32), tiny_net(4)
    x, y = images(6), np.array([0, 1, 2, 0, 1, 2])
    distiller = kd.make_distiller(teacher, student, temperature=2.0, student_loss_weight=0.3)
    distiller.compile("sgd", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    s_logits = np.asarray(student(x)); t_logits = np.asarray(teacher(x))
    hard = -np.mean(np.log(softmax(s_logits)[np.arange(6), y]))
    p, q = softmax(t_logits, 2.0), softmax(s_logits, 2.0)
    soft = 4.0 * np.mean(np.sum(p * np.log(p / q), -1))
    got = float(distiller.compute_loss(x=x, y=y, y_pred=student(x), training=False))
    assert got == pytest.approx(0.3 * hard + 0.7 * soft, rel=1e-4)


def test_cached_path_trains_the_same_student_as_the_live_path(tmp_path):
    teacher = tiny_net(32)
    x, y = images(48, seed=1), np.arange(48) % 3
    start = tiny_net(4)
    live_student, cached_student = tiny_net(4), tiny_net(4)
    live_student.set_weights(start.get_weights()); cached_student.set_weights(start.get_weights())
    hard = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    live = kd.make_distiller(teacher, live_student, temperature=3.0, student_loss_weight=0.2)
    live.compile(keras.optimizers.SGD(0.1), loss=hard)
    live.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    logits = kd.cached_teacher_logits(teacher, x, cache_dir=str(tmp_path))
    np.testing.assert_allclose(logits, np.asarray(teacher(x)), rtol=1e-5, atol=1e-5)
    cached = kd.CachedDistiller(cached_student, temperature=3.0, student_loss_weight=0.2)
    cached.compile(keras.optimizers.SGD(0.1), loss=hard, metrics=["accuracy"])
    history = cached.fit(x, (y, logits), batch_size=16, epochs=2, shuffle=False, verbose=0)
    assert "accuracy" in history.history
    for a, b in zip(live_student.get_weights(), cached_student.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    assert not np.allclose(start.get_weights()[0], cached_student.get_weights()[0])


def test_hint_distillation_learns_a_projection_and_the_student_saves_alone(tmp_path):
    teacher = tiny_net(32, hint_name="t_hint")
    student = tiny_net(4, hint_name="s_hint")
    x, y = images(32, seed=2), np.arange(32) % 3
    distiller = kd.make_distiller(teacher, student, hint=("t_hint", "s_hint"))
    assert isinstance(distiller, kd.HintDistiller)
    assert distiller.projection.kernel.shape == (4, 32)
    assert any(v is distiller.projection.kernel for v in distiller.trainable_variables)
    before = np.asarray(distiller.projection.kernel).copy()
    distiller.compile(keras.optimizers.SGD(0.5), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    distiller.fit(x, y, epochs=1, batch_size=16, verbose=0)
    assert not np.allclose(before, np.asarray(distiller.projection.kernel))
    student.save(tmp_path / "student.keras")
    again = keras.saving.load_model(tmp_path / "student.keras")
    assert "hint_projection" not in [layer.name for layer in again.layers]
    np.testing.assert_allclose(again.predict(x, verbose=0), student.predict(x, verbose=0), atol=1e-6)
    assert student.count_params() < teacher.count_params() / 5


def test_arguments_are_checked_at_the_door():
    probs = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(3, activation="softmax")])
    with pytest.raises(ValueError, match="must output logits"):
        kd.make_distiller(tiny_net(), probs)
    with pytest.raises(ValueError, match="not a layer of the student"):
        kd.make_distiller(tiny_net(hint_name="h"), tiny_net(), hint=("h", "nope"))
    with pytest.raises(ValueError, match="temperature"):
        kd.soft_loss(0)
    with pytest.raises(ValueError, match="path='cached'"):
        kd.distill(tiny_net(), tiny_net(), images(4), np.zeros(4, int), path="cached", augment=keras.layers.Identity())
    with pytest.raises(ValueError, match="path must be one of"):
        kd.distill(tiny_net(), tiny_net(), images(4), np.zeros(4, int), path="offline")

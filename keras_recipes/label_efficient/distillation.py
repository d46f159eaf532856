"""A9 Knowledge Distillation: a compact student learns the teacher's soft labels plus the hard labels.

Composed on Keras's own ``keras.distillation.Distiller`` (live path: the
teacher runs on every batch, required when the inputs are augmented) with

* the soft loss built from a ``keras.losses.KLDivergence()`` *instance*. The
  string ``"kl_divergence"`` resolves to the plain function, and
  ``LogitsDistillation`` then skips the temperature softmax and the T^2
  scaling (checked on keras 3.15): ``soft_loss`` below is the one place that
  builds it, and a test checks it against a hand computation.
* a cached path, ``CachedDistiller``: the teacher's logits are computed once
  (with ``FeatureCache``, the bottleneck-cache machinery, when a directory is
  given) and the student trains on ``(x, (y, teacher_logits))`` with the same
  soft and hard losses. On un-augmented data it gives the same student as
  the live path, without a teacher forward pass per batch.
* hint (feature) distillation with ``FeatureDistillation`` at a named
  bottleneck layer; when the student's layer is narrower than the teacher's, a
  learned ``Dense`` projection (FitNets' regressor) maps it up
  (``HintDistiller``). The projection lives in the distiller, so
  ``result.student`` saves and reloads alone as ``.keras``.

Both teacher and student must output logits (``Classifier(activation=None)``):
``LogitsDistillation`` divides its inputs by the temperature, which is
meaningless for probabilities, so a softmax output is refused at the door.

>>> import keras, numpy as np
>>> keras.utils.set_random_seed(0)
>>> x = np.random.rand(32, 4).astype("float32"); y = np.arange(32) % 3
>>> def net(width):
...     return keras.Sequential([keras.Input((4,)), keras.layers.Dense(width, activation="relu"),
...                              keras.layers.Dense(3)])
>>> result = distill(net(32), net(4), x, y, epochs=1, verbose=0)
>>> result.path, result.student.output_shape
('live', (None, 3))
"""

import time
from dataclasses import dataclass, field

import keras
import numpy as np
from keras import ops

from keras_recipes.checks import require_choice, require_positive_int, require_positive_number, require_rate

PATHS = ("live", "cached")


def soft_loss(temperature=4.0):
    """The soft-label loss: ``T^2 * KL(softmax(t/T) || softmax(s/T))``, batch mean.

    A ``LogitsDistillation`` with a ``KLDivergence()`` instance (the trap: the
    string ``"kl_divergence"`` would skip the temperature softmax and T^2).

    >>> t = np.array([[2.0, 0.0, -1.0]], "float32"); s = np.zeros((1, 3), "float32")
    >>> p = np.exp(t[0] / 2) / np.exp(t[0] / 2).sum()
    >>> hand = 4 * float((p * np.log(p / (1 / 3))).sum())
    >>> bool(np.isclose(float(soft_loss(2.0).compute_loss(t, s)), hand, rtol=1e-5))
    True
    """
    require_positive_number("temperature", temperature)
    return keras.distillation.LogitsDistillation(temperature=float(temperature), loss=keras.losses.KLDivergence())


def require_logits_model(name, model):
    """Raise unless ``model`` is a ``keras.Model`` whose output is not softmax/sigmoid."""
    if not isinstance(model, keras.Model):
        raise TypeError(f"{name} must be a keras.Model; received: {type(model).__name__}")
    activation = getattr(model.layers[-1], "activation", None) if model.layers else None
    act_name = getattr(activation, "__name__", None)
    if act_name in ("softmax", "sigmoid"):
        raise ValueError(
            f"{name} must output logits (build it with Classifier(activation=None)); "
            f"received: {name} whose last layer {model.layers[-1].name!r} applies {act_name}")
    return model


def hint_width(model, layer_name, role):
    """Width (last axis) of ``layer_name``'s output in ``model``; clear error if absent."""
    try:
        layer = model.get_layer(layer_name)
    except ValueError:
        names = [lyr.name for lyr in model.layers]
        raise ValueError(f"hint names {layer_name!r}, which is not a layer of the {role}; "
                         f"its layers are {names}") from None
    return int(layer.output.shape[-1]), tuple(layer.output.shape)


@keras.saving.register_keras_serializable(package="keras_recipes")
class HintDistiller(keras.distillation.Distiller):
    """``Distiller`` whose student hint feature goes through a learned projection first.

    FitNets-style hint training when the student's hint layer is narrower than
    the teacher's: ``Dense(teacher_width)`` maps the student feature before the
    ``FeatureDistillation`` loss compares it with the teacher's. The projection
    is trained with the student and belongs to the distiller only. Relies on
    ``Distiller._extract_all_student_features`` (the hook Keras 3.15 uses to
    collect student features); a test pins that behaviour.

    Args:
        teacher, student, distillation_losses, distillation_loss_weights,
        student_loss_weight: as for ``keras.distillation.Distiller``.
        hint_layer: the student layer whose output is projected.
        projection_units: the teacher's hint width.
    """

    def __init__(self, teacher, student, distillation_losses, *, hint_layer, projection_units, **kwargs):
        super().__init__(teacher, student, distillation_losses, **kwargs)
        self.hint_layer = hint_layer
        self.projection_units = int(projection_units)
        self.projection = keras.layers.Dense(self.projection_units, name="hint_projection")
        self.projection.build(tuple(student.get_layer(hint_layer).output.shape))

    def _extract_all_student_features(self, x, y_pred):
        features = dict(super()._extract_all_student_features(x, y_pred))
        features[self.hint_layer] = self.projection(features[self.hint_layer])
        return features

    def get_config(self):
        config = super().get_config()
        config.update(hint_layer=self.hint_layer, projection_units=self.projection_units)
        return config


@keras.saving.register_keras_serializable(package="keras_recipes")
class CachedDistiller(keras.Model):
    """Train a student on ``(x, (y, teacher_logits))``: distillation with the teacher's logits cached.

    The loss is the ``Distiller``'s: ``w * hard(y, s) + (1 - w) * soft(t, s)``
    with ``soft = soft_loss(temperature)`` and ``hard`` the compiled loss.
    No augmentation: cached logits belong to the un-augmented images.

    ```python
    trainer = CachedDistiller(student, temperature=4.0, student_loss_weight=0.3)
    trainer.compile("adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                    metrics=["accuracy"])
    trainer.fit(x, (y, cached_teacher_logits(teacher, x)), epochs=5)
    trainer.student.save("student.keras")
    ```

    Args:
        student: a ``keras.Model`` that outputs logits.
        temperature: softmax temperature of the soft labels, > 0 (4.0).
        student_loss_weight: weight ``w`` of the hard-label loss, in [0, 1] (0.5).
    """

    def __init__(self, student, *, temperature=4.0, student_loss_weight=0.5, **kwargs):
        super().__init__(**kwargs)
        self.student = require_logits_model("student", student)
        self.temperature = require_positive_number("temperature", temperature)
        self.student_loss_weight = require_rate("student_loss_weight", student_loss_weight, closed=True)
        self.soft = soft_loss(self.temperature)
        self.built = True  # the student is built; nothing of its own to build

    def call(self, inputs, training=None):
        return self.student(inputs, training=training)

    def compile(self, optimizer="adam", loss=None, metrics=None, **kwargs):
        if loss is None:
            raise ValueError("loss (the hard-label loss) must be given; received: loss=None")
        self.hard_loss = keras.losses.get(loss) if isinstance(loss, str) else loss
        super().compile(optimizer=optimizer, loss=None, metrics=metrics, **kwargs)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        labels, teacher_logits = y
        if y_pred is None:
            y_pred = self(x, training=training)
        hard = ops.mean(self.hard_loss(labels, y_pred))
        soft = self.soft.compute_loss(teacher_logits, y_pred)
        w = self.student_loss_weight
        return w * hard + (1.0 - w) * soft

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        return super().compute_metrics(x, y[0], y_pred, sample_weight)

    def get_config(self):
        config = super().get_config()
        config.update(student=keras.saving.serialize_keras_object(self.student),
                      temperature=self.temperature, student_loss_weight=self.student_loss_weight)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["student"] = keras.saving.deserialize_keras_object(config["student"])
        return cls(**config)


def cached_teacher_logits(teacher, x, *, batch_size=256, cache_dir=None, verbose=0):
    """The teacher's logits for ``x``, computed once.

    With ``cache_dir`` the logits go through ``FeatureCache`` (the teacher
    plays the encoder), so a second call with the same teacher weights and
    images reads them from disk; without it, one ``predict`` pass.
    """
    require_logits_model("teacher", teacher)
    x = np.asarray(x, dtype="float32")
    if cache_dir is None:
        return np.asarray(teacher.predict(x, batch_size=batch_size, verbose=verbose))
    import tensorflow as tf

    from keras_recipes.cache import FeatureCache

    ds = tf.data.Dataset.from_tensor_slices((x, np.zeros(len(x), "int64"))).batch(batch_size)
    entry = FeatureCache(cache_dir).extract(teacher, ds, batch_size=batch_size, verbose=verbose)
    return np.asarray(entry.arrays()[0])


def make_distiller(teacher, student, *, temperature=4.0, student_loss_weight=0.5, hint=None, hint_weight=1.0):
    """A ``keras.distillation.Distiller`` (or ``HintDistiller``) set up the A9 way.

    Args:
        teacher: trained ``keras.Model`` with logit outputs (frozen by Keras).
        student: ``keras.Model`` with logit outputs, same input/output shapes.
        temperature: softmax temperature, > 0 (4.0).
        student_loss_weight: weight of the hard-label loss, in [0, 1] (0.5);
            the soft loss gets ``1 - student_loss_weight``.
        hint: None, or ``(teacher_layer_name, student_layer_name)`` for a
            ``FeatureDistillation`` (MSE) term at the bottleneck; a learned
            projection is added when the two widths differ.
        hint_weight: weight of the hint term relative to the soft loss (1.0).
    """
    require_logits_model("teacher", teacher)
    require_logits_model("student", student)
    require_rate("student_loss_weight", student_loss_weight, closed=True)
    losses = [soft_loss(temperature)]
    if hint is None:
        return keras.distillation.Distiller(teacher, student, losses, student_loss_weight=student_loss_weight)
    if not (isinstance(hint, (tuple, list)) and len(hint) == 2 and all(isinstance(h, str) for h in hint)):
        raise TypeError(f"hint must be a (teacher_layer_name, student_layer_name) pair; received: hint={hint!r}")
    require_positive_number("hint_weight", hint_weight)
    t_width, t_shape = hint_width(teacher, hint[0], "teacher")
    s_width, s_shape = hint_width(student, hint[1], "student")
    if len(t_shape) != 2 or len(s_shape) != 2:
        raise ValueError(f"hint layers must output flat (batch, features) tensors, e.g. the pooled bottleneck; "
                         f"received: teacher {t_shape}, student {s_shape}")
    losses.append(keras.distillation.FeatureDistillation(loss="mse", teacher_layer_name=hint[0],
                                                         student_layer_name=hint[1]))
    weights = [1.0, float(hint_weight)]
    if t_width == s_width:
        return keras.distillation.Distiller(teacher, student, losses, distillation_loss_weights=weights,
                                            student_loss_weight=student_loss_weight)
    return HintDistiller(teacher, student, losses, distillation_loss_weights=weights,
                         student_loss_weight=student_loss_weight, hint_layer=hint[1], projection_units=t_width)


@dataclass
class DistillResult:
    """What ``distill`` did: the trained student, the path taken, time and history."""

    student: object
    path: str
    seconds: float
    history: dict = field(repr=False)

    def table(self):
        """Per-epoch losses as aligned text."""
        keys = sorted(self.history)
        lines = ["epoch  " + "  ".join(f"{k:>14}" for k in keys)]
        for epoch in range(len(self.history[keys[0]]) if keys else 0):
            lines.append(f"{epoch + 1:<6} " + "  ".join(f"{self.history[k][epoch]:>14.4f}" for k in keys))
        lines.append(f"path={self.path}, {self.seconds:.1f} s")
        return "\n".join(lines)

    def plot(self, path=None):
        """Loss curves of the distillation run; a ``Figure``."""
        from keras_recipes.plots import plot_history

        return plot_history(self.history, path=path, title=f"distillation ({self.path} path)")


def distill(teacher, student, x, y, *, path="live", temperature=4.0, student_loss_weight=0.5, hint=None,
            hint_weight=1.0, augment=None, epochs=10, batch_size=64, learning_rate=1e-3, cache_dir=None,
            validation_data=None, seed=0, verbose=1):
    """Train ``student`` to mimic ``teacher`` (diagram A9); return a ``DistillResult``.

    The student is trained in place (that is this function's purpose) and
    returned; the teacher is never changed.

    Args:
        teacher, student: logit-output ``keras.Model`` s with matching shapes.
        x, y: training images and integer labels.
        path: ``"live"`` (``Distiller``: the teacher runs every batch; needed
            with ``augment``) or ``"cached"`` (teacher logits computed once).
        temperature: soft-label temperature, > 0 (4.0).
        student_loss_weight: weight of the hard-label loss in [0, 1] (0.5).
        hint, hint_weight: feature distillation, see ``make_distiller`` (live only).
        augment: a Keras augmentation layer applied to each batch (live only).
        epochs, batch_size, learning_rate: Adam training settings (10, 64, 1e-3).
        cache_dir: FeatureCache folder for the cached logits (None: in memory).
        validation_data: optional ``(x_val, y_val)``.
        seed: shuffling seed (0).
        verbose: Keras verbosity (1).
    """
    require_choice("path", path, PATHS)
    require_positive_int("epochs", epochs)
    require_positive_int("batch_size", batch_size)
    require_positive_number("learning_rate", learning_rate)
    x = np.asarray(x, dtype="float32")
    y = np.asarray(y)
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length; received: len(x)={len(x)}, len(y)={len(y)}")
    if path == "cached" and (augment is not None or hint is not None):
        raise ValueError("path='cached' caches the teacher's logits of un-augmented images and has no hint term; "
                         f"received: augment={augment!r}, hint={hint!r}; use path='live'")
    hard = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = keras.optimizers.Adam(learning_rate)
    import tensorflow as tf

    start = time.perf_counter()
    if path == "live":
        trainer = make_distiller(teacher, student, temperature=temperature, student_loss_weight=student_loss_weight,
                                 hint=hint, hint_weight=hint_weight)
        ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed).batch(batch_size)
        if augment is not None:
            ds = ds.map(lambda a, b: (augment(a, training=True), b))
    else:
        trainer = CachedDistiller(student, temperature=temperature, student_loss_weight=student_loss_weight)
        logits = cached_teacher_logits(teacher, x, cache_dir=cache_dir)
        ds = tf.data.Dataset.from_tensor_slices((x, (y, logits))).shuffle(len(x), seed=seed).batch(batch_size)
    trainer.compile(optimizer=optimizer, loss=hard, metrics=["accuracy"])
    history = trainer.fit(ds, epochs=epochs, validation_data=validation_data, verbose=verbose)
    seconds = time.perf_counter() - start
    return DistillResult(student=trainer.student, path=path, seconds=seconds, history=dict(history.history))

"""Seed 001 Unsupervised Consistency Loss (UDA), and FixMatch, as ``keras.Model`` wrappers.

The slide's objective, exactly::

    min_w  E_{x,y in L}[-log p_w(y|x)]  +  lambda * E_{x in U} E_{x^ ~ q(x^|x)} KL( p_w^(y|x) || p_w(y|x^) )
           \\_____ cross-entropy _____/              \\__________ consistency in augmentation __________/

``p_w^`` is the same network with its weights held fixed: the clean branch
gets no back-propagation ("no back prop" on the slide), the augmented branch
does ("yes back prop"). ``q`` is an augmentation (a Keras augmentation layer
told ``value_range=(0, 1)``, see ``keras_recipes.augment.views``). UDA's two
training signals sharpening (a softmax temperature < 1 on the clean target)
and confidence masking (drop unlabelled examples whose clean prediction is
below a threshold) are options, off by default.

FixMatch replaces the soft target by a hard pseudo-label: the weak view's
arg-max, kept only above a fixed confidence threshold (0.95), is the target of
a cross-entropy on the strong view.

Both are ``keras.Model`` subclasses that wrap a logit-output model and
override ``compute_loss`` only (``keras.ops`` throughout), so they train on
TensorFlow and JAX and save as ``.keras``. Their inputs are dicts
``{"labelled": x_l, "unlabelled": x_u}`` with labels ``y_l``
(``semi_supervised_dataset`` builds that pipeline); ``predict`` on plain
images works as for the wrapped model.

>>> import keras, numpy as np
>>> net = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
>>> uda = UDA(net, keras.layers.GaussianNoise(0.1), weight=1.0)
>>> uda.compile("adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
>>> rng = np.random.default_rng(0)
>>> ds = semi_supervised_dataset(rng.random((8, 4)), np.arange(8) % 3, rng.random((32, 4)), batch_size=4)
>>> _ = uda.fit(ds, epochs=1, verbose=0)
>>> uda.predict(rng.random((2, 4)), verbose=0).shape
(2, 3)
"""

import math

import keras
import numpy as np
from keras import ops

from keras_recipes.checks import require_positive_int, require_positive_number, require_rate

EPSILON = 1e-7


def _log_probs(outputs, from_logits):
    return ops.log_softmax(outputs, axis=-1) if from_logits else ops.log(ops.clip(outputs, EPSILON, 1.0))


def consistency_loss(clean_outputs, augmented_outputs, *, temperature=1.0, confidence=0.0, from_logits=True):
    """Batch mean of ``mask * KL(sharpen(p(y|x)) || p(y|x^))`` with no gradient through ``clean_outputs``.

    >>> clean = np.array([[2.0, 0.0]], "float32"); aug = np.array([[0.0, 0.0]], "float32")
    >>> p = np.exp(clean[0]) / np.exp(clean[0]).sum()
    >>> bool(np.isclose(float(consistency_loss(clean, aug)), (p * np.log(p / 0.5)).sum(), rtol=1e-5))
    True

    Args:
        clean_outputs: predictions on the clean unlabelled batch (logits by default).
        augmented_outputs: predictions on its augmentation.
        temperature: sharpening temperature of the clean target, > 0
            (1.0: none; UDA uses 0.4).
        confidence: mask out examples whose clean max probability is below
            it, in [0, 1) (0.0: no mask; UDA uses 0.8 for images).
        from_logits: outputs are logits (True) or probabilities.
    """
    clean_log = ops.stop_gradient(_log_probs(clean_outputs, from_logits))
    target_log = ops.log_softmax(clean_log / temperature, axis=-1)
    target = ops.exp(target_log)
    kl = ops.sum(target * (target_log - _log_probs(augmented_outputs, from_logits)), axis=-1)
    if confidence > 0:
        mask = ops.cast(ops.max(ops.exp(clean_log), axis=-1) >= confidence, kl.dtype)
        kl = kl * mask
    return ops.mean(kl)


def fixmatch_loss(weak_outputs, strong_outputs, *, threshold=0.95, from_logits=True):
    """Batch mean of ``mask * CE(argmax p(y|weak), p(y|strong))``; no gradient through the weak view.

    >>> weak = np.array([[5.0, 0.0], [0.1, 0.0]], "float32"); strong = np.zeros((2, 2), "float32")
    >>> round(float(fixmatch_loss(weak, strong, threshold=0.9)), 4)  # only row 0 passes: log(2) / 2
    0.3466
    """
    weak_log = ops.stop_gradient(_log_probs(weak_outputs, from_logits))
    pseudo = ops.argmax(weak_log, axis=-1)
    mask = ops.cast(ops.max(ops.exp(weak_log), axis=-1) >= threshold, "float32")
    log_q = _log_probs(strong_outputs, from_logits)
    ce = -ops.sum(ops.one_hot(pseudo, ops.shape(log_q)[-1], dtype=log_q.dtype) * log_q, axis=-1)
    return ops.mean(ce * ops.cast(mask, ce.dtype))


def build_views(model, *layers):
    """Build weightless augmentation layers for ``model``'s input shape (silences Keras' unbuilt-state warning)."""
    shape = getattr(model, "input_shape", None)
    if isinstance(shape, tuple):
        for layer in layers:
            if isinstance(layer, keras.layers.Layer) and not layer.built:
                layer.build(shape)


def _labelled(inputs):
    if isinstance(inputs, dict):
        if "labelled" not in inputs:
            raise ValueError(f"semi-supervised inputs must be a dict with 'labelled' and 'unlabelled'; "
                             f"received keys: {sorted(inputs)}")
        return inputs["labelled"], inputs.get("unlabelled")
    return inputs, None


class SemiSupervisedModel(keras.Model):
    """Common plumbing: wrap ``model``; ``call`` predicts on the labelled (or plain) input."""

    def __init__(self, model, *, weight=1.0, from_logits=True, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(model, keras.Model):
            raise TypeError(f"model must be a keras.Model; received: {type(model).__name__}")
        self.model = model
        self.weight = require_positive_number("weight", weight, allow_zero=True)
        if not isinstance(from_logits, bool):
            raise TypeError(f"from_logits must be a bool; received: from_logits={from_logits!r}")
        self.from_logits = from_logits

    def _build_views(self, *layers):
        """Build the (weightless) augmentation layers for the wrapped model's input shape."""
        build_views(self.model, *layers)
        self.built = True

    def call(self, inputs, training=None):
        labelled, _ = _labelled(inputs)
        return self.model(labelled, training=training)

    def unsupervised_loss(self, unlabelled, training):
        raise NotImplementedError

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        supervised = super().compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training)
        _, unlabelled = _labelled(x)
        if unlabelled is None or self.weight == 0:
            return supervised
        return supervised + self.weight * self.unsupervised_loss(unlabelled, training)

    def get_config(self):
        config = super().get_config()
        config.update(model=keras.saving.serialize_keras_object(self.model), weight=self.weight,
                      from_logits=self.from_logits)
        return config

    @classmethod
    def _deserialize(cls, config, *keys):
        config = dict(config)
        for key in ("model",) + keys:
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return config


@keras.saving.register_keras_serializable(package="keras_recipes")
class UDA(SemiSupervisedModel):
    """Cross-entropy on labelled data + ``weight`` x KL(p(y|x) || p(y|x^)) on unlabelled data.

    Args:
        model: the network, logit outputs (or probabilities with ``from_logits=False``).
        augment: the augmentation ``q`` (a Keras layer, called with ``training=True``).
        weight: lambda, >= 0 (1.0).
        temperature: sharpening of the clean target, > 0 (1.0: off).
        confidence: confidence-mask threshold in [0, 1) (0.0: off).
        from_logits: see above (True).
    """

    def __init__(self, model, augment, *, weight=1.0, temperature=1.0, confidence=0.0, from_logits=True, **kwargs):
        super().__init__(model, weight=weight, from_logits=from_logits, **kwargs)
        if not callable(augment):
            raise TypeError(f"augment must be a Keras layer; received: augment={augment!r}")
        self.augment = augment
        self.temperature = require_positive_number("temperature", temperature)
        self.confidence = require_rate("confidence", confidence)
        self._build_views(self.augment)

    def unsupervised_loss(self, unlabelled, training):
        clean = self.model(unlabelled, training=training)  # p_w^(y|x): stop-gradient inside the loss
        augmented = self.model(self.augment(unlabelled, training=True), training=training)
        return consistency_loss(clean, augmented, temperature=self.temperature, confidence=self.confidence,
                                from_logits=self.from_logits)

    def get_config(self):
        config = super().get_config()
        config.update(augment=keras.saving.serialize_keras_object(self.augment), temperature=self.temperature,
                      confidence=self.confidence)
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**cls._deserialize(config, "augment"))


@keras.saving.register_keras_serializable(package="keras_recipes")
class FixMatch(SemiSupervisedModel):
    """Cross-entropy on weakly augmented labelled data + ``weight`` x masked hard pseudo-label CE on strong views.

    Args:
        model: the network, logit outputs.
        weak, strong: the two augmentations (``augment.views.weak_view`` / ``strong_view``).
        weight: lambda_u, >= 0 (1.0).
        threshold: fixed confidence threshold of the pseudo-labels, in [0, 1) (0.95).
        from_logits: (True).
    """

    def __init__(self, model, weak, strong, *, weight=1.0, threshold=0.95, from_logits=True, **kwargs):
        super().__init__(model, weight=weight, from_logits=from_logits, **kwargs)
        for name, layer in (("weak", weak), ("strong", strong)):
            if not callable(layer):
                raise TypeError(f"{name} must be a Keras layer; received: {name}={layer!r}")
        self.weak = weak
        self.strong = strong
        self.threshold = require_rate("threshold", threshold)
        self._build_views(self.weak, self.strong)

    def call(self, inputs, training=None):
        labelled, unlabelled = _labelled(inputs)
        if training and unlabelled is not None:
            labelled = self.weak(labelled, training=True)
        return self.model(labelled, training=training)

    def unsupervised_loss(self, unlabelled, training):
        weak = self.model(self.weak(unlabelled, training=True), training=training)
        strong = self.model(self.strong(unlabelled, training=True), training=training)
        return fixmatch_loss(weak, strong, threshold=self.threshold, from_logits=self.from_logits)

    def get_config(self):
        config = super().get_config()
        config.update(weak=keras.saving.serialize_keras_object(self.weak),
                      strong=keras.saving.serialize_keras_object(self.strong), threshold=self.threshold)
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**cls._deserialize(config, "weak", "strong"))


def semi_supervised_dataset(x_labelled, y_labelled, x_unlabelled, *, batch_size=32, unlabelled_ratio=3, seed=0):
    """``tf.data`` of ``({"labelled": x_l, "unlabelled": x_u}, y_l)`` batches.

    One epoch walks the unlabelled pool once (batches of
    ``batch_size * unlabelled_ratio``, FixMatch's mu); the small labelled set
    is reshuffled and repeated alongside it.

    Args:
        x_labelled, y_labelled: the labelled set (integer labels).
        x_unlabelled: the unlabelled pool (its labels are never used).
        batch_size: labelled examples per batch (32).
        unlabelled_ratio: unlabelled examples per labelled one in a batch (3).
        seed: shuffling seed (0).
    """
    import tensorflow as tf

    require_positive_int("batch_size", batch_size)
    require_positive_int("unlabelled_ratio", unlabelled_ratio)
    x_labelled = np.asarray(x_labelled, "float32")
    x_unlabelled = np.asarray(x_unlabelled, "float32")
    y_labelled = np.asarray(y_labelled)
    if len(x_labelled) != len(y_labelled) or not len(x_labelled) or not len(x_unlabelled):
        raise ValueError("need a non-empty labelled set with one label per image and a non-empty unlabelled pool; "
                         f"received: {len(x_labelled)} images, {len(y_labelled)} labels, {len(x_unlabelled)} unlabelled")
    if x_labelled.shape[1:] != x_unlabelled.shape[1:]:
        raise ValueError(f"labelled and unlabelled images must have the same shape; received: "
                         f"{x_labelled.shape[1:]} and {x_unlabelled.shape[1:]}")
    u_batch = batch_size * unlabelled_ratio
    steps = max(1, math.ceil(len(x_unlabelled) / u_batch))
    labelled = (tf.data.Dataset.from_tensor_slices((x_labelled, y_labelled))
                .shuffle(len(x_labelled), seed=seed).repeat().batch(batch_size, drop_remainder=False))
    unlabelled = (tf.data.Dataset.from_tensor_slices(x_unlabelled)
                  .shuffle(len(x_unlabelled), seed=seed + 1).repeat().batch(u_batch))
    return (tf.data.Dataset.zip((labelled, unlabelled))
            .map(lambda lab, u: ({"labelled": lab[0], "unlabelled": u}, lab[1]))
            .take(steps).prefetch(tf.data.AUTOTUNE))

"""A16 Neural Structured Learning: a batch and its perturbed copy through one shared model.

The diagram: the batch and a randomly perturbed copy of it (translation /
scale, same labels) go through the shared model; the difference between the
two soft-label (softmax) outputs is a penalty added to the loss. A zero
penalty means the representation is invariant to the perturbation. Here the
difference is ``KL(p(y|x) || p(y|x'))``, gradients flowing through both
branches (both copies are pulled together, unlike UDA's fixed clean target).
Optionally the perturbation is adversarial: one fast-gradient-sign step
(``keras_recipes.augment.adversarial.fgsm``) instead of a random one.

A ``keras.Model`` subclass overriding ``compute_loss`` only: TensorFlow and
JAX, ``.keras`` round trip.

>>> import keras, numpy as np
>>> net = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(3)])
>>> nsl = StructuredModel(net, weight=0.5)
>>> nsl.compile("adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
>>> x = np.random.default_rng(0).random((16, 8, 8, 1)).astype("float32")
>>> _ = nsl.fit(x, np.arange(16) % 3, epochs=1, verbose=0)
"""

import keras
from keras import ops

from keras_recipes.augment.adversarial import fgsm
from keras_recipes.augment.views import shift_scale_view
from keras_recipes.checks import require_choice, require_positive_number
from keras_recipes.label_efficient.consistency import build_views

PERTURBATIONS = ("random", "adversarial")


def divergence(outputs, perturbed_outputs, *, from_logits=True):
    """Batch mean of ``KL(p(y|x) || p(y|x'))`` between the two softmax outputs (both get gradients)."""
    if from_logits:
        log_p, log_q = ops.log_softmax(outputs, axis=-1), ops.log_softmax(perturbed_outputs, axis=-1)
    else:
        log_p = ops.log(ops.clip(outputs, 1e-7, 1.0))
        log_q = ops.log(ops.clip(perturbed_outputs, 1e-7, 1.0))
    return ops.mean(ops.sum(ops.exp(log_p) * (log_p - log_q), axis=-1))


@keras.saving.register_keras_serializable(package="keras_recipes")
class StructuredModel(keras.Model):
    """Supervised loss + ``weight`` x divergence between a batch and its perturbed copy.

    Args:
        model: the shared network (logit outputs by default).
        perturb: the random perturbation, a Keras layer called with
            ``training=True`` (default ``shift_scale_view()``: translation and zoom).
        weight: the divergence weight, >= 0 (1.0).
        perturbation: ``"random"`` (``perturb``) or ``"adversarial"``
            (``perturb`` then one FGSM step of size ``epsilon`` against the labels).
        epsilon: FGSM step in input units (0.05), adversarial only.
        from_logits: the model outputs logits (True) or probabilities.
    """

    def __init__(self, model, perturb=None, *, weight=1.0, perturbation="random", epsilon=0.05, from_logits=True,
                 **kwargs):
        super().__init__(**kwargs)
        if not isinstance(model, keras.Model):
            raise TypeError(f"model must be a keras.Model; received: {type(model).__name__}")
        self.model = model
        self.perturb = perturb if perturb is not None else shift_scale_view()
        if not callable(self.perturb):
            raise TypeError(f"perturb must be a Keras layer; received: perturb={perturb!r}")
        self.weight = require_positive_number("weight", weight, allow_zero=True)
        self.perturbation = require_choice("perturbation", perturbation, PERTURBATIONS)
        self.epsilon = require_positive_number("epsilon", epsilon)
        self.from_logits = bool(from_logits)
        build_views(self.model, self.perturb)
        self.built = True

    def call(self, inputs, training=None):
        return self.model(inputs, training=training)

    def perturbed(self, x, y):
        """The perturbed copy of batch ``x`` (random, then an FGSM step if adversarial)."""
        x_p = self.perturb(x, training=True)
        if self.perturbation == "adversarial":
            loss = keras.losses.SparseCategoricalCrossentropy(from_logits=self.from_logits)
            x_p = fgsm(self.model, x_p, y, epsilon=self.epsilon, loss=loss, value_range=(0.0, 1.0))
        return x_p

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        supervised = super().compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training)
        if self.weight == 0:
            return supervised
        if y_pred is None:
            y_pred = self(x, training=training)
        perturbed_pred = self.model(self.perturbed(x, y), training=training)
        return supervised + self.weight * divergence(y_pred, perturbed_pred, from_logits=self.from_logits)

    def get_config(self):
        config = super().get_config()
        config.update(model=keras.saving.serialize_keras_object(self.model),
                      perturb=keras.saving.serialize_keras_object(self.perturb), weight=self.weight,
                      perturbation=self.perturbation, epsilon=self.epsilon, from_logits=self.from_logits)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["model"] = keras.saving.deserialize_keras_object(config["model"])
        config["perturb"] = keras.saving.deserialize_keras_object(config["perturb"])
        return cls(**config)

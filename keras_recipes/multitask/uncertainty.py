"""Uncertainty weighting of task losses (Kendall, Gal and Cipolla, 2018).

Seed 001, "Multi-task: Uncertainty Weighting": each task ``i`` gets a
trainable log-variance ``s_i = log sigma_i^2`` and the pooled loss is

    L = sum_i  c_i * exp(-s_i) * L_i  +  s_i / 2,

with ``c_i = 1/2`` for a regression task (Gaussian likelihood) and
``c_i = 1`` for a classification task (softmax likelihood). A noisy task
learns a large ``s_i`` and is down-weighted; the ``s_i / 2`` term stops
every ``s_i`` from growing without bound. A Keras ``Loss`` cannot hold
trainable weights, so the log-variances live in the ``UncertaintyWeighting``
layer and ``UncertaintyWeightedModel`` (a ``keras.Model`` overriding
``compute_loss``, which works on every backend) trains them with the network.
"""

import keras
from keras import ops

from keras_recipes.multitask.task_heads import _check_tasks, task_loss, task_metric
from keras_recipes.tasks import Regressor

KINDS = ("classification", "regression")


@keras.saving.register_keras_serializable(package="keras_recipes")
class UncertaintyWeighting(keras.layers.Layer):
    """Combine T task losses as ``sum_i c_i exp(-s_i) L_i + s_i / 2`` with trainable ``s_i``.

    >>> import numpy as np
    >>> layer = UncertaintyWeighting(["classification", "regression"])
    >>> _ = layer.log_variance.assign(np.log([2.0, 4.0]))
    >>> round(float(layer([np.float32(1.0), np.float32(8.0)])), 4)   # 1/2 * 1 + 0.5 ln 2 + 0.5 * 8/4 + 0.5 ln 4
    2.5397

    Args:
        kinds: one ``"classification"`` or ``"regression"`` per task, in the
            order the losses are passed.
    """

    def __init__(self, kinds, **kwargs):
        super().__init__(**kwargs)
        kinds = list(kinds)
        if not kinds or any(k not in KINDS for k in kinds):
            raise ValueError(f"kinds must be a non-empty list of {list(KINDS)}; received: kinds={kinds!r}")
        self.kinds = kinds
        self.log_variance = self.add_weight(shape=(len(kinds),), initializer="zeros",
                                            name="log_variance")
        self.built = True

    def call(self, losses):
        losses = ops.stack([ops.convert_to_tensor(loss, dtype=self.log_variance.dtype)
                            for loss in losses])
        scale = ops.convert_to_tensor([0.5 if k == "regression" else 1.0 for k in self.kinds],
                                      dtype=losses.dtype)
        s = self.log_variance
        return ops.sum(scale * ops.exp(-s) * losses + 0.5 * s)

    def get_config(self):
        return {**super().get_config(), "kinds": self.kinds}


@keras.saving.register_keras_serializable(package="keras_recipes")
class UncertaintyWeightedModel(keras.Model):
    """Train ``network`` (dict outputs) on uncertainty-weighted task losses; compile, then fit.

    ``compute_loss`` evaluates each task's loss on its output, combines them
    with the ``weighting`` layer's log-variances, and adds the network's own
    losses (the soft-sharing penalty, regularisers). ``network`` keeps its
    weights: training this model trains ``bundle.model``.

    >>> from keras_recipes.multitask import hard_sharing
    >>> from keras_recipes.tasks import Classifier, Regressor
    >>> tasks = {"digit": Classifier(10), "ink": Regressor(1)}
    >>> bundle = hard_sharing((8, 8, 1), tasks, width=4, depth=(1,))
    >>> trainer = uncertainty_weighted(bundle, tasks)
    >>> trainer.weighting.kinds
    ['classification', 'regression']

    Args:
        network: a ``keras.Model`` whose outputs are ``{task: prediction}``.
        losses: ``{task: Keras loss}`` (object, name or config).
        kinds: ``{task: "classification" | "regression"}`` (sets ``c_i``;
            default: regression for a mean-squared-error loss).
    """

    def __init__(self, network, losses, kinds=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(network, keras.Model):
            network = keras.saving.deserialize_keras_object(network)
        self.network = network
        if not isinstance(losses, dict) or not losses:
            raise ValueError(f"losses must be a non-empty dict {{task: loss}}; received: losses={losses!r}")
        outputs = network.output
        missing = sorted(set(losses) - set(outputs if isinstance(outputs, dict) else ()))
        if missing:
            raise ValueError(f"losses names tasks the network does not output: {missing}; the network "
                             f"outputs {sorted(outputs) if isinstance(outputs, dict) else outputs!r}")
        self.task_names = list(losses)
        self.task_losses = {t: keras.losses.get(loss) for t, loss in losses.items()}
        if kinds is None:
            kinds = {t: "regression" if isinstance(loss, keras.losses.MeanSquaredError)
                     else "classification" for t, loss in self.task_losses.items()}
        self.weighting = UncertaintyWeighting([kinds[t] for t in self.task_names], name="weighting")

    def call(self, inputs, training=None):
        return self.network(inputs, training=training)

    def task_loss_values(self, y, y_pred, sample_weight=None):
        """``[L_i]``: each task's loss on this batch, in ``task_names`` order."""
        return [self.task_losses[t](y[t], y_pred[t], sample_weight=(
            sample_weight.get(t) if isinstance(sample_weight, dict) else sample_weight))
            for t in self.task_names]

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        total = self.weighting(self.task_loss_values(y, y_pred, sample_weight))
        for extra in self.losses:  # the network's own: soft-sharing penalty, regularisers
            total = total + ops.cast(ops.sum(extra), total.dtype)
        return total

    def get_config(self):
        return {**super().get_config(),
                "network": keras.saving.serialize_keras_object(self.network),
                "losses": {t: keras.losses.serialize(loss) for t, loss in self.task_losses.items()},
                "kinds": dict(zip(self.task_names, self.weighting.kinds))}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["losses"] = {t: keras.losses.deserialize(loss) for t, loss in config["losses"].items()}
        return cls(**config)


def uncertainty_weighted(model, tasks, *, optimizer="adam", learning_rate=1e-3, jit_compile="auto"):
    """Wrap ``model`` (or a bundle's ``.model``) in a compiled ``UncertaintyWeightedModel``.

    Losses and metrics follow the tasks (see ``task_loss``): cross-entropy
    tasks count as classification, ``Regressor`` tasks as regression.

    >>> from keras_recipes.multitask import hard_sharing
    >>> from keras_recipes.tasks import Classifier, Regressor
    >>> tasks = {"digit": Classifier(10), "ink": Regressor(1)}
    >>> trainer = uncertainty_weighted(hard_sharing((8, 8, 1), tasks, width=4, depth=(1,)), tasks)
    >>> trainer.task_names, tuple(trainer.weighting.log_variance.shape)
    (['digit', 'ink'], (2,))

    Args:
        model: a ``keras.Model`` with dict outputs, or a ``MultiTaskBundle``.
        tasks: ``{task: Classifier | Regressor}``.
        optimizer: Keras optimizer name (default ``"adam"``).
        learning_rate: default 1e-3.
        jit_compile: passed to ``compile`` (default ``"auto"``).
    """
    from keras_recipes.checks import fresh_optimizer

    network = getattr(model, "model", model)
    tasks = _check_tasks(tasks)
    trainer = UncertaintyWeightedModel(
        network, {t: task_loss(task) for t, task in tasks.items()},
        kinds={t: "regression" if isinstance(task, Regressor) else "classification"
               for t, task in tasks.items()}, name="uncertainty_weighted")
    trainer.compile(optimizer=fresh_optimizer("optimizer", optimizer, learning_rate),
                    metrics={t: [task_metric(task)] for t, task in tasks.items()}, jit_compile=jit_compile)
    return trainer

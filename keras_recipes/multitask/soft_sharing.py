"""Soft parameter sharing: a trunk per task, pulled together by an intra-network similarity loss.

Seed 001, "Multi-task learning parameter sharing: soft parameter sharing":
each task has its own trunk, the task losses are pooled over the batch, and
an L2 penalty between corresponding trunk weights keeps the trunks similar
without tying them. ``SoftSharing`` is the layer that holds the trunks and
adds that penalty with ``add_loss``, so ``fit`` minimises it on every
backend and a saved model keeps it.
"""

import itertools

import keras
from keras import ops

from keras_recipes.bundle import ModelBundle
from keras_recipes.checks import require_positive_number
from keras_recipes.multitask.hard_sharing import _trunk
from keras_recipes.multitask.task_heads import build_task_heads, _check_head_options, _check_tasks


@keras.saving.register_keras_serializable(package="keras_recipes")
class SoftSharing(keras.layers.Layer):
    """Run one trunk per task on the same input; add ``penalty * sum ||W_i - W_j||^2``.

    The sum runs over every pair of trunks and every pair of corresponding
    trainable weights (same position in each trunk, same shape), so it is
    zero when the trunks are equal and grows with their squared distance.

    >>> import keras, numpy as np
    >>> def tiny(name):
    ...     inputs = keras.Input((3,))
    ...     return keras.Model(inputs, keras.layers.Dense(2, name="d")(inputs), name=name)
    >>> layer = SoftSharing([tiny("a"), tiny("b")], penalty=0.5)
    >>> a, b = layer.trunks
    >>> b.set_weights(a.get_weights())
    >>> float(layer.similarity_loss())
    0.0

    Args:
        trunks: one ``keras.Model`` per task, all the same architecture.
        penalty: weight of the similarity loss, >= 0 (default 1e-3).
        names: optional task names (output ``i`` is task ``names[i]``).
    """

    def __init__(self, trunks, penalty=1e-3, names=None, **kwargs):
        super().__init__(**kwargs)
        self.trunks = [t if isinstance(t, keras.Model) else keras.saving.deserialize_keras_object(t)
                       for t in trunks]
        if len(self.trunks) < 2:
            raise ValueError(f"SoftSharing needs at least two trunks; received {len(self.trunks)}")
        shapes = [[tuple(w.shape) for w in t.trainable_weights] for t in self.trunks]
        if any(s != shapes[0] for s in shapes):
            raise ValueError("the trunks of SoftSharing must have corresponding weights (same "
                             "architecture); received trunks with weight shapes "
                             f"{[s[:3] for s in shapes]} ...")
        self.penalty = require_positive_number("penalty", penalty, allow_zero=True)
        self.names = list(names) if names is not None else [t.name for t in self.trunks]

    def similarity_loss(self):
        """``sum_{i<j} sum_k ||W_i[k] - W_j[k]||^2`` over the trunks' trainable weights."""
        total = ops.zeros(())
        for a, b in itertools.combinations(self.trunks, 2):
            for wa, wb in zip(a.trainable_weights, b.trainable_weights):
                total = total + ops.sum(ops.square(wa - wb))
        return total

    def call(self, inputs, training=None):
        if self.penalty:
            self.add_loss(self.penalty * self.similarity_loss())
        return [t(inputs, training=training) for t in self.trunks]

    def compute_output_shape(self, input_shape):
        return [tuple(t.output.shape) for t in self.trunks]

    def get_config(self):
        return {**super().get_config(), "penalty": self.penalty, "names": self.names,
                "trunks": [keras.saving.serialize_keras_object(t) for t in self.trunks]}


def soft_sharing(input_shape, tasks, *, architecture="vgg", width=8, depth=(1, 1), pooling="avg",
                 penalty=1e-3, head_units=0, relationship=0.0, name="soft_sharing"):
    """A trunk per task + an L2 penalty between corresponding trunk weights; a ``MultiTaskBundle``.

    ``encoder`` maps the input to ``{task: bottleneck}`` (each task's own
    trunk), ``heads[task]`` maps that task's bottleneck to its output.
    ``penalty`` weighs the similarity loss that ``fit`` adds to the task
    losses (0 gives independent trunks trained side by side).

    >>> from keras_recipes.tasks import Classifier
    >>> bundle = soft_sharing((8, 8, 1), {"digit": Classifier(10), "parity": Classifier(2)},
    ...                       width=4, depth=(1,), penalty=1e-2)
    >>> bundle.bottleneck_shape
    {'digit': (4,), 'parity': (4,)}

    Args:
        input_shape, tasks, architecture, width, depth, pooling, head_units,
            relationship, name: as in ``hard_sharing``.
        penalty: weight of the similarity loss, >= 0 (default 1e-3).
    """
    tasks = _check_tasks(tasks)
    _check_head_options(head_units, relationship)
    require_positive_number("penalty", penalty, allow_zero=True)
    if len(tasks) < 2:
        raise ValueError(f"soft sharing needs at least two tasks; received tasks={sorted(tasks)}")
    trunks = []
    for task in tasks:
        encoder = _trunk(architecture, input_shape, width, depth, pooling)
        trunks.append(keras.Model(encoder.input, encoder.output, name=f"trunk_{task}"))
    image = keras.Input(tuple(input_shape), name="image")
    features = SoftSharing(trunks, penalty=penalty, names=list(tasks), name="soft_sharing")(image)
    encoder = keras.Model(image, dict(zip(tasks, features)), name="encoder")
    head = build_task_heads({t: tuple(f.shape[1:]) for t, f in zip(tasks, features)}, tasks,
                            head_units=head_units, relationship=relationship)
    return ModelBundle._wire(encoder, head, name)

"""Cross-stitch networks: task trunks that exchange activations through a learned mixing matrix.

Seed 001, "Multi-task: Cross Stitch Networks": one trunk per task, and at
chosen depths a cross-stitch unit replaces each task's activation with a
learned weighted sum of every task's activations,

    x'_i = sum_j alpha[i, j] * x_j.

With ``alpha`` the identity the trunks are independent; off-diagonal weights
share features. The slide's verdict: "works a little better than single
task, but no worse"; ``bench/multitask.py`` measures it here.
"""

import numbers

import keras
import numpy as np
from keras import ops

from keras_recipes.bundle import ModelBundle
from keras_recipes.checks import require_positive_int, require_rate
from keras_recipes.multitask.task_heads import build_task_heads, _check_head_options, _check_tasks
from keras_recipes.zoo.parts import check_depth, check_input_shape, conv_bn_act
from keras_recipes.zoo.plain import vgg_group

POOLING_LAYERS = {"avg": keras.layers.GlobalAveragePooling2D, "max": keras.layers.GlobalMaxPooling2D,
                  "flatten": keras.layers.Flatten}


def initial_mixing(num_tasks, self_weight):
    """``self_weight`` on the diagonal, the rest of each row shared equally by the other tasks.

    >>> initial_mixing(2, 0.9).round(6).tolist()
    [[0.9, 0.1], [0.1, 0.9]]
    """
    off = (1.0 - self_weight) / max(num_tasks - 1, 1)
    return np.full((num_tasks, num_tasks), off) + np.eye(num_tasks) * (self_weight - off)


@keras.saving.register_keras_serializable(package="keras_recipes")
class CrossStitch(keras.layers.Layer):
    """Mix T same-shaped activations with a learned T x T matrix: ``x'_i = sum_j alpha[i, j] x_j``.

    >>> import numpy as np
    >>> unit = CrossStitch(self_weight=1.0)
    >>> a, b = np.ones((1, 2), "float32"), np.zeros((1, 2), "float32")
    >>> [np.asarray(out).tolist() for out in unit([a, b])]
    [[[1.0, 1.0]], [[0.0, 0.0]]]

    Args:
        self_weight: initial weight of a task's own activation (the
            diagonal of ``alpha``), in [0, 1]; the other tasks share the
            rest of each row (default 0.9).
    """

    def __init__(self, self_weight=0.9, **kwargs):
        super().__init__(**kwargs)
        self.self_weight = require_rate("self_weight", self_weight, closed=True)

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) < 2:
            raise ValueError(f"CrossStitch takes a list of at least two activations; received "
                             f"input_shape={input_shape!r}")
        if any(tuple(s[1:]) != tuple(input_shape[0][1:]) for s in input_shape):
            raise ValueError(f"CrossStitch activations must have one shape; received {input_shape!r}")
        start = initial_mixing(len(input_shape), self.self_weight)
        self.alpha = self.add_weight(
            shape=start.shape, name="alpha",
            initializer=lambda shape, dtype=None: ops.convert_to_tensor(start, dtype=dtype))

    def call(self, inputs):
        mixed = ops.tensordot(self.alpha, ops.stack(inputs, axis=0), axes=1)
        return [mixed[i] for i in range(len(inputs))]

    def compute_output_shape(self, input_shape):
        return [tuple(s) for s in input_shape]

    def get_config(self):
        return {**super().get_config(), "self_weight": self.self_weight}


def _check_stitches(stitch_after, groups):
    if stitch_after is None:
        return tuple(range(groups))
    if not isinstance(stitch_after, (tuple, list)) or not all(
            isinstance(g, numbers.Integral) and not isinstance(g, bool) and 0 <= g < groups
            for g in stitch_after):
        raise ValueError(f"stitch_after must be a tuple of group indices in [0, {groups}) (after "
                         f"which group to put a cross-stitch unit); received: stitch_after={stitch_after!r}")
    return tuple(sorted(set(int(g) for g in stitch_after)))


def cross_stitch(input_shape, tasks, *, width=8, depth=(1, 1), pooling="avg", stitch_after=None,
                 self_weight=0.9, head_units=0, relationship=0.0, name="cross_stitch"):
    """A VGG-style trunk per task, cross-stitch units after chosen groups; a ``MultiTaskBundle``.

    Each trunk is the zoo's stem and ``vgg_group`` parts (names prefixed by
    the task); after group ``g`` in ``stitch_after`` a ``CrossStitch`` unit
    named ``cross_stitch{g + 1}`` mixes the tasks' activations. ``encoder``
    maps the input to ``{task: bottleneck}``.

    >>> from keras_recipes.tasks import Classifier
    >>> bundle = cross_stitch((8, 8, 1), {"digit": Classifier(10), "parity": Classifier(2)},
    ...                       width=4, depth=(1, 1), stitch_after=(0,))
    >>> [layer.name for layer in bundle.encoder.layers if "stitch" in layer.name]
    ['cross_stitch1']

    Args:
        input_shape, tasks, width, depth, pooling, head_units, relationship,
            name: as in ``hard_sharing`` (``pooling`` one of ``"avg"``,
            ``"max"``, ``"flatten"``).
        stitch_after: indices of the groups followed by a cross-stitch unit
            (default None: after every group; ``()`` gives independent trunks).
        self_weight: initial diagonal of every unit's mixing matrix (default 0.9).
    """
    tasks = _check_tasks(tasks)
    _check_head_options(head_units, relationship)
    if len(tasks) < 2:
        raise ValueError(f"cross-stitch needs at least two tasks; received tasks={sorted(tasks)}")
    depth = check_depth(depth)
    input_shape = check_input_shape(input_shape, len(depth))
    width = require_positive_int("width", width)
    if pooling not in POOLING_LAYERS:
        raise ValueError(f"pooling must be one of {list(POOLING_LAYERS)}; received: pooling={pooling!r}")
    stitches = _check_stitches(stitch_after, len(depth))
    require_rate("self_weight", self_weight, closed=True)

    image = keras.Input(input_shape, name="image")
    xs = {t: conv_bn_act(image, width, name=f"{t}_stem") for t in tasks}
    for g, blocks in enumerate(depth):
        xs = {t: vgg_group(x, width * 2**g, blocks, name=f"{t}_group{g + 1}") for t, x in xs.items()}
        if g in stitches:
            mixed = CrossStitch(self_weight, name=f"cross_stitch{g + 1}")(list(xs.values()))
            xs = dict(zip(xs, mixed))
    features = {t: POOLING_LAYERS[pooling](name=f"{t}_bottleneck")(x) for t, x in xs.items()}
    encoder = keras.Model(image, features, name="encoder")
    head = build_task_heads({t: tuple(f.shape[1:]) for t, f in features.items()}, tasks,
                            head_units=head_units, relationship=relationship)
    return ModelBundle._wire(encoder, head, name)

"""Hard parameter sharing: one trunk for every task, one head per task.

Seed 001, "Multi-task learning parameter sharing: hard parameter sharing":
the early layers are shared feature extractors, each task trains its own
layers on top, and the task losses are pooled over the batch and updated
by backpropagation (``compile_multitask``).
"""

from keras_recipes import zoo
from keras_recipes.bundle import ModelBundle
from keras_recipes.checks import require_choice
from keras_recipes.multitask.task_heads import build_task_heads, _check_head_options, _check_tasks
from keras_recipes.tasks import Classifier


def _trunk(architecture, input_shape, width, depth, pooling):
    """A zoo architecture's encoder (stem -> learner -> bottleneck), checked at the door."""
    require_choice("architecture", architecture, sorted(zoo.ARCHITECTURES))
    return zoo.build(architecture, input_shape=input_shape, task=Classifier(2), width=width,
                     depth=depth, pooling=pooling).encoder


def hard_sharing(input_shape, tasks, *, architecture="vgg", width=8, depth=(1, 1), pooling="avg",
                 head_units=0, relationship=0.0, name="hard_sharing"):
    """One shared trunk -> one bottleneck -> a head per task; returns a ``MultiTaskBundle``.

    ``encoder`` is the shared trunk (input -> bottleneck), ``heads[task]``
    each task's head, ``model`` outputs ``{task: prediction}``.

    >>> from keras_recipes.tasks import Classifier, Regressor
    >>> bundle = hard_sharing((8, 8, 1), {"digit": Classifier(10), "ink": Regressor(1)},
    ...                       width=4, depth=(1,))
    >>> bundle.tasks, bundle.bottleneck_shape
    (('digit', 'ink'), (4,))

    Args:
        input_shape: (height, width, channels).
        tasks: ``{task: Classifier | Regressor}``; a sigmoid ``Classifier``
            is a multi-label task.
        architecture: a zoo architecture (``"vgg"``, ``"resnet"``,
            ``"mobilenet_v2"``; default ``"vgg"``).
        width, depth, pooling: the zoo builder's arguments (defaults 8,
            (1, 1), ``"avg"``).
        head_units: a task-specific fully connected layer of this many units
            in each head (default 0: the task's output sits on the bottleneck).
        relationship: deep-relationship-network penalty on those layers
            (``GramIdentity`` strength, default 0: off).
        name: the model's name.
    """
    tasks = _check_tasks(tasks)
    _check_head_options(head_units, relationship)
    encoder = _trunk(architecture, input_shape, width, depth, pooling)
    head = build_task_heads(tuple(encoder.output.shape[1:]), tasks, head_units=head_units,
                            relationship=relationship)
    return ModelBundle._wire(encoder, head, name)

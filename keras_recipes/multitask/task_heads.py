"""One head per task, and the losses that go with each: multi-label vs one label per input.

Seed 001, "Multi-task optimization": a task with one label per input is a
softmax ``Classifier`` trained with sparse categorical cross-entropy; a
multi-label task (several labels per input) is a sigmoid ``Classifier``
trained with binary cross-entropy, one independent yes/no per label; a
regression target is a ``Regressor`` trained with the mean squared error.
Every multi-task builder calls ``build_task_heads`` for its ``head`` and
``compile_multitask`` pools the task losses ("pool losses over batches from
multiple tasks, update via backprop"), optionally with loss weights: an
auxiliary head is a task whose loss weight is small and whose output is
ignored at prediction time.
"""

import keras

from keras_recipes.bundle import HEAD_NAME
from keras_recipes.checks import fresh_optimizer, require_positive_int, require_positive_number
from keras_recipes.tasks import Classifier, Regressor


def _check_tasks(tasks):
    """``tasks`` must be a non-empty dict ``{identifier: Classifier | Regressor}``; returns it."""
    if not isinstance(tasks, dict) or not tasks:
        raise ValueError("tasks must be a non-empty dict {task name: Classifier or Regressor}, e.g. "
                         "{'digit': Classifier(10), 'ink': Regressor(1)}; "
                         f"received: tasks={tasks!r}")
    for name, task in tasks.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"tasks keys must be identifiers (they name outputs); received: {name!r}")
        if not isinstance(task, (Classifier, Regressor)):
            raise TypeError(f"tasks[{name!r}] must be a keras_recipes.tasks Classifier or Regressor; "
                            f"received: {task!r}")
    return dict(tasks)


def _check_head_options(head_units, relationship):
    """Validate ``head_units`` (>= 0) and ``relationship`` (>= 0, needs ``head_units``)."""
    if head_units != 0:
        require_positive_int("head_units", head_units)
    require_positive_number("relationship", relationship, allow_zero=True)
    if relationship and not head_units:
        raise ValueError("relationship= regularises each task's fully connected layer, so it needs "
                         f"head_units > 0; received: head_units={head_units!r}, "
                         f"relationship={relationship!r}")


def build_task_heads(bottlenecks, tasks, *, head_units=0, relationship=0.0):
    """The ``head`` model: bottleneck(s) -> ``{task: output}``, one nested model ``head_<task>`` per task.

    Args:
        bottlenecks: one shape (a bottleneck all tasks share) or a dict
            ``{task: shape}`` (one bottleneck per task; the head then takes
            a dict by task name).
        tasks: ``{task: Classifier | Regressor}``.
        head_units: units of a task-specific fully connected ReLU layer
            before each task's output (default 0: none).
        relationship: strength of the deep-relationship-network penalty
            (``GramIdentity``) on those task-specific layers (default 0).

    >>> head = build_task_heads((4,), {"digit": Classifier(10), "ink": Regressor(1)}, head_units=3)
    >>> {t: tuple(out.shape) for t, out in head.output.items()}
    {'digit': (None, 10), 'ink': (None, 1)}
    """
    from keras_recipes.multitask.relationship import GramIdentity

    per_task = isinstance(bottlenecks, dict)
    if per_task:
        inputs = {t: keras.Input(tuple(bottlenecks[t]), name=t) for t in tasks}
    else:
        shared = keras.Input(tuple(bottlenecks), name="bottleneck")
    outputs = {}
    for name, task in tasks.items():
        features = keras.Input(tuple(bottlenecks[name] if per_task else bottlenecks), name="bottleneck")
        x = features
        if head_units:
            if len(x.shape) > 2:
                x = keras.layers.Flatten(name=f"{name}_flatten_fc")(x)
            x = keras.layers.Dense(
                head_units, activation="relu", name=f"{name}_fc",
                kernel_regularizer=GramIdentity(relationship) if relationship else None)(x)
        own = keras.Model(features, task.build(x, name=name), name=f"{HEAD_NAME}_{name}")
        outputs[name] = own(inputs[name] if per_task else shared)
    return keras.Model(inputs if per_task else shared, outputs, name=HEAD_NAME)


def task_loss(task):
    """The loss that fits ``task``: cross-entropy (sparse or binary) or mean squared error.

    >>> type(task_loss(Classifier(3, activation="sigmoid"))).__name__
    'BinaryCrossentropy'
    """
    if isinstance(task, Regressor):
        return keras.losses.MeanSquaredError()
    logits = task.activation is None
    if task.activation == "sigmoid":
        return keras.losses.BinaryCrossentropy(from_logits=logits)
    return keras.losses.SparseCategoricalCrossentropy(from_logits=logits)


def task_metric(task):
    """The metric name reported per task: accuracy, binary accuracy or mean absolute error.

    >>> task_metric(Classifier(4, activation="sigmoid")), task_metric(Regressor(1))
    ('binary_accuracy', 'mae')
    """
    if isinstance(task, Regressor):
        return "mae"
    return "binary_accuracy" if task.activation == "sigmoid" else "accuracy"


def compile_multitask(model, tasks, *, optimizer="adam", learning_rate=1e-3, loss_weights=None,
                      jit_compile="auto"):
    """Compile ``model`` (or a bundle's ``.model``) with each task's loss and metric; return it.

    The pooled loss is ``sum_t loss_weights[t] * loss_t`` plus whatever the
    model adds itself (the soft-sharing penalty, ``GramIdentity``).

    >>> from keras_recipes.multitask import hard_sharing
    >>> tasks = {"digit": Classifier(10), "parity": Classifier(2)}
    >>> bundle = hard_sharing((8, 8, 1), tasks, width=4, depth=(1,))
    >>> model = compile_multitask(bundle, tasks, loss_weights={"digit": 1.0, "parity": 0.3})

    Args:
        model: a ``keras.Model`` with dict outputs, or a ``MultiTaskBundle``.
        tasks: ``{task: Classifier | Regressor}`` (picks losses and metrics).
        optimizer: Keras optimizer name (default ``"adam"``).
        learning_rate: default 1e-3.
        loss_weights: optional ``{task: weight >= 0}``; missing tasks weigh 1.
            An auxiliary head: a small weight.
        jit_compile: passed to ``model.compile`` (default ``"auto"``; False
            skips XLA's compile time, which dominates short runs of tiny models).
    """
    model = getattr(model, "model", model)
    tasks = _check_tasks(tasks)
    weights = dict(loss_weights or {})
    unknown = sorted(set(weights) - set(tasks))
    if unknown:
        raise ValueError(f"loss_weights names tasks the model does not have: {unknown}; "
                         f"tasks are {sorted(tasks)}")
    for name, value in weights.items():
        require_positive_number(f"loss_weights[{name!r}]", value, allow_zero=True)
    model.compile(
        optimizer=fresh_optimizer("optimizer", optimizer, learning_rate),
        loss={t: task_loss(task) for t, task in tasks.items()},
        loss_weights={t: float(weights.get(t, 1.0)) for t in tasks},
        metrics={t: [task_metric(task)] for t, task in tasks.items()},
        jit_compile=jit_compile,
    )
    return model

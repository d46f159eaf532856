"""Task components: what sits on top of the bottleneck (diagram A1, "task").

A task is a small, validated description; ``build_head`` turns it (or a dict
of them, for several named heads at once) into the ``head`` model of a
bundle.
"""

from dataclasses import dataclass

import keras

from keras_recipes.checks import require_positive_int, require_rate

CLASSIFIER_ACTIVATIONS = ("softmax", "sigmoid", None)


def _dense_output(features, units, activation, dropout, name):
    """[Flatten ->] [Dropout ->] Dense: the body shared by the dense tasks.

    A spatial bottleneck (``pooling=None``) is flattened first.
    """
    x = features
    if len(x.shape) > 2:
        x = keras.layers.Flatten(name=f"{name}_flatten")(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name=f"{name}_dropout")(x)
    return keras.layers.Dense(units, activation=activation, name=name)(x)


@dataclass(frozen=True)
class Classifier:
    """A dense classification task.

    Args:
        num_classes: number of classes, >= 1.
        activation: ``"softmax"`` (default), ``"sigmoid"`` (multi-label) or
            ``None`` for logits (pair with ``from_logits=True`` losses).
        dropout: dropout rate in [0, 1) applied to the bottleneck first.

    >>> Classifier(num_classes=10, dropout=0.2)
    Classifier(num_classes=10, activation='softmax', dropout=0.2)
    """

    num_classes: int
    activation: "str | None" = "softmax"
    dropout: float = 0.0

    def __post_init__(self):
        require_positive_int("num_classes", self.num_classes)
        if self.activation not in CLASSIFIER_ACTIVATIONS:
            raise ValueError(
                f"activation must be one of {CLASSIFIER_ACTIVATIONS}; "
                f"received: activation={self.activation!r}"
            )
        require_rate("dropout", self.dropout)

    def build(self, features, name="predictions"):
        return _dense_output(features, self.num_classes, self.activation, self.dropout, name)


@dataclass(frozen=True)
class Regressor:
    """A dense regression task with ``units`` outputs and no activation by default.

    >>> Regressor(units=2)
    Regressor(units=2, activation=None, dropout=0.0)
    """

    units: int = 1
    activation: "str | None" = None
    dropout: float = 0.0

    def __post_init__(self):
        require_positive_int("units", self.units)
        require_rate("dropout", self.dropout)

    def build(self, features, name="predictions"):
        return _dense_output(features, self.units, self.activation, self.dropout, name)


def _check_task(name, task):
    if not hasattr(task, "build"):
        raise TypeError(
            f"{name} must be a Classifier, a Regressor or another object with "
            f"build(features); received: {task!r}"
        )


def build_head(bottleneck_shape, task):
    """The ``head`` model: bottleneck -> task output(s).

    Args:
        bottleneck_shape: shape of one bottleneck feature, without batch axis.
        task: a Task, or a non-empty dict ``{output_name: Task}`` for
            several named heads (the model then outputs a dict).
    """
    features = keras.Input(shape=bottleneck_shape, name="bottleneck")
    if isinstance(task, dict):
        if not task:
            raise ValueError("task dict must name at least one head; received: {}")
        outputs = {}
        for out_name, sub in task.items():
            if not isinstance(out_name, str) or not out_name.isidentifier():
                raise ValueError(
                    f"task dict keys must be identifiers (they name outputs); received: {out_name!r}"
                )
            _check_task(f"task[{out_name!r}]", sub)
            outputs[out_name] = sub.build(features, name=out_name)
    else:
        _check_task("task", task)
        outputs = task.build(features)
    return keras.Model(features, outputs, name="head")

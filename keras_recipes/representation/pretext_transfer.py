"""Diagram A7's second half: transfer the pretext encoders, few labels, against random init.

Each pretext task (``pretext_rotation``, ``pretext_patches``,
``pretext_inpainting``, ``pretext_contrastive``) pre-trains the same
architecture, from the same initial weights, on every training image with
its label hidden. Then each encoder, and the untouched random-init encoder,
is measured two ways on the few labelled images (5% by default):

* **linear probe**: a logistic regression on the frozen bottleneck features
  (``keras_recipes.probes.linear_probes``): what the embedding already
  holds;
* **fine-tune**: the whole ``bundle.model`` trained on the labelled images:
  what the pre-trained weights are worth as an initialisation.

keras.io's SimCLR example draws the same comparison table (pre-trained vs
supervised baseline); here every pretext task gets a row.

>>> from keras_recipes.datasets import load_digits
>>> splits = load_digits(labelled_fraction=0.2, seed=0)
>>> result = compare_pretext(splits, tasks=("rotation",), pretrain_epochs=1, fine_tune_epochs=1)  # doctest: +SKIP
>>> result.names  # doctest: +SKIP
('random init', 'rotation')
"""

import functools
from dataclasses import dataclass

import keras
import numpy as np

from keras_recipes.checks import fresh_optimizer, require_positive_int, require_positive_number
from keras_recipes.plots import save_figure
from keras_recipes.representation.pretext_contrastive import pretrain_contrastive
from keras_recipes.representation.pretext_inpainting import pretrain_inpainting
from keras_recipes.representation.pretext_patches import pretrain_patch_position
from keras_recipes.representation.pretext_rotation import pretrain_rotation

PRETEXT_TASKS = {
    "rotation": pretrain_rotation,
    "patch_position": pretrain_patch_position,
    "inpainting": pretrain_inpainting,
    "contrastive": pretrain_contrastive,
}
RANDOM_INIT = "random init"


def pretrain(task, bundle, unlabelled, **kwargs):
    """Run the pretext ``task`` (a name of ``PRETEXT_TASKS``) on ``bundle``; return ``bundle``.

    ``kwargs`` go to the task's ``pretrain_*`` function (epochs, batch_size, ...).

    >>> from keras_recipes.zoo import vgg
    >>> x = np.random.default_rng(0).random((8, 8, 8, 1)).astype("float32")
    >>> bundle = pretrain("rotation", vgg(input_shape=(8, 8, 1), width=4, depth=(1,)), x, epochs=1)  # doctest: +SKIP
    """
    if task not in PRETEXT_TASKS:
        raise ValueError(f"task must be one of {sorted(PRETEXT_TASKS)}; received: task={task!r}")
    return PRETEXT_TASKS[task](bundle, unlabelled, **kwargs)


@dataclass(frozen=True)
class PretextComparison:
    """What ``compare_pretext`` returns: one row per initialisation.

    Attributes:
        names: ``"random init"`` first, then the pretext tasks.
        probe_accuracy: test accuracy of a linear probe on the frozen bottleneck.
        fine_tune_accuracy: test accuracy after fine-tuning the whole model.
        labelled: number of labelled training images; unlabelled: number
            of images the pretext tasks trained on (labels hidden).

    >>> result = PretextComparison(("random init", "rotation", "contrastive"), (0.80, 0.78, 0.85),
    ...                            (0.90, 0.91, 0.92), labelled=250, unlabelled=4750)
    >>> round(result.gain(), 3), result.best_task  # a negative gain is reported as it is
    (0.05, 'contrastive')
    """

    names: tuple
    probe_accuracy: tuple
    fine_tune_accuracy: tuple
    labelled: int
    unlabelled: int

    def gain(self, column="probe_accuracy"):
        """Best pretext row minus the random-init row, in accuracy (of ``column``)."""
        values = getattr(self, column)
        return float(max(values[1:]) - values[0]) if len(values) > 1 else 0.0

    @property
    def best_task(self):
        """The pretext task whose linear probe scores highest."""
        return self.names[1 + int(np.argmax(self.probe_accuracy[1:]))] if len(self.names) > 1 else None

    def table(self):
        """One line per initialisation: linear probe and fine-tune accuracy, gain over random init."""
        lines = [f"{self.labelled} labelled images, {self.unlabelled} unlabelled for the pretext tasks",
                 f"{'initialisation':<16} {'linear probe':>12} {'fine-tune':>10} {'probe gain':>10}"]
        for name, probe, tuned in zip(self.names, self.probe_accuracy, self.fine_tune_accuracy):
            gain = probe - self.probe_accuracy[0]
            lines.append(f"{name:<16} {probe:>12.3f} {tuned:>10.3f} {gain:>+10.3f}")
        return "\n".join(lines)

    def plot(self, path=None):
        """Grouped bars: linear probe and fine-tune accuracy per initialisation; a ``Figure``."""
        from matplotlib.figure import Figure

        fig = Figure(figsize=(6.5, 3.4), layout="constrained")
        ax = fig.subplots()
        x = np.arange(len(self.names))
        ax.bar(x - 0.2, self.probe_accuracy, 0.4, label="linear probe (frozen)")
        ax.bar(x + 0.2, self.fine_tune_accuracy, 0.4, label="fine-tune")
        ax.axhline(self.probe_accuracy[0], color="gray", ls="--", lw=1, label="random-init probe")
        ax.set_xticks(x, self.names, rotation=15)
        ax.set_ylim(0, 1)
        ax.set_ylabel("test accuracy")
        ax.set_title(f"Pretext tasks -> {self.labelled} labels (A7)")
        ax.legend(fontsize="small", loc="lower right")
        return save_figure(fig, path)


def fine_tune_accuracy(bundle, train, test, *, epochs, learning_rate, batch_size=16):
    """Train ``bundle.model`` end to end on ``train`` (x, y) arrays; accuracy on ``test``.

    >>> from keras_recipes.zoo import vgg
    >>> x, y = np.random.default_rng(0).random((8, 8, 8, 1)).astype("float32"), np.arange(8) % 2
    >>> bundle = vgg(input_shape=(8, 8, 1), num_classes=2, width=4, depth=(1,))
    >>> 0.0 <= fine_tune_accuracy(bundle, (x, y), (x, y), epochs=1, learning_rate=1e-3) <= 1.0  # doctest: +SKIP
    True
    """
    model = bundle.model
    model.compile(optimizer=fresh_optimizer("optimizer", "adam", learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(*train, epochs=epochs, batch_size=batch_size, verbose=0)
    return float(model.evaluate(*test, batch_size=256, verbose=0, return_dict=True)["accuracy"])


def probe_accuracy(bundle, train, test):
    """Held-out accuracy of a linear probe on the frozen bottleneck (the encoder's output).

    >>> from keras_recipes.zoo import vgg
    >>> x, y = np.random.default_rng(0).random((20, 8, 8, 1)).astype("float32"), np.arange(20) % 2
    >>> 0.0 <= probe_accuracy(vgg(input_shape=(8, 8, 1), num_classes=2, width=4, depth=(1,)), (x, y), (x, y)) <= 1.0
    True
    """
    from keras_recipes.probes import linear_probes

    return linear_probes(bundle, train, test, stages=[bundle.encoder.layers[-1].name]).accuracy[0]


def default_builder(input_shape, num_classes):
    """The small VGG-style bundle the comparison pre-trains by default (zoo parts).

    Two groups of width 8 and 16, and a *flattened* bottleneck: on 28x28
    digits a global average pool of 16 channels throws away where the
    strokes are, and a linear probe on it learns little from any encoder.

    >>> default_builder((28, 28, 1), 10)().bottleneck_shape  # 7 x 7 x 16, flattened
    (784,)
    """
    from keras_recipes.zoo import vgg

    return functools.partial(vgg, input_shape=input_shape, num_classes=num_classes, width=8, depth=(1, 1),
                             pooling="flatten")


def compare_pretext(splits, *, builder=None, tasks=tuple(PRETEXT_TASKS), pretrain_epochs=3, fine_tune_epochs=15,
                    learning_rate=1e-3, fine_tune_learning_rate=1e-3, seed=0, verbose=0):
    """Pre-train one encoder per pretext task, then probe and fine-tune each on the labelled few.

    Diagram A7: "learn an embedding from a label-free task, then transfer".
    Every encoder starts from the same weights (``builder()`` right after
    ``keras.utils.set_random_seed(seed)``); the pretext tasks see every
    training image (labelled and unlabelled) without its label; probes and
    fine-tuning see only ``splits.arrays["train"]``; accuracy is measured
    once on ``splits.arrays["test"]``.

    Args:
        splits: a ``Splits`` with few labels, e.g.
            ``load_mnist(labelled_fraction=0.05)``.
        builder: ``builder() -> ModelBundle``; default ``default_builder``: a
            small VGG from the zoo for ``splits``' shape and classes.
        tasks: names from ``PRETEXT_TASKS`` (default all four).
        pretrain_epochs: epochs of each pretext task (3).
        fine_tune_epochs: epochs of fine-tuning on the labelled images (15, batches of 16).
        learning_rate: pretext Adam rate (1e-3). fine_tune_learning_rate: 1e-3.
        seed: weights, pretext data and shuffling seed (0).
        verbose: pretext ``fit`` verbosity (0).
    Returns:
        a ``PretextComparison``.

    The smallest call still pre-trains and fine-tunes (seconds):

    >>> from keras_recipes.datasets import load_digits
    >>> result = compare_pretext(load_digits(labelled_fraction=0.2, seed=0), tasks=("rotation",),
    ...                          pretrain_epochs=1, fine_tune_epochs=1)  # doctest: +SKIP
    >>> print(result.table())  # doctest: +SKIP
    """
    if not hasattr(splits, "arrays") or "unlabelled" not in getattr(splits, "arrays", {}):
        raise TypeError(f"splits must be a Splits (load_mnist / load_digits); received: {type(splits).__name__}")
    tasks = tuple(tasks) if not isinstance(tasks, str) else (tasks,)
    unknown = [t for t in tasks if t not in PRETEXT_TASKS]
    if unknown or not tasks:
        raise ValueError(f"tasks must be a non-empty list of {sorted(PRETEXT_TASKS)}; received: tasks={tasks!r}")
    require_positive_int("pretrain_epochs", pretrain_epochs)
    require_positive_int("fine_tune_epochs", fine_tune_epochs)
    require_positive_number("learning_rate", learning_rate)
    require_positive_number("fine_tune_learning_rate", fine_tune_learning_rate)
    if builder is None:
        builder = default_builder(splits.input_shape, splits.num_classes)
    elif not callable(builder):
        raise TypeError(f"builder must be a callable returning a ModelBundle; received: builder={builder!r}")
    train, test = splits.arrays["train"], splits.arrays["test"]
    pool = np.concatenate([train[0], splits.arrays["unlabelled"][0]])
    names, probes, tuned = [], [], []
    for task in (RANDOM_INIT, *tasks):
        keras.utils.set_random_seed(seed)
        bundle = builder()
        if task != RANDOM_INIT:
            pretrain(task, bundle, pool, epochs=pretrain_epochs, learning_rate=learning_rate, seed=seed,
                     verbose=verbose)
        names.append(task)
        probes.append(probe_accuracy(bundle, train, test))
        keras.utils.set_random_seed(seed)
        tuned.append(fine_tune_accuracy(bundle, train, test, epochs=fine_tune_epochs,
                                        learning_rate=fine_tune_learning_rate))
        keras.backend.clear_session()
    return PretextComparison(names=tuple(names), probe_accuracy=tuple(probes), fine_tune_accuracy=tuple(tuned),
                             labelled=len(train[0]), unlabelled=len(pool))

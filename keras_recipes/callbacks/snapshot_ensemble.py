"""Snapshot ensembles (seed 002; Huang et al. 2017, "train 1, get M for free")."""

import os

import keras
import numpy as np

from keras_recipes.callbacks.stepped_rate import SteppedLearningRate
from keras_recipes.checks import require_positive_int, require_positive_number
from keras_recipes.schedules import cosine_restarts


class SnapshotEnsemble(SteppedLearningRate):
    """Cyclic cosine learning rate; save the model at the end of each of ``M`` cycles.

    Huang et al.: ``a(t) = a_0 / 2 (cos(pi mod(t, C) / C) + 1)`` with
    ``C = total / M`` batches (or epochs with ``per="epoch"``). Each cycle
    ends at a low rate in a local minimum, where the model is saved; the
    next restarts at ``a_0`` and escapes. Average the snapshots' predicted
    probabilities with :func:`average_predictions`. The schedule is
    Keras's ``CosineDecayRestarts`` (via
    :func:`keras_recipes.schedules.cosine_restarts`); the callback adds the
    saving, and the cycle length from ``fit``'s epochs.

    Polyak averaging, the other "average for test" recipe of seed 002, is
    built into Keras: ``keras.optimizers.SGD(..., use_ema=True,
    ema_momentum=0.998)`` plus ``keras.callbacks.SwapEMAWeights`` (see
    notebook 02). Pass the slide's typical decay (0.995-0.999) explicitly:
    Keras's default ``ema_momentum=0.99`` averages over only ~100 steps.
    The decay ``d`` averages over about ``1 / (1 - d)`` steps, so 0.999
    needs a run of several thousand steps; on this package's small CPU runs
    (a few hundred steps) 0.995 is the end of the slide's range that fits.

    ```python
    snap = SnapshotEnsemble("snapshots", snapshots=3, initial_learning_rate=0.1)
    model.fit(train, epochs=30, callbacks=[snap])
    probs = average_predictions(snap.paths, x_test)
    ```

    Args:
        directory: folder for ``snapshot_1.keras`` ... ``snapshot_M.keras``
            (created if missing).
        snapshots: ``M``, int >= 1; the training epochs must be a multiple of it.
        initial_learning_rate: peak ``a_0`` of every cycle, > 0.
        total_epochs: default: ``fit``'s ``epochs``.
        per: ``"batch"`` (default, as in the paper) or ``"epoch"``.
        steps_per_epoch: only for ``per="batch"`` when ``fit`` cannot tell.
        verbose: 1 prints each saved path.
    Attributes:
        paths: the snapshot files written, in order.
    """

    def __init__(
        self,
        directory,
        snapshots,
        initial_learning_rate,
        *,
        total_epochs=None,
        per="batch",
        steps_per_epoch=None,
        verbose=0,
    ):
        super().__init__(
            per=per, total_epochs=total_epochs, steps_per_epoch=steps_per_epoch, verbose=verbose
        )
        if not isinstance(directory, (str, os.PathLike)):
            raise TypeError(f"directory must be a path; received: directory={directory!r}")
        self.directory = os.fspath(directory)
        self.snapshots = require_positive_int("snapshots", snapshots)
        self.initial_learning_rate = require_positive_number(
            "initial_learning_rate", initial_learning_rate
        )
        self.paths = []
        self._cycle_epochs = None

    def _schedule(self, total_units, units_per_epoch):
        epochs = total_units // units_per_epoch
        if epochs % self.snapshots:
            raise ValueError(
                f"SnapshotEnsemble: the number of epochs ({epochs}) must be a multiple of "
                f"snapshots={self.snapshots}, so every cycle ends on an epoch"
            )
        self._cycle_epochs = epochs // self.snapshots
        schedule = cosine_restarts(
            self.initial_learning_rate,
            self._cycle_epochs * units_per_epoch,
            period_multiplier=1.0,
        )
        return schedule, 0

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        os.makedirs(self.directory, exist_ok=True)
        self.paths = []

    def on_epoch_end(self, epoch, logs=None):
        super().on_epoch_end(epoch, logs)
        if (epoch + 1) % self._cycle_epochs == 0 and len(self.paths) < self.snapshots:
            path = os.path.join(self.directory, f"snapshot_{len(self.paths) + 1}.keras")
            self.model.save(path)
            self.paths.append(path)
            if self.verbose:
                print(f"\nEpoch {epoch + 1}: SnapshotEnsemble saved {path}")


def average_predictions(models, x, *, from_logits=False, batch_size=None, verbose=0):
    """Mean predicted class probabilities of several models (snapshot or plain ensemble).

    Seed 002: "model ensembles ... use multiple snapshots of a single model".
    Averages probabilities, not logits; with ``from_logits=True`` each
    model's outputs go through a softmax first.

    ```python
    probs = average_predictions(snap.paths, x_test)
    accuracy = (probs.argmax(-1) == y_test).mean()
    ```

    Args:
        models: non-empty list of ``keras.Model`` or ``.keras`` paths (loaded
            here; import the modules of any custom layers first).
        x: inputs accepted by ``model.predict`` (array or dataset).
        from_logits: apply a softmax to each model's output. Default False.
        batch_size: passed to ``predict``.
        verbose: passed to ``predict``.
    Returns:
        a numpy array, the element-wise mean of the members' probabilities.
    """
    if isinstance(models, (str, os.PathLike, keras.Model)) or not models:
        raise TypeError(
            "models must be a non-empty list of keras.Model or .keras paths; "
            f"received: models={models!r}"
        )
    total = None
    for member in models:
        model = member if isinstance(member, keras.Model) else keras.saving.load_model(member)
        probs = model.predict(x, batch_size=batch_size, verbose=verbose)
        if from_logits:
            probs = keras.ops.convert_to_numpy(keras.ops.softmax(probs, axis=-1))
        total = probs.astype("float64") if total is None else total + probs
    return (total / len(models)).astype(np.float32)

"""Sanity checks before tuning (seed 002, recipe steps 1-2): initial loss ~ log C, overfit a few batches."""

import math
import warnings
from dataclasses import dataclass

import keras
import numpy as np

from keras_recipes.checks import keras_model_of, require_positive_int, require_rate
from keras_recipes.trials.trial import iter_batches, trial_copy


@dataclass(frozen=True)
class InitialLossCheck:
    """Result of :func:`check_initial_loss`: measured vs expected (``log C``) loss."""

    loss: float
    expected: float
    num_classes: int
    ok: bool


@dataclass(frozen=True)
class OverfitCheck:
    """Result of :func:`overfit_small_sample`.

    Attributes:
        accuracy: best training accuracy reached on the sample.
        loss: training loss at the last epoch.
        epochs: epochs run (stops as soon as ``accuracy >= target``).
        samples: number of examples in the sample.
        ok: ``accuracy >= target``.
    """

    accuracy: float
    loss: float
    epochs: int
    samples: int
    ok: bool


def check_initial_loss(model, data, *, num_classes=None, loss=None, tolerance=0.25, batches=4, batch_size=64):
    """Is the untrained model's loss close to ``log C``? Warn when it is not.

    Seed 002: "sanity check loss at initialization, e.g. log(C) for softmax
    with C classes" - a freshly initialised classifier should be unsure of
    every class. A loss far from ``log C`` points at a wrong output
    activation, ``from_logits`` mismatch, label format, or an initialiser
    that makes the logits large. Measures the compiled loss function only
    (no weight-decay penalties, as the recipe asks) on the first
    ``batches`` batches, without training.

    ```python
    result = check_initial_loss(model, splits.train)   # warns if far off
    result.loss, result.expected                        # e.g. 2.31, 2.30 for 10 classes
    ```

    Args:
        model: compiled classifier (``keras.Model`` or ``ModelBundle``) with a
            C-way softmax (or logits with a ``from_logits`` loss).
        data: batched ``tf.data.Dataset`` of ``(x, y)`` or ``(x, y)`` arrays.
        num_classes: C; default: the model's last output dimension.
        loss: loss to measure instead of the compiled one.
        tolerance: accepted relative deviation from ``log C``. Default 0.25.
        batches: batches to average over. Default 4.
        batch_size: for array data. Default 64.
    Returns:
        an :class:`InitialLossCheck`; a ``UserWarning`` is issued when not ``ok``.
    """
    keras_model = keras_model_of("model", model)
    classes = num_classes if num_classes is not None else keras_model.outputs[0].shape[-1]
    classes = require_positive_int("num_classes", classes)
    if classes < 2:
        raise ValueError(f"num_classes must be >= 2; received: num_classes={classes!r}")
    tolerance = require_rate("tolerance", tolerance)
    loss = loss if loss is not None else getattr(keras_model, "loss", None)
    if loss is None:
        raise ValueError("model is not compiled: compile it or pass loss=")
    loss_fn = keras.losses.get(loss)
    values = [
        float(keras.ops.convert_to_numpy(keras.ops.mean(loss_fn(y, keras_model(x, training=False)))))
        for x, y in iter_batches(data, require_positive_int("batches", batches), batch_size=batch_size)
    ]
    measured, expected = float(np.mean(values)), math.log(classes)
    ok = abs(measured - expected) <= tolerance * expected
    if not ok:
        warnings.warn(
            f"initial loss {measured:.4f} is far from log(C) = {expected:.4f} for C={classes} "
            f"(tolerance {tolerance:.0%}): check the output activation / from_logits, the label "
            "format, and that the initialiser does not make the logits large",
            UserWarning,
            stacklevel=2,
        )
    return InitialLossCheck(loss=measured, expected=expected, num_classes=classes, ok=ok)


def overfit_small_sample(
    model,
    data,
    *,
    batches=2,
    batch_size=16,
    max_epochs=200,
    target_accuracy=0.99,
    learning_rate=None,
    verbose=1,
):
    """Train a copy of the model on a few batches; can it reach ~100% training accuracy?

    Seed 002's recipe step 2: "try to train to 100% training accuracy on a
    small sample of training data" (no regularisation: build the model with
    dropout/weight decay off for this check). If it cannot, the model, loss
    or learning rate is broken - no point tuning further. Runs on a clone
    (:func:`keras_recipes.trials.trial.trial_copy`), so the model is untouched; stops
    as soon as the target accuracy is reached.

    ```python
    result = overfit_small_sample(model, splits.train, batches=2)
    result.ok, result.accuracy, result.epochs
    ```

    Args:
        model: compiled classifier (``keras.Model`` or ``ModelBundle``).
        data: batched ``tf.data.Dataset`` of ``(x, y)`` or ``(x, y)`` arrays.
        batches: how many batches make the sample. Default 2.
        batch_size: for array data. Default 16.
        max_epochs: give up after this many passes. Default 200.
        target_accuracy: in (0, 1]. Default 0.99.
        learning_rate: float rate for the copy; default: the model's own.
        verbose: 1 shows a progress bar over epochs. Default 1.
    Returns:
        an :class:`OverfitCheck`.
    """
    target = require_rate("target_accuracy", target_accuracy, closed=True)
    max_epochs = require_positive_int("max_epochs", max_epochs)
    sample = list(iter_batches(data, require_positive_int("batches", batches), batch_size=batch_size))
    x = np.concatenate([b[0] for b in sample])
    y = np.concatenate([b[1] for b in sample])
    probe = trial_copy(model, learning_rate=learning_rate, metrics=["accuracy"])
    progress = _OverfitProgress(max_epochs, target, verbose)
    probe.fit(x, y, batch_size=len(sample[0][0]), epochs=max_epochs, verbose=0, callbacks=[progress])
    return OverfitCheck(
        accuracy=progress.best_accuracy,
        loss=progress.last_loss,
        epochs=progress.epochs,
        samples=len(x),
        ok=progress.best_accuracy >= target,
    )


class _OverfitProgress(keras.callbacks.Callback):
    """Progress bar over epochs that stops training once the accuracy target is hit."""

    def __init__(self, max_epochs, target, verbose):
        super().__init__()
        self.target, self.verbose = target, verbose
        self.best_accuracy, self.last_loss, self.epochs = 0.0, math.nan, 0
        self.progbar = keras.utils.Progbar(max_epochs, verbose=verbose, unit_name="epoch")

    def on_epoch_end(self, epoch, logs=None):
        self.epochs = epoch + 1
        self.last_loss = float(logs["loss"])
        self.best_accuracy = max(self.best_accuracy, float(logs["accuracy"]))
        self.progbar.update(self.epochs, values=[("loss", self.last_loss), ("accuracy", logs["accuracy"])])
        if self.best_accuracy >= self.target:
            self.model.stop_training = True
            if self.verbose:
                print(f"\nreached accuracy {self.best_accuracy:.3f} after {self.epochs} epochs")

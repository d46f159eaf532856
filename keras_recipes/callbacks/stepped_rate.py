"""Shared engine of the callbacks that set the optimizer's rate each epoch or batch."""

import keras
import numpy as np

from keras_recipes.checks import require_choice, require_positive_int
from keras_recipes.schedules import schedule_values

PER_CHOICES = ("epoch", "batch")


def require_settable_learning_rate(optimizer, owner):
    """Raise ``TypeError`` if ``optimizer``'s learning rate is a schedule (not settable)."""
    if not isinstance(optimizer.learning_rate, keras.Variable):
        raise TypeError(
            f"{owner} sets the optimizer's learning rate itself, but this optimizer "
            f"({type(optimizer).__name__}) was built with a LearningRateSchedule or "
            "callable learning_rate. Build it with a float learning_rate "
            "(e.g. keras.optimizers.SGD(0.1)), or drop the callback and keep the schedule."
        )


class SteppedLearningRate(keras.callbacks.Callback):
    """Base: set ``optimizer.learning_rate = rate(unit)`` before each epoch/batch.

    Subclasses implement ``_schedule(total_units, units_per_epoch)``
    returning ``(schedule, offset)``: unit ``u`` trains at
    ``schedule(u + offset)``, where a unit is an epoch (``per="epoch"``) or a
    batch counted from the start of training (``per="batch"``). The rates are
    tabulated once at ``fit`` start, so stepping per batch costs nothing. The rate in
    use is written into ``logs["learning_rate"]`` at each epoch end, so
    ``History`` and ``CSVLogger`` record it. Keras's ``LearningRateScheduler``
    works per epoch only and accepts a schedule-built optimizer until it
    crashes mid-fit; this base adds per-batch stepping and refuses at the door.
    """

    def __init__(self, *, per="epoch", total_epochs=None, steps_per_epoch=None, verbose=0):
        super().__init__()
        self.per = require_choice("per", per, PER_CHOICES)
        self.total_epochs = (
            None if total_epochs is None else require_positive_int("total_epochs", total_epochs)
        )
        self.steps_per_epoch = (
            None
            if steps_per_epoch is None
            else require_positive_int("steps_per_epoch", steps_per_epoch)
        )
        self.verbose = verbose
        self._rates = None
        self._units_per_epoch = 1
        self._epoch = 0

    def _schedule(self, total_units, units_per_epoch):
        raise NotImplementedError

    def on_train_begin(self, logs=None):
        name = type(self).__name__
        require_settable_learning_rate(self.model.optimizer, name)
        epochs = self.total_epochs or self.params.get("epochs")
        if epochs is None:
            raise ValueError(f"{name} needs total_epochs= (fit did not report epochs)")
        units_per_epoch = 1
        if self.per == "batch":
            units_per_epoch = self.steps_per_epoch or self.params.get("steps")
            if not units_per_epoch:
                raise ValueError(
                    f"{name}(per='batch') needs steps_per_epoch= because the dataset's "
                    "length is unknown (pass steps_per_epoch to fit or to the callback)"
                )
        self._units_per_epoch = units_per_epoch
        schedule, offset = self._schedule(epochs * units_per_epoch, units_per_epoch)
        fit_epochs = max(epochs, self.params.get("epochs") or 0)
        self._rates = schedule_values(schedule, np.arange(fit_epochs * units_per_epoch) + offset)

    def _apply(self, unit):
        rate = float(self._rates[min(unit, len(self._rates) - 1)])
        self.model.optimizer.learning_rate = rate
        return rate

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        if self.per == "epoch":
            rate = self._apply(epoch)
            if self.verbose:
                print(f"\nEpoch {epoch + 1}: {type(self).__name__} set learning rate to {rate:.6g}.")

    def on_train_batch_begin(self, batch, logs=None):
        if self.per == "batch":
            self._apply(self._epoch * self._units_per_epoch + batch)

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))

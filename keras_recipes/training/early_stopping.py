"""Seed 002, "How long to train? Early stopping": stop when validation stops improving, keep the best snapshot."""

from dataclasses import dataclass

import keras
import numpy as np

from keras_recipes.checks import keras_model_of, require_positive_int


@dataclass(frozen=True)
class EarlyStopResult:
    """What :func:`fit_with_early_stopping` did.

    Attributes:
        history: per-epoch ``fit`` logs.
        best_epoch: 1-based epoch of the lowest ``val_loss`` (its weights are restored).
        stopped_epoch: epochs actually run.
        restored_val_loss: the model's validation loss after restoring.

    >>> result = EarlyStopResult({"loss": [1.0, 0.6, 0.4], "val_loss": [1.0, 0.7, 0.8]}, best_epoch=2,
    ...                          stopped_epoch=3, restored_val_loss=0.7)
    >>> print(result.table())
    best epoch 2 (val loss 0.7000); stopped after 3 (val loss 0.8000); restored model: 0.7000
    """

    history: dict
    best_epoch: int
    stopped_epoch: int
    restored_val_loss: float

    def table(self):
        """Best epoch, epochs run, validation loss at the best and at the end."""
        val = self.history["val_loss"]
        return (f"best epoch {self.best_epoch} (val loss {min(val):.4f}); stopped after "
                f"{self.stopped_epoch} (val loss {val[-1]:.4f}); restored model: {self.restored_val_loss:.4f}")

    def plot(self, path=None):
        """Training and validation loss, the kept snapshot marked; a ``Figure``."""
        from matplotlib.figure import Figure

        from keras_recipes.plots import save_figure

        fig = Figure(figsize=(5, 3.5))
        ax = fig.add_subplot()
        epochs = np.arange(1, len(self.history["loss"]) + 1)
        ax.plot(epochs, self.history["loss"], label="train")
        ax.plot(epochs, self.history["val_loss"], label="validation")
        ax.axvline(self.best_epoch, color="k", ls=":", label="snapshot kept")
        ax.set(xlabel="epoch", ylabel="loss", title="early stopping")
        ax.legend()
        fig.tight_layout()
        return save_figure(fig, path)


def fit_with_early_stopping(model, train, validation, *, patience=3, max_epochs=50, verbose=0):
    """``fit`` with Keras's ``EarlyStopping(restore_best_weights=True)``; report the kept epoch.

    Keras ships the mechanism; this wires it the way the lecture says
    (monitor the validation loss, wait ``patience`` epochs, restore the
    best snapshot, even when training ran to ``max_epochs``) and checks
    what it kept. Mutates ``model`` (trains it).

    >>> import keras, numpy as np
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
    >>> model.compile("adam", "sparse_categorical_crossentropy")
    >>> data = (np.ones((8, 2), "float32"), np.zeros(8, "int32"))
    >>> fit_with_early_stopping(model, data, data, max_epochs=2).stopped_epoch  # doctest: +SKIP
    2

    Args:
        model: compiled ``keras.Model`` or ``ModelBundle``.
        train, validation: datasets or ``(x, y)`` tuples.
        patience: epochs without improvement before stopping. Default 3.
        max_epochs: Default 50. verbose: Default 0.
    Returns:
        an :class:`EarlyStopResult`.
    """
    model = keras_model_of("model", model)
    patience = require_positive_int("patience", patience)
    max_epochs = require_positive_int("max_epochs", max_epochs)
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience,
                                         restore_best_weights=True, start_from_epoch=0)
    fit_args = (train,) if not isinstance(train, tuple) else train
    history = model.fit(*fit_args, validation_data=validation, epochs=max_epochs, verbose=verbose,
                        callbacks=[stop])
    logs = {k: [float(v) for v in vals] for k, vals in history.history.items()}
    best = int(np.argmin(logs["val_loss"])) + 1
    if stop.stopped_epoch == 0 and stop.best_weights is not None:
        # Keras restores only when it stopped early; when max_epochs ran out, restore here too.
        model.set_weights(stop.best_weights)
    val_args = validation if isinstance(validation, tuple) else (validation,)
    restored = model.evaluate(*val_args, verbose=0, return_dict=True)["loss"]
    return EarlyStopResult(logs, best, len(logs["loss"]), float(restored))

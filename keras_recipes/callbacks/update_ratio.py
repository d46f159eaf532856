"""Update/weight ratio monitor (seed 002: "update scale / param scale, want ~1e-3")."""

import keras
import numpy as np

from keras_recipes.bundle import walk_layers
from keras_recipes.checks import require_positive_number


def _leaf_layers(model):
    return [layer for layer in walk_layers(model) if layer.trainable_weights]


class UpdateRatioMonitor(keras.callbacks.Callback):
    """Measure ``||w_after - w_before|| / ||w_before||`` per layer on one batch per epoch.

    Seed 002's hyperparameter recipe tracks this ratio: around ``1e-3`` is
    healthy; far below means the learning rate is too low (or the layer is
    stuck), far above means it is too high. The norms are over all of a
    layer's trainable weights together (kernel and bias), measured across the
    first optimizer step of each epoch. A layer is flagged when its ratio is
    outside ``[target / tolerance, target * tolerance]``.

    ```python
    monitor = UpdateRatioMonitor(verbose=1)
    model.fit(train, epochs=3, callbacks=[monitor])
    monitor.history["dense"]      # one ratio per epoch
    monitor.flagged               # {layer: ratio} outside the band, last epoch
    ```

    Args:
        target: the healthy ratio. Default 1e-3.
        tolerance: factor either side of ``target`` that is accepted (> 1).
            Default 10.
        verbose: 1 prints flagged layers at the end of each epoch.
    Attributes:
        history: ``{layer name: [ratio per epoch]}``.
        flagged: ``{layer name: ratio}`` for the last measured epoch.
    """

    def __init__(self, target=1e-3, *, tolerance=10.0, verbose=0):
        super().__init__()
        self.target = require_positive_number("target", target)
        self.tolerance = require_positive_number("tolerance", tolerance)
        if self.tolerance <= 1:
            raise ValueError(f"tolerance must be > 1; received: tolerance={tolerance!r}")
        self.verbose = verbose
        self.history = {}
        self.flagged = {}
        self._before = None

    def on_train_begin(self, logs=None):
        self.history = {}
        self.flagged = {}

    def on_train_batch_begin(self, batch, logs=None):
        if batch == 0:
            self._before = {
                layer.name: [np.array(keras.ops.convert_to_numpy(w)) for w in layer.trainable_weights]
                for layer in _leaf_layers(self.model)
            }

    def on_train_batch_end(self, batch, logs=None):
        if batch != 0 or self._before is None:
            return
        self.flagged = {}
        low, high = self.target / self.tolerance, self.target * self.tolerance
        for layer in _leaf_layers(self.model):
            before = self._before[layer.name]
            after = [np.array(keras.ops.convert_to_numpy(w)) for w in layer.trainable_weights]
            update = np.sqrt(sum(np.sum((a.astype("float64") - b) ** 2) for a, b in zip(after, before)))
            scale = np.sqrt(sum(np.sum(b.astype("float64") ** 2) for b in before))
            ratio = float(update / scale) if scale > 0 else float("inf")
            self.history.setdefault(layer.name, []).append(ratio)
            if not low <= ratio <= high:
                self.flagged[layer.name] = ratio
        self._before = None

    def on_epoch_end(self, epoch, logs=None):
        if self.verbose and self.flagged:
            listed = ", ".join(f"{name}={ratio:.2e}" for name, ratio in self.flagged.items())
            print(
                f"\nEpoch {epoch + 1}: update/weight ratio outside "
                f"[{self.target / self.tolerance:.0e}, {self.target * self.tolerance:.0e}]: {listed}"
            )

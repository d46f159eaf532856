"""A4 Translational / Scale Invariance: does translating a random subset of each batch buy invariance?

The recipe trains the same small zoo network twice from the same initial
weights, once on plain batches and once with ``augment.InvarianceBatch`` in
front (a random ``fraction`` of every batch randomly shifted and scaled),
and scores both on the clean test digits and on the shifted/scaled copy
of the test set that the neural-structured-learning recipe uses too
(``datasets.shift_and_scale``, same seed, same draws).

>>> InvarianceResult({"no augmentation": {"clean": 0.9, "shifted": 0.5},
...                   "A4 fraction 0.5": {"clean": 0.9, "shifted": 0.75}}).gain()
0.25
"""

from dataclasses import dataclass

import keras

from keras_recipes.augment.invariance_batch import InvarianceBatch
from keras_recipes.checks import require_positive_int, require_rate
from keras_recipes.representation._arms import ArmAccuracies

BASELINE = "no augmentation"


@dataclass
class InvarianceResult(ArmAccuracies):
    """Clean and shifted test accuracy per arm of ``invariance_training``.

    Attributes:
        rows: ``{arm: {"clean": accuracy, "shifted": accuracy}}``; the arms
            are ``"no augmentation"`` and ``"A4 fraction f"`` per fraction.

    >>> result = InvarianceResult({"no augmentation": {"clean": 0.95, "shifted": 0.6},
    ...                            "A4 fraction 0.5": {"clean": 0.94, "shifted": 0.8}})
    >>> round(result.gain("A4 fraction 0.5"), 3)
    0.2
    """

    rows: dict
    KINDS = ("clean", "shifted")
    LABELS = {"shifted": "shifted/scaled"}
    TITLE = "A4 translational / scale invariance"

    def gain(self, arm=None):
        """Shifted-test accuracy of ``arm`` (default: the first A4 arm) minus no augmentation's."""
        arm = arm or next(a for a in self.rows if a != BASELINE)
        return self.rows[arm]["shifted"] - self.rows[BASELINE]["shifted"]


def invariance_training(data=None, *, fractions=(0.5,), translation=0.15, zoom=0.15, max_shift=0.15,
                        scale_range=(0.85, 1.15), epochs=10, learning_rate=3e-3, width=16, batch_size=32,
                        seed=0, verbose=0):
    """Diagram A4: plain training vs ``InvarianceBatch`` training; an ``InvarianceResult``.

    Every arm starts from the same initial weights (``seed``) and sees the
    same batches; the A4 arms put ``InvarianceBatch(fraction, translation,
    zoom)`` before the network (training only). The shifted test set is
    ``shift_and_scale(x_test, max_shift=max_shift, scale_range=scale_range,
    seed=seed)``.

    ```python
    result = invariance_training(fractions=(0.5, 1.0), epochs=10)
    print(result.table()); result.plot()
    ```

    The smallest call still trains two networks (seconds):

    >>> result = invariance_training(epochs=1, width=4)  # doctest: +SKIP
    >>> result.gain()  # doctest: +SKIP

    Args:
        data: a ``Splits`` (default ``load_digits(image_size=16, seed=seed)``).
        fractions: batch fractions to try, each in (0, 1] ((0.5,)).
        translation, zoom: the layer's largest shift and zoom (0.15, 0.15).
        max_shift, scale_range: the shifted test set (0.15, (0.85, 1.15), as
            the neural-structured-learning recipe's).
        epochs, learning_rate, batch_size: training (10, 3e-3, 32).
        width: filters of the network's first group (16).
        seed: data, initial weights, batch order and the layer's draws (0).
    """
    from keras_recipes.datasets import load_digits, shift_and_scale
    from keras_recipes.representation._training import accuracy, default_bundle, fit_epochs

    fractions = tuple(fractions)
    if not fractions:
        raise ValueError("fractions must name at least one batch fraction; received: fractions=()")
    for f in fractions:
        if require_rate("fractions entries", f, closed=True) == 0:
            raise ValueError(f"fractions entries must be in (0, 1]; received: {f!r}")
    require_positive_int("epochs", epochs)
    data = load_digits(image_size=16, seed=seed) if data is None else data
    (x, y), (x_test, y_test) = data.arrays["train"], data.arrays["test"]
    shifted = shift_and_scale(x_test, max_shift=max_shift, scale_range=scale_range, seed=seed)
    rows = {}
    for fraction in (None, *fractions):
        bundle = default_bundle(x.shape[1:], data.num_classes, width=width, seed=seed)
        trained = bundle.model
        if fraction is not None:
            inputs = keras.Input(x.shape[1:])
            layer = InvarianceBatch(fraction, translation=translation, zoom=zoom, seed=seed)
            trained = keras.Model(inputs, bundle.model(layer(inputs)))
        fit_epochs(trained, x, y, epochs=epochs, learning_rate=learning_rate, batch_size=batch_size, seed=seed,
                   verbose=verbose)
        arm = BASELINE if fraction is None else f"A4 fraction {fraction:g}"
        rows[arm] = {"clean": accuracy(trained, x_test, y_test), "shifted": accuracy(trained, shifted, y_test)}
    return InvarianceResult(rows)

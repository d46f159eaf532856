"""SGD, momentum, Nesterov, AdaGrad, RMSProp, Adam, AdamW (and LARS) side by side on one problem."""

import keras

from keras_recipes.checks import require_positive_int
from keras_recipes.optimizers import LARS
from keras_recipes.training.runs import Comparison, _require_builder, _require_splits, _scores, _train_run

# Each optimizer at a learning rate in its usual range (one shared rate would favour one family:
# adaptive methods take ~1e-3, plain SGD ~1e-1). Factories, so every run gets a fresh optimizer.
OPTIMIZERS = {
    "sgd": lambda: keras.optimizers.SGD(0.1),
    "momentum": lambda: keras.optimizers.SGD(0.05, momentum=0.9),
    "nesterov": lambda: keras.optimizers.SGD(0.05, momentum=0.9, nesterov=True),
    "adagrad": lambda: keras.optimizers.Adagrad(0.05),
    "rmsprop": lambda: keras.optimizers.RMSprop(1e-3),
    "adam": lambda: keras.optimizers.Adam(1e-3),
    "adamw": lambda: keras.optimizers.AdamW(1e-3, weight_decay=1e-2),
    "lars": lambda: LARS(1.0, momentum=0.9, eta=0.01),
}


def compare_optimizers(build, data, *, optimizers=None, epochs=5, seed=0):
    """Train the same model from the same start with each optimizer; loss curves in one plot.

    Seed 004, "Weight update" (SGD, heavy ball, NAG, AdaGrad, RMSProp, Adam)
    and seed 002's "SGD, SGD+Momentum, Adagrad, RMSProp, Adam": every run
    builds ``build()`` after the same seed (identical initial weights and
    data order), trains ``epochs`` epochs on ``data.train``, and is scored on
    the validation (selection) and test (report) splits. Rates are each
    family's usual ones (``OPTIMIZERS``); pass your own factories to compare
    at other settings.

    >>> from keras_recipes.datasets import load_digits
    >>> from keras_recipes.zoo import vgg
    >>> data = load_digits(image_size=8)
    >>> result = compare_optimizers(lambda: vgg((8, 8, 1), 10, width=4, depth=(1,)), data,
    ...                             optimizers=["sgd", "adam"], epochs=1)  # doctest: +SKIP
    >>> sorted(result.val_accuracy)  # doctest: +SKIP
    ['adam', 'sgd']

    Args:
        build: zero-argument callable returning a fresh ``keras.Model`` or
            ``ModelBundle`` (a softmax classifier).
        data: a ``datasets.Splits``.
        optimizers: names from ``OPTIMIZERS`` (list) or ``{name: factory}``;
            default: all of ``OPTIMIZERS``.
        epochs: epochs per run. Default 5.
        seed: seed of every run (same initial weights). Default 0.
    Returns:
        a ``Comparison``: ``.table()``, ``.plot()`` (training loss per epoch),
        ``.best`` (by validation accuracy).
    """
    _require_builder("build", build)
    _require_splits("data", data)
    epochs = require_positive_int("epochs", epochs)
    factories = _factories(optimizers)
    curves, val, test = {}, {}, {}
    for name, factory in factories.items():
        model, curves[name] = _train_run(build, data, factory(), epochs=epochs, seed=seed)
        val[name], test[name] = _scores(model, data)
    return Comparison(curves, val, test, title="optimisers on one problem (same start)")


def _factories(optimizers):
    if optimizers is None:
        return dict(OPTIMIZERS)
    if isinstance(optimizers, dict):
        bad = [k for k, f in optimizers.items() if not callable(f)]
        if bad:
            raise TypeError(f"optimizers values must be zero-argument factories; received: {bad}")
        return dict(optimizers)
    if isinstance(optimizers, str) or not all(isinstance(o, str) for o in optimizers):
        raise TypeError(f"optimizers must be a list of names or a dict name -> factory; "
                        f"received: optimizers={optimizers!r}")
    unknown = [o for o in optimizers if o not in OPTIMIZERS]
    if unknown or not optimizers:
        raise ValueError(f"optimizers must be names among {sorted(OPTIMIZERS)}; "
                         f"received: optimizers={list(optimizers)!r}")
    return {name: OPTIMIZERS[name] for name in optimizers}

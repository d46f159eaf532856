"""Seed 004, "Curriculum learning" (Bengio et al., 2009): easy examples first, difficulty from a probe's loss."""

import keras
import numpy as np

from keras_recipes.checks import require_positive_int, require_positive_number, require_rate
from keras_recipes.training.runs import (
    Comparison, _fit_epochs, _fresh_model, _require_builder, _require_splits, _scores,
)


def difficulty(probe, x, y):
    """Per-example cross-entropy of ``probe`` (a trained classifier): the curriculum's order key.

    >>> import keras, numpy as np
    >>> probe = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
    >>> difficulty(probe, np.zeros((3, 2), "float32"), np.array([0, 1, 0])).shape
    (3,)
    """
    probs = probe.predict(np.asarray(x), verbose=0)
    picked = probs[np.arange(len(probs)), np.asarray(y)]
    return -np.log(np.clip(picked, 1e-12, 1.0))


def pacing(epoch, epochs, start=0.3):
    """Fraction of the (ordered) training set used at ``epoch``: ``start`` growing linearly to 1.

    >>> [round(pacing(e, 3), 2) for e in range(3)]
    [0.3, 0.65, 1.0]
    """
    if epochs <= 1:
        return 1.0
    return start + (1.0 - start) * epoch / (epochs - 1)


def compare_curriculum(build, data, *, epochs=6, probe_epochs=1, start=0.3, learning_rate=1e-3,
                       batch_size=32, seed=0):
    """Curriculum (easiest first) vs the same schedule on random examples, from the same start.

    A probe model (``build()``, trained ``probe_epochs`` epochs) scores each
    training example by its loss: low loss = easy. The curriculum run trains
    epoch ``e`` on the easiest ``pacing(e)`` fraction (shuffled within);
    the control trains on a random subset of the same size each epoch, so
    both see the same number of examples and steps. A third run,
    ``"anti-curriculum"`` (hardest first), brackets the effect.

    >>> from keras_recipes.datasets import load_digits
    >>> from keras_recipes.zoo import vgg
    >>> result = compare_curriculum(lambda: vgg((8, 8, 1), 10, width=4, depth=(1,)), load_digits(image_size=8),
    ...                             epochs=2)  # doctest: +SKIP
    >>> sorted(result.val_accuracy)  # doctest: +SKIP
    ['anti-curriculum', 'curriculum', 'random']

    Args:
        build: zero-argument callable returning a fresh softmax classifier.
        data: a ``datasets.Splits``.
        epochs: Default 6. probe_epochs: the probe's training. Default 1.
        start: fraction used at the first epoch, in (0, 1]. Default 0.3.
        learning_rate: Adam's. Default 1e-3. batch_size: Default 32. seed: Default 0.
    Returns:
        a ``Comparison`` (curves of ``val_accuracy`` per epoch; ``notes["difficulty"]``).
    """
    _require_builder("build", build)
    _require_splits("data", data)
    epochs = require_positive_int("epochs", epochs)
    probe_epochs = require_positive_int("probe_epochs", probe_epochs)
    start = require_rate("start", start, closed=True)
    learning_rate = require_positive_number("learning_rate", learning_rate)
    batch_size = require_positive_int("batch_size", batch_size)
    if start == 0:
        raise ValueError("start must be in (0, 1]; received: start=0")
    x, y = data.arrays["train"]
    probe = _fresh_model(build, seed + 1)
    probe.compile(keras.optimizers.Adam(learning_rate), "sparse_categorical_crossentropy")
    probe.fit(x, y, batch_size=batch_size, epochs=probe_epochs, verbose=0)
    scores_ = difficulty(probe, x, y)
    orders = {"curriculum": np.argsort(scores_, kind="stable"),
              "anti-curriculum": np.argsort(-scores_, kind="stable")}
    curves, val, test = {}, {}, {}
    for name in ("curriculum", "random", "anti-curriculum"):
        rng = np.random.default_rng(seed)
        model = _fresh_model(build, seed)
        model.compile(keras.optimizers.Adam(learning_rate), "sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        logs = _fit_epochs(model, _paced(x, y, orders.get(name), epochs, start, batch_size, rng),
                           batch_size=batch_size, validation=data.arrays["validation"])
        curves[name] = {key: logs[key] for key in ("loss", "val_loss", "val_accuracy")}
        val[name], test[name] = _scores(model, data)
    return Comparison(curves, val, test, title="curriculum vs random order (same pacing)",
                      curve="val_accuracy", notes={"difficulty": scores_})


def _paced(x, y, order, epochs, start, batch_size, rng):
    """Each epoch's examples: the first ``pacing(e)`` share of ``order`` (or a random subset that size), shuffled."""
    for epoch in range(epochs):
        size = max(batch_size, int(round(pacing(epoch, epochs, start) * len(x))))
        chosen = order[:size] if order is not None else rng.permutation(len(x))[:size]
        chosen = rng.permutation(chosen)
        yield x[chosen], y[chosen]

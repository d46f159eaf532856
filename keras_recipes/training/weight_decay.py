"""Seed 004, "Weight decay" and "Decoupled weight decay regularization": L2 in the loss vs AdamW."""

import keras
import numpy as np

from keras_recipes.checks import require_positive_int, require_positive_number
from keras_recipes.training.runs import Comparison, _require_builder, _require_splits, _scores, _train_run


def decay_only_step(weight=1.0, weight_decay=1e-2, learning_rate=1e-3):
    """How far one step moves a weight whose *data* gradient is zero, under L2-in-the-loss vs AdamW.

    The difference Loshchilov and Hutter point out: with Adam, an L2
    penalty's gradient ``wd * w`` is divided by Adam's running gradient
    scale, so the first step moves every weight by about the learning rate
    *whatever* ``wd`` is (and later, weights with large gradients are decayed
    less); AdamW shrinks the weight directly, ``w <- w - lr * wd * w``,
    in proportion to ``wd``, uncoupled from the gradient scale.

    >>> steps = decay_only_step(1.0, weight_decay=1e-2, learning_rate=1e-3)
    >>> round(steps["L2 + Adam"], 6), round(steps["AdamW"], 7)
    (0.001, 1e-05)

    Returns:
        ``{"L2 + Adam": |step|, "AdamW": |step|}`` of the first step.
    """
    weight_decay = require_positive_number("weight_decay", weight_decay)
    learning_rate = require_positive_number("learning_rate", learning_rate)
    out = {}
    for name in ("L2 + Adam", "AdamW"):
        w = keras.Variable(np.array([weight], "float32"))
        if name == "AdamW":
            opt = keras.optimizers.AdamW(learning_rate, weight_decay=weight_decay)
            grad = np.zeros(1, "float32")                       # the data says nothing
        else:
            opt = keras.optimizers.Adam(learning_rate)
            grad = np.array([weight_decay * weight], "float32")  # d/dw of wd/2 * w^2
        opt.apply([grad], [w])
        out[name] = float(abs(keras.ops.convert_to_numpy(w)[0] - weight))
    return out


class _WeightNorm(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.norms = []

    def on_epoch_end(self, epoch, logs=None):
        kernels = [keras.ops.convert_to_numpy(v) for v in self.model.trainable_variables if len(v.shape) > 1]
        self.norms.append(float(np.sqrt(sum(np.sum(k**2) for k in kernels))))


def _add_l2(strength):
    def prepare(model):
        for variable in model.trainable_variables:
            if len(variable.shape) > 1:
                variable.regularizer = keras.regularizers.L2(strength)
    return prepare


def compare_weight_decay(build, data, *, strength=1e-3, learning_rate=1e-3, epochs=5, seed=0):
    """No decay, an L2 penalty in the loss (with Adam) and decoupled decay (AdamW), same start.

    The L2 run sets ``regularizer = L2(strength)`` on every kernel after
    building (biases and norm scales are left alone, as usual), so any
    builder works. AdamW gets ``weight_decay = 2 * strength``, the value
    that would equal the L2 penalty for plain SGD (Keras's ``L2(s)`` adds
    ``s * sum(w^2)``, gradient ``2 s w``); with Adam they differ, which is
    the point (see ``decay_only_step``). The curves record the kernels'
    norm (``"weight_norm"``) per epoch.

    >>> from keras_recipes.datasets import load_digits
    >>> data = load_digits(image_size=8)
    >>> build = lambda: keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
    ...                                   keras.layers.Dense(10, activation="softmax")])
    >>> list(compare_weight_decay(build, data, epochs=1).curves)  # doctest: +SKIP
    ['none', 'L2 + Adam', 'AdamW']

    Args:
        build: zero-argument callable returning a fresh softmax classifier.
        data: a ``datasets.Splits``.
        strength: the L2 coefficient ``s`` (``s * sum(w^2)``). Default 1e-3.
        learning_rate: Adam's / AdamW's. Default 1e-3.
        epochs: Default 5. seed: Default 0.
    Returns:
        a ``Comparison`` (``.plot(curve="weight_norm")`` shows the shrinkage).
    """
    _require_builder("build", build)
    _require_splits("data", data)
    strength = require_positive_number("strength", strength)
    learning_rate = require_positive_number("learning_rate", learning_rate)
    epochs = require_positive_int("epochs", epochs)
    runs = {
        "none": (lambda: keras.optimizers.Adam(learning_rate), None),
        "L2 + Adam": (lambda: keras.optimizers.Adam(learning_rate), _add_l2(strength)),
        "AdamW": (lambda: keras.optimizers.AdamW(learning_rate, weight_decay=2 * strength), None),
    }
    curves, val, test = {}, {}, {}
    for name, (factory, prepare) in runs.items():
        norms = _WeightNorm()
        model, curves[name] = _train_run(build, data, factory(), epochs=epochs, seed=seed,
                                        prepare=prepare, callbacks=[norms])
        curves[name]["weight_norm"] = norms.norms
        val[name], test[name] = _scores(model, data)
    return Comparison(curves, val, test, title="L2 penalty vs decoupled weight decay")

"""Plumbing the four pretext tasks share: validate unlabelled images, fit a pretext network.

Not a recipe of its own (no diagram): each ``pretext_*`` module is one
task of diagram A7 and uses these two helpers, so argument checks and the
training loop are written once.
"""

import keras
import numpy as np

from keras_recipes.checks import (
    fresh_optimizer, require_bundle, require_positive_int, require_positive_number,
)


def unlabelled_images(name, images, *, min_size=1):
    """``images`` as a float32 ``(N, H, W, C)`` array of finite values, N >= 1; raise otherwise."""
    if hasattr(images, "element_spec"):
        raise TypeError(f"{name} must be an array of images (N, H, W, C), e.g. "
                        f"splits.arrays['unlabelled'][0]; received a tf.data.Dataset")
    x = np.asarray(images, dtype="float32") if not isinstance(images, (str, bytes)) else None
    if x is None or x.ndim != 4 or len(x) < 1:
        shape = None if x is None else x.shape
        raise ValueError(f"{name} must be an array of images of shape (N, H, W, C) with N >= 1; "
                         f"received shape {shape}")
    if min(x.shape[1:3]) < min_size:
        raise ValueError(f"{name} images must be at least {min_size}x{min_size} pixels for this "
                         f"task; received {x.shape[1]}x{x.shape[2]}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} holds non-finite pixel values (NaN or inf)")
    return x


def check_pretext_args(bundle, images, *, epochs, batch_size, learning_rate, min_size=1):
    """Validate what every ``pretrain_*`` function takes; return the images as an array."""
    require_bundle("bundle", bundle)
    x = unlabelled_images("unlabelled", images, min_size=min_size)
    if tuple(x.shape[1:]) != tuple(bundle.encoder.input.shape[1:]):
        raise ValueError(f"unlabelled images have shape {tuple(x.shape[1:])} but the encoder takes "
                         f"{tuple(bundle.encoder.input.shape[1:])}")
    require_positive_int("epochs", epochs)
    require_positive_int("batch_size", batch_size)
    require_positive_number("learning_rate", learning_rate)
    return x


def fit_pretext(model, dataset, *, epochs, learning_rate, loss=None, verbose=0):
    """Compile ``model`` with a fresh Adam at ``learning_rate`` and fit it on ``dataset``.

    Returns the ``History``. ``loss=None`` leaves the objective to the
    model's own ``compute_loss``.
    """
    optimizer = fresh_optimizer("optimizer", "adam", learning_rate)
    model.compile(optimizer=optimizer, loss=loss)
    return model.fit(dataset, epochs=epochs, verbose=verbose)


def pretext_head(features, units, hidden, name):
    """A small MLP on the bottleneck that answers the pretext question (thrown away later)."""
    x = keras.layers.Dense(hidden, activation="relu", name=f"{name}_hidden")(features)
    return keras.layers.Dense(units, name=f"{name}_logits")(x)

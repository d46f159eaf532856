"""Test-time augmentation: average predictions over a fixed set of crops (and flips)."""

import numpy as np

from keras_recipes.checks import keras_model_of, require_positive_int


def tta_views(images, shift=1, flips=False):
    """The fixed views of seed 002's test-time recipe: 4 corner crops + the centre (+ their flips).

    "Testing: average a fixed set of crops ... 4 corners + center, + flips".
    On small images the crops are taken from the image zero-padded by
    ``shift`` pixels on every side, so each view keeps the input's size: the
    centre crop is the image itself and the corners are shifts by
    ``(+-shift, +-shift)``, black filled (the digits' background). Flips
    are off by default: a mirrored digit is another symbol.

    >>> views = tta_views(np.arange(16, dtype="float32").reshape(1, 4, 4, 1), shift=1, flips=True)
    >>> views.shape, bool((views[0] == np.arange(16).reshape(1, 4, 4, 1)).all())
    ((10, 1, 4, 4, 1), True)

    Args:
        images: array ``(N, H, W, C)``.
        shift: crop offset in pixels, >= 1. Default 1.
        flips: add the horizontal mirror of every view. Default False.
    Returns:
        array ``(views, N, H, W, C)``, the centre first.
    """
    images = np.asarray(images, dtype="float32")
    if images.ndim != 4:
        raise ValueError(f"images must be (N, H, W, C); received shape {images.shape}")
    shift = require_positive_int("shift", shift)
    h, w = images.shape[1:3]
    padded = np.pad(images, [(0, 0), (shift, shift), (shift, shift), (0, 0)])
    offsets = [(shift, shift), (0, 0), (0, 2 * shift), (2 * shift, 0), (2 * shift, 2 * shift)]
    views = [padded[:, r:r + h, c:c + w] for r, c in offsets]
    if flips:
        views += [v[:, :, ::-1] for v in views]
    return np.stack(views)


def tta_predict(model, images, shift=1, flips=False, batch_size=256):
    """Mean predicted probabilities of ``model`` over ``tta_views(images)``.

    >>> import keras
    >>> inputs = keras.Input((4, 4, 1))
    >>> model = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(keras.layers.Flatten()(inputs)))
    >>> tta_predict(model, np.ones((2, 4, 4, 1), "float32")).shape
    (2, 3)

    Args:
        model: a ``keras.Model`` or ``ModelBundle`` with a softmax output.
        images: array ``(N, H, W, C)``.
        shift, flips: see ``tta_views``.
        batch_size: prediction batch size. Default 256.
    """
    model = keras_model_of("model", model)
    views = tta_views(images, shift, flips)
    flat = views.reshape((-1,) + views.shape[2:])
    probs = model.predict(flat, batch_size=batch_size, verbose=0)
    return probs.reshape((views.shape[0], views.shape[1]) + probs.shape[1:]).mean(axis=0)

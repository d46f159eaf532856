"""Pretext task (A7): rotation prediction, "which way up is this digit?".

Gidaris et al. (2018): rotate every unlabelled image by 0, 90, 180 and 270
degrees and train the encoder, with a small throw-away head, to tell the
four apart. Recognising the rotation needs the shape of the strokes, so the
encoder learns digit features without a single label.

The four rotations are made in the tf.data pipeline (``rotation_dataset``);
the pretext network is the bundle's encoder plus a 4-way head, trained with
plain cross-entropy. Backend-neutral: only the input pipeline uses
TensorFlow ops.

>>> import numpy as np
>>> digit = np.zeros((1, 8, 8, 1), "float32")
>>> digit[0, 0, :, 0] = 1.0  # a stroke along the top
>>> upside_down = rotate_quarter_turns(digit, 2)  # the pretext label of this example: 2 quarter turns
>>> float(upside_down[0, -1].sum()), float(upside_down[0, 0].sum())  # the stroke is now at the bottom
(8.0, 0.0)
"""

import keras
import numpy as np

from keras_recipes.representation._pretext import check_pretext_args, fit_pretext, pretext_head

ROTATIONS = 4


def rotate_quarter_turns(images, turns):
    """``images`` (N, H, W, C) each rotated by ``turns`` (an int or one per image) x 90 degrees.

    >>> x = np.arange(4, dtype="float32").reshape(1, 2, 2, 1)
    >>> rotate_quarter_turns(x, 1)[0, :, :, 0].tolist()
    [[1.0, 3.0], [0.0, 2.0]]
    """
    images = np.asarray(images)
    turns = np.broadcast_to(np.asarray(turns) % ROTATIONS, (len(images),))
    return np.stack([np.rot90(img, k=int(k), axes=(0, 1)) for img, k in zip(images, turns)])


def rotation_dataset(images, *, batch_size=64, seed=0):
    """A shuffled tf.data pipeline of ``(rotated image, quarter turns)``: every image four times.

    Square images only (a 90-degree turn must keep the shape).

    >>> images, turns = next(iter(rotation_dataset(np.zeros((2, 8, 8, 1)), batch_size=8)))
    >>> tuple(images.shape), sorted(turns.numpy().tolist())
    ((8, 8, 8, 1), [0, 0, 1, 1, 2, 2, 3, 3])
    """
    import tensorflow as tf

    x = np.asarray(images, dtype="float32")
    if x.shape[1] != x.shape[2]:
        raise ValueError(f"rotation prediction needs square images; received {x.shape[1]}x{x.shape[2]}")
    rotated = np.concatenate([rotate_quarter_turns(x, k) for k in range(ROTATIONS)])
    turns = np.repeat(np.arange(ROTATIONS, dtype="int64"), len(x))
    ds = tf.data.Dataset.from_tensor_slices((rotated, turns))
    return ds.shuffle(len(rotated), seed=seed).batch(batch_size).prefetch(tf.data.AUTOTUNE)


def rotation_model(encoder, hidden=64):
    """The pretext network: ``encoder`` -> MLP -> 4 rotation logits.

    >>> from keras_recipes.zoo import vgg
    >>> encoder = vgg(input_shape=(8, 8, 1), width=4, depth=(1,)).encoder
    >>> rotation_model(encoder).output.shape
    (None, 4)
    """
    inputs = keras.Input(encoder.input.shape[1:], name="rotated")
    logits = pretext_head(encoder(inputs), ROTATIONS, hidden, "rotation")
    return keras.Model(inputs, logits, name="rotation_pretext")


def pretrain_rotation(bundle, unlabelled, *, epochs=3, batch_size=64, learning_rate=1e-3, seed=0, verbose=0):
    """Pre-train ``bundle.encoder`` on rotation prediction; return ``bundle`` (its encoder now trained).

    Diagram A7, "learn an embedding from a label-free task (rotation ...)".
    Training the encoder is this function's purpose: ``bundle``'s encoder
    (shared with ``bundle.model``) is changed in place; its head is not
    touched. Build a fresh bundle for a random-init baseline.

    >>> from keras_recipes.zoo import vgg
    >>> x = np.random.default_rng(0).random((8, 8, 8, 1)).astype("float32")
    >>> bundle = pretrain_rotation(vgg(input_shape=(8, 8, 1), width=4, depth=(1,)), x, epochs=1)  # doctest: +SKIP

    Args:
        bundle: a ``ModelBundle`` (e.g. ``zoo.vgg(input_shape=(28, 28, 1))``).
        unlabelled: images ``(N, H, W, C)`` in [0, 1], square; no labels.
        epochs: passes over the four rotations of every image (3).
        batch_size: 64. learning_rate: Adam's rate (1e-3).
        seed: shuffling seed (0); seed the weights with
            ``keras.utils.set_random_seed`` before building the bundle.
        verbose: Keras ``fit`` verbosity (0).
    Returns:
        ``bundle``.
    """
    x = check_pretext_args(bundle, unlabelled, epochs=epochs, batch_size=batch_size,
                           learning_rate=learning_rate)
    data = rotation_dataset(x, batch_size=batch_size, seed=seed)
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    fit_pretext(rotation_model(bundle.encoder), data, epochs=epochs, learning_rate=learning_rate,
                loss=loss, verbose=verbose)
    return bundle

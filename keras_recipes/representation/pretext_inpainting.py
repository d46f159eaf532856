"""Pretext task (A7): inpainting with a context encoder, "draw the part that is hidden".

Pathak et al. (2016), "Context Encoders: Feature Learning by Inpainting"
(seed 001). A square region of every unlabelled image is blanked out (filled
with mid-grey, so the network sees where the hole is); the encoder reads
the rest, a small decoder draws the whole image, and the loss is the
squared error *inside the hole only* (the paper's reconstruction loss; its
adversarial term is left out). Filling in a missing piece of a digit needs
knowing how its strokes go on.

The masks are drawn in numpy and fed through tf.data; the loss,
``masked_region_loss``, is a registered Keras loss written with
``keras.ops`` (backend-neutral), whose target packs the original image and
the mask along the channel axis.

>>> import numpy as np
>>> masked, target = mask_regions(np.ones((2, 8, 8, 1), "float32"), size=4, seed=0)
>>> float(target[..., 1].sum(axis=(1, 2)).max()), float(masked.min())
(16.0, 0.5)
"""

import keras
import numpy as np
from keras import ops

from keras_recipes.checks import require_positive_int
from keras_recipes.representation._pretext import check_pretext_args, fit_pretext

FILL = 0.5


@keras.saving.register_keras_serializable(package="keras_recipes")
def masked_region_loss(y_true, y_pred):
    """Per-example mean squared error inside the mask.

    ``y_true`` is ``concat([image, mask], axis=-1)`` (what ``mask_regions``
    returns as the target), ``y_pred`` the reconstructed image.

    >>> y_pred = np.zeros((1, 2, 2, 1), "float32")
    >>> image = np.array([[[[1.0], [1.0]], [[3.0], [1.0]]]], "float32")
    >>> mask = np.array([[[[0.0], [0.0]], [[1.0], [0.0]]]], "float32")
    >>> float(masked_region_loss(np.concatenate([image, mask], -1), y_pred)[0])
    9.0
    """
    channels = y_pred.shape[-1]
    target, mask = y_true[..., :channels], y_true[..., channels:]
    error = ops.sum(mask * ops.square(target - y_pred), axis=(1, 2, 3))
    return error / ops.maximum(ops.sum(mask, axis=(1, 2, 3)), 1.0)


def mask_regions(images, *, size=None, seed=0):
    """Blank one random ``size`` x ``size`` square per image: ``(masked images, target)``.

    The square lies inside the central area (at least ``size // 4`` pixels
    from the border) and is filled with 0.5. ``target`` is
    ``concat([image, mask], axis=-1)``, the target ``masked_region_loss``
    expects.

    Args:
        images: ``(N, H, W, C)`` array.
        size: side of the hole; default half the image side (14 on 28x28).
        seed: seed of the hole positions (0).

    >>> masked, target = mask_regions(np.zeros((3, 8, 8, 1), "float32"), size=2, seed=0)
    >>> masked.shape, target.shape, target[..., 1].sum(axis=(1, 2)).tolist()
    ((3, 8, 8, 1), (3, 8, 8, 2), [4.0, 4.0, 4.0])
    """
    x = np.asarray(images, dtype="float32")
    side = min(x.shape[1:3])
    size = side // 2 if size is None else require_positive_int("size", size)
    if size >= side:
        raise ValueError(f"size must be smaller than the image side {side}; received: size={size}")
    rng = np.random.default_rng(seed)
    margin = size // 4
    mask = np.zeros(x.shape[:3] + (1,), dtype="float32")
    for i in range(len(x)):
        top = int(rng.integers(margin, max(margin, x.shape[1] - size - margin) + 1))
        left = int(rng.integers(margin, max(margin, x.shape[2] - size - margin) + 1))
        mask[i, top:top + size, left:left + size] = 1.0
    masked = np.where(mask > 0, np.float32(FILL), x)
    return masked, np.concatenate([x, np.broadcast_to(mask, x.shape)], axis=-1)


def inpainting_model(encoder, hidden=128):
    """The context encoder: ``encoder`` -> Dense -> Dense(H*W*C, sigmoid) -> reshaped image.

    >>> from keras_recipes.zoo import vgg
    >>> encoder = vgg(input_shape=(8, 8, 1), width=4, depth=(1,)).encoder
    >>> inpainting_model(encoder, hidden=16).output.shape
    (None, 8, 8, 1)
    """
    shape = tuple(encoder.input.shape[1:])
    inputs = keras.Input(shape, name="masked")
    x = keras.layers.Dense(hidden, activation="relu", name="decoder_hidden")(encoder(inputs))
    x = keras.layers.Dense(int(np.prod(shape)), activation="sigmoid", name="decoder_pixels")(x)
    return keras.Model(inputs, keras.layers.Reshape(shape, name="decoder_image")(x),
                       name="inpainting_pretext")


def pretrain_inpainting(bundle, unlabelled, *, epochs=3, batch_size=64, learning_rate=1e-3, size=None,
                        seed=0, verbose=0):
    """Pre-train ``bundle.encoder`` as a context encoder (inpainting); return ``bundle``.

    Diagram A7 / seed 001's context encoders. The encoder is changed in
    place; the decoder is thrown away; ``bundle``'s head is not touched.
    A new hole is drawn for every image once (``seed``).

    >>> from keras_recipes.zoo import vgg
    >>> x = np.random.default_rng(0).random((8, 8, 8, 1)).astype("float32")
    >>> bundle = pretrain_inpainting(vgg(input_shape=(8, 8, 1), width=4, depth=(1,)), x, epochs=1)  # doctest: +SKIP

    Args:
        bundle: a ``ModelBundle`` whose encoder takes the images' shape.
        unlabelled: images ``(N, H, W, C)`` in [0, 1].
        epochs: 3. batch_size: 64. learning_rate: Adam's rate (1e-3).
        size: side of the hole (default half the image side).
        seed: seed of the holes and the shuffling (0).
        verbose: Keras ``fit`` verbosity (0).
    Returns:
        ``bundle``.
    """
    import tensorflow as tf

    x = check_pretext_args(bundle, unlabelled, epochs=epochs, batch_size=batch_size,
                           learning_rate=learning_rate, min_size=4)
    masked, target = mask_regions(x, size=size, seed=seed)
    data = tf.data.Dataset.from_tensor_slices((masked, target))
    data = data.shuffle(len(x), seed=seed).batch(batch_size).prefetch(tf.data.AUTOTUNE)
    fit_pretext(inpainting_model(bundle.encoder), data, epochs=epochs, learning_rate=learning_rate,
                loss=masked_region_loss, verbose=verbose)
    return bundle

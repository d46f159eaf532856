"""Pretext task (A7): relative patch position, "where is patch 2 relative to patch 1?".

Doersch, Gupta and Efros (2015), "Unsupervised Visual Representation
Learning by Context Prediction", drawn in seed 001 as ``X = (Patch 1,
Patch 2); Y = 3``. Each image is cut into a 3x3 grid of cells; patch 1 is
the centre cell, patch 2 one of its eight neighbours, and the network,
shown the two patches, predicts which neighbour (0-7, row by row). On the
28x28 MNIST digits a 9x9 cell holds a piece of a stroke, so answering needs
knowing how strokes continue: the features a digit classifier needs too.

As in the paper, each patch is jittered inside its cell (and cells leave a
gap) so the answer cannot be read off matching pixels at a shared border,
and pairs whose second patch is blank (the empty corners of a digit) are
skipped: a blank patch says nothing about position. The encoder keeps the
input shape of the bundle, so each patch is pasted at the centre of an
empty canvas of the image's size: same scale as at transfer time, and the
canvas position gives nothing away.

>>> import numpy as np
>>> from keras_recipes.datasets import mnist_arrays
>>> x, _ = mnist_arrays()
>>> first, second, position = patch_pairs(x[:50], seed=0)
>>> first.shape, int(position.min()) >= 0, int(position.max()) <= 7
((100, 28, 28, 1), True, True)
"""

import keras
import numpy as np

from keras_recipes.checks import require_positive_int, require_rate
from keras_recipes.representation._pretext import check_pretext_args, fit_pretext, pretext_head

# (row, column) of patch 2's cell relative to patch 1 (the centre cell); the index is the label.
NEIGHBOURS = ((-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1))


def _cut(image, row, col, cell, patch, rng):
    top = row * cell + int(rng.integers(0, cell - patch + 1))
    left = col * cell + int(rng.integers(0, cell - patch + 1))
    return image[top:top + patch, left:left + patch]


def _paste(piece, shape):
    canvas = np.zeros(shape, dtype="float32")
    top, left = (shape[0] - piece.shape[0]) // 2, (shape[1] - piece.shape[1]) // 2
    canvas[top:top + piece.shape[0], left:left + piece.shape[1]] = piece
    return canvas


def patch_pairs(images, *, patch=None, pairs_per_image=2, min_ink=0.05, seed=0):
    """Context-prediction examples: ``(patch 1 canvases, patch 2 canvases, position 0-7)``.

    Args:
        images: ``(N, H, W, C)`` array, at least 6x6.
        patch: side of a patch, smaller than a cell (``H // 3``); default
            ``cell - 1`` (8 on 28x28 digits: a jitter of one pixel and gaps
            of one to two pixels between neighbouring patches).
        pairs_per_image: neighbours drawn per image (2), without repeats.
        min_ink: skip a neighbour whose mean pixel value is below this (0.05).
        seed: seed of the neighbour choice and the jitter (0).
    Returns:
        three arrays: two ``(M, H, W, C)`` float32 canvases and ``(M,)`` int64 labels.

    >>> first, second, position = patch_pairs(np.ones((3, 12, 12, 1)), pairs_per_image=2, seed=0)
    >>> first.shape, float(first[0].sum()), len(set(position[:2].tolist()))  # a 3x3 patch, two neighbours
    ((6, 12, 12, 1), 9.0, 2)
    """
    x = np.asarray(images, dtype="float32")
    cell = min(x.shape[1:3]) // 3
    patch = cell - 1 if patch is None else require_positive_int("patch", patch)
    if not 1 <= patch < cell:
        raise ValueError(f"patch must be smaller than a grid cell ({cell} pixels on "
                         f"{x.shape[1]}x{x.shape[2]} images); received: patch={patch!r}")
    pairs_per_image = require_positive_int("pairs_per_image", pairs_per_image)
    if pairs_per_image > len(NEIGHBOURS):
        raise ValueError(f"pairs_per_image must be at most 8 (the neighbours of the centre cell); "
                         f"received: pairs_per_image={pairs_per_image}")
    min_ink = require_rate("min_ink", min_ink)
    rng = np.random.default_rng(seed)
    first, second, labels = [], [], []
    for image in x:
        centre = _cut(image, 1, 1, cell, patch, rng)
        taken = 0
        for label in rng.permutation(len(NEIGHBOURS)):
            dr, dc = NEIGHBOURS[label]
            piece = _cut(image, 1 + dr, 1 + dc, cell, patch, rng)
            if piece.mean() < min_ink:
                continue
            first.append(_paste(centre, image.shape))
            second.append(_paste(piece, image.shape))
            labels.append(label)
            taken += 1
            if taken == pairs_per_image:
                break
    if not labels:
        raise ValueError(f"no patch pair has ink above min_ink={min_ink}; are the images blank?")
    return np.stack(first), np.stack(second), np.asarray(labels, dtype="int64")


def patch_model(encoder, hidden=64):
    """The pretext network: both patches through the same ``encoder``, concatenated -> 8 logits.

    >>> from keras_recipes.zoo import vgg
    >>> encoder = vgg(input_shape=(8, 8, 1), width=4, depth=(1,)).encoder
    >>> model = patch_model(encoder)
    >>> [tuple(i.shape) for i in model.inputs], model.output.shape
    ([(None, 8, 8, 1), (None, 8, 8, 1)], (None, 8))
    """
    shape = encoder.input.shape[1:]
    first = keras.Input(shape, name="patch1")
    second = keras.Input(shape, name="patch2")
    both = keras.layers.Concatenate(name="pair")([encoder(first), encoder(second)])
    return keras.Model([first, second], pretext_head(both, len(NEIGHBOURS), hidden, "position"),
                       name="patch_position_pretext")


def pretrain_patch_position(bundle, unlabelled, *, epochs=3, batch_size=64, learning_rate=1e-3,
                            pairs_per_image=2, seed=0, verbose=0):
    """Pre-train ``bundle.encoder`` on relative patch position; return ``bundle`` (encoder trained).

    Diagram A7 / seed 001's context prediction. The encoder is shared by
    both patches (a siamese pair) and changed in place; the head of
    ``bundle`` is not touched.

    >>> import numpy as np
    >>> from keras_recipes.zoo import vgg
    >>> x = np.random.default_rng(0).random((8, 12, 12, 1)).astype("float32")
    >>> bundle = pretrain_patch_position(vgg(input_shape=(12, 12, 1), width=4, depth=(1,)), x,
    ...                                  epochs=1)  # doctest: +SKIP

    Args:
        bundle: a ``ModelBundle`` whose encoder takes the images' shape.
        unlabelled: images ``(N, H, W, C)`` in [0, 1], at least 6x6.
        epochs: 3. batch_size: 64. learning_rate: Adam's rate (1e-3).
        pairs_per_image: neighbours per image (2); see ``patch_pairs``.
        seed: seed of the pairs and the shuffling (0).
        verbose: Keras ``fit`` verbosity (0).
    Returns:
        ``bundle``.
    """
    import tensorflow as tf

    x = check_pretext_args(bundle, unlabelled, epochs=epochs, batch_size=batch_size,
                           learning_rate=learning_rate, min_size=6)
    first, second, position = patch_pairs(x, pairs_per_image=pairs_per_image, seed=seed)
    data = tf.data.Dataset.from_tensor_slices(((first, second), position))
    data = data.shuffle(len(position), seed=seed).batch(batch_size).prefetch(tf.data.AUTOTUNE)
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    fit_pretext(patch_model(bundle.encoder), data, epochs=epochs, learning_rate=learning_rate,
                loss=loss, verbose=verbose)
    return bundle

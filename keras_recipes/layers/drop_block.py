"""DropBlock: drop contiguous square blocks of a 2-D feature map, not single pixels."""

import keras
from keras import ops

from keras_recipes.checks import require_positive_int, require_rate


@keras.saving.register_keras_serializable(package="keras_recipes")
class DropBlock2D(keras.layers.Layer):
    """Zero contiguous ``block_size x block_size`` regions of each channel during training.

    Ghiasi et al. (2018), seed 004 "Stochastic Width (DropBlock)": neighbouring
    activations of a convolution are correlated, so dropping single pixels
    (dropout) barely removes information; dropping whole blocks does. Block
    corners are drawn only where the whole block fits inside the map, with the
    paper's rate

        gamma = rate / (bh * bw) * (H * W) / ((H - bh + 1) * (W - bw + 1))

    using height and width *separately* (a known third-party implementation
    swaps them, which is wrong on non-square maps). ``bh = min(block_size, H)``
    and ``bw = min(block_size, W)``. The kept activations are rescaled by
    ``count / kept`` so the map's sum is unchanged on average; at inference
    the layer is the identity. Channels-last input ``(N, H, W, C)``.

    >>> import numpy as np
    >>> layer = DropBlock2D(rate=0.2, block_size=3, seed=0)
    >>> x = np.ones((1, 6, 10, 1), "float32")
    >>> bool((np.asarray(layer(x, training=False)) == x).all())
    True
    >>> tuple(layer(x, training=True).shape)
    (1, 6, 10, 1)

    Args:
        rate: fraction of activations to drop, in [0, 1). Default 0.1.
        block_size: side of the square blocks, >= 1 (1 is dropout). Default 3.
        seed: int seed of the block draws. Default None.
    """

    def __init__(self, rate=0.1, block_size=3, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = require_rate("rate", rate)
        self.block_size = require_positive_int("block_size", block_size)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        if len(input_shape) != 4 or input_shape[1] is None or input_shape[2] is None:
            raise ValueError("DropBlock2D needs (batch, height, width, channels) inputs with known height "
                             f"and width; received: input_shape={tuple(input_shape)}")

    def block_mask(self, shape, dtype="float32"):
        """1 where a block is dropped, 0 elsewhere, for inputs of ``shape`` (one random draw)."""
        height, width = int(shape[1]), int(shape[2])
        bh, bw = min(self.block_size, height), min(self.block_size, width)
        valid = (height - bh + 1) * (width - bw + 1)
        gamma = self.rate / (bh * bw) * (height * width) / valid
        # Block corners (top-left) only where the whole block fits: rows 0..H-bh, columns 0..W-bw.
        corners_shape = (shape[0], height - bh + 1, width - bw + 1, shape[3])
        corners = ops.cast(keras.random.uniform(corners_shape, seed=self.seed_generator) < gamma, dtype)
        # Each corner (i, j) covers rows i..i+bh-1 and columns j..j+bw-1: pad back to H x W at the
        # bottom/right, then a stride-1 max over the bh x bw window ending at each pixel.
        corners = ops.pad(corners, [[0, 0], [bh - 1, bh - 1], [bw - 1, bw - 1], [0, 0]])
        return ops.max_pool(corners, pool_size=(bh, bw), strides=1, padding="valid")

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        keep = 1.0 - self.block_mask(ops.shape(inputs), inputs.dtype)
        count = ops.cast(ops.size(keep), inputs.dtype)
        return inputs * keep * count / ops.maximum(ops.sum(keep), 1.0)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "block_size": self.block_size, "seed": self.seed}

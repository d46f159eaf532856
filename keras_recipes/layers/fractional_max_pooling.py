"""Fractional max pooling (TensorFlow only): pooling regions of random, non-integer stride."""

import keras

from keras_recipes.checks import require_positive_int, require_positive_number


@keras.saving.register_keras_serializable(package="keras_recipes")
class FractionalMaxPooling2D(keras.layers.Layer):
    """Max-pool by a fractional ratio (e.g. 1.44) over randomised pooling regions.

    Graham (2014), seed 002 "Regularization: Fractional Pooling" (training:
    use randomised pooling regions; testing: average predictions over
    different samples). The output is ``floor(H / ratio) x floor(W / ratio)``.
    Training draws new regions every call; at inference the layer uses
    ``test_samples`` fixed region draws (seeds ``seed, seed + 1, ...``) and
    averages their pooled maps, a deterministic stand-in for averaging whole
    predictions over samples (``test_samples=1``: one fixed draw).

    **TensorFlow only**: it wraps TensorFlow's ``FractionalMaxPool`` op
    (``tf.nn.fractional_max_pool``), which JAX and PyTorch lack; building it
    on another backend raises ``RuntimeError``. The op cannot be seeded per
    step, so the training draws are not reproducible even with ``seed=``.

    ```python
    layer = FractionalMaxPooling2D(pooling_ratio=1.44, seed=3)
    y = layer(np.ones((1, 9, 13, 2), "float32"), training=True)  # (1, 6, 9, 2)
    ```

    Args:
        pooling_ratio: size reduction per side, > 1 (1.44 ~ sqrt(2), Graham's). Default 1.44.
        pseudo_random: pseudo-random rather than random region sequences. Default True.
        overlapping: pooling regions share their boundary pixels. Default False.
        test_samples: fixed region draws averaged at inference, >= 1. Default 1.
        seed: positive int seed of the inference draws. Default 1.
    """

    def __init__(self, pooling_ratio=1.44, pseudo_random=True, overlapping=False, test_samples=1,
                 seed=1, **kwargs):
        super().__init__(**kwargs)
        self.pooling_ratio = require_positive_number("pooling_ratio", pooling_ratio)
        if self.pooling_ratio <= 1:
            raise ValueError(f"pooling_ratio must be > 1; received: pooling_ratio={pooling_ratio!r}")
        self.pseudo_random = bool(pseudo_random)
        self.overlapping = bool(overlapping)
        self.test_samples = require_positive_int("test_samples", test_samples)
        self.seed = require_positive_int("seed", seed)

    def build(self, input_shape):
        if keras.backend.backend() != "tensorflow":
            raise RuntimeError("FractionalMaxPooling2D needs the TensorFlow backend (it wraps "
                               f"tf.nn.fractional_max_pool); the backend is {keras.backend.backend()!r}")
        if len(input_shape) != 4:
            raise ValueError(f"FractionalMaxPooling2D needs (batch, height, width, channels) inputs; "
                             f"received: input_shape={tuple(input_shape)}")

    def _pool(self, inputs, deterministic, seed):
        import tensorflow as tf

        ratio = [1.0, self.pooling_ratio, self.pooling_ratio, 1.0]
        return tf.raw_ops.FractionalMaxPool(
            value=inputs, pooling_ratio=ratio, pseudo_random=self.pseudo_random,
            overlapping=self.overlapping, deterministic=deterministic,
            seed=seed, seed2=seed if deterministic else 0).output

    def call(self, inputs, training=False):
        if training:
            return self._pool(inputs, deterministic=False, seed=0)
        draws = [self._pool(inputs, deterministic=True, seed=self.seed + i) for i in range(self.test_samples)]
        return draws[0] if len(draws) == 1 else keras.ops.mean(keras.ops.stack(draws), axis=0)

    def compute_output_shape(self, input_shape):
        def reduce(size):
            return None if size is None else int(size / self.pooling_ratio)
        return (input_shape[0], reduce(input_shape[1]), reduce(input_shape[2]), input_shape[3])

    def get_config(self):
        return {**super().get_config(), "pooling_ratio": self.pooling_ratio,
                "pseudo_random": self.pseudo_random, "overlapping": self.overlapping,
                "test_samples": self.test_samples, "seed": self.seed}

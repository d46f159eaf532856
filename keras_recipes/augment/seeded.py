"""Augmented copies: K differently seeded augmentations of every example.

Seeds 001/003 note that cached features are only valid *without*
augmentation, since a frozen encoder sees a new image every epoch. The
compromise cached here: extract K augmented copies of each example once
(copy k of batch b uses its own seed, so copies differ and a rerun
reproduces them) and let the reader pick one copy per example per epoch.
"""

import hashlib

import keras


def copy_seed(seed, copy, batch):
    """The int seed of augmentation ``copy`` of input ``batch`` under ``seed``.

    Derived by hashing, so (seed, copy, batch) triples never collide the way
    ``seed + copy`` would; 31 bits, so every backend's seed dtype takes it.
    """
    digest = hashlib.sha256(f"{seed}/{copy}/{batch}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def _keras_layers(augment):
    layers = augment.layers if isinstance(augment, keras.Sequential) else [augment]
    for layer in layers:
        if not (hasattr(layer, "get_random_transformation") and hasattr(layer, "transform_images")):
            raise TypeError(
                "augment must be a function augment(images, seed) -> images, a Keras image "
                "augmentation layer (RandomFlip, RandomTranslation, ...) or a keras.Sequential "
                f"of them; received a Sequential holding {type(layer).__name__}"
            )
    return layers


def seeded_augment(augment):
    """Turn ``augment`` into ``fn(images, seed: int) -> images``, deterministic in seed.

    Keras augmentation layers draw from their own ``SeedGenerator``, whose
    state advances with every call: a rerun resumed at shard 7 would draw
    other augmentations than the first run. So each layer is driven through
    its public ``get_random_transformation(seed=)`` / ``transform_images``
    pair with an explicit integer seed instead of ``layer(images)``.

    Args:
        augment: None (identity), a function ``augment(images, seed)``, a Keras
            image augmentation layer, or a ``keras.Sequential`` of them.

    ```python
    import keras, numpy as np
    flip = seeded_augment(keras.layers.RandomFlip("horizontal"))
    x = np.random.rand(4, 8, 8, 1).astype("float32")
    np.testing.assert_array_equal(flip(x, 3), flip(x, 3))
    ```
    """
    if augment is None:
        return lambda images, seed: images
    if isinstance(augment, keras.layers.Layer):
        layers = _keras_layers(augment)

        def apply(images, seed):
            for i, layer in enumerate(layers):
                transform = layer.get_random_transformation(images, training=True, seed=seed + i)
                images = layer.transform_images(images, transform, training=True)
            return images

        return apply
    if not callable(augment):
        raise TypeError(f"augment must be callable or None; received: augment={augment!r}")
    return augment

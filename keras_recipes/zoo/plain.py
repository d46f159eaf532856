"""A plain VGG-style convnet: groups of 3x3 convolutions, each closed by max-pooling."""

import keras

from keras_recipes.zoo.parts import assemble, begin, conv_bn_act


def vgg_group(x, filters, blocks, name, norm="batch"):
    """``blocks`` conv -> BN -> ReLU units, then a 2x2 max-pool (halves H and W)."""
    for i in range(blocks):
        x = conv_bn_act(x, filters, name=f"{name}_block{i + 1}", norm=norm)
    return keras.layers.MaxPooling2D(2, name=f"{name}_pool")(x)


def vgg(input_shape=(32, 32, 1), num_classes=None, *, task=None, width=16,
        depth=(1, 1, 2), pooling="avg", norm="batch", name="vgg"):
    """A VGG-style bundle: stem -> groups of 3x3 convs + max-pool -> bottleneck -> task.

    Group ``i`` has ``depth[i]`` convolutions of ``width * 2**i`` filters and
    ends in a 2x2 max-pool, so the input must be at least ``2**len(depth)``
    pixels on a side.

    ```python
    from keras_recipes import vgg
    bundle = vgg(input_shape=(32, 32, 1), num_classes=10, width=8, depth=(1, 1))
    bundle.model.summary()
    ```

    Args:
        input_shape: (height, width, channels).
        num_classes: shortcut for ``task=Classifier(num_classes)`` (10 if
            neither is given).
        task: a Task or a dict of named Tasks (see ``keras_recipes.tasks``).
        width: filters of the stem and the first group, doubled per group.
        depth: convolutions per group, one entry per group.
        pooling: ``"avg"``, ``"max"``, ``"flatten"`` or ``None`` (bottleneck
            is the last convolution's activation).
        norm: ``"batch"`` (default), ``"layer"`` or ``"group"`` normalisation
            after every convolution (``zoo.parts.normalization``).
    Returns:
        a ``ModelBundle``.
    """
    inputs, x, depth, width, task = begin(
        input_shape, num_classes, task, width, depth, pooling, downsamples=lambda groups: groups, norm=norm)
    for g, blocks in enumerate(depth):
        x = vgg_group(x, width * 2**g, blocks, name=f"group{g + 1}", norm=norm)
    return assemble(name, inputs, x, pooling, task)

"""A ResNet-style network: groups of basic residual blocks with optional stochastic depth."""

import keras

from keras_recipes.checks import require_rate
from keras_recipes.layers import StochasticDepth
from keras_recipes.zoo.parts import assemble, begin, conv_bn_act


def residual_block(x, filters, strides=1, drop_rate=0.0, name="block", *, kernel_size=3, activation="relu",
                   norm="batch"):
    """Basic block: two 3x3 conv-BN units plus a shortcut, then ReLU.

    The shortcut is a strided 1x1 projection when the shape changes. With
    ``drop_rate > 0`` the residual branch passes through ``StochasticDepth``.
    ``kernel_size``, ``activation`` and ``norm`` (see ``conv_bn_act``) are
    the micro choices architecture search varies; the defaults are ResNet's.
    """
    shortcut = x
    if strides != 1 or x.shape[-1] != filters:
        shortcut = conv_bn_act(x, filters, 1, strides, activation=None, name=f"{name}_proj", norm=norm)
    y = conv_bn_act(x, filters, kernel_size, strides, activation=activation, name=f"{name}_a", norm=norm)
    y = conv_bn_act(y, filters, kernel_size, 1, activation=None, name=f"{name}_b", norm=norm)
    if drop_rate > 0:
        y = StochasticDepth(drop_rate, name=f"{name}_drop_path")(y)
    x = keras.layers.Add(name=f"{name}_add")([shortcut, y])
    return keras.layers.Activation(activation, name=f"{name}_out")(x)


def resnet(input_shape=(32, 32, 1), num_classes=None, *, task=None, width=16,
           depth=(2, 2, 2), pooling="avg", stochastic_depth=0.0, norm="batch", name="resnet"):
    """A ResNet-style bundle: stem -> residual groups -> bottleneck -> task.

    Group ``i`` has ``depth[i]`` basic blocks of ``width * 2**i`` filters;
    every group after the first starts with a stride-2 block, so the input
    must be at least ``2**(len(depth) - 1)`` pixels on a side. The
    stochastic-depth drop rate grows linearly from 0 at the first block to
    ``stochastic_depth`` at the last (Huang et al., 2016).

    ```python
    from keras_recipes import resnet
    bundle = resnet(input_shape=(32, 32, 1), num_classes=10, stochastic_depth=0.1)
    features = bundle.encoder.output_shape   # (None, 64): the bottleneck
    ```

    Args:
        input_shape: (height, width, channels).
        num_classes: shortcut for ``task=Classifier(num_classes)`` (10 if
            neither is given).
        task: a Task or a dict of named Tasks.
        width: filters of the stem and the first group, doubled per group.
        depth: residual blocks per group.
        pooling: ``"avg"``, ``"max"``, ``"flatten"`` or ``None``.
        stochastic_depth: drop rate of the last block, in [0, 1).
        norm: ``"batch"`` (default), ``"layer"`` or ``"group"`` normalisation.
    Returns:
        a ``ModelBundle``.
    """
    stochastic_depth = require_rate("stochastic_depth", stochastic_depth)
    inputs, x, depth, width, task = begin(
        input_shape, num_classes, task, width, depth, pooling,
        downsamples=lambda groups: groups - 1, norm=norm)
    total, index = sum(depth), 0
    for g, blocks in enumerate(depth):
        for b in range(blocks):
            rate = stochastic_depth * index / max(total - 1, 1)
            x = residual_block(x, width * 2**g, strides=2 if g > 0 and b == 0 else 1,
                               drop_rate=rate, name=f"group{g + 1}_block{b + 1}", norm=norm)
            index += 1
    return assemble(name, inputs, x, pooling, task)

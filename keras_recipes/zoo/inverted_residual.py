"""A MobileNetV2-style network: groups of inverted-residual (expand, depthwise, project) blocks."""

import keras

from keras_recipes.checks import require_positive_int
from keras_recipes.zoo.parts import assemble, begin, conv_bn_act, normalization


def inverted_residual_block(x, filters, strides=1, expansion=6, name="block", *, kernel_size=3,
                            activation="relu6", norm="batch"):
    """1x1 expand (ReLU6) -> 3x3 depthwise (ReLU6) -> 1x1 linear projection.

    The shortcut is added only when the block keeps the shape (stride 1 and
    the same channel count), as in Sandler et al. (2018). ``kernel_size``
    (of the depthwise convolution), ``activation`` and ``norm`` (see
    ``conv_bn_act``) are the micro choices architecture search varies.
    """
    inputs = x
    x = conv_bn_act(x, x.shape[-1] * expansion, 1, activation=activation, name=f"{name}_expand", norm=norm)
    x = keras.layers.DepthwiseConv2D(kernel_size, strides=strides, padding="same", use_bias=False,
                                     name=f"{name}_dw_conv")(x)
    x = normalization(x, norm, f"{name}_dw")
    x = keras.layers.Activation(activation, name=f"{name}_dw_{activation}")(x)
    x = conv_bn_act(x, filters, 1, activation=None, name=f"{name}_project", norm=norm)
    if strides == 1 and inputs.shape[-1] == filters:
        x = keras.layers.Add(name=f"{name}_add")([inputs, x])
    return x


def mobilenet_v2(input_shape=(32, 32, 1), num_classes=None, *, task=None, width=16,
                 depth=(1, 2, 2), expansion=6, pooling="avg", norm="batch", name="mobilenet_v2"):
    """A MobileNetV2-style bundle: stem -> inverted-residual groups -> bottleneck -> task.

    Group ``i`` has ``depth[i]`` inverted-residual blocks with ``width * 2**i``
    output channels; every group after the first starts with stride 2. A
    final 1x1 convolution widens to ``4 * `` the last group's channels before
    pooling, as MobileNetV2 does.

    ```python
    from keras_recipes import mobilenet_v2
    bundle = mobilenet_v2(input_shape=(32, 32, 3), num_classes=5, width=8)
    ```

    Args:
        input_shape: (height, width, channels).
        num_classes: shortcut for ``task=Classifier(num_classes)`` (10 if
            neither is given).
        task: a Task or a dict of named Tasks.
        width: output channels of the stem and the first group, doubled per group.
        depth: inverted-residual blocks per group.
        expansion: channel expansion factor inside each block (>= 1).
        pooling: ``"avg"``, ``"max"``, ``"flatten"`` or ``None``.
        norm: ``"batch"`` (default), ``"layer"`` or ``"group"`` normalisation.
    Returns:
        a ``ModelBundle``.
    """
    expansion = require_positive_int("expansion", expansion)
    inputs, x, depth, width, task = begin(
        input_shape, num_classes, task, width, depth, pooling,
        downsamples=lambda groups: groups - 1, norm=norm)
    for g, blocks in enumerate(depth):
        for b in range(blocks):
            x = inverted_residual_block(x, width * 2**g, strides=2 if g > 0 and b == 0 else 1,
                                        expansion=expansion, name=f"group{g + 1}_block{b + 1}", norm=norm)
    x = conv_bn_act(x, 4 * width * 2 ** (len(depth) - 1), 1, activation="relu6", name="top", norm=norm)
    return assemble(name, inputs, x, pooling, task)

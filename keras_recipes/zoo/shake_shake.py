"""A shake-shake residual block: two parallel branches blended at random, plus the shortcut."""

import keras

from keras_recipes.layers import ShakeShake
from keras_recipes.zoo.parts import conv_bn_act


def shake_shake_block(x, filters, strides=1, seed=None, name="shake", norm="batch"):
    """Shortcut + ``ShakeShake`` of two conv-BN-ReLU-conv-BN branches, then ReLU.

    Seed 004 "Stochastic Branching (ShakeShake)", diagram (a): a ResNeXt-style
    block with two residual branches whose outputs are blended with a random
    per-example weight in training (another weight in the backward pass) and
    averaged at inference. A zoo part: arrange it with ``stem`` and
    ``assemble`` like any block.

    >>> import keras
    >>> from keras_recipes import Classifier
    >>> from keras_recipes.zoo import assemble, stem
    >>> inputs = keras.Input((8, 8, 1))
    >>> x = shake_shake_block(stem(inputs, 8), 16, strides=2, seed=0, name="shake1")
    >>> assemble("shake", inputs, x, "avg", Classifier(10)).bottleneck_shape
    (16,)

    Args:
        x: the input feature map.
        filters: output channels of each branch.
        strides: stride of each branch's first convolution (and the projection). Default 1.
        seed: int seed of the blend weights. Default None.
        name: prefix of the layer names. Default "shake".
        norm: ``"batch"``, ``"layer"`` or ``"group"`` normalisation. Default "batch".
    """
    shortcut = x
    if strides != 1 or x.shape[-1] != filters:
        shortcut = conv_bn_act(x, filters, 1, strides, activation=None, name=f"{name}_proj", norm=norm)
    branches = []
    for side in ("left", "right"):
        y = conv_bn_act(x, filters, 3, strides, name=f"{name}_{side}_a", norm=norm)
        branches.append(conv_bn_act(y, filters, 3, 1, activation=None, name=f"{name}_{side}_b", norm=norm))
    y = ShakeShake(seed=seed, name=f"{name}_shake")(branches)
    x = keras.layers.Add(name=f"{name}_add")([shortcut, y])
    return keras.layers.Activation("relu", name=f"{name}_out")(x)

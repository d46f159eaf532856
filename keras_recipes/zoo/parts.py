"""The parts every architecture shares: stem, conv unit, bottleneck, assembly.

Diagram A1 draws a network as stem -> learner (groups of blocks) ->
bottleneck (final pooling / flatten) -> task. Each architecture module only
supplies its own learner blocks; everything else lives here.
"""

import numbers

import keras

from keras_recipes.bundle import ModelBundle
from keras_recipes.checks import require_choice, require_positive_int
from keras_recipes.tasks import Classifier

POOLING = ("avg", "max", "flatten", None)


def check_input_shape(input_shape, downsamples):
    """Validate an (H, W, C) input shape that must survive ``downsamples`` halvings."""
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3:
        raise ValueError(
            "input_shape must be (height, width, channels); "
            f"received: input_shape={input_shape!r}"
        )
    for dim in input_shape:
        require_positive_int("input_shape entries", dim)
    minimum = 2**downsamples
    if min(input_shape[:2]) < minimum:
        raise ValueError(
            f"input_shape={tuple(input_shape)} is too small for this depth: "
            f"{downsamples} downsampling steps need at least {minimum}x{minimum} "
            "pixels; use fewer groups (shorter depth=) or resize the images "
            "(e.g. load_digits(image_size=32))"
        )
    return tuple(int(d) for d in input_shape)


def check_depth(depth):
    """``depth`` is a non-empty sequence of positive block counts, one per group."""
    if isinstance(depth, numbers.Integral) or not depth:
        raise ValueError(
            "depth must be a non-empty tuple of blocks per group, e.g. (2, 2, 2); "
            f"received: depth={depth!r}"
        )
    return tuple(require_positive_int("depth entries", d) for d in depth)


def resolve_task(task, num_classes):
    """``task`` if given, else a softmax classifier over ``num_classes`` (10 by default)."""
    if task is not None and num_classes is not None:
        raise ValueError(
            "pass either num_classes= (a softmax classifier) or task=, not both; "
            f"received: num_classes={num_classes!r}, task={task!r}"
        )
    if task is not None:
        return task
    return Classifier(num_classes=10 if num_classes is None else num_classes)


def begin(input_shape, num_classes, task, width, depth, pooling, downsamples):
    """Validate a builder's common arguments, then make the input and the stem.

    ``downsamples(n_groups)`` says how many times the learner halves H and W.
    Returns ``(inputs, stem_output, depth, width, task)``.
    """
    depth = check_depth(depth)
    input_shape = check_input_shape(input_shape, downsamples(len(depth)))
    width = require_positive_int("width", width)
    require_choice("pooling", pooling, POOLING)
    task = resolve_task(task, num_classes)
    inputs = keras.Input(shape=input_shape, name="image")
    return inputs, stem(inputs, width), depth, width, task


NORMS = ("batch", "layer")


def conv_bn_act(x, filters, kernel_size=3, strides=1, activation="relu", name="conv", norm="batch"):
    """Conv2D (no bias) -> normalisation -> activation; ``activation=None`` skips it.

    ``norm`` is ``"batch"`` (BatchNormalization, the default) or ``"layer"``
    (LayerNormalization over the channels of each position): a micro choice
    of architecture search (A13).
    """
    require_choice("norm", norm, NORMS)
    x = keras.layers.Conv2D(
        filters, kernel_size, strides=strides, padding="same", use_bias=False,
        kernel_initializer="he_normal", name=f"{name}_conv",
    )(x)
    if norm == "batch":
        x = keras.layers.BatchNormalization(name=f"{name}_bn")(x)
    else:
        x = keras.layers.LayerNormalization(name=f"{name}_ln")(x)
    if activation is not None:
        x = keras.layers.Activation(activation, name=f"{name}_{activation}")(x)
    return x


def stem(x, filters, kernel_size=3, strides=1):
    """The stem convolution group: the first conv -> BN -> ReLU on the raw image."""
    return conv_bn_act(x, filters, kernel_size, strides, name="stem")


def bottleneck(x, pooling):
    """Final pooling / flatten. ``pooling=None`` keeps the last conv activation."""
    require_choice("pooling", pooling, POOLING)
    if pooling == "avg":
        return keras.layers.GlobalAveragePooling2D(name="bottleneck")(x)
    if pooling == "max":
        return keras.layers.GlobalMaxPooling2D(name="bottleneck")(x)
    if pooling == "flatten":
        return keras.layers.Flatten(name="bottleneck")(x)
    return x


def assemble(name, inputs, learned, pooling, task):
    """Pool ``learned`` into the bottleneck, close the encoder, attach the task.

    With ``stem``, the blocks and ``bottleneck``, this is how a new
    architecture is a new arrangement of the parts rather than a copy:

    ```python
    import keras
    from keras_recipes import Classifier
    from keras_recipes.zoo import assemble, residual_block, stem, vgg_group

    inputs = keras.Input((32, 32, 1))
    x = stem(inputs, 16)                                   # stem
    x = vgg_group(x, 16, blocks=2, name="plain")           # learner: a VGG group ...
    x = residual_block(x, 32, strides=2, name="res")       # ... then a residual block
    bundle = assemble("hybrid", inputs, x, "avg", Classifier(10))
    bundle.bottleneck_shape                                # (32,)
    ```
    """
    encoder = keras.Model(inputs, bottleneck(learned, pooling), name="encoder")
    return ModelBundle.assemble(encoder, task, name=name)

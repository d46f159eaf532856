"""Checks for notebook 00, Transfer Learning: one network, three doors (stem, learner, bottleneck, task)."""

import numpy as np

from keras_recipes.labs.core import CheckFailed, check_number, expect, passed, require_answer


def check_bottleneck_size(value, bundle):
    """Exercise 1: how many numbers describe one image at the bottleneck of ``bundle``?"""
    __tracebackhide__ = True
    hint = ("the width doubles in every group, and average pooling keeps one number per channel "
            "of the last group")
    check_number(value, expected=int(np.prod(bundle.bottleneck_shape)), tolerance=0,
                 name="bottleneck_size", hint=hint)


def check_encoder_features(features, bundle, images):
    """Exercise 2: ``features`` are the bottleneck features of ``images``, through the encoder door."""
    __tracebackhide__ = True
    require_answer(features, "features", "one of the three doors goes from the input to the bottleneck")
    try:
        array = np.asarray(features, dtype="float32")
    except (TypeError, ValueError):
        raise CheckFailed(f"features must be an array; received {type(features).__name__}. "
                          "Hint: predict returns a NumPy array") from None
    expected = np.asarray(bundle.encoder.predict(images, verbose=0))
    output_shape = tuple(bundle.model.output.shape[1:])
    expect(array.shape[1:] != output_shape or array.shape == expected.shape,
           f"features have shape {array.shape}: that is the model's output (class probabilities), "
           "not the bottleneck.", "which door stops at the bottleneck?")
    expect(array.shape == expected.shape, f"features have shape {array.shape}; the bottleneck of "
           f"{len(images)} images has another shape.", "use every image of the array you were given")
    expect(np.allclose(array, expected, atol=1e-4), "features have the right shape but other values.",
           "compute them with the bundle's own encoder, on the images given, in inference mode")
    passed(f"features {array.shape}: one {array.shape[1]}-number description per image")


def check_unpooled_shape(shape, *, input_shape, width, depth, builder="resnet"):
    """Exercise 3: the bottleneck shape with ``pooling=None`` (the last convolution's activation)."""
    __tracebackhide__ = True
    import keras_recipes as kr

    hint = ("each group after the first halves height and width (a stride-2 block) and doubles "
            "the channels; pooling=None keeps height x width x channels")
    require_answer(shape, "unpooled_shape", hint)
    expected = kr.build(builder, input_shape=input_shape, num_classes=2, width=width, depth=depth,
                        pooling=None).bottleneck_shape
    try:
        got = tuple(int(d) for d in shape)
    except (TypeError, ValueError):
        raise CheckFailed(f"unpooled_shape must be a tuple of ints like (8, 8, 32); received "
                          f"{shape!r}. Hint: {hint}") from None
    expect(len(got) == 3, f"unpooled_shape {got} should have 3 entries (height, width, channels).", hint)
    expect(got[2] == expected[2], f"unpooled_shape {got}: the channel count is not right yet.",
           "the width doubles in every group")
    expect(got == expected, f"unpooled_shape {got}: the channels are right, height x width not yet.", hint)
    passed(f"unpooled_shape = {got}: {int(np.prod(got))} numbers per image instead of {got[2]}")


def check_new_task(new, bundle, num_classes):
    """Exercise 4: ``new`` keeps ``bundle``'s encoder (same weights) under a fresh ``num_classes`` head."""
    __tracebackhide__ = True
    from keras_recipes.bundle import ModelBundle

    hint = "the transfer move keeps the stem and learner and attaches a new task at the bottleneck"
    require_answer(new, "new_bundle", hint)
    expect(isinstance(new, ModelBundle), f"new_bundle must be a ModelBundle; received "
           f"{type(new).__name__}.", "a bundle method attaches a new task to the same encoder")
    expect(tuple(new.model.output.shape[1:]) == (num_classes,),
           f"new_bundle predicts {tuple(new.model.output.shape[1:])}, not {num_classes} classes.",
           f"give the new task {num_classes} classes")
    expect(new.encoder is bundle.encoder, "new_bundle has its own encoder: the trained stem and "
           "learner were not transferred.", "reuse the bundle's encoder instead of building a new model")
    expect(new.head is not bundle.head, "new_bundle reuses the old head.", "the task must be new")
    passed(f"same encoder ({bundle.encoder.count_params():,} weights shared), new {num_classes}-class head")

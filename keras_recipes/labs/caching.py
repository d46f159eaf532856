"""Checks for notebook 01, Transfer Learning: bottleneck caching."""

import numpy as np

from keras_recipes.labs.core import CheckFailed, check_number, expect, passed, require_answer

# Exercise 3: which changes make cached bottleneck features stale (must be extracted again)?
STALE_CHOICES = {
    "a": "train the head for more epochs",
    "b": "fine-tune the last block of the encoder",
    "c": "change the head's learning rate",
    "d": "random-translate the input images each epoch",
    "e": "add a second classifier head at the bottleneck",
}
_STALE = {"b", "d"}


def check_forward_passes_saved(value, n_train, epochs):
    """Exercise 1: encoder forward passes saved by caching over ``epochs`` head epochs."""
    __tracebackhide__ = True
    check_number(value, expected=(epochs - 1) * n_train, tolerance=0, name="forward_passes_saved",
                 hint="count the encoder's forward passes without the cache (every epoch, every "
                      "image) and with it (once per image)")


def check_cached_features(features, bundle, images):
    """Exercise 2: ``features`` read back from the cache equal the encoder's output on ``images``."""
    __tracebackhide__ = True
    hint = "the cache entry of the test split gives its features and labels back as arrays"
    require_answer(features, "test_features", hint)
    try:
        array = np.asarray(features, dtype="float32")
    except (TypeError, ValueError):
        raise CheckFailed(f"test_features must be an array; received {type(features).__name__}. "
                          f"Hint: {hint}") from None
    expected = np.asarray(bundle.encoder.predict(images, verbose=0))
    expect(array.shape == expected.shape, f"test_features have shape {array.shape}, but "
           f"{len(images)} test images at the bottleneck make {expected.shape}.",
           "features only, without the labels; the test split, not the training split")
    expect(np.allclose(array, expected, atol=1e-4), "test_features differ from the encoder's output.",
           "read them from the cache entry of the frozen encoder")
    passed(f"test_features {array.shape} equal the encoder's output")


def check_stale_choices(choices):
    """Exercise 3: the set of letters of ``STALE_CHOICES`` after which the cache must be re-extracted."""
    __tracebackhide__ = True
    hint = "cached features stay valid as long as the same images go through the same encoder weights"
    require_answer(choices, "stale", hint)
    try:
        picked = {str(c).strip().lower() for c in choices}
    except TypeError:
        raise CheckFailed(f"stale must be a set of letters like {{'a', 'c'}}; received {choices!r}. "
                          f"Hint: {hint}") from None
    unknown = picked - set(STALE_CHOICES)
    expect(not unknown, f"stale holds {sorted(unknown)}, which are not choices.",
           f"pick among {sorted(STALE_CHOICES)}")
    wrong = picked - _STALE
    expect(not wrong, f"{sorted(wrong)} do not make the features stale.",
           "does that change touch the encoder or its input images? The head never changes features")
    missing = _STALE - picked
    expect(not missing, f"one change that makes the features stale is missing ({len(missing)} left).",
           hint)
    passed("fine-tuning the encoder and augmenting its input both change what the encoder outputs")

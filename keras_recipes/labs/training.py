"""Checks for notebook 03, Training Neural Networks II: schedules and training hygiene."""

import math

import numpy as np

from keras_recipes.labs.core import CheckFailed, check_number, expect, passed, require_answer


def check_initial_loss_guess(value, num_classes):
    """Exercise 1: the cross-entropy of a fresh softmax classifier over ``num_classes`` classes."""
    __tracebackhide__ = True
    check_number(value, expected=math.log(num_classes), tolerance=0.02, name="expected_initial_loss",
                 hint="a fresh network guesses every class with the same probability; the loss is "
                      "minus the log of the probability of the true class")


def check_warmup_steps(value, steps_per_epoch, epochs):
    """Exercise 2: warmup length in optimizer steps for ``epochs`` epochs of ``steps_per_epoch`` batches."""
    __tracebackhide__ = True
    check_number(value, expected=epochs * steps_per_epoch, tolerance=0, name="warmup_steps",
                 hint="schedules count optimizer steps (batches), not epochs")


def _reference_schedule():
    import keras

    return keras.optimizers.schedules.CosineDecay(0.0, 900, warmup_target=0.1, warmup_steps=100)


def plot_curve_to_rebuild(steps=1000):
    """Exercise 2's picture: the learning-rate curve the student rebuilds (a ``Figure``)."""
    from keras_recipes.plots import plot_schedule

    return plot_schedule({"the curve to rebuild": _reference_schedule()}, steps=steps)


def check_schedule_matches(schedule, steps=1000):
    """Exercise 2: ``schedule`` draws the curve of ``plot_curve_to_rebuild()`` over ``steps`` steps."""
    __tracebackhide__ = True
    from keras_recipes.schedules import schedule_values

    hint = "Keras's CosineDecay takes a warmup (warmup_target=, warmup_steps=) in front of its cosine"
    require_answer(schedule, "schedule", hint)
    expect(callable(schedule), f"schedule must be a LearningRateSchedule; received "
           f"{type(schedule).__name__}.", hint)
    try:
        got = np.asarray(schedule_values(schedule, steps), dtype="float64")
    except Exception as error:  # a broken schedule: say so in one line, no framework traceback
        raise CheckFailed(f"evaluating schedule(step) failed: {type(error).__name__}: "
                          f"{str(error).splitlines()[0][:120]}. Hint: {hint}") from None
    want = np.asarray(schedule_values(_reference_schedule(), steps), dtype="float64")
    expect(abs(got.max() - want.max()) < 1e-3 * want.max(),
           f"the peak is {got.max():.3g}; the plotted curve peaks higher or lower.", "read the peak off the plot")
    expect(abs(int(got.argmax()) - int(want.argmax())) <= 2,
           f"the peak comes at step {int(got.argmax())}; the plot's comes elsewhere.",
           "warmup_steps is where the curve stops rising")
    expect(np.abs(got - want).max() < 1e-3 * want.max(),
           f"the peak is right, the decay is not (largest gap {np.abs(got - want).max():.2g}, "
           f"at step {int(np.abs(got - want).argmax())}).",
           "the cosine part lasts from the end of the warmup to the last step")
    passed("warmup to 0.1 over 100 steps, then a cosine to 0 at step 1000")


def check_scaled_rate(value, batch_size, reference_batch_size, reference_rate):
    """Exercise 4: the linear scaling rule's learning rate for ``batch_size``."""
    __tracebackhide__ = True
    expected = reference_rate * batch_size / reference_batch_size
    check_number(value, expected=expected, tolerance=1e-9 + 1e-6 * expected, name="scaled_learning_rate",
                 hint="Goyal et al.: k times the batch, k times the learning rate")

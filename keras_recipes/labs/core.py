"""The building blocks every lab check uses: answered?, right?, and a friendly verdict."""

import numbers


class CheckFailed(AssertionError):
    """An exercise's answer is missing or wrong; the message says why and gives a hint.

    Subclasses ``AssertionError`` so nbgrader's autograder scores it as a failed test.
    In Jupyter it shows as one red line, the message, without a traceback
    (IPython's ``_render_traceback_`` hook): the student's code is not at fault
    in the check's frames.
    """

    def _render_traceback_(self):
        return [f"\x1b[0;31m{type(self).__name__}\x1b[0m: {self}"]


def require_answer(value, name, hint):
    """Raise ``CheckFailed`` saying ``name`` is not answered yet when ``value`` is None.

    >>> require_answer(None, "schedule", "wrap a cosine decay")
    Traceback (most recent call last):
    ...
    keras_recipes.labs.core.CheckFailed: schedule is not answered yet (it is still None). Hint: wrap a cosine decay
    """
    __tracebackhide__ = True  # IPython and pytest show the student's cell, not this frame
    if value is None:
        raise CheckFailed(f"{name} is not answered yet (it is still None). Hint: {hint}")
    return value


def expect(condition, message, hint):
    """Raise ``CheckFailed(message + hint)`` unless ``condition`` holds.

    >>> expect(1 + 1 == 2, "arithmetic is broken", "check your numbers")
    """
    __tracebackhide__ = True
    if not condition:
        raise CheckFailed(f"{message} Hint: {hint}")


def passed(message):
    """Print the verdict of a check that passed.

    >>> passed("the schedule peaks at 0.1")
    Correct: the schedule peaks at 0.1
    """
    print(f"Correct: {message}")


def check_number(value, *, expected, tolerance, name, hint="recompute it step by step"):
    """Check a numeric answer against ``expected`` within an absolute ``tolerance``.

    >>> check_number(None, expected=1.0, tolerance=0.1, name="x")
    Traceback (most recent call last):
    ...
    keras_recipes.labs.core.CheckFailed: x is not answered yet (it is still None). Hint: recompute it step by step
    >>> check_number(3, expected=1.0, tolerance=0.1, name="x")
    Traceback (most recent call last):
    ...
    keras_recipes.labs.core.CheckFailed: x = 3 is not right yet. Hint: recompute it step by step
    """
    __tracebackhide__ = True
    require_answer(value, name, hint)
    expect(isinstance(value, numbers.Real) and not isinstance(value, bool),
           f"{name} must be a number; received {type(value).__name__}.", hint)
    expect(abs(float(value) - expected) <= tolerance, f"{name} = {value!r} is not right yet.", hint)
    passed(f"{name} = {float(value):.3g}")

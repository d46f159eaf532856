"""Lab checks: one small check per notebook exercise, and a quiet notebook set-up.

A check takes the student's answer (a model, a schedule, an array, a number)
and either prints what was right or raises ``CheckFailed`` (an
``AssertionError``, so nbgrader's autograder counts it) with what is wrong and
a hint, never the solution. An unanswered exercise (``None``) is told so.

    >>> from keras_recipes import labs
    >>> labs.check_number(2.30, expected=2.3026, tolerance=0.01, name="initial_loss")
    Correct: initial_loss = 2.3
"""

from keras_recipes.labs.core import CheckFailed, check_number, expect, passed, require_answer
from keras_recipes.labs.notebook import quiet

__all__ = ["CheckFailed", "check_number", "expect", "passed", "quiet", "require_answer"]

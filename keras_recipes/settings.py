"""Package-wide switches read from the environment."""

import os

FAST_ENV = "KERAS_RECIPES_FAST"


def fast_mode():
    """True when ``KERAS_RECIPES_FAST`` is set to 1/true/yes.

    Notebooks and the CLI shrink epochs and data in fast mode so the test
    suite can execute every notebook in seconds.

    >>> import os; os.environ["KERAS_RECIPES_FAST"] = "1"; fast_mode()
    True
    """
    return os.environ.get(FAST_ENV, "").strip().lower() in {"1", "true", "yes", "on"}

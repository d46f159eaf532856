"""Shared test set-up: quiet TensorFlow, fast mode, and a fixed seed for every test."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_RECIPES_FAST", "1")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _seeded():
    import keras

    keras.utils.set_random_seed(1234)
    yield
    keras.backend.clear_session()


def pytest_collection_modifyitems(config, items):
    """Skip ``tensorflow_only`` tests on another backend, with the docstring's reason.

    CI deselects them with ``-m "not tensorflow_only"``; this keeps a plain
    ``KERAS_BACKEND=jax python -m pytest`` run from failing on them.
    """
    import keras

    backend = keras.backend.backend()
    if backend == "tensorflow":
        return
    for item in items:
        if item.get_closest_marker("tensorflow_only"):
            doc = (getattr(item.function, "__doc__", None) or "").strip().splitlines()
            reason = doc[0] if doc else "marked tensorflow_only"
            item.add_marker(pytest.mark.skip(reason=f"TensorFlow only (backend is {backend}): {reason}"))


def pytest_report_header(config):
    import keras

    return f"keras {keras.__version__}, backend: {keras.backend.backend()}"

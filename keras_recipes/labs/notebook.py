"""Quiet notebooks: hide the start-up notices that are not about the student's code."""

import os
import warnings

# Warnings Keras or TensorFlow raise about their own internals, not about the student's code.
_NOT_THE_STUDENTS = (
    "`shuffle=True` was passed",  # fit(dataset) always ignores shuffle; Keras warns on every call
)


def quiet():
    """Silence TensorFlow's import-time notices and Keras's shuffle notice; call before importing keras.

    ``TF_CPP_MIN_LOG_LEVEL`` alone does not silence TensorFlow 2.21's oneDNN line:
    ``TF_ENABLE_ONEDNN_OPTS=0`` is needed too, and both must be set before
    TensorFlow is imported. Real warnings about the student's code still show.

    >>> quiet(); "TF_CPP_MIN_LOG_LEVEL" in os.environ
    True
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
    for text in _NOT_THE_STUDENTS:
        warnings.filterwarnings("ignore", message=text)

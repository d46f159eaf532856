"""Deep relationship networks: task-specific fully connected layers pushed towards uncorrelated features.

Seed 001, "Multi-task: Deep Relationship Networks": train as usual, and
penalise the task-specific fully connected layers so that their Gram matrix
is close to the identity, which decorrelates the features each layer
computes. ``GramIdentity`` is that penalty as a Keras regulariser on a
``Dense`` kernel ``W`` (inputs x features): each column of ``W`` is one
feature's weight vector, and

    penalty(W) = strength * || W^T W - I ||_F^2

is zero exactly when those columns are orthonormal (uncorrelated, unit
features). The builders put it on each task's ``head_units`` layer with
``relationship=strength``. (The paper's matrix-normal prior couples the
tasks' layers too; this is the slide's "Gram matrix close to identity",
per layer.)
"""

import keras
from keras import ops

from keras_recipes.checks import require_positive_number


@keras.saving.register_keras_serializable(package="keras_recipes")
class GramIdentity(keras.regularizers.Regularizer):
    """``strength * ||W^T W - I||_F^2``: zero for orthonormal feature columns.

    >>> import numpy as np
    >>> q, _ = np.linalg.qr(np.random.default_rng(0).normal(size=(6, 3)))
    >>> round(float(GramIdentity(1.0)(q.astype("float32"))), 6)
    0.0
    >>> float(GramIdentity(0.5)(2 * np.eye(3, dtype="float32")))  # 0.5 * 3 * (4 - 1)**2
    13.5

    Args:
        strength: weight of the penalty, > 0 (default 1e-3).
    """

    def __init__(self, strength=1e-3):
        self.strength = require_positive_number("strength", strength)

    def __call__(self, weights):
        kernel = ops.reshape(weights, (-1, ops.shape(weights)[-1]))
        gram = ops.matmul(ops.transpose(kernel), kernel)
        eye = ops.eye(ops.shape(gram)[0], dtype=gram.dtype)
        return self.strength * ops.sum(ops.square(gram - eye))

    def get_config(self):
        return {"strength": self.strength}

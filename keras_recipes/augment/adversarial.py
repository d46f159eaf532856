"""Fast gradient sign perturbations (Goodfellow et al., 2015), on every Keras backend.

``x_adv = clip(x + epsilon * sign(d loss(y, model(x)) / d x))``: the one-step
adversarial example of seed 004. Keras has no public "gradient with respect to
the input" op, so ``input_gradient`` dispatches to the backend's own autodiff
(``tf.GradientTape``, ``jax.grad``, ``torch.autograd``); everything else is
``keras.ops``. It works inside a model's ``compute_loss`` (used by the
neural-structured-learning recipe) and on its own (adversarial training,
robustness checks). The perturbation carries no gradient (stop-gradient).
"""

import keras
from keras import ops

from keras_recipes.checks import require_positive_number


def input_gradient(fn, x):
    """Gradient of the scalar ``fn(x)`` with respect to the tensor ``x`` (zeros if disconnected).

    >>> import numpy as np
    >>> g = input_gradient(lambda t: ops.sum(t ** 2), np.array([1.0, -2.0], "float32"))
    >>> ops.convert_to_numpy(g).tolist()
    [2.0, -4.0]
    """
    backend = keras.backend.backend()
    x = ops.convert_to_tensor(x)
    if backend == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            tape.watch(x)
            value = fn(x)
        grad = tape.gradient(value, x)
        return tf.zeros_like(x) if grad is None else grad  # disconnected: zero, as JAX says
    if backend == "jax":
        import jax

        return jax.grad(lambda t: fn(t))(x)
    if backend == "torch":
        import torch

        x = x.detach().requires_grad_(True)
        with torch.enable_grad():
            value = fn(x)
            (grad,) = torch.autograd.grad(value, x)
        return grad
    raise NotImplementedError(f"input_gradient supports tensorflow, jax and torch; received backend {backend!r}")


def fgsm(model, x, y, *, epsilon=0.1, loss=None, value_range=(0.0, 1.0), training=False):
    """One fast-gradient-sign step: the input nudged to *increase* the loss.

    >>> import numpy as np
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    >>> x = np.full((1, 2), 0.5, "float32")
    >>> x_adv = ops.convert_to_numpy(fgsm(model, x, np.array([0]), epsilon=0.1,
    ...     loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)))
    >>> bool(np.allclose(np.abs(x_adv - x), 0.1, atol=1e-6))
    True

    Args:
        model: a callable Keras model (or any ``x -> predictions`` callable).
        x: input batch.
        y: targets for ``loss`` (integer labels for the default loss).
        epsilon: step size in input units, > 0 (0.1).
        loss: ``loss(y, model(x))``; default
            ``SparseCategoricalCrossentropy()`` on probabilities.
        value_range: clip the result to this (low, high); None skips clipping.
        training: passed to the model (False: BatchNorm/dropout in inference).
    Returns:
        The perturbed batch, with gradients stopped.
    """
    require_positive_number("epsilon", epsilon)
    if loss is None:
        loss = keras.losses.SparseCategoricalCrossentropy()
    if not callable(loss):
        raise TypeError(f"loss must be callable as loss(y_true, y_pred); received: loss={loss!r}")
    x = ops.convert_to_tensor(x)
    x = ops.stop_gradient(x)

    def objective(inputs):
        return loss(y, model(inputs, training=training))

    grad = ops.stop_gradient(input_gradient(objective, x))
    x_adv = x + epsilon * ops.sign(grad)
    if value_range is not None:
        x_adv = ops.clip(x_adv, value_range[0], value_range[1])
    return ops.stop_gradient(x_adv)

"""Tiny models and a backend-neutral weight-gradient helper for the label-efficient tests."""

import keras
import numpy as np


def tiny_net(width=16, classes=3, input_shape=(8, 8, 1), name=None, hint_name=None):
    inputs = keras.Input(input_shape)
    x = keras.layers.Flatten()(inputs)
    x = keras.layers.Dense(width, activation="relu", name=hint_name)(x)
    return keras.Model(inputs, keras.layers.Dense(classes)(x), name=name)


def images(n, seed=0, shape=(8, 8, 1)):
    return np.random.default_rng(seed).random((n,) + shape).astype("float32")


def weight_gradients(model, loss_fn):
    """Gradients of the scalar ``loss_fn()`` w.r.t. ``model.trainable_variables`` (TF or JAX)."""
    backend = keras.backend.backend()
    variables = model.trainable_variables
    if backend == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            value = loss_fn()
        return [np.asarray(g) for g in tape.gradient(value, [v.value for v in variables])]
    if backend == "jax":
        import jax

        def pure(values):
            with keras.StatelessScope(state_mapping=list(zip(variables, values))):
                return loss_fn()

        return [np.asarray(g) for g in jax.grad(pure)([v.value for v in variables])]
    raise NotImplementedError(backend)

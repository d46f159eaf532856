"""Seed 004, "Backward: gradient checkpointing for memory": ``keras.RematScope``, memory measured on JAX."""

from dataclasses import dataclass

import keras
import numpy as np

from keras_recipes.checks import require_choice, require_positive_int
from keras_recipes.training.runs import _fresh_model, _require_builder


@dataclass(frozen=True)
class RematMeasurement:
    """Peak temporary memory of one training step's gradient, without and with rematerialisation.

    Attributes:
        plain_bytes, remat_bytes: the compiled gradient step's temporary
            buffers (``None`` where the backend cannot report it).
        method: how it was measured (``"jax compiled memory_analysis (temp_size_in_bytes)"``)
            or why not.
        max_gradient_gap: largest |difference| between the two models'
            gradients (remat recomputes, it must not change the result).
        mode: the ``RematScope`` mode.

    >>> m = RematMeasurement(plain_bytes=2**20, remat_bytes=2**19, method="jax compiled memory_analysis",
    ...                      max_gradient_gap=0.0, mode="full")
    >>> m.saved_fraction
    0.5
    """

    plain_bytes: object
    remat_bytes: object
    method: str
    max_gradient_gap: float
    mode: str

    @property
    def saved_fraction(self):
        """``1 - remat / plain`` (None when not measured)."""
        if not self.plain_bytes or self.remat_bytes is None:
            return None
        return 1.0 - self.remat_bytes / self.plain_bytes

    def table(self):
        """The two sizes, the saving and the gradient check."""
        if self.plain_bytes is None:
            return (f"memory not measured: {self.method}\n"
                    f"gradients equal with remat ({self.mode}): max gap {self.max_gradient_gap:.2e}")
        return (f"{'plain':<8} {self.plain_bytes / 2**20:8.2f} MiB\n"
                f"{'remat':<8} {self.remat_bytes / 2**20:8.2f} MiB  ({self.mode})\n"
                f"saved {self.saved_fraction:.1%} ({self.method}); "
                f"gradient gap {self.max_gradient_gap:.2e}")

    def plot(self, path=None):
        """Two bars: temporary memory of the gradient step without and with remat."""
        from matplotlib.figure import Figure

        from keras_recipes.plots import save_figure

        fig = Figure(figsize=(4, 3.2))
        ax = fig.add_subplot()
        if self.plain_bytes is not None:
            ax.bar(["plain", f"remat ({self.mode})"], [self.plain_bytes / 2**20, self.remat_bytes / 2**20])
            ax.set_ylabel("temporary memory (MiB)")
        else:
            ax.text(0.5, 0.5, "not measurable on this backend", ha="center")
        ax.set_title("gradient checkpointing")
        fig.tight_layout()
        return save_figure(fig, path)


def _gradient_fn(model, loss_fn):
    import jax

    def loss_of(trainable, non_trainable, x, y):
        y_pred, _ = model.stateless_call(trainable, non_trainable, x, training=True)
        return loss_fn(y, y_pred)

    return jax.jit(jax.grad(loss_of))


def _jax_memory_and_gradients(model, x, y, loss_fn):
    trainable = [v.value for v in model.trainable_variables]
    non_trainable = [v.value for v in model.non_trainable_variables]
    step = _gradient_fn(model, loss_fn)
    compiled = step.lower(trainable, non_trainable, x, y).compile()
    analysis = compiled.memory_analysis()
    grads = step(trainable, non_trainable, x, y)
    return int(analysis.temp_size_in_bytes), [np.asarray(g) for g in grads]


def _gradients(model, x, y, loss_fn):
    """Gradients of the loss on every backend (TF tape / JAX grad), for the equality check."""
    if keras.backend.backend() == "jax":
        return _jax_memory_and_gradients(model, x, y, loss_fn)[1]
    import tensorflow as tf

    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    return [np.asarray(g) for g in tape.gradient(loss, model.trainable_variables)]


def measure_remat(build, x, y, *, mode="full", seed=0):
    """Build the model twice (plain and inside ``keras.RematScope(mode)``); compare one gradient step.

    Gradient checkpointing keeps fewer activations for the backward pass and
    recomputes them instead: less memory for more compute, the same
    gradients. Keras ships it as ``keras.RematScope`` (layers *built*
    inside the scope recompute their activations). The memory is the
    compiled gradient step's temporary buffers, read from XLA's
    ``memory_analysis()`` on JAX. On TensorFlow the CPU allocator's
    counters read zero, so nothing is measured there (``method`` says so);
    the gradient equality check runs on both backends.

    >>> import keras, numpy as np
    >>> build = lambda: keras.Sequential([keras.Input((16,))] + [keras.layers.Dense(64, activation="gelu")
    ...                                  for _ in range(4)] + [keras.layers.Dense(2, activation="softmax")])
    >>> m = measure_remat(build, np.ones((32, 16), "float32"), np.zeros(32, "int32"))
    >>> m.max_gradient_gap < 1e-5
    True

    Args:
        build: zero-argument callable returning a fresh model (called twice, same seed).
        x, y: one batch (sparse labels for the default loss).
        mode: ``RematScope`` mode: "full", "activations" or "larger_than". Default "full".
        seed: seed of both builds (same weights). Default 0.
    Returns:
        a :class:`RematMeasurement`.
    """
    _require_builder("build", build)
    mode = require_choice("mode", mode, ("full", "activations", "larger_than"))
    x, y = np.asarray(x, "float32"), np.asarray(y)
    require_positive_int("len(x)", len(x))
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    plain = _fresh_model(build, seed)
    with keras.RematScope(mode=mode):
        remat = _fresh_model(build, seed)
    if keras.backend.backend() == "jax":
        plain_bytes, plain_grads = _jax_memory_and_gradients(plain, x, y, loss_fn)
        remat_bytes, remat_grads = _jax_memory_and_gradients(remat, x, y, loss_fn)
        method = "jax compiled memory_analysis (temp_size_in_bytes)"
    else:
        plain_bytes = remat_bytes = None
        plain_grads, remat_grads = _gradients(plain, x, y, loss_fn), _gradients(remat, x, y, loss_fn)
        method = (f"not measured on {keras.backend.backend()}: its CPU memory counters read zero; "
                  "run with KERAS_BACKEND=jax")
    gap = max(float(np.max(np.abs(a - b))) for a, b in zip(plain_grads, remat_grads))
    return RematMeasurement(plain_bytes, remat_bytes, method, gap, mode)

"""Checks and the picture for notebook 50 (multi-task learning)."""

import numpy as np

from keras_recipes.labs.core import CheckFailed, check_number, expect, passed, require_answer


def picture_multitask(path=None):
    """Hard sharing, soft sharing and cross-stitch side by side, as the slides draw them; returns the Figure."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(11, 3.6))
    colours = {"shared": "#8fb3d9", "a": "#f2b279", "b": "#9fd39b", "mix": "#d9a3d9"}

    def box(ax, x, y, text, colour, w=0.8, h=0.5):
        ax.add_patch(plt.Rectangle((x - w / 2, y - h / 2), w, h, color=colour, ec="black"))
        ax.text(x, y, text, ha="center", va="center", fontsize=8)

    def arrow(ax, x0, y0, x1, y1):
        ax.annotate("", (x1, y1 - 0.25), (x0, y0 + 0.25), arrowprops={"arrowstyle": "->"})

    for ax, title in zip(axes, ("hard sharing", "soft sharing (+ similarity loss)", "cross-stitch")):
        ax.set_xlim(-0.2, 3.2)
        ax.set_ylim(-0.5, 5)
        ax.axis("off")
        ax.set_title(title, fontsize=10)
        box(ax, 1.5, 0, "input", "white", w=1.2)
    ax = axes[0]
    for level in (1, 2):
        box(ax, 1.5, level, f"shared layer {level}", colours["shared"], w=1.6)
        arrow(ax, 1.5, level - 1, 1.5, level)
    for x, task in ((0.7, "a"), (2.3, "b")):
        box(ax, x, 3.3, f"head {task}", colours[task])
        arrow(ax, 1.5, 2, x, 3.3)
        box(ax, x, 4.4, f"task {task}", "white")
        arrow(ax, x, 3.3, x, 4.4)
    for ax, mixed in ((axes[1], False), (axes[2], True)):
        for x, task in ((0.7, "a"), (2.3, "b")):
            arrow(ax, 1.5, 0, x, 1)
            for level in (1, 2):
                box(ax, x, level + (0.3 if mixed and level == 2 else 0), f"{task}{level}", colours[task])
            box(ax, x, 3.3, f"head {task}", colours[task])
            box(ax, x, 4.4, f"task {task}", "white")
            arrow(ax, x, 3.3, x, 4.4)
        if mixed:
            box(ax, 1.5, 1.65, "alpha", colours["mix"], w=0.7, h=0.35)
        else:
            ax.text(1.5, 1.5, "||W_a - W_b||^2", ha="center", fontsize=8, color="#a33")
    fig.tight_layout()
    if path:
        fig.savefig(path, dpi=120)
    return fig


def check_multilabel_loss(loss):
    """Exercise 50.1: the loss for a multi-label task (several labels per input, sigmoid outputs)."""
    __tracebackhide__ = True
    import keras

    hint = ("each shape is its own yes/no question: which loss compares one sigmoid output with "
            "a 0/1 target?")
    require_answer(loss, "shapes_loss", hint)
    try:
        resolved = keras.losses.get(loss)
    except (ValueError, TypeError):
        raise CheckFailed(f"shapes_loss = {loss!r} is not a Keras loss. Hint: {hint}") from None
    y_true = np.array([[1, 0, 1, 0]], "float32")
    y_pred = np.array([[0.9, 0.2, 0.6, 0.1]], "float32")
    expected = -np.mean(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred))
    try:
        got = float(np.mean(keras.ops.convert_to_numpy(resolved(y_true, y_pred))))
    except Exception as error:  # a loss that does not fit multi-hot targets
        raise CheckFailed(f"shapes_loss cannot score multi-hot targets ({type(error).__name__}). "
                          f"Hint: {hint}") from None
    expect(abs(got - expected) < 1e-4, "shapes_loss does not score each label independently.", hint)
    passed("binary cross-entropy: one independent yes/no per shape")


def check_soft_penalty(value, w_a, w_b, penalty):
    """Exercise 50.2: the soft-sharing penalty ``penalty * sum (w_a - w_b)^2``."""
    __tracebackhide__ = True
    expected = penalty * float(np.sum((np.asarray(w_a) - np.asarray(w_b)) ** 2))
    check_number(value, expected=expected, tolerance=1e-6 + 1e-6 * abs(expected), name="soft_penalty",
                 hint="square the differences of corresponding weights, add them up, multiply by the penalty")


def check_identity_mixing(alpha):
    """Exercise 50.3: the cross-stitch matrix that leaves two task trunks independent."""
    __tracebackhide__ = True
    hint = "x'_a = alpha[0,0] x_a + alpha[0,1] x_b: what keeps x'_a = x_a and x'_b = x_b?"
    require_answer(alpha, "alpha", hint)
    alpha = np.asarray(alpha, dtype="float64")
    expect(alpha.shape == (2, 2), f"alpha must be a 2 x 2 matrix; received shape {alpha.shape}.", hint)
    expect(np.allclose(alpha, np.eye(2)), "with this alpha each task still sees the other's activations.", hint)
    passed("the identity: each task keeps its own activation, no feature is shared")


def check_uncertainty_loss(value, log_variances, losses, kinds):
    """Exercise 50.4: Kendall et al.'s weighted loss ``sum c_i exp(-s_i) L_i + s_i / 2``."""
    __tracebackhide__ = True
    s = np.asarray(log_variances, dtype="float64")
    c = np.array([0.5 if k == "regression" else 1.0 for k in kinds])
    expected = float(np.sum(c * np.exp(-s) * np.asarray(losses) + 0.5 * s))
    check_number(value, expected=expected, tolerance=1e-4, name="weighted_loss",
                 hint="c_i is 1/2 for regression and 1 for classification; exp(-s_i) is 1 / sigma_i^2")


def fast_batchnorm(model, momentum=0.9):
    """Set every BatchNorm layer's momentum (nested trunks included) and return ``model``.

    The lab trains on 126 images: 4 steps per epoch. Keras's default
    momentum 0.99 averages the moving statistics over ~100 steps (25
    epochs), so at inference they lag the weights; soft sharing, whose
    penalty keeps shrinking its activations, then scores near chance in
    inference mode while it fits every label in training mode.
    ``bench/multitask.py`` uses 0.9 for every model too.

    >>> import keras
    >>> from keras_recipes.multitask import hard_sharing
    >>> from keras_recipes.tasks import Classifier
    >>> bundle = hard_sharing((8, 8, 1), {"digit": Classifier(10)}, width=4, depth=(1,))
    >>> {layer.momentum for layer in fast_batchnorm(bundle.model)._flatten_layers()
    ...  if isinstance(layer, keras.layers.BatchNormalization)}
    {0.9}
    """
    import keras

    for layer in model._flatten_layers():
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.momentum = momentum
    return model

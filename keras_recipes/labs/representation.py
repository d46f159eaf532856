"""Checks and pictures for notebook 40 (A4 invariance batches, A5 synthetic data, A6 occlusion, CORAL)."""

import numpy as np

from keras_recipes.labs.core import CheckFailed, check_number, expect, passed, require_answer


def picture_representation():
    """The four recipes as example images: A4 batch, A5 synthetic digits, A6 occluded digits, two domains."""
    from matplotlib.figure import Figure

    from keras_recipes.augment import InvarianceBatch
    from keras_recipes.datasets import digits_arrays, make_synthetic_digits, mnist_arrays, occlude

    x, _ = digits_arrays(16)
    batch = x[:6]
    moved = np.asarray(InvarianceBatch(0.5, translation=0.2, zoom=0.2, seed=2)(batch, training=True))
    rows = [("A4: batch", batch), ("A4: modified batch", moved),
            ("A5: synthetic", make_synthetic_digits(6, 16, seed=0)[0]),
            ("A6: occluded", occlude(batch, coverage=0.25, seed=0)),
            ("CORAL: MNIST target", mnist_arrays(16)[0][:6])]
    fig = Figure(figsize=(7, 6), layout="constrained")
    axes = fig.subplots(len(rows), 6)
    for r, (label, images) in enumerate(rows):
        for c in range(6):
            ax = axes[r, c]
            ax.imshow(images[c, :, :, 0], cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            changed = r == 1 and not np.array_equal(images[c], batch[c])
            if changed:
                for side in ax.spines.values():
                    side.set_color("C3")
                    side.set_linewidth(2.5)
        axes[r, 0].set_ylabel(label, fontsize=8)
    fig.suptitle("Essential feature learning: what each recipe feeds the network (red: transformed by A4)")
    return fig


def check_invariance_layer(layer):
    """Exercise 40.1: an ``InvarianceBatch`` shifting 25% of each batch by up to 20%, without scaling."""
    __tracebackhide__ = True
    from keras_recipes.augment import InvarianceBatch

    hint = "InvarianceBatch(fraction=..., translation=..., zoom=...): zoom=0 turns scaling off"
    require_answer(layer, "a4_layer", hint)
    expect(isinstance(layer, InvarianceBatch), f"a4_layer must be an InvarianceBatch; received "
           f"{type(layer).__name__}.", hint)
    expect(layer.fraction == 0.25, f"a4_layer transforms a fraction {layer.fraction:g} of the batch, not 25%.", hint)
    expect(abs(layer.translation - 0.2) < 1e-9, f"a4_layer shifts by up to {layer.translation:g} of the side.", hint)
    expect(layer.zoom == 0, f"a4_layer still scales (zoom={layer.zoom:g}).", hint)
    x = np.zeros((8, 16, 16, 1), "float32")
    x[:, 6:10, 6:10] = 1.0
    changed = np.any(np.asarray(layer(x, training=True)) != x, axis=(1, 2, 3)).sum()
    expect(changed <= 2, f"a4_layer changed {changed} of 8 images; 25% is 2.", hint)
    passed("a4_layer shifts a random quarter of each training batch and leaves the rest alone")


def check_coral_value(value, source, target):
    """Exercise 40.2: the Deep CORAL loss of two feature batches, by hand."""
    __tracebackhide__ = True
    source, target = np.asarray(source, "float64"), np.asarray(target, "float64")
    d = source.shape[1]
    expected = np.sum((np.cov(source, rowvar=False) - np.cov(target, rowvar=False)) ** 2) / (4 * d * d)
    check_number(value, expected=float(expected), tolerance=1e-3 * max(1.0, abs(expected)), name="coral_value",
                 hint="covariances with np.cov(..., rowvar=False) (features are columns), then the squared "
                      "Frobenius norm of their difference over 4 d^2")


def check_coral_by_hand(function):
    """Exercise 40.3: classic CORAL written with ``np.linalg.eigh``, equal to ``coral_align(eps=1)``."""
    __tracebackhide__ = True
    from keras_recipes.representation import coral_align

    hint = ("C_s = np.cov(source, rowvar=False) + I, same for the target; matrix powers by eigh: "
            "V diag(w**p) V^T; centre the source, whiten with C_s^(-1/2), recolour with C_t^(1/2), add the target mean")
    require_answer(function, "coral_by_hand", hint)
    expect(callable(function), f"coral_by_hand must be a function; received {type(function).__name__}.", hint)
    rng = np.random.default_rng(0)
    source = rng.normal(size=(200, 3)) @ np.array([[2.0, 0.3, 0.0], [0.0, 1.0, 0.5], [0.0, 0.0, 0.5]]) + 1.0
    target = rng.normal(size=(150, 3)) @ np.diag([0.5, 2.0, 1.0]) - 2.0
    try:
        got = np.asarray(function(source, target), "float64")
    except Exception as error:  # the student's function failed: say so without a traceback
        raise CheckFailed(f"coral_by_hand(source, target) raised {type(error).__name__}: {error}. "
                          f"Hint: {hint}") from None
    expect(got.shape == source.shape, f"coral_by_hand returned shape {got.shape}; expected {source.shape}.", hint)
    expect(np.allclose(got, coral_align(source, target, eps=1.0), atol=1e-3),
           "coral_by_hand(source, target) differs from coral_align(source, target, eps=1.0).", hint)
    passed("coral_by_hand whitens the source and recolours it with the target's covariance")


def check_synthetic_gain(value, result):
    """Exercise 40.4: the A5 gain at 5% labels read off a ``SyntheticResult``."""
    __tracebackhide__ = True
    check_number(value, expected=result.gain(0.05), tolerance=1e-6, name="gain_5pct",
                 hint="result.rows[0.05] holds both arms; the gain is pre-trained minus scratch")


def check_best_arm(name, result):
    """Exercise 40.5: the A6 arm with the best accuracy on the occluded test set."""
    __tracebackhide__ = True
    hint = "result.rows maps each arm to its 'clean' and 'occluded' accuracy; compare the occluded ones"
    require_answer(name, "best_arm", hint)
    expect(name in result.rows, f"best_arm = {name!r} is not one of {list(result.rows)}.", hint)
    best = max(row["occluded"] for row in result.rows.values())
    expect(result.rows[name]["occluded"] == best, f"{name!r} is not the best on the occluded test set.", hint)
    passed(f"{name} is the most robust to held-out occluders ({best:.3f})")

"""Checks and the picture for notebook 51 (multi-modal fusion: early, intermediate, late, MFAS)."""

import numpy as np

from keras_recipes.labs.core import CheckFailed, check_number, expect, passed, require_answer


def picture_fusion():
    """Early, intermediate and late fusion of two modalities as three small flows (a ``Figure``)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 3.2), layout="constrained")
    axes = fig.subplots(1, 3)
    rows = {
        "early (data fusion)": ["join inputs", "shared encoder", "shared encoder", "task"],
        "intermediate": ["encoder per modality", "encoder per modality", "concat / gate", "task"],
        "late (decision fusion)": ["encoder per modality", "classifier per modality",
                                   "sum_i q_i log g_i", "softmax"],
    }
    for ax, (title, steps) in zip(axes, rows.items()):
        ax.set_axis_off()
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_title(title, fontsize=9)
        for x, name in ((0.27, "image\n(top half)"), (0.73, "profile\n(bottom half)")):
            ax.text(x, 0.92, name, ha="center", va="center", fontsize=7,
                    bbox={"boxstyle": "round", "facecolor": "C0" if x < 0.5 else "C1", "alpha": 0.3})
        for level, step in enumerate(steps):
            y = 0.72 - 0.2 * level
            split = step.endswith("per modality")
            for x in ((0.27, 0.73) if split else (0.5,)):
                ax.text(x, y, step.replace(" per modality", ""), ha="center", va="center",
                        fontsize=7, bbox={"boxstyle": "round", "facecolor": "white"})
    fig.suptitle("Where to merge the modalities (seed 001): early, intermediate, late", fontsize=10)
    return fig


def _probs(name, value, size):
    array = np.asarray(value, dtype="float64").reshape(-1)
    expect(array.size == size, f"{name} must hold {size} numbers, one per class; received {array.size}.",
           "one value per class, in class order")
    return array


def check_product_fusion(value, image_probs, profile_probs):
    """Exercise 51.1: the late 'sum' fusion of two predictions, as probabilities."""
    __tracebackhide__ = True
    hint = ("the sum of log-probabilities is the log of the product: multiply the two vectors "
            "class by class, then divide by the total so the result sums to 1")
    require_answer(value, "fused_probs", hint)
    product = np.asarray(image_probs, "float64") * np.asarray(profile_probs, "float64")
    got = _probs("fused_probs", value, product.size)
    expect(abs(got.sum() - 1) < 1e-3, f"fused_probs sums to {got.sum():.3f}, not 1.", hint)
    expect(np.allclose(got, product / product.sum(), atol=1e-3),
           "fused_probs is not the normalised product of the two predictions.", hint)
    passed(f"fused_probs = {np.round(got, 3).tolist()}: the product favours the class both modalities allow")


def check_beta_weights(value, profile_probs, beta):
    """Exercise 51.2: the beta-weighted merge's weight on the image's log-probability, per class."""
    __tracebackhide__ = True
    hint = ("with two modalities the product over j != image has one factor: (1 - g_profile), "
            "then raise it to the power beta")
    require_answer(value, "image_weights", hint)
    expected = (1 - np.asarray(profile_probs, "float64")) ** beta
    got = _probs("image_weights", value, expected.size)
    expect(np.allclose(got, expected, atol=1e-3),
           "image_weights is not [prod_{j != image} (1 - g_j)]^beta for each class.", hint)
    passed("image_weights: the image is pushed hardest on the classes the profile misses")


def check_robust_bundle(bundle):
    """Exercise 51.4: a gated intermediate fusion where half the training examples miss a modality."""
    __tracebackhide__ = True
    from keras_recipes.multitask import FusionBundle

    hint = ("intermediate_fusion(splits.modalities, 10, fusion='gated', modality_dropout=r): each of "
            "the M modalities is dropped in a share r of the examples, at most one per example")
    require_answer(bundle, "robust", hint)
    expect(isinstance(bundle, FusionBundle), f"robust must be a FusionBundle; received "
           f"{type(bundle).__name__}.", hint)
    names = [layer.name for layer in bundle.encoder.layers]
    expect("gated_fusion" in names, "robust does not gate its bottlenecks (no GatedFusion layer).", hint)
    expect("modality_dropout" in names, "robust has no modality dropout.", hint)
    rate = bundle.encoder.get_layer("modality_dropout").rate
    share = rate * len(bundle.modalities)
    expect(abs(share - 0.5) < 1e-6, f"with modality_dropout={rate} a share {share:.2f} of the "
           "examples misses a modality, not one half.", hint)
    passed(f"robust: gated fusion, modality_dropout={rate} (half the examples miss one modality)")


def check_best_fusion(name, scores, singles):
    """Exercise 51.3: the fusion with the best test accuracy, and its gain over the best single modality."""
    __tracebackhide__ = True
    hint = "scores maps each fusion to its test accuracy; take the largest, minus max(singles.values())"
    require_answer(name, "best_fusion", hint)
    if not isinstance(name, tuple) or len(name) != 2:
        raise CheckFailed(f"answer (best_fusion, gain) as a pair; received {name!r}. Hint: {hint}")
    fusion, gain = name
    expect(fusion in scores, f"{fusion!r} is not one of {sorted(scores)}.", hint)
    expect(scores[fusion] == max(scores.values()), f"{fusion!r} is not the best fusion.", hint)
    check_number(gain, expected=scores[fusion] - max(singles.values()), tolerance=1e-3,
                 name="gain", hint=hint)

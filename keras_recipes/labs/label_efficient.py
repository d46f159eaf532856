"""Checks and recipe pictures for labs 20-22: distillation, noisy and pseudo labels, consistency and NSL."""

import numpy as np

from keras_recipes.labs.core import CheckFailed, check_number, expect, passed, require_answer

DIAGRAMS = {
    "distillation": ([("training\ndata", 0, 1), ("teacher\n(large, frozen)", 1.6, 1.8), ("student\n(compact)", 1.6, 0.2),
                      ("soft labels\nsoftmax(t / T)", 3.3, 1.8), ("predictions\nsoftmax(s / T)", 3.3, 0.2),
                      ("loss = w CE(y, s)\n+ (1-w) T^2 KL", 5.1, 1.0)],
                     [(0, 1), (0, 2), (1, 3), (2, 4), (3, 5), (4, 5)]),
    "denoising": ([("noisy\nlabels", 0, 1.8), ("good\nlabels", 0, 0.2), ("weak learners\n(bootstrap)", 1.7, 1.8),
                   ("fine-tuned\nensemble", 3.4, 1.8), ("less noisy\nlabels (OOB)", 3.4, 0.2),
                   ("strong\nmodel", 5.1, 1.0)],
                  [(0, 2), (2, 3), (1, 3), (3, 4), (4, 5), (1, 5)]),
    "pseudo_labels": ([("labelled", 0, 1.8), ("model", 1.7, 1.8), ("unlabelled", 0, 0.2),
                       ("pseudo-labelled\n(p >= threshold,\ncap per class)", 3.4, 0.2), ("composite\ntraining set", 5.1, 1.0)],
                      [(0, 1), (2, 1), (1, 3), (3, 4), (0, 4), (4, 1)]),
    "consistency": ([("labelled x, y", 0, 1.8), ("unlabelled x", 0, 0.2), ("augment q(x^|x)", 1.7, 0.2),
                     ("p_w(y|x)\n(no back prop)", 3.4, 1.0), ("p_w(y|x^)\n(back prop)", 3.4, 0.2),
                     ("CE + lambda KL", 5.1, 1.0)],
                    [(0, 5), (1, 3), (1, 2), (2, 4), (3, 5), (4, 5)]),
    "structured": ([("batch", 0, 1.8), ("perturbed copy\n(shift / scale)", 0, 0.2), ("shared model", 1.8, 1.0),
                    ("soft labels", 3.5, 1.8), ("soft labels'", 3.5, 0.2), ("CE + weight x\ndivergence", 5.1, 1.0)],
                   [(0, 2), (1, 2), (2, 3), (2, 4), (3, 5), (4, 5)]),
}


def diagram(name):
    """A small box-and-arrow picture of a recipe (``DIAGRAMS`` keys); a matplotlib ``Figure``."""
    from matplotlib.figure import Figure

    if name not in DIAGRAMS:
        raise ValueError(f"name must be one of {sorted(DIAGRAMS)}; received: name={name!r}")
    boxes, arrows = DIAGRAMS[name]
    fig = Figure(figsize=(8, 2.6), layout="constrained")
    ax = fig.subplots()
    for text, x, y in boxes:
        ax.text(x, y, text, ha="center", va="center", fontsize=9,
                bbox={"boxstyle": "round,pad=0.4", "fc": "#eef3fb", "ec": "#4a6fa5"})
    for a, b in arrows:
        (_, x0, y0), (_, x1, y1) = boxes[a], boxes[b]
        ax.annotate("", xy=(x1 - 0.45 * np.sign(x1 - x0), y1), xytext=(x0 + 0.45 * np.sign(x1 - x0), y0),
                    arrowprops={"arrowstyle": "->", "color": "#555"})
    ax.set_xlim(-0.7, 5.9)
    ax.set_ylim(-0.5, 2.5)
    ax.axis("off")
    return fig


def _softmax(z, t=1.0):
    z = np.asarray(z, "float64") / t
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _array(value, name, hint):
    require_answer(value, name, hint)
    try:
        return np.asarray(value, dtype="float64")
    except (TypeError, ValueError):
        raise CheckFailed(f"{name} must be an array of numbers; received {type(value).__name__}. Hint: {hint}") from None


# ---- lab 20: knowledge distillation ---------------------------------------------------------------------------

def check_soft_labels(soft_labels, teacher_logits, temperature):
    """Lab 20, exercise 1: the teacher's soft labels at ``temperature``."""
    __tracebackhide__ = True
    hint = "divide the logits by the temperature, then take a softmax over the last axis"
    got = _array(soft_labels, "soft_labels", hint)
    want = _softmax(teacher_logits, temperature)
    expect(got.shape == want.shape, f"soft_labels has shape {got.shape}; expected one row per example.", hint)
    expect(np.allclose(got.sum(-1), 1, atol=1e-4), "each row of soft_labels must sum to 1.", hint)
    expect(not np.allclose(got, _softmax(teacher_logits), atol=1e-4) or temperature == 1,
           "these are the temperature-1 probabilities.", hint)
    expect(np.allclose(got, want, atol=1e-4), "soft_labels are not the tempered softmax.", hint)
    passed(f"soft labels at T={temperature:g}: the largest probability drops from "
           f"{_softmax(teacher_logits).max(-1).mean():.3f} to {want.max(-1).mean():.3f} on average")


def check_soft_loss(soft_loss, temperature):
    """Lab 20, exercise 2: a LogitsDistillation that really applies the temperature and T^2."""
    __tracebackhide__ = True
    import keras

    hint = "keras.distillation.LogitsDistillation(temperature=..., loss=<an instance of the KL loss class>)"
    require_answer(soft_loss, "soft_loss", hint)
    expect(isinstance(soft_loss, keras.distillation.LogitsDistillation),
           f"soft_loss is a {type(soft_loss).__name__}, not a LogitsDistillation.", hint)
    expect(soft_loss.temperature == temperature, f"soft_loss uses temperature {soft_loss.temperature}.",
           f"use the lab's TEMPERATURE = {temperature}")
    expect(isinstance(soft_loss.loss, keras.losses.KLDivergence),
           "the loss is not a keras.losses.KLDivergence instance: with the string 'kl_divergence' Keras "
           "skips the temperature softmax and the T^2 factor.", hint)
    passed("the soft loss is T^2 * KL(softmax(t/T) || softmax(s/T))")


def check_params_ratio(params_ratio, teacher, student):
    """Lab 20, exercise 3: the student's parameter count as a fraction of the teacher's."""
    __tracebackhide__ = True
    check_number(params_ratio, expected=student.count_params() / teacher.count_params(), tolerance=1e-4,
                 name="params_ratio", hint="model.count_params() of the student over the teacher's")


# ---- lab 21: noisy labels and pseudo-labels -------------------------------------------------------------------

def check_noisy_accuracy(noisy_accuracy, noisy_labels, true_labels):
    """Lab 21, exercise 1: the fraction of noisy labels that are still right."""
    __tracebackhide__ = True
    check_number(noisy_accuracy, expected=float(np.mean(np.asarray(noisy_labels) == np.asarray(true_labels))),
                 tolerance=1e-6, name="noisy_accuracy", hint="compare the noisy labels with the true ones, take the mean")


def check_relabel_precision(precision, result, noisy_labels, true_labels):
    """Lab 21, exercise 2: of the labels the ensemble changed, the fraction changed to the true class."""
    __tracebackhide__ = True
    noisy, true = np.asarray(noisy_labels), np.asarray(true_labels)
    changed = result.labels != noisy
    hint = "keep only the examples whose new label differs from the noisy one; how many of them are right?"
    if not changed.any():
        require_answer(precision, "relabel_precision", hint)
        passed("the ensemble changed no label (precision undefined)")
        return
    check_number(precision, expected=float(np.mean(result.labels[changed] == true[changed])), tolerance=1e-6,
                 name="relabel_precision", hint=hint)


def check_capped_selection(chosen, probs, threshold, cap):
    """Lab 21, exercise 3: indices of the confident predictions, at most ``cap`` per class, most confident first."""
    __tracebackhide__ = True
    from keras_recipes.label_efficient.pseudo_labels import select_pseudo_labels

    hint = "use select_pseudo_labels(probs, threshold=..., per_class_cap=...)"
    got = _array(chosen, "chosen", hint).astype(int)
    want, labels = select_pseudo_labels(probs, threshold=threshold, per_class_cap=cap)
    counts = np.bincount(np.asarray(probs).argmax(-1)[got], minlength=np.asarray(probs).shape[1]) if got.size else [0]
    expect(max(counts) <= cap, f"one class received {max(counts)} pseudo-labels, over the cap of {cap}.", hint)
    expect(np.all(np.asarray(probs).max(-1)[got] >= threshold), "some chosen predictions are below the threshold.", hint)
    expect(sorted(got.tolist()) == sorted(want.tolist()), "not the most confident predictions of each class.", hint)
    passed(f"{len(got)} pseudo-labels, per class {np.bincount(labels, minlength=np.asarray(probs).shape[1]).tolist()}")


# ---- lab 22: consistency training and NSL --------------------------------------------------------------------

def check_kl(kl_value, p, q):
    """Lab 22, exercise 1: KL(p || q) by hand."""
    __tracebackhide__ = True
    p, q = np.asarray(p, "float64"), np.asarray(q, "float64")
    check_number(kl_value, expected=float(np.sum(p * np.log(p / q))), tolerance=1e-4, name="kl_value",
                 hint="sum over classes of p * log(p / q); the order of p and q matters")


def check_consistency_loss(fn):
    """Lab 22, exercise 2: the slide's consistency term with no back prop through the clean branch."""
    __tracebackhide__ = True
    import keras

    from keras_recipes.augment.adversarial import input_gradient

    hint = "KL(softmax(clean) || softmax(augmented)) averaged over the batch, with keras.ops.stop_gradient on clean"
    require_answer(fn, "my_consistency_loss", hint)
    rng = np.random.default_rng(0)
    clean, aug = rng.normal(size=(5, 4)).astype("float32"), rng.normal(size=(5, 4)).astype("float32")
    p, q = _softmax(clean), _softmax(aug)
    want = float(np.mean(np.sum(p * np.log(p / q), -1)))
    try:
        got = float(keras.ops.convert_to_numpy(fn(clean, aug)))
        g_clean = np.asarray(keras.ops.convert_to_numpy(input_gradient(lambda c: fn(c, aug), clean)))
        g_aug = np.asarray(keras.ops.convert_to_numpy(input_gradient(lambda a: fn(clean, a), aug)))
    except Exception as error:  # noqa: BLE001 - a student's function may fail in any way
        raise CheckFailed(f"calling my_consistency_loss(clean, augmented) failed: {type(error).__name__}: "
                          f"{str(error).splitlines()[0][:200]}. Hint: {hint}") from None
    expect(abs(got - want) < 1e-4, f"my_consistency_loss returned {got:.5f}, not KL(p(y|x) || p(y|x^)).", hint)
    expect(np.all(g_clean == 0), "a gradient reaches the clean branch.", hint)
    expect(np.abs(g_aug).sum() > 0, "no gradient reaches the augmented branch.", hint)
    passed("the consistency loss matches the slide, and the clean branch gets no gradient")


def check_adversarial_nsl(model):
    """Lab 22, exercise 3: an NSL wrapper whose perturbation is one FGSM step of 0.05."""
    __tracebackhide__ = True
    from keras_recipes.label_efficient.structured import StructuredModel

    hint = "StructuredModel(net, perturbation=..., epsilon=...)"
    require_answer(model, "nsl_adversarial", hint)
    expect(isinstance(model, StructuredModel), f"nsl_adversarial is a {type(model).__name__}.", hint)
    expect(model.perturbation == "adversarial", f"its perturbation is {model.perturbation!r}.", hint)
    expect(abs(model.epsilon - 0.05) < 1e-9, f"its epsilon is {model.epsilon}.", "the step asked for is 0.05")
    passed("the perturbed copy is the random shift/scale plus one fast-gradient-sign step")

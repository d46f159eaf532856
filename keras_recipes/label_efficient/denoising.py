"""A10 Data Denoising (Weakly Supervised): an ensemble relabels noisy data, a strong model trains on the result.

The two slides, step by step:

1. an ensemble of weak learners, each on its own bootstrap sample of the
   noisy (crowd-sourced) labels, with its own seed;
2. each learner is fine-tuned on the small set of good labels;
3. the ensemble, in predictive mode, relabels the noisy data ("less noisy"
   labels); an example is relabelled only by the learners that did **not**
   train on it (out-of-bag: a learner that memorised a wrong label would
   vote for it), and a label is accepted by a rule: ``"confidence"`` (mean
   out-of-bag probability of the winning class >= ``confidence``) or
   ``"agreement"`` (that, and every out-of-bag learner votes the same class).
   Examples no rule accepts are dropped (``unsure="drop"``) or keep their
   noisy label (``"keep"``);
4. a strong model trains on good + less-noisy labels.

``DenoiseResult`` reports the relabelling against the true labels when they
are given (for measurement only): precision (of the labels changed, the
fraction changed to the right class), recall (of the wrong labels, the
fraction corrected), label accuracy before and after, and the memorisation
gap (how much more often a learner agrees with a *wrong* noisy label on
examples it trained on than on out-of-bag ones).

>>> import keras, numpy as np
>>> from keras_recipes.datasets import symmetric_noise
>>> rng = np.random.default_rng(0); centres = 2 * rng.normal(size=(3, 6))
>>> y = np.arange(120) % 3; x = (centres[y] + 0.3 * rng.normal(size=(120, 6))).astype("float32")
>>> noisy, _ = symmetric_noise(y[:100], 0.3, 3, seed=0)
>>> net = lambda: keras.Sequential([keras.Input((6,)), keras.layers.Dense(3)])
>>> result = denoise(net, x[:100], noisy, x[100:], y[100:], learners=3, epochs=20, finetune_epochs=3,
...                  strong_epochs=10, learning_rate=0.05, finetune_learning_rate=0.01, y_true=y[:100])
>>> result.label_accuracy_before, result.label_accuracy_after > 0.9
(0.7, True)
"""

from dataclasses import dataclass, field

import numpy as np

from keras_recipes.checks import require_choice, require_positive_int, require_positive_number, require_rate
from keras_recipes.label_efficient.training import accuracy, build_seeded, fit_classifier, predict_probs

RULES = ("confidence", "agreement")
UNSURE = ("drop", "keep")


@dataclass
class DenoiseResult:
    """Relabelled noisy set, the strong model, and how good the relabelling was."""

    labels: np.ndarray
    accepted: np.ndarray
    votes: np.ndarray
    strong: object = field(repr=False)
    precision: float = float("nan")
    recall: float = float("nan")
    label_accuracy_before: float = float("nan")
    label_accuracy_after: float = float("nan")
    memorisation_gap: float = float("nan")
    strong_accuracy: float = float("nan")

    def table(self):
        """The relabelling figures as aligned text."""
        rows = [("examples accepted", f"{int(self.accepted.sum())} / {len(self.accepted)}"),
                ("mean out-of-bag votes", f"{self.votes.mean():.2f}"),
                ("label accuracy before", f"{self.label_accuracy_before:.3f}"),
                ("label accuracy after (accepted)", f"{self.label_accuracy_after:.3f}"),
                ("relabel precision", f"{self.precision:.3f}"),
                ("relabel recall", f"{self.recall:.3f}"),
                ("memorisation gap (in-bag - out-of-bag)", f"{self.memorisation_gap:.3f}"),
                ("strong model accuracy", f"{self.strong_accuracy:.3f}")]
        width = max(len(r[0]) for r in rows)
        return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)

    def plot(self, path=None):
        """Bar chart: label accuracy before/after and relabel precision/recall; a ``Figure``."""
        from matplotlib.figure import Figure

        from keras_recipes.plots import save_figure

        fig = Figure(figsize=(5.5, 3), layout="constrained")
        ax = fig.subplots()
        names = ["labels before", "labels after", "precision", "recall"]
        values = [self.label_accuracy_before, self.label_accuracy_after, self.precision, self.recall]
        ax.bar(names, values, color=["C3", "C2", "C0", "C0"])
        ax.set_ylim(0, 1)
        ax.set_title("A10 weak-supervision denoising")
        return save_figure(fig, path)


def relabel(probs, in_bag, noisy_labels, *, rule="agreement", confidence=0.6):
    """Out-of-bag relabelling. Returns ``(labels, accepted, votes)``.

    Args:
        probs: (learners, N, classes) softmax outputs of each learner on every example.
        in_bag: (learners, N) bool, True where the learner trained on the example.
        noisy_labels: (N,) the labels being denoised (returned where not accepted).
        rule: ``"confidence"`` or ``"agreement"`` (see the module docstring).
        confidence: threshold on the mean out-of-bag probability, in [0, 1).

    >>> probs = np.array([[[0.9, 0.1], [0.2, 0.8]], [[0.8, 0.2], [0.9, 0.1]]])
    >>> in_bag = np.array([[False, False], [False, True]])
    >>> labels, accepted, votes = relabel(probs, in_bag, np.array([1, 1]), rule="agreement")
    >>> labels.tolist(), accepted.tolist(), votes.tolist()
    ([0, 1], [True, True], [2, 1])
    """
    require_choice("rule", rule, RULES)
    require_rate("confidence", confidence)
    probs = np.asarray(probs, "float64")
    oob = ~np.asarray(in_bag, bool)
    votes = oob.sum(0)
    weights = oob[..., None].astype("float64")
    mean = (probs * weights).sum(0) / np.maximum(votes, 1)[:, None]
    winner = mean.argmax(-1)
    accepted = (votes > 0) & (mean.max(-1) >= confidence)
    if rule == "agreement":
        each = probs.argmax(-1)
        agree = np.all((each == winner[None]) | ~oob, axis=0)
        accepted &= agree
    labels = np.where(accepted, winner, np.asarray(noisy_labels))
    return labels.astype("int64"), accepted, votes


def denoise(weak_builder, x_noisy, y_noisy, x_good, y_good, *, strong_builder=None, learners=6, rule="agreement",
            confidence=0.6, unsure="drop", epochs=20, finetune_epochs=5, strong_epochs=None, batch_size=32,
            learning_rate=1e-3, finetune_learning_rate=3e-4, y_true=None, test_data=None, seed=0, verbose=0):
    """Weak-supervision denoising (diagram A10); returns a ``DenoiseResult``.

    Args:
        weak_builder: ``() -> keras.Model`` with logit outputs (a weak learner).
        x_noisy, y_noisy: the noisily labelled set.
        x_good, y_good: the small set of good labels (10% of the training set in the lecture).
        strong_builder: the strong model's builder (default ``weak_builder``).
        learners: ensemble size, >= 2 (6; each example is out-of-bag for ~37%).
        rule, confidence: the acceptance rule, see ``relabel`` ("agreement", 0.6).
        unsure: ``"drop"`` unaccepted examples or ``"keep"`` their noisy labels.
        epochs: weak-learner epochs on noisy labels (20).
        finetune_epochs: epochs on the good labels (5), at ``finetune_learning_rate``.
        strong_epochs: strong-model epochs (default ``epochs``).
        batch_size, learning_rate: training settings (32, 1e-3).
        y_true: true labels of ``x_noisy``, for the report only (never trained on).
        test_data: optional ``(x, y)`` scored by the strong model.
        seed: seeds the bootstraps and the learners (0).
    """
    require_positive_int("learners", learners)
    if learners < 2:
        raise ValueError(f"learners must be >= 2 for an ensemble; received: learners={learners}")
    require_choice("rule", rule, RULES)
    require_choice("unsure", unsure, UNSURE)
    require_positive_int("finetune_epochs", finetune_epochs)
    require_positive_number("finetune_learning_rate", finetune_learning_rate)
    x_noisy = np.asarray(x_noisy, "float32")
    y_noisy = np.asarray(y_noisy).astype("int64")
    x_good = np.asarray(x_good, "float32")
    y_good = np.asarray(y_good).astype("int64")
    if len(x_noisy) != len(y_noisy) or len(x_good) != len(y_good):
        raise ValueError(f"each x needs one label; received: {len(x_noisy)} noisy images for {len(y_noisy)} labels, "
                         f"{len(x_good)} good images for {len(y_good)} labels")
    n = len(x_noisy)
    rng = np.random.default_rng(seed)
    probs, in_bag = [], np.zeros((learners, n), bool)
    for k in range(learners):
        sample = rng.integers(0, n, size=n)
        in_bag[k, sample] = True
        model = build_seeded(weak_builder, seed * 1000 + k)
        fit_classifier(model, x_noisy[sample], y_noisy[sample], epochs=epochs, batch_size=batch_size,
                       learning_rate=learning_rate, seed=seed + k, verbose=verbose)
        fit_classifier(model, x_good, y_good, epochs=finetune_epochs, batch_size=batch_size,
                       learning_rate=finetune_learning_rate, seed=seed + k, verbose=verbose)
        probs.append(predict_probs(model, x_noisy))
    probs = np.stack(probs)
    labels, accepted, votes = relabel(probs, in_bag, y_noisy, rule=rule, confidence=confidence)

    keep = accepted if unsure == "drop" else np.ones(n, bool)
    x_strong = np.concatenate([x_good, x_noisy[keep]])
    y_strong = np.concatenate([y_good, labels[keep]])
    strong = build_seeded(strong_builder or weak_builder, seed * 1000 + 999)
    fit_classifier(strong, x_strong, y_strong, epochs=strong_epochs or epochs, batch_size=batch_size,
                   learning_rate=learning_rate, seed=seed, verbose=verbose)
    result = DenoiseResult(labels=labels, accepted=accepted, votes=votes, strong=strong)
    if test_data is not None:
        result.strong_accuracy = accuracy(strong, *test_data)
    if y_true is not None:
        _score(result, probs, in_bag, y_noisy, np.asarray(y_true).astype("int64"), keep)
    return result


def _score(result, probs, in_bag, y_noisy, y_true, keep):
    wrong = y_noisy != y_true
    changed = result.labels != y_noisy
    result.precision = float(np.mean(result.labels[changed] == y_true[changed])) if changed.any() else float("nan")
    result.recall = float(np.mean(result.labels[wrong] == y_true[wrong])) if wrong.any() else float("nan")
    result.label_accuracy_before = float(np.mean(y_noisy == y_true))
    result.label_accuracy_after = float(np.mean(result.labels[keep] == y_true[keep])) if keep.any() else float("nan")
    agree = probs.argmax(-1) == y_noisy[None]
    inside = agree[in_bag & wrong[None]]
    outside = agree[~in_bag & wrong[None]]
    if inside.size and outside.size:
        result.memorisation_gap = float(inside.mean() - outside.mean())

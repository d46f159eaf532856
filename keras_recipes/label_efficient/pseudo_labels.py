"""A11 Data Labeling (Self-Supervised): pseudo-labelling rounds with a confidence threshold and a per-class cap.

The slide: a model trained on the labelled data (it must be good to start
with) labels the unlabelled data; pseudo-labelled + labelled data make a
composite training set; train again; repeat. Two guards the slide implies:

* a confidence ``threshold``: only predictions at least that sure become labels;
* a ``per_class_cap``: at most that many new labels per class per round, the
  most confident first, so one easy class cannot flood the composite set
  (the cap bites in exactly the rounds where the model is most biased).

The loop stops after ``rounds`` rounds or when no new label passes. The
per-round table records the labels added, their accuracy against the
hidden true labels (given for measurement only) and the validation accuracy.
``select_pseudo_labels`` is the selection step alone, a plain function of the
predicted probabilities (modAL's shape), testable in isolation.

>>> probs = np.array([[0.97, 0.03], [0.99, 0.01], [0.95, 0.05], [0.2, 0.8], [0.05, 0.95]])
>>> idx, labels = select_pseudo_labels(probs, threshold=0.9, per_class_cap=2)
>>> idx.tolist(), labels.tolist()
([1, 0, 4], [0, 0, 1])
"""

from dataclasses import dataclass, field

import numpy as np

from keras_recipes.checks import require_positive_int, require_rate
from keras_recipes.label_efficient.training import accuracy, build_seeded, fit_classifier, predict_probs


def select_pseudo_labels(probs, *, threshold=0.95, per_class_cap=None):
    """Indices and labels of the predictions to keep: max prob >= threshold, at most ``per_class_cap`` per class.

    Within a class the most confident come first. Returns ``(indices, labels)``.
    """
    probs = np.asarray(probs)
    if probs.ndim != 2:
        raise ValueError(f"probs must be (N, classes); received: shape={probs.shape}")
    require_rate("threshold", threshold, closed=True)
    if per_class_cap is not None:
        require_positive_int("per_class_cap", per_class_cap)
    confidence, labels = probs.max(-1), probs.argmax(-1)
    chosen = []
    for c in range(probs.shape[1]):
        idx = np.flatnonzero((labels == c) & (confidence >= threshold))
        idx = idx[np.argsort(-confidence[idx], kind="stable")]
        chosen.append(idx if per_class_cap is None else idx[:per_class_cap])
    chosen = np.concatenate(chosen).astype("int64") if chosen else np.zeros(0, "int64")
    return chosen, labels[chosen].astype("int64")


@dataclass
class PseudoLabelResult:
    """Per-round record of a pseudo-labelling run and the final model."""

    rounds: list
    model: object = field(repr=False)

    def table(self):
        """One row per round: training-set size, validation accuracy, labels added and their accuracy."""
        lines = ["round  train  val_acc  added  added_acc  per_class_added"]
        for r in self.rounds:
            acc = "" if r["added_accuracy"] is None else f"{r['added_accuracy']:.3f}"
            val = "" if r["val_accuracy"] is None else f"{r['val_accuracy']:.3f}"
            lines.append(f"{r['round']:<6} {r['train_size']:<6} {val:<8} {r['added']:<6} {acc:<10} "
                         f"{r['per_class_added']}")
        return "\n".join(lines)

    def plot(self, path=None):
        """Validation accuracy and pseudo-label accuracy per round, labels added as bars; a ``Figure``."""
        from matplotlib.figure import Figure

        from keras_recipes.plots import save_figure

        fig = Figure(figsize=(6, 3.2), layout="constrained")
        ax = fig.subplots()
        rounds = [r["round"] for r in self.rounds]
        ax2 = ax.twinx()
        ax2.bar(rounds, [r["added"] for r in self.rounds], alpha=0.25, color="C7", label="labels added")
        ax2.set_ylabel("labels added")
        if all(r["val_accuracy"] is not None for r in self.rounds):
            ax.plot(rounds, [r["val_accuracy"] for r in self.rounds], "o-", label="validation accuracy")
        accs = [(r["round"], r["added_accuracy"]) for r in self.rounds if r["added_accuracy"] is not None]
        if accs:
            ax.plot(*zip(*accs), "s--", label="pseudo-label accuracy")
        ax.set_xlabel("round")
        ax.set_ylim(0, 1.02)
        ax.set_zorder(ax2.get_zorder() + 1)
        ax.patch.set_visible(False)
        ax.legend(loc="lower right")
        ax.set_title("A11 pseudo-labelling rounds")
        return save_figure(fig, path)


def pseudo_label(builder, x_labelled, y_labelled, x_unlabelled, *, rounds=3, threshold=0.95, per_class_cap=50,
                 epochs=20, batch_size=32, learning_rate=1e-3, fresh_model=True, y_unlabelled=None,
                 validation_data=None, seed=0, verbose=0):
    """Pseudo-labelling loop (diagram A11); returns a ``PseudoLabelResult``.

    Round 0 trains on the labelled set alone (the supervised-only baseline);
    each later round trains on the composite set grown by the previous
    round's pseudo-labels.

    Args:
        builder: ``() -> keras.Model`` with logit outputs.
        x_labelled, y_labelled: the labelled set.
        x_unlabelled: the unlabelled pool.
        rounds: labelling rounds after the first model, >= 1 (3).
        threshold: confidence needed to pseudo-label, in [0, 1] (0.95).
        per_class_cap: most new labels per class per round (50); None: no cap.
        epochs, batch_size, learning_rate: per-round training (20, 32, 1e-3).
        fresh_model: retrain from a fresh draw each round (True, avoids
            confirming the previous model's mistakes) or keep training.
        y_unlabelled: hidden true labels of the pool, for the table only.
        validation_data: ``(x_val, y_val)`` scored each round.
        seed: (0).
    """
    require_positive_int("rounds", rounds)
    x_l = np.asarray(x_labelled, "float32")
    y_l = np.asarray(y_labelled).astype("int64")
    pool = np.asarray(x_unlabelled, "float32")
    if len(x_l) != len(y_l):
        raise ValueError(f"x_labelled and y_labelled differ in length: {len(x_l)} vs {len(y_l)}")
    if pool.shape[1:] != x_l.shape[1:]:
        raise ValueError(f"x_unlabelled images must be shaped like x_labelled's; received {pool.shape[1:]} "
                         f"and {x_l.shape[1:]}")
    hidden = None if y_unlabelled is None else np.asarray(y_unlabelled).astype("int64")
    remaining = np.arange(len(pool))
    x_train, y_train = x_l, y_l
    records, model = [], None
    for r in range(rounds + 1):
        if model is None or fresh_model:
            model = build_seeded(builder, seed * 1000 + r)
        fit_classifier(model, x_train, y_train, epochs=epochs, batch_size=batch_size, learning_rate=learning_rate,
                       seed=seed + r, verbose=verbose)
        record = {"round": r, "train_size": len(x_train), "added": 0, "added_accuracy": None,
                  "per_class_added": [],
                  "val_accuracy": None if validation_data is None else accuracy(model, *validation_data)}
        records.append(record)
        if r == rounds or not len(remaining):
            break
        idx, labels = select_pseudo_labels(predict_probs(model, pool[remaining]), threshold=threshold,
                                           per_class_cap=per_class_cap)
        if not len(idx):
            break
        chosen = remaining[idx]
        record["added"] = len(idx)
        record["per_class_added"] = np.bincount(labels, minlength=int(y_l.max()) + 1).tolist()
        if hidden is not None:
            record["added_accuracy"] = float(np.mean(hidden[chosen] == labels))
        x_train = np.concatenate([x_train, pool[chosen]])
        y_train = np.concatenate([y_train, labels])
        remaining = np.setdiff1d(remaining, chosen)
    return PseudoLabelResult(rounds=records, model=model)

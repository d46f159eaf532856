"""A5 Essential Feature Learning (Synthetic): pre-train on synthetic data, full-train on real, fine-tune.

The slide draws three stages: pre-training on synthetic data (here digits
rendered from fonts under random affine transforms,
``datasets.make_synthetic_digits``), full training on the real data (the
scikit-learn digits, every layer trained), then fine-tuning (the same
network, a 10x smaller learning rate). The recipe runs the same two real-data
stages from random weights ("scratch") and from the synthetic pre-training,
at several label fractions: the claim is that the pre-trained network needs
fewer real labels.

>>> result = SyntheticResult({0.05: {"scratch": 0.6, "synthetic": 0.8}}, synthetic_only=0.5)
>>> round(result.gain(0.05), 3)
0.2
"""

import math
from dataclasses import dataclass

import numpy as np

from keras_recipes.checks import require_positive_int, require_positive_number, require_rate


@dataclass
class SyntheticResult:
    """Real-digit test accuracy per label fraction, from scratch and after synthetic pre-training.

    Attributes:
        rows: ``{fraction: {"scratch": accuracy, "synthetic": accuracy}}``.
        synthetic_only: real test accuracy of the pre-trained network before
            it sees any real label (how far the synthetic digits alone get).
        labelled: ``{fraction: number of real training labels}``.

    >>> result = SyntheticResult({0.05: {"scratch": 0.70, "synthetic": 0.65}}, synthetic_only=0.4)
    >>> round(result.gain(0.05), 3)  # pre-training can also cost accuracy
    -0.05
    """

    rows: dict
    synthetic_only: float
    labelled: dict = None

    def gain(self, fraction):
        """Accuracy with synthetic pre-training minus from scratch, at ``fraction``."""
        row = self.rows[fraction]
        return row["synthetic"] - row["scratch"]

    def table(self):
        """One row per label fraction: labels, scratch, pre-trained, gain."""
        lines = [f"synthetic pre-training only (no real labels): {self.synthetic_only:.3f}",
                 "fraction  labels  scratch  synthetic  gain"]
        for fraction, row in self.rows.items():
            labels = (self.labelled or {}).get(fraction, "")
            lines.append(f"{fraction:<9g} {labels!s:<7} {row['scratch']:.3f}    {row['synthetic']:.3f}      "
                         f"{self.gain(fraction):+.3f}")
        return "\n".join(lines)

    def plot(self, path=None):
        """Test accuracy against label fraction, one line per arm; a ``Figure``."""
        from matplotlib.figure import Figure

        from keras_recipes.plots import save_figure

        fig = Figure(figsize=(5, 3.2), layout="constrained")
        ax = fig.subplots()
        fractions = list(self.rows)
        for arm, style in (("scratch", "o--"), ("synthetic", "s-")):
            label = "from scratch" if arm == "scratch" else "synthetic pre-training"
            ax.plot(fractions, [self.rows[f][arm] for f in fractions], style, label=label)
        ax.axhline(self.synthetic_only, color="C7", lw=1, ls=":", label="synthetic only")
        ax.set_xscale("log")
        ax.set_xlabel("fraction of real training labels")
        ax.set_ylabel("real test accuracy")
        ax.set_ylim(0, 1.02)
        ax.legend(loc="lower right")
        ax.set_title("A5 essential feature learning (synthetic)")
        return save_figure(fig, path)


def _epochs(steps, n, batch_size):
    return max(1, math.ceil(steps * batch_size / n))


def synthetic_pretraining(data=None, *, fractions=(0.05, 0.1, 0.25), synthetic=3000, pretrain_epochs=5,
                          steps=200, finetune_steps=60, learning_rate=3e-3, finetune_factor=0.1, width=16,
                          batch_size=32, seed=0, verbose=0):
    """Diagram A5 against training from scratch at small label fractions; a ``SyntheticResult``.

    1. Pre-training: the zoo network learns the 10 digits on ``synthetic``
       rendered images (``make_synthetic_digits``, same size as the real ones).
    2. Full training on a stratified ``fraction`` of the real training labels,
       every layer, for about ``steps`` batches at ``learning_rate``.
    3. Fine-tuning: ``finetune_steps`` more batches at
       ``learning_rate * finetune_factor``.
    "Scratch" runs 2 and 3 from the random initial weights of the same seed.

    ```python
    result = synthetic_pretraining(fractions=(0.05, 0.1, 0.25))
    print(result.table()); result.plot()
    ```

    The smallest call still trains three networks (seconds):

    >>> result = synthetic_pretraining(fractions=(0.1,), synthetic=200, pretrain_epochs=1, steps=5,
    ...                                finetune_steps=2, width=4)  # doctest: +SKIP
    >>> result.gain(0.1)  # doctest: +SKIP

    Args:
        data: a 10-class digits ``Splits`` (default ``load_digits(image_size=16, seed=seed)``).
        fractions: label fractions of the real training set, each in (0, 1].
        synthetic: number of synthetic pre-training images (3000).
        pretrain_epochs: epochs over them (5).
        steps, finetune_steps: batches of full training and fine-tuning (200, 60).
        learning_rate, finetune_factor: full-training rate and the fine-tune
            multiplier (3e-3, 0.1).
        width: filters of the network's first group (16).
        seed: synthetic images, label subsets, initial weights and order (0).
    """
    from keras_recipes.datasets import load_digits
    from keras_recipes.datasets.splits import stratified_partition
    from keras_recipes.datasets.synthetic_digits import make_synthetic_digits
    from keras_recipes.representation._training import accuracy, default_bundle, fit_epochs

    fractions = tuple(fractions)
    if not fractions:
        raise ValueError("fractions must name at least one label fraction; received: fractions=()")
    for f in fractions:
        if require_rate("fractions entries", f, closed=True) == 0:
            raise ValueError(f"fractions entries must be in (0, 1]; received: {f!r}")
    require_positive_int("synthetic", synthetic)
    require_positive_int("pretrain_epochs", pretrain_epochs)
    require_positive_int("steps", steps)
    require_positive_int("finetune_steps", finetune_steps)
    require_positive_number("finetune_factor", finetune_factor)
    data = load_digits(image_size=16, seed=seed) if data is None else data
    if data.num_classes != 10:
        raise ValueError(f"data must hold the 10 digit classes (the synthetic digits are 0-9); received "
                         f"{data.num_classes} classes")
    (x, y), (x_test, y_test) = data.arrays["train"], data.arrays["test"]
    x_syn, y_syn = make_synthetic_digits(synthetic, image_size=x.shape[1], seed=seed)
    if x.shape[-1] != 1:
        x_syn = np.repeat(x_syn, x.shape[-1], axis=-1)

    pretrained = default_bundle(x.shape[1:], 10, width=width, seed=seed)
    fit_epochs(pretrained.model, x_syn, y_syn, epochs=pretrain_epochs, learning_rate=learning_rate,
               batch_size=batch_size, seed=seed, verbose=verbose)
    synthetic_only = accuracy(pretrained.model, x_test, y_test)
    pretrained_weights = pretrained.model.get_weights()

    rows, labelled = {}, {}
    for fraction in fractions:
        keep = np.arange(len(y)) if fraction == 1 else stratified_partition(y, (fraction, 1 - fraction), seed)[0]
        xf, yf = x[keep], y[keep]
        labelled[fraction] = len(keep)
        rows[fraction] = {}
        for arm in ("scratch", "synthetic"):
            bundle = default_bundle(x.shape[1:], 10, width=width, seed=seed)
            if arm == "synthetic":
                bundle.model.set_weights(pretrained_weights)
            fit_epochs(bundle.model, xf, yf, epochs=_epochs(steps, len(xf), batch_size), learning_rate=learning_rate,
                       batch_size=batch_size, seed=seed, verbose=verbose)
            fit_epochs(bundle.model, xf, yf, epochs=_epochs(finetune_steps, len(xf), batch_size),
                       learning_rate=learning_rate * finetune_factor, batch_size=batch_size, seed=seed + 1,
                       verbose=verbose)
            rows[fraction][arm] = accuracy(bundle.model, x_test, y_test)
    return SyntheticResult(rows=rows, synthetic_only=synthetic_only, labelled=labelled)

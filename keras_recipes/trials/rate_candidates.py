"""Seed 002 recipe step 3 as the slide states it: a few rates, small weight decay, ~100 iterations each."""

import math
from dataclasses import dataclass

import keras
import numpy as np

from keras_recipes.checks import keras_model_of, require_positive_int, require_positive_number, require_rate
from keras_recipes.trials.trial import iter_batches, trial_copy

SLIDE_RATES = (1e-1, 1e-2, 1e-3, 1e-4)


@dataclass(frozen=True)
class RateCandidates:
    """What :func:`candidate_rates` measured.

    Attributes:
        rates: the candidate learning rates, in the order tried.
        losses: ``{rate: training loss of each iteration}``.
        drops: ``{rate: relative drop}``, ``1 - mean(last 10 losses) / mean(first 5)``
            (``-inf`` if the loss became NaN or infinite).
        kept: the rates whose drop is at least ``min_drop``, best first.
        weight_decay: the small weight decay every trial used.
        min_drop: the threshold of "the loss drops significantly".

    >>> found = RateCandidates(rates=(0.1, 0.001), losses={}, drops={0.1: 0.6, 0.001: 0.1}, kept=(0.1,),
    ...                        weight_decay=1e-4, min_drop=0.25)
    >>> found.best_rate
    0.1
    """

    rates: tuple
    losses: dict
    drops: dict
    kept: tuple
    weight_decay: float
    min_drop: float

    @property
    def best_rate(self):
        """The rate with the largest drop (None if none was kept)."""
        return self.kept[0] if self.kept else None

    def table(self):
        """One line per rate: first and last loss, drop, kept (``*`` marks the best)."""
        lines = [f"{'rate':>8} {'first':>7} {'last':>7} {'drop':>6}  kept"]
        for rate in self.rates:
            loss = self.losses[rate]
            mark = "yes *" if rate == self.best_rate else ("yes" if rate in self.kept else "no")
            lines.append(f"{rate:>8.0e} {np.mean(loss[:5]):>7.3f} {np.mean(loss[-10:]):>7.3f} "
                         f"{self.drops[rate]:>6.2f}  {mark}")
        return "\n".join(lines)

    def plot(self, path=None):
        """Training loss per iteration, one line per rate; a ``Figure``."""
        from matplotlib.figure import Figure

        from keras_recipes.plots import save_figure

        fig = Figure(figsize=(6, 4))
        ax = fig.add_subplot()
        for rate in self.rates:
            style = "-" if rate in self.kept else ":"
            ax.plot(np.clip(self.losses[rate], 0, 10), style, label=f"lr {rate:g}")
        ax.set_xlabel("iteration")
        ax.set_ylabel("training loss")
        ax.set_title(f"step 3: which rates make the loss drop (weight decay {self.weight_decay:g})")
        ax.legend(fontsize=8)
        fig.tight_layout()
        return save_figure(fig, path)


def candidate_rates(model, data, *, rates=SLIDE_RATES, weight_decay=1e-4, iterations=100,
                    min_drop=0.25, batch_size=32, verbose=0):
    """Train a copy at each candidate rate for ~100 iterations; keep the rates whose loss drops.

    Seed 002, step 3: "use the architecture from the previous step, use all
    training data, turn on small weight decay, find a learning rate that
    makes the loss drop significantly within ~100 iterations. Good learning
    rates to try: 1e-1, 1e-2, 1e-3, 1e-4." Each rate trains its own clone
    (``trial_copy``: same weights, a fresh optimizer of the model's class
    with that rate and the optimizer's decoupled ``weight_decay``) on the
    same batches. The finer, one-run sweep is ``find_learning_rate``.

    >>> import keras
    >>> from keras_recipes.datasets import load_digits
    >>> data = load_digits(image_size=8)
    >>> model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
    ...                           keras.layers.Dense(10, activation="softmax")])
    >>> model.compile("sgd", "sparse_categorical_crossentropy")
    >>> found = candidate_rates(model, data.train, rates=(1.0, 1e-5), iterations=30)
    >>> found.kept
    (1.0,)

    Args:
        model: compiled classifier (``keras.Model`` or ``ModelBundle``); untouched.
        data: batched ``tf.data.Dataset`` of ``(x, y)`` or an ``(x, y)`` tuple of arrays.
        rates: candidate learning rates. Default the slide's (1e-1, 1e-2, 1e-3, 1e-4).
        weight_decay: the "small weight decay", >= 0. Default 1e-4.
        iterations: training steps per rate. Default 100.
        min_drop: relative loss drop that counts as "significant", in [0, 1). Default 0.25.
        batch_size: for array data. Default 32.
        verbose: 1 prints one line per rate. Default 0.
    Returns:
        a :class:`RateCandidates` (``.kept``, ``.best_rate``, ``.table()``, ``.plot()``).
    """
    keras_model_of("model", model)
    rates = tuple(require_positive_number("rates entries", r) for r in _as_tuple("rates", rates))
    weight_decay = require_positive_number("weight_decay", weight_decay, allow_zero=True)
    iterations = require_positive_int("iterations", iterations)
    if iterations < 15:
        raise ValueError(f"iterations must be >= 15 (the drop compares the first 5 with the "
                         f"last 10); received: iterations={iterations!r}")
    min_drop = require_rate("min_drop", min_drop)
    batches = list(iter_batches(data, iterations, batch_size=batch_size))
    losses, drops = {}, {}
    for rate in rates:
        probe = trial_copy(model, learning_rate=rate)
        probe.optimizer.weight_decay = weight_decay or None
        losses[rate] = np.array([float(probe.train_on_batch(x, y, return_dict=True)["loss"])
                                 for x, y in batches])
        drops[rate] = _drop(losses[rate])
        if verbose:
            print(f"lr {rate:g}: loss {losses[rate][0]:.3f} -> {losses[rate][-1]:.3f}, drop {drops[rate]:.2f}")
    kept = tuple(sorted((r for r in rates if drops[r] >= min_drop), key=lambda r: -drops[r]))
    return RateCandidates(rates, losses, drops, kept, weight_decay, min_drop)


def _drop(loss):
    if not np.all(np.isfinite(loss)):
        return -math.inf
    return float(1.0 - np.mean(loss[-10:]) / max(np.mean(loss[:5]), 1e-12))


def _as_tuple(name, values):
    if isinstance(values, (int, float)) or not len(values):
        raise ValueError(f"{name} must be a non-empty list of learning rates; received: {name}={values!r}")
    return tuple(values)

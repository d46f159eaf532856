"""Learning-rate finder (seed 002, recipe step 3: "find a learning rate that makes the loss drop")."""

import math
from dataclasses import dataclass

import keras
import numpy as np

from keras_recipes.checks import require_positive_int, require_positive_number, require_rate
from keras_recipes.trials.trial import iter_batches, trial_copy


@dataclass(frozen=True)
class LearningRateSweep:
    """What :func:`find_learning_rate` measured.

    Attributes:
        learning_rates: rate of each step taken (geometric sequence).
        losses: training loss of each step.
        smoothed_losses: bias-corrected exponential moving average of ``losses``.
        suggested_learning_rate: a tenth of ``min_loss_learning_rate`` (Smith's
            and fastai's rule of thumb: well inside the region where the loss
            still falls, an order of magnitude below where it turns).
        min_loss_learning_rate: rate at the smoothed minimum.
        steepest_learning_rate: rate where the smoothed loss falls fastest
            against log rate, between the first 10% of the sweep (noisy) and
            the minimum; the bolder pick.
        diverged: True if the sweep stopped early because the loss blew up.
    """

    learning_rates: np.ndarray
    losses: np.ndarray
    smoothed_losses: np.ndarray
    suggested_learning_rate: float
    min_loss_learning_rate: float
    steepest_learning_rate: float
    diverged: bool

    def plot(self, path=None):
        """Smoothed loss against log learning rate, the suggestion marked (a Figure)."""
        from keras_recipes.plots import plot_lr_sweep

        return plot_lr_sweep(self, path=path)


def find_learning_rate(
    model,
    data,
    *,
    min_learning_rate=1e-6,
    max_learning_rate=1.0,
    steps=100,
    batch_size=32,
    loss=None,
    smoothing=0.9,
    divergence_factor=4.0,
    verbose=1,
):
    """Exponential learning-rate sweep over ~100 steps; the model is left untouched.

    Seed 002's recipe: "use the architecture from the previous step, use all
    training data, turn on small weight decay, find a learning rate that
    makes the loss drop significantly within ~100 iterations". Step ``i``
    trains one batch at ``min * (max / min) ** (i / (steps - 1))`` and records
    the loss; the sweep stops early once the smoothed loss exceeds
    ``divergence_factor`` times its best. The suggestion is a tenth of the
    rate at the smoothed minimum; the steepest-descent rate is reported too.
    Keras has no LR finder. The steps, each a function below: check the
    arguments, ``sweep_rates``, ``_sweep`` (train and smooth), ``_read_sweep``.

    The sweep runs on a clone (:func:`keras_recipes.trials.trial.trial_copy`) with a
    fresh optimizer of the same class and settings: the model's weights and
    its optimizer state are exactly as before (bitwise; tested).

    ```python
    sweep = find_learning_rate(model, splits.train, steps=100)
    sweep.suggested_learning_rate, sweep.plot()
    ```

    Args:
        model: compiled ``keras.Model`` or ``ModelBundle`` (functional/Sequential).
        data: batched ``tf.data.Dataset`` of ``(x, y)`` or a tuple ``(x, y)``
            of arrays (cut into ``batch_size`` batches). Cycled if short.
        min_learning_rate: first rate, > 0. Default 1e-6.
        max_learning_rate: last rate, > min. Default 1.0.
        steps: number of steps, int >= 3. Default 100.
        batch_size: for array data. Default 32.
        loss: loss to use instead of the compiled one.
        smoothing: EMA factor in [0, 1) for the smoothed loss. Default 0.9.
        divergence_factor: stop when smoothed loss > factor x best (> 1). Default 4.
        verbose: 1 shows a progress bar. Default 1.
    Returns:
        a :class:`LearningRateSweep`.
    """
    low, high, steps, beta, factor = _check_sweep_arguments(
        min_learning_rate, max_learning_rate, steps, smoothing, divergence_factor)
    probe = trial_copy(model, loss=loss, learning_rate=low)
    rates = sweep_rates(low, high, steps)
    batches = iter_batches(data, steps, batch_size=batch_size)
    taken, raw, smooth, diverged = _sweep(probe, rates, batches, beta, factor, verbose)
    return _read_sweep(taken, raw, smooth, diverged, min_learning_rate)


def _check_sweep_arguments(min_learning_rate, max_learning_rate, steps, smoothing, divergence_factor):
    """Step 0: every argument checked at the door, by name."""
    low = require_positive_number("min_learning_rate", min_learning_rate)
    high = require_positive_number("max_learning_rate", max_learning_rate)
    if high <= low:
        raise ValueError(
            "max_learning_rate must be > min_learning_rate; received: "
            f"max_learning_rate={max_learning_rate!r}, min_learning_rate={min_learning_rate!r}"
        )
    steps = require_positive_int("steps", steps)
    if steps < 3:
        raise ValueError(f"steps must be >= 3; received: steps={steps!r}")
    beta = require_rate("smoothing", smoothing)
    factor = require_positive_number("divergence_factor", divergence_factor)
    if factor <= 1:
        raise ValueError(f"divergence_factor must be > 1; received: divergence_factor={divergence_factor!r}")
    return low, high, steps, beta, factor


def sweep_rates(low, high, steps):
    """Step 1: the rates of the sweep, ``low * (high / low) ** (i / (steps - 1))``.

    >>> [round(float(r), 6) for r in sweep_rates(1e-3, 1e-1, 3)]
    [0.001, 0.01, 0.1]
    """
    return low * (high / low) ** (np.arange(steps) / (steps - 1))


def _sweep(probe, rates, batches, beta, factor, verbose):
    """Step 2: one batch per rate on the probe; bias-corrected EMA of the loss; stop on divergence.

    Returns ``(rates taken, raw losses, smoothed losses, diverged)`` as arrays and a bool.
    """
    progbar = keras.utils.Progbar(len(rates), verbose=verbose, stateful_metrics=["lr", "loss"])
    taken, raw, smooth = [], [], []
    average, best, diverged = 0.0, math.inf, False
    for i, (rate, (x, y)) in enumerate(zip(rates, batches)):
        probe.optimizer.learning_rate = float(rate)
        value = float(probe.train_on_batch(x, y, return_dict=True)["loss"])
        average = beta * average + (1 - beta) * value
        smoothed = average / (1 - beta ** (i + 1))
        taken.append(rate), raw.append(value), smooth.append(smoothed)
        progbar.update(i + 1, values=[("lr", rate), ("loss", value)])
        if not math.isfinite(smoothed) or smoothed > factor * best:
            diverged = True
            break
        best = min(best, smoothed)
    if verbose and diverged:
        print(f"\nLR finder: loss diverged at learning rate {taken[-1]:.3g}; stopped.")
    return np.array(taken), np.array(raw), np.array(smooth), diverged


def _steepest_rate(rates, smooth, lowest):
    """The rate where the smoothed loss falls fastest (per decade), before its minimum.

    The first tenth of the sweep is skipped (its EMA is still settling); with
    fewer than 3 points before the minimum, the loss never fell, and the
    minimum's rate is returned.
    """
    start = min(max(1, len(smooth) // 10), max(lowest - 2, 0))
    segment = slice(start, lowest + 1)
    if lowest + 1 - start < 3:
        return rates[lowest]
    slopes = np.gradient(smooth[segment], np.log10(rates[segment]))
    return rates[segment][int(np.argmin(slopes))]


def _read_sweep(taken, raw, smooth, diverged, min_learning_rate):
    """Step 3: read the curve: minimum, a tenth of it (the suggestion), steepest descent."""
    finite = np.isfinite(smooth)
    usable = smooth[finite]
    if len(usable) < 3:
        raise ValueError(
            f"the loss diverged after {len(usable)} step(s): lower min_learning_rate "
            f"(received min_learning_rate={min_learning_rate!r})"
        )
    rates_ok = taken[finite]
    lowest = int(np.argmin(usable))
    return LearningRateSweep(
        learning_rates=taken,
        losses=raw,
        smoothed_losses=smooth,
        suggested_learning_rate=float(rates_ok[lowest] / 10),
        min_loss_learning_rate=float(rates_ok[lowest]),
        steepest_learning_rate=float(_steepest_rate(rates_ok, usable, lowest)),
        diverged=diverged,
    )

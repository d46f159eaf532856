"""Seed 002 recipe step 6, "look at learning curves": a diagnosis read from per-epoch curves."""

import math
from dataclasses import dataclass

import numpy as np

from keras_recipes.checks import require_rate

ADVICE = {
    "rate too high": "the loss blows up or ends above where it started: lower the learning rate (÷3-10)",
    "overfitting": "validation loss turned up while training loss falls (a train/val gap): more "
                   "regularisation (weight decay, dropout, augmentation), more data, or stop earlier",
    "still decreasing": "training and validation loss still fall: train longer",
    "plateau": "the loss has flattened: decay the learning rate (or a bigger model if both curves are high)",
    "healthy": "converged without a gap: keep this configuration",
}


@dataclass(frozen=True)
class CurveReading:
    """What :func:`read_curves` saw: one verdict (a key of ``ADVICE``), the advice and the evidence.

    >>> reading = read_curves({"loss": [2.0, float("nan")]})
    >>> reading.verdict, reading.advice == ADVICE["rate too high"]
    ('rate too high', True)
    """

    verdict: str
    advice: str
    evidence: dict

    def table(self):
        """The verdict, the advice and the numbers behind them."""
        facts = ", ".join(f"{k} {v:.3g}" for k, v in self.evidence.items())
        return f"{self.verdict}: {self.advice}\n  ({facts})"


def read_curves(curves, *, window=3, flat=0.02, gap=0.1):
    """Diagnose a run from its per-epoch ``loss`` and ``val_loss`` (a History or its dict).

    Seed 002, step 6 ("look at learning curves"), read in this order:

    1. **rate too high**: a non-finite training loss, or a last training
       loss above the first;
    2. **overfitting**: validation loss ends more than ``gap`` (relative)
       above its minimum, while the training loss is at its lowest;
    3. **still decreasing**: the training loss (and validation loss, if
       given) fell by more than ``flat`` (relative) over the last
       ``window`` epochs;
    4. **plateau**: the training loss fell by less than ``flat`` over the
       last ``window`` epochs but is still far (> 50%) above its best-
       possible trend, measured as the drop of the first ``window`` epochs;
    5. **healthy** otherwise.

    >>> read_curves({"loss": [2.0, 1.2, 0.8, 0.6, 0.45], "val_loss": [2.0, 1.3, 0.9, 0.7, 0.55]}).verdict
    'still decreasing'
    >>> read_curves({"loss": [2.0, 1.0, 0.5, 0.3, 0.2], "val_loss": [2.0, 1.0, 0.9, 1.1, 1.4]}).verdict
    'overfitting'

    Args:
        curves: ``{"loss": [...], "val_loss": [...]}`` (``val_loss`` optional) or
            a ``keras.callbacks.History``.
        window: epochs that count as "lately", >= 1. Default 3.
        flat: relative drop over ``window`` below which a curve is flat. Default 0.02.
        gap: relative rise of the validation loss above its minimum that counts
            as overfitting. Default 0.1.
    Returns:
        a :class:`CurveReading`.
    """
    curves = getattr(curves, "history", curves)
    if not isinstance(curves, dict) or not curves.get("loss"):
        raise ValueError(f"curves must be a History or a dict with a non-empty 'loss' list; "
                         f"received: curves={curves!r}")
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise ValueError(f"window must be an int >= 1; received: window={window!r}")
    flat, gap = require_rate("flat", flat), require_rate("gap", gap)
    loss = np.asarray(curves["loss"], dtype=float)
    val = np.asarray(curves.get("val_loss") or [], dtype=float)
    w = min(window, len(loss) - 1) if len(loss) > 1 else 0
    evidence = {"first_loss": loss[0], "last_loss": loss[-1]}
    if not np.all(np.isfinite(loss)) or (len(loss) > 1 and loss[-1] > loss[0]):
        return _reading("rate too high", evidence)
    if len(val) > 1:
        rise = val[-1] / max(val.min(), 1e-12) - 1
        evidence.update(val_rise=rise, best_val_epoch=float(np.argmin(val) + 1))
        if rise > gap and loss[-1] <= loss.min() + 1e-12:
            return _reading("overfitting", evidence)
    if w == 0:
        return _reading("still decreasing", evidence)
    recent = 1 - loss[-1] / max(loss[-1 - w], 1e-12)
    early = 1 - loss[w] / max(loss[0], 1e-12)
    evidence.update(recent_drop=recent, early_drop=early)
    if len(val) > w:
        evidence["recent_val_drop"] = 1 - val[-1] / max(val[-1 - w], 1e-12)
    if recent > flat and evidence.get("recent_val_drop", math.inf) > flat:
        return _reading("still decreasing", evidence)
    if recent <= flat and early > flat and loss[-1] > 0.5 * loss[0]:
        return _reading("plateau", evidence)
    return _reading("healthy", evidence)


def _reading(verdict, evidence):
    return CurveReading(verdict, ADVICE[verdict], {k: float(v) for k, v in evidence.items()})

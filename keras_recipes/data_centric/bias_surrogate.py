"""Bias leakage, surrogate check (deck 000, A14 "Unseen Covariant (Surrogate)").

Remove the protected attribute (e.g. gender) from the training data and
train the regressor without it. Then train a logistic *surrogate* whose only
input is the regressor's score and whose label is the protected attribute.
With a balanced attribute, accuracy near 50% (ROC AUC near 0.5) means the
score carries nothing about it; clearly more means correlated features
(proxies) carried it back in.
"""

from dataclasses import dataclass, field

import numpy as np

from keras_recipes.checks import require_positive_int
from keras_recipes.plots import save_figure


def surrogate_scores(score_fit, protected_fit, score_test, protected_test):
    """Fit a logistic surrogate score -> attribute on one part, return (accuracy, ROC AUC) on another.

    >>> rng = np.random.default_rng(0)
    >>> a = rng.integers(0, 2, 400); s = rng.normal(size=400)          # score ignores a
    >>> acc, auc = surrogate_scores(s[:200], a[:200], s[200:], a[200:])
    >>> abs(acc - 0.5) < 0.1, abs(auc - 0.5) < 0.1
    (True, True)
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    fit_x = np.asarray(score_fit, dtype="float64").reshape(-1, 1)
    test_x = np.asarray(score_test, dtype="float64").reshape(-1, 1)
    protected_fit, protected_test = np.asarray(protected_fit), np.asarray(protected_test)
    for name, part in (("protected_fit", protected_fit), ("protected_test", protected_test)):
        if set(np.unique(part)) != {0, 1}:
            raise ValueError(f"{name} must hold both values 0 and 1; received values {np.unique(part).tolist()}")
    surrogate = LogisticRegression().fit(fit_x, protected_fit)
    accuracy = float((surrogate.predict(test_x) == protected_test).mean())
    auc = float(roc_auc_score(protected_test, surrogate.predict_proba(test_x)[:, 1]))
    return accuracy, auc


@dataclass
class SurrogateResult:
    """What ``surrogate_check`` returns.

    Attributes:
        accuracy: the surrogate's test accuracy (0.5 = no leakage).
        auc: its test ROC AUC (0.5 = no leakage; the side does not matter,
            so 0.3 leaks as much as 0.7).
        task_loss: the regressor's test MSE.
        scores, protected: the test scores and attribute, for the plot.
        regressor: the trained regressor (raw features -> score).
    """

    accuracy: float
    auc: float
    task_loss: float
    scores: np.ndarray = field(repr=False)
    protected: np.ndarray = field(repr=False)
    regressor: object = field(default=None, repr=False)

    @property
    def leaks(self):
        """True when the surrogate is clearly better than chance (accuracy > 0.6)."""
        return self.accuracy > 0.6

    def table(self):
        return (f"surrogate accuracy  {self.accuracy:.3f}   (0.5 = no leakage)\n"
                f"surrogate ROC AUC   {self.auc:.3f}\n"
                f"regressor test MSE  {self.task_loss:.4f}")

    def plot(self, path=None):
        """The regressor's test scores, one histogram per protected group; a ``Figure``."""
        from matplotlib.figure import Figure

        fig = Figure(figsize=(5.6, 3.6), layout="constrained")
        ax = fig.subplots()
        bins = np.linspace(self.scores.min(), self.scores.max(), 30)
        for value in (0, 1):
            ax.hist(self.scores[self.protected == value], bins=bins, alpha=0.55, label=f"protected = {value}")
        ax.set_xlabel("regressor score (trained without the protected attribute)")
        ax.set_ylabel("test rows")
        ax.set_title(f"A14 surrogate check: accuracy {self.accuracy:.2f}, AUC {self.auc:.2f}")
        ax.legend(fontsize=8)
        return save_figure(fig, path)


def surrogate_check(data=None, *, steps=600, batch_size=64, hidden_units=32, seed=0):
    """Train a regressor without the protected attribute, then test its score for leakage.

    The rows are split 60/20/20: the regressor trains on the first part
    (features without the attribute, target), the logistic surrogate fits
    score -> attribute on the second, and both are scored on the third.

    ```python
    from keras_recipes.datasets import make_tabular_bias
    from keras_recipes.data_centric import surrogate_check
    surrogate_check(make_tabular_bias(proxy_strength=0.0)).accuracy   # ~0.5: no path back
    surrogate_check(make_tabular_bias(proxy_strength=2.0)).accuracy   # clearly more: proxies leak
    ```

    Args:
        data: a ``datasets.TabularBiasData`` (default ``make_tabular_bias(seed=seed)``).
        steps, batch_size, hidden_units: regressor training (defaults 600, 64, 32).
        seed: seed of the regressor.
    Returns:
        ``SurrogateResult`` (``.accuracy``, ``.auc``, ``.table()``, ``.plot()``).
    """
    from keras_recipes.data_centric._training import predict
    from keras_recipes.data_centric.adversarial_debiasing import _data, fit_regressor

    require_positive_int("steps", steps)
    data = _data(data, seed)
    train, fit_part, test = data.split()
    _, regressor = fit_regressor(train, 0.0, steps=steps, batch_size=batch_size,
                                 hidden_units=hidden_units, seed=seed)
    score_fit = predict(regressor, fit_part.features)[:, 0]
    score_test = predict(regressor, test.features)[:, 0]
    accuracy, auc = surrogate_scores(score_fit, fit_part.protected, score_test, test.protected)
    return SurrogateResult(accuracy=accuracy, auc=auc,
                           task_loss=float(np.mean((score_test - test.target) ** 2)),
                           scores=score_test, protected=test.protected, regressor=regressor)

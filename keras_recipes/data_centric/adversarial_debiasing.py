"""Adversarial debiasing (deck 000, A15 "Unseen Covariant (Adversarial)").

The regressor is trained without the protected attribute; a logistic
adversary predicts the attribute from the regressor's score; the regressor
minimises its own loss while *maximising* the adversary's, so that its score
carries no trace of the attribute.

Which minimax: a gradient-reversal layer (Ganin & Lempitsky), not the slide's
"inverted bias label". With the inverted label the regressor is pushed to
make the adversary confidently *wrong*, and a confidently wrong adversary
still reads the attribute off the score (flipped); reversing the gradient
makes the regressor ascend the adversary's real loss, whose best answer is a
score the adversary cannot use at all. It also keeps the recipe one ordinary
functional model with two losses, trained by one optimizer step on every
backend, with no custom ``train_step``: ``GradientReversal`` is the identity
forward and multiplies the gradient by ``-weight`` backward, written with
``keras.ops.stop_gradient`` only (backend-neutral, serialisable).
"""

from dataclasses import dataclass

import numpy as np

import keras

from keras_recipes.checks import require_positive_int, require_positive_number
from keras_recipes.plots import save_figure


@keras.saving.register_keras_serializable(package="keras_recipes")
class GradientReversal(keras.layers.Layer):
    """Identity on the way forward; gradient times ``-weight`` on the way back.

    ``y = stop_gradient((1 + weight) * x) - weight * x``: the value is ``x``,
    the derivative ``-weight``. Put it between a model's output and an
    adversary: the adversary learns to predict from the output as usual,
    while the model below receives the adversary's gradient reversed (and
    scaled), so it learns to make the adversary fail.

    >>> import numpy as np
    >>> layer = GradientReversal(weight=2.0)
    >>> np.asarray(layer(np.array([[1.5]], "float32"))).tolist()
    [[1.5]]

    Args:
        weight: scale of the reversed gradient, >= 0 (default 1.0; 0 cuts
            the adversary's gradient off from the layers below).
    """

    def __init__(self, weight=1.0, **kwargs):
        super().__init__(**kwargs)
        self.weight = require_positive_number("weight", weight, allow_zero=True)

    def call(self, inputs):
        ops = keras.ops
        return ops.stop_gradient((1.0 + self.weight) * inputs) - self.weight * inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "weight": self.weight}


def debiasing_model(num_features, adversary_weight=1.0, *, hidden_units=32, learning_rate=5e-3, seed=0):
    """Regressor + gradient reversal + logistic adversary, compiled with both losses.

    Outputs ``{"score": regressor score, "bias": adversary's P(a = 1)}``;
    losses MSE and binary cross-entropy, both with weight 1 (the adversary
    always learns at full rate; ``adversary_weight`` only scales what the
    regressor receives back). ``adversary_weight=0`` is the plain regressor
    of A14. ``keras.Model(model.input, model.output["score"])`` is the
    regressor alone.
    """
    num_features = require_positive_int("num_features", num_features)
    adversary_weight = require_positive_number("adversary_weight", adversary_weight, allow_zero=True)
    init = keras.initializers.GlorotUniform
    inputs = keras.Input((num_features,), name="features")
    h = keras.layers.Dense(hidden_units, activation="relu", kernel_initializer=init(seed), name="hidden")(inputs)
    score = keras.layers.Dense(1, kernel_initializer=init(seed + 1), name="score")(h)
    reversed_score = GradientReversal(adversary_weight, name="gradient_reversal")(score)
    bias = keras.layers.Dense(1, activation="sigmoid", kernel_initializer=init(seed + 2),
                              name="bias")(reversed_score)
    model = keras.Model(inputs, {"score": score, "bias": bias}, name="adversarial_debiasing")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss={"score": "mean_squared_error", "bias": "binary_crossentropy"})
    return model


def _data(data, seed):
    from keras_recipes.datasets.tabular_bias import TabularBiasData, make_tabular_bias

    if data is None:
        data = make_tabular_bias(seed=seed)
    if not isinstance(data, TabularBiasData):
        raise TypeError("data must be a datasets.TabularBiasData (see make_tabular_bias); "
                        f"received: {type(data).__name__}")
    return data


def fit_regressor(train, adversary_weight=0.0, *, steps=600, batch_size=64, hidden_units=32,
                  learning_rate=5e-3, seed=0):
    """Train ``debiasing_model`` on a ``TabularBiasData`` part; return ``(model, regressor)``.

    Features are standardised by the training part's statistics inside the
    returned regressor (a ``Normalization`` layer), so it takes raw columns.
    """
    from keras_recipes.data_centric._training import Retrainer

    steps = require_positive_int("steps", steps)
    batch_size = require_positive_int("batch_size", batch_size)
    keras.utils.set_random_seed(seed)
    model = debiasing_model(train.features.shape[1], adversary_weight, hidden_units=hidden_units,
                            learning_rate=learning_rate, seed=seed)
    norm = keras.layers.Normalization(name="standardize")
    norm.adapt(train.features)
    x = np.asarray(norm(train.features))
    y = {"score": train.target[:, None], "bias": train.protected[:, None].astype("float32")}
    Retrainer(model, batch_size).fit(x, y, steps, seed=seed)
    inputs = keras.Input((train.features.shape[1],), name="features")
    regressor = keras.Model(inputs, model(norm(inputs))["score"], name="regressor")
    return model, regressor


@dataclass
class DebiasingResult:
    """What ``debiasing_tradeoff`` returns: one row per adversary weight.

    Attributes:
        rows: dicts with ``adversary_weight``, ``task_loss`` (test MSE of the
            score), ``surrogate_accuracy`` and ``surrogate_auc`` (the A14
            check on the test scores).
    """

    rows: list

    def table(self):
        lines = ["adversary weight  task loss (MSE)  surrogate acc  surrogate AUC"]
        for r in self.rows:
            lines.append(f"{r['adversary_weight']:<17g} {r['task_loss']:<16.4f} "
                         f"{r['surrogate_accuracy']:<14.3f} {r['surrogate_auc']:.3f}")
        return "\n".join(lines)

    def plot(self, path=None):
        """Task loss against surrogate accuracy, one point per weight; a ``Figure``."""
        from matplotlib.figure import Figure

        fig = Figure(figsize=(5.6, 3.8), layout="constrained")
        ax = fig.subplots()
        acc = [r["surrogate_accuracy"] for r in self.rows]
        loss = [r["task_loss"] for r in self.rows]
        ax.plot(acc, loss, marker="o")
        for r in self.rows:
            ax.annotate(f"w={r['adversary_weight']:g}", (r["surrogate_accuracy"], r["task_loss"]),
                        textcoords="offset points", xytext=(4, 4), fontsize=8)
        ax.axvline(0.5, color="grey", linestyle=":", label="no leakage (50%)")
        ax.set_xlabel("surrogate accuracy (protected attribute from the score)")
        ax.set_ylabel("task loss (test MSE)")
        ax.set_title("A15 adversarial debiasing: the trade-off")
        ax.legend(fontsize=8)
        return save_figure(fig, path)


def adversarial_debiasing(data=None, adversary_weight=1.0, *, steps=600, batch_size=64, hidden_units=32,
                          learning_rate=5e-3, seed=0):
    """Train the A15 regressor against a logistic adversary; return the regressor and its check.

    ```python
    from keras_recipes.data_centric import adversarial_debiasing
    regressor, row = adversarial_debiasing(adversary_weight=2.0)
    row["surrogate_accuracy"]     # closer to 0.5 than the plain regressor's
    ```

    Args:
        data: a ``TabularBiasData`` (default ``make_tabular_bias(seed=seed)``);
            split 60/20/20 into train / surrogate-fit / test rows.
        adversary_weight: how strongly the regressor works against the
            adversary, >= 0 (default 1.0; 0 = plain regressor).
        steps, batch_size, hidden_units, learning_rate: training (defaults
            600, 64, 32, 5e-3).
        seed: seed of the initialisation and batches.
    Returns:
        ``(regressor, row)``: the regressor ``keras.Model`` (raw features ->
        score) and a dict of its test task loss and surrogate accuracy/AUC.
    """
    from keras_recipes.data_centric._training import predict
    from keras_recipes.data_centric.bias_surrogate import surrogate_scores

    data = _data(data, seed)
    train, fit_part, test = data.split()
    _, regressor = fit_regressor(train, adversary_weight, steps=steps, batch_size=batch_size,
                                 hidden_units=hidden_units, learning_rate=learning_rate, seed=seed)
    score_fit, score_test = predict(regressor, fit_part.features)[:, 0], predict(regressor, test.features)[:, 0]
    accuracy, auc = surrogate_scores(score_fit, fit_part.protected, score_test, test.protected)
    row = {"adversary_weight": float(adversary_weight),
           "task_loss": float(np.mean((score_test - test.target) ** 2)),
           "surrogate_accuracy": accuracy, "surrogate_auc": auc}
    return regressor, row


def debiasing_tradeoff(data=None, weights=(0.0, 0.5, 1.0, 2.0, 4.0), **kwargs):
    """``adversarial_debiasing`` at several adversary weights: task loss against leakage.

    >>> from keras_recipes.datasets import make_tabular_bias
    >>> result = debiasing_tradeoff(make_tabular_bias(600, seed=0), weights=(0.0, 2.0), steps=50)
    >>> [r["adversary_weight"] for r in result.rows]
    [0.0, 2.0]

    Args:
        data: a ``TabularBiasData`` (default ``make_tabular_bias``).
        weights: adversary weights to try (default 0, 0.5, 1, 2, 4).
        **kwargs: passed to ``adversarial_debiasing`` (steps, seed, ...).
    Returns:
        ``DebiasingResult`` (``.rows``, ``.table()``, ``.plot()``).
    """
    if isinstance(weights, (int, float)) or not len(weights):
        raise ValueError(f"weights must be a non-empty sequence of numbers >= 0; received: weights={weights!r}")
    for w in weights:
        require_positive_number("weights entries", w, allow_zero=True)
    data = _data(data, kwargs.get("seed", 0))
    return DebiasingResult([adversarial_debiasing(data, w, **kwargs)[1] for w in weights])

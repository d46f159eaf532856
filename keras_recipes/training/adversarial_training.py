"""Seed 004, "Generating and training with adversarial examples": FGSM training, accuracy under attack."""

from dataclasses import dataclass

import keras
import numpy as np
from keras import ops

from keras_recipes.augment.adversarial import fgsm
from keras_recipes.checks import require_positive_int, require_positive_number
from keras_recipes.training.runs import _fit_epochs, _fresh_model, _require_builder, _require_splits


@dataclass(frozen=True)
class AdversarialComparison:
    """Clean and attacked test accuracy of a standard and an adversarially trained model.

    Attributes:
        clean: ``{"standard": acc, "adversarial": acc}`` on the clean test set.
        attacked: the same models on FGSM examples made against each (white box).
        epsilon: the attack's step (input units, data in [0, 1]).

    >>> result = AdversarialComparison(clean={"standard": 0.95, "adversarial": 0.93},
    ...                                attacked={"standard": 0.40, "adversarial": 0.70}, epsilon=0.1)
    >>> round(result.robust_gain, 2)
    0.3
    """

    clean: dict
    attacked: dict
    epsilon: float

    @property
    def robust_gain(self):
        """Accuracy under attack after adversarial training minus before."""
        return self.attacked["adversarial"] - self.attacked["standard"]

    def table(self):
        """Two rows (standard, adversarial training), clean and attacked accuracy."""
        lines = [f"{'training':<12} {'clean':>7} {f'FGSM eps={self.epsilon:g}':>14}"]
        for name in self.clean:
            lines.append(f"{name:<12} {self.clean[name]:>7.3f} {self.attacked[name]:>14.3f}")
        lines.append(f"robust gain (attacked, adversarial - standard): {self.robust_gain:+.3f}")
        return "\n".join(lines)

    def plot(self, path=None):
        """Grouped bars: clean vs attacked accuracy, before and after adversarial training."""
        from matplotlib.figure import Figure

        from keras_recipes.plots import save_figure

        fig = Figure(figsize=(5, 3.5))
        ax = fig.add_subplot()
        names = list(self.clean)
        pos = np.arange(len(names))
        ax.bar(pos - 0.2, [self.clean[n] for n in names], 0.4, label="clean")
        ax.bar(pos + 0.2, [self.attacked[n] for n in names], 0.4, label=f"FGSM eps={self.epsilon:g}")
        ax.set_xticks(pos, [f"{n} training" for n in names])
        ax.set_ylabel("test accuracy")
        ax.set_ylim(0, 1)
        ax.legend()
        fig.tight_layout()
        return save_figure(fig, path)


def _fgsm_examples(model, x, y, *, epsilon, batch_size=256):
    """FGSM versions of the arrays ``x`` (labels ``y``) against ``model``, batch by batch, as numpy."""
    out = []
    for start in range(0, len(x), batch_size):
        xb, yb = x[start:start + batch_size], y[start:start + batch_size]
        out.append(ops.convert_to_numpy(fgsm(model, xb, yb, epsilon=epsilon)))
    return np.concatenate(out)


def accuracy_under_attack(model, x, y, *, epsilon=0.1):
    """Accuracy on FGSM examples made against ``model`` itself (white box).

    >>> import keras, numpy as np
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
    >>> x = np.full((4, 2), 0.5, "float32")
    >>> 0.0 <= accuracy_under_attack(model, x, np.zeros(4, "int32"), epsilon=0.1) <= 1.0
    True
    """
    require_positive_number("epsilon", epsilon)
    x_adv = _fgsm_examples(model, np.asarray(x, "float32"), np.asarray(y), epsilon=epsilon)
    return float(np.mean(np.argmax(model.predict(x_adv, verbose=0), -1) == np.asarray(y)))


def adversarial_fit(model, x, y, *, epochs=5, epsilon=0.1, batch_size=32, seed=0):
    """Train ``model`` (compiled) on clean plus FGSM examples, regenerated against it every epoch.

    Goodfellow et al.'s adversarial training, as seed 004 draws it: each
    epoch, every training image gets an FGSM twin made against the current
    model, and the model trains one epoch on both (half clean, half
    adversarial). Mutates ``model`` (that is its purpose).

    >>> import keras, numpy as np
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
    >>> model.compile("adam", "sparse_categorical_crossentropy")
    >>> x, y = np.full((8, 2), 0.5, "float32"), np.zeros(8, "int32")
    >>> len(adversarial_fit(model, x, y, epochs=1, batch_size=16))  # doctest: +SKIP
    1

    Args:
        model: a compiled ``keras.Model`` (softmax outputs, sparse labels).
        x, y: training arrays.
        epochs: Default 5. epsilon: FGSM step. Default 0.1.
        batch_size: Default 32. seed: shuffling seed. Default 0.
    Returns:
        the per-epoch training losses.
    """
    epochs = require_positive_int("epochs", epochs)
    require_positive_number("epsilon", epsilon)
    batch_size = require_positive_int("batch_size", batch_size)
    x, y = np.asarray(x, "float32"), np.asarray(y)
    rng = np.random.default_rng(seed)

    def with_twins():   # read one epoch at a time: the twins are made against the model as it trains
        for _ in range(epochs):
            both_x = np.concatenate([x, _fgsm_examples(model, x, y, epsilon=epsilon)])
            order = rng.permutation(len(both_x))
            yield both_x[order], np.concatenate([y, y])[order]

    return _fit_epochs(model, with_twins(), batch_size=batch_size)["loss"]


def compare_adversarial_training(build, data, *, epochs=5, epsilon=0.1, learning_rate=1e-3, seed=0):
    """A standard and an adversarially trained model, from the same start: accuracy under FGSM before/after.

    Seed 004, "Adversarial examples": a small, sign-of-the-gradient change
    of the input flips the prediction; training on such examples makes the
    model resist them. Both models train ``epochs`` epochs with Adam from
    identical initial weights; both are attacked with FGSM at ``epsilon``
    against themselves (white box) on the test split.

    >>> from keras_recipes.datasets import load_digits
    >>> data = load_digits(image_size=8)
    >>> build = lambda: keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
    ...                                   keras.layers.Dense(10, activation="softmax")])
    >>> result = compare_adversarial_training(build, data, epochs=1)  # doctest: +SKIP
    >>> sorted(result.attacked)  # doctest: +SKIP
    ['adversarial', 'standard']

    Args:
        build: zero-argument callable returning a fresh softmax classifier.
        data: a ``datasets.Splits`` with images in [0, 1].
        epochs: Default 5. epsilon: FGSM step, > 0. Default 0.1.
        learning_rate: Adam's. Default 1e-3. seed: Default 0.
    Returns:
        an :class:`AdversarialComparison` (``.robust_gain``, ``.table()``, ``.plot()``).
    """
    _require_builder("build", build)
    _require_splits("data", data)
    epochs = require_positive_int("epochs", epochs)
    epsilon = require_positive_number("epsilon", epsilon)
    learning_rate = require_positive_number("learning_rate", learning_rate)
    x, y = data.arrays["train"]
    x_test, y_test = data.arrays["test"]
    clean, attacked = {}, {}
    for name in ("standard", "adversarial"):
        model = _fresh_model(build, seed)
        model.compile(keras.optimizers.Adam(learning_rate), "sparse_categorical_crossentropy")
        if name == "standard":           # the same number of passes over the clean images
            rng = np.random.default_rng(seed)
            _fit_epochs(model, ((x[order], y[order]) for order in (rng.permutation(len(x)) for _ in range(epochs))))
        else:
            adversarial_fit(model, x, y, epochs=epochs, epsilon=epsilon, seed=seed)
        probs = model.predict(x_test, verbose=0)
        clean[name] = float(np.mean(np.argmax(probs, -1) == y_test))
        attacked[name] = accuracy_under_attack(model, x_test, y_test, epsilon=epsilon)
    return AdversarialComparison(clean, attacked, epsilon)

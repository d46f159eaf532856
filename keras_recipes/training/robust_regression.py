"""Seed 004, "Error: regression norms" and "Weight update: gradient clipping": Huber loss and clipnorm on outliers."""

from dataclasses import dataclass

import keras
import numpy as np

from keras_recipes.checks import require_positive_int, require_positive_number, require_rate


@dataclass(frozen=True)
class RegressionComparison:
    """A line fitted under each loss/clipping setting, on data with outliers.

    Attributes:
        slopes, intercepts: ``{run: fitted value}``; the truth is ``true_slope``, ``true_intercept``.
        clean_mae: ``{run: mean absolute error on clean held-out points}``.
        largest_step: ``{run: largest update norm of any step}`` (clipping bounds it).

    >>> r = RegressionComparison({"MSE": 1.5}, {"MSE": 3.9}, {"MSE": 2.9}, {"MSE": 4.0}, 2.0, 1.0)
    >>> print(r.table().splitlines()[2])
    MSE                1.500     3.900     2.900     4.000
    """

    slopes: dict
    intercepts: dict
    clean_mae: dict
    largest_step: dict
    true_slope: float
    true_intercept: float

    def table(self):
        """One line per run: slope, intercept, clean MAE, largest step."""
        lines = [f"{'run':<16} {'slope':>7} {'intercept':>9} {'clean MAE':>9} {'max step':>9}",
                 f"{'(truth)':<16} {self.true_slope:>7.3f} {self.true_intercept:>9.3f}"]
        for name in self.slopes:
            lines.append(f"{name:<16} {self.slopes[name]:>7.3f} {self.intercepts[name]:>9.3f} "
                         f"{self.clean_mae[name]:>9.3f} {self.largest_step[name]:>9.3f}")
        return "\n".join(lines)

    def plot(self, path=None):
        """The fitted lines against the truth; a ``Figure``."""
        from matplotlib.figure import Figure

        from keras_recipes.plots import save_figure

        fig = Figure(figsize=(5, 3.5))
        ax = fig.add_subplot()
        xs = np.linspace(-1, 1, 10)
        ax.plot(xs, self.true_slope * xs + self.true_intercept, "k--", label="truth")
        for name in self.slopes:
            ax.plot(xs, self.slopes[name] * xs + self.intercepts[name], label=name)
        ax.set(xlabel="x", ylabel="y", title="fits with outliers in the training data")
        ax.legend(fontsize=8)
        fig.tight_layout()
        return save_figure(fig, path)


class _StepNorm(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.largest, self.last = 0.0, self._weights()

    def _weights(self):
        return [keras.ops.convert_to_numpy(v).copy() for v in self.model.trainable_variables]

    def on_train_batch_end(self, batch, logs=None):
        now = self._weights()
        step = np.sqrt(sum(np.sum((a - b) ** 2) for a, b in zip(now, self.last)))
        self.largest, self.last = max(self.largest, float(step)), now


def compare_robust_regression(*, n=200, outlier_fraction=0.1, outlier_size=30.0, epochs=40, clipnorm=1.0,
                              learning_rate=0.05, seed=0):
    """Fit ``y = 2x + 1`` with outliers under MSE, Huber, and MSE with ``clipnorm``; see who is pulled.

    Seed 004 (Huber / smooth L1 "like L2 for small values and L1 for large
    values") and gradient clipping ("if the magnitude of the gradient exceeds
    a threshold, clip it"): a few huge residuals dominate MSE's gradient and
    drag the line; Huber caps each point's pull at ``delta``; clipping caps
    the whole step (``global_clipnorm`` on the optimizer: the norm of all
    gradients together, as the slide's algorithm; Keras's ``clipnorm`` clips
    each variable's gradient separately), which bounds the jumps but not
    the bias. Plain SGD on a one-unit Dense layer, same start.

    >>> result = compare_robust_regression(n=100, epochs=5)  # doctest: +SKIP
    >>> sorted(result.slopes)  # doctest: +SKIP
    ['Huber', 'MSE', 'MSE + clipnorm']

    Args:
        n: training points. Default 200. outlier_fraction: in [0, 1). Default 0.1.
        outlier_size: offset added to the outliers' targets. Default 30.
        epochs: Default 40. clipnorm: the clipped run's ``global_clipnorm``. Default 1.0.
        learning_rate: SGD's. Default 0.05. seed: Default 0.
    Returns:
        a :class:`RegressionComparison`.
    """
    n = require_positive_int("n", n)
    outlier_fraction = require_rate("outlier_fraction", outlier_fraction)
    epochs = require_positive_int("epochs", epochs)
    clipnorm = require_positive_number("clipnorm", clipnorm)
    learning_rate = require_positive_number("learning_rate", learning_rate)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (n, 1)).astype("float32")
    y = (2 * x + 1 + rng.normal(scale=0.1, size=(n, 1))).astype("float32")
    outliers = rng.random(n) < outlier_fraction
    y[outliers] += outlier_size
    x_clean = np.linspace(-1, 1, 50, dtype="float32")[:, None]
    y_clean = 2 * x_clean + 1
    runs = {"MSE": ("mse", {}), "Huber": (keras.losses.Huber(delta=1.0), {}),
            "MSE + clipnorm": ("mse", {"global_clipnorm": clipnorm})}
    slopes, intercepts, mae, steps = {}, {}, {}, {}
    for name, (loss, clip) in runs.items():
        keras.utils.set_random_seed(seed)
        model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
        model.compile(keras.optimizers.SGD(learning_rate, **clip), loss)
        norm = _StepNorm()
        model.fit(x, y, batch_size=16, epochs=epochs, verbose=0, callbacks=[norm], shuffle=False)
        kernel, bias = (keras.ops.convert_to_numpy(v) for v in model.trainable_variables)
        slopes[name], intercepts[name] = float(kernel[0, 0]), float(bias[0])
        mae[name] = float(np.mean(np.abs(model.predict(x_clean, verbose=0) - y_clean)))
        steps[name] = norm.largest
    return RegressionComparison(slopes, intercepts, mae, steps, 2.0, 1.0)

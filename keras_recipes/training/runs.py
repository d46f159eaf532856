"""Side-by-side training runs on one problem: the shared result of this theme's comparisons."""

from dataclasses import dataclass, field

import keras
import numpy as np

from keras_recipes.checks import keras_model_of, require_positive_int


@dataclass(frozen=True)
class Comparison:
    """Runs trained side by side: per-epoch curves and held-out accuracy of each.

    Attributes:
        curves: ``{run: {"loss": [...], "val_loss": [...], "val_accuracy": [...], ...}}``
            (one value per epoch; whatever ``fit`` logged plus extras a
            comparison records, e.g. ``"weight_norm"``).
        val_accuracy: ``{run: validation accuracy at the end}`` (selection).
        test_accuracy: ``{run: test accuracy at the end}`` (reporting only).
        title: what was compared (used by ``plot``).
        curve: the curve ``plot`` draws. Default ``"loss"``.

    >>> c = Comparison({"sgd": {"loss": [2.3, 1.1]}, "adam": {"loss": [2.3, 0.9]}},
    ...                val_accuracy={"sgd": 0.80, "adam": 0.85}, test_accuracy={"sgd": 0.79, "adam": 0.86})
    >>> c.best
    'adam'
    >>> print(c.table().splitlines()[2])
    adam                       0.9000    0.850    0.860 *
    """

    curves: dict
    val_accuracy: dict
    test_accuracy: dict
    title: str = "training runs"
    curve: str = "loss"
    notes: dict = field(default_factory=dict)

    @property
    def best(self):
        """The run with the highest validation accuracy (ties: the first listed)."""
        return max(self.val_accuracy, key=lambda k: (self.val_accuracy[k], -list(self.val_accuracy).index(k)))

    def table(self):
        """One line per run: final training loss, validation and test accuracy; the best marked ``*``."""
        lines = [f"{'run':<22} {'train loss':>10} {'val acc':>8} {'test acc':>8}"]
        for name, curves in self.curves.items():
            mark = " *" if name == self.best else ""
            loss = curves["loss"][-1] if curves.get("loss") else float("nan")
            lines.append(f"{name:<22} {loss:>10.4f} {self.val_accuracy[name]:>8.3f} "
                         f"{self.test_accuracy[name]:>8.3f}{mark}")
        return "\n".join(lines)

    def plot(self, path=None, curve=None):
        """Every run's ``curve`` (default: training loss) against epochs in one axes; a ``Figure``."""
        from matplotlib.figure import Figure

        from keras_recipes.plots import save_figure

        curve = curve or self.curve
        fig = Figure(figsize=(6, 4))
        ax = fig.add_subplot()
        for name, curves in self.curves.items():
            values = curves.get(curve, [])
            ax.plot(np.arange(1, len(values) + 1), values, marker="o", ms=3, label=name)
        ax.set_xlabel("epoch")
        ax.set_ylabel(curve)
        ax.set_title(self.title)
        ax.legend(fontsize=8)
        fig.tight_layout()
        return save_figure(fig, path)


def _accuracy_of(model, x, y, batch_size=256):
    """Plain accuracy of a classifier's argmax on arrays."""
    probs = model.predict(x, batch_size=batch_size, verbose=0)
    return float(np.mean(np.argmax(probs, axis=-1) == np.asarray(y)))


def _fresh_model(build, seed):
    """``build()`` after seeding every generator with ``seed``: the same start for every run."""
    keras.utils.set_random_seed(seed)
    return keras_model_of("build()", build())


def _train_run(build, data, optimizer, *, epochs, seed=0, loss="sparse_categorical_crossentropy",
              callbacks=(), prepare=None, fit_kwargs=None):
    """Seed, build, compile with ``optimizer``, fit on ``data.train``; return ``(model, curves)``.

    ``prepare(model)`` runs after building (e.g. to add L2 penalties).
    """
    epochs = require_positive_int("epochs", epochs)
    model = _fresh_model(build, seed)
    if prepare is not None:
        prepare(model)
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
    history = model.fit(data.train, validation_data=data.validation, epochs=epochs, verbose=0,
                        callbacks=list(callbacks), **(fit_kwargs or {}))
    return model, {k: [float(v) for v in vals] for k, vals in history.history.items()}


def _fit_epochs(model, epochs_data, *, batch_size=32, validation=None):
    """Train a compiled ``model`` one epoch per ``(x, y)`` that ``epochs_data`` yields, in the order given.

    The loop shared by the comparisons that choose each epoch's examples
    themselves (a curriculum's growing easy share, adversarial twins made
    against the current model, a seeded permutation): ``epochs_data`` may be
    a generator, read one epoch at a time, so it can look at the model as
    it trains. Returns the per-epoch logs as lists.
    """
    curves = {}
    for x, y in epochs_data:
        history = model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0, shuffle=False,
                            validation_data=validation)
        for key, values in history.history.items():
            curves.setdefault(key, []).append(float(values[-1]))
    return curves


def _scores(model, data):
    """``(validation accuracy, test accuracy)`` of ``model`` on a ``Splits``."""
    return (_accuracy_of(model, *data.arrays["validation"]), _accuracy_of(model, *data.arrays["test"]))


def _require_splits(name, data):
    """Raise unless ``data`` looks like a ``datasets.Splits`` (train/validation/test + arrays)."""
    if not all(hasattr(data, a) for a in ("train", "validation", "test", "arrays")):
        raise TypeError(f"{name} must be a keras_recipes.datasets.Splits (e.g. load_digits()); "
                        f"received: {type(data).__name__}")
    return data


def _require_builder(name, build):
    """Raise unless ``build`` is a zero-argument callable (returns a fresh model each call)."""
    if not callable(build):
        raise TypeError(f"{name} must be a callable returning a fresh keras.Model or ModelBundle; "
                        f"received: {name}={build!r}")
    return build

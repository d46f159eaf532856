"""Seed 002's seven-step hyperparameter recipe in one call, every step callable alone.

1. check the initial loss (~ log C)            ``trials.check_initial_loss``
2. overfit a small sample                        ``trials.overfit_small_sample``
3. find rates that make the loss drop (~100 it.) ``trials.candidate_rates``
4. coarse grid, train ~1-5 epochs                ``coarse_search``
5. refine around the best, train longer          ``refine_search`` (guided search's narrowed round)
6. look at the learning curves                   ``best_curves`` (retrained) + ``curves.read_curves``
7. GOTO 5 with the curves' advice                ``adjust_space``

Steps 1-3 live one floor down in ``keras_recipes.trials`` (also re-exported by
the ``diagnostics`` theme); this theme owns the search steps, so the recipe
lives here and imports nothing from another theme.
"""

from dataclasses import dataclass, field

import keras
import numpy as np

from keras_recipes.checks import (
    fresh_optimizer, keras_model_of, require_positive_int, require_positive_number, require_rate,
)
from keras_recipes.trials import candidate_rates, check_initial_loss, overfit_small_sample
from keras_recipes.trials.rate_candidates import SLIDE_RATES
from keras_recipes.tuning.curves import CurveReading, read_curves
from keras_recipes.tuning.hypermodel import BundleHyperModel
from keras_recipes.tuning.narrowing import narrow_space
from keras_recipes.tuning.search import guided_search, top_trials, top_values
from keras_recipes.tuning.space import Choice, Fixed, Float

LOSS = "sparse_categorical_crossentropy"


@dataclass
class RecipeReport:
    """Everything :func:`seven_step_recipe` found, step by step.

    Attributes:
        initial_loss, overfit, rates: steps 1-3 (``InitialLossCheck``,
            ``OverfitCheck``, ``RateCandidates``).
        coarse: step 4's ``GuidedSearchResult``.
        refined: step 5's ``GuidedSearchResult`` of each pass (1 + loops).
        readings: step 6's ``CurveReading`` of each pass.
        curves: the best trial's per-epoch curves of each pass.
        best_hyperparameters: of the last pass; ``val_accuracy`` and
            ``test_accuracy`` of its best model (test touched once, here).

    Made by :func:`seven_step_recipe` (which trains: not run here)::

    >>> report = seven_step_recipe(builder, data, directory="/tmp/seven")  # doctest: +SKIP
    >>> print(report.table()); report.plot()  # doctest: +SKIP
    """

    initial_loss: object
    overfit: object
    rates: object
    coarse: object
    refined: list = field(default_factory=list)
    readings: list = field(default_factory=list)
    curves: list = field(default_factory=list)
    best_hyperparameters: dict = field(default_factory=dict)
    val_accuracy: float = float("nan")
    test_accuracy: float = float("nan")

    def table(self):
        """One line per step: what it measured and what it decided."""
        lines = [
            f"1 initial loss    {self.initial_loss.loss:.3f} vs log C {self.initial_loss.expected:.3f}"
            f" ({'ok' if self.initial_loss.ok else 'CHECK'})",
            f"2 overfit sample  accuracy {self.overfit.accuracy:.3f} after {self.overfit.epochs} epochs"
            f" ({'ok' if self.overfit.ok else 'CHECK'})",
            f"3 rates that drop {[f'{r:g}' for r in self.rates.kept]} of {[f'{r:g}' for r in self.rates.rates]}",
            f"4 coarse search   best {_fmt(self.coarse.best_hyperparameters)}"
            f" -> {self.coarse.best_per_round()[-1]:.3f}",
        ]
        for i, (result, reading) in enumerate(zip(self.refined, self.readings)):
            tag = "5 refine" if i == 0 else f"7 loop {i}  "
            lines.append(f"{tag}         best {_fmt(result.best_hyperparameters)}"
                         f" -> {result.best_per_round()[-1]:.3f}")
            lines.append(f"6 curves          {reading.verdict}: {reading.advice}")
        lines.append(f"final             val accuracy {self.val_accuracy:.3f}, "
                     f"test accuracy {self.test_accuracy:.3f}")
        return "\n".join(lines)

    def plot(self, path=None):
        """Step 3's loss per rate (left), the best run's curves of each pass (right); a ``Figure``."""
        from matplotlib.figure import Figure

        from keras_recipes.plots import save_figure

        fig = Figure(figsize=(10, 3.8))
        left, right = fig.subplots(1, 2)
        for rate in self.rates.rates:
            left.plot(np.clip(self.rates.losses[rate], 0, 10), "-" if rate in self.rates.kept else ":",
                      label=f"lr {rate:g}")
        left.set(xlabel="iteration", ylabel="training loss", title="step 3: candidate rates")
        left.legend(fontsize=7)
        for i, (curves, reading) in enumerate(zip(self.curves, self.readings)):
            line, = right.plot(curves.get("loss", []), label=f"pass {i} train")
            right.plot(curves.get("val_loss", []), "--", color=line.get_color(),
                       label=f"pass {i} val ({reading.verdict})")
        right.set(xlabel="epoch", ylabel="loss", title="steps 5-7: best run's curves")
        right.legend(fontsize=7)
        fig.tight_layout()
        return save_figure(fig, path)


def _fmt(values):
    return ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in values.items())


def coarse_space(rates, weight_decays=(0.0, 1e-5, 1e-4)):
    """Step 4's space: learning rate log-uniform around step 3's kept rates (x/3 .. x3), weight decay choices.

    >>> space = coarse_space((1e-2, 1e-3))
    >>> round(space["learning_rate"].min_value, 6), round(space["learning_rate"].max_value, 6)
    (0.000333, 0.03)
    """
    if not rates:
        raise ValueError("rates must hold at least one learning rate that made the loss drop "
                         "(step 3 kept none: check steps 1-2, or try other rates)")
    low, high = min(rates) / 3, max(rates) * 3
    decays = tuple(float(d) for d in weight_decays)
    return {"learning_rate": Float(low, high, log=True),
            "weight_decay": Choice(decays) if len(decays) > 1 else Fixed(decays[0])}


def _search(builder, data, space, *, trials, epochs, directory, name, optimizer, seed, verbose):
    hypermodel = BundleHyperModel(builder, space, seed=seed)
    return guided_search(hypermodel, data.train, validation_data=data.validation, epochs=epochs,
                         trials=(trials,), optimizer=optimizer, directory=directory,
                         project_name=name, overwrite=True, seed=seed, verbose=verbose)


def coarse_search(builder, data, space, *, trials=6, epochs=2, directory="seven_step", optimizer="adam",
                  seed=0, verbose=0):
    """Step 4: "choose a few values of learning rate and weight decay around what worked from step 3,
    train a few models for ~1-5 epochs": one random round of ``guided_search``.

    >>> space = coarse_space((1e-2,))      # around step 3's kept rates
    >>> sorted(space)
    ['learning_rate', 'weight_decay']
    >>> coarse = coarse_search(builder, data, space, trials=6, epochs=2)  # doctest: +SKIP

    Args:
        builder: ``builder(**kwargs) -> ModelBundle`` (as for ``BundleHyperModel``).
        data: a ``datasets.Splits`` (trained on ``train``, scored on ``validation``).
        space: e.g. ``coarse_space(step3.kept)``.
        trials: models to train. Default 6. epochs: each, 1-5. Default 2.
        directory: where the KerasTuner projects go. Default "seven_step".
        optimizer: optimizer name. Default "adam". seed: Default 0.
    Returns:
        a ``GuidedSearchResult``.
    """
    epochs = require_positive_int("epochs", epochs)
    if epochs > 5:
        raise ValueError(f"epochs must be 1-5 for the coarse step (train longer in step 5); "
                         f"received: epochs={epochs!r}")
    return _search(builder, data, space, trials=require_positive_int("trials", trials), epochs=epochs,
                   directory=directory, name="step4_coarse", optimizer=optimizer, seed=seed,
                   verbose=verbose)


def refine_search(builder, data, previous, *, space=None, trials=4, epochs=10, top_k=2, margin=0.25,
                  directory="seven_step", name="step5_refine", optimizer="adam", seed=0, verbose=0):
    """Step 5: "pick the best models from step 4, train them longer (~10-20 epochs)".

    Guided search's narrowing rule: the space is ``narrow_space`` around the
    ``top_k`` trials of ``previous`` (or ``space`` if given, e.g. from
    ``adjust_space``), and every trial trains ``epochs`` epochs at a constant rate.

    >>> refined = refine_search(builder, data, coarse, trials=4, epochs=10)  # doctest: +SKIP
    >>> refined.best_hyperparameters  # doctest: +SKIP
    {'learning_rate': 0.0049..., 'weight_decay': 0.0001}

    Returns:
        a ``GuidedSearchResult``.
    """
    if space is None:
        space = narrow_space(previous.spaces[-1], top_values(previous.tuners[-1], top_k), margin=margin)
    return _search(builder, data, space, trials=require_positive_int("trials", trials),
                   epochs=require_positive_int("epochs", epochs), directory=directory, name=name,
                   optimizer=optimizer, seed=seed, verbose=verbose)


def best_curves(result, data, *, epochs):
    """Step 6's input: the best configuration of ``result`` trained again for ``epochs``, its per-epoch curves.

    KerasTuner keeps only each trial's best epoch, not its curves, so the
    best configuration is rebuilt and retrained (same seed, KerasTuner's own
    ``hypermodel.build`` / ``hypermodel.fit``) with validation, and its
    ``History`` is returned as a dict.

    >>> reading = read_curves(best_curves(refined, data, epochs=10))  # doctest: +SKIP
    """
    tuner = result.tuners[-1]
    hp = top_trials(tuner, 1)[0].hyperparameters
    hypermodel = tuner.hypermodel
    if getattr(hypermodel, "seed", None) is not None:
        keras.utils.set_random_seed(hypermodel.seed)
    model = hypermodel.build(hp)
    history = hypermodel.fit(hp, model, data.train, validation_data=data.validation,
                             epochs=require_positive_int("epochs", epochs), verbose=0)
    return {k: [float(v) for v in vals] for k, vals in getattr(history, "history", history).items()}


def adjust_space(space, best, reading, *, factor=3.0):
    """Step 7: the next pass's space from the curves' verdict, centred on the best values.

    * "rate too high": learning rate range ``best/factor**2 .. best/factor``;
    * "plateau": ``best/factor .. best`` (a smaller rate);
    * "overfitting": weight decay ``best*factor .. best*factor**3`` (more, at least 1e-5);
    * otherwise: ``best/factor**0.5 .. best*factor**0.5`` around the best.

    >>> from keras_recipes.tuning.curves import CurveReading
    >>> s = adjust_space({}, {"learning_rate": 0.03, "weight_decay": 0.0},
    ...                  CurveReading("rate too high", "", {}))
    >>> round(s["learning_rate"].max_value, 4)
    0.01
    """
    if not isinstance(reading, CurveReading):
        raise TypeError(f"reading must be a CurveReading (from read_curves); received: reading={reading!r}")
    if not isinstance(best, dict) or "learning_rate" not in best:
        raise ValueError(f"best must be a dict of hyperparameters with a 'learning_rate'; received: best={best!r}")
    lr = require_positive_number("best['learning_rate']", best["learning_rate"])
    if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not factor > 1:
        raise ValueError(f"factor must be a number > 1 (the space's width); received: factor={factor!r}")
    wd = float(best.get("weight_decay") or 0.0)
    lo, hi = lr / factor**0.5, lr * factor**0.5
    if reading.verdict == "rate too high":
        lo, hi = lr / factor**2, lr / factor
    elif reading.verdict == "plateau":
        lo, hi = lr / factor, lr
    new = dict(space)
    new["learning_rate"] = Float(lo, hi, log=True)
    if reading.verdict == "overfitting":
        base = max(wd, 1e-5)
        new["weight_decay"] = Float(base * factor, base * factor**3, log=True)
    else:
        new["weight_decay"] = Fixed(wd)
    return new


def seven_step_recipe(builder, data, *, optimizer="adam", rates=SLIDE_RATES, weight_decays=(0.0, 1e-5, 1e-4),
                      rate_iterations=100, min_drop=0.25, coarse_trials=6, coarse_epochs=2, refine_trials=4,
                      refine_epochs=10, loops=1, directory="seven_step", seed=0, verbose=0):
    """Seed 002's seven steps on one model family, in one call; a report of every step.

    Steps 1-2 warn (and are reported) but do not stop the recipe; step 3
    must keep at least one rate. Each later step trains fresh models
    (KerasTuner trials) from ``builder``; the caller's objects are never
    trained. Selection uses the validation split; the test split is used
    once, for the final accuracy.

    >>> import functools
    >>> from keras_recipes import datasets, vgg
    >>> data = datasets.load_digits(image_size=8)
    >>> builder = functools.partial(vgg, input_shape=(8, 8, 1), num_classes=10, width=8, depth=(1,))
    >>> report = seven_step_recipe(builder, data, directory="/tmp/seven")  # doctest: +SKIP
    >>> print(report.table()); report.plot()  # doctest: +SKIP

    Args:
        builder: ``builder(**kwargs) -> ModelBundle`` (bind fixed arguments with ``functools.partial``).
        data: a ``datasets.Splits``.
        optimizer: Keras optimizer name for every step. Default "adam".
        rates: step 3's candidates. Default (1e-1, 1e-2, 1e-3, 1e-4).
        weight_decays: step 4's weight decay choices. Default (0, 1e-5, 1e-4).
        rate_iterations: step 3's iterations per rate. Default 100.
        min_drop: step 3's "significant" relative drop of the loss. Default 0.25.
        coarse_trials, coarse_epochs: step 4. Default 6 trials x 2 epochs.
        refine_trials, refine_epochs: step 5 (and each loop). Default 4 x 10.
        loops: how many times step 7 goes back to step 5 (0: none; it also
            stops once the curves read "healthy"). Default 1.
        directory: KerasTuner projects (overwritten). Default "seven_step".
        seed: Default 0. verbose: 1 prints each step. Default 0.
    Returns:
        a :class:`RecipeReport` (``.table()``, ``.plot()``).
    """
    if not callable(builder):
        raise TypeError(f"builder must be callable; received: builder={builder!r}")
    if not all(hasattr(data, a) for a in ("train", "validation", "test", "arrays")):
        raise TypeError(f"data must be a keras_recipes.datasets.Splits; received: {type(data).__name__}")
    _check_recipe_arguments(rates=rates, weight_decays=weight_decays, rate_iterations=rate_iterations,
                            min_drop=min_drop, coarse_trials=coarse_trials, coarse_epochs=coarse_epochs,
                            refine_trials=refine_trials, refine_epochs=refine_epochs, loops=loops)
    keras.utils.set_random_seed(seed)
    model = keras_model_of("builder()", builder())
    model.compile(optimizer=fresh_optimizer("optimizer", optimizer, 1e-3), loss=LOSS)
    say = print if verbose else (lambda *a: None)
    initial = check_initial_loss(model, data.train)                                     # step 1
    say(f"step 1: initial loss {initial.loss:.3f} (log C = {initial.expected:.3f})")
    overfit = overfit_small_sample(model, data.train, batches=2, max_epochs=100, verbose=0)  # step 2
    say(f"step 2: small sample accuracy {overfit.accuracy:.3f}")
    found = candidate_rates(model, data.train, rates=rates, iterations=rate_iterations,
                            min_drop=min_drop)  # step 3
    say(f"step 3: rates that make the loss drop: {found.kept}")
    space = coarse_space(found.kept, weight_decays)
    coarse = coarse_search(builder, data, space, trials=coarse_trials, epochs=coarse_epochs,  # step 4
                           directory=directory, optimizer=optimizer, seed=seed)
    say(f"step 4: coarse best {_fmt(coarse.best_hyperparameters)}")
    report = RecipeReport(initial, overfit, found, coarse)
    previous, next_space = coarse, None
    for i in range(loops + 1):
        result = refine_search(builder, data, previous, space=next_space, trials=refine_trials,  # step 5
                               epochs=refine_epochs, directory=directory, name=f"step5_pass{i}",
                               optimizer=optimizer, seed=seed)
        curves = best_curves(result, data, epochs=refine_epochs)
        reading = read_curves(curves)                                                     # step 6
        report.refined.append(result), report.readings.append(reading), report.curves.append(curves)
        say(f"step 5/6 pass {i}: best {_fmt(result.best_hyperparameters)}; curves: {reading.verdict}")
        if reading.verdict == "healthy":
            break
        previous = result                                                                 # step 7
        next_space = adjust_space(result.spaces[-1], result.best_hyperparameters, reading)
    best = max(report.refined, key=lambda r: r.best_per_round()[-1])
    report.best_hyperparameters = dict(best.best_hyperparameters)
    report.val_accuracy = _accuracy(best.best_model, *data.arrays["validation"])
    report.test_accuracy = _accuracy(best.best_model, *data.arrays["test"])
    return report


def _check_recipe_arguments(*, rates, weight_decays, rate_iterations, min_drop, coarse_trials, coarse_epochs,
                            refine_trials, refine_epochs, loops):
    """Every step's arguments checked at the door, so a bad one fails before step 1 trains anything."""
    if isinstance(rates, (int, float)) or not len(rates):
        raise ValueError(f"rates must be a non-empty list of learning rates; received: rates={rates!r}")
    for rate in rates:
        require_positive_number("rates entries", rate)
    if isinstance(weight_decays, (int, float)) or not len(weight_decays):
        raise ValueError(f"weight_decays must be a non-empty list of numbers >= 0; "
                         f"received: weight_decays={weight_decays!r}")
    for decay in weight_decays:
        require_positive_number("weight_decays entries", decay, allow_zero=True)
    if require_positive_int("rate_iterations", rate_iterations) < 15:
        raise ValueError(f"rate_iterations must be >= 15 (step 3 compares the first 5 losses with the last 10); "
                         f"received: rate_iterations={rate_iterations!r}")
    require_rate("min_drop", min_drop)
    require_positive_int("coarse_trials", coarse_trials)
    if require_positive_int("coarse_epochs", coarse_epochs) > 5:
        raise ValueError(f"coarse_epochs must be 1-5 (step 4 is short; step 5 trains longer); "
                         f"received: coarse_epochs={coarse_epochs!r}")
    require_positive_int("refine_trials", refine_trials)
    require_positive_int("refine_epochs", refine_epochs)
    if isinstance(loops, bool) or not isinstance(loops, int) or loops < 0:
        raise ValueError(f"loops must be an int >= 0 (how often step 7 goes back to step 5); received: loops={loops!r}")


def _accuracy(model, x, y):
    return float(np.mean(np.argmax(model.predict(x, verbose=0), axis=-1) == np.asarray(y)))


__all__ = ["RecipeReport", "adjust_space", "best_curves", "coarse_search", "coarse_space",
           "refine_search", "seven_step_recipe"]

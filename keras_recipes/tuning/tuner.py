"""The KerasTuner pieces one round of guided search runs on: warm-started oracles, a tuner.

KerasTuner samples the first trials at random; it has no way to say "try
this known-good configuration first". ``WarmStartMixin`` adds that to any
oracle by answering ``populate_space`` with the given configurations until
each has been tried. Because KerasTuner records every tried configuration
(``_tried_so_far``, saved with the oracle), a resumed search does not run a
warm start twice. The private KerasTuner calls this needs live in
``_kt_private``.
"""

import json
import os

import keras_tuner

from keras_recipes.checks import require_choice
from keras_recipes.tuning._kt_private import LazyTensorBoardMixin, already_tried


class WarmStartMixin:
    """Run ``warm_start`` configurations (dicts name -> value) as the first trials.

    Missing names take the space's default value. Mix in before a
    KerasTuner oracle class (see ``ORACLES``).
    """

    def __init__(self, *args, warm_start=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.warm_start = [dict(config) for config in warm_start]

    def populate_space(self, trial_id):
        for config in self.warm_start:
            hps = self.hyperparameters.copy()
            hps.values.update(config)
            if not already_tried(self, hps.values):
                return {"status": keras_tuner.engine.trial.TrialStatus.RUNNING,
                        "values": hps.values}
        return super().populate_space(trial_id)


class WarmRandomSearchOracle(WarmStartMixin, keras_tuner.oracles.RandomSearchOracle):
    """KerasTuner's random-search oracle with warm-start configurations first."""


class WarmBayesianOptimizationOracle(WarmStartMixin, keras_tuner.oracles.BayesianOptimizationOracle):
    """KerasTuner's Bayesian-optimisation oracle with warm-start configurations first."""


ORACLES = {"random": WarmRandomSearchOracle, "bayesian": WarmBayesianOptimizationOracle}

TUNER_ID_FILE = "tuner_id.json"


def make_oracle(kind, *, objective, max_trials, hyperparameters, seed, warm_start=(),
                num_initial_points=None):
    """An oracle of ``kind`` ("random" or "bayesian") over a fixed space.

    New hyperparameters met while building are refused
    (``allow_new_entries=False``): the space is declared up front.
    ``num_initial_points`` goes to the Bayesian oracle (its random trials
    before the Gaussian process; None: KerasTuner's ``max(3 x dimensions, 3)``).
    """
    require_choice("oracle", kind, sorted(ORACLES))
    extra = {"num_initial_points": num_initial_points} if kind == "bayesian" else {}
    return ORACLES[kind](
        objective=objective, max_trials=max_trials, hyperparameters=hyperparameters,
        seed=seed, warm_start=warm_start, allow_new_entries=False, **extra,
    )


def random_start(kind, num_initial_points, dimensions):
    """How many trials of a stage ``kind``'s oracle samples at random before it models the results.

    >>> random_start("bayesian", None, 4), random_start("bayesian", 3, 4), random_start("random", None, 4)
    (12, 3, inf)
    """
    if kind == "random":
        return float("inf")
    return num_initial_points or max(3 * dimensions, 3)


class GuidedTuner(LazyTensorBoardMixin, keras_tuner.Tuner):
    """``keras_tuner.Tuner`` that also records which tuner (worker) ran each trial.

    KerasTuner already starts every trial from a clean Keras session
    (``Tuner._try_build`` calls ``keras.backend.clear_session()`` and
    ``gc.collect()``); this class keeps that and writes
    ``trial_<id>/tuner_id.json`` so a distributed search shows how its trials
    were spread. It saves the project before the first trial, so a search
    killed during it resumes that trial. It also imports TensorBoard only when a ``TensorBoard``
    callback is used (``_kt_private.LazyTensorBoardMixin``): KerasTuner 1.4
    imports it for every trial on the TensorFlow backend, and TensorFlow
    >= 2.20 no longer installs it.
    """

    def on_search_begin(self):
        # Save before the first trial: KerasTuner reloads a project only if its
        # tuner file exists, which it otherwise writes after the first trial, so
        # a kill during a round's first trial would lose that trial's record.
        super().on_search_begin()
        self.save()

    def on_trial_begin(self, trial):
        super().on_trial_begin(trial)
        path = os.path.join(self.get_trial_dir(trial.trial_id), TUNER_ID_FILE)
        with open(path, "w") as f:
            json.dump({"tuner_id": self.tuner_id}, f)


def trial_tuner_id(tuner, trial_id):
    """The tuner id recorded for ``trial_id``, or None if it never started."""
    path = os.path.join(tuner.project_dir, f"trial_{trial_id}", TUNER_ID_FILE)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)["tuner_id"]

"""Guided (coarse-to-fine) hyperparameter search, diagram A8, in one call.

Round 0 explores the initial space with KerasTuner's random or Bayesian
oracle; every later round searches a space narrowed around the previous
round's top-k trials (``narrow_space``). All rounds live in one project
directory (``<directory>/<project_name>/round<r>/``, plus the manifest
``guided_search.json``), so a search that was interrupted, even by SIGKILL
in the middle of a trial, resumes where it stopped: finished trials are
reloaded, not run again, across round boundaries too.
"""

import math
import os

import keras
import keras_tuner

from keras_recipes.checks import require_choice, require_positive_int, require_positive_number
from keras_recipes.tuning import distributed
from keras_recipes.tuning.narrowing import narrow_space
from keras_recipes.tuning.project import Project
from keras_recipes.tuning.result import GuidedSearchResult
from keras_recipes.tuning.space import (
    check_values, format_space, space_from_json, space_to_json, to_hyperparameters,
)
from keras_recipes.tuning.tuner import ORACLES, GuidedTuner, make_oracle, trial_tuner_id


def logged_metric_names(hypermodel, *fit_args, **fit_kwargs):
    """The names a trial's training logs, found by one training and one validation step.

    Builds the model at the space's default values and runs the trainer for
    a single step (``steps_per_epoch=1``, ``validation_steps=1``), so an
    objective can be checked before the first real trial.
    """
    hp = keras_tuner.HyperParameters()
    model = hypermodel.build(hp)
    kwargs = {**fit_kwargs, "epochs": 1, "steps_per_epoch": 1, "verbose": 0, "callbacks": []}
    if kwargs.get("validation_data") is not None:
        kwargs["validation_steps"] = 1
    logs = hypermodel.fit(hp, model, *fit_args, **kwargs)
    keras.backend.clear_session()
    return sorted(getattr(logs, "history", logs))


def check_objective(objective, available):
    """Raise ``ValueError`` unless the objective's name is among ``available``."""
    if objective.name not in available:
        hint = (" (pass validation_data= to search a val_ metric)"
                if objective.name.startswith("val_") and not any(
                    a.startswith("val_") for a in available) else "")
        raise ValueError(
            f"objective {objective.name!r} is not logged by this model's training; "
            f"it logs: {available}{hint}"
        )


def _resolve_objective(objective):
    # An oracle turns a name into an Objective with its direction (or raises).
    return keras_tuner.oracles.RandomSearchOracle(objective=objective, max_trials=1).objective


def _check_rounds(trials, top_k, margin):
    if isinstance(trials, int) or not trials:
        raise ValueError(
            "trials must be a list of trial counts, one per round, e.g. (8, 8); "
            f"received: trials={trials!r}"
        )
    trials = [require_positive_int("trials entries", n) for n in trials]
    top_k = require_positive_int("top_k", top_k)
    if len(trials) > 1 and top_k > min(trials[:-1]):
        raise ValueError(
            f"top_k must not exceed the trials of any round that is narrowed from; "
            f"received: top_k={top_k}, trials={trials}"
        )
    require_positive_number("margin", margin, allow_zero=True)
    return trials, top_k


def top_trials(tuner, k):
    """The ``k`` best completed trials of ``tuner``, ties broken by trial id.

    KerasTuner's ``get_best_trials`` breaks ties by the order trials were
    loaded, which differs after a resume; narrowing must not.
    """
    objective = tuner.oracle.objective
    sign = -1 if objective.direction == "max" else 1
    done = [t for t in tuner.oracle.trials.values()
            if t.status == "COMPLETED" and t.score is not None]
    return sorted(done, key=lambda t: (sign * t.score, t.trial_id))[:k]


def top_values(tuner, k):
    """The hyperparameter values of ``top_trials(tuner, k)``."""
    return [dict(t.hyperparameters.values) for t in top_trials(tuner, k)]


def _rows(round_index, tuner):
    rows = []
    for trial_id in sorted(tuner.oracle.trials):
        trial = tuner.oracle.trials[trial_id]
        score = trial.score if trial.status == "COMPLETED" and trial.score is not None else math.nan
        rows.append({"round": round_index, "trial_id": trial_id, "status": trial.status,
                     "score": float(score), "tuner_id": trial_tuner_id(tuner, trial_id),
                     **trial.hyperparameters.values})
    return rows


def _collect(tuners, spaces, objective):
    candidates = [(top_trials(t, 1), r, t) for r, t in enumerate(tuners)]
    candidates = [(best[0], r, t) for best, r, t in candidates if best]
    if not candidates:
        raise RuntimeError("no trial completed; see the trial messages in the project directory")
    sign = -1 if objective.direction == "max" else 1
    best_trial, _, best_tuner = min(candidates, key=lambda c: (sign * c[0].score, c[1]))
    return GuidedSearchResult(
        best_hyperparameters=dict(best_trial.hyperparameters.values),
        best_model=best_tuner.load_model(best_trial),
        trials=[row for r, t in enumerate(tuners) for row in _rows(r, t)],
        spaces=spaces, objective=objective.name, direction=objective.direction,
        tuners=tuners,
    )


def guided_search(hypermodel, *fit_args, trials=(8, 8), objective="val_accuracy", top_k=3,
                  margin=0.25, oracle="random", warm_start=(), directory="tuning",
                  project_name="guided_search", overwrite=False, on_change="raise", seed=0,
                  verbose=1, **fit_kwargs):
    """Coarse-to-fine search: a random/Bayesian round, then rounds narrowed around the best.

    Diagram A8 ("Automatic (Guided) Hyperparameter Tuning"). Round 0 runs
    ``trials[0]`` trials over the hypermodel's space; round ``r`` runs
    ``trials[r]`` trials over ``narrow_space(space of round r-1, top-k
    values of round r-1, margin=margin)``. The space of every round is
    recorded in the project and printed.

    Resuming (``overwrite=False``, the default) reloads finished trials of
    every round and re-runs only the one that was interrupted. If the
    project was started with another space, objective, oracle, trials,
    top_k, margin, seed or warm start, resuming raises ``ValueError`` naming
    the change; ``on_change="restart"`` deletes the old project instead.
    The objective is checked against what training actually logs (one step)
    before the first trial. Every trial starts from a clean Keras session
    (KerasTuner clears it before each build).

    In KerasTuner's distributed mode (see ``keras_recipes.tuning.distributed``)
    the chief serves the oracle of each round and narrows between rounds,
    workers run trials; workers return None.

    ```python
    import functools
    from keras_recipes import datasets, vgg
    from keras_recipes.tuning import BundleHyperModel, Choice, Float, Int, guided_search
    splits = datasets.load_digits(image_size=8)
    builder = functools.partial(vgg, input_shape=(8, 8, 1), num_classes=10, depth=(1,))
    hypermodel = BundleHyperModel(builder, {
        "width": Int(4, 32, log=True),
        "learning_rate": Float(1e-4, 1e-1, log=True),
        "optimizer": Choice(["adam", "sgd"]),
    })
    result = guided_search(hypermodel, splits.train, validation_data=splits.validation,
                           epochs=2, trials=(6, 4), top_k=2, directory="/tmp/tuning",
                           warm_start=[{"width": 8, "learning_rate": 3e-3, "optimizer": "adam"}])
    print(result.table()); result.plot()
    ```

    Args:
        hypermodel: a ``BundleHyperModel``.
        *fit_args, **fit_kwargs: passed to every trial's trainer (data,
            ``validation_data``, ``epochs``, ``callbacks``...).
        trials: trial count of each round; two entries = one narrowing.
            Default (8, 8).
        objective: metric name (e.g. "val_accuracy", "val_loss") or a
            ``keras_tuner.Objective``. Default "val_accuracy".
        top_k: how many best trials of a round define the next space. Default 3.
        margin: widening of each narrowed range, as a fraction of the top-k
            span on the sampling scale. Default 0.25.
        oracle: "random" or "bayesian" (KerasTuner's oracles). Default "random".
        warm_start: configurations (dicts name -> value) run as the first
            trials of round 0; names left out take the space's default.
        directory, project_name: the project lives in ``directory/project_name``.
        overwrite: delete an existing project first. Default False (resume).
        on_change: "raise" (default) or "restart" when an existing project
            was started with other settings.
        seed: seed of the oracles (round r uses ``seed + r``). Default 0.
        verbose: 0 silent, 1 KerasTuner's per-trial display and the spaces.
    Returns:
        a ``GuidedSearchResult`` (None on a distributed worker).
    """
    trials, top_k = _check_rounds(trials, top_k, margin)
    require_choice("oracle", oracle, sorted(ORACLES))
    objective = _resolve_objective(objective)
    space = hypermodel.declared_space()
    hypermodel.check_keys(space)
    if isinstance(warm_start, dict):
        warm_start = [warm_start]
    warm_start = [check_values(c, space, f"warm_start[{i}]") for i, c in enumerate(warm_start)]
    if len(warm_start) > trials[0]:
        raise ValueError(f"warm_start has {len(warm_start)} configurations but round 0 "
                         f"runs only trials[0]={trials[0]}")
    role = distributed.role()
    root = os.path.join(directory, project_name)
    project = None
    if role != "worker":
        settings = {"space": space_to_json(space), "objective": objective.name,
                    "direction": objective.direction, "oracle": oracle, "trials": trials,
                    "top_k": top_k, "margin": margin, "seed": seed, "warm_start": warm_start}
        project = Project.open(root, settings, overwrite=overwrite, on_change=on_change)
        check_objective(objective, logged_metric_names(hypermodel, *fit_args, **fit_kwargs))

    tuners, spaces = [], []
    for r, max_trials in enumerate(trials):
        if project is not None:
            if r > 0:
                recorded = project.round_space(r)
                space = (space_from_json(recorded) if recorded is not None
                         else narrow_space(spaces[-1], top_values(tuners[-1], top_k), margin=margin))
            project.record_round(r, space_to_json(space))
            if verbose:
                kind = "initial" if r == 0 else f"narrowed around the top {top_k} of round {r - 1}"
                print(f"Guided search round {r} ({kind}), {max_trials} trials:\n{format_space(space)}")
        spaces.append(space)
        with distributed.round_port(r):
            tuner = GuidedTuner(
                oracle=make_oracle(oracle, objective=objective, max_trials=max_trials,
                                   hyperparameters=to_hyperparameters(space), seed=seed + r,
                                   warm_start=warm_start if r == 0 else ()),
                hypermodel=hypermodel, directory=root, project_name=f"round{r}",
                overwrite=False)
            if role == "chief":
                distributed.serve_oracle(tuner)
            else:
                tuner.search(*fit_args, verbose=verbose, **fit_kwargs)
        tuners.append(tuner)
    if role == "worker":
        return None
    return _collect(tuners, spaces, objective)

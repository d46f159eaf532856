"""Guided (coarse-to-fine) hyperparameter search, diagram A8, in one call.

Round 0 explores the initial space with KerasTuner's random or Bayesian
oracle; every later round is a beam: one neighbourhood (half to twice each
value, ``beam_spaces``) around each of the previous round's top-k trials,
the round's trials split among them, each neighbourhood searched by its own
oracle (``narrowing="hull"`` instead searches one space around all top-k,
``narrow_space``). Everything lives in one project directory
(``<directory>/<project_name>/round<r>/`` or ``round<r>_n<j>/`` for
neighbourhood j, plus the manifest ``guided_search.json``), so a search that
was interrupted, even by SIGKILL in the middle of a trial, resumes where it
stopped: finished trials are reloaded, not run again, across round and
neighbourhood boundaries too.
"""

import math
import os
import warnings

import keras
import keras_tuner

from keras_recipes.checks import require_choice, require_positive_int, require_positive_number

NARROWING = ("beam", "hull")
from keras_recipes.tuning import distributed
from keras_recipes.tuning.narrowing import beam_spaces, envelope, narrow_space
from keras_recipes.tuning.project import Project
from keras_recipes.tuning.result import GuidedSearchResult
from keras_recipes.tuning.space import (
    check_values, format_space, space_from_json, space_to_json, to_hyperparameters,
)
from keras_recipes.tuning.tuner import (
    ORACLES, GuidedTuner, make_oracle, random_start, trial_tuner_id,
)


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


def round_top(stages, k):
    """The ``k`` best completed trials over the stages (neighbourhoods) of one round.

    ``stages`` are guided search's stage records (``{"tuner", "round",
    "neighbourhood", ...}``); returns ``(stage, trial)`` pairs, best first,
    ties broken by stage order then trial id.
    """
    candidates = [(i, stage, t) for i, stage in enumerate(stages)
                  for t in top_trials(stage["tuner"], k)]
    if not candidates:
        return []
    sign = -1 if stages[0]["tuner"].oracle.objective.direction == "max" else 1
    candidates.sort(key=lambda c: (sign * c[2].score, c[0], c[2].trial_id))
    return [(stage, t) for _, stage, t in candidates[:k]]


def row_trial_id(stage, trial_id):
    """A trial's id in the result: KerasTuner's, prefixed ``n<j>-`` in neighbourhood j of a beam.

    So ``(round, trial_id)`` names one trial (KerasTuner numbers each
    neighbourhood's trials from 0).
    """
    return trial_id if stage["neighbourhood"] is None else f"n{stage['neighbourhood']}-{trial_id}"


def trial_label(stage, trial_id):
    """How the table's ``from`` column names a trial: ``r<round>:<row trial id>``."""
    return f"r{stage['round']}:{row_trial_id(stage, trial_id)}"


def split_trials(total, k):
    """``total`` trials over ``k`` neighbourhoods, best first: ``split_trials(5, 2) == [3, 2]``."""
    return [total // k + (1 if j < total % k else 0) for j in range(k)]


def _rows(stage):
    rows = []
    tuner = stage["tuner"]
    for trial_id in sorted(tuner.oracle.trials):
        trial = tuner.oracle.trials[trial_id]
        score = trial.score if trial.status == "COMPLETED" and trial.score is not None else math.nan
        rows.append({"round": stage["round"], "trial_id": row_trial_id(stage, trial_id),
                     "status": trial.status,
                     "score": float(score), "tuner_id": trial_tuner_id(tuner, trial_id),
                     "neighbourhood": stage["neighbourhood"], "around": stage["around"],
                     **trial.hyperparameters.values})
    return rows


def _collect(stages, spaces, neighbourhoods, objective):
    candidates = [(top_trials(s["tuner"], 1), i, s["tuner"]) for i, s in enumerate(stages)]
    candidates = [(best[0], i, t) for best, i, t in candidates if best]
    if not candidates:
        raise RuntimeError("no trial completed; see the trial messages in the project directory")
    sign = -1 if objective.direction == "max" else 1
    best_trial, _, best_tuner = min(candidates, key=lambda c: (sign * c[0].score, c[1]))
    return GuidedSearchResult(
        best_hyperparameters=dict(best_trial.hyperparameters.values),
        best_model=best_tuner.load_model(best_trial),
        trials=[row for s in stages for row in _rows(s)],
        spaces=spaces, objective=objective.name, direction=objective.direction,
        tuners=[s["tuner"] for s in stages], neighbourhoods=neighbourhoods,
    )


def _round_plan(trials, top_k, narrowing):
    """Per round, the trial count of each of its stages (one oracle each).

    Known to every process before any trial runs, so distributed workers
    follow the chief's stages (and ports) without being told.
    """
    plan = [[trials[0]]]
    for n in trials[1:]:
        plan.append(split_trials(n, min(top_k, n)) if narrowing == "beam" else [n])
    return plan


def _beam(initial, previous, top_k, count, spread):
    """``count`` neighbourhoods around the best trials of the previous round's stages.

    If fewer than ``count`` trials completed, the best ones take the extra
    neighbourhoods in turn (each with its own oracle seed).
    """
    top = round_top(previous, top_k)
    if not top:
        raise RuntimeError("no trial of the previous round completed; nothing to narrow around")
    centres = [top[j % len(top)] for j in range(count)]
    spaces = beam_spaces(initial, [dict(t.hyperparameters.values) for _, t in centres],
                         spread=spread)
    return [{"around": trial_label(stage, t.trial_id), "space": space}
            for (stage, t), space in zip(centres, spaces)]


def guided_search(hypermodel, *fit_args, trials=(8, 8), objective="val_accuracy", top_k=3,
                  margin=0.25, oracle="random", warm_start=(), directory="tuning",
                  project_name="guided_search", overwrite=False, on_change="raise", seed=0,
                  round_epochs=None, narrowing="beam", spread=2.0, num_initial_points=None,
                  verbose=1, **fit_kwargs):
    """Coarse-to-fine search: a random/Bayesian round, then a beam around the best.

    Diagram A8 ("Automatic (Guided) Hyperparameter Tuning"). Round 0 runs
    ``trials[0]`` trials over the hypermodel's space. Each later round ``r``
    is a beam: the top ``k = min(top_k, trials[r])`` trials of round ``r-1``
    each get their own neighbourhood (``beam_spaces``: half to twice each
    numeric value with the default ``spread=2``, on the log scale for
    log-sampled parameters; choices fixed to the trial's), and the round's
    ``trials[r]`` trials are split among them, best first
    (``split_trials``), each neighbourhood searched by its own oracle. So
    two good but distant configurations are refined separately instead of
    the whole range between them. ``narrowing="hull"`` searches one space
    around all top-k instead (``narrow_space``, widened by ``margin``).
    ``round_epochs`` lets narrowed rounds train longer. Every neighbourhood
    is recorded in the project and printed; ``result.table()`` names the
    trial each neighbourhood grew from.

    Resuming (``overwrite=False``, the default) reloads finished trials of
    every round and re-runs only the one that was interrupted. If the
    project was started with another space, objective, oracle, trials,
    top_k, margin, narrowing, spread, seed or warm start, resuming raises
    ``ValueError`` naming the change; ``on_change="restart"`` deletes the old
    project instead. The objective is checked against what training
    actually logs (one step) before the first trial. Every trial starts
    from a clean Keras session (KerasTuner clears it before each build).

    In KerasTuner's distributed mode (see ``keras_recipes.tuning.distributed``)
    the chief serves the oracle of each neighbourhood in turn and narrows
    between rounds, workers run trials; workers return None.

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
        top_k: how many best trials of a round the next round narrows
            around: the beam's width (neighbourhoods per round, at most that
            round's trials). Default 3.
        margin: with ``narrowing="hull"``, widening of each narrowed range,
            as a fraction of the top-k span on the sampling scale. Default 0.25.
        oracle: "random" or "bayesian" (KerasTuner's oracles). Default "random".
        warm_start: configurations (dicts name -> value) run as the first
            trials of round 0; names left out take the space's default.
        directory, project_name: the project lives in ``directory/project_name``.
        overwrite: delete an existing project first. Default False (resume).
        on_change: "raise" (default) or "restart" when an existing project
            was started with other settings.
        seed: seed of the oracles (the i-th oracle, counting every round's
            neighbourhoods in order, uses ``seed + i``). Default 0.
        round_epochs: optional training epochs of each round, one per entry
            of ``trials`` (the seven-step recipe's "refine, train longer":
            e.g. ``(1, 3)``); overrides ``epochs=`` round by round. Default
            None: every round trains ``epochs``.
        narrowing: "beam" (default: one neighbourhood per kept trial) or
            "hull" (one space around all of them).
        spread: with the beam, each neighbourhood spans ``value / spread``
            to ``value * spread``; > 1. Default 2.0 (half to twice).
        num_initial_points: with ``oracle="bayesian"``, the random trials
            each stage runs before KerasTuner's Gaussian process proposes
            (a positive int). Default None: KerasTuner's ``max(3 x
            dimensions, 3)``, 12 for four hyperparameters, so a stage of
            fewer trials is random search; a ``UserWarning`` says so.
        verbose: 0 silent, 1 KerasTuner's per-trial display and the spaces.
    Returns:
        a ``GuidedSearchResult`` (None on a distributed worker).
    """
    trials, top_k = _check_rounds(trials, top_k, margin)
    require_choice("narrowing", narrowing, NARROWING)
    if isinstance(spread, bool) or not isinstance(spread, (int, float)) or not spread > 1:
        raise ValueError(f"spread must be a number > 1 (2.0: half to twice); received: spread={spread!r}")
    if round_epochs is not None:
        if isinstance(round_epochs, int) or len(round_epochs) != len(trials):
            raise ValueError(f"round_epochs must give one epoch count per round "
                             f"({len(trials)} rounds); received: round_epochs={round_epochs!r}")
        round_epochs = [require_positive_int("round_epochs entries", e) for e in round_epochs]
    require_choice("oracle", oracle, sorted(ORACLES))
    if num_initial_points is not None:
        if oracle != "bayesian":
            raise ValueError(f"num_initial_points applies to oracle='bayesian' only; received: "
                             f"num_initial_points={num_initial_points!r} with oracle={oracle!r}")
        require_positive_int("num_initial_points", num_initial_points)
    objective = _resolve_objective(objective)
    space = hypermodel.declared_space()
    hypermodel.check_keys(space)
    _warn_if_bayesian_is_random(oracle, num_initial_points, len(space), trials)
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
        if round_epochs is not None:  # only when given: older manifests stay valid
            settings["round_epochs"] = round_epochs
        if narrowing == "beam":  # likewise: a hull project's manifest is unchanged
            settings.update(narrowing=narrowing, spread=spread)
        if num_initial_points is not None:  # likewise
            settings["num_initial_points"] = num_initial_points
        # The objective is checked first: a refused search writes no manifest, so the
        # corrected rerun starts cleanly.
        check_objective(objective, logged_metric_names(hypermodel, *fit_args, **fit_kwargs))
        project = Project.open(root, settings, overwrite=overwrite, on_change=on_change)

    initial = space
    stages, spaces, neighbourhoods = [], [], []
    for r, counts in enumerate(_round_plan(trials, top_k, narrowing)):
        beam_round = r > 0 and narrowing == "beam"
        previous = [s for s in stages if s["round"] == r - 1]
        if project is None:  # a worker: the chief's oracles hold the narrowed spaces
            parts = [{"around": None, "space": initial}] * len(counts)
        else:
            recorded = project.round_space(r) if r > 0 else None
            if recorded is not None:
                parts = _round_from_json(recorded)
            elif r == 0:
                parts = [{"around": None, "space": initial}]
            elif beam_round:
                parts = _beam(initial, previous, top_k, len(counts), spread)
            else:
                top = [dict(t.hyperparameters.values) for _, t in round_top(previous, top_k)]
                parts = [{"around": None, "space": narrow_space(spaces[-1], top, margin=margin)}]
            project.record_round(r, _round_to_json(parts, beam_round))
            if verbose:
                print(_describe_round(r, parts, counts, top_k, beam_round))
        spaces.append(envelope(initial, [p["space"] for p in parts]) if beam_round
                      else parts[0]["space"])
        neighbourhoods.append(parts)
        for j, (count, part) in enumerate(zip(counts, parts)):
            index = len(stages)
            with distributed.round_port(index):
                tuner = GuidedTuner(
                    oracle=make_oracle(oracle, objective=objective, max_trials=count,
                                       hyperparameters=to_hyperparameters(part["space"]),
                                       seed=seed + index, warm_start=warm_start if r == 0 else (),
                                       num_initial_points=num_initial_points),
                    hypermodel=hypermodel, directory=root,
                    project_name=f"round{r}_n{j}" if beam_round else f"round{r}", overwrite=False)
                if role == "chief":
                    distributed.serve_oracle(tuner)
                else:
                    round_kwargs = dict(fit_kwargs)
                    if round_epochs is not None:
                        round_kwargs["epochs"] = round_epochs[r]
                    tuner.search(*fit_args, verbose=verbose, **round_kwargs)
            stages.append({"round": r, "neighbourhood": j if beam_round else None,
                           "around": part["around"], "tuner": tuner})
    if role == "worker":
        return None
    return _collect(stages, spaces, neighbourhoods, objective)


def _warn_if_bayesian_is_random(oracle, num_initial_points, dimensions, trials):
    start = random_start(oracle, num_initial_points, dimensions)
    if oracle == "bayesian" and trials[0] <= start:
        why = (f"num_initial_points={num_initial_points}" if num_initial_points is not None
               else f"KerasTuner's default: 3 x the {dimensions} hyperparameters")
        warnings.warn(
            f"oracle='bayesian' samples the first {start} trials of every stage at random ({why}); "
            f"round 0 runs {trials[0]}, so it is random search. Pass num_initial_points= below "
            f"{trials[0]} to let the Gaussian process propose.", UserWarning, stacklevel=3)


def _round_to_json(parts, beam_round):
    if not beam_round:
        return space_to_json(parts[0]["space"])
    return [{"around": p["around"], "space": space_to_json(p["space"])} for p in parts]


def _round_from_json(recorded):
    if isinstance(recorded, list):
        return [{"around": p["around"], "space": space_from_json(p["space"])} for p in recorded]
    return [{"around": None, "space": space_from_json(recorded)}]


def _describe_round(r, parts, counts, top_k, beam_round):
    if r == 0:
        return f"Guided search round 0 (initial), {counts[0]} trials:\n{format_space(parts[0]['space'])}"
    if not beam_round:
        return (f"Guided search round {r} (narrowed around the top {top_k} of round {r - 1}), "
                f"{counts[0]} trials:\n{format_space(parts[0]['space'])}")
    return "\n".join(
        f"Guided search round {r}, neighbourhood {j} (around trial {p['around']}), {n} trials:\n"
        f"{format_space(p['space'])}" for j, (p, n) in enumerate(zip(parts, counts)))

"""Checks for notebook 04, Automatic (Guided) Hyperparameter Tuning."""

import math

from keras_recipes.labs.core import check_number, expect, passed, require_answer


def check_log_uniform_rate(space, low=1e-4, high=1e-1):
    """Exercise 1: ``space["learning_rate"]`` samples log-uniformly between ``low`` and ``high``."""
    __tracebackhide__ = True
    from keras_recipes.tuning import Float

    hint = "tuning.Float(min, max, log=True) samples evenly in log(learning rate)"
    require_answer(space, "space", hint)
    expect(isinstance(space, dict) and "learning_rate" in space,
           "space must be a dict with a 'learning_rate' entry.", hint)
    rate = space["learning_rate"]
    expect(isinstance(rate, Float), f"space['learning_rate'] is a {type(rate).__name__}; a rate is a "
           "continuous number.", hint)
    expect(math.isclose(rate.min_value, low) and math.isclose(rate.max_value, high),
           f"the range is [{rate.min_value:g}, {rate.max_value:g}], not the one asked for.",
           "read the range in the exercise again")
    expect(rate.log, "the rate is sampled uniformly: 90% of the trials would land above "
           f"{high / 10:g}.", hint)
    passed(f"learning_rate ~ log-uniform[{low:g}, {high:g}]: every decade gets the same share of trials")


def check_fraction_below(value, low=1e-4, high=1e-1, threshold=1e-2):
    """Exercise 2: the share of log-uniform samples in [low, high] that fall below ``threshold``."""
    __tracebackhide__ = True
    expected = (math.log10(threshold) - math.log10(low)) / (math.log10(high) - math.log10(low))
    check_number(value, expected=expected, tolerance=0.01, name="fraction_below",
                 hint="log-uniform: count decades, not numbers")


def check_best_trial(trial, result):
    """Exercise 3: ``(round, trial_id)`` of the best validation score over all rounds (never the test split).

    Trial ids restart in every round, so a trial is named by its round and its id.
    """
    __tracebackhide__ = True
    hint = f"the objective is {result.objective} ({result.direction}imise it); look at every round"
    require_answer(trial, "best_trial", hint)
    expect(isinstance(trial, (tuple, list)) and len(trial) == 2,
           f"best_trial must be a pair (round, trial_id); received {trial!r}.",
           "trial ids restart in every round: give the round too, e.g. (1, '2')")
    round_, trial_id = int(trial[0]), str(trial[1])
    matches = [t for t in result.trials if t["round"] == round_ and str(t["trial_id"]) == trial_id]
    expect(bool(matches), f"best_trial = {tuple(trial)!r} is not a trial of this search.",
           "copy the round and trial columns of one row of the table")
    chosen = matches[0]
    scored = [t for t in result.trials if t["score"] == t["score"]]
    pick = max if result.direction == "max" else min
    best = pick(scored, key=lambda t: t["score"])
    expect(chosen["score"] == best["score"], f"round {round_} trial {trial_id} scored {chosen['score']:.4f}; "
           "another trial did better.", hint)
    passed(f"round {round_} trial {trial_id}, {result.objective} = {chosen['score']:.4f}")

"""Diagnostics before and during tuning (theme folder): seed 002's seven-step tuning recipe, steps 1-3.

The steps themselves live one floor down in ``keras_recipes.trials`` (the
seven-step recipe in ``keras_recipes.tuning.recipe`` runs them too, and a
theme never imports another theme); this folder is their themed door:

* Seed 002 recipe steps 1-2, initial loss ~ log C and overfitting a small
  sample: ``check_initial_loss``, ``overfit_small_sample``.
* Seed 002 recipe step 3, a learning rate that makes the loss drop:
  ``candidate_rates`` (the slide's few rates, ~100 iterations each) and the
  finer sweep ``find_learning_rate``.
* The throwaway trial copies both run on: ``trial_copy``, ``iter_batches``.

The update/weight ratio monitor of the same recipe is a callback, one floor
down: ``keras_recipes.callbacks.UpdateRatioMonitor``. Steps 4-7 (coarse
search, refine and train longer, read the curves, loop) and the whole recipe
in one call: ``keras_recipes.tuning.seven_step_recipe``.

    >>> from keras_recipes.diagnostics import check_initial_loss, find_learning_rate
"""

from keras_recipes.trials import (
    InitialLossCheck, LearningRateSweep, OverfitCheck, RateCandidates, candidate_rates,
    check_initial_loss, find_learning_rate, iter_batches, overfit_small_sample, trial_copy,
)

__all__ = ["InitialLossCheck", "LearningRateSweep", "OverfitCheck", "RateCandidates",
           "candidate_rates", "check_initial_loss", "find_learning_rate", "iter_batches",
           "overfit_small_sample", "trial_copy"]

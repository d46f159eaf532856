"""Diagnostics before and during tuning (theme folder): seed 002's seven-step tuning recipe.

Lecture diagrams here, one per module:

* Seed 002 recipe steps 1-2, initial loss ~ log C and overfitting a small
  sample: ``sanity.check_initial_loss``, ``sanity.overfit_small_sample``.
* Seed 002 recipe step 3, a learning rate that makes the loss drop:
  ``lr_finder.find_learning_rate``.
* The throwaway trial copies both run on (the caller's model is never
  touched): ``trial.trial_copy``, ``trial.iter_batches``.

The update/weight ratio monitor of the same recipe is a callback, one floor
down: ``keras_recipes.callbacks.UpdateRatioMonitor``.

    >>> from keras_recipes.diagnostics import check_initial_loss, find_learning_rate
"""

from keras_recipes.diagnostics.lr_finder import LearningRateSweep, find_learning_rate
from keras_recipes.diagnostics.sanity import (
    InitialLossCheck, OverfitCheck, check_initial_loss, overfit_small_sample,
)
from keras_recipes.diagnostics.trial import iter_batches, trial_copy

__all__ = ["InitialLossCheck", "LearningRateSweep", "OverfitCheck", "check_initial_loss",
           "find_learning_rate", "iter_batches", "overfit_small_sample", "trial_copy"]

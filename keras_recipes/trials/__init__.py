"""Throwaway training trials on copies of a model (building blocks): seed 002's recipe steps 1-3.

Moved one floor down from ``diagnostics/`` so that two themes can use them:
``diagnostics`` (re-exports them) and ``tuning`` (the seven-step recipe, which
runs steps 1-3 before its searches). One concept per module:

* ``trial``: ``trial_copy`` (a compiled clone, the caller's model untouched)
  and ``iter_batches``.
* ``sanity``: step 1 ``check_initial_loss`` (~ log C) and step 2
  ``overfit_small_sample``.
* ``lr_finder``: an exponential learning-rate sweep, ``find_learning_rate``.
* ``rate_candidates``: step 3 as the slide states it, ``candidate_rates``
  (a few rates with small weight decay, ~100 iterations each, keep those
  that make the loss drop).

    >>> from keras_recipes.trials import check_initial_loss, candidate_rates
"""

from keras_recipes.trials.lr_finder import LearningRateSweep, find_learning_rate
from keras_recipes.trials.rate_candidates import RateCandidates, candidate_rates
from keras_recipes.trials.sanity import (
    InitialLossCheck, OverfitCheck, check_initial_loss, overfit_small_sample,
)
from keras_recipes.trials.trial import iter_batches, trial_copy

__all__ = ["InitialLossCheck", "LearningRateSweep", "OverfitCheck", "RateCandidates",
           "candidate_rates", "check_initial_loss", "find_learning_rate", "iter_batches",
           "overfit_small_sample", "trial_copy"]

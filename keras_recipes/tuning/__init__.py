"""Guided hyperparameter search (lecture diagram A8) on top of KerasTuner.

* ``space``: ``Int`` / ``Float`` / ``Choice`` / ``Fixed`` specs (``Conditional``: active only
  when earlier choices take given values), validated at the door.
* ``hypermodel``: ``BundleHyperModel``, any bundle builder + a space -> KerasTuner trials.
* ``narrowing``: ``beam_spaces`` (one half-to-twice neighbourhood per kept trial,
  guided search's default) and ``narrow_space`` (one hull around the top-k).
* ``search``: ``guided_search``, rounds (a beam of neighbourhoods each) in one
  resumable project.
* ``distributed``: KerasTuner's chief/worker mode, neighbourhood by neighbourhood.
* ``curves``: ``read_curves``, seed 002's step 6 (a diagnosis from learning curves).
* ``recipe``: ``seven_step_recipe``, seed 002's seven steps in one call (steps 1-3
  from ``keras_recipes.trials``, 4-5 guided search, 6 ``read_curves``, 7 the loop).

Importing this package imports KerasTuner (``import keras_recipes`` does not).
"""

from keras_recipes.tuning.curves import CurveReading, read_curves
from keras_recipes.tuning.hypermodel import BundleHyperModel, compile_and_fit
from keras_recipes.tuning.narrowing import beam_spaces, narrow_space
from keras_recipes.tuning.recipe import (
    RecipeReport, adjust_space, best_curves, coarse_search, coarse_space, refine_search, seven_step_recipe,
)
from keras_recipes.tuning.result import GuidedSearchResult
from keras_recipes.tuning.search import guided_search, logged_metric_names
from keras_recipes.tuning.space import (
    Choice, Conditional, Fixed, Float, Int, check_space, format_space, from_hyperparameters, to_hyperparameters,
)

__all__ = [
    "BundleHyperModel", "Choice", "Fixed", "Float", "GuidedSearchResult", "Int", "check_space",
    "compile_and_fit", "format_space", "from_hyperparameters", "guided_search",
    "beam_spaces", "logged_metric_names", "narrow_space", "to_hyperparameters",
    "CurveReading", "RecipeReport", "adjust_space", "best_curves", "coarse_search", "coarse_space",
    "read_curves", "refine_search", "seven_step_recipe", "Conditional",
]

"""Data-centric recipes: choose, value and audit the data rather than the model.

One lecture diagram per module:

* ``active_learning`` (seed 001, "Active Transfer Learning"): a pool, an
  oracle, a labelling budget per round, retraining on cached bottleneck
  features; strategies in ``query_strategies`` (random, least confidence,
  margin, entropy, diversity with a "validation vs pool" binary layer,
  k-center greedy, ATLAS adaptive sampling).
* ``data_valuation`` (A12, Data Validation (RL)): DVRL, a predictor and a
  data-value estimator trained together with REINFORCE; a value per example.
* ``bias_surrogate`` (A14, Unseen Covariant (Surrogate)): does a removed
  protected attribute leak back into a regressor's score?
* ``adversarial_debiasing`` (A15, Unseen Covariant (Adversarial)): a
  gradient-reversal adversary strips the attribute from the score.

The synthetic tabular data of A14/A15 live one floor down, in
``keras_recipes.datasets.tabular_bias``.
"""

from keras_recipes.data_centric._training import cached_features
from keras_recipes.data_centric.active_learning import (
    ActiveLearningResult, Oracle, active_learning, learning_curve_area, load_reference_encoder)
from keras_recipes.data_centric.adversarial_debiasing import (
    DebiasingResult, GradientReversal, adversarial_debiasing, debiasing_tradeoff)
from keras_recipes.data_centric.bias_surrogate import SurrogateResult, surrogate_check
from keras_recipes.data_centric.data_valuation import DataValuationResult, dvrl
from keras_recipes.data_centric.query_strategies import STRATEGIES

__all__ = [
    "ActiveLearningResult", "DataValuationResult", "DebiasingResult", "GradientReversal", "Oracle",
    "STRATEGIES", "SurrogateResult", "active_learning", "adversarial_debiasing", "cached_features",
    "debiasing_tradeoff", "dvrl", "learning_curve_area", "load_reference_encoder", "surrogate_check",
]

"""The training toolbox (theme folder): seed 004 "Training" and seed 002 "Training Neural Networks II".

One lecture diagram per module:

* ``optimizer_comparison``: SGD, momentum, Nesterov, AdaGrad, RMSProp, Adam,
  AdamW (and LARS) on one problem, loss curves in one plot (``compare_optimizers``).
* ``weight_decay``: L2 in the loss vs decoupled weight decay (``compare_weight_decay``,
  ``decay_only_step``).
* ``robust_regression``: Huber loss and gradient clipping on outliers
  (``compare_robust_regression``).
* ``early_stopping``: stop on the validation loss, keep the best snapshot
  (``fit_with_early_stopping``).
* ``adversarial_training``: FGSM examples and adversarial training, accuracy
  under attack before and after (``compare_adversarial_training``).
* ``curriculum``: easy examples first, ordered by a probe's loss, vs random
  order (``compare_curriculum``).
* ``remat``: gradient checkpointing with ``keras.RematScope``, memory measured
  on JAX (``measure_remat``).
* ``runs``: the shared ``Comparison`` result and seeded runs.

The optimisers themselves are building blocks: ``keras_recipes.optimizers``.
Glorot vs He activations live in the ``initialization`` theme
(``initialization.activation_stats``).

    >>> from keras_recipes.training import compare_optimizers, compare_adversarial_training
"""

from keras_recipes.training.adversarial_training import (
    AdversarialComparison, accuracy_under_attack, adversarial_fit, compare_adversarial_training,
)
from keras_recipes.training.curriculum import compare_curriculum, difficulty, pacing
from keras_recipes.training.early_stopping import EarlyStopResult, fit_with_early_stopping
from keras_recipes.training.optimizer_comparison import OPTIMIZERS, compare_optimizers
from keras_recipes.training.remat import RematMeasurement, measure_remat
from keras_recipes.training.robust_regression import RegressionComparison, compare_robust_regression
from keras_recipes.training.runs import Comparison
from keras_recipes.training.weight_decay import compare_weight_decay, decay_only_step

__all__ = [
    "AdversarialComparison", "Comparison", "EarlyStopResult", "OPTIMIZERS", "RegressionComparison",
    "RematMeasurement", "accuracy_under_attack", "adversarial_fit", "compare_adversarial_training",
    "compare_curriculum", "compare_optimizers", "compare_robust_regression", "compare_weight_decay",
    "decay_only_step", "difficulty", "fit_with_early_stopping", "measure_remat", "pacing",
]

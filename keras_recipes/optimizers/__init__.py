"""Optimisers Keras does not ship (building blocks, one floor down): seeds 002 and 004, "weight update".

* ``lars.LARS``: layer-wise adaptive rate scaling (You et al., 2017), the
  trust ratio ``eta * ||w|| / (||g|| + weight_decay * ||w||)`` per variable.
* ``discriminative.DiscriminativeRates``: fixed per-layer multipliers of any
  optimizer's step (discriminative learning rates for fine-tuning; formerly
  ``transfer.LayerwiseOptimizer``).
* ``gradient_noise.GradientNoise``: annealed Gaussian noise on the gradients
  (Neelakantan et al., 2015), around any optimizer.
* ``polyak.polyak_momentum``: the weight-averaging (EMA) momentum for a run
  of a given length, for ``use_ema=True``.
* ``wrapper.OptimizerWrapper``: the shared plumbing of the two wrappers.

Used by ``transfer`` (discriminative rates) and ``training`` (the optimiser
comparison), hence a building block.

    >>> from keras_recipes.optimizers import LARS, DiscriminativeRates, GradientNoise
"""

from keras_recipes.optimizers.discriminative import DiscriminativeRates
from keras_recipes.optimizers.gradient_noise import GradientNoise
from keras_recipes.optimizers.lars import LARS
from keras_recipes.optimizers.polyak import polyak_momentum
from keras_recipes.optimizers.wrapper import OptimizerWrapper

__all__ = ["DiscriminativeRates", "GradientNoise", "LARS", "OptimizerWrapper", "polyak_momentum"]

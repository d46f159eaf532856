"""Representation recipes: learning features that transfer (deck 000 A4-A7, seeds 001/003, A13).

Theme folder, one lecture diagram per module:

* ``invariance``: A4 translational / scale invariance -- train with a random
  subset of each batch shifted and scaled (``augment.InvarianceBatch``),
  score on a shifted test set.
* ``synthetic``: A5 essential feature learning (synthetic) -- pre-train on
  rendered digits, full-train and fine-tune on few real labels.
* ``occlusion``: A6 essential feature learning (occlusion) -- overlay
  occluding objects during training, score on occluded test images.
* ``coral``: CORAL domain adaptation (seed 003) -- classic covariance
  alignment and the Deep CORAL loss, digits -> MNIST.

    >>> from keras_recipes.representation import coral_align, coral_loss, invariance_training
"""

from keras_recipes.representation.coral import (
    CoralLoss, CoralResult, DeepCoral, coral_adaptation, coral_align, coral_loss, domain_pair,
)
from keras_recipes.representation.invariance import InvarianceResult, invariance_training
from keras_recipes.representation.occlusion import OcclusionResult, occlusion_training
from keras_recipes.representation.synthetic import SyntheticResult, synthetic_pretraining

__all__ = [
    "CoralLoss", "CoralResult", "DeepCoral", "InvarianceResult", "coral_adaptation", "coral_align", "coral_loss",
    "domain_pair", "invariance_training", "OcclusionResult", "occlusion_training", "SyntheticResult",
    "synthetic_pretraining",
]

"""Representation recipes: learning features that transfer (deck 000 A4-A7, seeds 001/003, A13).

Theme folder, one lecture diagram per module:

* ``invariance``: A4 translational / scale invariance -- train with a random
  subset of each batch shifted and scaled (``augment.InvarianceBatch``),
  score on a shifted test set.
* ``synthetic``: A5 essential feature learning (synthetic) -- pre-train on
  rendered digits, full-train and fine-tune on few real labels.
* ``occlusion``: A6 essential feature learning (occlusion) -- overlay
  occluding objects during training, score on occluded test images.
* A7, unsupervised pretext tasks, one per module: ``pretext_rotation``,
  ``pretext_patches`` (relative patch position), ``pretext_inpainting``
  (context encoder), ``pretext_contrastive`` (SimCLR); ``pretext_transfer``
  compares them (linear probe and fine-tune at few labels vs random init).
* Probing an embedding (seed 001, x-vectors): ``probing.probe_factors``, per-stage
  linear probes for the label, the rotation and the augmentation type.
* A13, macro / micro architecture search: the module ``architecture_search``
  (``ArchitectureHyperModel`` on ``tuning.guided_search``, ``searched_network``,
  ``architecture_search``); import it by its module path, since it imports KerasTuner.
* ``coral``: CORAL domain adaptation (seed 003) -- classic covariance
  alignment and the Deep CORAL loss, digits -> MNIST.

    >>> from keras_recipes.representation import coral_align, coral_loss, invariance_training
"""

from keras_recipes.representation.coral import (
    CoralLoss, CoralResult, DeepCoral, coral_adaptation, coral_align, coral_loss, domain_pair,
)
from keras_recipes.representation.invariance import InvarianceResult, invariance_training
from keras_recipes.representation.occlusion import OcclusionResult, occlusion_training
from keras_recipes.representation.pretext_contrastive import SimCLR, nt_xent_loss, pretrain_contrastive
from keras_recipes.representation.pretext_inpainting import masked_region_loss, pretrain_inpainting
from keras_recipes.representation.pretext_patches import pretrain_patch_position
from keras_recipes.representation.pretext_rotation import pretrain_rotation
from keras_recipes.representation.pretext_transfer import (
    PRETEXT_TASKS, PretextComparison, compare_pretext, pretrain,
)
from keras_recipes.representation.synthetic import SyntheticResult, synthetic_pretraining
from keras_recipes.representation.probing import ProbingResult, probe_factors

__all__ = [
    "CoralLoss", "CoralResult", "DeepCoral", "InvarianceResult", "OcclusionResult", "PRETEXT_TASKS",
    "PretextComparison", "SimCLR", "SyntheticResult", "compare_pretext", "coral_adaptation", "coral_align",
    "coral_loss", "domain_pair", "invariance_training", "masked_region_loss", "nt_xent_loss", "occlusion_training",
    "pretrain", "pretrain_contrastive", "pretrain_inpainting", "pretrain_patch_position", "pretrain_rotation",
    "synthetic_pretraining",
    "ProbingResult", "probe_factors",
]

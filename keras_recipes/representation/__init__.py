"""Representation recipes (deck 000's essential feature learning, seed 001's self-supervision).

* A7, unsupervised pretext tasks, one per module: ``pretext_rotation``,
  ``pretext_patches`` (relative patch position), ``pretext_inpainting``
  (context encoder), ``pretext_contrastive`` (SimCLR); ``pretext_transfer``
  compares them (linear probe and fine-tune at few labels vs random init).
"""

from keras_recipes.representation.pretext_contrastive import SimCLR, nt_xent_loss, pretrain_contrastive
from keras_recipes.representation.pretext_inpainting import masked_region_loss, pretrain_inpainting
from keras_recipes.representation.pretext_patches import pretrain_patch_position
from keras_recipes.representation.pretext_rotation import pretrain_rotation
from keras_recipes.representation.pretext_transfer import (
    PRETEXT_TASKS, PretextComparison, compare_pretext, pretrain,
)

__all__ = [
    "PRETEXT_TASKS", "PretextComparison", "SimCLR", "compare_pretext", "masked_region_loss", "nt_xent_loss",
    "pretrain", "pretrain_contrastive", "pretrain_inpainting", "pretrain_patch_position", "pretrain_rotation",
]

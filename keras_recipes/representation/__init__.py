"""Representation recipes (deck 000's essential feature learning, seed 001's self-supervision).

* A7, unsupervised pretext tasks, one per module: ``pretext_rotation``,
  ``pretext_patches`` (relative patch position), ``pretext_inpainting``
  (context encoder), ``pretext_contrastive`` (SimCLR); ``pretext_transfer``
  compares them (linear probe and fine-tune at few labels vs random init).
* Probing an embedding (seed 001, x-vectors): ``probing.probe_factors``, per-stage
  linear probes for the label, the rotation and the augmentation type.
* A13, macro / micro architecture search: ``architecture_search``
  (``ArchitectureHyperModel`` on ``tuning.guided_search``, ``searched_network``);
  imported on first use, since it imports KerasTuner.
"""

from keras_recipes.representation.pretext_contrastive import SimCLR, nt_xent_loss, pretrain_contrastive
from keras_recipes.representation.pretext_inpainting import masked_region_loss, pretrain_inpainting
from keras_recipes.representation.pretext_patches import pretrain_patch_position
from keras_recipes.representation.pretext_rotation import pretrain_rotation
from keras_recipes.representation.pretext_transfer import (
    PRETEXT_TASKS, PretextComparison, compare_pretext, pretrain,
)
from keras_recipes.representation.probing import ProbingResult, probe_factors

_ARCHITECTURE_SEARCH = ("ArchitectureHyperModel", "ArchitectureSearchResult", "architecture_search",
                        "searched_network")


def __getattr__(name):
    if name in _ARCHITECTURE_SEARCH:  # lazily: it imports KerasTuner
        from keras_recipes.representation import architecture_search as module

        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "PRETEXT_TASKS", "PretextComparison", "SimCLR", "compare_pretext", "masked_region_loss", "nt_xent_loss",
    "pretrain", "pretrain_contrastive", "pretrain_inpainting", "pretrain_patch_position", "pretrain_rotation",
    "ProbingResult", "probe_factors", *_ARCHITECTURE_SEARCH,
]

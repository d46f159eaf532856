"""Multi-task and multi-modal learning (seed 001, "Multi-modal, & Multi-task").

Multi-task models (sharing, cross-stitch, loss weighting), one module per slide:

* ``hard_sharing``: one trunk, a head per task (``hard_sharing.py``);
* ``soft_sharing``: a trunk per task + an L2 similarity penalty
  (``SoftSharing`` layer, ``soft_sharing.py``);
* ``cross_stitch``: trunks mixed by learned ``CrossStitch`` units
  (``cross_stitch.py``);
* ``uncertainty_weighted``: task losses weighted by trainable log-variances
  (``UncertaintyWeighting``, ``UncertaintyWeightedModel``; ``uncertainty.py``);
* ``GramIdentity``: the deep-relationship-network penalty (``relationship.py``);
* heads, losses and metrics per task, multi-label vs one label per input,
  auxiliary heads by loss weights (``compile_multitask``; ``task_heads.py``);
* ``train_heads_on_cache``: every head on cached bottleneck features (``caching.py``).

Each builder returns a ``keras_recipes.bundle.MultiTaskBundle``: ``model``,
``encoder`` (input -> the shared bottleneck, or ``{task: bottleneck}``),
``head`` and ``heads`` (a dict by task name).

Multi-modal fusion:

* ``fusion_early``: ``early_fusion`` (data fusion: inputs joined before one encoder).
* ``fusion_intermediate``: ``intermediate_fusion`` (per-modality encoders,
  bottlenecks concatenated or gated by ``GatedFusion``).
* ``fusion_late``: ``late_fusion`` (a classifier per modality merged by
  ``MultiplicativeMerge``: sum, weighted or beta-weighted log-probabilities).
* ``modality_dropout``: ``ModalityDropout``, whole modalities zeroed in training.
* ``fusion_bundle``: ``FusionBundle``, the bundle with an ``encoders`` door per modality.
* ``fusion_search``: MFAS, which encoder layers to fuse and how (imports KerasTuner).
"""

from keras_recipes.multitask.caching import train_heads_on_cache
from keras_recipes.multitask.cross_stitch import CrossStitch, cross_stitch
from keras_recipes.multitask.fusion_bundle import FusionBundle
from keras_recipes.multitask.fusion_early import early_fusion
from keras_recipes.multitask.fusion_intermediate import intermediate_fusion
from keras_recipes.multitask.fusion_late import late_fusion
from keras_recipes.multitask.gated_fusion import GatedFusion
from keras_recipes.multitask.hard_sharing import hard_sharing
from keras_recipes.multitask.modality_dropout import ModalityDropout
from keras_recipes.multitask.multiplicative_merge import MultiplicativeMerge
from keras_recipes.multitask.relationship import GramIdentity
from keras_recipes.multitask.soft_sharing import SoftSharing, soft_sharing
from keras_recipes.multitask.task_heads import build_task_heads, compile_multitask, task_loss, task_metric
from keras_recipes.multitask.uncertainty import (
    UncertaintyWeightedModel, UncertaintyWeighting, uncertainty_weighted)

__all__ = [
    "CrossStitch", "GramIdentity", "SoftSharing", "UncertaintyWeightedModel", "UncertaintyWeighting",
    "build_task_heads", "compile_multitask", "cross_stitch", "hard_sharing", "soft_sharing",
    "task_loss", "task_metric", "train_heads_on_cache", "uncertainty_weighted",
    "FusionBundle", "GatedFusion", "ModalityDropout", "MultiplicativeMerge", "early_fusion",
    "intermediate_fusion", "late_fusion",
]

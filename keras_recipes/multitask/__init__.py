"""Multi-task and multi-modal learning (seed 001, "Multi-modal, & Multi-task").

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

from keras_recipes.multitask.fusion_bundle import FusionBundle
from keras_recipes.multitask.fusion_early import early_fusion
from keras_recipes.multitask.fusion_intermediate import intermediate_fusion
from keras_recipes.multitask.fusion_late import late_fusion
from keras_recipes.multitask.gated_fusion import GatedFusion
from keras_recipes.multitask.modality_dropout import ModalityDropout
from keras_recipes.multitask.multiplicative_merge import MultiplicativeMerge

__all__ = [
    "FusionBundle", "GatedFusion", "ModalityDropout", "MultiplicativeMerge", "early_fusion",
    "intermediate_fusion", "late_fusion",
]

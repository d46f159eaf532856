"""Learning from few or noisy labels: one lecture diagram per module.

* ``distillation``  A9  Knowledge Distillation (live ``keras.distillation.Distiller``
  and cached teacher logits; hint distillation with a learned projection).
* ``denoising``     A10 Data Denoising (Weakly Supervised): weak-learner ensemble on
  noisy labels, fine-tuned on good labels, out-of-fold relabelling, strong model.
* ``pseudo_labels`` A11 Data Labeling (Self-Supervised): pseudo-labelling rounds with
  a confidence threshold and a per-class cap.
* ``consistency``   seed 001 Unsupervised Consistency Loss (UDA) and FixMatch.
* ``structured``    A16 Neural Structured Learning: a batch and its perturbed copy,
  divergence penalty, optional adversarial (FGSM) perturbation.

Building blocks they share live one floor down: ``datasets.mnist.load_mnist``,
``datasets.shifts.shift_and_scale``, ``datasets.symmetric_noise`` / ``asymmetric_noise``,
``augment.views`` (weak/strong views) and ``augment.adversarial`` (FGSM).
"""

from keras_recipes.label_efficient.consistency import (
    UDA, FixMatch, consistency_loss, fixmatch_loss, semi_supervised_dataset)
from keras_recipes.label_efficient.denoising import DenoiseResult, denoise, relabel
from keras_recipes.label_efficient.distillation import (
    CachedDistiller, DistillResult, HintDistiller, cached_teacher_logits, distill, make_distiller, soft_loss)
from keras_recipes.label_efficient.pseudo_labels import PseudoLabelResult, pseudo_label, select_pseudo_labels
from keras_recipes.label_efficient.structured import StructuredModel, divergence

__all__ = [
    "CachedDistiller", "DenoiseResult", "DistillResult", "FixMatch", "HintDistiller", "PseudoLabelResult",
    "StructuredModel", "UDA", "cached_teacher_logits", "consistency_loss", "denoise", "distill", "divergence",
    "fixmatch_loss", "make_distiller", "pseudo_label", "relabel", "select_pseudo_labels", "semi_supervised_dataset",
    "soft_loss",
]

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

Building blocks they share live one floor down: ``datasets.load_mnist``,
``datasets.shift_and_scale``, ``datasets.symmetric_noise`` / ``asymmetric_noise``,
``augment.views`` (weak/strong views) and ``augment.adversarial`` (FGSM).
"""

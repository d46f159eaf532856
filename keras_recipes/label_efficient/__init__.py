"""Learning from fewer or worse labels (theme folder).

Lecture diagrams that live here, one per module (filled by issue 15):

* A9 Knowledge Distillation: a teacher's soft labels (temperature) train a
  compact student (on ``keras.distillation.Distiller``).
* A10 Data Denoising (Weakly Supervised): weak learners on noisy labels,
  fine-tuned on good ones, relabel the noisy data for a strong model.
* A11 Data Labeling (Self-Supervised): pseudo-label unlabelled data, train
  on the composite set, repeat.
* A16 consistency (Neural Structured Learning as consistency training): a
  batch and a perturbed copy, the gap between their outputs as a penalty.
"""

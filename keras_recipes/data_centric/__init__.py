"""Data-centric recipes (theme folder): which data to label, keep, or distrust.

Lecture diagrams that live here, one per module (filled by issue 16):

* Active learning: query the examples the model is least sure of.
* A12 Data Validation (RL): a data-value estimator and a selector picking a
  subset by value, rewarded by the validation loss change.
* A14 Unseen Covariant (Surrogate): train without a bias feature; a
  surrogate that predicts it from the score tells whether it leaks back.
* A15 Unseen Covariant (Adversarial): an adversary predicts the bias from
  the score; the model is trained so that it cannot.
"""

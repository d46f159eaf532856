"""Regularisation, losses and prediction averaging (seed 002 "Training neural networks II", seed 004 "Training").

The slides' common pattern: "Training: add some randomness; testing:
marginalise over it". The random layers Keras lacks live one floor down in
``keras_recipes.layers`` (DropConnect, DropBlock, shake-shake, fractional
max pooling, stochastic depth) and the per-image / per-batch augmentation in
``keras_recipes.augment``; this theme composes them with what Keras ships:

* ``pipeline``: ``regularized_dataset`` (crops and scales, RandAugment,
  random erasing, mixup / cutmix on one-hot labels) and ``train_regularized``
  (categorical cross-entropy with ``label_smoothing=``, focal loss, class
  weights, decoupled weight decay) returning a ``RegularizedRun``.
* ``ablation``: ``small_convnet(regularizer=...)`` and ``compare_regularizers``
  (the "Regularization: summary" slide measured on one small problem).
* ``test_time``: ``tta_views`` / ``tta_predict`` (average predictions over a
  fixed set of crops and flips, "Testing: average a fixed set of crops").
* ``ensembles``: ``compare_ensembles`` (independently trained models, their
  averaged probabilities, with and without test-time augmentation).
* ``imbalance``: ``class_weights`` and ``compare_imbalance_losses``
  (cross-entropy vs class weighting vs focal loss on an imbalanced split).
* ``result``: ``Comparison``, the ``.table()`` / ``.plot()`` result they share.

    >>> from keras_recipes.regularization import compare_regularizers, train_regularized, tta_predict
"""

from keras_recipes.regularization.ablation import REGULARIZERS, compare_regularizers, small_convnet
from keras_recipes.regularization.ensembles import compare_ensembles
from keras_recipes.regularization.imbalance import class_weights, compare_imbalance_losses, imbalanced_splits
from keras_recipes.regularization.pipeline import RegularizedRun, regularized_dataset, train_regularized
from keras_recipes.regularization.result import Comparison
from keras_recipes.regularization.test_time import tta_predict, tta_views

__all__ = ["REGULARIZERS", "Comparison", "RegularizedRun", "class_weights", "compare_ensembles",
           "compare_imbalance_losses", "compare_regularizers", "imbalanced_splits", "regularized_dataset",
           "small_convnet", "train_regularized", "tta_predict", "tta_views"]

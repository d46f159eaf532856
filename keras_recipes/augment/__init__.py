"""The augmentation module (building block, one floor down): every recipe that augments uses it.

Stock Keras layers (``RandomTranslation``, ``RandomZoom``, ``RandomFlip``,
``MixUp``, ...), composed, never rewritten. On the digits, translations and
zooms fill with a constant 0 (the background), not Keras's default
``fill_mode="reflect"``, which mirrors strokes into the blank border.

* ``pipeline``: ``augmentation()`` (random shifts and zooms, diagram A4) and
  ``augment_dataset()`` (apply a layer in the tf.data pipeline, a new draw
  every epoch, ``bundle.model`` kept free of training-only layers).
* ``seeded``: ``seeded_augment()`` (any Keras augmentation layer as a
  function ``fn(images, seed)`` that is deterministic in the seed) and
  ``copy_seed()``, used by the feature cache's augmented copies.
* ``mixing``: ``one_hot_labels()``, ``mix_batches()`` (Keras's MixUp /
  CutMix on one-hot batches) and ``image_regularizers()`` (random crops and
  scales, RandAugment, random erasing, all in [0, 1]).

* ``invariance_batch``: ``InvarianceBatch``, a training-only layer that
  shifts and scales a random fraction of each batch (diagram A4).

New augmentation pieces (weak/strong views, adversarial perturbations, ...)
go in new files here.

    >>> from keras_recipes.augment import augmentation, augment_dataset, seeded_augment
"""

from keras_recipes.augment.invariance_batch import InvarianceBatch
from keras_recipes.augment.mixing import image_regularizers, mix_batches, one_hot_labels
from keras_recipes.augment.pipeline import augment_dataset, augmentation
from keras_recipes.augment.seeded import copy_seed, seeded_augment

__all__ = ["InvarianceBatch", "augment_dataset", "augmentation", "copy_seed", "image_regularizers", "mix_batches",
           "one_hot_labels", "seeded_augment"]

"""A training pipeline with the slides' regularisers as options, for any classifier bundle.

Seed 002, "Regularization: a common pattern" (training: add randomness;
testing: marginalise over it): data augmentation (random crops and scales,
RandAugment), Cutout / random erasing, mixup / cutmix and label smoothing;
seed 004's class weighting, focal loss and decoupled weight decay. Every
piece is Keras's own (augmentation layers, ``label_smoothing=``,
``CategoricalFocalCrossentropy``, ``AdamW``, ``class_weight=``); this module
only wires them so the traps cannot bite: images stay in [0, 1] (every
layer gets ``value_range=(0, 1)``), and labels become one-hot (MixUp and
CutMix blend labels) with categorical cross-entropy to match.
"""

from dataclasses import dataclass, field

import keras
import numpy as np

from keras_recipes.augment import augment_dataset, image_regularizers, mix_batches, one_hot_labels
from keras_recipes.checks import (require_bundle, require_choice, require_positive_int, require_positive_number,
                                  require_rate)
from keras_recipes.plots import plot_history

LOSSES = ("crossentropy", "focal")


def regularized_dataset(dataset, num_classes, *, crop_scale=0.0, randaugment=False, erasing=0.0, mixup=0.0,
                        cutmix=0.0, seed=None):
    """``dataset`` with per-image augmentation, one-hot labels and (optionally) mixup or cutmix.

    Order: per-image layers (``augment.image_regularizers``), then one-hot
    labels, then the batch-level blend (``augment.mix_batches``). Labels are
    always one-hot, so pair it with categorical cross-entropy.

    >>> import numpy as np, tensorflow as tf
    >>> ds = tf.data.Dataset.from_tensor_slices((np.ones((4, 8, 8, 1), "float32"), np.arange(4))).batch(4)
    >>> x, y = next(iter(regularized_dataset(ds, 10, cutmix=1.0, seed=0)))
    >>> tuple(x.shape), tuple(y.shape), float(np.asarray(y).sum())
    ((4, 8, 8, 1), (4, 10), 4.0)

    Args:
        dataset: batched ``(x, y[, w])`` pipeline, images in [0, 1], integer or one-hot labels.
        num_classes: number of classes.
        crop_scale: random crop / scale fraction, in [0, 1) (0: off). Default 0.
        randaugment: apply ``RandAugment``. Default False.
        erasing: probability of random erasing, in [0, 1]. Default 0.
        mixup: MixUp's Beta(alpha, alpha) parameter, >= 0 (0: off). Default 0.
        cutmix: CutMix's factor, >= 0 (0: off). Default 0.
        seed: seed of every random layer. Default None.
    """
    num_classes = require_positive_int("num_classes", num_classes)
    require_positive_number("mixup", mixup, allow_zero=True)
    require_positive_number("cutmix", cutmix, allow_zero=True)
    if mixup and cutmix:
        raise ValueError(f"pass mixup= or cutmix=, not both; received: mixup={mixup!r}, cutmix={cutmix!r}")
    per_image = image_regularizers(crop_scale, randaugment, erasing, seed=seed)
    if per_image is not None:
        dataset = augment_dataset(dataset, per_image)
    dataset = one_hot_labels(dataset, num_classes)
    if mixup:
        dataset = mix_batches(dataset, "mixup", mixup, seed=seed)
    if cutmix:
        dataset = mix_batches(dataset, "cutmix", cutmix, seed=seed)
    return dataset


@dataclass(frozen=True)
class RegularizedRun:
    """What ``train_regularized`` measured.

    Attributes:
        options: the regularisers used (non-default arguments).
        history: per-epoch ``loss``, ``accuracy``, ``val_loss``, ``val_accuracy``.
        validation_accuracy: on the validation split after the last epoch.
        test_accuracy: on the test split (touched once, at the end).

    >>> run = RegularizedRun({"mixup": 0.2}, {"accuracy": [0.5, 0.7]}, validation_accuracy=0.66,
    ...                      test_accuracy=0.64)
    >>> print(run.table().splitlines()[0])
    options: mixup=0.2
    """

    options: dict
    history: dict = field(repr=False)
    validation_accuracy: float
    test_accuracy: float

    def table(self):
        """The options, then the final training, validation and test accuracy."""
        used = ", ".join(f"{k}={v}" for k, v in self.options.items()) or "no regulariser"
        return (f"options: {used}\n{'train':>10} {'validation':>10} {'test':>10}\n"
                f"{self.history['accuracy'][-1]:>10.3f} {self.validation_accuracy:>10.3f} {self.test_accuracy:>10.3f}")

    def plot(self, path=None):
        """The learning curves (``plots.plot_history``)."""
        return plot_history(self.history, path=path, title="regularised training")


def train_regularized(bundle, splits, *, epochs=10, learning_rate=1e-3, weight_decay=0.0, label_smoothing=0.0,
                      loss="crossentropy", focal_gamma=2.0, class_weight=None, crop_scale=0.0, randaugment=False,
                      erasing=0.0, mixup=0.0, cutmix=0.0, seed=0, verbose=0):
    """Train ``bundle.model`` on ``splits`` with the chosen regularisers; return a ``RegularizedRun``.

    Compiles ``bundle.model`` (its purpose: the caller's model is trained)
    with Adam, or ``AdamW`` when ``weight_decay > 0`` (decoupled weight
    decay), and categorical cross-entropy with ``label_smoothing`` (target
    ``1 - (K-1)/K eps`` on the true class, ``eps/K`` elsewhere, as the slide
    writes it) or ``CategoricalFocalCrossentropy(gamma=focal_gamma)``.
    The model must end in a softmax (``Classifier`` default).

    >>> from keras_recipes.datasets import load_digits
    >>> from keras_recipes.regularization import small_convnet
    >>> run = train_regularized(small_convnet(width=4), load_digits(), epochs=1, mixup=0.2)  # doctest: +SKIP
    >>> run.test_accuracy  # doctest: +SKIP

    Args:
        bundle: a classifier ``ModelBundle`` (softmax output).
        splits: ``datasets.Splits`` (train / validation / test, integer labels).
        epochs: training epochs. Default 10.
        learning_rate: Adam's rate. Default 1e-3.
        weight_decay: decoupled weight decay of ``AdamW``, >= 0 (0: Adam). Default 0.
        label_smoothing: epsilon in [0, 1). Default 0.
        loss: ``"crossentropy"`` or ``"focal"``. Default "crossentropy".
        focal_gamma: the focal loss's focusing parameter, >= 0. Default 2.
        class_weight: None, ``"balanced"`` (``class_weights`` of the training
            labels) or a ``{class: weight}`` dict. Default None.
        crop_scale, randaugment, erasing, mixup, cutmix: see ``regularized_dataset``.
        seed: seed of the weights' training order and the random layers. Default 0.
        verbose: Keras ``fit`` verbosity. Default 0.
    """
    from keras_recipes.regularization.imbalance import class_weights

    require_bundle("bundle", bundle)
    epochs = require_positive_int("epochs", epochs)
    require_positive_number("learning_rate", learning_rate)
    require_positive_number("weight_decay", weight_decay, allow_zero=True)
    require_rate("label_smoothing", label_smoothing)
    require_choice("loss", loss, LOSSES)
    require_positive_number("focal_gamma", focal_gamma, allow_zero=True)
    if not isinstance(class_weight, (dict, type(None))) and class_weight != "balanced":
        raise ValueError(f"class_weight must be None, 'balanced' or a dict; received: class_weight={class_weight!r}")
    num_classes = splits.num_classes
    train = regularized_dataset(splits.train, num_classes, crop_scale=crop_scale, randaugment=randaugment,
                                erasing=erasing, mixup=mixup, cutmix=cutmix, seed=seed)
    if class_weight == "balanced":
        class_weight = class_weights(splits.arrays["train"][1], num_classes)
    keras.utils.set_random_seed(seed)
    optimizer = (keras.optimizers.AdamW(learning_rate, weight_decay=weight_decay) if weight_decay
                 else keras.optimizers.Adam(learning_rate))
    loss_fn = (keras.losses.CategoricalCrossentropy(label_smoothing=label_smoothing) if loss == "crossentropy"
               else keras.losses.CategoricalFocalCrossentropy(gamma=focal_gamma, label_smoothing=label_smoothing))
    bundle.model.compile(optimizer=optimizer, loss=loss_fn, metrics=[keras.metrics.CategoricalAccuracy(name="accuracy")])
    history = bundle.model.fit(train, validation_data=one_hot_labels(splits.validation, num_classes), epochs=epochs,
                               class_weight=class_weight, verbose=verbose)
    test = bundle.model.evaluate(one_hot_labels(splits.test, num_classes), verbose=0, return_dict=True)
    defaults = {"weight_decay": 0.0, "label_smoothing": 0.0, "loss": "crossentropy", "class_weight": None,
                "crop_scale": 0.0, "randaugment": False, "erasing": 0.0, "mixup": 0.0, "cutmix": 0.0}
    given = {"weight_decay": weight_decay, "label_smoothing": label_smoothing, "loss": loss,
             "class_weight": None if class_weight is None else "given", "crop_scale": crop_scale,
             "randaugment": randaugment, "erasing": erasing, "mixup": mixup, "cutmix": cutmix}
    options = {k: v for k, v in given.items() if v != defaults[k]}
    logs = {k: [float(v) for v in values] for k, values in history.history.items()}
    return RegularizedRun(options=options, history=logs, validation_accuracy=float(np.asarray(logs["val_accuracy"][-1])),
                          test_accuracy=float(test["accuracy"]))

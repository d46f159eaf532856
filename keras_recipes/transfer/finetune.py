"""The fine-tuning procedure: train the new head on a frozen base, then fine-tune the top.

Diagram A1 (Transfer Learning) and seeds 001/003: freeze the transferred
base, attach the new task, train it (5-10 epochs, larger step); then
unfreeze a few top layers and train with a smaller step, augmentation and
warmup + cosine. ``fine_tune`` runs both steps; ``train_head`` and
``train_top`` are each callable alone (fastai's ``fine_tune`` ergonomics).

Defaults that work with few labels (the lecture's case):

* each phase makes at least ``min_steps`` optimisation steps (default 100):
  with 5% of the digits one epoch is a single batch, so 5 head epochs would
  be 5 steps and the head would stay at chance; a short labelled set is
  repeated inside each epoch instead (the number of epochs, hence of
  validation passes, is unchanged);
* the head's Adam rate is 1e-2 (a linear layer on fixed features takes a
  large step) and the fine-tuning peak rate is 1e-3, a tenth of it, as in
  the lecture and the Keras transfer-learning guide;
* every BatchNormalization layer of the base stays frozen, i.e. in
  inference mode with the source task's moving statistics, in both phases
  (``unfreeze(batchnorm_frozen=True)``). Their momentum therefore never
  enters: BN momentum (Keras default 0.99) only matters when BN statistics
  are *trained*; on a small dataset 0.99 averages over ~100 batches, more
  than a few epochs hold, so a model trained from scratch on tiny data
  shows a validation accuracy far below its training accuracy until the
  moving averages catch up. Keeping BN frozen sidesteps that; for
  scratch training on small data use ``momentum=0.9``.
"""

from dataclasses import dataclass

import keras

from keras_recipes.augment import augment_dataset
from keras_recipes.checks import (
    check_training_data, require_bundle, require_positive_int, require_positive_number,
)
from keras_recipes.optimizers.discriminative import DiscriminativeRates
from keras_recipes.schedules import cosine_decay
from keras_recipes.transfer.freezing import check_selection, freeze, unfreeze
from keras_recipes.transfer.layerwise import layerwise_multipliers

LOSS = "sparse_categorical_crossentropy"


@dataclass(frozen=True)
class FineTuneHistories:
    """The ``keras.callbacks.History`` of each step of ``fine_tune``."""

    head: object
    fine_tune: object


MIN_STEPS = 100
HEAD_LEARNING_RATE = 1e-2
TOP_LEARNING_RATE = 1e-3


def _steps_per_epoch(dataset):
    steps = int(dataset.cardinality())
    if steps < 1:
        raise ValueError(
            "train must be a finite, batched tf.data.Dataset with a known length (the "
            f"warmup and cosine are counted in steps); received: a dataset of cardinality {steps}"
        )
    return steps


def _require_min_steps(min_steps):
    if isinstance(min_steps, bool) or not isinstance(min_steps, int) or min_steps < 0:
        raise ValueError(f"min_steps must be an int >= 0; received: min_steps={min_steps!r}")
    return min_steps


def repeats_for(steps_per_epoch, epochs, min_steps):
    """How many passes over the data one epoch makes so a phase has ``min_steps`` steps.

    >>> repeats_for(1, 5, 100), repeats_for(20, 5, 100), repeats_for(3, 10, 0)
    (20, 1, 1)
    """
    return max(1, -(-min_steps // (steps_per_epoch * epochs)))


def _require_layerwise_decay(layerwise_decay):
    if layerwise_decay is not None:
        require_positive_number("layerwise_decay", layerwise_decay)
        if layerwise_decay > 1:
            raise ValueError(f"layerwise_decay must be in (0, 1]; received: "
                             f"layerwise_decay={layerwise_decay!r}")


def _require_warmup_epochs(warmup_epochs, epochs):
    if isinstance(warmup_epochs, bool) or not isinstance(warmup_epochs, int) \
            or not 0 <= warmup_epochs < epochs:
        raise ValueError(f"warmup_epochs must be an int in [0, epochs={epochs}); "
                         f"received: warmup_epochs={warmup_epochs!r}")


def train_head(bundle, train, validation=None, *, epochs=5, learning_rate=HEAD_LEARNING_RATE,
               min_steps=MIN_STEPS, loss=LOSS, metrics=("accuracy",), cache_dir=None,
               verbose=1):
    """Step 1: freeze the base and train only the new head (larger step).

    Frozen weights do not change and frozen BatchNorm runs in inference
    mode. With ``cache_dir=`` the base runs once: its bottleneck features
    are cached there (``keras_recipes.cache``) and ``bundle.head`` trains on
    them, which the bottleneck slides recommend for a frozen base.

    >>> from keras_recipes.datasets import load_digits
    >>> from keras_recipes.transfer import backbone, train_head
    >>> data = load_digits(image_size=16, classes=(5, 6, 7, 8, 9), labelled_fraction=0.05)
    >>> bundle = backbone("reference", num_classes=5)
    >>> history = train_head(bundle, data.train, epochs=1, min_steps=2, verbose=0)
    >>> int(bundle.model.optimizer.iterations)     # one batch per epoch, repeated twice
    2

    Args:
        bundle: a ``ModelBundle`` (e.g. from ``backbone``).
        train, validation: batched ``tf.data`` datasets of ``(image, label)``.
        epochs: head epochs (default 5).
        learning_rate: Adam step size (default 1e-2).
        min_steps: fewest optimisation steps of the phase (default 100):
            each epoch passes over ``train`` ``repeats_for(...)`` times. With
            ``cache_dir`` the epochs are raised instead. 0 disables.
        loss, metrics: passed to ``compile``.
        cache_dir: optional ``FeatureCache`` folder: train the head on cached
            bottleneck features instead of running the frozen base each epoch.
        verbose: Keras progress (0, 1, 2).
    Returns:
        the ``History``.
    """
    require_bundle("bundle", bundle)
    require_positive_int("epochs", epochs)
    require_positive_number("learning_rate", learning_rate)
    _require_min_steps(min_steps)
    check_training_data(bundle, train, "train")
    if validation is not None:
        check_training_data(bundle, validation, "validation")
    repeats = repeats_for(_steps_per_epoch(train), epochs, min_steps)
    freeze(bundle, recompile_model=False)
    trained = bundle.head if cache_dir is not None else bundle.model
    trained.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss,
                    metrics=list(metrics))
    if cache_dir is not None:
        from keras_recipes.cache import train_head_on_cache

        return train_head_on_cache(bundle, train, validation, epochs=epochs * repeats,
                                   cache_dir=cache_dir, verbose=verbose)
    data = train.repeat(repeats) if repeats > 1 else train
    return bundle.model.fit(data, validation_data=validation, epochs=epochs, verbose=verbose)


def train_top(bundle, train, validation=None, *, epochs=10, learning_rate=TOP_LEARNING_RATE,
              last=None, last_blocks=2, from_layer=None, layerwise_decay=None,
              warmup_epochs=1, min_steps=MIN_STEPS, augment=True, seed=None, loss=LOSS,
              metrics=("accuracy",), verbose=1):
    """Step 2: unfreeze the top of the base and fine-tune with a small step.

    Unfreezes ``last`` layers, ``last_blocks`` blocks or ``from_layer`` up
    (BatchNorm stays frozen, in inference mode), augments the training
    images (``augmentation``), and trains with Adam under warmup + cosine
    (``schedules.cosine_decay(warmup_steps=)``, Keras's ``CosineDecay``). With ``layerwise_decay`` the base's blocks get
    discriminative rates (``layerwise_multipliers``, ``optimizers.DiscriminativeRates``).

    >>> from keras_recipes.datasets import load_digits
    >>> from keras_recipes.transfer import backbone, train_top
    >>> data = load_digits(image_size=16, classes=(5, 6, 7, 8, 9), labelled_fraction=0.05)
    >>> bundle = backbone("reference", num_classes=5)
    >>> history = train_top(bundle, data.train, epochs=2, min_steps=4, last_blocks=1,
    ...                     layerwise_decay=0.5, seed=0, verbose=0)
    >>> int(bundle.model.optimizer.iterations)
    4

    Args:
        bundle, train, validation: as for ``train_head``.
        epochs: fine-tuning epochs (default 10), > ``warmup_epochs``.
        learning_rate: peak step size after warmup (default 1e-3, a tenth
            of the head's default).
        last, last_blocks, from_layer: what to unfreeze (see ``unfreeze``;
            default the last 2 blocks).
        layerwise_decay: None (one rate) or a factor in (0, 1] per block.
        warmup_epochs: epochs of linear warmup (default 1; 0 for none).
        min_steps: fewest optimisation steps (default 100; see ``train_head``).
        augment: augment the training images (default True).
        seed: seed of the augmentation.
        loss, metrics, verbose: as for ``train_head``.
    Returns:
        the ``History``.
    """
    require_bundle("bundle", bundle)
    require_positive_int("epochs", epochs)
    require_positive_number("learning_rate", learning_rate)
    _require_warmup_epochs(warmup_epochs, epochs)
    _require_min_steps(min_steps)
    check_training_data(bundle, train, "train")
    if validation is not None:
        check_training_data(bundle, validation, "validation")
    if from_layer is not None or last is not None:
        last_blocks = None
    check_selection(bundle, last=last, last_blocks=last_blocks, from_layer=from_layer)
    _require_layerwise_decay(layerwise_decay)
    steps = _steps_per_epoch(train)
    repeats = repeats_for(steps, epochs, min_steps)
    steps *= repeats
    unfreeze(bundle, last=last, last_blocks=last_blocks, from_layer=from_layer,
             recompile_model=False)
    warmup_steps = steps * warmup_epochs
    optimizer = keras.optimizers.Adam(cosine_decay(
        learning_rate, max(1, steps * epochs - warmup_steps), warmup_steps=warmup_steps))
    if layerwise_decay is not None:
        optimizer = DiscriminativeRates(optimizer, layerwise_multipliers(bundle, layerwise_decay))
    bundle.model.compile(optimizer=optimizer, loss=loss, metrics=list(metrics))
    data = train.repeat(repeats) if repeats > 1 else train
    data = augment_dataset(data, seed=seed) if augment else data
    return bundle.model.fit(data, validation_data=validation, epochs=epochs, verbose=verbose)


def fine_tune(bundle, train, validation=None, *, head_epochs=5,
              head_learning_rate=HEAD_LEARNING_RATE, epochs=10, learning_rate=None,
              min_steps=MIN_STEPS, head_step=train_head, head_cache_dir=None, verbose=1,
              **top_kwargs):
    """Transfer learning in one call: ``train_head`` then ``train_top``.

    Diagram A1 end to end: freeze the base, train the new task with a
    larger step; unfreeze the top, fine-tune with a ~10x smaller step,
    augmentation and warmup + cosine. The defaults work with few labels
    (see the module docstring): at 5% of digits 5-9 (about 30 labels) one
    call at defaults reaches about 0.9 test accuracy from the reference
    backbone (``bench/transfer_defaults.py``). Every argument of both
    phases is checked before the first phase trains.

    ```python
    from keras_recipes.datasets import load_digits
    from keras_recipes.transfer import backbone, fine_tune
    data = load_digits(image_size=16, classes=(5, 6, 7, 8, 9), labelled_fraction=0.05)
    bundle = backbone("reference", num_classes=5)
    histories = fine_tune(bundle, data.train, data.validation)
    bundle.model.evaluate(data.test)
    ```

    Args:
        bundle, train, validation: as for ``train_head``.
        head_epochs, head_learning_rate: step 1 (defaults 5, 1e-2).
        epochs: step 2 epochs (default 10).
        learning_rate: step 2 peak rate (default ``head_learning_rate / 10``).
        min_steps: fewest optimisation steps of each phase (default 100).
        head_step: the step-1 function (default ``train_head``); any
            callable with its signature, e.g. one that trains on cached
            bottleneck features.
        head_cache_dir: with the default ``head_step``, a ``FeatureCache``
            folder: step 1 trains the head on cached bottleneck features.
        verbose: Keras progress (0, 1, 2).
        **top_kwargs: more ``train_top`` arguments (``last_blocks``,
            ``layerwise_decay``, ``warmup_epochs``, ``augment``, ``seed``,
            ``loss``, ``metrics``).
    Returns:
        ``FineTuneHistories(head=..., fine_tune=...)``.
    """
    require_bundle("bundle", bundle)
    require_positive_int("head_epochs", head_epochs)
    require_positive_int("epochs", epochs)
    require_positive_number("head_learning_rate", head_learning_rate)
    if learning_rate is None:
        learning_rate = head_learning_rate / 10
    require_positive_number("learning_rate", learning_rate)
    _require_min_steps(min_steps)
    unknown = sorted(set(top_kwargs) - _TOP_KWARGS)
    if unknown:
        raise TypeError(f"fine_tune got unexpected keyword arguments {unknown}; allowed: "
                        f"{sorted(_TOP_KWARGS)}")
    _require_warmup_epochs(top_kwargs.get("warmup_epochs", 1), epochs)
    _require_layerwise_decay(top_kwargs.get("layerwise_decay"))
    check_training_data(bundle, train, "train")
    if validation is not None:
        check_training_data(bundle, validation, "validation")
    _steps_per_epoch(train)
    selection = {k: top_kwargs.get(k) for k in ("last", "last_blocks", "from_layer")}
    if selection["last"] is None and selection["from_layer"] is None:
        selection["last_blocks"] = top_kwargs.get("last_blocks", 2)
    else:
        selection["last_blocks"] = None
    check_selection(bundle, **selection)
    loss_kwargs = {k: top_kwargs[k] for k in ("loss", "metrics") if k in top_kwargs}
    if head_cache_dir is not None:
        loss_kwargs["cache_dir"] = head_cache_dir
    if head_step is train_head:
        loss_kwargs["min_steps"] = min_steps
    head = head_step(bundle, train, validation, epochs=head_epochs,
                     learning_rate=head_learning_rate, verbose=verbose, **loss_kwargs)
    top = train_top(bundle, train, validation, epochs=epochs, learning_rate=learning_rate,
                    min_steps=min_steps, verbose=verbose, **top_kwargs)
    return FineTuneHistories(head=head, fine_tune=top)


_TOP_KWARGS = {"last", "last_blocks", "from_layer", "layerwise_decay", "warmup_epochs",
               "augment", "seed", "loss", "metrics"}

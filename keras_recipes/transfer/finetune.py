"""The fine-tuning procedure: train the new head on a frozen base, then fine-tune the top.

Diagram A1 (Transfer Learning) and seeds 001/003: freeze the transferred
base, attach the new task, train it (5-10 epochs, larger step); then
unfreeze a few top layers and train with a smaller step, augmentation and
warmup + cosine. ``fine_tune`` runs both steps; ``train_head`` and
``train_top`` are each callable alone (fastai's ``fine_tune`` ergonomics).
"""

from dataclasses import dataclass

import keras

from keras_recipes.augment import augment_dataset
from keras_recipes.checks import check_dataset, require_positive_int, require_positive_number
from keras_recipes.schedules import cosine_decay
from keras_recipes.transfer.freezing import freeze, unfreeze
from keras_recipes.transfer.layerwise import LayerwiseOptimizer, layerwise_multipliers

LOSS = "sparse_categorical_crossentropy"


@dataclass(frozen=True)
class FineTuneHistories:
    """The ``keras.callbacks.History`` of each step of ``fine_tune``."""

    head: object
    fine_tune: object


def _steps_per_epoch(dataset):
    steps = int(dataset.cardinality())
    if steps < 1:
        raise ValueError(
            "train must be a finite, batched tf.data.Dataset with a known length (the "
            f"warmup and cosine are counted in steps); its cardinality is {steps}"
        )
    return steps


def train_head(bundle, train, validation=None, *, epochs=5, learning_rate=1e-3,
               loss=LOSS, metrics=("accuracy",), cache_dir=None, verbose=1):
    """Step 1: freeze the base and train only the new head (larger step).

    Frozen weights do not change and frozen BatchNorm runs in inference
    mode. With ``cache_dir=`` the base runs once: its bottleneck features
    are cached there (``keras_recipes.cache``) and ``bundle.head`` trains on
    them, which the bottleneck slides recommend for a frozen base.

    ```python
    from keras_recipes.transfer import backbone, train_head
    bundle = backbone("reference", num_classes=5)
    history = train_head(bundle, data.train, data.validation, epochs=5)
    ```

    Args:
        bundle: a ``ModelBundle`` (e.g. from ``backbone``).
        train, validation: batched ``tf.data`` datasets of ``(image, label)``.
        epochs: head epochs (default 5).
        learning_rate: Adam step size (default 1e-3).
        loss, metrics: passed to ``compile``.
        cache_dir: optional ``FeatureCache`` folder: train the head on cached
            bottleneck features instead of running the frozen base each epoch.
        verbose: Keras progress (0, 1, 2).
    Returns:
        the ``History``.
    """
    require_positive_int("epochs", epochs)
    require_positive_number("learning_rate", learning_rate)
    check_dataset(bundle, train)
    freeze(bundle, recompile_model=False)
    trained = bundle.head if cache_dir is not None else bundle.model
    trained.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss,
                    metrics=list(metrics))
    if cache_dir is not None:
        from keras_recipes.cache import train_head_on_cache

        return train_head_on_cache(bundle, train, validation, epochs=epochs,
                                   cache_dir=cache_dir, verbose=verbose)
    return bundle.model.fit(train, validation_data=validation, epochs=epochs, verbose=verbose)


def train_top(bundle, train, validation=None, *, epochs=10, learning_rate=1e-4,
              last=None, last_blocks=2, from_layer=None, layerwise_decay=None,
              warmup_epochs=1, augment=True, seed=None, loss=LOSS,
              metrics=("accuracy",), verbose=1):
    """Step 2: unfreeze the top of the base and fine-tune with a small step.

    Unfreezes ``last`` layers, ``last_blocks`` blocks or ``from_layer`` up
    (BatchNorm stays frozen, in inference mode), augments the training
    images (``augmentation``), and trains with Adam under warmup + cosine
    (``schedules.cosine_decay(warmup_steps=)``, Keras's ``CosineDecay``). With ``layerwise_decay`` the base's blocks get
    discriminative rates (``layerwise_multipliers``, ``LayerwiseOptimizer``).

    ```python
    history = train_top(bundle, data.train, data.validation, epochs=10,
                        learning_rate=1e-4, last_blocks=2, layerwise_decay=0.5)
    ```

    Args:
        bundle, train, validation: as for ``train_head``.
        epochs: fine-tuning epochs (default 10), > ``warmup_epochs``.
        learning_rate: peak step size after warmup (default 1e-4, ~10x
            smaller than the head's).
        last, last_blocks, from_layer: what to unfreeze (see ``unfreeze``;
            default the last 2 blocks).
        layerwise_decay: None (one rate) or a factor in (0, 1] per block.
        warmup_epochs: epochs of linear warmup (default 1; 0 for none).
        augment: augment the training images (default True).
        seed: seed of the augmentation.
        loss, metrics, verbose: as for ``train_head``.
    Returns:
        the ``History``.
    """
    require_positive_int("epochs", epochs)
    require_positive_number("learning_rate", learning_rate)
    if isinstance(warmup_epochs, bool) or not isinstance(warmup_epochs, int) \
            or not 0 <= warmup_epochs < epochs:
        raise ValueError(f"warmup_epochs must be an int in [0, epochs={epochs}); "
                         f"received: warmup_epochs={warmup_epochs!r}")
    check_dataset(bundle, train)
    steps = _steps_per_epoch(train)
    if from_layer is not None or last is not None:
        last_blocks = None
    unfreeze(bundle, last=last, last_blocks=last_blocks, from_layer=from_layer,
             recompile_model=False)
    warmup_steps = steps * warmup_epochs
    optimizer = keras.optimizers.Adam(cosine_decay(
        learning_rate, max(1, steps * epochs - warmup_steps), warmup_steps=warmup_steps))
    if layerwise_decay is not None:
        optimizer = LayerwiseOptimizer(optimizer, layerwise_multipliers(bundle, layerwise_decay))
    bundle.model.compile(optimizer=optimizer, loss=loss, metrics=list(metrics))
    data = augment_dataset(train, seed=seed) if augment else train
    return bundle.model.fit(data, validation_data=validation, epochs=epochs, verbose=verbose)


def fine_tune(bundle, train, validation=None, *, head_epochs=5, head_learning_rate=1e-3,
              epochs=10, learning_rate=1e-4, head_step=train_head, head_cache_dir=None,
              verbose=1, **top_kwargs):
    """Transfer learning in one call: ``train_head`` then ``train_top``.

    Diagram A1 end to end: freeze the base, train the new task with a
    larger step; unfreeze the top, fine-tune with a ~10x smaller step,
    augmentation and warmup + cosine.

    ```python
    from keras_recipes.datasets import load_digits
    from keras_recipes.transfer import backbone, fine_tune
    data = load_digits(image_size=32, classes=(5, 6, 7, 8, 9), labelled_fraction=0.2)
    bundle = backbone("reference", num_classes=5)
    histories = fine_tune(bundle, data.train, data.validation, head_epochs=5, epochs=10)
    histories.head.history["val_accuracy"], histories.fine_tune.history["val_accuracy"]
    ```

    Args:
        bundle, train, validation: as for ``train_head``.
        head_epochs, head_learning_rate: step 1 (defaults 5, 1e-3).
        epochs, learning_rate: step 2 (defaults 10, 1e-4).
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
    loss_kwargs = {k: top_kwargs[k] for k in ("loss", "metrics") if k in top_kwargs}
    if head_cache_dir is not None:
        loss_kwargs["cache_dir"] = head_cache_dir
    head = head_step(bundle, train, validation, epochs=head_epochs,
                     learning_rate=head_learning_rate, verbose=verbose, **loss_kwargs)
    top = train_top(bundle, train, validation, epochs=epochs, learning_rate=learning_rate,
                    verbose=verbose, **top_kwargs)
    return FineTuneHistories(head=head, fine_tune=top)

"""Warmup initialisation, lecture diagram A3: one draw, the rate stepped up epoch by epoch.

A freshly initialised network can blow up under its full training rate in
the first updates. Diagram A3 keeps one random draw and steps the learning
rate up after each epoch until it reaches the initial training rate, then
trains on. The stepping is ``keras_recipes.callbacks.LearningRateWarmup``
(``per="epoch"``); this module is the recipe around it: compile, warm up,
train, in one call that returns the ``History`` (with the rate logged).
The other warmups (per step, in front of any schedule) and when to use
which: the table in ``keras_recipes.schedules``.
"""

from keras_recipes.callbacks import LearningRateWarmup
from keras_recipes.checks import fresh_optimizer, keras_model_of, require_positive_int


def warmup_init(model, data, *, target_learning_rate, warmup_epochs, epochs=None,
                start_learning_rate=None, decay=None, optimizer="sgd",
                loss="sparse_categorical_crossentropy", metrics=("accuracy",),
                validation_data=None, callbacks=(), verbose=1):
    """Compile ``model``, warm its learning rate up epoch by epoch, then train.

    Diagram A3 ("Weight Initialization (Warmup)"). Epoch ``e < W`` (0-based,
    ``W = warmup_epochs``) trains at ``s + (target - s) (e + 1) / W``
    (``s = start_learning_rate``, 0 by default), so the last warmup epoch
    reaches ``target_learning_rate``; the remaining ``epochs - W`` epochs
    train at the target (``decay=None``) or follow a cosine down
    (``decay="cosine"``). The optimizer is a fresh one built at the target
    rate; the callback sets the rate before every epoch.

    ```python
    from keras_recipes import datasets, vgg
    from keras_recipes.initialization.warmup_init import warmup_init
    splits = datasets.load_digits(image_size=8)
    bundle = vgg(input_shape=(8, 8, 1), width=8, depth=(1,))
    history = warmup_init(bundle, splits.train, target_learning_rate=0.1, warmup_epochs=3,
                          epochs=6, validation_data=splits.validation)
    history.history["learning_rate"]   # [0.0333, 0.0667, 0.1, 0.1, 0.1, 0.1]
    ```

    Args:
        model: a ``ModelBundle`` (its ``model`` is trained) or a ``keras.Model``.
        data: training data for ``fit`` (a ``tf.data.Dataset`` of batches).
        target_learning_rate: the initial training rate reached at the end
            of the warmup, > 0.
        warmup_epochs: number of warmup epochs, int >= 1.
        epochs: total epochs, >= ``warmup_epochs``. Default: ``warmup_epochs``
            (warm up only, then continue training yourself).
        start_learning_rate: rate before the first step, in [0, target). Default 0.
        decay: None (default: hold the target) or "cosine".
        optimizer: Keras optimizer name. Default "sgd".
        loss, metrics: passed to ``compile``.
        validation_data: passed to ``fit``.
        callbacks: more callbacks for ``fit``.
        verbose: ``fit``'s verbosity (progress bars).
    Returns:
        the ``History``; ``history.history["learning_rate"]`` holds the rate
        of every epoch.
    """
    keras_model = keras_model_of("model", model)
    warmup_epochs = require_positive_int("warmup_epochs", warmup_epochs)
    epochs = warmup_epochs if epochs is None else require_positive_int("epochs", epochs)
    if epochs < warmup_epochs:
        raise ValueError(f"epochs must be >= warmup_epochs; received: epochs={epochs}, "
                         f"warmup_epochs={warmup_epochs}")
    warmup = LearningRateWarmup(target_learning_rate, warmup_epochs,
                                start_learning_rate=start_learning_rate, per="epoch",
                                decay=decay, total_epochs=epochs)
    opt = fresh_optimizer("optimizer", optimizer, warmup.target_learning_rate)
    keras_model.compile(optimizer=opt, loss=loss, metrics=list(metrics))
    return keras_model.fit(data, epochs=epochs, validation_data=validation_data,
                           callbacks=[warmup, *callbacks], verbose=verbose)

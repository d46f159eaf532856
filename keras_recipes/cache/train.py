"""``train_head_on_cache``: the bottleneck recipe of seeds 001/003 as one call.

Freeze the encoder, cache its features (optionally K augmented copies),
train ``bundle.head`` on them, and hand back ``bundle.model`` with the
trained head in place, ready for fine-tuning. A plain function rather than a
``keras.callbacks.Callback``: the work happens *instead of* a ``model.fit``
(a callback runs inside one), and one call reads best in a notebook.
"""

from keras_recipes.checks import require_bundle, require_positive_int


def _require_frozen(encoder):
    trainable = [w.path for w in encoder.trainable_weights]
    if trainable:
        shown = ", ".join(trainable[:3]) + (" ..." if len(trainable) > 3 else "")
        raise ValueError(
            "bundle.encoder must be frozen before training on cached features (cached "
            "features cannot follow weights that change); set bundle.encoder.trainable = False. "
            f"Received an encoder with {len(trainable)} trainable weights: {shown}"
        )


def train_head_on_cache(bundle, train, validation=None, *, epochs, cache_dir=None, augment=None,
                        copies=1, seed=0, batch_size=32, data_version=None, strategy=None,
                        callbacks=None, verbose=1):
    """Train ``bundle.head`` on cached bottleneck features; return the Keras ``History``.

    Lecture: seeds 001/003 "bottleneck" slides and diagram A1 (transfer
    learning), step 1: input -> bottleneck once, train the new task on the
    saved features, re-attach. Since ``bundle.head`` is the head inside
    ``bundle.model``, the trained head is already re-attached on return:
    set ``bundle.encoder.trainable = True``, recompile ``bundle.model`` with
    a ~10x smaller learning rate, and fine-tune.

    ```python
    import keras_recipes as kr
    from keras_recipes.cache import train_head_on_cache

    data = kr.datasets.load_digits(image_size=16)
    bundle = kr.vgg(input_shape=(16, 16, 1), num_classes=10)
    bundle.encoder.trainable = False
    bundle.head.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                        metrics=["accuracy"])
    history = train_head_on_cache(bundle, data.train, data.validation, epochs=5,
                                  cache_dir="/tmp/bottlenecks")
    bundle.model.predict(data.arrays["test"][0])   # the trained head, end to end
    ```

    Args:
        bundle: a ``ModelBundle`` whose encoder is frozen (``trainable=False``
            or no trainable weights) and whose ``head`` is compiled.
        train: ``tf.data.Dataset`` of ``(x, y)`` to cache and train on.
        validation: optional ``(x, y)`` dataset, cached too (never augmented).
        epochs: head training epochs (required).
        cache_dir: the ``FeatureCache`` folder (default: ``default_cache_dir()``).
        augment, copies, seed: augmented copies of ``train`` (see
            ``FeatureCache.extract``); default no augmentation, 1 copy, seed 0.
        batch_size: batch size of the head's training (default 32).
        data_version: optional data version string (skips content hashing).
        strategy: optional ``tf.distribute`` strategy for the extraction.
        callbacks: Keras callbacks for ``bundle.head.fit``.
        verbose: 0 silent, 1 progress bars, 2 one line per epoch.
    """
    from keras_recipes.cache.feature_cache import FeatureCache

    require_bundle("bundle", bundle)
    require_positive_int("epochs", epochs)
    _require_frozen(bundle.encoder)
    if not getattr(bundle.head, "compiled", False):
        raise ValueError("bundle.head must be compiled before training on cached features, e.g. "
                         "bundle.head.compile(optimizer='adam', loss='sparse_categorical_crossentropy', "
                         "metrics=['accuracy']); received an uncompiled head")
    cache = FeatureCache(cache_dir)
    common = {"data_version": data_version, "strategy": strategy, "verbose": min(verbose, 1)}
    features = cache.extract(bundle, train, augment=augment, copies=copies, seed=seed, **common)
    validation_data = None
    if validation is not None:
        validation_data = cache.extract(bundle, validation, **common).dataset(
            batch_size, shuffle=False)
    return bundle.head.fit(features.dataset(batch_size, seed=seed), epochs=epochs,
                           validation_data=validation_data, callbacks=callbacks, shuffle=False,
                           verbose=verbose)  # the cached dataset shuffles itself

"""Train every task's head on cached bottleneck features (seed 001's bottleneck, for several tasks).

The bottleneck cache (``keras_recipes.cache.FeatureCache``) stores one label
tensor per example; a multi-task dataset has a dict of labels. Here the
cache stores each example's index as its label, and the task labels are
gathered back by index in the pipeline, so the cache itself is unchanged
and a cached entry is reused across runs like any other.
"""

import keras
import numpy as np

from keras_recipes.checks import require_dataset, require_positive_int


def _collect(dataset, name):
    """``(images, {task: labels})`` numpy arrays of a dataset of ``(x, {task: y})`` batches."""
    require_dataset(name, dataset, "a batched tf.data.Dataset of (x, {task: y})")
    spec = dataset.element_spec
    if not (isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[1], dict)):
        raise ValueError(f"{name} must yield (x, {{task: y}}) batches; received element_spec={spec!r}")
    xs, ys = [], {t: [] for t in spec[1]}
    for x, y in dataset.as_numpy_iterator():
        xs.append(x)
        for t in ys:
            ys[t].append(y[t])
    if not xs:
        raise ValueError(f"{name} must yield at least one batch; received an empty dataset")
    return np.concatenate(xs), {t: np.concatenate(v) for t, v in ys.items()}


def _cached_task_dataset(cache, encoder, images, labels, *, batch_size=32, shuffle=True, seed=0):
    """``(features, {task: y})`` batches: ``encoder``'s features cached once, labels joined by index.

    With one bottleneck per task (``encoder`` outputs a dict), each task's
    bottleneck is cached as its own entry and the features are a dict.
    """
    import tensorflow as tf

    indexed = tf.data.Dataset.from_tensor_slices((images, np.arange(len(images)))).batch(batch_size)
    outputs = encoder.output
    if isinstance(outputs, dict):
        names = list(outputs)
        parts = [cache.extract(keras.Model(encoder.input, outputs[t], name=f"encoder_{t}"), indexed,
                               verbose=0).dataset(batch_size, shuffle=False) for t in names]
        ds = tf.data.Dataset.zip(tuple(parts)).map(
            lambda *pairs: ({t: f for t, (f, _) in zip(names, pairs)}, pairs[0][1])).unbatch()
        if shuffle:
            ds = ds.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
        ds = ds.batch(batch_size)
    else:
        ds = cache.extract(encoder, indexed, verbose=0).dataset(batch_size, shuffle=shuffle, seed=seed)
    table = {t: tf.constant(y) for t, y in labels.items()}
    return ds.map(lambda f, i: (f, {t: tf.gather(y, i) for t, y in table.items()}))


def train_heads_on_cache(bundle, train, validation=None, *, epochs, cache_dir=None, batch_size=32,
                         seed=0, callbacks=None, verbose=0):
    """Train ``bundle.head`` (every task's head) on cached bottleneck features; return the ``History``.

    The multi-task form of ``keras_recipes.cache.train_head_on_cache``:
    freeze the encoder, compile ``bundle.head`` (e.g. ``compile_multitask``),
    and call this; the trained heads are already inside ``bundle.model``.
    Labels are held in memory (the features stay in the cache's shards).

    >>> import tempfile
    >>> from keras_recipes.datasets import load_multitask_digits
    >>> from keras_recipes.multitask import compile_multitask, hard_sharing
    >>> data = load_multitask_digits(labelled_fraction=0.1)
    >>> bundle = hard_sharing(data.input_shape, data.tasks, width=4, depth=(1,))
    >>> bundle.encoder.trainable = False
    >>> head = compile_multitask(bundle.head, data.tasks, jit_compile=False)
    >>> history = train_heads_on_cache(bundle, data.train, epochs=1,
    ...                                cache_dir=tempfile.mkdtemp())  # doctest: +SKIP
    >>> sorted(k for k in history.history if k.endswith("accuracy"))  # doctest: +SKIP
    ['digit_accuracy', 'high_accuracy', 'parity_accuracy']

    (The two lines that train are skipped in the docstring tests: on JAX
    the extraction and the head's step compile, ~40 s on the loaded CI
    machine; ``tests/test_multitask.py`` trains heads on a cache.)

    Args:
        bundle: a ``MultiTaskBundle`` with a frozen encoder and a compiled head.
        train: ``tf.data.Dataset`` of ``(x, {task: y})`` batches.
        validation: optional dataset of the same kind.
        epochs: head training epochs (required).
        cache_dir: the ``FeatureCache`` folder (default: the cache's default).
        batch_size: default 32.
        seed: shuffling seed (default 0).
        callbacks, verbose: passed to ``bundle.head.fit`` (verbose default 0).
    """
    from keras_recipes.cache import FeatureCache

    if not hasattr(bundle, "heads"):
        raise TypeError(f"bundle must be a MultiTaskBundle (with heads); received: {type(bundle).__name__}")
    require_positive_int("epochs", epochs)
    require_positive_int("batch_size", batch_size)
    if bundle.encoder.trainable_weights:
        raise ValueError("bundle.encoder must be frozen before training on cached features; set "
                         f"bundle.encoder.trainable = False (received {len(bundle.encoder.trainable_weights)} "
                         "trainable weights)")
    if not getattr(bundle.head, "compiled", False):
        raise ValueError("bundle.head must be compiled first, e.g. compile_multitask(bundle.head, tasks); "
                         "received an uncompiled head")
    cache = FeatureCache(cache_dir)
    images, labels = _collect(train, "train")
    data = _cached_task_dataset(cache, bundle.encoder, images, labels, batch_size=batch_size, seed=seed)
    validation_data = None
    if validation is not None:
        images, labels = _collect(validation, "validation")
        validation_data = _cached_task_dataset(cache, bundle.encoder, images, labels,
                                              batch_size=batch_size, shuffle=False)
    return bundle.head.fit(data, epochs=epochs, validation_data=validation_data, callbacks=callbacks,
                           verbose=verbose)

"""Reading a cache entry back as a ``tf.data.Dataset`` of (features, labels).

Shards are loaded (checksum first, see ``shards.read_array``) inside the
pipeline, so memory holds a few shards and the shuffle buffer, never the
whole cache. Each epoch reshuffles the shard order and the examples, and,
with K augmented copies, draws one copy per example afresh. All of it is set
by the reader's ``seed`` alone (``pass_seeds``): ``Dataset.shuffle(seed=)``
and ``Dataset.random(seed=)`` would mix in TensorFlow's global seed, so the
same ``seed`` would give another order after ``keras.utils.set_random_seed``.
"""

import numpy as np

from keras_recipes.cache import shards
from keras_recipes.datasets.splits import seeded_order


def pass_seeds(seed, count, salt):
    """``count`` stateless-op seeds (int64 pairs) per pass over the data, set by ``seed`` alone.

    Pass ``k`` (the ``k``-th iteration of the dataset: one epoch) yields
    ``numpy.random.default_rng([seed, salt, k]).integers(2**31, size=(count, 2))``,
    the same in every process whatever TensorFlow's global seed.
    """
    import tensorflow as tf

    passes = {"count": 0}

    def seeds():
        rng = np.random.default_rng([int(seed), salt, passes["count"]])
        passes["count"] += 1
        yield from rng.integers(2**31, size=(count, 2), dtype=np.int64)

    return tf.data.Dataset.from_generator(seeds, output_signature=tf.TensorSpec((2,), tf.int64))


def entry_arrays(directory, manifest, copy=0):
    """All features of one copy and the labels, in shard order, as numpy arrays."""
    ids = sorted(manifest.shards)
    features = [shards.read_array(directory, manifest.shards[i].files[f"copy{copy}"]) for i in ids]
    labels = [shards.read_array(directory, manifest.shards[i].files["labels"]) for i in ids]
    return np.concatenate(features), np.concatenate(labels)


def entry_dataset(directory, manifest, *, batch_size=32, shuffle=True, seed=0, shuffle_buffer=10_000):
    """The entry as batched, prefetched ``(features, labels)``; see ``CachedFeatures.dataset``.

    Autotuning and the default static rewrites are off (``untuned``): ``fit``
    creates and deletes one iterator per epoch.

    Every shard file is verified (size and sha256) before the pipeline is
    built, so a corrupt shard raises the package's ``CorruptShardError``
    here, in the caller's frame, rather than TensorFlow's
    ``InvalidArgumentError`` from inside ``fit`` (the pipeline checks again
    as it reads). The extra read is one pass over the cache files.
    """
    import tensorflow as tf

    from keras_recipes.cache.untuned import untuned

    ids = sorted(manifest.shards)
    copies = manifest.copies
    records = [manifest.shards[i].files for i in ids]
    for files in records:
        for record in files.values():
            shards.read_array(directory, record)  # raises CorruptShardError

    def load(index):
        files = records[int(index)]
        labels = shards.read_array(directory, files["labels"])
        features = [shards.read_array(directory, files[f"copy{k}"]) for k in range(copies)]
        return np.stack(features, axis=1) if copies > 1 else features[0], labels

    feature_shape = (None, *((copies,) if copies > 1 else ()), *manifest.feature_shape)
    label_shape = (None, *manifest.label_shape)

    def load_tensor(index):
        features, labels = tf.numpy_function(
            load, [index], [tf.as_dtype(manifest.feature_dtype), tf.as_dtype(manifest.label_dtype)],
            stateful=False)
        return tf.ensure_shape(features, feature_shape), tf.ensure_shape(labels, label_shape)

    # Whole shards and windows move through the pipeline, never single examples: a
    # per-example map or unbatch made an epoch of 5,000 features 3-4x slower.
    ds = seeded_order(len(ids), seed) if shuffle else tf.data.Dataset.range(len(ids))
    ds = ds.map(load_tensor)
    if copies > 1:  # one copy per example, drawn anew each pass
        picks = pass_seeds(seed, len(ids), salt=1)
        ds = tf.data.Dataset.zip(ds, picks).map(lambda shard, s: (tf.gather(
            shard[0], tf.random.stateless_uniform(tf.shape(shard[1])[:1], s, maxval=copies,
                                                  dtype=tf.int64), batch_dims=1), shard[1]))
    # Windows of shuffle_buffer examples (shards in seeded order), each permuted when
    # shuffling; a whole number of batches, so rebatching leaves only the last batch short.
    window = max(batch_size, shuffle_buffer // batch_size * batch_size)
    ds = ds.unbatch().batch(window)
    if shuffle:
        orders = pass_seeds(seed, -(-manifest.num_examples // window), salt=2)
        ds = tf.data.Dataset.zip(ds, orders).map(
            lambda batch, s: tuple(tf.gather(part, tf.random.experimental.stateless_shuffle(
                tf.range(tf.shape(batch[1])[0]), s)) for part in batch))
    steps = -(-manifest.num_examples // batch_size)
    ds = ds.rebatch(batch_size).apply(tf.data.experimental.assert_cardinality(steps))
    return untuned(ds.prefetch(tf.data.AUTOTUNE))

"""Reading a cache entry back as a ``tf.data.Dataset`` of (features, labels).

Shards are loaded (checksum first, see ``shards.read_array``) inside the
pipeline, so memory holds a few shards and the shuffle buffer, never the
whole cache. Each epoch reshuffles the shard order and the examples, and,
with K augmented copies, draws one copy per example afresh
(``tf.data.Dataset.random(rerandomize_each_iteration=True)``).
"""

import numpy as np

from keras_recipes.cache import shards


def entry_arrays(directory, manifest, copy=0):
    """All features of one copy and the labels, in shard order, as numpy arrays."""
    ids = sorted(manifest.shards)
    features = [shards.read_array(directory, manifest.shards[i].files[f"copy{copy}"]) for i in ids]
    labels = [shards.read_array(directory, manifest.shards[i].files["labels"]) for i in ids]
    return np.concatenate(features), np.concatenate(labels)


def entry_dataset(directory, manifest, *, batch_size=32, shuffle=True, seed=0, shuffle_buffer=10_000):
    """The entry as batched, prefetched ``(features, labels)``; see ``CachedFeatures.dataset``.

    Every shard file is verified (size and sha256) before the pipeline is
    built, so a corrupt shard raises the package's ``CorruptShardError``
    here, in the caller's frame, rather than TensorFlow's
    ``InvalidArgumentError`` from inside ``fit`` (the pipeline checks again
    as it reads). The extra read is one pass over the cache files.
    """
    import tensorflow as tf

    ids = sorted(manifest.shards)
    copies = manifest.copies
    records = [manifest.shards[i].files for i in ids]
    for files in records:
        for record in files.values():
            shards.read_array(directory, record)  # raises CorruptShardError

    def load(index):
        files = records[int(index)]
        labels = shards.read_array(directory, files["labels"])
        features = np.stack([shards.read_array(directory, files[f"copy{k}"]) for k in range(copies)], axis=1)
        return features, labels

    feature_shape = (None, copies, *manifest.feature_shape)
    label_shape = (None, *manifest.label_shape)

    def load_tensor(index):
        features, labels = tf.numpy_function(
            load, [index], [tf.as_dtype(manifest.feature_dtype), tf.as_dtype(manifest.label_dtype)],
            stateful=False)
        return tf.ensure_shape(features, feature_shape), tf.ensure_shape(labels, label_shape)

    ds = tf.data.Dataset.range(len(ids))
    if shuffle:
        ds = ds.shuffle(len(ids), seed=seed, reshuffle_each_iteration=True)
    ds = ds.map(load_tensor).unbatch()
    if copies > 1:
        picks = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True)
        ds = tf.data.Dataset.zip(ds, picks).map(
            lambda pair, r: (tf.gather(pair[0], r % copies), pair[1]))
    else:
        ds = ds.map(lambda features, labels: (features[0], labels))
    if shuffle:
        ds = ds.shuffle(min(shuffle_buffer, manifest.num_examples), seed=seed,
                        reshuffle_each_iteration=True)
    steps = -(-manifest.num_examples // batch_size)
    ds = ds.batch(batch_size).apply(tf.data.experimental.assert_cardinality(steps))
    return ds.prefetch(tf.data.AUTOTUNE)

"""``extract_on_workers``: every worker extracts its share of a bottleneck cache.

Shard ``i`` of the cache belongs to worker ``i % N``; each worker reads the
whole pipeline (to hash it and to keep shard boundaries identical) but runs
the encoder on its own shards only, writes them with a partial manifest,
then waits for the others and returns the whole cache under one manifest
(``keras_recipes.cache.extract.merge_workers``). The features are those of a
single-worker extraction, bit for bit: the same encoder on the same batches.
Plain files, no collective ops: it works on any backend, and the cache
folder only has to be on a file system all hosts share.
"""

from keras_recipes.distribute.cluster import Cluster


def extract_on_workers(cache, encoder, dataset, *, timeout=600.0, **extract_kwargs):
    """``cache.extract(encoder, dataset, ...)`` shared among the workers of ``TF_CONFIG``.

    The encoder is cloned outside any distribution strategy first (same
    architecture and weights, so the same cache key): a model built in a
    multi-worker strategy's scope would run its forward pass as a
    collective step across workers, which each worker's own shards cannot.

    Args:
        cache: a ``keras_recipes.cache.FeatureCache``.
        encoder: a ``keras.Model`` or ``ModelBundle``, identical on every worker.
        dataset: the same ``tf.data.Dataset`` of ``(x, y)`` on every worker.
        timeout: seconds to wait for the other workers (default 600).
        **extract_kwargs: passed to ``FeatureCache.extract``.
    Returns:
        ``CachedFeatures`` of the whole cache, on every worker.
    """
    import keras

    cluster = Cluster.from_env()
    encoder = getattr(encoder, "encoder", encoder)
    if cluster.count > 1:
        clone = keras.models.clone_model(encoder)
        clone.set_weights(encoder.get_weights())
        encoder = clone
    return cache.extract(encoder, dataset, worker=(cluster.index, cluster.count),
                         worker_timeout=timeout, **extract_kwargs)

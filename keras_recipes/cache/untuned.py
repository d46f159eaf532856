"""tf.data pipelines of the cache, with tf.data's autotuning off.

Deleting an exhausted iterator of an autotuned pipeline sometimes waits
4-6 s without using the CPU (TensorFlow 2.21 on 2 cores: 2 of 6 warm
extractions of 2,000 images stalled so after the pass itself had ended, 0
of 6 with autotuning off, 0 of 18 with this module in place; measured
2026-11-26). An extraction deletes four iterators (the finite check, the
first batch's, the content pass, the extraction pass) and ``fit`` one per
epoch, so the cache turns autotuning off for the pipelines it iterates.
Parallelism a caller left at ``tf.data.AUTOTUNE`` then stays at its
starting value, one per core.
"""


def untuned(dataset):
    """``dataset`` with ``tf.data.Options().autotune.enabled = False``; same elements.

    >>> import tensorflow as tf
    >>> ds = untuned(tf.data.Dataset.range(3))
    >>> ds.options().autotune.enabled, [int(v) for v in ds.as_numpy_iterator()]
    (False, [0, 1, 2])
    """
    import tensorflow as tf

    options = tf.data.Options()
    options.autotune.enabled = False
    return dataset.with_options(options)

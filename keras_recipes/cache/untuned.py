"""tf.data pipelines of the cache, without autotuning or static graph rewrites.

Measured with TensorFlow 2.21 on 2 cores (2026-11-26):

* Deleting an exhausted iterator of an autotuned pipeline sometimes waits
  4-6 s without using the CPU: 2 of 6 warm extractions of 2,000 images
  stalled so after the pass itself had ended, 0 of 6 with autotuning off.
* Creating an iterator applies tf.data's default static optimisations,
  which serialise the pipeline's graph, constants included: an in-memory
  ``from_tensor_slices`` dataset of 5,000 images of 96x96x3 (553 MB) took
  0.38 s per iterator, even for ``take(1)``, against 0.003 s with the
  default optimisations off.

An extraction creates and deletes four iterators (the finite check, the
first batch's, the content pass, the extraction pass) and ``fit`` one per
epoch, so the cache turns both off for the pipelines it iterates. What a
caller wrote stays as written: an explicit ``num_parallel_calls`` or
``prefetch`` still applies (one per core where it says
``tf.data.AUTOTUNE``), but a plain ``map`` is no longer parallelised for it.
"""


def untuned(dataset):
    """``dataset`` with tf.data's autotuning and default static optimisations off; same elements.

    >>> import tensorflow as tf
    >>> ds = untuned(tf.data.Dataset.range(3))
    >>> options = ds.options()
    >>> options.autotune.enabled, options.experimental_optimization.apply_default_optimizations
    (False, False)
    >>> [int(v) for v in ds.as_numpy_iterator()]
    [0, 1, 2]
    """
    import tensorflow as tf

    options = tf.data.Options()
    options.autotune.enabled = False
    options.experimental_optimization.apply_default_optimizations = False
    return dataset.with_options(options)

"""What the bench scripts' ``--smoke`` runs share: eager steps and a tiny digits split.

A smoke run checks that every arm of a bench runs end to end and prints its
tables and JSON line, in seconds (one CI test per script); its figures mean
nothing. Two things make it slow, and both are smoke-only here:

* tracing: on TensorFlow every new model's ``fit``/``predict`` traces a
  ``tf.function`` (~1.5-2 s each on two busy cores, whatever the data size),
  while a smoke run takes a handful of steps per model, which run eagerly in
  a fraction of that (``eager``);
* data: a few dozen examples instead of the 1,797 digits (``tiny_digits``).

The full runs (no ``--smoke``) never call this module.
"""

import contextlib


def eager(enabled=True):
    """Run every Keras step eagerly on TensorFlow (no ``tf.function`` traced per model); other backends: no-op.

    ``enabled=False`` turns tracing back on, for a part whose models take tens of steps each
    (an eager step costs ~0.05-0.2 s on two busy cores, so tracing pays off beyond ~10 steps).
    """
    import keras

    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.run_functions_eagerly(enabled)


@contextlib.contextmanager
def traced(enabled=True):
    """Keras steps traced inside the block, eager again after it; a no-op when ``enabled`` is false.

    For a smoke run's part whose models take tens of steps each (see ``eager``).
    """
    if enabled:
        eager(False)
    try:
        yield
    finally:
        if enabled:
            eager()


def tiny_digits(per_class=10, *, image_size=8, classes=None, labelled_fraction=1.0, seed=0):
    """``make_splits`` over the first ``per_class`` digits of each class (10: 7 train, 1 validation, 2 test each)."""
    import numpy as np

    from keras_recipes.datasets import digits_arrays, make_splits

    x, y = digits_arrays(image_size=image_size)
    keep = np.sort(np.concatenate([np.flatnonzero(y == c)[:per_class] for c in range(10)]))
    return make_splits(x[keep], y[keep], tuple(str(d) for d in range(10)), classes=classes,
                       labelled_fraction=labelled_fraction, seed=seed)

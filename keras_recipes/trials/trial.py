"""Throwaway training trials (LR finder, overfit check): a copy of the model and its batches.

Probes of seed 002's hyperparameter recipe train for a while and must leave
the user's model exactly as it was; they run on a compiled clone instead.
"""

import keras
import numpy as np

from keras_recipes.checks import keras_model_of, require_dataset


def trial_copy(model, *, loss=None, learning_rate=None, metrics=None):
    """A compiled clone of ``model`` with the same weights and optimizer settings.

    The clone gets a fresh optimizer of the same class and config (so none of
    the original's state is shared), optionally with a float
    ``learning_rate`` in place of the original rate or schedule.

    ```python
    probe = trial_copy(model, learning_rate=1e-3, metrics=["accuracy"])
    probe.fit(x_small, y_small, epochs=50)      # model is untouched
    ```

    Args:
        model: a compiled ``keras.Model`` or a ``ModelBundle``; a functional or
            Sequential model (``keras.models.clone_model`` must handle it).
        loss: loss for the clone; default: the model's compiled loss.
        learning_rate: float rate for the clone's optimizer; default: the
            model's own rate or schedule.
        metrics: metrics for the clone. Default none.
    Returns:
        the compiled clone.
    """
    keras_model = keras_model_of("model", model)
    loss = loss if loss is not None else getattr(keras_model, "loss", None)
    optimizer = getattr(keras_model, "optimizer", None)
    if loss is None or optimizer is None:
        raise ValueError(
            "model must be compiled (with an optimizer and a loss) or loss= must be given; "
            f"received an uncompiled model {keras_model.name!r}"
        )
    config = optimizer.get_config()
    if learning_rate is not None:
        config["learning_rate"] = float(learning_rate)
    clone = keras.models.clone_model(keras_model)
    clone.set_weights(keras_model.get_weights())
    clone.compile(optimizer=type(optimizer).from_config(config), loss=loss, metrics=metrics)
    return clone


def iter_batches(data, count, *, batch_size=32, seed=0):
    """Yield ``count`` ``(x, y)`` numpy batches of ``data``, cycling through it if short.

    ``data`` is a batched ``tf.data.Dataset`` of ``(x, y)`` or a tuple of
    arrays ``(x, y)`` (shuffled with ``seed`` and cut into ``batch_size``).

    ```python
    for x, y in iter_batches((x_train, y_train), 100, batch_size=32):
        model.train_on_batch(x, y)
    ```
    """
    if isinstance(data, tuple) and len(data) == 2:
        x, y = (np.asarray(a) for a in data)
        if len(x) != len(y) or len(x) == 0:
            raise ValueError(
                f"data=(x, y) needs equal, non-zero lengths; received {len(x)} and {len(y)}"
            )
        order = np.resize(np.random.default_rng(seed).permutation(len(x)), count * batch_size)
        for i in range(count):
            rows = order[i * batch_size : (i + 1) * batch_size]
            yield x[rows], y[rows]
        return
    require_dataset("data", data, "a batched tf.data.Dataset of (x, y) or a tuple (x, y) of arrays")
    for batch in data.repeat().take(count).as_numpy_iterator():
        yield batch[0], batch[1]

"""Small shared training helpers for the label-efficient recipes (seeded build, fit, score)."""

import keras
import numpy as np

from keras_recipes.checks import require_choice, require_positive_int, require_positive_number

LOSSES = ("ce", "gce")


def build_seeded(builder, seed):
    """``builder()`` after ``keras.utils.set_random_seed(seed)``; must return a logit-output ``keras.Model``."""
    if not callable(builder):
        raise TypeError(f"builder must be a callable returning a keras.Model; received: builder={builder!r}")
    keras.utils.set_random_seed(int(seed))
    model = builder()
    if not isinstance(model, keras.Model):
        raise TypeError(f"builder must return a keras.Model; it returned {type(model).__name__}")
    return model


def fit_classifier(model, x, y, *, epochs=20, batch_size=32, learning_rate=1e-3, loss="ce", q=0.7, seed=0,
                   validation_data=None, verbose=0):
    """Train a logit-output ``model`` on ``(x, y)`` in place with Adam; return the Keras history.

    Args:
        loss: ``"ce"`` (sparse cross-entropy from logits) or ``"gce"``
            (``keras.losses.CategoricalGeneralizedCrossEntropy(q)``, which
            expects probabilities: it trains a softmax view sharing the weights).
        q: the GCE noise parameter in (0, 1) (0.7, Zhang & Sabuncu 2018).
        epochs, batch_size, learning_rate, seed, validation_data, verbose: as usual.
    """
    require_choice("loss", loss, LOSSES)
    require_positive_int("epochs", epochs)
    require_positive_int("batch_size", batch_size)
    require_positive_number("learning_rate", learning_rate)
    import tensorflow as tf

    x = np.asarray(x, "float32")
    y = np.asarray(y)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed).batch(batch_size)
    trained = model
    if loss == "gce":
        trained = keras.Model(model.inputs, keras.layers.Softmax()(model.outputs[0]))
        objective = keras.losses.CategoricalGeneralizedCrossEntropy(q=q)
    else:
        objective = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    trained.compile(keras.optimizers.Adam(learning_rate), loss=objective, metrics=["accuracy"])
    return trained.fit(ds, epochs=epochs, validation_data=validation_data, verbose=verbose)


def predict_probs(model, x, batch_size=256):
    """Softmax probabilities of a logit-output model."""
    logits = np.asarray(model.predict(np.asarray(x, "float32"), batch_size=batch_size, verbose=0))
    logits = logits - logits.max(-1, keepdims=True)
    e = np.exp(logits)
    return e / e.sum(-1, keepdims=True)


def accuracy(model, x, y):
    """Top-1 accuracy of ``model`` on ``(x, y)``."""
    return float(np.mean(predict_probs(model, x).argmax(-1) == np.asarray(y)))

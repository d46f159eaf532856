"""Argument checks shared by every recipe: fail at the door, name the argument.

Each helper raises ``ValueError``/``TypeError`` whose message names the
argument, the value received and what is allowed.
"""

import numbers


def require_positive_int(name, value):
    """Raise unless ``value`` is an int >= 1 (bools are refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive int; received: {name}={value!r}")
    if value < 1:
        raise ValueError(f"{name} must be a positive int (>= 1); received: {name}={value!r}")
    return int(value)


def require_rate(name, value, *, closed=False):
    """Raise unless ``value`` is a number in [0, 1) (or [0, 1] with ``closed``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number; received: {name}={value!r}")
    upper_ok = value <= 1 if closed else value < 1
    if not (value >= 0 and upper_ok):
        allowed = "[0, 1]" if closed else "[0, 1)"
        raise ValueError(f"{name} must be in {allowed}; received: {name}={value!r}")
    return float(value)


def require_positive_number(name, value, *, allow_zero=False):
    """Raise unless ``value`` is a real number > 0 (>= 0 with ``allow_zero``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number; received: {name}={value!r}")
    if not (value >= 0 if allow_zero else value > 0) or value != value:
        allowed = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {allowed}; received: {name}={value!r}")
    return float(value)


def require_choice(name, value, allowed):
    """Raise unless ``value`` is one of ``allowed``; the message lists them."""
    if value not in allowed:
        raise ValueError(
            f"{name} must be one of {list(allowed)}; received: {name}={value!r}"
        )
    return value


def fresh_optimizer(name, value, learning_rate, **config):
    """A new Keras optimizer from the name ``value`` (e.g. "adam", "sgd") at ``learning_rate``.

    ``config`` adds other optimizer arguments (e.g. ``weight_decay=1e-4``).

    The one place recipes that take ``optimizer="sgd"`` turn it into an
    optimizer; an unknown name raises ``ValueError`` naming the argument.

    >>> type(fresh_optimizer("optimizer", "sgd", 0.1)).__name__
    'SGD'
    """
    import keras

    if not isinstance(value, str):
        raise TypeError(f"{name} must be a Keras optimizer name such as 'adam' or 'sgd'; "
                        f"received: {name}={value!r}")
    try:
        return keras.optimizers.get({"class_name": value,
                                     "config": {"learning_rate": learning_rate, **config}})
    except ValueError:
        raise ValueError(f"{name} must be a Keras optimizer name such as 'adam' or 'sgd'; "
                         f"received: {name}={value!r}") from None


def require_bundle(name, value):
    """Raise ``TypeError`` unless ``value`` has the three doors of a ``ModelBundle``."""
    if not all(hasattr(value, door) for door in ("model", "encoder", "head")):
        raise TypeError(f"{name} must be a ModelBundle; received: {type(value).__name__}")
    return value


def keras_model_of(name, value):
    """The ``keras.Model`` in ``value``: a ``ModelBundle``'s ``.model`` or ``value`` itself.

    Raises ``TypeError`` naming ``name`` when ``value`` is neither.

    >>> import keras
    >>> inputs = keras.Input((2,))
    >>> m = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    >>> keras_model_of("model", m) is m
    True
    """
    import keras

    model = getattr(value, "model", value)
    if not isinstance(model, keras.Model):
        raise TypeError(
            f"{name} must be a ModelBundle or a keras.Model; received: {type(value).__name__}")
    return model


def check_dataset(model, dataset):
    """Raise ``ValueError`` if ``dataset``'s images do not fit ``model``'s input.

    ``model`` may be a ``keras.Model`` or a ``ModelBundle``; ``dataset`` is a
    ``tf.data.Dataset`` of ``(x, y)`` or ``(x, y, sample_weight)``, batched or
    not. Called before training so a mismatch is reported in the user's terms
    rather than as a shape error deep inside TensorFlow.

    >>> import keras_recipes as kr
    >>> b = kr.vgg(input_shape=(32, 32, 1), num_classes=10)       # doctest: +SKIP
    >>> kr.check_dataset(b, kr.datasets.load_digits(image_size=8).train)  # doctest: +SKIP
    Traceback (most recent call last):
    ValueError: dataset images have shape (8, 8, 1) but the model expects (32, 32, 1) ...
    """
    keras_model = keras_model_of("model", model)
    expected = tuple(keras_model.input.shape[1:])
    spec = dataset.element_spec
    x_spec = spec[0] if isinstance(spec, tuple) else spec
    if isinstance(x_spec, dict):
        raise ValueError(
            "check_dataset expects (x, y) elements with an image tensor x; "
            f"received a dict with keys {sorted(x_spec)}"
        )
    shape = tuple(x_spec.shape)
    # Batched datasets have one more (leading) axis than the model input.
    got = shape[1:] if len(shape) == len(expected) + 1 else shape
    compatible = len(got) == len(expected) and all(
        e is None or g is None or e == g for e, g in zip(expected, got)
    )
    if not compatible:
        hint = ""
        if len(got) == len(expected) and got[:-1] == expected[:-1]:
            hint = " (channel count differs: pass channels= to the loader)"
        elif len(got) == len(expected):
            hint = " (pass image_size= to the loader, or build the model for this size)"
        raise ValueError(
            f"dataset images have shape {got} but the model expects {expected}{hint}"
        )


def require_dataset(name, value, what="a batched tf.data.Dataset of (x, y)"):
    """Raise ``TypeError`` unless ``value`` is a ``tf.data.Dataset``.

    Told by what a dataset has (``element_spec``, ``repeat``, ``take``,
    ``as_numpy_iterator``) rather than by ``isinstance``, so recipes need no
    TensorFlow import to validate their input pipeline on JAX or PyTorch.

    >>> require_dataset("data", [1, 2])
    Traceback (most recent call last):
    TypeError: data must be a batched tf.data.Dataset of (x, y); received: list
    """
    if not all(hasattr(value, a) for a in ("element_spec", "repeat", "take", "as_numpy_iterator")):
        raise TypeError(f"{name} must be {what}; received: {type(value).__name__}")
    return value


def is_tensor_spec(spec):
    """True for a dense tensor's spec (``tf.TensorSpec``), not a ragged/sparse one or a nest."""
    return type(spec).__name__ == "TensorSpec" and hasattr(spec, "shape") and hasattr(spec, "dtype")
def _num_classes_of(keras_model):
    shape = tuple(keras_model.output.shape) if not isinstance(keras_model.output, (list, dict)) \
        else ()
    return int(shape[-1]) if len(shape) == 2 and shape[-1] and shape[-1] > 1 else None


def check_training_data(model, dataset, name="train", *, num_classes=None, max_batches=64):
    """Raise before any training unless ``dataset`` can train ``model``.

    Checks, in the user's terms and naming ``name``: a ``tf.data.Dataset``
    (``TypeError`` otherwise) of ``(image, label[, weight])`` elements,
    batched (one axis more than the model's input), images that fit the
    model (``check_dataset``), not empty, and, over its first
    ``max_batches`` batches, finite images (no NaN or inf) and integer labels
    in ``[0, num_classes)``. ``num_classes`` defaults to the width of the
    model's output when it is a ``(batch, classes)`` softmax.

    >>> import keras, numpy as np, tensorflow as tf
    >>> inputs = keras.Input((4,))
    >>> m = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(inputs))
    >>> bad = tf.data.Dataset.from_tensor_slices((np.zeros((8, 4), "float32"), np.full(8, 3)))
    >>> check_training_data(m, bad.batch(4))
    Traceback (most recent call last):
    ValueError: train holds labels outside [0, 3) (the model has 3 classes): received label 3 in batch 0

    Args:
        model: a ``keras.Model`` or a ``ModelBundle``.
        dataset: the dataset to check.
        name: the argument name used in messages (default ``"train"``).
        num_classes: number of classes (default: read from the model).
        max_batches: how many batches to scan for NaN and labels (default 64).
    Returns:
        ``dataset``.
    """
    import numpy as np
    import tensorflow as tf

    if not isinstance(dataset, tf.data.Dataset):
        raise TypeError(f"{name} must be a batched tf.data.Dataset of (image, label); "
                        f"received: {name}={type(dataset).__name__}")
    keras_model = keras_model_of("model", model)
    spec = dataset.element_spec
    if not isinstance(spec, tuple) or not 2 <= len(spec) <= 3:
        raise ValueError(f"{name} must yield (image, label) or (image, label, weight) tuples; "
                         f"received elements {spec}")
    x_spec = spec[0]
    if isinstance(x_spec, dict):
        raise ValueError(f"{name} must yield an image tensor, not a dict; received keys "
                         f"{sorted(x_spec)}")
    expected = tuple(keras_model.input.shape[1:])
    shape = tuple(x_spec.shape)
    if len(shape) == len(expected) and all(
            e is None or g is None or e == g for e, g in zip(expected, shape)):
        raise ValueError(f"{name} must be batched: its images have shape {shape}, the model's "
                         f"input without a batch axis; received an unbatched dataset "
                         f"(call {name}.batch(32))")
    try:
        check_dataset(keras_model, dataset)
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from None
    if int(dataset.cardinality()) == 0:
        raise ValueError(f"{name} is empty; received a dataset of 0 batches")
    if num_classes is None:
        num_classes = _num_classes_of(keras_model)
    seen = 0
    for index, element in enumerate(dataset.take(max_batches)):
        seen += 1
        _require_finite(name, element[0], index)
        y = np.asarray(element[1])
        if num_classes and np.issubdtype(y.dtype, np.integer) and y.size:
            low, high = int(y.min()), int(y.max())
            if low < 0 or high >= num_classes:
                bad = low if low < 0 else high
                raise ValueError(
                    f"{name} holds labels outside [0, {num_classes}) (the model has "
                    f"{num_classes} classes): received label {bad} in batch {index}")
    if not seen:
        raise ValueError(f"{name} is empty; received a dataset that yields no batch")
    return dataset


def _require_finite(name, images, index):
    import numpy as np

    x = np.asarray(images)
    if np.issubdtype(x.dtype, np.floating) and not np.all(np.isfinite(x)):
        raise ValueError(f"{name} holds non-finite image values (NaN or inf) in batch "
                         f"{index}; received {int(np.sum(~np.isfinite(x)))} bad values; "
                         "clean or drop those images first")


def require_finite_images(name, dataset, max_batches=64):
    """Raise ``ValueError`` naming ``name`` if the first ``max_batches`` batches hold NaN or inf.

    >>> import numpy as np, tensorflow as tf
    >>> bad = tf.data.Dataset.from_tensor_slices(np.array([[0.0], [np.nan]], "float32"))
    >>> require_finite_images("dataset", bad.map(lambda x: (x, 0)).batch(2))
    Traceback (most recent call last):
    ValueError: dataset holds non-finite image values (NaN or inf) in batch 0; ...
    """
    for index, element in enumerate(dataset.take(max_batches)):
        _require_finite(name, element[0] if isinstance(element, tuple) else element, index)
    return dataset

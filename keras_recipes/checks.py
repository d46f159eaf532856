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


def fresh_optimizer(name, value, learning_rate):
    """A new Keras optimizer from the name ``value`` (e.g. "adam", "sgd") at ``learning_rate``.

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
        return keras.optimizers.get({"class_name": value, "config": {"learning_rate": learning_rate}})
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

"""Fingerprints: what decides the content of a feature cache, hashed.

Seeds 001/003 warn that saved bottleneck features are only valid for the
encoder and the data they came from. A cache entry is therefore keyed by
sha256 digests of (1) the encoder's architecture and every weight value,
(2) the dataset's element spec, cardinality and content (or a version string
the caller vouches for) and (3) the augmentation, its seed and the number of
copies. Change any of them and the key changes, so a stale cache is never
found, let alone read.
"""

import hashlib
import inspect
import json

import numpy as np

MODULUS = 2**256


def _sha(text):
    return hashlib.sha256(text.encode()).hexdigest()


def _layer_names(model):
    """Names of every layer of ``model``, nested models included, in build order."""
    from keras_recipes.bundle import walk_layers

    return [model.name] + [layer.name for layer in walk_layers(model, containers=True)]


def _rename(value, mapping):
    if isinstance(value, dict):
        return {mapping.get(k, k) if isinstance(k, str) else k: _rename(v, mapping)
                for k, v in value.items() if k != "trainable"}
    if isinstance(value, (list, tuple)):
        return [_rename(v, mapping) for v in value]
    if isinstance(value, str):
        return mapping.get(value, value)
    return value


def architecture_fingerprint(model):
    """sha256 of ``model.get_config()`` with layer names made positional.

    ``trainable`` flags are left out: freezing an encoder does not change
    its features (they are extracted with ``training=False``).

    Auto-generated names (``conv2d_7``) depend on how many layers a session
    built before; replacing each name by its position keeps the digest stable
    across sessions while any change of wiring, layer type or setting
    changes it.
    """
    mapping = {name: f"#{i}" for i, name in enumerate(dict.fromkeys(_layer_names(model)))}
    config = _rename(model.get_config(), mapping)
    return _sha(json.dumps(config, sort_keys=True, default=repr))


def weights_fingerprint(model):
    """sha256 over the dtype, shape and bytes of every weight of ``model``, in order.

    Weights are identified by position, not by their (session-dependent) path.
    """
    digest = hashlib.sha256()
    for index, weight in enumerate(model.weights):
        value = np.ascontiguousarray(np.asarray(weight.numpy()))
        digest.update(f"{index}|{value.dtype}|{value.shape}|".encode())
        digest.update(value.data)
    return digest.hexdigest()


def encoder_fingerprint(model):
    """Architecture and weight values of an encoder, as one sha256 hex digest.

    >>> import keras
    >>> m = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> before = encoder_fingerprint(m)
    >>> _ = m.layers[0].kernel.assign(m.layers[0].kernel + 1e-3)
    >>> encoder_fingerprint(m) == before
    False
    """
    return _sha(architecture_fingerprint(model) + weights_fingerprint(model))


def example_digests(x, y):
    """One integer digest per example of a batch: sha256 of the example's x and y bytes."""
    x = np.ascontiguousarray(x)
    y = np.ascontiguousarray(y)
    digests = []
    for i in range(len(x)):
        digest = hashlib.sha256(x[i].data)
        digest.update(y[i].tobytes())
        digests.append(int.from_bytes(digest.digest(), "big"))
    return digests


def multiset_digest(digests):
    """Order-free combination of example digests (their sum modulo 2**256).

    A shuffled pipeline (``load_digits(...).train`` reshuffles every epoch)
    holds the same examples in another order; its cached features are the
    same (feature, label) pairs, so the order must not change the key.
    """
    return sum(digests) % MODULUS


def content_digest(batches):
    """Multiset digest of every (x, y) example in an iterable of numpy batches."""
    total = 0
    for x, y in batches:
        total = (total + multiset_digest(example_digests(x, y))) % MODULUS
    return f"{total:064x}"


def dataset_fingerprint(dataset, batches, *, data_version=None):
    """Element spec, cardinality and content (or ``data_version``) of a dataset.

    Args:
        dataset: the ``tf.data.Dataset`` of ``(x, y)`` batches.
        batches: a callable returning a fresh iterator of numpy ``(x, y)``
            batches of ``dataset``; only called when ``data_version`` is None.
        data_version: a string the caller changes whenever the data change.
            It skips the content pass (one read of the data, no encoder).
    """
    cardinality = int(dataset.cardinality())
    if data_version is not None:
        content = "version:" + str(data_version)
    else:
        content = "content:" + content_digest(batches())
    return _sha(f"{dataset.element_spec!r}|{cardinality}|{content}"), content


def augment_fingerprint(augment, *, seed, copies):
    """The augmentation's definition, its seed and the number of copies.

    A Keras layer is described by its config (layer names made positional,
    as for the encoder); a plain function by its module,
    name and source text (so editing the function invalidates the cache).
    """
    if augment is None:
        described = "none"
    elif hasattr(augment, "get_config"):
        described = type(augment).__name__ + architecture_fingerprint(augment)
    else:
        try:
            source = inspect.getsource(augment)
        except (OSError, TypeError):
            source = "<no source>"
        described = f"{getattr(augment, '__module__', '')}.{getattr(augment, '__qualname__', repr(augment))}:{source}"
    return _sha(f"{described}|seed={seed}|copies={copies}")


def cache_key(encoder_digest, dataset_digest, augment_digest):
    """The key of one cache entry: a sha256 of its three fingerprints."""
    return _sha(f"{encoder_digest}|{dataset_digest}|{augment_digest}")

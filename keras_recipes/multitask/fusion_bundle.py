"""The front every fusion builder shares: modality inputs, modality dropout, one encoder per modality.

Seed 001's "Multi-modal Review": the early, intermediate, late and searched
(MFAS) fusion builders each build ``inputs -> modality encoders -> fusion ->
head`` and return a ``FusionBundle`` (one encoder door per modality beside
the fused encoder, head and model). ``FusionBundle`` is defined in
``keras_recipes.bundle`` beside ``ModelBundle``, so that
``ModelBundle.from_model`` recovers it from a saved model; it is re-exported
here and from ``keras_recipes.multitask``.
"""

import numbers

import keras

from keras_recipes.bundle import MODALITY_PREFIX, FusionBundle  # noqa: F401  (the bundle lives with ModelBundle)
from keras_recipes.checks import require_positive_int, require_rate
from keras_recipes.multitask.modality_dropout import ModalityDropout


def _check_modalities(modalities):
    """``{name: shape}`` with valid names and positive shapes; returns a clean copy."""
    if not isinstance(modalities, dict) or not modalities:
        raise ValueError("modalities must be a non-empty dict {name: input shape}, e.g. "
                         "{'image': (4, 8, 1), 'profile': (12,)}; received: "
                         f"modalities={modalities!r}")
    clean = {}
    for name, shape in modalities.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"modality names must be identifiers; received: {name!r}")
        if not isinstance(shape, (tuple, list)) or not shape or not all(
                isinstance(d, numbers.Integral) and not isinstance(d, bool) and d > 0 for d in shape):
            raise ValueError(f"modalities[{name!r}] must be a shape of positive ints; "
                             f"received: {shape!r}")
        clean[name] = tuple(int(d) for d in shape)
    return clean


def _check_modality_dropout(rate, count):
    """``rate`` in [0, 1/count]; any rate > 0 needs two modalities or more."""
    rate = require_rate("modality_dropout", rate, closed=True)
    if rate > 0 and count < 2:
        raise ValueError("modality_dropout needs at least 2 modalities; received "
                         f"modality_dropout={rate!r} with {count} modality")
    if rate * count > 1 + 1e-9:
        raise ValueError(f"modality_dropout must be at most 1/{count} for {count} modalities "
                         f"(at most one dropped per example); received: modality_dropout={rate!r}")
    return rate


def _check_mlp(width, depth):
    return require_positive_int("width", width), require_positive_int("depth", depth)


def _modality_encoders(modalities, modality_dropout, seed, encoder):
    """Every fusion builder's front: inputs, modality dropout, one encoder per modality.

    ``encoder(name, shape)`` builds modality ``name``'s encoder (a
    ``keras.Model`` named ``encoder_<name>``). Returns ``(inputs, encoders,
    encoded)``: the ``keras.Input`` per modality, the encoders and each
    encoder's output on its (possibly dropped) input, all dicts by modality.
    """
    inputs = {m: keras.Input(shape=shape, name=m) for m, shape in modalities.items()}
    tensors = list(inputs.values())
    if modality_dropout > 0:
        tensors = ModalityDropout(modality_dropout, seed=seed, name="modality_dropout")(tensors)
    encoders = {m: encoder(m, shape) for m, shape in modalities.items()}
    encoded = {m: encoders[m](x) for m, x in zip(inputs, tensors)}
    return inputs, encoders, encoded


def _mlp_encoder(name, shape, width, depth, *, activation="relu", all_layers=False):
    """One modality's encoder: Flatten -> ``depth`` x Dense(``width``, activation).

    Named ``encoder_<name>``; with ``all_layers`` it outputs every Dense
    layer's activation (the taps the fusion search chooses from).
    """
    inputs = keras.Input(shape=shape, name=name)
    x = keras.layers.Flatten(name=f"{name}_flatten")(inputs)
    taps = []
    for d in range(depth):
        x = keras.layers.Dense(width, activation=activation, name=f"{name}_dense{d + 1}")(x)
        taps.append(x)
    return keras.Model(inputs, taps if all_layers else x, name=MODALITY_PREFIX + name)


def _dense_stack(x, width, depth, name):
    """``depth`` x Dense(``width``, relu) named ``<name>1``, ``<name>2``..."""
    for d in range(depth):
        x = keras.layers.Dense(width, activation="relu", name=f"{name}{d + 1}")(x)
    return x

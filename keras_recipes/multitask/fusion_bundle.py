"""The multi-modal bundle: one encoder door per modality beside the fused encoder, head and model.

Shared by the early, intermediate, late and searched (MFAS) fusion builders
of seed 001's "Multi-modal Review": each builds ``inputs -> modality
encoders -> fusion -> head`` and returns a ``FusionBundle``.
"""

import numbers
from dataclasses import dataclass, field

import keras

from keras_recipes.bundle import ENCODER_NAME, HEAD_NAME, ModelBundle
from keras_recipes.checks import require_positive_int, require_rate
from keras_recipes.multitask.modality_dropout import ModalityDropout

MODALITY_PREFIX = "encoder_"


@dataclass(frozen=True)
class FusionBundle(ModelBundle):
    """A ``ModelBundle`` whose input is a dict of modalities, plus ``encoders`` by modality.

    * ``model``:    ``{modality: x}`` -> output (train / predict end to end)
    * ``encoder``:  ``{modality: x}`` -> the fused bottleneck (late fusion:
      the list of per-modality bottlenecks, in ``modalities`` order)
    * ``head``:     fused bottleneck -> output
    * ``encoders``: ``{modality: keras.Model}``, that modality's own encoder
      (input -> its bottleneck), nested inside ``encoder`` (same weights)

    ``FusionBundle.from_model(keras.saving.load_model(path))`` recovers all
    the doors from a saved ``model``.
    """

    # A default and keyword construction, so that fields ModelBundle may gain (with
    # defaults) never shift this one.
    encoders: dict = field(default_factory=dict)

    @property
    def modalities(self):
        """The modality names, in the order the fusion uses them."""
        return tuple(self.encoders)

    @classmethod
    def from_model(cls, model):
        """Recover every door (``encoders`` included) from an end-to-end fusion model."""
        plain = ModelBundle.from_model(model)
        encoders = {layer.name[len(MODALITY_PREFIX):]: layer for layer in plain.encoder.layers
                    if isinstance(layer, keras.Model) and layer.name.startswith(MODALITY_PREFIX)}
        if not encoders:
            raise ValueError(f"model {model.name!r} has no nested {MODALITY_PREFIX}<modality> "
                             "encoders; it was not built by a fusion builder")
        return cls(model=model, encoder=plain.encoder, head=plain.head, encoders=encoders)

    @classmethod
    def wire(cls, inputs, encoders, bottleneck, head, name):
        """Close the fused encoder on ``inputs`` and attach ``head``: the three usual doors."""
        encoder = keras.Model(inputs, bottleneck, name=ENCODER_NAME)
        outer = {m: keras.Input(shape=x.shape[1:], name=m) for m, x in inputs.items()}
        model = keras.Model(outer, head(encoder(outer)), name=name)
        return cls(model=model, encoder=encoder, head=head, encoders=dict(encoders))


def check_modalities(modalities):
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


def check_modality_dropout(rate, count):
    """``rate`` in [0, 1/count]; any rate > 0 needs two modalities or more."""
    rate = require_rate("modality_dropout", rate, closed=True)
    if rate > 0 and count < 2:
        raise ValueError("modality_dropout needs at least 2 modalities; received "
                         f"modality_dropout={rate!r} with {count} modality")
    if rate * count > 1 + 1e-9:
        raise ValueError(f"modality_dropout must be at most 1/{count} for {count} modalities "
                         f"(at most one dropped per example); received: modality_dropout={rate!r}")
    return rate


def check_mlp(width, depth):
    return require_positive_int("width", width), require_positive_int("depth", depth)


def modality_inputs(modalities, modality_dropout, seed=None):
    """The ``keras.Input`` per modality and the tensors after modality dropout (if any)."""
    inputs = {m: keras.Input(shape=shape, name=m) for m, shape in modalities.items()}
    tensors = list(inputs.values())
    if modality_dropout > 0:
        tensors = ModalityDropout(modality_dropout, seed=seed, name="modality_dropout")(tensors)
    return inputs, dict(zip(inputs, tensors))


def mlp_encoder(name, shape, width, depth, *, activation="relu", all_layers=False):
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


def dense_stack(x, width, depth, name):
    """``depth`` x Dense(``width``, relu) named ``<name>1``, ``<name>2``..."""
    for d in range(depth):
        x = keras.layers.Dense(width, activation="relu", name=f"{name}{d + 1}")(x)
    return x

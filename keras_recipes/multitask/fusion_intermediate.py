"""Intermediate fusion (seed 001): per-modality encoders, bottlenecks concatenated or gated."""

import keras

from keras_recipes.checks import require_choice, require_positive_int
from keras_recipes.multitask.fusion_bundle import (
    FusionBundle, _check_mlp, _check_modalities, _check_modality_dropout, _dense_stack,
    _mlp_encoder, _modality_encoders,
)
from keras_recipes.multitask.gated_fusion import GatedFusion
from keras_recipes.tasks import build_head
from keras_recipes.zoo.parts import resolve_task

FUSIONS = ("concat", "gated")


def intermediate_fusion(modalities, num_classes=None, *, task=None, width=32, depth=2,
                        fusion="concat", fused_depth=1, modality_dropout=0.0, seed=None,
                        name="intermediate_fusion"):
    """Encode each modality on its own, fuse the bottlenecks, then shared layers: intermediate fusion.

    Seed 001, "Intermediate Fusion": merge the sensor layers in a soft way,
    for when some features interplay and others do not. Each modality has
    its own MLP encoder (``encoders[m]``: Flatten -> ``depth`` x
    Dense(``width``)); their bottlenecks are concatenated (``"concat"``) or
    mixed by learned per-example gates (``"gated"``, ``GatedFusion``), then
    ``fused_depth`` shared Dense layers make the fused bottleneck
    (``encoder``). With a single modality this is that modality's own
    classifier (the unimodal baseline).

    >>> bundle = intermediate_fusion({"image": (4, 8, 1), "profile": (12,)}, 10,
    ...                              width=8, fusion="gated")
    >>> sorted(bundle.encoders), bundle.encoders["profile"].output.shape[-1]
    (['image', 'profile'], 8)

    Args:
        modalities: ``{name: input shape}``.
        num_classes, task: the task (a 10-class softmax by default).
        width, depth: units and Dense layers of each modality's encoder. Default 32, 2.
        fusion: ``"concat"`` (default) or ``"gated"``.
        fused_depth: shared Dense layers after the fusion, >= 0. Default 1.
        modality_dropout: per-modality training drop share, in [0, 1/M]. Default 0.
        seed: seed of the modality dropout draws.
        name: name of the end-to-end model.
    Returns:
        a ``FusionBundle``.
    """
    modalities = _check_modalities(modalities)
    width, depth = _check_mlp(width, depth)
    require_choice("fusion", fusion, FUSIONS)
    if fused_depth != 0:
        require_positive_int("fused_depth", fused_depth)
    if fusion == "gated" and len(modalities) < 2:
        raise ValueError(f"fusion='gated' needs at least 2 modalities; received {list(modalities)}")
    modality_dropout = _check_modality_dropout(modality_dropout, len(modalities))
    task = resolve_task(task, num_classes)
    inputs, encoders, encoded = _modality_encoders(
        modalities, modality_dropout, seed, lambda m, shape: _mlp_encoder(m, shape, width, depth))
    parts = list(encoded.values())
    if len(parts) == 1:
        fused = parts[0]
    elif fusion == "gated":
        fused = GatedFusion(name="gated_fusion")(parts)
    else:
        fused = keras.layers.Concatenate(name="intermediate_concat")(parts)
    bottleneck = _dense_stack(fused, width, fused_depth, "fused_dense")
    head = build_head(tuple(bottleneck.shape[1:]), task)
    return FusionBundle.wire(inputs, encoders, bottleneck, head, name)

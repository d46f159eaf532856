"""Early fusion (data fusion, seed 001): modalities joined before one shared encoder."""

import keras

from keras_recipes.checks import require_positive_int
from keras_recipes.multitask.fusion_bundle import (
    MODALITY_PREFIX, FusionBundle, _check_mlp, _check_modalities, _check_modality_dropout,
    _dense_stack, _modality_encoders,
)
from keras_recipes.tasks import build_head
from keras_recipes.zoo.parts import resolve_task


def early_fusion(modalities, num_classes=None, *, task=None, width=32, depth=2, projection=None,
                 modality_dropout=0.0, seed=None, name="early_fusion"):
    """Flatten every modality, concatenate, then one shared encoder: the slide's early fusion.

    Seed 001, "Early Fusion": merge the sensor layers early, assuming some
    redundancy between conditionally independent modes; its problem is the
    parameter explosion of the first shared layer, which the slide answers
    with dimensionality reduction, here ``projection`` (a linear map of each
    modality to that many features before joining). ``encoders[m]`` is that
    modality's flatten (and projection); ``encoder`` is the shared encoder's
    bottleneck.

    >>> bundle = early_fusion({"image": (4, 8, 1), "profile": (12,)}, num_classes=10, width=8)
    >>> bundle.modalities, bundle.bottleneck_shape
    (('image', 'profile'), (8,))

    Args:
        modalities: ``{name: input shape}`` (names are the model's input keys).
        num_classes: classes of a softmax classifier (10 when neither this
            nor ``task`` is given).
        task: a ``keras_recipes.tasks`` Task instead of ``num_classes``.
        width, depth: Dense units and layers of the shared encoder. Default 32, 2.
        projection: None (default: raw flattened inputs) or units of a
            linear projection of each modality before the concatenation.
        modality_dropout: share of examples whose modality is zeroed in
            training, per modality (``ModalityDropout``), in [0, 1/M]. Default 0.
        seed: seed of the modality dropout draws.
        name: name of the end-to-end model.
    Returns:
        a ``FusionBundle``.
    """
    modalities = _check_modalities(modalities)
    width, depth = _check_mlp(width, depth)
    if projection is not None:
        require_positive_int("projection", projection)
    modality_dropout = _check_modality_dropout(modality_dropout, len(modalities))
    task = resolve_task(task, num_classes)

    def encoder(m, shape):  # flatten (and project) each modality before the join
        x_in = keras.Input(shape=shape, name=m)
        x = keras.layers.Flatten(name=f"{m}_flatten")(x_in)
        if projection is not None:
            x = keras.layers.Dense(projection, name=f"{m}_projection")(x)
        return keras.Model(x_in, x, name=MODALITY_PREFIX + m)

    inputs, encoders, encoded = _modality_encoders(modalities, modality_dropout, seed, encoder)
    parts = list(encoded.values())
    joined = keras.layers.Concatenate(name="early_concat")(parts) if len(parts) > 1 else parts[0]
    bottleneck = _dense_stack(joined, width, depth, "fused_dense")
    head = build_head(tuple(bottleneck.shape[1:]), task)
    return FusionBundle.wire(inputs, encoders, bottleneck, head, name)

"""Late fusion (decision fusion, seed 001): one classifier per modality, predictions merged."""

import keras

from keras_recipes.checks import require_positive_int
from keras_recipes.multitask.fusion_bundle import (
    FusionBundle, _check_mlp, _check_modalities, _check_modality_dropout, _mlp_encoder,
    _modality_encoders,
)
from keras_recipes.multitask.multiplicative_merge import MultiplicativeMerge


def late_fusion(modalities, num_classes=10, *, width=32, depth=2, merge="sum", weights=None,
                beta=1.0, modality_dropout=0.0, seed=None, name="late_fusion"):
    """A classifier per modality, merged by multiplicative merging: the slide's late fusion.

    Seed 001, "Late Fusion" (decision fusion: separate classifiers, little
    interplay) with the "Multiplicative Merging" slide's merges
    (``MultiplicativeMerge``): ``"sum"`` of log-probabilities (the
    normalised product of the modalities' probabilities), ``"weighted"``
    (given or learned ``q_i``), ``"beta"`` (each modality weighted by how
    much the others miss the class). ``encoders[m]`` is modality ``m``'s
    encoder; ``encoder`` outputs the list of their bottlenecks (late fusion
    has no fused bottleneck) and ``head`` holds one logits layer per
    modality (``<m>_logits``) and the merge.

    >>> bundle = late_fusion({"image": (4, 8, 1), "profile": (12,)}, 10, width=8, merge="beta")
    >>> [tuple(s.shape[1:]) for s in bundle.encoder.outputs], tuple(bundle.model.output.shape)
    ([(8,), (8,)], (None, 10))

    Args:
        modalities: ``{name: input shape}``.
        num_classes: number of classes, >= 2. Default 10.
        width, depth: units and Dense layers of each modality's encoder. Default 32, 2.
        merge: ``"sum"`` (default), ``"weighted"`` or ``"beta"``.
        weights: for ``"weighted"``: the ``q_i`` in ``modalities`` order, or
            None (default) to learn them.
        beta: exponent of the ``"beta"`` merge, > 0. Default 1.0.
        modality_dropout: per-modality training drop share, in [0, 1/M]. Default 0.
        seed: seed of the modality dropout draws.
        name: name of the end-to-end model.
    Returns:
        a ``FusionBundle``.
    """
    modalities = _check_modalities(modalities)
    num_classes = require_positive_int("num_classes", num_classes)
    width, depth = _check_mlp(width, depth)
    modality_dropout = _check_modality_dropout(modality_dropout, len(modalities))
    merger = MultiplicativeMerge(merge, weights=weights, beta=beta, name="multiplicative_merge")
    if weights is not None and len(weights) != len(modalities):
        raise ValueError(f"weights must give one q_i per modality ({list(modalities)}); "
                         f"received: weights={weights!r}")
    inputs, encoders, encoded = _modality_encoders(
        modalities, modality_dropout, seed, lambda m, shape: _mlp_encoder(m, shape, width, depth))
    bottlenecks = list(encoded.values())
    head_inputs = [keras.Input(shape=(width,), name=f"{m}_bottleneck") for m in modalities]
    logits = [keras.layers.Dense(num_classes, name=f"{m}_logits")(h)
              for m, h in zip(modalities, head_inputs)]
    head = keras.Model(head_inputs, merger(logits), name="head")
    return FusionBundle.wire(inputs, encoders, bottlenecks, head, name)

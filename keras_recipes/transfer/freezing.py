"""Freeze and unfreeze a bundle's base, keeping BatchNorm in inference mode.

Diagram A1 (Transfer Learning): "transfer pre-trained weights, freeze; attach
a new task; train only the new task", then seed 001/003: "unfreeze a few top
layers and fine-tune". The Keras transfer-learning guide's rules hold here:
a frozen (``trainable=False``) ``BatchNormalization`` runs in inference mode
in Keras 3, so keeping BN layers frozen while their neighbours train keeps
the moving statistics and the normalisation of the source task; and a model
must be recompiled after ``trainable`` changes.
"""

import re

import keras

from keras_recipes.bundle import walk_layers
from keras_recipes.checks import require_bundle, require_positive_int

_BLOCK = re.compile(r"^(.*?block_?\d+[a-z]?)(?:_|$)")


def _bundle_parts(bundle):
    require_bundle("bundle", bundle)
    return bundle.model, bundle.encoder


def base_layers(bundle):
    """The encoder's layers that own weights, in graph order, nested models flattened.

    These are the units ``unfreeze(last=N)`` counts (an ``Add`` or an
    activation has nothing to train, so it is not counted).

    ```python
    names = [layer.name for layer in base_layers(bundle)]
    ```
    """
    _, encoder = _bundle_parts(bundle)
    return [layer for layer in walk_layers(encoder) if layer.weights]


def block_name(layer_name):
    """The block a layer belongs to, read from its name.

    Zoo and ``keras.applications`` names carry it: ``group2_block1_a_conv``
    -> ``group2_block1``, ``conv4_block3_1_bn`` -> ``conv4_block3``,
    ``block_13_expand`` -> ``block_13``. Other layers group by their name
    without the last ``_suffix`` (``stem_conv`` and ``stem_bn`` -> ``stem``).

    >>> block_name("group2_block1_a_conv"), block_name("block_13_expand"), block_name("stem_bn")
    ('group2_block1', 'block_13', 'stem')
    """
    match = _BLOCK.match(layer_name)
    if match:
        return match.group(1)
    return layer_name.rsplit("_", 1)[0] if "_" in layer_name else layer_name


def base_blocks(bundle):
    """``[(block name, [layers])]``: runs of ``base_layers`` that share a ``block_name``."""
    blocks = []
    for layer in base_layers(bundle):
        key = block_name(layer.name)
        if blocks and blocks[-1][0] == key:
            blocks[-1][1].append(layer)
        else:
            blocks.append((key, [layer]))
    return blocks


def recompile(model):
    """Compile ``model`` again with its own loss, metrics and a fresh optimizer.

    Needed after any change of ``trainable``: the compiled train step and
    the optimizer's slots were made for the old set of trainable variables.
    Does nothing for a model that was never compiled.
    """
    if not model.compiled:
        return model
    config = model.get_compile_config()
    if config is None:
        raise ValueError(
            f"model {model.name!r} was compiled with objects Keras cannot serialize, so it "
            "cannot be recompiled automatically; pass recompile_model=False to freeze/unfreeze "
            "and call model.compile(...) yourself"
        )
    model.compile_from_config(config)
    return model


def freeze(bundle, recompile_model=True):
    """Freeze the whole base (the encoder); the head stays trainable.

    Step 1 of fine-tuning: train only the new task. Frozen BatchNorm layers
    run in inference mode.

    ```python
    from keras_recipes.transfer import backbone, freeze
    bundle = freeze(backbone("reference", num_classes=5))
    assert not bundle.encoder.trainable and bundle.head.trainable
    ```

    Args:
        bundle: a ``ModelBundle``.
        recompile_model: recompile ``bundle.model`` if it is compiled.
    Returns:
        the same bundle.
    """
    model, encoder = _bundle_parts(bundle)
    encoder.trainable = False
    bundle.head.trainable = True
    if recompile_model:
        recompile(model)
    return bundle


def _selected(bundle, last, last_blocks, from_layer):
    given = [n for n, v in (("last", last), ("last_blocks", last_blocks),
                            ("from_layer", from_layer)) if v is not None]
    if len(given) > 1:
        raise ValueError(f"pass at most one of last=, last_blocks=, from_layer=; received {given}")
    layers = base_layers(bundle)
    if last is not None:
        require_positive_int("last", last)
        return layers[-last:]
    if last_blocks is not None:
        require_positive_int("last_blocks", last_blocks)
        return [layer for _, group in base_blocks(bundle)[-last_blocks:] for layer in group]
    if from_layer is not None:
        names = [layer.name for layer in layers]
        starts = [i for i, n in enumerate(names) if n == from_layer or n.startswith(from_layer)]
        if not starts:
            blocks = sorted({block_name(n) for n in names})
            raise ValueError(
                f"from_layer={from_layer!r} names no layer (or prefix) of the base; "
                f"its blocks are {blocks}"
            )
        return layers[starts[0]:]
    return layers


def unfreeze(bundle, *, last=None, last_blocks=None, from_layer=None,
             batchnorm_frozen=True, recompile_model=True):
    """Make the top of the base trainable; everything below stays frozen.

    Step 2 of fine-tuning (seed 003: "unfreeze a few top layers"). Pass one
    of ``last``, ``last_blocks``, ``from_layer``, or none to unfreeze the
    whole base. Layers are counted over ``base_layers`` (layers that own
    weights, nested models flattened).

    ```python
    from keras_recipes.transfer import backbone, freeze, unfreeze
    bundle = freeze(backbone("reference", num_classes=5))
    unfreeze(bundle, last_blocks=1)            # the top residual block
    unfreeze(bundle, from_layer="group3")      # everything from group 3 up
    ```

    Args:
        bundle: a ``ModelBundle``.
        last: unfreeze the last ``last`` weighted layers.
        last_blocks: unfreeze the last ``last_blocks`` blocks (``base_blocks``).
        from_layer: unfreeze from the first layer whose name equals or
            starts with this string, to the top.
        batchnorm_frozen: keep every ``BatchNormalization`` frozen, i.e. in
            inference mode with its moving statistics untouched (default
            True, the rule of the Keras transfer-learning guide).
        recompile_model: recompile ``bundle.model`` if it is compiled.
    Returns:
        the list of layers made trainable.
    """
    model, encoder = _bundle_parts(bundle)
    chosen = _selected(bundle, last, last_blocks, from_layer)
    encoder.trainable = True  # nested models: their own flag must be on too
    chosen_ids = {id(layer) for layer in chosen}
    opened = []
    for layer in base_layers(bundle):
        is_bn = isinstance(layer, keras.layers.BatchNormalization)
        layer.trainable = id(layer) in chosen_ids and not (batchnorm_frozen and is_bn)
        if layer.trainable:
            opened.append(layer)
    if recompile_model:
        recompile(model)
    return opened

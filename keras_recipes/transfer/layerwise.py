"""Layer-wise (discriminative) learning rates: smaller steps for earlier layers.

The optimizer that applies them is ``keras_recipes.optimizers.DiscriminativeRates``;
this module computes the per-block multipliers of a transferred bundle.
"""

import warnings

import keras

from keras_recipes.checks import require_choice, require_rate
from keras_recipes.optimizers.discriminative import DiscriminativeRates


@keras.saving.register_keras_serializable(package="keras_recipes")
class LayerwiseOptimizer(DiscriminativeRates):
    """Deprecated name of ``keras_recipes.optimizers.DiscriminativeRates``.

    The old name suggested LARS; these are fixed per-layer multipliers
    (discriminative rates). Kept so code and ``.keras`` files that name it
    still work; it warns once per construction.
    """

    def __init__(self, *args, **kwargs):
        warnings.warn("transfer.LayerwiseOptimizer is renamed "
                      "keras_recipes.optimizers.DiscriminativeRates (fixed per-layer multipliers, "
                      "not LARS; LARS is keras_recipes.optimizers.LARS)", DeprecationWarning,
                      stacklevel=2)
        super().__init__(*args, **kwargs)


def layerwise_multipliers(bundle, decay=0.5, *, unit="block"):
    """``{layer name: factor}``: 1 for the head, ``decay**k`` for the k-th block below.

    The discriminative learning rates of seed 001: the head trains at the
    full rate, the top block of the base at ``decay``, the one below at
    ``decay**2``, and so on down to the stem. Feed the result to
    ``keras_recipes.optimizers.DiscriminativeRates``.

    ```python
    rates = layerwise_multipliers(bundle, decay=0.5)
    rates["stem_conv"] < rates["group3_block1_a_conv"] < rates["predictions"]
    ```

    Args:
        bundle: a ``ModelBundle``.
        decay: factor between neighbouring units, in (0, 1].
        unit: ``"block"`` (``base_blocks``) or ``"layer"`` (``base_layers``).
    """
    from keras_recipes.transfer.freezing import base_blocks, base_layers

    require_rate("decay", decay, closed=True)
    if decay == 0:
        raise ValueError("decay must be in (0, 1]; received: decay=0")
    require_choice("unit", unit, ("block", "layer"))
    if unit == "block":
        groups = [layers for _, layers in base_blocks(bundle)]
    else:
        groups = [[layer] for layer in base_layers(bundle)]
    rates = {layer.name: 1.0 for layer in bundle.head.layers if layer.weights}
    for depth, layers in enumerate(reversed(groups), start=1):
        for layer in layers:
            rates[layer.name] = float(decay**depth)
    return rates

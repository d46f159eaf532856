"""Layer-wise (discriminative) learning rates: smaller steps for earlier layers."""

import numbers

import keras
from keras import ops

from keras_recipes.checks import require_choice, require_rate


def _layer_of(variable):
    parts = variable.path.split("/")
    return parts[-2] if len(parts) > 1 else parts[0]


@keras.saving.register_keras_serializable(package="keras_recipes")
class LayerwiseOptimizer(keras.optimizers.Optimizer):
    """Wrap any optimizer so each layer's update is scaled by its own multiplier.

    Seed 001 "adaptive learning rates" and seed 004 (layer-wise rates):
    when fine-tuning a transferred base, earlier (more generic) layers
    should move less than later ones. Keras 3 has no ``MultiOptimizer``
    and no per-variable learning rate, hence this wrapper. It does not
    scale gradients (Adam and RMSprop are invariant to that); it lets the
    wrapped optimizer take its step, then scales that step per variable:
    ``w <- w_old + m * (w_new - w_old)``. For every Keras optimizer whose
    step is proportional to the learning rate (SGD with or without
    momentum, Adam, AdamW, RMSprop, ...) this is exactly a learning rate of
    ``m * learning_rate`` for that variable, with the same schedule.
    Optimizer state (momenta) is shared with the inner optimizer.

    ```python
    import keras
    from keras_recipes.transfer import LayerwiseOptimizer
    optimizer = LayerwiseOptimizer(keras.optimizers.Adam(1e-3),
                                   multipliers={"stem_conv": 0.1, "group1_block1_a_conv": 0.3})
    bundle.model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
    ```

    Args:
        inner_optimizer: the ``keras.optimizers.Optimizer`` that computes
            the steps.
        multipliers: ``{layer name: factor}``; a variable belongs to the
            layer named in its path (``"stem_conv/kernel"`` -> ``"stem_conv"``).
            Factors must be >= 0; 0 freezes the layer's weights.
        default_multiplier: factor of every layer not named (default 1.0).
    """

    def __init__(self, inner_optimizer, multipliers, default_multiplier=1.0, name=None,
                 **kwargs):
        if not isinstance(inner_optimizer, keras.optimizers.Optimizer):
            raise TypeError(
                "inner_optimizer must be a keras.optimizers.Optimizer; received: "
                f"inner_optimizer={inner_optimizer!r}"
            )
        if not isinstance(multipliers, dict):
            raise TypeError(f"multipliers must be a dict layer name -> factor; "
                            f"received: multipliers={multipliers!r}")
        for key, factor in {**multipliers, "default_multiplier": default_multiplier}.items():
            if isinstance(factor, bool) or not isinstance(factor, numbers.Real) or factor < 0:
                raise ValueError(f"multipliers must be numbers >= 0; received: {key}={factor!r}")
        if kwargs:
            raise ValueError(
                f"LayerwiseOptimizer takes no optimizer arguments {sorted(kwargs)}: "
                "set them on inner_optimizer"
            )
        super().__init__(learning_rate=0.0, name=name or "layerwise")
        self.inner_optimizer = inner_optimizer
        self.multipliers = {str(k): float(v) for k, v in multipliers.items()}
        self.default_multiplier = float(default_multiplier)

    def multiplier(self, variable):
        """The factor applied to ``variable``'s update."""
        return self.multipliers.get(_layer_of(variable), self.default_multiplier)

    def build(self, var_list):
        self.inner_optimizer.build(var_list)
        super().build(var_list)

    @property
    def variables(self):
        return self._variables + self.inner_optimizer.variables

    def apply(self, grads, trainable_variables=None):
        if not self.built:
            with keras.name_scope(self.name, caller=self):
                self.build(trainable_variables)
            self.built = True
        variables = list(trainable_variables or self._trainable_variables)
        scaled = [(v, self.multiplier(v)) for v in variables]
        scaled = [(v, m, ops.copy(v.value)) for v, m in scaled if m != 1.0]
        self.inner_optimizer.apply(grads, trainable_variables)
        for variable, factor, old in scaled:
            variable.assign(old + factor * (variable.value - old))

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        self.inner_optimizer.learning_rate = learning_rate

    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    def finalize_variable_values(self, var_list):
        self.inner_optimizer.finalize_variable_values(var_list)

    def get_config(self):
        return {
            "name": self.name,
            "inner_optimizer": keras.saving.serialize_keras_object(self.inner_optimizer),
            "multipliers": dict(self.multipliers),
            "default_multiplier": self.default_multiplier,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        inner = keras.saving.deserialize_keras_object(
            config.pop("inner_optimizer"), custom_objects=custom_objects)
        return cls(inner, **config)


def layerwise_multipliers(bundle, decay=0.5, *, unit="block"):
    """``{layer name: factor}``: 1 for the head, ``decay**k`` for the k-th block below.

    The discriminative learning rates of seed 001: the head trains at the
    full rate, the top block of the base at ``decay``, the one below at
    ``decay**2``, and so on down to the stem. Feed the result to
    ``LayerwiseOptimizer``.

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

"""Discriminative (layer-wise) learning rates: fixed per-layer multipliers of any optimizer's step."""

import numbers

import keras
from keras import ops

from keras_recipes.optimizers.wrapper import OptimizerWrapper


def _layer_of(variable):
    """The layer a variable belongs to, read from its path: ``"stem_conv/kernel"`` -> ``"stem_conv"``."""
    parts = variable.path.split("/")
    return parts[-2] if len(parts) > 1 else parts[0]


@keras.saving.register_keras_serializable(package="keras_recipes")
class DiscriminativeRates(OptimizerWrapper):
    """Wrap any optimizer so each layer's update is scaled by its own fixed multiplier.

    Seed 001 "adaptive learning rates" (discriminative fine-tuning): when
    fine-tuning a transferred base, earlier (more generic) layers should move
    less than later ones. The multipliers are *fixed* numbers you choose
    (e.g. ``transfer.layerwise_multipliers``); this is not LARS, whose
    per-layer factor is measured at every step from the weight and gradient
    norms (see ``keras_recipes.optimizers.LARS``). Keras 3 has no
    ``MultiOptimizer`` and no per-variable learning rate, hence this wrapper.
    It does not scale gradients (Adam and RMSprop are invariant to that); it
    lets the wrapped optimizer take its step, then scales that step per
    variable: ``w <- w_old + m * (w_new - w_old)``. For every Keras optimizer
    whose step is proportional to the learning rate (SGD with or without
    momentum, Adam, AdamW, RMSprop, ...) this is exactly a learning rate of
    ``m * learning_rate`` for that variable, with the same schedule.
    Optimizer state (momenta) is shared with the inner optimizer.

    >>> import keras
    >>> optimizer = DiscriminativeRates(keras.optimizers.Adam(1e-3), {"stem_conv": 0.1})
    >>> optimizer.multipliers, round(float(optimizer.learning_rate), 6)
    ({'stem_conv': 0.1}, 0.001)

    Args:
        inner_optimizer: the ``keras.optimizers.Optimizer`` that computes
            the steps.
        multipliers: ``{layer name: factor}``; a variable belongs to the
            layer named in its path (``"stem_conv/kernel"`` -> ``"stem_conv"``).
            Factors must be >= 0; 0 freezes the layer's weights.
        default_multiplier: factor of every layer not named (default 1.0).
    """

    default_name = "discriminative_rates"

    def __init__(self, inner_optimizer, multipliers, default_multiplier=1.0, name=None, **kwargs):
        if not isinstance(multipliers, dict):
            raise TypeError(f"multipliers must be a dict layer name -> factor; "
                            f"received: multipliers={multipliers!r}")
        for key, factor in {**multipliers, "default_multiplier": default_multiplier}.items():
            if isinstance(factor, bool) or not isinstance(factor, numbers.Real) or factor < 0:
                raise ValueError(f"multipliers must be numbers >= 0; received: {key}={factor!r}")
        super().__init__(inner_optimizer, name=name, **kwargs)
        self.multipliers = {str(k): float(v) for k, v in multipliers.items()}
        self.default_multiplier = float(default_multiplier)

    def multiplier(self, variable):
        """The factor applied to ``variable``'s update."""
        return self.multipliers.get(_layer_of(variable), self.default_multiplier)

    def apply(self, grads, trainable_variables=None):
        self._build_once(trainable_variables)
        variables = list(trainable_variables or self._trainable_variables)
        scaled = [(v, self.multiplier(v)) for v in variables]
        scaled = [(v, m, ops.copy(v.value)) for v, m in scaled if m != 1.0]
        self.inner_optimizer.apply(grads, trainable_variables)
        for variable, factor, old in scaled:
            variable.assign(old + factor * (variable.value - old))

    def get_config(self):
        return {**super().get_config(), "multipliers": dict(self.multipliers),
                "default_multiplier": self.default_multiplier}

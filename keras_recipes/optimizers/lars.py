"""LARS: layer-wise adaptive rate scaling (You, Gitman and Ginsburg, 2017), seed 004's large-batch rates."""

import keras
from keras import ops

from keras_recipes.checks import require_positive_number, require_rate


@keras.saving.register_keras_serializable(package="keras_recipes")
class LARS(keras.optimizers.Optimizer):
    """SGD with momentum whose step for each layer is scaled by a measured trust ratio.

    Seed 004, "Parallelisation: layer-wise rates (LARS)": with very large
    batches one global rate is too big for some layers and too small for
    others, because ``||w|| / ||g||`` differs by orders of magnitude between
    layers. LARS measures that ratio at every step, per weight tensor::

        trust = eta * ||w|| / (||g|| + weight_decay * ||w||)   (1 if ||w|| or ||g|| is 0)
        v     = momentum * v + learning_rate * trust * (g + weight_decay * w)
        w     = w - v

    Keras ships ``Lamb`` (the Adam-based successor) but no LARS. Unlike
    ``DiscriminativeRates`` (fixed multipliers you choose), the factor here
    is computed from the weights and gradients at each step. Weight decay is
    LARS's own (inside the trust ratio and the step), not Keras's decoupled
    ``weight_decay`` of the base class. As in the paper's reference code,
    vectors (biases, normalisation scales; ``ndim <= 1``) are by default
    left out of the adaptation and the decay (``skip_vectors=True``): they
    take plain momentum-SGD steps.

    >>> import numpy as np
    >>> w = keras.Variable(np.array([[3.0, 4.0]], "float32"))      # ||w|| = 5
    >>> opt = LARS(learning_rate=1.0, momentum=0.0, eta=0.001)
    >>> opt.apply([np.array([[0.0, 0.5]], "float32")], [w])        # ||g|| = 0.5
    >>> [round(float(v), 4) for v in keras.ops.convert_to_numpy(w)[0]]  # trust 0.01: 4 - 0.005
    [3.0, 3.995]

    Args:
        learning_rate: global rate (float or a ``LearningRateSchedule``). Default 0.1.
        momentum: in [0, 1). Default 0.9.
        eta: trust coefficient, > 0. Default 0.001 (the paper's value).
        weight_decay: L2 coefficient inside the trust ratio and the step, >= 0.
            Default 0.0.
        skip_vectors: take plain momentum steps (no trust ratio, no decay)
            on 1-D variables. Default True.
        epsilon: added to the denominator against division by zero. Default 1e-9.
        **kwargs: other ``keras.optimizers.Optimizer`` arguments (``clipnorm``,
            ``use_ema``, ...), except ``weight_decay`` which is LARS's own.
    """

    def __init__(self, learning_rate=0.1, momentum=0.9, eta=0.001, weight_decay=0.0,
                 skip_vectors=True, epsilon=1e-9, name="lars", **kwargs):
        checked = (require_rate("momentum", momentum), require_positive_number("eta", eta),
                   require_positive_number("weight_decay", weight_decay, allow_zero=True),
                   require_positive_number("epsilon", epsilon, allow_zero=True))
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.momentum, self.eta, self.lars_weight_decay, self.epsilon = checked
        self.skip_vectors = bool(skip_vectors)

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self.momentums = self.add_optimizer_variables(variables, "momentum")

    def trust_ratio(self, gradient, variable):
        """``eta * ||w|| / (||g|| + weight_decay * ||w|| + epsilon)``; 1 where a norm is zero."""
        w_norm = ops.sqrt(ops.sum(ops.square(variable)))
        g_norm = ops.sqrt(ops.sum(ops.square(gradient)))
        ratio = self.eta * w_norm / (g_norm + self.lars_weight_decay * w_norm + self.epsilon)
        return ops.where(ops.logical_and(w_norm > 0, g_norm > 0), ratio, ops.ones_like(ratio))

    def update_step(self, gradient, variable, learning_rate):
        learning_rate = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        velocity = self.momentums[self._get_variable_index(variable)]
        if self.skip_vectors and len(variable.shape) <= 1:
            step = learning_rate * gradient
        else:
            w = ops.convert_to_tensor(variable)
            trust = self.trust_ratio(gradient, w)
            step = learning_rate * trust * (gradient + self.lars_weight_decay * w)
        self.assign(velocity, self.momentum * velocity + step)
        self.assign_sub(variable, velocity)

    def get_config(self):
        config = super().get_config()
        config.update({"momentum": self.momentum, "eta": self.eta,
                       "weight_decay": self.lars_weight_decay,
                       "skip_vectors": self.skip_vectors, "epsilon": self.epsilon})
        return config

"""Annealed Gaussian gradient noise (Neelakantan et al., 2015) around any optimizer."""

import keras
from keras import ops

from keras_recipes.checks import require_positive_number
from keras_recipes.optimizers.wrapper import OptimizerWrapper


@keras.saving.register_keras_serializable(package="keras_recipes")
class GradientNoise(OptimizerWrapper):
    """Add ``N(0, eta / (1 + t) ** gamma)`` to every gradient, then let the inner optimizer step.

    Seed 004, "Gradient noise": "adding gradient noise improves learning for
    very deep networks" (Neelakantan et al.). The noise variance decays with
    the step ``t`` (the inner optimizer's iteration count, from 0), so early
    steps explore and late steps settle; the paper uses ``eta`` in
    {0.01, 0.3, 1.0} and ``gamma = 0.55``. Keras has no such option. The
    noise comes from a ``keras.random.SeedGenerator`` whose state is one of
    the optimizer's variables, so a run is reproducible from ``seed`` on
    every backend (JAX's stateless train step carries it along).

    >>> import keras
    >>> opt = GradientNoise(keras.optimizers.SGD(0.1), eta=0.3, gamma=0.55)
    >>> round(opt.noise_std(0), 4), round(opt.noise_std(99), 4)
    (0.5477, 0.1544)

    Args:
        inner_optimizer: the ``keras.optimizers.Optimizer`` that takes the step
            (clipping options on it act on the noisy gradients).
        eta: variance at step 0, > 0. Default 0.01.
        gamma: decay exponent, >= 0. Default 0.55 (the paper's).
        seed: int seed of the noise. Default 0.
    """

    default_name = "gradient_noise"

    def __init__(self, inner_optimizer, eta=0.01, gamma=0.55, seed=0, name=None, **kwargs):
        super().__init__(inner_optimizer, name=name, **kwargs)
        self.eta = require_positive_number("eta", eta)
        self.gamma = require_positive_number("gamma", gamma, allow_zero=True)
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise TypeError(f"seed must be an int; received: seed={seed!r}")
        self.seed = seed

    def noise_std(self, step):
        """Standard deviation of the noise at step ``step``: ``sqrt(eta / (1 + step) ** gamma)``."""
        return float((self.eta / (1.0 + step) ** self.gamma) ** 0.5)

    def build(self, var_list):
        super().build(var_list)
        self.noise_seed = keras.random.SeedGenerator(self.seed, name="noise_seed")
        self._track_variable(self.noise_seed.state)

    def apply(self, grads, trainable_variables=None):
        self._build_once(trainable_variables)
        t = ops.cast(self.iterations, "float32")
        std = ops.sqrt(self.eta / ops.power(1.0 + t, self.gamma))
        noisy = [g if g is None else
                 g + ops.cast(std, g.dtype) * keras.random.normal(ops.shape(g), dtype=g.dtype,
                                                                  seed=self.noise_seed)
                 for g in grads]
        self.inner_optimizer.apply(noisy, trainable_variables)

    def get_config(self):
        return {**super().get_config(), "eta": self.eta, "gamma": self.gamma, "seed": self.seed}

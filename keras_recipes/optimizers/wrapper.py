"""An optimizer that wraps another: shared state, rate, iterations and config of the inner one."""

import keras


class OptimizerWrapper(keras.optimizers.Optimizer):
    """Base of optimizers that change what a wrapped optimizer does, not how it steps.

    Keras 3 has no public optimizer wrapper; ``DiscriminativeRates`` (scales
    the step per layer) and ``GradientNoise`` (perturbs the gradients) both
    delegate the step itself, the learning rate (and its schedule), the
    iteration counter and the slot variables to ``inner_optimizer``.
    Subclasses override ``apply`` and call ``self.inner_optimizer.apply``.

    >>> from keras_recipes.optimizers import GradientNoise
    >>> wrapped = GradientNoise(keras.optimizers.SGD(0.1))
    >>> isinstance(wrapped, OptimizerWrapper), round(float(wrapped.learning_rate), 3)
    (True, 0.1)

    Args:
        inner_optimizer: a ``keras.optimizers.Optimizer`` instance.
        name: optimizer name; default: the subclass's ``default_name``.
    """

    default_name = "wrapper"

    def __init__(self, inner_optimizer, name=None, **kwargs):
        if not isinstance(inner_optimizer, keras.optimizers.Optimizer):
            raise TypeError(
                "inner_optimizer must be a keras.optimizers.Optimizer; received: "
                f"inner_optimizer={inner_optimizer!r}"
            )
        if kwargs:
            raise ValueError(
                f"{type(self).__name__} takes no optimizer arguments {sorted(kwargs)}: "
                "set them on inner_optimizer"
            )
        super().__init__(learning_rate=0.0, name=name or self.default_name)
        self.inner_optimizer = inner_optimizer

    def build(self, var_list):
        self.inner_optimizer.build(var_list)
        super().build(var_list)

    def _build_once(self, trainable_variables):
        if not self.built:
            with keras.name_scope(self.name, caller=self):
                self.build(trainable_variables)
            self.built = True

    @property
    def variables(self):
        return self._variables + self.inner_optimizer.variables

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
        return {"name": self.name,
                "inner_optimizer": keras.saving.serialize_keras_object(self.inner_optimizer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        inner = keras.saving.deserialize_keras_object(
            config.pop("inner_optimizer"), custom_objects=custom_objects)
        return cls(inner, **config)

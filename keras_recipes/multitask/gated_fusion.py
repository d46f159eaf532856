"""Gated intermediate fusion: a learned, per-example mixture of the modalities' bottlenecks."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_recipes")
class GatedFusion(keras.layers.Layer):
    """Mix per-modality bottlenecks with gates computed from all of them.

    Intermediate fusion "merges sensor layers in a soft way" (seed 001):
    some features interplay and others do not. A gated unit (after Arevalo
    et al. 2017's gated multimodal unit, generalised to ``M`` modalities)
    lets the network decide, per example and per feature, how much each
    modality contributes: with ``h_i`` the bottleneck of modality ``i``
    (all of width ``d``), ``z = softmax_i(W [h_1, ..., h_M] + b)`` of shape
    ``(batch, M, d)`` and the output is ``sum_i z_i * tanh(h_i)``. A
    concatenation keeps every feature; a gate can ignore a modality that is
    missing or noisy on this example.

    >>> import numpy as np
    >>> fused = GatedFusion()([np.ones((2, 4), "float32"), np.zeros((2, 4), "float32")])
    >>> tuple(fused.shape)
    (2, 4)

    Input: a list of ``M >= 2`` tensors of shape ``(batch, d)``, same ``d``.
    """

    def build(self, input_shape):
        widths = {tuple(s)[-1] for s in input_shape}
        if len(input_shape) < 2 or len(widths) != 1 or any(len(s) != 2 for s in input_shape):
            raise ValueError("GatedFusion takes a list of >= 2 bottlenecks of shape (batch, d) "
                             f"with the same d; received shapes {list(input_shape)}")
        self.count, self.width = len(input_shape), widths.pop()
        self.gate_kernel = self.add_weight(
            shape=(self.count * self.width, self.count * self.width),
            initializer="glorot_uniform", name="gate_kernel")
        self.gate_bias = self.add_weight(shape=(self.count * self.width,), initializer="zeros",
                                         name="gate_bias")

    def gates(self, inputs):
        """The gates ``z``, shape ``(batch, M, d)``, summing to 1 over the modalities."""
        joined = ops.concatenate(list(inputs), axis=-1)
        logits = ops.matmul(joined, self.gate_kernel) + self.gate_bias
        return ops.softmax(ops.reshape(logits, (-1, self.count, self.width)), axis=1)

    def call(self, inputs):
        stacked = ops.tanh(ops.stack(list(inputs), axis=1))
        return ops.sum(self.gates(inputs) * stacked, axis=1)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])

"""Multiplicative merging of modality predictions (late fusion, seed 001)."""

import numbers

import keras
from keras import ops

from keras_recipes.checks import require_choice, require_positive_number

MERGES = ("sum", "weighted", "beta")
_EPSILON = 1e-7


@keras.saving.register_keras_serializable(package="keras_recipes")
class MultiplicativeMerge(keras.layers.Layer):
    """Merge per-modality class predictions by adding (weighted) log-probabilities.

    The slide "Multiplicative Merging" (seed 001, after Liu et al. 2018,
    "Learn to combine modalities in multimodal deep learning") scores each
    class ``c`` from the modalities' predictions ``g_i = softmax(logits_i)``:

    * ``"sum"``:      ``s_c = sum_i log g_i,c`` (every modality votes equally);
    * ``"weighted"``: ``s_c = sum_i q_i log g_i,c`` with given weights
      ``q_i``, or learned ones (``q = M * softmax(w)``, ``w`` trainable and
      starting at 0, so it starts as ``"sum"`` and the weights keep summing
      to the number of modalities ``M``);
    * ``"beta"``:     ``s_c = sum_i [prod_{j != i} (1 - g_j,c)]^beta log g_i,c``:
      modality ``i``'s vote for class ``c`` counts only as much as the
      other modalities miss ``c``; where the others already give ``c`` a
      high probability, ``i`` is not punished for doubting it. So a
      modality that is wrong on an example is down-weighted there, and only
      the modalities that get the right class are pushed. The weights are
      held constant for the gradient (``stop_gradient``), as the slide's
      formula weights the log-likelihood terms rather than learning them.

    The output is ``softmax(s)``, the normalised (weighted) product of the
    modalities' probabilities: with ``"sum"`` it is exactly
    ``prod_i g_i / sum_c prod_i g_i,c``. Train it with a
    sparse categorical cross-entropy on probabilities, as usual.

    >>> import numpy as np
    >>> a, b = np.log([[0.7, 0.2, 0.1]]), np.log([[0.5, 0.1, 0.4]])
    >>> merged = MultiplicativeMerge("sum")([a, b])
    >>> np.asarray(merged, "float64").round(3).tolist()  # 0.35, 0.02, 0.04 renormalised
    [[0.854, 0.049, 0.098]]

    Args:
        merge: ``"sum"`` (default), ``"weighted"`` or ``"beta"``.
        weights: for ``"weighted"``: one non-negative ``q_i`` per modality,
            or None (default) to learn them.
        beta: exponent of the ``"beta"`` form, > 0. Default 1.0.
    Input: a list of ``M`` tensors of logits, shape ``(batch, classes)``.
    """

    def __init__(self, merge="sum", weights=None, beta=1.0, **kwargs):
        super().__init__(**kwargs)
        self.merge = require_choice("merge", merge, MERGES)
        if weights is not None:
            if merge != "weighted":
                raise ValueError(f"weights are used by merge='weighted' only; received: "
                                 f"merge={merge!r}, weights={weights!r}")
            if isinstance(weights, (str, bytes)) or not all(
                    isinstance(w, numbers.Real) and not isinstance(w, bool) and w >= 0
                    for w in weights):
                raise ValueError(f"weights must be non-negative numbers, one per modality; "
                                 f"received: weights={weights!r}")
            weights = [float(w) for w in weights]
        self.given_weights = weights
        self.beta = require_positive_number("beta", beta)

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or not input_shape or not isinstance(
                input_shape[0], (list, tuple)):
            raise ValueError("MultiplicativeMerge takes a list of per-modality logits; "
                             f"received one input of shape {input_shape}")
        self.count = len(input_shape)
        if self.given_weights is not None and len(self.given_weights) != self.count:
            raise ValueError(f"weights must give one q_i per modality ({self.count}); "
                             f"received: weights={self.given_weights!r}")
        self.logit_weights = None
        if self.merge == "weighted" and self.given_weights is None:
            self.logit_weights = self.add_weight(
                shape=(self.count,), initializer="zeros", name="modality_logit_weights")

    def modality_weights(self):
        """The ``q_i`` of ``"weighted"`` (given, or ``M * softmax(w)`` when learned)."""
        if self.given_weights is not None:
            return ops.convert_to_tensor(self.given_weights)
        if self.logit_weights is None:
            return ops.ones((self.count,))
        return self.count * ops.softmax(self.logit_weights)

    def call(self, inputs):
        logs = [ops.log_softmax(x, axis=-1) for x in inputs]
        if self.merge == "beta":
            misses = [ops.stop_gradient(1.0 - ops.exp(log)) for log in logs]
            total = 0.0
            for i, log in enumerate(logs):
                weight = ops.ones_like(log)
                for j, miss in enumerate(misses):
                    if j != i:
                        weight = weight * miss
                total = total + ops.power(ops.maximum(weight, _EPSILON), self.beta) * log
        else:
            q = self.modality_weights()
            total = sum(q[i] * log for i, log in enumerate(logs))
        return ops.softmax(total, axis=-1)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])

    def get_config(self):
        return {**super().get_config(), "merge": self.merge, "weights": self.given_weights,
                "beta": self.beta}

"""Linear scaling rule for large batches (seed 004; Goyal et al. 2017)."""

from dataclasses import dataclass

from keras_recipes.checks import require_positive_int, require_positive_number


@dataclass(frozen=True)
class ScaledLearningRate:
    """Result of :func:`linear_scaling`.

    Attributes:
        learning_rate: ``k * reference_learning_rate`` with ``k = batch / reference batch``.
        start_learning_rate: where the warmup starts (the reference rate when
            ``k > 1``, else ``learning_rate``).
        warmup_epochs: epochs of gradual warmup (0 when ``k <= 1``).
        scale: ``k``.
    """

    learning_rate: float
    start_learning_rate: float
    warmup_epochs: int
    scale: float

    def warmup_steps(self, steps_per_epoch):
        """Warmup length in optimizer steps for ``steps_per_epoch`` batches per epoch."""
        return self.warmup_epochs * require_positive_int("steps_per_epoch", steps_per_epoch)


def linear_scaling(batch_size, *, reference_batch_size=256, reference_learning_rate=0.1, warmup_epochs=5):
    """"Multiply the learning rate by k when the batch is k times larger", plus warmup.

    Goyal et al. (seed 004): with batch ``k * B`` use rate ``k * a``, and
    ramp up from ``a`` to ``k * a`` over the first ``warmup_epochs`` epochs
    (the weights change fastest at the start, where a large rate diverges).
    Smaller batches (``k <= 1``) scale down and need no warmup. Feed the
    result to :class:`keras_recipes.callbacks.LearningRateWarmup`.

    ```python
    r = linear_scaling(1024)                 # k = 4 -> lr 0.4, warm up from 0.1 over 5 epochs
    cb = LearningRateWarmup(r.learning_rate, r.warmup_epochs, start_learning_rate=r.start_learning_rate)
    ```

    Args:
        batch_size: the batch you train with, int >= 1.
        reference_batch_size: batch the reference rate was tuned for. Default 256.
        reference_learning_rate: its rate, > 0. Default 0.1 (ResNet-50 SGD).
        warmup_epochs: warmup length when scaling up, int >= 1. Default 5.
    Returns:
        a :class:`ScaledLearningRate`.
    """
    batch = require_positive_int("batch_size", batch_size)
    reference = require_positive_int("reference_batch_size", reference_batch_size)
    base = require_positive_number("reference_learning_rate", reference_learning_rate)
    warmup = require_positive_int("warmup_epochs", warmup_epochs)
    scale = batch / reference
    rate = base * scale
    if scale <= 1:
        return ScaledLearningRate(rate, rate, 0, scale)
    return ScaledLearningRate(rate, base, warmup, scale)

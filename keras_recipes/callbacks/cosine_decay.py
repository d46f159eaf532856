"""Epoch-wise cosine decay callback (seed 002: a_t = 1/2 a_0 (1 + cos(t pi / T)))."""

from keras_recipes.callbacks.stepped_rate import SteppedLearningRate
from keras_recipes.schedules import cosine_decay


class LearningRateCosineDecay(SteppedLearningRate):
    """Set the rate to ``f + 1/2 (a_0 - f)(1 + cos(pi t / T))`` at each epoch (or batch).

    ``t`` is the epoch (0-based), ``T`` the number of epochs of training, so
    the first epoch trains at ``a_0`` and the last one just above ``f``. For
    users who think in epochs; the same curve per optimizer step is
    ``keras.optimizers.schedules.CosineDecay`` passed as the learning rate.
    Logs ``logs["learning_rate"]``; refuses (``TypeError``) an optimizer built
    with a schedule.

    ```python
    model.fit(train, epochs=30, callbacks=[LearningRateCosineDecay(0.1)])
    ```

    Args:
        initial_learning_rate: ``a_0`` > 0.
        total_epochs: ``T``; default: ``fit``'s ``epochs``.
        final_learning_rate: ``f`` in [0, a_0]. Default 0.
        per: ``"epoch"`` (default) or ``"batch"``.
        steps_per_epoch: only for ``per="batch"`` when ``fit`` cannot tell.
        verbose: 1 prints the rate set at each epoch.
    """

    def __init__(
        self,
        initial_learning_rate,
        *,
        total_epochs=None,
        final_learning_rate=0.0,
        per="epoch",
        steps_per_epoch=None,
        verbose=0,
    ):
        super().__init__(
            per=per, total_epochs=total_epochs, steps_per_epoch=steps_per_epoch, verbose=verbose
        )
        # Validate both rates now (names in the message), not when fit starts.
        cosine_decay(initial_learning_rate, 1, final_learning_rate=final_learning_rate)
        self.initial_learning_rate = float(initial_learning_rate)
        self.final_learning_rate = float(final_learning_rate)

    def _schedule(self, total_units, units_per_epoch):
        schedule = cosine_decay(
            self.initial_learning_rate, total_units, final_learning_rate=self.final_learning_rate
        )
        return schedule, 0

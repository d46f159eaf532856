"""Epoch-wise warmup then decay (diagram A3: step the rate up after each epoch)."""

from keras_recipes.callbacks.stepped_rate import SteppedLearningRate
from keras_recipes.checks import require_choice, require_positive_int, require_positive_number
from keras_recipes.schedules import Constant, Warmup, cosine_decay

DECAYS = ("cosine", None)


class LearningRateWarmup(SteppedLearningRate):
    """Step the learning rate up each epoch (or batch) to a target, then decay it.

    Diagram A3: "step up the learning rate after each epoch until it reaches
    the initial training rate, then train". With ``W = warmup_epochs`` and
    ``s = start_learning_rate``, epoch ``e`` (0-based) trains at

    - ``s + (target - s) * (e + 1) / W`` for ``e < W``: the last warmup
      epoch trains at ``target`` (with ``s = 0``: ``target/W, 2 target/W, ...``);
    - then ``decay="cosine"``: ``1/2 target (1 + cos(pi t / T))`` with
      ``t = e - W + 1`` and ``T = total - W + 1`` (it continues from the last
      warmup epoch, so the curve is continuous and stays above 0), or
      ``decay=None``: ``target`` for good.

    With ``per="batch"`` the same holds with batches for epochs
    (``W = warmup_epochs * steps_per_epoch``), which is the Goyal et al.
    large-batch warmup. The rate is logged as ``logs["learning_rate"]``.

    If the optimizer was built with a ``LearningRateSchedule`` the callback
    raises ``TypeError`` at ``fit`` start instead of fighting the schedule
    (use :class:`keras_recipes.schedules.Warmup` in that case). Which warmup
    to use when (per step, per epoch, in front of another schedule): the
    table in ``keras_recipes.schedules``.

    ```python
    model.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.9), loss=..., metrics=...)
    history = model.fit(train, epochs=20, callbacks=[LearningRateWarmup(0.1, 5)])
    history.history["learning_rate"]   # 0.02, 0.04, ..., 0.1, then cosine down
    ```

    Args:
        target_learning_rate: the rate reached at the end of the warmup, > 0.
        warmup_epochs: number of warmup epochs ``W``, int >= 1.
        start_learning_rate: rate the ramp starts from (the rate "before" the
            first step), in [0, target). Default None = 0.
        per: ``"epoch"`` (default, the diagram) or ``"batch"`` (smoother).
        decay: ``"cosine"`` (default) or None (hold the target).
        total_epochs: length of training for the decay; default: ``fit``'s
            ``epochs``. Must be >= ``warmup_epochs``.
        steps_per_epoch: only for ``per="batch"`` when ``fit`` cannot tell.
        final_learning_rate: floor of the cosine, in [0, target]. Default 0.
        verbose: 1 prints the rate set at each epoch.
    """

    def __init__(
        self,
        target_learning_rate,
        warmup_epochs,
        *,
        start_learning_rate=None,
        per="epoch",
        decay="cosine",
        total_epochs=None,
        verbose=0,
        steps_per_epoch=None,
        final_learning_rate=0.0,
    ):
        super().__init__(
            per=per, total_epochs=total_epochs, steps_per_epoch=steps_per_epoch, verbose=verbose
        )
        self.target_learning_rate = require_positive_number(
            "target_learning_rate", target_learning_rate
        )
        self.warmup_epochs = require_positive_int("warmup_epochs", warmup_epochs)
        start = 0.0 if start_learning_rate is None else start_learning_rate
        self.start_learning_rate = require_positive_number(
            "start_learning_rate", start, allow_zero=True
        )
        if self.start_learning_rate >= self.target_learning_rate:
            raise ValueError(
                "start_learning_rate must be < target_learning_rate; received: "
                f"start_learning_rate={start_learning_rate!r}, "
                f"target_learning_rate={target_learning_rate!r}"
            )
        self.decay = require_choice("decay", decay, DECAYS)
        self.final_learning_rate = require_positive_number(
            "final_learning_rate", final_learning_rate, allow_zero=True
        )
        if self.final_learning_rate > self.target_learning_rate:
            raise ValueError(
                "final_learning_rate must be <= target_learning_rate; received: "
                f"final_learning_rate={final_learning_rate!r}, "
                f"target_learning_rate={target_learning_rate!r}"
            )
        if self.total_epochs is not None and self.total_epochs < self.warmup_epochs:
            raise ValueError(
                "total_epochs must be >= warmup_epochs; received: "
                f"total_epochs={total_epochs!r}, warmup_epochs={warmup_epochs!r}"
            )

    def _schedule(self, total_units, units_per_epoch):
        warmup_units = self.warmup_epochs * units_per_epoch
        if total_units < warmup_units:
            raise ValueError(
                f"LearningRateWarmup: training has {total_units // units_per_epoch} epochs, "
                f"fewer than warmup_epochs={self.warmup_epochs}"
            )
        if self.decay == "cosine":
            after = cosine_decay(
                self.target_learning_rate,
                total_units - warmup_units + 1,
                final_learning_rate=self.final_learning_rate,
            )
        else:
            after = Constant(self.target_learning_rate)
        schedule = Warmup(after, warmup_units, initial_learning_rate=self.start_learning_rate)
        # Unit u trains at the schedule's step u + 1: the ramp's first value is
        # one step above the start and its last (u = W - 1) is the target.
        return schedule, 1

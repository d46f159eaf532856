"""Evaluate a learning-rate schedule on many steps in one call."""

import numpy as np
from keras import ops


def schedule_values(schedule, steps):
    """``[schedule(s) for s in steps]`` as a float64 numpy array, in one vectorised call.

    Schedules written elementwise in ``keras.ops`` (all of this package's and
    most of Keras's) are called once on the whole vector of steps: a table of
    10^5 steps costs one call instead of 10^5 eager ones. A schedule that only
    accepts a scalar step (Keras's ``CosineDecay`` with warmup branches with
    ``ops.cond``) raises on a vector; it is then mapped with
    ``keras.ops.vectorized_map`` (on PyTorch, whose ``vmap`` refuses that
    branch, called step by step), where any real error surfaces again.

    ```python
    schedule_values(cosine_decay(0.1, 100), range(0, 101, 50))   # [0.1, 0.05, 0.0]
    ```

    Args:
        schedule: a ``LearningRateSchedule`` or any callable ``step -> rate``.
        steps: an int ``n`` (steps ``0..n-1``) or a sequence of steps.
    Returns:
        a 1-D numpy array of rates.
    """
    if not callable(schedule):
        raise TypeError(
            "schedule must be a LearningRateSchedule or a callable step -> rate; "
            f"received: {type(schedule).__name__}"
        )
    if isinstance(steps, (int, np.integer)) and not isinstance(steps, bool):
        if steps < 1:
            raise ValueError(f"steps must be >= 1; received: steps={steps!r}")
        steps = np.arange(steps)
    steps = np.asarray(steps, dtype="float32").reshape(-1)
    try:
        rates = schedule(steps)
    except (ValueError, TypeError, RuntimeError):  # scalar-only schedule: map it instead
        try:
            rates = ops.vectorized_map(lambda s: ops.cast(schedule(s), "float32"), steps)
        except (ValueError, TypeError, RuntimeError):
            # PyTorch: torch.vmap refuses the data-dependent branch of ops.cond
            rates = np.array([ops.convert_to_numpy(schedule(s)) for s in steps])
    rates = np.asarray(ops.convert_to_numpy(rates), dtype="float64")
    return np.broadcast_to(rates, steps.shape).copy()

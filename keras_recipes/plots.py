"""Plots that say more than a table: learning curves with the learning rate beside them.

Figures are built with ``matplotlib.figure.Figure`` (no pyplot state), so they
work the same in a notebook (returned figures display inline), a script, or a
headless CLI run (``fig.savefig(path)``).
"""

LR_KEYS = ("learning_rate", "lr")


def save_figure(fig, path):
    """Save ``fig`` to ``path`` (if given) at the package's plot resolution; return ``fig``."""
    if path is not None:
        fig.savefig(path, dpi=110)
    return fig


def _history_dict(history):
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict) or not logs:
        raise TypeError(
            "history must be a keras.callbacks.History or a non-empty dict of "
            f"metric name -> per-epoch values; received: {type(history).__name__}"
        )
    return logs


def plot_history(history, path=None, title=None):
    """Loss and metric curves, train vs validation, one panel per metric.

    If the history logged a learning rate (``"learning_rate"`` or ``"lr"``,
    as the callbacks of :mod:`keras_recipes.callbacks` do), it is drawn dashed
    on a second axis of the loss panel (the first), log-scaled when it spans
    more than a decade.

    ```python
    history = bundle.model.fit(splits.train, validation_data=splits.validation, epochs=5)
    fig = plot_history(history, path="curves.png")
    ```

    Args:
        history: a ``History`` returned by ``fit`` or its ``.history`` dict.
        path: optional file to save the figure to (PNG, SVG, PDF...).
        title: optional figure title.
    Returns:
        the ``matplotlib.figure.Figure``.
    """
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    logs = _history_dict(history)
    metrics = sorted((k for k in logs if not k.startswith("val_") and k not in LR_KEYS),
                     key=lambda k: k != "loss")  # loss first: the LR axis goes beside it
    fig = Figure(figsize=(5 * len(metrics), 3.6), layout="constrained")
    axes = fig.subplots(1, len(metrics), squeeze=False)[0]
    for ax, name in zip(axes, metrics):
        epochs = range(1, len(logs[name]) + 1)
        ax.plot(epochs, logs[name], marker="o", ms=3, label=f"train {name}")
        if f"val_{name}" in logs:
            ax.plot(epochs, logs[f"val_{name}"], marker="o", ms=3, label=f"validation {name}")
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
        ax.legend(loc="best", fontsize="small")
    lr_key = next((k for k in LR_KEYS if k in logs), None)
    if lr_key is not None:
        rates = logs[lr_key]
        twin = axes[0].twinx()
        twin.plot(range(1, len(rates) + 1), rates, color="gray", ls="--", lw=1)
        # log axis only when the rate spans more than a decade (warmup from ~0, step decay)
        if min(rates) > 0 and max(rates) / min(rates) > 10:
            twin.set_yscale("log")
        twin.set_ylabel("learning rate (dashed)")
    if title:
        fig.suptitle(title)
    return save_figure(fig, path)


def plot_schedule(schedule, steps, path=None, title=None, log=False):
    """Learning rate against optimizer step; a dict of schedules gives one panel each.

    ```python
    from keras_recipes import schedules
    plot_schedule({"cosine": schedules.cosine_decay(0.1, 1000),
                   "one-cycle": schedules.OneCycle(0.1, 1000)}, steps=1000)
    ```

    Args:
        schedule: a ``LearningRateSchedule`` (or callable ``step -> rate``), or
            a dict ``{name: schedule}`` for side-by-side panels (3 per row).
        steps: how many steps to draw, int >= 1.
        path: optional file to save the figure to.
        title: optional figure title.
        log: log-scale the rate axis. Default False.
    Returns:
        the ``matplotlib.figure.Figure``.
    """
    from matplotlib.figure import Figure

    from keras_recipes.checks import require_positive_int
    from keras_recipes.schedules import schedule_values

    require_positive_int("steps", steps)
    named = dict(schedule) if isinstance(schedule, dict) else {type(schedule).__name__: schedule}
    if not named:
        raise ValueError("schedule must not be an empty dict")
    curves = {name: schedule_values(s, steps) for name, s in named.items()}
    cols = min(3, len(curves))
    rows = -(-len(curves) // cols)
    fig = Figure(figsize=(4.2 * cols, 2.8 * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, (name, rates) in zip(axes, curves.items()):
        ax.plot(range(steps), rates, lw=1.5)
        ax.set_title(name, fontsize="medium")
        ax.set_xlabel("step")
        ax.set_ylabel("learning rate")
        if log:
            ax.set_yscale("log")
        ax.grid(alpha=0.3)
    for ax in axes[len(curves):]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title)
    return save_figure(fig, path)


def plot_lr_sweep(sweep, path=None):
    """The LR finder's loss against log learning rate, suggestion marked.

    ```python
    plot_lr_sweep(find_learning_rate(model, data))
    ```

    Args:
        sweep: a ``LearningRateSweep`` from ``find_learning_rate``.
        path: optional file to save the figure to.
    Returns:
        the ``matplotlib.figure.Figure``.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 3.8), layout="constrained")
    ax = fig.subplots()
    ax.plot(sweep.learning_rates, sweep.losses, color="lightgray", lw=1, label="loss")
    ax.plot(sweep.learning_rates, sweep.smoothed_losses, lw=1.8, label="smoothed loss")
    ax.axvline(sweep.suggested_learning_rate, color="tab:red", ls="--",
               label=f"suggested (min-loss / 10) {sweep.suggested_learning_rate:.2g}")
    ax.axvline(sweep.steepest_learning_rate, color="tab:green", ls=":",
               label=f"steepest descent {sweep.steepest_learning_rate:.2g}")
    ax.set_xscale("log")
    finite = [v for v in sweep.smoothed_losses if v == v and abs(v) != float("inf")]
    ax.set_ylim(min(finite) * 0.9, min(max(finite), 3 * finite[0]) * 1.1)
    ax.set_xlabel("learning rate (log)")
    ax.set_ylabel("training loss")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    return save_figure(fig, path)

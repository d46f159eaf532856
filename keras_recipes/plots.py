"""Plots that say more than a table: learning curves with the learning rate beside them.

Figures are built with ``matplotlib.figure.Figure`` (no pyplot state), so they
work the same in a notebook (returned figures display inline), a script, or a
headless CLI run (``fig.savefig(path)``).
"""

LR_KEYS = ("learning_rate", "lr")


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

    If the history logged a learning rate (``"learning_rate"`` or ``"lr"``),
    it is drawn on a second (log) axis of the loss panel.

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
        ax.grid(alpha=0.3)
        ax.legend(loc="best", fontsize="small")
    lr_key = next((k for k in LR_KEYS if k in logs), None)
    if lr_key is not None:
        twin = axes[0].twinx()
        twin.plot(range(1, len(logs[lr_key]) + 1), logs[lr_key], color="gray", ls="--", lw=1)
        twin.set_yscale("log")
        twin.set_ylabel("learning rate (dashed)")
    if title:
        fig.suptitle(title)
    if path is not None:
        fig.savefig(path, dpi=110)
    return fig

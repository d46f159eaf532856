"""Plots that say more than a table: learning curves, schedules, LR sweeps and the bundle picture.

Figures are built with ``matplotlib.figure.Figure`` (no pyplot state), so they
work the same in a notebook (returned figures display inline), a script, or a
headless CLI run (``fig.savefig(path)``).
"""

import math

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


def _bundle_parts(bundle):
    """Split the encoder's layers into the diagram's parts: stem, learner groups, bottleneck.

    Builders of ``keras_recipes.zoo`` name their layers ``stem_*``,
    ``group<N>_*`` and ``bottleneck``; any other encoder (a
    ``keras.applications`` network, the reference backbone) is split at
    changes of the name's prefix before the first ``_``, so its blocks still
    show. Returns ``[(kind, label, layers)]``.
    """
    import re

    layers = [layer for layer in bundle.encoder.layers if type(layer).__name__ != "InputLayer"]
    parts = []
    for layer in layers:
        name = layer.name
        group = re.match(r"(group\d+|block\d+|conv\d+|stage\d+)", name)
        if name == "bottleneck" or (layer is layers[-1] and not layer.weights):
            kind, label = "bottleneck", "bottleneck"
        elif name.startswith("stem") or (not parts and not group):
            kind, label = "stem", "stem"
        elif group:
            kind, label = "group", group.group(1)
        else:
            kind, label = "group", name.split("_")[0]
        if parts and parts[-1][1] == label:
            parts[-1][2].append(layer)
        else:
            parts.append((kind, label, [layer]))
    return parts


def _shape_text(shape):
    return "×".join(str(d) for d in shape[1:])


def plot_bundle(bundle, path=None, title=None):
    """The lecture's picture of a bundle: stem -> learner groups -> bottleneck -> task, three doors marked.

    Diagram A1 (Transfer Learning) draws a network as a **stem**, a
    **learner** of convolutional groups, the **bottleneck** (final pooling /
    flatten) and a **task**. Below the boxes, the three doors of a
    ``ModelBundle`` are drawn as spans: ``model`` (input -> output),
    ``encoder`` (input -> bottleneck) and ``head`` (bottleneck -> output).
    Each box shows its output shape and parameter count; frozen parts (no
    trainable weights) are hatched, so the picture also tells what a
    transfer-learning step will train. Drawn with matplotlib only (no
    graphviz, no pydot).

    >>> import keras_recipes as kr
    >>> fig = plot_bundle(kr.vgg(input_shape=(8, 8, 1), num_classes=3, width=4, depth=(1,)))
    >>> [t.get_text() for t in fig.axes[0].texts][:3]
    ['input\\n8×8×1', 'stem\\n8×8×4\\n52 params', 'group1\\n4×4×4\\n160 params']

    Args:
        bundle: a ``ModelBundle``.
        path: optional file to save the figure to.
        title: optional title (default: the model's name).
    Returns:
        the ``matplotlib.figure.Figure``.
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyBboxPatch

    from keras_recipes.bundle import ModelBundle

    if not isinstance(bundle, ModelBundle):
        raise TypeError(f"bundle must be a keras_recipes.ModelBundle; received: {type(bundle).__name__}")
    parts = _bundle_parts(bundle)
    if len(parts) > 9:  # a deep applications network: keep the stem, the last groups and the bottleneck
        parts = parts[:1] + [("more", f"... {len(parts) - 6} more", sum((p[2] for p in parts[1:-5]), []))] \
            + parts[-5:]
    colours = {"input": "#eeeeee", "stem": "#c6dbef", "group": "#9ecae1", "more": "#deebf7",
               "bottleneck": "#fdd0a2", "task": "#c7e9c0", "output": "#eeeeee"}
    boxes = [("input", "input\n" + _shape_text(bundle.encoder.input.shape), None)]
    for kind, label, layers in parts:
        params = sum(math.prod(w.shape) for layer in layers for w in layer.weights)
        shape = _shape_text(layers[-1].output.shape)
        text = f"{label}\n{shape}" + (f"\n{params:,} params" if params else "")
        frozen = params > 0 and not any(layer.trainable_weights for layer in layers)
        boxes.append((kind, text, frozen))
    head_params = sum(math.prod(w.shape) for w in bundle.head.weights)
    task_names = [layer.name for layer in bundle.head.layers if layer.weights] or ["task"]
    boxes.append(("task", "task\n" + ", ".join(task_names[-2:]) + f"\n{head_params:,} params",
                  head_params > 0 and not bundle.head.trainable_weights))
    outputs = bundle.model.outputs
    boxes.append(("output", "output\n" + ", ".join(_shape_text(o.shape) for o in outputs), None))

    n = len(boxes)
    fig = Figure(figsize=(max(6.0, 1.25 * n), 3.3), layout="constrained")
    ax = fig.subplots()
    width, gap = 1.0, 0.3
    xs = [i * (width + gap) for i in range(n)]
    for x, (kind, text, frozen) in zip(xs, boxes):
        ax.add_patch(FancyBboxPatch((x, 0), width, 1, boxstyle="round,pad=0.02,rounding_size=0.08",
                                    facecolor=colours[kind], lw=1,
                                    edgecolor="#9a9a9a" if frozen else "#555555",
                                    hatch="///" if frozen else None))
        ax.text(x + width / 2, 0.5, text + ("\n(frozen)" if frozen else ""), ha="center",
                va="center", fontsize=7.5)
    for x in xs[:-1]:
        ax.annotate("", xy=(x + width + gap, 0.5), xytext=(x + width, 0.5),
                    arrowprops=dict(arrowstyle="->", color="#555555", lw=1))
    learner = [i for i, box in enumerate(boxes) if box[0] in ("group", "more")]
    if learner:
        left, right = xs[learner[0]], xs[learner[-1]] + width
        ax.plot([left, right], [1.12, 1.12], color="#3182bd", lw=2)
        ax.text((left + right) / 2, 1.17, "learner", ha="center", va="bottom", fontsize=8,
                color="#3182bd")
    bottleneck = next(i for i, box in enumerate(boxes) if box[0] == "bottleneck") \
        if any(box[0] == "bottleneck" for box in boxes) else n - 3
    door_in, door_mid, door_out = xs[0], xs[bottleneck] + width, xs[-1] + width
    spans = [("model: input → output", door_in, door_out, -0.25, "#333333"),
             ("encoder: input → bottleneck", door_in, door_mid, -0.55, "#3182bd"),
             ("head: bottleneck → output", door_mid, door_out, -0.85, "#31a354")]
    for label, left, right, y, colour in spans:
        ax.annotate("", xy=(right, y), xytext=(left, y),
                    arrowprops=dict(arrowstyle="|-|", color=colour, lw=1.3, mutation_scale=4))
        ax.text((left + right) / 2, y - 0.04, label, ha="center", va="top", fontsize=8, color=colour)
    for x, label in ((door_in, "door: input"), (door_mid, "door: bottleneck"), (door_out, "door: output")):
        ax.plot([x, x], [-0.9, 1.0], color="#999999", ls=":", lw=0.8)
        ax.text(x, 1.02, label, ha="center", va="bottom", fontsize=7, color="#777777")
    ax.set_xlim(-0.2, xs[-1] + width + 0.2)
    ax.set_ylim(-1.05, 1.35)
    ax.axis("off")
    ax.set_title(title or f"{bundle.model.name}: stem → learner → bottleneck → task", fontsize=10)
    return save_figure(fig, path)


def grouped_bars(rows, kinds, *, title=None, labels=None, ylabel="accuracy", path=None):
    """Grouped bars: one group per row (a training arm), one bar per kind of test set.

    The shape of a robustness comparison (A4's clean vs shifted test, A6's
    clean vs occluded test): ``rows[arm][kind]`` is a score in [0, 1].

    >>> fig = grouped_bars({"plain": {"clean": 0.9, "shifted": 0.5}, "A4": {"clean": 0.9, "shifted": 0.7}},
    ...                    ("clean", "shifted"), title="A4")
    >>> [float(bar.get_height()) for bar in fig.axes[0].patches]
    [0.9, 0.9, 0.5, 0.7]

    Args:
        rows: ``{group: {kind: value}}``, groups in drawing order.
        kinds: the keys of each row to draw, one bar each (legend ``"<label> test"``).
        title: optional axes title. labels: optional ``{kind: legend label}``.
        ylabel: the value axis ("accuracy"). path: optional file to save to.
    Returns:
        the ``matplotlib.figure.Figure``.
    """
    from matplotlib.figure import Figure

    labels = labels or {}
    fig = Figure(figsize=(5.6, 3.2), layout="constrained")
    ax = fig.subplots()
    groups = list(rows)
    width = 0.76 / len(kinds)
    for k, kind in enumerate(kinds):
        offset = (k - (len(kinds) - 1) / 2) * width
        ax.bar([g + offset for g in range(len(groups))], [rows[group][kind] for group in groups], width,
               label=f"{labels.get(kind, kind)} test")
    ax.set_xticks(range(len(groups)), groups)
    ax.set_ylim(0, 1.02)
    ax.set_ylabel(ylabel)
    ax.legend(loc="lower right")
    if title:
        ax.set_title(title)
    return save_figure(fig, path)

"""Lottery weight initialisation, lecture diagram A2: draw many, keep the winning ticket.

One reference model, ``draws`` instances, each with its own random draw from
its initialisers (a different seed); each is pre-trained for a few steps
with a tiny learning rate on the *same* batches; the instance with the lowest
training loss afterwards is the winner, returned ready for full training.
"Training loss" is measured as training computes it: the model called with
``training=True`` (BatchNorm on batch statistics, dropout on) on the same
batches for every draw, before and after the pre-training, so the result
shows how far each draw moved. Keras has no such procedure; this module
composes it from ``keras.utils.set_random_seed``, ``compile``/``fit``, the
loss function and a ``Progbar``.
"""

import math
import warnings
from dataclasses import dataclass, field

import keras

from keras_recipes.checks import (
    fresh_optimizer, keras_model_of, require_dataset, require_positive_int, require_positive_number,
)
from keras_recipes.plots import save_figure


@dataclass
class LotteryResult:
    """What ``lottery_init`` returns.

    Attributes:
        winner: the winning instance (what the builder returned: a
            ``ModelBundle`` or a ``keras.Model``), after its pre-training.
        winner_draw: index of the winning draw; ``winner_seed`` its seed
            (``keras.utils.set_random_seed(winner_seed)`` then the builder
            reproduces its initial weights).
        draws: one dict per draw: ``draw``, ``seed``, ``loss_before`` and
            ``loss`` (training-mode loss on the lottery's batches before and
            after pre-training, NaN if dropped), ``change`` (before - after)
            and ``status`` ("kept" or "dropped").
    """

    winner: object
    winner_draw: int
    winner_seed: int
    draws: list = field(repr=False)

    @property
    def mean_change(self):
        """Mean loss decrease of the kept draws during pre-training (> 0: the loss moved down)."""
        kept = [d["change"] for d in self.draws if d["status"] == "kept"]
        return sum(kept) / len(kept) if kept else math.nan

    def table(self):
        """The draws as aligned text, before and after pre-training, the winner marked ``*``."""
        lines = ["draw  seed  before    after     change    status"]
        for d in self.draws:
            mark = " *" if d["draw"] == self.winner_draw else ""
            lines.append(f"{d['draw']:<5} {d['seed']:<5} {d['loss_before']:<9.5g} "
                         f"{d['loss']:<9.5g} {d['change']:<+9.3g} {d['status']}{mark}")
        return "\n".join(lines)

    def plot(self, path=None):
        """Each draw's loss before and after pre-training, and their distributions; a ``Figure``.

        Left: one line per draw from its loss before to its loss after (the
        winner in red). Right: the distribution of the kept draws' losses
        before and after (histograms); a wide spread after pre-training is
        what makes picking a ticket worthwhile.
        """
        from matplotlib.figure import Figure

        fig = Figure(figsize=(9, 3.4), layout="constrained")
        lines_ax, dist_ax = fig.subplots(1, 2)
        kept = [d for d in self.draws if d["status"] == "kept"]
        for d in kept:
            win = d["draw"] == self.winner_draw
            lines_ax.plot([0, 1], [d["loss_before"], d["loss"]], marker="o",
                          color="C3" if win else "C0", alpha=1.0 if win else 0.5,
                          lw=2 if win else 1, label=f"winner: draw {d['draw']}" if win else None)
        for d in self.draws:
            if d["status"] != "kept":
                lines_ax.annotate(f"draw {d['draw']}: NaN (dropped)", (0.5, 0.02),
                                  xycoords="axes fraction", ha="center", fontsize=8)
        lines_ax.set_xticks([0, 1], ["before", f"after pre-training"])
        lines_ax.set_ylabel("training loss (training mode, same batches)")
        lines_ax.legend(loc="best", fontsize="small")
        lines_ax.grid(alpha=0.3)
        import numpy as np

        values = [d[k] for d in kept for k in ("loss_before", "loss")]
        bins = np.linspace(min(values), max(values), max(4, min(13, len(kept) + 1)))
        dist_ax.hist([d["loss_before"] for d in kept], bins=bins, alpha=0.6, label="before")
        dist_ax.hist([d["loss"] for d in kept], bins=bins, alpha=0.6, label="after")
        winner = [d["loss"] for d in kept if d["draw"] == self.winner_draw]
        if winner:
            dist_ax.axvline(winner[0], color="C3", ls="--", label="winner")
        dist_ax.set_xlabel("training loss")
        dist_ax.set_ylabel("draws")
        dist_ax.legend(loc="best", fontsize="small")
        fig.suptitle(f"Lottery initialisation: {len(self.draws)} draws, draw "
                     f"{self.winner_draw} wins; mean loss change {self.mean_change:+.3g}")
        return save_figure(fig, path)


def training_loss(model, batches, loss):
    """Mean loss of ``model`` over ``batches`` in training mode, leaving the model unchanged.

    Training mode as ``fit`` computes it (BatchNorm on batch statistics,
    dropout on, regularisation losses added); BatchNorm's moving statistics
    and every other non-trainable variable are restored afterwards, so
    measuring does not move the model.
    """
    from keras import ops

    loss_fn = keras.losses.get(loss)
    saved = [ops.convert_to_numpy(v) for v in model.non_trainable_variables]
    total, count = 0.0, 0
    for x, y in batches:
        predictions = model(x, training=True)
        value = ops.mean(loss_fn(y, predictions))
        if model.losses:
            value = value + ops.sum(ops.stack(model.losses))
        total += float(ops.convert_to_numpy(value))
        count += 1
    for variable, value in zip(model.non_trainable_variables, saved):
        variable.assign(value)
    return total / max(count, 1)


def lottery_init(builder, data, *, draws=8, steps=50, learning_rate=1e-3, optimizer="sgd",
                 loss="sparse_categorical_crossentropy", seed=0, verbose=1):
    """Draw ``draws`` instances, pre-train each briefly, return the lowest-loss one.

    Diagram A2 ("Weight Initialization (Lottery)"). Draw ``i`` seeds Keras
    with ``seed + i`` (``keras.utils.set_random_seed``, which also seeds
    Python and NumPy) and calls ``builder()``. Every draw's training loss
    (training mode, ``training_loss``) is measured on the same ``steps``
    batches of ``data``, it is pre-trained for ``steps`` steps with
    ``optimizer`` at the tiny ``learning_rate`` on those batches, and its
    training loss is measured again; the lowest loss after wins. The
    defaults (50 steps of plain SGD at 1e-3, a tenth of a typical SGD rate)
    move the loss measurably while staying "brief and tiny"; check
    ``result.mean_change`` and the table. A draw whose loss is NaN or
    infinite is dropped with a warning.

    >>> import functools
    >>> from keras_recipes import datasets, vgg
    >>> from keras_recipes.initialization.lottery import lottery_init
    >>> splits = datasets.load_digits(image_size=8)
    >>> result = lottery_init(functools.partial(vgg, input_shape=(8, 8, 1), width=4, depth=(1,)),
    ...                       splits.train, draws=3, steps=5, verbose=0)
    >>> print(result.table())                        # doctest: +ELLIPSIS
    draw  seed  before    after     change    status
    0     0     ...
    >>> result.mean_change > 0                       # pre-training lowered the loss
    True

    Args:
        builder: zero-argument callable returning a ``ModelBundle`` or a
            ``keras.Model`` (bind arguments with ``functools.partial``).
        data: a batched ``tf.data.Dataset`` of ``(x, y)`` training batches.
        draws: number of instances, >= 1. Default 8.
        steps: pre-training steps per draw, >= 1. Default 50.
        learning_rate: the tiny pre-training learning rate, > 0. Default 1e-3.
        optimizer: Keras optimizer name for pre-training. Default "sgd".
        loss: the training loss. Default sparse categorical cross-entropy.
        seed: seed of draw 0 (draw ``i`` uses ``seed + i``). Default 0.
        verbose: 1 shows a progress bar over the draws, 0 is silent.
    Returns:
        a ``LotteryResult``.
    """
    from keras_recipes.checks import check_training_data, require_choice, require_finite_images

    if not callable(builder):
        raise TypeError(f"builder must be a zero-argument callable; received: builder={builder!r}")
    require_dataset("data", data, "a batched tf.data.Dataset")
    require_finite_images("data", data)  # before any draw is built: NaN images fail at once
    if int(data.cardinality()) == 0:
        raise ValueError("data is empty; received a dataset of 0 batches")
    draws = require_positive_int("draws", draws)
    steps = require_positive_int("steps", steps)
    learning_rate = require_positive_number("learning_rate", learning_rate)
    if not isinstance(optimizer, str):
        raise TypeError(f"optimizer must be a Keras optimizer name; received: "
                        f"optimizer={optimizer!r}")
    require_choice("optimizer", optimizer.lower(), _OPTIMIZERS)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be an int >= 0; received: seed={seed!r}")
    # The same `steps` batches for every draw: the first pass fills the cache.
    batches = data.repeat().take(steps).cache()
    progbar = keras.utils.Progbar(draws, verbose=verbose, unit_name="draw")
    rows, best = [], None
    for i in range(draws):
        keras.utils.set_random_seed(seed + i)
        built = builder()
        model = keras_model_of("the builder's result", built)
        if i == 0:
            check_training_data(model, data, "data")
        before = training_loss(model, batches, loss)
        optim = fresh_optimizer("optimizer", optimizer, learning_rate)
        model.compile(optimizer=optim, loss=loss)
        model.fit(batches, epochs=1, shuffle=False, verbose=0)
        value = training_loss(model, batches, loss)
        kept = math.isfinite(value)
        rows.append({"draw": i, "seed": seed + i,
                     "loss_before": before if math.isfinite(before) else math.nan,
                     "loss": value if kept else math.nan,
                     "change": before - value if kept and math.isfinite(before) else math.nan,
                     "status": "kept" if kept else "dropped"})
        if not kept:
            warnings.warn(f"lottery draw {i} (seed {seed + i}) gave a non-finite training "
                          f"loss ({value}); it is dropped", stacklevel=2)
        elif best is None or value < best[0]:
            best = (value, i, built)
        progbar.update(i + 1, values=[("loss", value)] if kept else None)
    if best is None:
        before_finite = any(math.isfinite(r["loss_before"]) for r in rows)
        cause = ("the loss was finite before pre-training, so the learning rate is too high: "
                 f"lower learning_rate (received learning_rate={learning_rate})"
                 if before_finite else
                 "the loss was already non-finite before any training: check the builder's "
                 "initialisers and output activation, the loss and the data (NaN images?); "
                 f"learning_rate={learning_rate} is not the cause")
        raise RuntimeError(f"all {draws} lottery draws gave a non-finite loss; {cause}")
    return LotteryResult(winner=best[2], winner_draw=best[1], winner_seed=seed + best[1], draws=rows)


_OPTIMIZERS = ("sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "adamax", "nadam",
               "lion", "ftrl", "lamb", "adafactor")

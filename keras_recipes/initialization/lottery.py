"""Lottery weight initialisation, lecture diagram A2: draw many, keep the winning ticket.

One reference model, ``draws`` instances, each with its own random draw from
its initialisers (a different seed); each is pre-trained for a few steps
with a tiny learning rate on the *same* batches; the instance with the lowest
training loss afterwards is the winner, returned ready for full training.
Keras has no such procedure; this module composes it from
``keras.utils.set_random_seed``, ``compile``/``fit``/``evaluate`` and a
``Progbar``.
"""

import math
import warnings
from dataclasses import dataclass, field

import keras

from keras_recipes.checks import (
    fresh_optimizer, keras_model_of, require_positive_int, require_positive_number,
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
        draws: one dict per draw: ``draw``, ``seed``, ``loss`` (training loss
            after pre-training, NaN if dropped) and ``status`` ("kept" or
            "dropped").
    """

    winner: object
    winner_draw: int
    winner_seed: int
    draws: list = field(repr=False)

    def table(self):
        """The draws as aligned text, the winner marked with ``*``."""
        lines = ["draw  seed  loss      status"]
        for d in self.draws:
            mark = " *" if d["draw"] == self.winner_draw else ""
            lines.append(f"{d['draw']:<5} {d['seed']:<5} {d['loss']:<9.5g} {d['status']}{mark}")
        return "\n".join(lines)

    def plot(self, path=None):
        """Bar chart of every draw's loss, the winner highlighted; a ``Figure``."""
        from matplotlib.figure import Figure

        fig = Figure(figsize=(6, 3.2), layout="constrained")
        ax = fig.subplots()
        kept = [d for d in self.draws if d["status"] == "kept"]
        colors = ["C3" if d["draw"] == self.winner_draw else "C0" for d in kept]
        ax.bar([d["draw"] for d in kept], [d["loss"] for d in kept], color=colors)
        for d in self.draws:
            if d["status"] != "kept":
                ax.annotate("NaN\n(dropped)", (d["draw"], 0), ha="center", va="bottom", fontsize=8)
        low = min(d["loss"] for d in kept)
        ax.set_ylim(low * 0.98, max(d["loss"] for d in kept) * 1.01)
        ax.set_xlabel("draw")
        ax.set_ylabel("training loss after pre-training")
        ax.set_title(f"Lottery initialisation: draw {self.winner_draw} wins (red)")
        return save_figure(fig, path)


def lottery_init(builder, data, *, draws=8, steps=10, learning_rate=1e-4, optimizer="sgd",
                 loss="sparse_categorical_crossentropy", seed=0, verbose=1):
    """Draw ``draws`` instances, pre-train each briefly, return the lowest-loss one.

    Diagram A2 ("Weight Initialization (Lottery)"). Draw ``i`` seeds Keras
    with ``seed + i`` (``keras.utils.set_random_seed``, which also seeds
    Python and NumPy) and calls ``builder()``. Every draw is pre-trained for
    ``steps`` steps with ``optimizer`` at ``learning_rate`` on the same
    ``steps`` batches of ``data``, then its loss on those batches is
    measured. A draw whose loss is NaN or infinite is dropped with a
    warning.

    ```python
    import functools
    from keras_recipes import datasets, vgg
    from keras_recipes.initialization.lottery import lottery_init
    splits = datasets.load_digits(image_size=8)
    result = lottery_init(functools.partial(vgg, input_shape=(8, 8, 1), width=8, depth=(1,)),
                          splits.train, draws=6, steps=5)
    print(result.table()); result.plot()
    winner = result.winner          # a ModelBundle, ready for full training
    ```

    Args:
        builder: zero-argument callable returning a ``ModelBundle`` or a
            ``keras.Model`` (bind arguments with ``functools.partial``).
        data: a batched ``tf.data.Dataset`` of ``(x, y)`` training batches.
        draws: number of instances, >= 1. Default 8.
        steps: pre-training steps per draw, >= 1. Default 10.
        learning_rate: the tiny pre-training learning rate, > 0. Default 1e-4.
        optimizer: Keras optimizer name for pre-training. Default "sgd".
        loss: the training loss. Default sparse categorical cross-entropy.
        seed: seed of draw 0 (draw ``i`` uses ``seed + i``). Default 0.
        verbose: 1 shows a progress bar over the draws, 0 is silent.
    Returns:
        a ``LotteryResult``.
    """
    import tensorflow as tf

    if not callable(builder):
        raise TypeError(f"builder must be a zero-argument callable; received: {builder!r}")
    if not isinstance(data, tf.data.Dataset):
        raise TypeError(f"data must be a batched tf.data.Dataset; received: {type(data).__name__}")
    draws = require_positive_int("draws", draws)
    steps = require_positive_int("steps", steps)
    learning_rate = require_positive_number("learning_rate", learning_rate)
    # The same `steps` batches for every draw: the first pass fills the cache.
    batches = data.repeat().take(steps).cache()
    progbar = keras.utils.Progbar(draws, verbose=verbose, unit_name="draw")
    rows, best = [], None
    for i in range(draws):
        keras.utils.set_random_seed(seed + i)
        built = builder()
        model = keras_model_of("the builder's result", built)
        optim = fresh_optimizer("optimizer", optimizer, learning_rate)
        model.compile(optimizer=optim, loss=loss)
        model.fit(batches, epochs=1, shuffle=False, verbose=0)
        value = float(model.evaluate(batches, verbose=0))
        kept = math.isfinite(value)
        rows.append({"draw": i, "seed": seed + i, "loss": value if kept else math.nan,
                     "status": "kept" if kept else "dropped"})
        if not kept:
            warnings.warn(f"lottery draw {i} (seed {seed + i}) gave a non-finite training "
                          f"loss ({value}); it is dropped", stacklevel=2)
        elif best is None or value < best[0]:
            best = (value, i, built)
        progbar.update(i + 1, values=[("loss", value)] if kept else None)
    if best is None:
        raise RuntimeError(f"all {draws} lottery draws gave a non-finite loss; lower "
                           f"learning_rate (received {learning_rate}) or check the model")
    return LotteryResult(winner=best[2], winner_draw=best[1], winner_seed=seed + best[1], draws=rows)

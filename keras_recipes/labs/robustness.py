"""Checks for notebook 62 (Training: adversarial examples, curriculum learning, checkpointing, early stopping)."""

import numpy as np

from keras_recipes.labs.core import check_number, expect, passed, require_answer


def picture_robustness():
    """The lab's recipes as two flows: FGSM adversarial training, and a curriculum from a probe (a ``Figure``)."""
    from matplotlib.figure import Figure

    from keras_recipes.labs.data_centric import _flow

    fig = Figure(figsize=(10, 3.2), layout="constrained")
    ax = fig.subplots()
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    _flow(ax, ["training images x", "FGSM twins against\nthe current model:\nx + eps sign(grad_x loss)",
               "train one epoch\non x and the twins", "next epoch: new twins;\nat the end, test\nunder attack"], 0.72)
    _flow(ax, ["probe model\n(1 epoch)", "loss per example\n= difficulty", "epoch e: the easiest\npacing(e) share",
               "test: vs random\norder, same steps"], 0.2)
    ax.text(0.0, 0.97, "Generating and training with adversarial examples", fontsize=9, weight="bold")
    ax.text(0.0, 0.4, "Curriculum learning", fontsize=9, weight="bold")
    return fig


def check_fgsm_step(x_adv, *, x, gradient, epsilon):
    """Exercise 62.1: one FGSM step ``clip(x + epsilon * sign(gradient), 0, 1)`` by hand."""
    __tracebackhide__ = True
    hint = "move every pixel by epsilon in the direction of the gradient's sign, then keep it inside [0, 1]"
    require_answer(x_adv, "x_adv", hint)
    got = np.asarray(x_adv, dtype="float64")
    want = np.clip(np.asarray(x, "float64") + epsilon * np.sign(gradient), 0.0, 1.0)
    expect(got.shape == want.shape, f"x_adv has shape {got.shape}; the image has shape {want.shape}.", hint)
    if not np.allclose(got, want, atol=1e-6):
        unclipped = np.asarray(x, "float64") + epsilon * np.sign(gradient)
        expect(not np.allclose(got, unclipped, atol=1e-6), "some pixels left [0, 1].",
               "images live in [0, 1]: clip the result")
        expect(False, "x_adv is not the FGSM step yet.", hint)
    passed(f"every pixel moved by at most {epsilon:g}, in the direction that increases the loss")


def check_robust_gain(value, result):
    """Exercise 62.2: accuracy under attack after adversarial training minus before."""
    __tracebackhide__ = True
    check_number(value, expected=result.attacked["adversarial"] - result.attacked["standard"], tolerance=1e-6,
                 name="robust_gain", hint="use the attacked accuracies (not the clean ones), after minus before")


def check_pacing_size(value, *, epoch, epochs, start, n):
    """Exercise 62.3: how many (easiest) examples epoch ``epoch`` (0-based) trains on under linear pacing."""
    __tracebackhide__ = True
    from keras_recipes.training import pacing

    check_number(value, expected=round(pacing(epoch, epochs, start) * n), tolerance=0.5, name="examples",
                 hint="the share grows linearly from start at epoch 0 to 1 at the last epoch; "
                      "multiply by the number of examples")


def check_early_stop(answer, *, val_loss, patience):
    """Exercise 62.4: ``(kept_epoch, stopped_epoch)``, 1-based, for ``val_loss`` and ``patience``."""
    __tracebackhide__ = True
    hint = ("the kept snapshot is the epoch of the lowest validation loss; training stops once "
            "`patience` epochs in a row have not improved on it")
    require_answer(answer, "answer", hint)
    expect(isinstance(answer, tuple) and len(answer) == 2,
           f"answer must be a pair (kept_epoch, stopped_epoch); received {answer!r}.", hint)
    best, wait, stopped = 0, 0, len(val_loss)
    for epoch in range(1, len(val_loss)):
        if val_loss[epoch] < val_loss[best]:
            best, wait = epoch, 0
        else:
            wait += 1
            if wait >= patience:
                stopped = epoch + 1
                break
    expect(int(answer[0]) == best + 1, f"kept_epoch = {answer[0]} is not the snapshot Keras keeps.",
           "epochs count from 1; the kept one has the lowest validation loss seen before stopping")
    expect(int(answer[1]) == stopped, f"stopped_epoch = {answer[1]} is not when training stops.", hint)
    passed(f"kept epoch {best + 1}, stopped after epoch {stopped}")


_REMAT_JAX = """
import os, keras, numpy as np
from keras_recipes.training import measure_remat
build = lambda: keras.Sequential([keras.Input((64,))] + [keras.layers.Dense({width}, activation="gelu")
                                  for _ in range({depth})] + [keras.layers.Dense(10, activation="softmax")])
rng = np.random.default_rng(0)
print(measure_remat(build, rng.normal(size=({batch}, 64)).astype("float32"), rng.integers(0, 10, {batch})).table())
"""


def remat_on_jax(*, width=256, depth=8, batch=256, timeout=240):
    """``measure_remat(...).table()`` of a GELU MLP measured in a fresh JAX process (this kernel may run TF).

    TensorFlow's CPU memory counters read zero; JAX's compiled step reports
    its temporary buffers. One fresh process (~25 s to start JAX): the
    notebook calls it in its full run only.
    """
    import os
    import subprocess
    import sys

    env = dict(os.environ, KERAS_BACKEND="jax")
    code = _REMAT_JAX.format(width=int(width), depth=int(depth), batch=int(batch))
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode:
        return f"the JAX process failed: {done.stderr.strip().splitlines()[-1] if done.stderr else done.returncode}"
    return done.stdout.strip()

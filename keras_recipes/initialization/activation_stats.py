"""Seed 004, "Initialisation: Glorot / He": the distribution of activations layer by layer, per scheme."""

from dataclasses import dataclass

import keras
import numpy as np

from keras_recipes.checks import require_positive_int


@dataclass(frozen=True)
class ActivationStats:
    """Activations of a deep plain network at initialisation, for each (scheme, activation).

    Attributes:
        samples: ``{(initializer, activation): [array of layer 1 outputs, ..., layer L]}``
            (a flattened sample of each layer's activations).
        std: ``{(initializer, activation): [std of layer 1, ..., layer L]}``.
    """

    samples: dict
    std: dict

    def table(self):
        """Standard deviation of the activations at the first, middle and last layer."""
        lines = [f"{'initializer':<16} {'activation':<10} {'layer 1':>8} {'middle':>8} {'last':>8}"]
        for (init, act), std in self.std.items():
            lines.append(f"{init:<16} {act:<10} {std[0]:>8.3f} {std[len(std) // 2]:>8.3f} {std[-1]:>8.3f}")
        return "\n".join(lines)

    def plot(self, path=None, layers=None):
        """One row per (scheme, activation), one histogram per layer: the slides' picture."""
        from matplotlib.figure import Figure

        from keras_recipes.plots import save_figure

        keys = list(self.samples)
        depth = len(next(iter(self.samples.values())))
        layers = layers or sorted({0, depth // 4, depth // 2, 3 * depth // 4, depth - 1})
        fig = Figure(figsize=(2.0 * len(layers), 1.7 * len(keys)))
        axes = fig.subplots(len(keys), len(layers), squeeze=False)
        for r, key in enumerate(keys):
            for c, layer in enumerate(layers):
                ax = axes[r][c]
                values = self.samples[key][layer]
                ax.hist(values, bins=40, color=f"C{r}")
                ax.set_yticks([])
                ax.tick_params(labelsize=6)
                if r == 0:
                    ax.set_title(f"layer {layer + 1}", fontsize=8)
                if c == 0:
                    ax.set_ylabel(f"{key[0]}\n{key[1]}", fontsize=7)
                ax.text(0.98, 0.9, f"std {self.std[key][layer]:.2g}", transform=ax.transAxes,
                        ha="right", fontsize=6)
        fig.tight_layout()
        return save_figure(fig, path)


def activation_statistics(*, initializers=("glorot_normal", "he_normal"), activations=("tanh", "relu"),
                          depth=10, width=256, samples=512, seed=0):
    """Push unit-Gaussian inputs through ``depth`` Dense layers at initialisation; record each layer.

    Seed 004's Glorot/Xavier (``std = sqrt(2 / (fan_in + fan_out))``) keeps
    the variance of a *linear* (or tanh near 0) layer's output constant; He
    (``sqrt(2 / fan_in)``) takes ReLU's halving into account. The slides
    show it as histograms of activations layer by layer: with ReLU under
    Glorot they shrink towards 0 with depth (by ~1/sqrt(2) per layer),
    under He they keep their scale. Biases are zero (the Keras default).

    >>> stats = activation_statistics(depth=6, width=128, samples=256)
    >>> stats.std[("glorot_normal", "relu")][-1] < 0.5 * stats.std[("he_normal", "relu")][-1]
    True

    Args:
        initializers: Keras initializer names. Default ("glorot_normal", "he_normal").
        activations: activation names. Default ("tanh", "relu").
        depth: Dense layers. Default 10. width: units per layer (and input size). Default 256.
        samples: inputs pushed through. Default 512. seed: Default 0.
    Returns:
        an :class:`ActivationStats` (``.table()``, ``.plot()``).
    """
    depth = require_positive_int("depth", depth)
    width = require_positive_int("width", width)
    samples = require_positive_int("samples", samples)
    x = np.random.default_rng(seed).normal(size=(samples, width)).astype("float32")
    out_samples, out_std = {}, {}
    for init in initializers:
        for act in activations:
            keras.utils.set_random_seed(seed)
            h, layers = x, []
            for i in range(depth):
                layer = keras.layers.Dense(width, activation=act,
                                           kernel_initializer=keras.initializers.get(init))
                h = keras.ops.convert_to_numpy(layer(h))
                layers.append(h.ravel()[: 20 * width])
            out_samples[(init, act)] = layers
            out_std[(init, act)] = [float(np.std(a)) for a in layers]
    return ActivationStats(out_samples, out_std)

"""Probing an embedding: what does a representation encode besides the label?

Seed 001's paper presentation, "Probing the information encoded in
x-vectors" (Raj et al., 2019): simple classifiers trained on a frozen
embedding reveal what it holds (speaker, channel, duration, *augmentation
type*). Here the same question is asked of an image encoder, stage by
stage, with the per-stage linear probes of ``keras_recipes.probes``: for
each *factor* a labelled probing set is made from the same images and one
linear probe per stage learns to read the factor back:

* ``"label"``: the digit (what the network is for);
* ``"rotation"``: each image turned by 0/90/180/270 degrees, target the
  number of quarter turns (what a rotation pretext task is trained on);
* ``"augmentation"``: each image given one of ``AUGMENTATIONS`` (none, a
  shift, a zoom, erasing, pixel noise), target which one (what a
  contrastive encoder is trained to ignore).

A factor probed well above chance at a stage is encoded there; a factor at
chance has been thrown away (invariance). The result is a table per stage,
one column per factor (``probe_factors``).
"""

from dataclasses import dataclass

import numpy as np

from keras_recipes.checks import require_bundle, require_rate
from keras_recipes.plots import save_figure

FACTORS = ("label", "rotation", "augmentation")
AUGMENTATIONS = ("none", "shift", "zoom", "erase", "noise")


def _augmentation_layer(kind, seed):
    import keras

    if kind == "shift":
        return keras.layers.RandomTranslation(0.2, 0.2, fill_mode="constant", fill_value=0.0, seed=seed)
    if kind == "zoom":
        return keras.layers.RandomZoom(0.3, fill_mode="constant", fill_value=0.0, seed=seed)
    if kind == "erase":
        return keras.layers.RandomErasing(factor=1.0, scale=(0.1, 0.3), value_range=(0, 1), seed=seed)
    return keras.layers.GaussianNoise(0.2, seed=seed)


def factor_dataset(factor, images, labels, *, seed=0):
    """The probing set of one factor: ``(images, targets)`` made from ``images``.

    ``"label"`` returns the images and ``labels``; ``"rotation"`` turns each
    image by a random number of quarter turns (the target); ``"augmentation"``
    applies one of ``AUGMENTATIONS`` at random to each image (the target is
    its index; pixel values clipped to [0, 1]).

    >>> x, turns = factor_dataset("rotation", np.zeros((6, 8, 8, 1)), np.zeros(6), seed=0)
    >>> x.shape, bool(turns.min() >= 0 and turns.max() <= 3)
    ((6, 8, 8, 1), True)
    """
    from keras import ops

    from keras_recipes.representation.pretext_rotation import rotate_quarter_turns

    x = np.asarray(images, dtype="float32")
    rng = np.random.default_rng(seed)
    if factor == "label":
        return x, np.asarray(labels)
    if factor == "rotation":
        turns = rng.integers(0, 4, size=len(x))
        return rotate_quarter_turns(x, turns).astype("float32"), turns.astype("int64")
    if factor == "augmentation":
        kinds = rng.integers(0, len(AUGMENTATIONS), size=len(x))
        out = x.copy()
        for k, kind in enumerate(AUGMENTATIONS[1:], start=1):
            chosen = kinds == k
            if chosen.any():
                done = _augmentation_layer(kind, seed + k)(x[chosen], training=True)
                out[chosen] = np.clip(ops.convert_to_numpy(done), 0.0, 1.0)
        return out, kinds.astype("int64")
    raise ValueError(f"factor must be one of {list(FACTORS)}; received: factor={factor!r}")


@dataclass(frozen=True)
class ProbingResult:
    """What ``probe_factors`` returns.

    Attributes:
        stages: probed layer names, input side first (the bottleneck last).
        factors: the probed factors.
        accuracy: ``{factor: held-out accuracy per stage}``.
        chance: ``{factor: accuracy of always guessing the commonest value}``.

    >>> result = ProbingResult(("block1", "bottleneck"), ("label",), {"label": (0.5, 0.9)}, {"label": 0.1})
    >>> [round(a, 2) for a in result.above_chance("label")]
    [0.4, 0.8]
    """

    stages: tuple
    factors: tuple
    accuracy: dict
    chance: dict

    def above_chance(self, factor):
        """Per-stage held-out accuracy of ``factor`` minus its chance level."""
        return tuple(a - self.chance[factor] for a in self.accuracy[factor])

    def table(self):
        """One line per stage, one column per factor (held-out linear-probe accuracy), chance last."""
        width = max(8, *(len(f) for f in self.factors))
        lines = [f"{'stage':<24} " + " ".join(f"{f:>{width}}" for f in self.factors)]
        for i, stage in enumerate(self.stages):
            lines.append(f"{stage:<24} " + " ".join(f"{self.accuracy[f][i]:>{width}.3f}" for f in self.factors))
        lines.append(f"{'(chance)':<24} " + " ".join(f"{self.chance[f]:>{width}.3f}" for f in self.factors))
        return "\n".join(lines)

    def plot(self, path=None, title=None):
        """Accuracy above chance per stage, one line per factor; a ``Figure``."""
        from matplotlib.figure import Figure

        fig = Figure(figsize=(6, 3.4), layout="constrained")
        ax = fig.subplots()
        x = np.arange(len(self.stages))
        for factor in self.factors:
            ax.plot(x, self.above_chance(factor), marker="o", label=factor)
        ax.axhline(0, color="gray", ls="--", lw=1)
        ax.set_xticks(x, self.stages, rotation=20, ha="right", fontsize="small")
        ax.set_ylabel("probe accuracy - chance")
        ax.set_title(title or "What each stage encodes (linear probes per factor)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small")
        return save_figure(fig, path)


def probe_factors(bundle, images, labels, *, factors=FACTORS, stages=None, test_fraction=0.3,
                  regularization=1.0, seed=0):
    """Linear probes for each factor at each stage of a frozen encoder; a table per stage.

    The probing paper's recipe (seed 001, x-vectors) on images. The encoder
    is not changed: ``keras_recipes.probes.linear_probes`` computes its
    activations once per factor and fits a logistic regression per stage.

    Args:
        bundle: a ``ModelBundle`` (or an encoder ``keras.Model``).
        images: ``(N, H, W, C)`` images in [0, 1]; square for ``"rotation"``.
        labels: ``(N,)`` integer labels (used by the ``"label"`` factor).
        factors: names from ``FACTORS`` (default all three).
        stages: layer names to probe; default every stage of
            ``probes.encoder_stages`` plus the bottleneck (the encoder's output).
        test_fraction: share of each probing set held out, in (0, 1) (0.3).
        regularization: the probes' inverse L2 strength ``C`` (1.0).
        seed: seed of the rotations, augmentations and the split (0).
    Returns:
        a ``ProbingResult``.

    >>> from keras_recipes.zoo import vgg
    >>> images, labels = np.random.default_rng(0).random((40, 8, 8, 1)).astype("float32"), np.arange(40) % 2
    >>> result = probe_factors(vgg(input_shape=(8, 8, 1), width=4, depth=(1,)), images, labels, factors="label")
    >>> result.factors, len(result.stages), result.stages[-1]
    (('label',), 3, 'bottleneck')
    """
    import keras
    from sklearn.model_selection import train_test_split

    from keras_recipes.probes import encoder_stages, linear_probes
    from keras_recipes.representation._pretext import unlabelled_images

    encoder = bundle if isinstance(bundle, keras.Model) else require_bundle("bundle", bundle).encoder
    x = unlabelled_images("images", images)
    y = np.asarray(labels).reshape(-1)
    if len(y) != len(x):
        raise ValueError(f"labels must hold one label per image; received {len(x)} images and {len(y)} labels")
    factors = (factors,) if isinstance(factors, str) else tuple(factors)
    if not factors or any(f not in FACTORS for f in factors):
        raise ValueError(f"factors must be a non-empty list of {list(FACTORS)}; received: factors={factors!r}")
    if not 0 < require_rate("test_fraction", test_fraction) < 1:
        raise ValueError(f"test_fraction must be in (0, 1); received: test_fraction={test_fraction!r}")
    if stages is None:
        stages = list(encoder_stages(encoder))
        if encoder.layers[-1].name not in stages:
            stages.append(encoder.layers[-1].name)
    accuracy, chance = {}, {}
    for i, factor in enumerate(factors):
        fx, fy = factor_dataset(factor, x, y, seed=seed + i)
        x_train, x_test, y_train, y_test = train_test_split(fx, fy, test_size=test_fraction, random_state=seed,
                                                            stratify=fy)
        result = linear_probes(encoder, (x_train, y_train), (x_test, y_test), stages=stages,
                               regularization=regularization)
        accuracy[factor], chance[factor] = tuple(result.accuracy), result.chance
    return ProbingResult(stages=tuple(stages), factors=factors, accuracy=accuracy, chance=chance)

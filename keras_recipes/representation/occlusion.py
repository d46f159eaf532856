"""A6 Essential Feature Learning (Occlusion): overlay natural objects during full training.

The slide: during full training on real data, overlay natural objects that
hide part of the object being recognised, so the network learns the
essential features rather than any one stroke. Three arms from the same
initial weights, the same batches and the same number of steps:

* ``plain``: no augmentation;
* ``occlusion (A6)``: every epoch a fresh ``rate`` share of the training
  digits gets an occluder cut from photograph 0 (``datasets.occlude``);
* ``RandomErasing``: Keras's ``RandomErasing`` (random rectangles of noise;
  told ``value_range=(0, 1)``, our data's range, not its default 0-255).

All are scored on the clean test digits and on the same test digits occluded
by objects cut from the *other* photograph (held-out occluders).

>>> OcclusionResult({"plain": {"clean": 0.95, "occluded": 0.6},
...                  "occlusion (A6)": {"clean": 0.95, "occluded": 0.75}}).gain()
0.15
"""

from dataclasses import dataclass

import keras
import numpy as np

from keras_recipes.checks import require_positive_int, require_rate
from keras_recipes.representation._arms import ArmAccuracies

ARMS = ("plain", "occlusion (A6)", "RandomErasing")


@dataclass
class OcclusionResult(ArmAccuracies):
    """Clean and occluded test accuracy per arm of ``occlusion_training``.

    Attributes:
        rows: ``{arm: {"clean": accuracy, "occluded": accuracy}}``.

    >>> result = OcclusionResult({"plain": {"clean": 0.95, "occluded": 0.6},
    ...                           "RandomErasing": {"clean": 0.95, "occluded": 0.7}})
    >>> round(result.gain("RandomErasing"), 3)
    0.1
    """

    rows: dict
    KINDS = ("clean", "occluded")
    LABELS = {}
    TITLE = "A6 essential feature learning (occlusion)"

    def gain(self, arm="occlusion (A6)"):
        """Occluded-test accuracy of ``arm`` minus plain training's."""
        return round(self.rows[arm]["occluded"] - self.rows["plain"]["occluded"], 10)


def random_erasing(rate, seed):
    """``augment(x, epoch)`` applying ``keras.layers.RandomErasing`` (value_range (0, 1)) to a ``rate`` share.

    >>> erase = random_erasing(0.5, seed=0)
    >>> out = erase(np.ones((4, 8, 8, 1), "float32"), 0)
    >>> out.shape, bool(out.min() >= 0.0 and out.max() <= 1.0)
    ((4, 8, 8, 1), True)
    """
    from keras_recipes.augment import seeded_augment

    erase = seeded_augment(keras.layers.RandomErasing(factor=(rate, rate), value_range=(0, 1), seed=seed))
    return lambda x, epoch: np.clip(np.asarray(erase(x, seed * 1000 + epoch)), 0.0, 1.0)


def occlusion_training(data=None, *, arms=ARMS, coverage=0.25, rate=0.5, epochs=10, learning_rate=3e-3, width=16,
                       batch_size=32, seed=0, verbose=0):
    """Diagram A6 against plain training and Keras's ``RandomErasing``; an ``OcclusionResult``.

    ```python
    result = occlusion_training(coverage=0.25, rate=0.5)
    print(result.table()); result.plot()
    ```

    The smallest call still trains two networks (seconds):

    >>> result = occlusion_training(arms=("plain", "occlusion (A6)"), epochs=1, width=4)  # doctest: +SKIP
    >>> result.gain()  # doctest: +SKIP

    Args:
        data: a ``Splits`` (default ``load_digits(image_size=16, seed=seed)``).
        arms: which of ``ARMS`` to train (all three).
        coverage: occluder box area as a share of the image, in (0, 1) (0.25),
            in training and in the occluded test set.
        rate: share of training images occluded (or erased) each epoch (0.5).
        epochs, learning_rate, batch_size: training (10, 3e-3, 32).
        width: filters of the network's first group (16).
        seed: data, initial weights, order and occluders (0).
    """
    from keras_recipes.datasets import load_digits, occlude
    from keras_recipes.representation._training import accuracy, default_bundle, fit_epochs

    arms = tuple(arms)
    for arm in arms:
        if arm not in ARMS:
            raise ValueError(f"arms entries must be among {list(ARMS)}; received: {arm!r}")
    if "plain" not in arms:
        raise ValueError(f"arms must include 'plain' (the baseline); received: arms={arms!r}")
    require_rate("coverage", coverage)
    require_rate("rate", rate, closed=True)
    require_positive_int("epochs", epochs)
    data = load_digits(image_size=16, seed=seed) if data is None else data
    (x, y), (x_test, y_test) = data.arrays["train"], data.arrays["test"]
    occluded_test = occlude(x_test, coverage=coverage, rate=1.0, photo=1, seed=[seed, 10**6])
    augments = {
        "plain": None,
        "occlusion (A6)": lambda images, epoch: occlude(images, coverage=coverage, rate=rate, photo=0,
                                                        seed=[seed, epoch]),
        "RandomErasing": random_erasing(rate, seed),
    }
    rows = {}
    for arm in arms:
        bundle = default_bundle(x.shape[1:], data.num_classes, width=width, seed=seed)
        fit_epochs(bundle.model, x, y, epochs=epochs, learning_rate=learning_rate, batch_size=batch_size, seed=seed,
                   augment=augments[arm], verbose=verbose)
        rows[arm] = {"clean": accuracy(bundle.model, x_test, y_test),
                     "occluded": accuracy(bundle.model, occluded_test, y_test)}
    return OcclusionResult(rows)

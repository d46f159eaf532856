"""Training callbacks of seeds 000/002: epoch-wise warmup and cosine decay,
snapshot ensembles, and the update/weight ratio monitor.

    >>> from keras_recipes.callbacks import LearningRateWarmup
    >>> cb = LearningRateWarmup(0.1, warmup_epochs=5)
"""

from keras_recipes.callbacks.cosine_decay import LearningRateCosineDecay
from keras_recipes.callbacks.snapshot_ensemble import SnapshotEnsemble, average_predictions
from keras_recipes.callbacks.update_ratio import UpdateRatioMonitor
from keras_recipes.callbacks.warmup import LearningRateWarmup

__all__ = [
    "LearningRateCosineDecay",
    "LearningRateWarmup",
    "SnapshotEnsemble",
    "UpdateRatioMonitor",
    "average_predictions",
]

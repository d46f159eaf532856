"""Training callbacks of seeds 000/002: epoch-wise warmup then decay (diagram A3),
snapshot ensembles, and the update/weight ratio monitor.

Which warmup to use when: see ``keras_recipes.schedules``. An epoch-wise decay
with no warmup needs no class of ours: ``keras.callbacks.LearningRateScheduler(
lambda epoch: float(schedules.cosine_decay(0.1, 30)(epoch)))``.

    >>> from keras_recipes.callbacks import LearningRateWarmup
    >>> cb = LearningRateWarmup(0.1, warmup_epochs=5)
"""

from keras_recipes.callbacks.snapshot_ensemble import SnapshotEnsemble, average_predictions
from keras_recipes.callbacks.update_ratio import UpdateRatioMonitor
from keras_recipes.callbacks.warmup import LearningRateWarmup

__all__ = [
    "LearningRateWarmup",
    "SnapshotEnsemble",
    "UpdateRatioMonitor",
    "average_predictions",
]

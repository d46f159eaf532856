"""Weight initialisation recipes (theme folder).

Lecture diagrams here, one per module:

* A2 Weight Initialization (Lottery): ``lottery.lottery_init``, draw many,
  pre-train briefly at a tiny rate, keep the lowest loss.
* A3 Weight Initialization (Warmup): ``warmup_init.warmup_init``, one draw,
  the rate stepped up epoch by epoch, then train.
* Seed 004 Glorot / He initialisation, shown by the distribution of
  activations layer by layer: ``activation_stats.activation_statistics``.

    >>> from keras_recipes.initialization import lottery_init, warmup_init
"""

from keras_recipes.initialization.activation_stats import ActivationStats, activation_statistics
from keras_recipes.initialization.lottery import LotteryResult, lottery_init
from keras_recipes.initialization.warmup_init import warmup_init

__all__ = ["ActivationStats", "LotteryResult", "activation_statistics", "lottery_init", "warmup_init"]

"""Weight initialisation recipes (theme folder).

Lecture diagrams here, one per module:

* A2 Weight Initialization (Lottery): ``lottery.lottery_init``, draw many,
  pre-train briefly at a tiny rate, keep the lowest loss.
* A3 Weight Initialization (Warmup): ``warmup_init.warmup_init``, one draw,
  the rate stepped up epoch by epoch, then train.

    >>> from keras_recipes.initialization import lottery_init, warmup_init
"""

from keras_recipes.initialization.lottery import LotteryResult, lottery_init
from keras_recipes.initialization.warmup_init import warmup_init

__all__ = ["LotteryResult", "lottery_init", "warmup_init"]

"""Layers the lectures use that Keras does not ship publicly (building block, one floor down).

One layer per module; each is registered for ``.keras`` saving:

* ``stochastic_depth.StochasticDepth``: drop-path on residual branches
  (regularising layers of the lectures; more to come here).

    >>> from keras_recipes.layers import StochasticDepth
"""

from keras_recipes.layers.stochastic_depth import StochasticDepth

__all__ = ["StochasticDepth"]

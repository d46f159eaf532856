"""Layers the lectures use that Keras does not ship publicly (building block, one floor down).

One layer per module; each is registered for ``.keras`` saving. The
regularising layers of seeds 002 and 004 ("training: add randomness;
testing: marginalise over it"):

* ``stochastic_depth.StochasticDepth``: drop-path on residual branches.
* ``drop_connect.DropConnectDense`` and ``drop_connect_conv2d.DropConnectConv2D``:
  drop random weights (not activations) per batch; inference is the plain layer.
* ``drop_block.DropBlock2D``: drop contiguous blocks of a feature map.
* ``shake_shake.ShakeShake``: random per-example blend of two residual
  branches, another blend in the backward pass (the zoo's
  ``shake_shake_block`` uses it).
* ``fractional_max_pooling.FractionalMaxPooling2D``: pooling by a fractional
  ratio over random regions (TensorFlow only).

    >>> from keras_recipes.layers import DropBlock2D, DropConnectDense, StochasticDepth
"""

from keras_recipes.layers.drop_block import DropBlock2D
from keras_recipes.layers.drop_connect import DropConnectDense, drop_weights
from keras_recipes.layers.drop_connect_conv2d import DropConnectConv2D
from keras_recipes.layers.fractional_max_pooling import FractionalMaxPooling2D
from keras_recipes.layers.shake_shake import ShakeShake
from keras_recipes.layers.stochastic_depth import StochasticDepth

__all__ = ["DropBlock2D", "DropConnectConv2D", "DropConnectDense", "FractionalMaxPooling2D", "ShakeShake",
           "StochasticDepth", "drop_weights"]

"""The model zoo: architectures assembled from stem, learner, bottleneck and task parts.

>>> from keras_recipes.zoo import build, ARCHITECTURES
>>> sorted(ARCHITECTURES)
['mobilenet_v2', 'resnet', 'vgg']
>>> bundle = build("resnet", input_shape=(32, 32, 1), num_classes=10)  # doctest: +SKIP
"""

from keras_recipes.checks import require_choice
from keras_recipes.zoo.inverted_residual import inverted_residual_block, mobilenet_v2
from keras_recipes.zoo.parts import NORMS, POOLING, assemble, bottleneck, conv_bn_act, normalization, stem
from keras_recipes.zoo.plain import vgg, vgg_group
from keras_recipes.zoo.residual import residual_block, resnet
from keras_recipes.zoo.shake_shake import shake_shake_block

ARCHITECTURES = {"vgg": vgg, "resnet": resnet, "mobilenet_v2": mobilenet_v2}


def build(name, **kwargs):
    """Build the architecture called ``name`` with the builder's keyword arguments.

    Raises ``ValueError`` listing the valid names for an unknown one.

    ```python
    bundle = build("mobilenet_v2", input_shape=(32, 32, 3), num_classes=5, width=8)
    ```
    """
    require_choice("name", name, sorted(ARCHITECTURES))
    return ARCHITECTURES[name](**kwargs)


__all__ = [
    "ARCHITECTURES", "POOLING", "assemble", "build", "bottleneck", "conv_bn_act", "stem",
    "vgg", "vgg_group", "resnet", "residual_block", "mobilenet_v2", "inverted_residual_block",
    "NORMS", "normalization", "shake_shake_block",
]

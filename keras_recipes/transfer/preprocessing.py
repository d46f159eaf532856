"""The ImageNet input conventions of ``keras.applications`` as one saveable layer."""

import keras
from keras import ops

from keras_recipes.checks import require_choice

# mode -> (per-channel mean, per-channel std) applied after the channel order is fixed
IMAGENET_MEAN_BGR = (103.939, 116.779, 123.68)
IMAGENET_MEAN_RGB = (0.485, 0.456, 0.406)
IMAGENET_STD_RGB = (0.229, 0.224, 0.225)
MODES = ("caffe", "tf", "torch", "none")


@keras.saving.register_keras_serializable(package="keras_recipes")
class ImagenetPreprocessing(keras.layers.Layer):
    """Map [0, 255] RGB images to what a ``keras.applications`` backbone expects.

    Diagram A1 (Transfer Learning): a transferred stem only works if its
    input looks like what it was trained on. ``keras.applications`` ships
    this as ``preprocess_input`` *functions*; wrapped in a ``Lambda`` layer
    they cannot be reloaded from ``.keras`` without ``safe_mode=False``.
    This layer puts the same arithmetic inside the model, serializably:

    * ``"caffe"`` (VGG, ResNet v1): RGB -> BGR, subtract the ImageNet mean.
    * ``"tf"`` (MobileNet, MobileNetV2, ResNetV2, Xception, Inception,
      NASNet): scale to [-1, 1].
    * ``"torch"`` (DenseNet): scale to [0, 1], normalise by the ImageNet
      mean and standard deviation.
    * ``"none"``: identity (EfficientNet, ConvNeXt and MobileNetV3 carry
      their own preprocessing and take [0, 255]).

    ```python
    import numpy as np
    layer = ImagenetPreprocessing("tf")
    layer(np.full((1, 2, 2, 3), 255.0, "float32"))   # all ones
    ```

    Args:
        mode: one of ``"caffe"``, ``"tf"``, ``"torch"``, ``"none"``.
    """

    def __init__(self, mode, **kwargs):
        super().__init__(**kwargs)
        self.mode = require_choice("mode", mode, MODES)

    def call(self, inputs):
        x = ops.cast(inputs, self.compute_dtype)
        if self.mode == "caffe":
            return ops.flip(x, axis=-1) - ops.convert_to_tensor(IMAGENET_MEAN_BGR, x.dtype)
        if self.mode == "tf":
            return x / 127.5 - 1.0
        if self.mode == "torch":
            mean = ops.convert_to_tensor(IMAGENET_MEAN_RGB, x.dtype)
            std = ops.convert_to_tensor(IMAGENET_STD_RGB, x.dtype)
            return (x / 255.0 - mean) / std
        return x

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}

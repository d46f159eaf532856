"""Backbones by name: any ``keras.applications`` network, or a zoo bundle, as a ModelBundle."""

import os

import keras

from keras_recipes.bundle import ModelBundle
from keras_recipes.checks import require_choice, require_positive_int
from keras_recipes.transfer.adapters import adapt_input
from keras_recipes.transfer.preprocessing import ImagenetPreprocessing
from keras_recipes.zoo.parts import POOLING, bottleneck, resolve_task


def _family(mode, min_size, *names):
    return {name: (mode, min_size) for name in names}


# keras.applications name -> (ImagenetPreprocessing mode, smallest input side it accepts)
APPLICATIONS = {
    **_family("caffe", 32, "VGG16", "VGG19", "ResNet50", "ResNet101", "ResNet152"),
    **_family("tf", 32, "ResNet50V2", "ResNet101V2", "ResNet152V2", "MobileNet",
              "MobileNetV2", "NASNetMobile", "NASNetLarge"),
    **_family("tf", 71, "Xception"),
    **_family("tf", 75, "InceptionV3", "InceptionResNetV2"),
    **_family("torch", 32, "DenseNet121", "DenseNet169", "DenseNet201"),
    **_family("none", 32, "MobileNetV3Small", "MobileNetV3Large",
              *(f"EfficientNetB{i}" for i in range(8)),
              *(f"EfficientNetV2{v}" for v in ("B0", "B1", "B2", "B3", "S", "M", "L")),
              *(f"ConvNeXt{v}" for v in ("Tiny", "Small", "Base", "Large", "XLarge"))),
}
REFERENCE = "reference"


class WeightsUnavailableError(RuntimeError):
    """Pretrained weights could not be downloaded (e.g. the machine is offline)."""


def _is_download_failure(error):
    # keras.utils.get_file raises a bare Exception("URL fetch failure on ...")
    return isinstance(error, OSError) or str(error).startswith("URL fetch failure")


def _check_weights(weights):
    if weights in ("imagenet", None):
        return weights
    if not isinstance(weights, (str, os.PathLike)):
        raise TypeError(
            'weights must be "imagenet", None or a path to a weights file; '
            f"received: weights={weights!r}"
        )
    if not os.path.isfile(weights):
        raise FileNotFoundError(
            f'weights file not found: weights={weights!r}; pass "imagenet", None '
            "(random initialisation) or the path of an existing .weights.h5 file"
        )
    return os.fspath(weights)


def _application_base(name, size_hw, weights, kwargs):
    constructor = getattr(keras.applications, name)
    try:
        return constructor(include_top=False, weights=weights,
                           input_shape=(*size_hw, 3), pooling=None, **kwargs)
    except Exception as error:
        if weights == "imagenet" and _is_download_failure(error):
            raise WeightsUnavailableError(
                f"could not download the ImageNet weights of {name} (is this machine "
                f"offline?): {error}. Pass weights=None for random initialisation, "
                "weights='/path/to/file.weights.h5' for a local copy, or use the "
                "shipped backbone('reference')."
            ) from error
        raise


def backbone(name, input_shape=(224, 224, 3), num_classes=None, *, task=None,
             weights="imagenet", pooling="avg", image_size=None, max_pixel=1.0,
             **application_kwargs):
    """A pretrained network with a new task at its bottleneck, as a ModelBundle.

    Diagram A1 (Transfer Learning): transferred stem and learner ->
    bottleneck -> new task. ``name`` is one of three things:

    * a ``keras.applications`` name (``"VGG16"``, ``"ResNet50"``,
      ``"MobileNetV2"``, ``"EfficientNetB0"``, ``"Xception"``,
      ``"ConvNeXtTiny"``, ... see ``APPLICATIONS``). The encoder is
      input adapter (channel repeat, resize, scale to [0, 255]) ->
      the architecture's own preprocessing (``ImagenetPreprocessing``) ->
      the network without its top -> ``pooling``. All of it lives inside
      the model, so ``bundle.model`` takes your images as they are and
      saves to ``.keras`` whole.
    * ``"reference"``: the small backbone this package ships, pretrained on
      digits 0-4 (``load_reference_backbone``); ``input_shape``,
      ``weights``, ``pooling`` and ``image_size`` do not apply.
    * a ``ModelBundle`` (e.g. from ``keras_recipes.zoo``): its encoder,
      same weights, with the new task.

    ```python
    from keras_recipes.transfer import backbone
    # digits (32x32, grayscale, [0, 1]) into MobileNetV2; offline, so no ImageNet weights
    bundle = backbone("MobileNetV2", input_shape=(32, 32, 1), num_classes=5,
                      weights=None, alpha=0.35)
    shipped = backbone("reference", num_classes=5)
    ```

    Args:
        name: application name, ``"reference"`` or a ``ModelBundle``.
        input_shape: (height, width, channels) of *your* images; 1 channel
            is repeated to 3.
        num_classes: shortcut for ``task=Classifier(num_classes)`` (10 if
            neither is given).
        task: a Task or a dict of named Tasks.
        weights: ``"imagenet"`` (downloaded; offline this raises
            ``WeightsUnavailableError`` saying what to pass instead),
            ``None`` (random) or a path to a weights file.
        pooling: ``"avg"`` (default), ``"max"``, ``"flatten"`` or ``None``
            (the last convolution's activation is the bottleneck).
        image_size: resize images to this square side inside the model;
            needed when the input is smaller than the architecture accepts.
        max_pixel: the largest value of your images (1.0 for [0, 1] data,
            255.0 for raw bytes); they are scaled to [0, 255] first.
        **application_kwargs: passed to the application (e.g. ``alpha=``).
    Returns:
        a ``ModelBundle``; the application is a nested model inside
        ``bundle.encoder`` under its own name (e.g. ``"mobilenetv2_0.35_32"``).
    """
    task = resolve_task(task, num_classes)
    if isinstance(name, ModelBundle):
        return name.with_task(task)
    if name == REFERENCE:
        from keras_recipes.transfer.reference import load_reference_backbone

        return load_reference_backbone().with_task(task)
    if not isinstance(name, str):
        raise TypeError(
            "name must be a keras.applications name, 'reference' or a ModelBundle; "
            f"received: name={name!r}"
        )
    require_choice("name", name, sorted(APPLICATIONS) + [REFERENCE])
    mode, min_size = APPLICATIONS[name]
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3:
        raise ValueError(
            f"input_shape must be (height, width, channels); received: input_shape={input_shape!r}"
        )
    for dim in input_shape:
        require_positive_int("input_shape entries", dim)
    if image_size is not None:
        require_positive_int("image_size", image_size)
    require_choice("pooling", pooling, POOLING)
    if not max_pixel > 0:
        raise ValueError(f"max_pixel must be > 0; received: max_pixel={max_pixel!r}")
    weights = _check_weights(weights)
    size_hw = (image_size, image_size) if image_size else tuple(input_shape[:2])
    if min(size_hw) < min_size:
        raise ValueError(
            f"{name} needs images of at least {min_size}x{min_size} pixels; received "
            f"input_shape={tuple(input_shape)}"
            + (f", image_size={image_size}" if image_size else "")
            + f". Pass image_size={min_size} (or more) to resize inside the model."
        )

    inputs = keras.Input(shape=tuple(input_shape), name="image")
    x = adapt_input(inputs, channels=3, size=image_size, scale=255.0 / max_pixel)
    x = ImagenetPreprocessing(mode, name="preprocessing")(x)
    base = _application_base(name, size_hw, weights, application_kwargs)
    encoder = keras.Model(inputs, bottleneck(base(x), pooling), name="encoder")
    return ModelBundle.assemble(encoder, task, name=name.lower())

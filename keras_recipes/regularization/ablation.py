"""The regularisers side by side on one small problem (seed 002 "Regularization: summary")."""

import keras

from keras_recipes.bundle import ModelBundle
from keras_recipes.checks import require_choice, require_positive_int
from keras_recipes.layers import DropBlock2D, DropConnectDense
from keras_recipes.regularization.pipeline import train_regularized
from keras_recipes.regularization.result import Comparison
from keras_recipes.tasks import Classifier
from keras_recipes.zoo import conv_bn_act, residual_block, shake_shake_block, stem

# What each arm changes: the architecture (a layer), the loss, the optimiser or the data pipeline.
MODEL_ARMS = {"dropout", "l2", "dropconnect", "dropblock", "stochastic_depth", "shake_shake"}
TRAINING_ARMS = {
    "weight_decay": {"weight_decay": 0.05},
    "mixup": {"mixup": 0.2},
    "cutmix": {"cutmix": 1.0},
    "label_smoothing": {"label_smoothing": 0.1},
    "randaugment": {"randaugment": True},
}
REGULARIZERS = ("none", "dropout", "l2", "weight_decay", "mixup", "cutmix", "label_smoothing", "randaugment",
                "dropconnect", "dropblock", "stochastic_depth", "shake_shake")
L2 = 5e-4


def small_convnet(regularizer="none", input_shape=(8, 8, 1), num_classes=10, width=16, seed=0):
    """A small residual convnet for 8x8 digits, with one architectural regulariser switched on.

    stem -> residual block (or a shake-shake block) -> [DropBlock] -> strided
    conv -> global average pool -> dense 4*width [DropConnect] -> [Dropout]
    -> softmax. The arms that change the model:

    * ``"dropout"``: ``Dropout(0.3)`` before the classifier;
    * ``"l2"``: an L2 penalty ``5e-4 * sum(w**2)`` on every kernel;
    * ``"dropconnect"``: the dense layer is ``DropConnectDense(rate=0.3)``;
    * ``"dropblock"``: ``DropBlock2D(rate=0.1, block_size=3)`` after the block;
    * ``"stochastic_depth"``: the residual branch dropped with probability 0.2;
    * ``"shake_shake"``: the block is ``zoo.shake_shake_block``.

    Any other name in ``REGULARIZERS`` builds the plain network (the arm is
    in the training, see ``compare_regularizers``).

    >>> small_convnet("dropblock", width=4).encoder.get_layer("dropblock").block_size
    3

    Args:
        regularizer: one of ``REGULARIZERS``. Default "none".
        input_shape: (height, width, channels). Default (8, 8, 1).
        num_classes: classes of the softmax. Default 10.
        width: filters of the first block, doubled after it. Default 16.
        seed: seed of the initial weights and of the random layers. Default 0.
    Returns:
        a ``ModelBundle`` whose bottleneck is the dense layer's output.
    """
    require_choice("regularizer", regularizer, REGULARIZERS)
    width = require_positive_int("width", width)
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(input_shape, name="image")
    x = stem(inputs, width)
    if regularizer == "shake_shake":
        x = shake_shake_block(x, width, seed=seed, name="block")
    else:
        x = residual_block(x, width, drop_rate=0.2 if regularizer == "stochastic_depth" else 0.0, name="block")
    if regularizer == "dropblock":
        x = DropBlock2D(rate=0.1, block_size=3, seed=seed, name="dropblock")(x)
    x = conv_bn_act(x, 2 * width, strides=2, name="down")
    x = keras.layers.GlobalAveragePooling2D(name="pool")(x)
    if regularizer == "dropconnect":
        x = DropConnectDense(4 * width, rate=0.3, seed=seed, activation="relu", name="dense")(x)
    else:
        x = keras.layers.Dense(4 * width, activation="relu", name="dense")(x)
    encoder = keras.Model(inputs, x, name="encoder")
    task = Classifier(num_classes, dropout=0.3 if regularizer == "dropout" else 0.0)
    bundle = ModelBundle.assemble(encoder, task, name=f"small_convnet_{regularizer}")
    if regularizer == "l2":
        bundle = _with_l2(bundle, task)
    return bundle


def _with_l2(bundle, task):
    """The same network with ``L2`` on every kernel (Keras sets regularisers at construction: clone)."""
    def add_penalty(layer):
        config = layer.get_config()
        if "kernel_regularizer" in config:
            config["kernel_regularizer"] = keras.regularizers.L2(L2)
        return layer.__class__.from_config(config)

    model = keras.models.clone_model(bundle.model, clone_function=add_penalty, recursive=True)
    model.set_weights(bundle.model.get_weights())
    return ModelBundle.from_model(model)


def compare_regularizers(splits, regularizers=REGULARIZERS, *, epochs=30, width=16, seed=0, verbose=0):
    """Train ``small_convnet`` once per regulariser, identically otherwise; test accuracy of each.

    Every arm starts from the same seed (same initial weights where the
    architecture is the same, same data order) and trains for the same
    epochs with Adam at 1e-3. Arms: ``REGULARIZERS`` (the training arms use
    ``weight_decay=0.05`` with AdamW, ``mixup=0.2``, ``cutmix=1.0``,
    ``label_smoothing=0.1``, ``randaugment=True``).

    >>> from keras_recipes.datasets import load_digits
    >>> result = compare_regularizers(load_digits(), ("none", "mixup"), epochs=1, width=4)  # doctest: +SKIP
    >>> print(result.table())  # doctest: +SKIP

    Args:
        splits: ``datasets.Splits`` of images matching ``input_shape`` (8x8 digits by default).
        regularizers: names from ``REGULARIZERS``; must include "none". Default all.
        epochs: training epochs per arm. Default 30.
        width: ``small_convnet`` width. Default 16.
        seed: seed of every arm. Default 0.
        verbose: Keras verbosity. Default 0.
    Returns:
        a ``Comparison`` (baseline "none"; columns test ``accuracy`` and ``validation``).
    """
    regularizers = tuple(regularizers)
    for name in regularizers:
        require_choice("regularizers entries", name, REGULARIZERS)
    if "none" not in regularizers:
        raise ValueError(f"regularizers must include 'none' (the baseline); received: regularizers={regularizers!r}")
    rows = {}
    for name in regularizers:
        keras.backend.clear_session()
        bundle = small_convnet(name if name in MODEL_ARMS else "none", splits.input_shape, splits.num_classes,
                               width, seed)
        run = train_regularized(bundle, splits, epochs=epochs, seed=seed, verbose=verbose,
                                **TRAINING_ARMS.get(name, {}))
        rows[name] = {"accuracy": run.test_accuracy, "validation": run.validation_accuracy}
    return Comparison("regularisers on one small problem (test accuracy)", rows, baseline="none")

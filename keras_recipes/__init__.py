"""keras_recipes: Keras 3 functional-API recipes for the lectures on training deep networks.

Importing the package is cheap: TensorFlow, Keras, KerasTuner, TFDS and
matplotlib load only when a name that needs them is first used.

    >>> import keras_recipes as kr
    >>> bundle = kr.resnet(input_shape=(32, 32, 1), num_classes=10)  # doctest: +SKIP
    >>> bundle.encoder, bundle.head, bundle.model                    # doctest: +SKIP
"""

import importlib

__version__ = "0.1.0"

# public name -> module that defines it (loaded on first access, PEP 562)
_LAZY = {
    "ModelBundle": "keras_recipes.bundle",
    "Classifier": "keras_recipes.tasks",
    "Regressor": "keras_recipes.tasks",
    "FeatureCache": "keras_recipes.cache",
    "train_head_on_cache": "keras_recipes.cache",
    "StochasticDepth": "keras_recipes.layers",
    "vgg": "keras_recipes.zoo",
    "resnet": "keras_recipes.zoo",
    "mobilenet_v2": "keras_recipes.zoo",
    "build": "keras_recipes.zoo",
    "ARCHITECTURES": "keras_recipes.zoo",
    "check_dataset": "keras_recipes.checks",
    "schedules": "keras_recipes.schedules",
    "callbacks": "keras_recipes.callbacks",
    "LearningRateWarmup": "keras_recipes.callbacks",
    "SnapshotEnsemble": "keras_recipes.callbacks",
    "UpdateRatioMonitor": "keras_recipes.callbacks",
    "average_predictions": "keras_recipes.callbacks",
    "find_learning_rate": "keras_recipes.trials.lr_finder",
    "check_initial_loss": "keras_recipes.trials.sanity",
    "overfit_small_sample": "keras_recipes.trials.sanity",
    "linear_scaling": "keras_recipes.schedules.scaling",
    "plot_schedule": "keras_recipes.plots",
    "plot_history": "keras_recipes.plots",
    "plot_bundle": "keras_recipes.plots",
    "datasets": "keras_recipes.datasets",
    "fast_mode": "keras_recipes.settings",
    "load_bundle": "keras_recipes.saving",
    "register_custom_objects": "keras_recipes.saving",
    "transfer": "keras_recipes.transfer",
    "backbone": "keras_recipes.transfer",
    "fine_tune": "keras_recipes.transfer",
    "initialization": "keras_recipes.initialization",
    "diagnostics": "keras_recipes.diagnostics",
    "augment": "keras_recipes.augment",
    "tuning": "keras_recipes.tuning",
    "guided_search": "keras_recipes.tuning",
    "BundleHyperModel": "keras_recipes.tuning",
    "narrow_space": "keras_recipes.tuning",
    "lottery_init": "keras_recipes.initialization.lottery",
    "warmup_init": "keras_recipes.initialization.warmup_init",
}

__all__ = sorted(_LAZY)


def __getattr__(name):
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'keras_recipes' has no attribute {name!r}")
    module = importlib.import_module(module_name)
    # a folder exported whole ("schedules") is the module; a function named like its module
    # ("warmup_init" in initialization/warmup_init.py) is the function
    value = module if module_name == f"{__name__}.{name}" else getattr(module, name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))

"""Load saved recipes: register this package's custom objects, then ``load_model``.

Keras finds a custom class at load time only if the module that registers it
has been imported. ``keras.saving.load_model`` alone does not know which of
ours a file needs, so ``load_bundle`` imports them all first.
"""

import importlib

# Modules whose import registers keras_recipes layers, losses, schedules, ...
CUSTOM_OBJECT_MODULES = (
    "keras_recipes.layers",
    "keras_recipes.schedules",
    "keras_recipes.transfer",
    "keras_recipes.data_centric.adversarial_debiasing",
    "keras_recipes.label_efficient.consistency",
    "keras_recipes.label_efficient.distillation",
    "keras_recipes.label_efficient.structured",
    "keras_recipes.optimizers",
    "keras_recipes.augment.invariance_batch",
    "keras_recipes.representation.coral",
    "keras_recipes.representation",
    "keras_recipes.multitask",
    "keras_recipes.multitask.gated_fusion",
    "keras_recipes.multitask.modality_dropout",
    "keras_recipes.multitask.multiplicative_merge",
)


def register_custom_objects():
    """Import every module that registers a ``keras_recipes>`` serializable."""
    for name in CUSTOM_OBJECT_MODULES:
        importlib.import_module(name)


def load_bundle(path, **load_kwargs):
    """Load a ``.keras`` file saved from ``bundle.model`` and recover its three doors.

    ```python
    bundle.model.save("digits.keras")
    again = load_bundle("digits.keras")   # .model, .encoder, .head
    ```
    """
    import keras

    from keras_recipes.bundle import ModelBundle

    register_custom_objects()
    return ModelBundle.from_model(keras.saving.load_model(path, **load_kwargs))

"""The recipe catalogue: lecture diagram -> function -> notebook.

``keras-recipes list`` prints it and the README's diagram table mirrors it
(a test keeps the two in step). Only recipes that work are listed.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Recipe:
    diagram: str
    functions: str
    notebook: str


RECIPES = (
    Recipe(
        "A1 Transfer Learning: stem -> learner -> bottleneck -> task, three doors",
        "keras_recipes.ModelBundle, zoo.vgg / zoo.resnet / zoo.mobilenet_v2, tasks.Classifier / Regressor",
        "notebooks/00_model_bundles.ipynb",
    ),
    Recipe(
        "Bottleneck features (seeds 001/003): input -> bottleneck once, train the task on saved features",
        "keras_recipes.FeatureCache (extract / dataset / info / clear), keras_recipes.train_head_on_cache",
        "notebooks/03_bottleneck_caching.ipynb",
    ),
)

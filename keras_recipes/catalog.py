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
        "A1 Transfer Learning: pretrained backbone, freeze, new task, fine-tune (seeds 001-003)",
        "transfer.backbone / load_reference_backbone, transfer.freeze / unfreeze, "
        "transfer.fine_tune (train_head, train_top), transfer.LayerwiseOptimizer",
        "notebooks/01_transfer_learning.ipynb",
    ),
)

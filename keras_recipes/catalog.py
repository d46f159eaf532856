"""The recipe catalogue: lecture diagram -> function -> notebook.

``keras-recipes list`` prints it, and the README's diagram table is generated
from it (``keras-recipes list --markdown``; a test compares every column).
Only recipes that work are listed.
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
        "A1 Transfer Learning: pretrained backbone, freeze, new task, fine-tune (seeds 001-003), decision table",
        "transfer.backbone / load_reference_backbone, transfer.freeze / unfreeze, "
        "transfer.fine_tune (train_head, train_top), transfer.LayerwiseOptimizer",
        "notebooks/01_transfer_learning.ipynb",
    ),
    Recipe(
        "Seed 004 warmup and the linear scaling rule: step the rate up each epoch or batch, then decay",
        "callbacks.LearningRateWarmup (per epoch or batch, cosine hand-over), schedules.Warmup, "
        "schedules.cosine_decay(warmup_steps=), schedules.linear_scaling",
        "notebooks/02_learning_rate_schedules.ipynb",
    ),
    Recipe(
        "Seed 002/004 learning-rate schedules: step, cosine, linear, inverse sqrt, constant, restarts, one-cycle, cyclical",
        "schedules.* (LearningRateSchedule), plots.plot_schedule",
        "notebooks/02_learning_rate_schedules.ipynb",
    ),
    Recipe(
        "Seed 002 snapshot ensembles and Polyak averaging",
        "callbacks.SnapshotEnsemble + average_predictions; optimizer use_ema=True + keras.callbacks.SwapEMAWeights",
        "notebooks/02_learning_rate_schedules.ipynb",
    ),
    Recipe(
        "Seed 002 tuning recipe steps 1-3: initial loss ~ log C, overfit a small sample, LR finder, update/weight ratio",
        "diagnostics.check_initial_loss, diagnostics.overfit_small_sample, diagnostics.find_learning_rate, callbacks.UpdateRatioMonitor",
        "notebooks/02_learning_rate_schedules.ipynb",
    ),
    Recipe(
        "Bottleneck features (seeds 001/003): input -> bottleneck once, train the task on saved features",
        "cache.FeatureCache (extract / info / clear; CachedFeatures.dataset), cache.train_head_on_cache, "
        "keras-recipes cache info / clear",
        "notebooks/03_bottleneck_caching.ipynb",
    ),
    Recipe(
        "A8 Automatic (Guided) Hyperparameter Tuning: random/Bayesian round, then narrowed rounds (beam)",
        "tuning.guided_search, tuning.BundleHyperModel, tuning.Int/Float/Choice/Fixed, tuning.narrow_space, "
        "tuning.distributed (KerasTuner chief/workers)",
        "notebooks/04_guided_hyperparameter_search.ipynb",
    ),
    Recipe(
        "A2 Weight Initialization (Lottery): N draws, brief tiny-rate pre-training, lowest loss wins",
        "initialization.lottery_init (table + plot of the draws, NaN draws dropped)",
        "notebooks/05_weight_initialization.ipynb",
    ),
    Recipe(
        "A3 Weight Initialization (Warmup): one draw, rate stepped up each epoch, then train",
        "initialization.warmup_init (on callbacks.LearningRateWarmup, see notebook 02)",
        "notebooks/05_weight_initialization.ipynb",
    ),
    Recipe(
        "A9 Knowledge Distillation: teacher soft labels (temperature) + hard labels train a compact student",
        "label_efficient.distill / make_distiller (keras.distillation.Distiller, KLDivergence() soft loss), "
        "CachedDistiller + cached_teacher_logits, HintDistiller (FeatureDistillation + learned projection)",
        "notebooks/20_knowledge_distillation.ipynb",
    ),
    Recipe(
        "A10 Data Denoising (Weakly Supervised): weak-learner ensemble on noisy labels, fine-tuned on good labels, "
        "relabels the noisy data; a strong model trains on good + less-noisy data",
        "label_efficient.denoise / relabel (out-of-bag, agreement or confidence rule), datasets.symmetric_noise",
        "notebooks/21_noisy_and_pseudo_labels.ipynb",
    ),
    Recipe(
        "A11 Data Labeling (Self-Supervised): pseudo-labelled + labelled data make a composite training set; repeat",
        "label_efficient.pseudo_label / select_pseudo_labels (confidence threshold, per-class cap)",
        "notebooks/21_noisy_and_pseudo_labels.ipynb",
    ),
    Recipe(
        "Seed 001 Unsupervised Consistency Loss: cross entropy + lambda KL(p(y|x) || p(y|x^)), no back prop "
        "through the clean branch (UDA), and FixMatch",
        "label_efficient.UDA / FixMatch (keras.Model, compute_loss), consistency_loss, semi_supervised_dataset, "
        "augment.views.weak_view / strong_view",
        "notebooks/22_consistency_and_structured_learning.ipynb",
    ),
    Recipe(
        "A16 Neural Structured Learning: a batch and a randomly perturbed copy through the shared model, "
        "soft-label difference added to the loss",
        "label_efficient.StructuredModel (random or adversarial FGSM perturbation), augment.adversarial.fgsm, "
        "datasets.shift_and_scale",
        "notebooks/22_consistency_and_structured_learning.ipynb",
    ),
)


TABLE_HEADER = "| diagram | functions | notebook |\n|---|---|---|"


def markdown_table(recipes=RECIPES):
    """The README's diagram table, one row per recipe: diagram | functions | notebook link.

    >>> markdown_table().splitlines()[0]
    '| diagram | functions | notebook |'
    """
    def cell(text):
        return text.replace("|", "\\|")

    rows = [f"| {cell(r.diagram)} | {cell(r.functions)} | [{r.notebook}]({r.notebook}) |" for r in recipes]
    return "\n".join([TABLE_HEADER, *rows])

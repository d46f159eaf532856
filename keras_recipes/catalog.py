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
        "Seed 001 Active Transfer Learning: uncertainty sampling, diversity sampling with a neural network, ATLAS",
        "data_centric.active_learning (Oracle, learning curves + areas), data_centric.query_strategies "
        "(random, least_confidence, margin, entropy, diversity, k_center_greedy, atlas)",
        "notebooks/30_active_learning.ipynb",
    ),
    Recipe(
        "A12 Data Validation (RL): predictor + data value estimator, selector, reward updates the values",
        "data_centric.dvrl (values per example, noise_detection_auc)",
        "notebooks/31_data_valuation_and_bias.ipynb",
    ),
    Recipe(
        "A14 Unseen Covariant (Surrogate): train without the bias feature, a logistic surrogate predicts it from the score",
        "data_centric.surrogate_check, datasets.make_tabular_bias",
        "notebooks/31_data_valuation_and_bias.ipynb",
    ),
    Recipe(
        "A15 Unseen Covariant (Adversarial): regressor minimises its loss while maximising the adversary's",
        "data_centric.adversarial_debiasing / debiasing_tradeoff, data_centric.GradientReversal",
        "notebooks/31_data_valuation_and_bias.ipynb",
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

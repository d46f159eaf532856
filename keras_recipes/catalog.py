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
        "Transfer Learning: one network, three doors (stem -> learner -> bottleneck -> task) [A1]",
        "keras_recipes.ModelBundle (.plot), zoo.vgg / zoo.resnet / zoo.mobilenet_v2, tasks.Classifier / Regressor, "
        "plots.plot_bundle",
        "notebooks/00_model_bundles.ipynb",
    ),
    Recipe(
        "Transfer Learning: bottleneck caching, frozen layers computed once, the task trained on saved features",
        "cache.FeatureCache (extract / info / clear; CachedFeatures.dataset), cache.train_head_on_cache, "
        "keras-recipes cache info / clear",
        "notebooks/01_bottleneck_caching.ipynb",
    ),
    Recipe(
        "Transfer Learning: freeze, new task on cached bottleneck features, unfreeze the top, fine-tune [A1]",
        "transfer.backbone / load_reference_backbone, transfer.freeze / unfreeze, "
        "transfer.fine_tune (train_head with cache_dir=, train_top), optimizers.DiscriminativeRates",
        "notebooks/02_transfer_learning.ipynb",
    ),
    Recipe(
        "Transfer Learning: the decision table, little/much data x similar/very different data (linear "
        "classifier on top, fine-tune a few / more layers, linear classifiers from different stages) [seed 002]",
        "transfer.train_head, transfer.fine_tune, probes.linear_probes (per-stage linear probes, .table() / .plot())",
        "notebooks/06_transfer_decision_table.ipynb",
    ),
    Recipe(
        "Training Neural Networks II: learning-rate schedules (step, cosine, linear, inverse sqrt, constant, "
        "restarts, one-cycle, cyclical)",
        "schedules.* (LearningRateSchedule), plots.plot_schedule",
        "notebooks/03_learning_rate_schedules.ipynb",
    ),
    Recipe(
        "Training: warmup and the linear scaling rule (step the rate up each epoch or batch, then decay)",
        "callbacks.LearningRateWarmup (per epoch or batch, cosine hand-over), schedules.Warmup, "
        "schedules.cosine_decay(warmup_steps=), schedules.linear_scaling",
        "notebooks/03_learning_rate_schedules.ipynb",
    ),
    Recipe(
        "Training Neural Networks II: snapshot ensembles and Polyak averaging",
        "callbacks.SnapshotEnsemble + average_predictions; optimizer use_ema=True + keras.callbacks.SwapEMAWeights",
        "notebooks/03_learning_rate_schedules.ipynb",
    ),
    Recipe(
        "Training Neural Networks II: initial loss ~ log C, overfit a small sample, LR finder, update/weight ratio",
        "diagnostics.check_initial_loss, diagnostics.overfit_small_sample, diagnostics.find_learning_rate, "
        "callbacks.UpdateRatioMonitor",
        "notebooks/03_learning_rate_schedules.ipynb",
    ),
    Recipe(
        "Automatic (Guided) Hyperparameter Tuning: random/Bayesian round, then narrowed rounds (beam) [A8]",
        "tuning.guided_search, tuning.BundleHyperModel, tuning.Int/Float/Choice/Fixed, tuning.narrow_space, "
        "tuning.distributed (KerasTuner chief/workers)",
        "notebooks/04_guided_hyperparameter_search.ipynb",
    ),
    Recipe(
        "Weight Initialization (Lottery): N draws, brief tiny-rate pre-training, lowest loss wins [A2]",
        "initialization.lottery_init (table + plot of the draws, NaN draws dropped)",
        "notebooks/05_weight_initialization.ipynb",
    ),
    Recipe(
        "Weight Initialization (Warmup): one draw, rate stepped up each epoch, then train [A3]",
        "initialization.warmup_init (on callbacks.LearningRateWarmup, see notebook 03)",
        "notebooks/05_weight_initialization.ipynb",
    ),
    Recipe(
        "Knowledge Distillation: teacher soft labels (temperature) + hard labels train a compact student [A9]",
        "label_efficient.distill / make_distiller (keras.distillation.Distiller, KLDivergence() soft loss), "
        "CachedDistiller + cached_teacher_logits, HintDistiller (FeatureDistillation + learned projection)",
        "notebooks/20_knowledge_distillation.ipynb",
    ),
    Recipe(
        "Data Denoising (Weakly Supervised): weak-learner ensemble on noisy labels, fine-tuned on good labels, "
        "relabels the noisy data; a strong model trains on good + less-noisy data [A10]",
        "label_efficient.denoise / relabel (out-of-bag, agreement or confidence rule), datasets.symmetric_noise",
        "notebooks/21_noisy_and_pseudo_labels.ipynb",
    ),
    Recipe(
        "Data Labeling (Self-Supervised): pseudo-labelled + labelled data make a composite training set; repeat [A11]",
        "label_efficient.pseudo_label / select_pseudo_labels (confidence threshold, per-class cap)",
        "notebooks/21_noisy_and_pseudo_labels.ipynb",
    ),
    Recipe(
        "Unsupervised Consistency Loss: cross entropy + lambda KL(p(y|x) || p(y|x^)), no back prop "
        "through the clean branch (UDA), and FixMatch [seed 001]",
        "label_efficient.UDA / FixMatch (keras.Model, compute_loss), consistency_loss, semi_supervised_dataset, "
        "augment.views.weak_view / strong_view",
        "notebooks/22_consistency_and_structured_learning.ipynb",
    ),
    Recipe(
        "Neural Structured Learning: a batch and a randomly perturbed copy through the shared model, "
        "soft-label difference added to the loss [A16]",
        "label_efficient.StructuredModel (random or adversarial FGSM perturbation), augment.adversarial.fgsm, "
        "datasets.shifts.shift_and_scale",
        "notebooks/22_consistency_and_structured_learning.ipynb",
    ),
    Recipe(
        "Active Transfer Learning: uncertainty sampling, diversity sampling with a neural network, ATLAS [seed 001]",
        "data_centric.active_learning (Oracle, learning curves + areas), data_centric.query_strategies "
        "(random, least_confidence, margin, entropy, diversity, k_center_greedy, atlas)",
        "notebooks/30_active_learning.ipynb",
    ),
    Recipe(
        "Data Validation (RL): predictor + data value estimator, selector, reward updates the values [A12]",
        "data_centric.dvrl (values per example, noise_detection_auc)",
        "notebooks/31_data_valuation_and_bias.ipynb",
    ),
    Recipe(
        "Unseen Covariant (Surrogate): train without the bias feature, a logistic surrogate predicts it from the score [A14]",
        "data_centric.surrogate_check, datasets.make_tabular_bias",
        "notebooks/31_data_valuation_and_bias.ipynb",
    ),
    Recipe(
        "Unseen Covariant (Adversarial): regressor minimises its loss while maximising the adversary's [A15]",
        "data_centric.adversarial_debiasing / debiasing_tradeoff, data_centric.GradientReversal",
        "notebooks/31_data_valuation_and_bias.ipynb",
    ),
    Recipe(
        "Regularization: a common pattern, training: add some randomness, testing: marginalize over it "
        "(DropConnect, Fractional Max Pooling, DropBlock, Stochastic Depth, ShakeShake) [seeds 002, 004]",
        "layers.DropConnectDense / DropConnectConv2D, layers.DropBlock2D, layers.FractionalMaxPooling2D "
        "(TensorFlow only), layers.StochasticDepth, layers.ShakeShake, zoo.shake_shake_block",
        "notebooks/60_regularisation.ipynb",
    ),
    Recipe(
        "Regularization: data augmentation (random crops and scales, RandAugment), Cutout / Random Erasing, "
        "Mixup / CutMix, Label Smoothing [seed 002]",
        "regularization.regularized_dataset / train_regularized, augment.mixing (one_hot_labels, mix_batches, "
        "image_regularizers)",
        "notebooks/60_regularisation.ipynb",
    ),
    Recipe(
        "Regularization: summary (dropout, L2 / decoupled weight decay, augmentation, mixup, cutmix, label smoothing, "
        "DropConnect, DropBlock, stochastic depth, shake-shake, measured side by side) [seeds 002, 004]",
        "regularization.compare_regularizers, regularization.small_convnet, bench/toolbox.py",
        "notebooks/60_regularisation.ipynb",
    ),
    Recipe(
        "Model Ensembles: train multiple independent models, average their predicted probabilities; "
        "testing: average a fixed set of crops (4 corners + center, + flips) [seed 002]",
        "regularization.compare_ensembles, regularization.tta_views / tta_predict, callbacks.average_predictions",
        "notebooks/60_regularisation.ipynb",
    ),
    Recipe(
        "Error: unequal class weightings, focal loss, KL divergence with label smoothing [seed 004]",
        "regularization.class_weights, imbalanced_splits, compare_imbalance_losses, "
        "train_regularized(loss='focal', class_weight='balanced', label_smoothing=)",
        "notebooks/60_regularisation.ipynb",
    ),
    Recipe(
        "Forward pass: batch normalization and its alternatives, group normalization, layer normalization [seed 004]",
        "zoo.vgg / resnet / mobilenet_v2 (norm='batch' | 'layer' | 'group'), zoo.parts.normalization",
        "notebooks/60_regularisation.ipynb",
    ),
    Recipe(
        "Training: the weight-update rules side by side (SGD, momentum / Nesterov, AdaGrad, RMSProp, Adam, AdamW); "
        "layer-wise rates (LARS); gradient noise; Polyak averaging",
        "training.compare_optimizers (.table() / .plot()), optimizers.LARS, optimizers.GradientNoise, "
        "optimizers.DiscriminativeRates, optimizers.polyak_momentum",
        "notebooks/61_optimisers_and_tuning_recipe.ipynb",
    ),
    Recipe(
        "Training Neural Networks II: the seven-step recipe (initial loss, overfit a small sample, rates that make "
        "the loss drop, coarse grid 1-5 epochs, refine and train longer, learning curves, loop)",
        "tuning.seven_step_recipe (RecipeReport .table() / .plot()), trials.candidate_rates, tuning.coarse_search / "
        "refine_search / read_curves / adjust_space",
        "notebooks/61_optimisers_and_tuning_recipe.ipynb",
    ),
    Recipe(
        "Training: decoupled weight decay vs L2, Huber loss and gradient clipping; Glorot / He initialisation "
        "by the activations layer by layer",
        "training.compare_weight_decay / decay_only_step, training.compare_robust_regression, "
        "initialization.activation_statistics",
        "notebooks/61_optimisers_and_tuning_recipe.ipynb",
    ),
    Recipe(
        "Training: Adversarial Examples; Generating And Training With Adversarial Exs (FGSM) [seed 004]",
        "training.compare_adversarial_training / adversarial_fit / accuracy_under_attack (augment.adversarial.fgsm), "
        "regularization.tta_predict under attack",
        "notebooks/62_robustness_and_curriculum.ipynb",
    ),
    Recipe(
        "Translational / Scale Invariance: choose a random subset of images from the batch, randomly translate / "
        "scale them [A4]",
        "augment.InvarianceBatch (training-only layer), representation.invariance_training, datasets.shift_and_scale",
        "notebooks/40_representation_invariance.ipynb",
    ),
    Recipe(
        "Essential Feature Learning (Synthetic): pre-training on synthetic data, full-training and fine-tuning on "
        "real-world data [A5]",
        "representation.synthetic_pretraining, datasets.make_synthetic_digits",
        "notebooks/40_representation_invariance.ipynb",
    ),
    Recipe(
        "Essential Feature Learning (Occlusion): overlay natural objects that obscure part of the object being "
        "recognised, during full training [A6]",
        "representation.occlusion_training (vs keras.layers.RandomErasing), datasets.occlude / occluders",
        "notebooks/40_representation_invariance.ipynb",
    ),
    Recipe(
        "Domain adaptation: CORAL, align the covariance of source and target features (Return of Frustratingly "
        "Easy Domain Adaptation) [seed 003]",
        "representation.coral_align (classic), representation.coral_loss / CoralLoss / DeepCoral (Deep CORAL), "
        "representation.coral_adaptation (digits -> MNIST / inverted / blurred)",
        "notebooks/40_representation_invariance.ipynb",
    ),
    Recipe(
        "Multi-task Learning Parameter Sharing: hard sharing (shared trunk, a head per task) and soft sharing "
        "(a trunk per task + intra-network similarity loss); multi-label vs single task label per input",
        "multitask.hard_sharing / soft_sharing (bundle.heads by task), multitask.compile_multitask (loss weights, "
        "auxiliary heads), multitask.train_heads_on_cache, datasets.load_multitask_digits / load_multilabel_shapes",
        "notebooks/50_multitask_learning.ipynb",
    ),
    Recipe(
        "Multi-task: Cross Stitch Networks (a learned weighted sum of the task trunks' activations)",
        "multitask.cross_stitch, multitask.CrossStitch",
        "notebooks/50_multitask_learning.ipynb",
    ),
    Recipe(
        "Multi-task: Uncertainty Weighting (task losses weighted by learned log-variances) and Deep Relationship "
        "Networks (task-specific layers' Gram matrix close to identity)",
        "multitask.uncertainty_weighted, multitask.UncertaintyWeighting / UncertaintyWeightedModel, "
        "multitask.GramIdentity (relationship=)",
        "notebooks/50_multitask_learning.ipynb",
    ),
    Recipe(
        "Multi-modal Review: early (data), intermediate and late (decision) fusion, multiplicative merging "
        "(sum_i log g_i, weighted sum_i q_i log g_i, beta-weighted), modality dropout [seed 001]",
        "multitask.early_fusion / intermediate_fusion (GatedFusion) / late_fusion (MultiplicativeMerge), "
        "multitask.ModalityDropout, multitask.FusionBundle (encoders per modality), "
        "datasets.multimodal.load_multimodal_digits / without_modality",
        "notebooks/51_multimodal_fusion.ipynb",
    ),
    Recipe(
        "Neural Architecture Search for Mode Fusion (MFAS): which encoder layers to fuse, with which "
        "activation, on the narrowed guided search [seed 001]",
        "multitask.fusion_search.mfas_fusion / MFASHyperModel / fusion_search (vs the hand-picked fusions)",
        "notebooks/51_multimodal_fusion.ipynb",
    ),
    Recipe(
        "Unsupervised Pre-Text Tasks: learn an embedding from a label-free task (rotation, relative patch "
        "position, inpainting, contrastive views), then transfer [A7]",
        "representation.pretrain_rotation / pretrain_patch_position / pretrain_inpainting / pretrain_contrastive "
        "(SimCLR, nt_xent_loss), representation.compare_pretext (linear probe and fine-tune vs random init)",
        "notebooks/41_pretext_tasks_and_probing.ipynb",
    ),
    Recipe(
        "Probing embeddings: simple classifiers on a frozen embedding reveal what it encodes (label, rotation, "
        "augmentation type), stage by stage [seed 001, x-vectors]",
        "representation.probe_factors (ProbingResult: a table per stage, .plot()), probes.linear_probes",
        "notebooks/41_pretext_tasks_and_probing.ipynb",
    ),
    Recipe(
        "Macro / Micro Architecture Search: arrangements of groups and blocks (macro) and the inside of a block "
        "(micro, NAS) [A13]",
        "representation.architecture_search, representation.ArchitectureHyperModel (on tuning.guided_search, "
        "width solved from the parameter budget; micro choices conditional on the macro ones, tuning.Conditional), "
        "representation.searched_network",
        "notebooks/41_pretext_tasks_and_probing.ipynb",
    ),
    # issue 19: lab 62
    Recipe(
        "Training: Curriculum Learning (order training samples from easier to more difficult) [seed 004]",
        "training.compare_curriculum (difficulty from a probe's loss, pacing), training.difficulty / pacing",
        "notebooks/62_robustness_and_curriculum.ipynb",
    ),
    Recipe(
        "Training: Checkpointing (trade increased computation for reduced memory) [seed 004]",
        "training.measure_remat (keras.RematScope; memory from JAX's compiled memory_analysis, "
        "not measurable on TensorFlow's CPU counters)",
        "notebooks/62_robustness_and_curriculum.ipynb",
    ),
    Recipe(
        "How long to train? Early Stopping: keep track of the model snapshot that worked best on val [seed 002]",
        "training.fit_with_early_stopping (keras.callbacks.EarlyStopping(restore_best_weights=True), "
        "restored also when max_epochs ran out)",
        "notebooks/62_robustness_and_curriculum.ipynb",
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

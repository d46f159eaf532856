"""Bad input is stopped at the door (issue 13): a table of malformed calls across the public API.

Each row calls one public function with one bad argument and asserts: the
exception type, the argument's name in the message, that nothing was written
to disk (the call runs in an empty working directory and every directory
argument points inside it), and that it failed in under 2 seconds.
"""

import functools
import os
import time

import numpy as np
import pytest
import tensorflow as tf

from keras_recipes import schedules
from keras_recipes.callbacks import LearningRateWarmup, SnapshotEnsemble
from keras_recipes.checks import check_training_data
from keras_recipes.datasets import asymmetric_noise, load_digits, load_shapes, symmetric_noise
from keras_recipes.diagnostics import check_initial_loss, find_learning_rate, overfit_small_sample
from keras_recipes.initialization.lottery import lottery_init
from keras_recipes.transfer import (
    backbone, fine_tune, freeze, train_head, train_top, unfreeze,
)
from keras_recipes.tuning import BundleHyperModel, Choice, Float, Int, guided_search, narrow_space
from keras_recipes.zoo import mobilenet_v2, resnet, vgg
from keras_recipes.layers import DropBlock2D
from keras_recipes.regularization import compare_regularizers, regularized_dataset, train_regularized, tta_predict
from keras_recipes.datasets import load_multitask_digits
from keras_recipes.multitask import compile_multitask, cross_stitch, hard_sharing, soft_sharing
from keras_recipes.tasks import Classifier

MT_TASKS = {"digit": Classifier(10), "parity": Classifier(2)}
from keras_recipes import multitask as mt
from keras_recipes.datasets.multimodal import load_multimodal_digits

MM = {"image": (4, 8, 1), "profile": (12,)}
TINY = functools.partial(vgg, input_shape=(8, 8, 1), num_classes=10, width=4, depth=(1,))


@pytest.fixture(scope="module")
def env():
    digits16 = load_digits(image_size=16, classes=(5, 6, 7, 8, 9), labelled_fraction=0.05)
    digits8 = load_digits(image_size=8)
    x, y = digits16.arrays["train"]
    nan_x = x.copy()
    nan_x[0, 0, 0, 0] = np.nan
    return {
        "bundle": backbone("reference", num_classes=5),
        "train": digits16.train,
        "unbatched": tf.data.Dataset.from_tensor_slices((x, y)),
        "empty": tf.data.Dataset.from_tensor_slices((x[:0], y[:0])).batch(8),
        "nan": tf.data.Dataset.from_tensor_slices((nan_x, y)).batch(8),
        "labels_too_big": tf.data.Dataset.from_tensor_slices((x, y + 5)).batch(8),
        "digits8": digits8.train,
        "digits8_val": digits8.validation,
        "hypermodel": BundleHyperModel(TINY, {"learning_rate": Float(1e-3, 1e-1, log=True)}),
    }


def _rows():
    e = "env"  # rows are (id, call(env, dir) -> None, exception, argument name)
    rows = [
        # transfer: fine_tune and its phases
        ("fine_tune last_blocks=99", lambda v, d: fine_tune(v["bundle"], v["train"], last_blocks=99), ValueError, "last_blocks"),
        ("fine_tune warmup_epochs >= epochs", lambda v, d: fine_tune(v["bundle"], v["train"], epochs=2, warmup_epochs=2), ValueError, "warmup_epochs"),
        ("fine_tune unbatched", lambda v, d: fine_tune(v["bundle"], v["unbatched"]), ValueError, "train"),
        ("fine_tune empty", lambda v, d: fine_tune(v["bundle"], v["empty"]), ValueError, "train"),
        ("fine_tune NaN images", lambda v, d: fine_tune(v["bundle"], v["nan"]), ValueError, "train"),
        ("fine_tune label >= num_classes", lambda v, d: fine_tune(v["bundle"], v["labels_too_big"]), ValueError, "train"),
        ("fine_tune numpy train", lambda v, d: fine_tune(v["bundle"], np.zeros((4, 16, 16, 1))), TypeError, "train"),
        ("fine_tune not a bundle", lambda v, d: fine_tune("resnet", v["train"]), TypeError, "bundle"),
        ("fine_tune head_epochs=0", lambda v, d: fine_tune(v["bundle"], v["train"], head_epochs=0), ValueError, "head_epochs"),
        ("fine_tune min_steps=-1", lambda v, d: fine_tune(v["bundle"], v["train"], min_steps=-1), ValueError, "min_steps"),
        ("fine_tune layerwise_decay=2", lambda v, d: fine_tune(v["bundle"], v["train"], layerwise_decay=2.0), ValueError, "layerwise_decay"),
        ("fine_tune unknown keyword", lambda v, d: fine_tune(v["bundle"], v["train"], last_block=1), TypeError, "last_block"),
        ("fine_tune bad validation", lambda v, d: fine_tune(v["bundle"], v["train"], v["nan"]), ValueError, "validation"),
        ("fine_tune learning_rate=0", lambda v, d: fine_tune(v["bundle"], v["train"], learning_rate=0), ValueError, "learning_rate"),
        ("train_head epochs=0", lambda v, d: train_head(v["bundle"], v["train"], epochs=0), ValueError, "epochs"),
        ("train_head learning_rate<0", lambda v, d: train_head(v["bundle"], v["train"], learning_rate=-1), ValueError, "learning_rate"),
        ("train_head NaN", lambda v, d: train_head(v["bundle"], v["nan"], cache_dir=os.path.join(d, "c")), ValueError, "train"),
        ("train_top last too many", lambda v, d: train_top(v["bundle"], v["train"], last=10**6), ValueError, "last"),
        ("train_top from_layer unknown", lambda v, d: train_top(v["bundle"], v["train"], from_layer="nope"), ValueError, "from_layer"),
        ("train_top two selections", lambda v, d: unfreeze(v["bundle"], last=1, last_blocks=1), ValueError, "last"),
        ("train_top infinite data", lambda v, d: train_top(v["bundle"], v["train"].repeat(), epochs=2), ValueError, "cardinality"),
        ("unfreeze last_blocks=99", lambda v, d: unfreeze(v["bundle"], last_blocks=99), ValueError, "last_blocks"),
        ("unfreeze last=0", lambda v, d: unfreeze(v["bundle"], last=0), ValueError, "last"),
        ("freeze not a bundle", lambda v, d: freeze(42), TypeError, "bundle"),
        ("backbone unknown name", lambda v, d: backbone("ResNet9000"), ValueError, "name"),
        ("backbone num_classes=0", lambda v, d: backbone("reference", num_classes=0), ValueError, "num_classes"),
        # datasets
        ("load_digits image_size=0", lambda v, d: load_digits(image_size=0), ValueError, "image_size"),
        ("load_digits channels=2", lambda v, d: load_digits(channels=2), ValueError, "channels"),
        ("load_digits classes out of range", lambda v, d: load_digits(classes=(3, 11)), ValueError, "classes"),
        ("load_digits labelled_fraction=0", lambda v, d: load_digits(labelled_fraction=0), ValueError, "labelled_fraction"),
        ("load_digits labelled_fraction>1", lambda v, d: load_digits(labelled_fraction=1.5), ValueError, "labelled_fraction"),
        ("load_digits fractions sum >= 1", lambda v, d: load_digits(validation_fraction=0.6, test_fraction=0.5), ValueError, "validation_fraction"),
        ("load_digits batch_size=0", lambda v, d: load_digits(batch_size=0), ValueError, "batch_size"),
        ("load_digits seed=-1", lambda v, d: load_digits(seed=-1), ValueError, "seed"),
        ("load_shapes image_size=0", lambda v, d: load_shapes(n=10, image_size=0), ValueError, "image_size"),
        ("symmetric_noise rate>1", lambda v, d: symmetric_noise(np.arange(10) % 3, 1.5, 3), ValueError, "rate"),
        ("asymmetric_noise rate<0", lambda v, d: asymmetric_noise(np.arange(10) % 3, -0.1, {0: 1}), ValueError, "rate"),
        ("check_training_data not a dataset", lambda v, d: check_training_data(v["bundle"], [1, 2]), TypeError, "train"),
        # schedules
        ("cosine_restarts rate=0", lambda v, d: schedules.cosine_restarts(0, 10), ValueError, "initial_learning_rate"),
        ("cosine_restarts period=0", lambda v, d: schedules.cosine_restarts(0.1, 0), ValueError, "period"),
        ("cosine_restarts final > initial", lambda v, d: schedules.cosine_restarts(0.1, 10, final_learning_rate=1.0), ValueError, "final_learning_rate"),
        ("Warmup warmup_steps=0", lambda v, d: schedules.Warmup(0.1, 0), ValueError, "warmup_steps"),
        ("Warmup clock", lambda v, d: schedules.Warmup(0.1, 5, clock="later"), ValueError, "clock"),
        ("Warmup mode", lambda v, d: schedules.Warmup(0.1, 5, mode="cubic"), ValueError, "mode"),
        ("InverseSqrtDecay rate<0", lambda v, d: schedules.InverseSqrtDecay(-1.0), ValueError, "initial_learning_rate"),
        ("InverseSqrtDecay hold_steps=0", lambda v, d: schedules.InverseSqrtDecay(0.1, hold_steps=0), ValueError, "hold_steps"),
        ("LearningRateWarmup epochs=0", lambda v, d: LearningRateWarmup(0.1, 0), ValueError, "warmup_epochs"),
        ("SnapshotEnsemble snapshots=0", lambda v, d: SnapshotEnsemble(os.path.join(d, "s"), snapshots=0, initial_learning_rate=0.1), ValueError, "snapshots"),
        # lottery
        ("lottery draws=0", lambda v, d: lottery_init(TINY, v["digits8"], draws=0), ValueError, "draws"),
        ("lottery steps=0", lambda v, d: lottery_init(TINY, v["digits8"], steps=0), ValueError, "steps"),
        ("lottery numpy data", lambda v, d: lottery_init(TINY, np.zeros((4, 8, 8, 1))), TypeError, "data"),
        ("lottery builder not callable", lambda v, d: lottery_init("vgg", v["digits8"]), TypeError, "builder"),
        ("lottery learning_rate=0", lambda v, d: lottery_init(TINY, v["digits8"], learning_rate=0), ValueError, "learning_rate"),
        ("lottery optimizer unknown", lambda v, d: lottery_init(TINY, v["digits8"], optimizer="sgdd"), ValueError, "optimizer"),
        ("lottery seed<0", lambda v, d: lottery_init(TINY, v["digits8"], seed=-3), ValueError, "seed"),
        ("lottery NaN data", lambda v, d: lottery_init(TINY, v["nan"].map(lambda x, y: (x[:, :8, :8], y)), verbose=0), ValueError, "data"),
        ("lottery empty data", lambda v, d: lottery_init(TINY, v["empty"].map(lambda x, y: (x[:, :8, :8], y)), verbose=0), ValueError, "data"),
        # tuning
        ("guided_search trials int", lambda v, d: guided_search(v["hypermodel"], v["digits8"], trials=5, directory=d), ValueError, "trials"),
        ("guided_search top_k=0", lambda v, d: guided_search(v["hypermodel"], v["digits8"], top_k=0, directory=d), ValueError, "top_k"),
        ("guided_search oracle", lambda v, d: guided_search(v["hypermodel"], v["digits8"], oracle="grid", directory=d), ValueError, "oracle"),
        ("guided_search margin<0", lambda v, d: guided_search(v["hypermodel"], v["digits8"], margin=-1, directory=d), ValueError, "margin"),
        ("narrow_space empty top", lambda v, d: narrow_space({"lr": Float(1e-3, 1e-1)}, []), ValueError, "top_values"),
        ("Float min > max", lambda v, d: Float(1.0, 0.1), ValueError, "min_value"),
        ("Int log with 0", lambda v, d: Int(0, 8, log=True), ValueError, "min_value"),
        ("Choice empty", lambda v, d: Choice([]), ValueError, "values"),
        ("BundleHyperModel unknown key", lambda v, d: BundleHyperModel(TINY, {"widht": Int(2, 8)}).check_keys(), ValueError, "widht"),
        # zoo
        ("vgg input_shape rank", lambda v, d: vgg(input_shape=(8, 8)), ValueError, "input_shape"),
        ("resnet width=0", lambda v, d: resnet(input_shape=(16, 16, 1), width=0), ValueError, "width"),
        ("mobilenet_v2 num_classes=0", lambda v, d: mobilenet_v2(input_shape=(16, 16, 1), num_classes=0), ValueError, "num_classes"),
        # diagnostics
        ("check_initial_loss numpy", lambda v, d: check_initial_loss(TINY().model, "data", loss="sparse_categorical_crossentropy"), TypeError, "data"),
        ("overfit_small_sample batches=0", lambda v, d: overfit_small_sample(TINY().model, v["digits8"], batches=0), ValueError, "batches"),
        ("check_initial_loss tolerance<0", lambda v, d: check_initial_loss(TINY().model, v["digits8"], loss="sparse_categorical_crossentropy", tolerance=-1), ValueError, "tolerance"),
        ("find_learning_rate bad range", lambda v, d: find_learning_rate(TINY().model, v["digits8"], min_learning_rate=1.0, max_learning_rate=0.1), ValueError, "min_learning_rate"),
        ("guided_search narrowing", lambda v, d: guided_search(v["hypermodel"], v["digits8"], narrowing="ring", directory=d), ValueError, "narrowing"),
        ("guided_search spread<=1", lambda v, d: guided_search(v["hypermodel"], v["digits8"], spread=1.0, directory=d), ValueError, "spread"),
        # representation (issue 17)
        ("InvarianceBatch fraction>1", lambda v, d: _rep().InvarianceBatch(1.5), ValueError, "fraction"),
        ("invariance_training fractions=0", lambda v, d: _rep().invariance_training(fractions=(0.0,)), ValueError, "fractions"),
        ("synthetic_pretraining steps=0", lambda v, d: _rep().synthetic_pretraining(steps=0), ValueError, "steps"),
        ("occlusion_training unknown arm", lambda v, d: _rep().occlusion_training(arms=("plain", "cutout")), ValueError, "arms"),
        ("coral_adaptation target", lambda v, d: _rep().coral_adaptation("usps"), ValueError, "target"),
        ("coral_align eps<0", lambda v, d: _rep().coral_align(np.ones((4, 2)), np.ones((4, 2)), eps=-1), ValueError, "eps"),
        ("DeepCoral unknown features", lambda v, d: _rep().DeepCoral(TINY().model, features="nope"), ValueError, "features"),
        ("make_synthetic_digits n=0", lambda v, d: _rep().make_synthetic_digits(0), ValueError, "n"),
        ("occlude coverage=0", lambda v, d: _rep().occlude(np.zeros((2, 8, 8, 1)), coverage=0), ValueError, "coverage"),
        # multitask (issue 18)
        ("hard_sharing empty tasks", lambda v, d: hard_sharing((8, 8, 1), {}), ValueError, "tasks"),
        ("hard_sharing unknown architecture", lambda v, d: hard_sharing((8, 8, 1), MT_TASKS, architecture="vit"), ValueError, "architecture"),
        ("soft_sharing penalty<0", lambda v, d: soft_sharing((8, 8, 1), MT_TASKS, penalty=-1), ValueError, "penalty"),
        ("cross_stitch stitch_after out of range", lambda v, d: cross_stitch((8, 8, 1), MT_TASKS, depth=(1,), stitch_after=(3,)), ValueError, "stitch_after"),
        ("compile_multitask unknown loss_weights", lambda v, d: compile_multitask(TINY().model, MT_TASKS, loss_weights={"colour": 1}), ValueError, "loss_weights"),
        ("load_multitask_digits labelled_fraction=0", lambda v, d: load_multitask_digits(labelled_fraction=0), ValueError, "labelled_fraction"),
        # multi-modal fusion (issue 18)
        ("early_fusion modalities list", lambda v, d: mt.early_fusion([(4, 8, 1)], 10), ValueError, "modalities"),
        ("early_fusion projection=0", lambda v, d: mt.early_fusion(MM, 10, projection=0), ValueError, "projection"),
        ("intermediate_fusion fusion", lambda v, d: mt.intermediate_fusion(MM, 10, fusion="sum"), ValueError, "fusion"),
        ("intermediate_fusion modality_dropout too high", lambda v, d: mt.intermediate_fusion(MM, 10, modality_dropout=0.7), ValueError, "modality_dropout"),
        ("late_fusion merge", lambda v, d: mt.late_fusion(MM, 10, merge="mean"), ValueError, "merge"),
        ("late_fusion weights count", lambda v, d: mt.late_fusion(MM, 10, merge="weighted", weights=[1.0]), ValueError, "weights"),
        ("late_fusion beta=0", lambda v, d: mt.late_fusion(MM, 10, merge="beta", beta=0), ValueError, "beta"),
        ("load_multimodal_digits noise<0", lambda v, d: load_multimodal_digits(noise=-1), ValueError, "noise"),
    ]
    del e
    rows += [
        # regularization (issue 19): the pipeline, the procedures, the layers, the zoo's norm option
        ("train_regularized label_smoothing=1", lambda v, d: train_regularized(TINY(), None, label_smoothing=1.0), ValueError, "label_smoothing"),
        ("train_regularized loss=hinge", lambda v, d: train_regularized(TINY(), None, loss="hinge"), ValueError, "loss"),
        ("regularized_dataset mixup and cutmix", lambda v, d: regularized_dataset(v["digits8"], 10, mixup=0.2, cutmix=1.0), ValueError, "mixup"),
        ("compare_regularizers without none", lambda v, d: compare_regularizers(None, ("mixup",)), ValueError, "regularizers"),
        ("tta_predict shift=0", lambda v, d: tta_predict(TINY(), np.zeros((1, 8, 8, 1)), shift=0), ValueError, "shift"),
        ("DropBlock2D block_size=0", lambda v, d: DropBlock2D(block_size=0), ValueError, "block_size"),
        ("vgg norm=instance", lambda v, d: TINY(norm="instance"), ValueError, "norm"),
    ]
    x8 = np.zeros((4, 8, 8, 1), "float32")
    rows += [
        # representation, the procedures the rows above missed (issue 17): pretext tasks, probing, CORAL data,
        # the A13 search (its module imports KerasTuner) and its conditional search space
        ("compare_pretext unknown task", lambda v, d: _rep().compare_pretext(load_digits(image_size=8, labelled_fraction=0.2), tasks=("jigsaw",)), ValueError, "tasks"),
        ("pretrain unknown task", lambda v, d: _rep().pretrain("jigsaw", None, x8), ValueError, "task"),
        ("pretrain_rotation epochs=0", lambda v, d: _rep().pretrain_rotation(TINY(), x8, epochs=0), ValueError, "epochs"),
        ("pretrain_patch_position 4x4 images", lambda v, d: _rep().pretrain_patch_position(vgg(input_shape=(4, 4, 1), width=4, depth=(1,)), np.zeros((4, 4, 4, 1))), ValueError, "unlabelled"),
        ("pretrain_inpainting size=side", lambda v, d: _rep().pretrain_inpainting(TINY(), x8, size=8), ValueError, "size"),
        ("pretrain_contrastive temperature=0", lambda v, d: _rep().pretrain_contrastive(TINY(), x8, temperature=0), ValueError, "temperature"),
        ("probe_factors unknown factor", lambda v, d: _rep().probe_factors(TINY(), x8, np.zeros(4), factors=("colour",)), ValueError, "factors"),
        ("domain_pair target", lambda v, d: _rep().domain_pair("usps"), ValueError, "target"),
        ("architecture_search splits", lambda v, d: _nas().architecture_search("digits", directory=d), TypeError, "splits"),
        ("architecture_search epochs=0", lambda v, d: _nas().architecture_search(load_digits(image_size=8), epochs=0, directory=d), ValueError, "epochs"),
        ("ArchitectureHyperModel max_groups=4", lambda v, d: _nas().ArchitectureHyperModel((8, 8, 1), 10, max_groups=4), ValueError, "max_groups"),
        ("ArchitectureHyperModel tolerance>1", lambda v, d: _nas().ArchitectureHyperModel((8, 8, 1), 10, tolerance=1.5), ValueError, "tolerance"),
        ("searched_network g2_block", lambda v, d: _nas().searched_network((8, 8, 1), 10, groups=2, g2_block="dense"), ValueError, "g2_block"),
        ("Conditional parent declared after", lambda v, d: _nas().to_hyperparameters({"b": _nas().Conditional(Choice([1]), {"a": [1]}), "a": Choice([1])}), ValueError, "space"),
    ]
    rows += [
        # multitask and multi-modal (issue 18): the procedures, layers and loaders not covered above
        ("uncertainty_weighted tasks list", lambda v, d: mt.uncertainty_weighted(TINY().model, ["digit"]), ValueError, "tasks"),
        ("UncertaintyWeighting kinds", lambda v, d: mt.UncertaintyWeighting(["ranking"]), ValueError, "kinds"),
        ("train_heads_on_cache epochs=0", lambda v, d: mt.train_heads_on_cache(hard_sharing((8, 8, 1), MT_TASKS, width=4, depth=(1,)), None, epochs=0), ValueError, "epochs"),
        ("train_heads_on_cache plain bundle", lambda v, d: mt.train_heads_on_cache(TINY(), None, epochs=1), TypeError, "bundle"),
        ("CrossStitch self_weight>1", lambda v, d: mt.CrossStitch(self_weight=1.5), ValueError, "self_weight"),
        ("GramIdentity strength=0", lambda v, d: mt.GramIdentity(0.0), ValueError, "strength"),
        ("SoftSharing penalty<0", lambda v, d: mt.SoftSharing([TINY().encoder, TINY().encoder], penalty=-1), ValueError, "penalty"),
        ("ModalityDropout rate>1", lambda v, d: mt.ModalityDropout(1.5), ValueError, "rate"),
        ("MultiplicativeMerge merge", lambda v, d: mt.MultiplicativeMerge("mean"), ValueError, "merge"),
        ("mfas_fusion fusions layer out of range", lambda v, d: _mfas().mfas_fusion(MM, 10, depth=2, fusions=[(3, 1, "relu")]), ValueError, "fusion"),
        ("MFASHyperModel activations", lambda v, d: _mfas().MFASHyperModel(MM, 10, activations=("swish",)), ValueError, "activations"),
        ("fusion_search splits", lambda v, d: _mfas().fusion_search(object(), directory=d), TypeError, "splits"),
        ("fusion_search hand_picked", lambda v, d: _mfas().fusion_search(_FAKE_SPLITS, hand_picked=("best",), directory=d), ValueError, "hand_picked"),
        ("fusion_search epochs=0", lambda v, d: _mfas().fusion_search(_FAKE_SPLITS, epochs=0, directory=d), ValueError, "epochs"),
        ("make_multilabel_shapes max_shapes=5", lambda v, d: _mtdata().make_multilabel_shapes(4, max_shapes=5), ValueError, "max_shapes"),
        ("load_multilabel_shapes image_size=8", lambda v, d: _mtdata().load_multilabel_shapes(n=8, image_size=8), ValueError, "image_size"),
        ("multitask_splits test_fraction=1", lambda v, d: _mtdata().multitask_splits(np.zeros((4, 2)), {}, {}, np.zeros(4, int), test_fraction=1.0), ValueError, "test_fraction"),
        ("without_modality unknown modality", lambda v, d: _without_modality()(load_multimodal_digits().test, "sound"), ValueError, "modality"),
    ]
    rows += _training_rows()
    return rows


def _training_rows():
    """Issue 19: the training/ procedures and the seven-step recipe's steps; each fails before training.

    The argument column is ``name=value``: the message names the argument and the value received.
    """
    from keras_recipes import training as tr
    from keras_recipes.trials import candidate_rates
    from keras_recipes.tuning import adjust_space, coarse_search, read_curves, refine_search, seven_step_recipe
    from keras_recipes.tuning.curves import CurveReading

    # Models come built from the fixture (v["bundle"]): building one is not what the rows time (on JAX the
    # first build in a process compiles for seconds); `build` is never called before the refusal.
    digits = functools.partial(load_digits, image_size=8)
    build = lambda: TINY().model  # noqa: E731
    reading = CurveReading("healthy", "", {})
    space = {"learning_rate": Float(1e-3, 1e-2, log=True)}
    return [
        ("compare_optimizers unknown name", lambda v, d: tr.compare_optimizers(build, digits(), optimizers=["adamax"]), ValueError, "optimizers=['adamax']"),
        ("compare_optimizers epochs=0", lambda v, d: tr.compare_optimizers(build, digits(), epochs=0), ValueError, "epochs=0"),
        ("compare_optimizers data not Splits", lambda v, d: tr.compare_optimizers(build, v["digits8"]), TypeError, "data"),
        ("compare_weight_decay strength<0", lambda v, d: tr.compare_weight_decay(build, digits(), strength=-1e-3), ValueError, "strength=-0.001"),
        ("compare_weight_decay learning_rate=0", lambda v, d: tr.compare_weight_decay(build, digits(), learning_rate=0), ValueError, "learning_rate=0"),
        ("decay_only_step weight_decay<0", lambda v, d: tr.decay_only_step(weight_decay=-1.0), ValueError, "weight_decay=-1.0"),
        ("compare_robust_regression outlier_fraction=1", lambda v, d: tr.compare_robust_regression(outlier_fraction=1.0), ValueError, "outlier_fraction=1.0"),
        ("compare_robust_regression clipnorm=0", lambda v, d: tr.compare_robust_regression(clipnorm=0), ValueError, "clipnorm=0"),
        ("fit_with_early_stopping patience=0", lambda v, d: tr.fit_with_early_stopping(v["bundle"], v["digits8"], v["digits8_val"], patience=0), ValueError, "patience=0"),
        ("compare_adversarial_training epsilon=0", lambda v, d: tr.compare_adversarial_training(build, digits(), epsilon=0), ValueError, "epsilon=0"),
        ("compare_adversarial_training build", lambda v, d: tr.compare_adversarial_training("mlp", digits()), TypeError, "build='mlp'"),
        ("adversarial_fit epochs=0", lambda v, d: tr.adversarial_fit(v["bundle"].model, np.zeros((2, 8, 8, 1)), np.zeros(2), epochs=0), ValueError, "epochs=0"),
        ("accuracy_under_attack epsilon<0", lambda v, d: tr.accuracy_under_attack(v["bundle"].model, np.zeros((2, 8, 8, 1)), np.zeros(2), epsilon=-0.1), ValueError, "epsilon=-0.1"),
        ("compare_curriculum start=0", lambda v, d: tr.compare_curriculum(build, digits(), start=0), ValueError, "start=0"),
        ("compare_curriculum batch_size=0", lambda v, d: tr.compare_curriculum(build, digits(), batch_size=0), ValueError, "batch_size=0"),
        ("measure_remat mode", lambda v, d: tr.measure_remat(build, np.zeros((2, 8, 8, 1)), np.zeros(2), mode="partial"), ValueError, "mode"),
        ("candidate_rates iterations=10", lambda v, d: candidate_rates(v["bundle"].model, v["digits8"], iterations=10), ValueError, "iterations=10"),
        ("candidate_rates min_drop=1", lambda v, d: candidate_rates(v["bundle"].model, v["digits8"], min_drop=1.0), ValueError, "min_drop=1.0"),
        ("candidate_rates rates empty", lambda v, d: candidate_rates(v["bundle"].model, v["digits8"], rates=()), ValueError, "rates=()"),
        ("coarse_search epochs=6", lambda v, d: coarse_search(TINY, digits(), space, epochs=6, directory=d), ValueError, "epochs=6"),
        ("refine_search trials=0", lambda v, d: refine_search(TINY, digits(), None, space=space, trials=0, directory=d), ValueError, "trials=0"),
        ("read_curves window=0", lambda v, d: read_curves({"loss": [1.0, 0.5]}, window=0), ValueError, "window=0"),
        ("read_curves no loss", lambda v, d: read_curves({"val_loss": [1.0]}), ValueError, "curves"),
        ("adjust_space factor=1", lambda v, d: adjust_space(space, {"learning_rate": 1e-3}, reading, factor=1.0), ValueError, "factor=1.0"),
        ("adjust_space no learning_rate", lambda v, d: adjust_space(space, {"weight_decay": 0.0}, reading), ValueError, "best"),
        ("adjust_space reading", lambda v, d: adjust_space(space, {"learning_rate": 1e-3}, "overfitting"), TypeError, "reading='overfitting'"),
        ("seven_step_recipe loops=-1", lambda v, d: seven_step_recipe(TINY, digits(), loops=-1, directory=d), ValueError, "loops=-1"),
        ("seven_step_recipe rate_iterations=10", lambda v, d: seven_step_recipe(TINY, digits(), rate_iterations=10, directory=d), ValueError, "rate_iterations=10"),
        ("seven_step_recipe coarse_epochs=6", lambda v, d: seven_step_recipe(TINY, digits(), coarse_epochs=6, directory=d), ValueError, "coarse_epochs=6"),
        ("seven_step_recipe refine_trials=0", lambda v, d: seven_step_recipe(TINY, digits(), refine_trials=0, directory=d), ValueError, "refine_trials=0"),
        ("seven_step_recipe weight_decays<0", lambda v, d: seven_step_recipe(TINY, digits(), weight_decays=(-1e-4,), directory=d), ValueError, "weight_decays"),
        ("seven_step_recipe data", lambda v, d: seven_step_recipe(TINY, v["digits8"], directory=d), TypeError, "data"),
    ]


def _nas():
    """The A13 search's names (issue 17), and the tuning space it declares conditional choices with."""
    from types import SimpleNamespace

    from keras_recipes.representation import architecture_search as nas
    from keras_recipes.tuning import Conditional, to_hyperparameters

    return SimpleNamespace(architecture_search=nas.architecture_search, searched_network=nas.searched_network,
                           ArchitectureHyperModel=nas.ArchitectureHyperModel, Conditional=Conditional,
                           to_hyperparameters=to_hyperparameters)


# issue 18: helpers of the block above (the search module imports KerasTuner, so it is imported on use)
class _FAKE_SPLITS:  # has what fusion_search checks for; never trained on (the rows fail before)
    train = validation = test = None
    modalities, num_classes = MM, 10


def _mfas():
    import keras_recipes.multitask.fusion_search as module
    return module


def _mtdata():
    from keras_recipes.datasets import multitask
    return multitask


def _without_modality():
    from keras_recipes.datasets.multimodal import without_modality
    return without_modality


def _rep():
    """The representation recipes' public names (issue 17) in one namespace."""
    from types import SimpleNamespace

    from keras_recipes import representation
    from keras_recipes.augment import InvarianceBatch
    from keras_recipes.datasets import make_synthetic_digits, occlude

    return SimpleNamespace(**{n: getattr(representation, n) for n in representation.__all__},
                           InvarianceBatch=InvarianceBatch, make_synthetic_digits=make_synthetic_digits,
                           occlude=occlude)


ROWS = _rows()


def test_the_table_covers_at_least_fifty_calls():
    assert len(ROWS) >= 50
    assert len({r[0] for r in ROWS}) == len(ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[r[0] for r in ROWS])
def test_malformed_call_is_stopped_at_the_door(row, env, tmp_path, monkeypatch):
    _, call, error, argument = row
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    start = time.perf_counter()
    with pytest.raises(error) as info:
        call(env, str(work))
    elapsed = time.perf_counter() - start
    assert argument in str(info.value), str(info.value)
    assert not list(work.rglob("*")), "something was written to disk"
    assert elapsed < 2.0 * _load_factor(), f"took {elapsed:.2f} s"


def _load_factor():
    # The 2-second budget is for a quiet 2-core machine; scale it when the machine is shared.
    try:
        return max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))
    except OSError:
        return 1.0


def test_a_refused_objective_writes_no_manifest_so_the_corrected_rerun_starts(env, tmp_path):
    # Not in the table: finding what training logs takes one (traced) step.
    with pytest.raises(ValueError, match="objective"):
        guided_search(env["hypermodel"], env["digits8"], validation_data=env["digits8_val"],
                      objective="val_auc", trials=(1,), directory=str(tmp_path), verbose=0)
    assert not list(tmp_path.rglob("*"))

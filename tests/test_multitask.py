"""Multi-task recipes (issue 18): doors per task, each sharing mechanism, loss weighting, data, saving."""

import textwrap

import keras
import numpy as np
import pytest
from keras.ops import convert_to_numpy as to_np

from keras_recipes import ModelBundle, zoo
from keras_recipes.bundle import MultiTaskBundle
from keras_recipes.datasets import load_multitask_digits, make_multilabel_shapes
from keras_recipes.multitask import (
    CrossStitch, GramIdentity, UncertaintyWeighting, compile_multitask, cross_stitch, hard_sharing,
    soft_sharing, train_heads_on_cache, uncertainty_weighted)
from keras_recipes.tasks import Classifier, Regressor

TASKS = {"digit": Classifier(10), "parity": Classifier(2), "ink": Regressor(1)}
SHAPE = (8, 8, 1)


def images(n=6, seed=0):
    return np.random.default_rng(seed).random((n, *SHAPE), dtype=np.float32)


def labels(n=6, seed=0):
    rng = np.random.default_rng(seed)
    digit = rng.integers(10, size=n)
    return {"digit": digit, "parity": digit % 2, "ink": rng.normal(size=(n, 1)).astype("float32")}


def small(builder, tasks=TASKS, **kw):
    return builder(SHAPE, tasks, width=4, depth=(1,), **kw)


@pytest.mark.parametrize("builder", [hard_sharing, soft_sharing, cross_stitch])
def test_each_head_on_its_bottleneck_is_the_model_and_from_model_recovers_the_heads(builder):
    bundle = small(builder)
    assert isinstance(bundle, MultiTaskBundle) and bundle.tasks == tuple(TASKS)
    x = images()
    out, features = bundle.model(x), bundle.encoder(x)
    for task in TASKS:
        own = features[task] if isinstance(features, dict) else features
        np.testing.assert_allclose(to_np(bundle.heads[task](own)), to_np(out[task]), atol=1e-6)
        # the view shares the head's layers: same variables, no copy
        assert {id(v) for v in bundle.heads[task].weights} <= {id(v) for v in bundle.head.weights}
    again = ModelBundle.from_model(bundle.model)
    assert isinstance(again, MultiTaskBundle) and again.tasks == bundle.tasks
    assert again.bottleneck_shape == bundle.bottleneck_shape


def test_single_task_bundles_stay_plain_model_bundles():
    bundle = zoo.build("vgg", input_shape=SHAPE, num_classes=3, width=4, depth=(1,))
    assert type(bundle) is ModelBundle
    assert type(ModelBundle.from_model(bundle.model)) is ModelBundle


def test_soft_sharing_penalty_is_zero_for_equal_trunks_and_the_squared_distance_otherwise():
    bundle = small(soft_sharing, penalty=0.5)
    layer = bundle.encoder.get_layer("soft_sharing")
    first, *others = layer.trunks
    for other in others:
        other.set_weights(first.get_weights())
    bundle.model(images())
    assert float(to_np(layer.similarity_loss())) == 0.0
    assert float(to_np(sum(bundle.model.losses))) == 0.0
    kernel = others[0].trainable_weights[0]
    kernel.assign(kernel + 0.1)  # trunk 2 moves away from trunks 1 and 3: two pairs of distance
    expected = 2 * 0.1**2 * np.prod(kernel.shape)
    np.testing.assert_allclose(float(to_np(layer.similarity_loss())), expected, rtol=1e-4)
    bundle.model(images())
    np.testing.assert_allclose(float(to_np(sum(bundle.model.losses))), 0.5 * expected, rtol=1e-4)


def test_cross_stitch_at_identity_reproduces_two_independent_trunks_exactly():
    tasks = {"digit": Classifier(10), "parity": Classifier(2)}
    stitched = cross_stitch(SHAPE, tasks, width=4, depth=(1, 1), stitch_after=(0, 1))
    independent = cross_stitch(SHAPE, tasks, width=4, depth=(1, 1), stitch_after=())
    for layer in independent.encoder.layers:  # same weights, by layer name
        if layer.weights:
            stitched.encoder.get_layer(layer.name).set_weights(layer.get_weights())
    units = [layer for layer in stitched.encoder.layers if isinstance(layer, CrossStitch)]
    assert [u.name for u in units] == ["cross_stitch1", "cross_stitch2"]
    x = images()
    mixed = {t: to_np(f) for t, f in stitched.encoder(x).items()}
    alone = {t: to_np(f) for t, f in independent.encoder(x).items()}
    assert not np.allclose(mixed["digit"], alone["digit"])  # the 0.9 / 0.1 start mixes
    for unit in units:
        unit.alpha.assign(np.eye(2, dtype="float32"))
    for task in tasks:
        np.testing.assert_array_equal(to_np(stitched.encoder(x)[task]), alone[task])


def test_uncertainty_weighting_matches_kendall_formula():
    kinds = ["classification", "regression", "classification"]
    layer = UncertaintyWeighting(kinds)
    s = np.array([0.3, -1.2, 2.0], "float32")
    losses = np.array([0.7, 3.0, 1.5], "float32")
    layer.log_variance.assign(s)
    c = np.array([1.0, 0.5, 1.0])
    expected = np.sum(c * np.exp(-s) * losses + 0.5 * s)
    np.testing.assert_allclose(float(to_np(layer(list(losses)))), expected, rtol=1e-6)
    with pytest.raises(ValueError, match="kinds"):
        UncertaintyWeighting(["classification", "ranking"])


def test_uncertainty_weighted_training_moves_the_log_variances_and_trains_the_bundle():
    bundle = small(hard_sharing)
    trainer = uncertainty_weighted(bundle, TASKS, learning_rate=0.05)
    x, y = images(32), labels(32)
    y["ink"] = 5 * y["ink"]  # a large regression loss: its log-variance must grow
    before = to_np(bundle.model(x)["digit"])
    trainer.fit(x, y, batch_size=16, epochs=3, verbose=0)
    s = to_np(trainer.weighting.log_variance)
    assert np.all(np.abs(s) > 1e-3), s
    assert s[2] > 0.05, s  # ink: large loss -> larger variance -> down-weighted
    assert not np.allclose(to_np(bundle.model(x)["digit"]), before)
    # the loss fit minimises is the formula on the task losses
    pred = trainer(x)
    task = [to_np(trainer.task_losses[t](y[t], pred[t])) for t in TASKS]
    c = np.array([1.0, 1.0, 0.5])
    expected = np.sum(c * np.exp(-s) * np.array(task) + 0.5 * s)
    np.testing.assert_allclose(float(to_np(trainer.compute_loss(x, y, pred))), expected, rtol=1e-4)


def test_gram_identity_is_zero_for_orthonormal_features_and_reaches_the_model_losses():
    q, _ = np.linalg.qr(np.random.default_rng(0).normal(size=(8, 4)))
    np.testing.assert_allclose(float(to_np(GramIdentity(2.0)(q.astype("float32")))), 0.0, atol=1e-5)
    w = np.random.default_rng(1).normal(size=(8, 4)).astype("float32")
    gram = w.T @ w - np.eye(4)
    np.testing.assert_allclose(float(to_np(GramIdentity(2.0)(w))), 2.0 * np.sum(gram**2), rtol=1e-4)
    bundle = small(hard_sharing, head_units=4, relationship=1e-2)
    kernel = bundle.heads["digit"].get_layer("digit_fc").kernel
    kernel.assign(np.linalg.qr(np.random.default_rng(2).normal(size=kernel.shape))[0].astype("float32"))
    penalties = [float(to_np(p)) for p in bundle.model.losses]
    assert len(penalties) == len(TASKS) and min(penalties) < 1e-8 < max(penalties)
    with pytest.raises(ValueError, match="head_units"):
        small(hard_sharing, relationship=1e-2)


def test_auxiliary_head_with_zero_loss_weight_is_not_trained_and_multilabel_uses_binary_crossentropy():
    tasks = {"digit": Classifier(10), "parity": Classifier(2), "shapes": Classifier(4, activation="sigmoid")}
    bundle = small(hard_sharing, tasks)
    model = compile_multitask(bundle, tasks, learning_rate=0.05, loss_weights={"parity": 0.0})
    model.run_eagerly = True  # two tiny epochs: eager steps beat tracing one
    assert type(model.loss["shapes"]).__name__ == "BinaryCrossentropy"
    y = labels(16)
    y["shapes"] = (np.random.default_rng(3).random((16, 4)) > 0.5).astype("float32")
    del y["ink"]
    auxiliary = bundle.heads["parity"].get_layer("parity").get_weights()
    main = bundle.heads["digit"].get_layer("digit").get_weights()
    model.fit(images(16), y, epochs=2, verbose=0)
    for w0, w1 in zip(auxiliary, bundle.heads["parity"].get_layer("parity").get_weights()):
        np.testing.assert_array_equal(w0, w1)
    assert not np.allclose(main[0], bundle.heads["digit"].get_layer("digit").get_weights()[0])
    with pytest.raises(ValueError, match="loss_weights"):
        compile_multitask(bundle, tasks, loss_weights={"colour": 1.0})


def test_multitask_digits_labels_follow_the_digit_and_splits_are_seeded():
    data = load_multitask_digits(labelled_fraction=0.1, seed=3)
    x, y = data.arrays["train"]
    assert set(y) == {"digit", "parity", "high", "ink"} and 100 < len(x) < 150
    np.testing.assert_array_equal(y["parity"], y["digit"] % 2)
    np.testing.assert_array_equal(y["high"], (y["digit"] >= 5).astype(int))
    order = np.argsort(y["ink"][:, 0])
    assert x[order[-1]].mean() > x[order[0]].mean()  # more ink, larger target
    again = load_multitask_digits(labelled_fraction=0.1, seed=3)
    np.testing.assert_array_equal(again.arrays["test"][0], data.arrays["test"][0])
    batch_x, batch_y = next(iter(data.train))
    assert batch_x.shape[1:] == SHAPE and batch_y["ink"].shape[1:] == (1,)


def test_multilabel_shapes_are_seeded_and_the_labels_count_the_shapes():
    x, y = make_multilabel_shapes(40, seed=5)
    x2, y2 = make_multilabel_shapes(40, seed=5)
    np.testing.assert_array_equal(x, x2)
    assert set(np.unique(y["count"])) == {0, 1, 2}
    np.testing.assert_array_equal(y["shapes"].sum(axis=1), y["count"] + 1)
    assert (x[y["count"] == 2].mean() > x[y["count"] == 0].mean())  # more shapes, more bright pixels


def test_train_heads_on_cache_trains_every_head_on_the_cached_bottleneck(tmp_path):
    data = load_multitask_digits(labelled_fraction=0.2, seed=0)
    bundle = hard_sharing(data.input_shape, data.tasks, width=4, depth=(1,))
    bundle.encoder.trainable = False
    encoder_before = [w.copy() for w in bundle.encoder.get_weights()]
    compile_multitask(bundle.head, data.tasks, learning_rate=0.05)
    x, _ = data.arrays["train"]
    features = bundle.encoder.predict(x, verbose=0)
    before = bundle.head.predict(features, verbose=0)
    history = train_heads_on_cache(bundle, data.train, data.validation, epochs=2, cache_dir=tmp_path)
    assert {"val_digit_accuracy", "val_ink_mae"} <= set(history.history)
    after = bundle.model.predict(x, verbose=0)  # the trained heads are inside the model
    for task in data.tasks:
        assert not np.allclose(after[task], before[task])
    for w0, w1 in zip(encoder_before, bundle.encoder.get_weights()):
        np.testing.assert_array_equal(w0, w1)
    with pytest.raises(TypeError, match="MultiTaskBundle"):
        train_heads_on_cache(zoo.build("vgg", input_shape=SHAPE, width=4, depth=(1,)), data.train,
                             epochs=1, cache_dir=tmp_path)


FRESH_PROCESS = textwrap.dedent("""
    import sys, numpy as np, keras
    from keras_recipes import load_bundle
    from keras_recipes.saving import register_custom_objects
    folder = sys.argv[1]
    x = np.load(folder + "/x.npy")
    out = {}
    for name in sys.argv[2:]:
        if name == "uncertainty":
            register_custom_objects()
            model = keras.saving.load_model(f"{folder}/{name}.keras")
            preds = model.predict(x, verbose=0)
            out["uncertainty/log_variance"] = keras.ops.convert_to_numpy(model.weighting.log_variance)
        else:
            bundle = load_bundle(f"{folder}/{name}.keras")
            assert type(bundle).__name__ == "MultiTaskBundle", type(bundle)
            preds = bundle.model.predict(x, verbose=0)
            features = bundle.encoder.predict(x, verbose=0)
            for task, head in bundle.heads.items():
                own = features[task] if isinstance(features, dict) else features
                out[f"{name}/head_{task}"] = head.predict(own, verbose=0)
        for task, value in preds.items():
            out[f"{name}/{task}"] = value
    np.savez(folder + "/reloaded.npz", **out)
""")


def test_every_multitask_builder_round_trips_through_keras_file_in_fresh_process(tmp_path, fresh_python):
    x, y = images(4), labels(4)
    np.save(tmp_path / "x.npy", x)
    bundles = {
        "hard": small(hard_sharing, head_units=4, relationship=1e-3),
        "soft": small(soft_sharing, penalty=1e-2),
        "stitch": small(cross_stitch, self_weight=0.8),
    }
    trainer = uncertainty_weighted(small(hard_sharing), TASKS)
    trainer.run_eagerly = True  # one step: eager beats tracing
    trainer.fit(x, y, epochs=1, verbose=0)
    expected = {}
    for name, bundle in bundles.items():
        bundle.model.save(tmp_path / f"{name}.keras")
        expected.update({f"{name}/{t}": to_np(v) for t, v in bundle.model(x).items()})
    trainer.save(tmp_path / "uncertainty.keras")
    expected.update({f"uncertainty/{t}": to_np(v) for t, v in trainer(x).items()})
    expected["uncertainty/log_variance"] = to_np(trainer.weighting.log_variance)
    fresh_python(FRESH_PROCESS, tmp_path, *bundles, "uncertainty")
    got = np.load(tmp_path / "reloaded.npz")
    for key, value in expected.items():
        np.testing.assert_allclose(got[key], value, atol=1e-5, err_msg=key)
        if key.split("/")[0] in bundles:
            np.testing.assert_allclose(got[key.replace("/", "/head_")], value, atol=1e-5, err_msg=key)

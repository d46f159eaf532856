"""Multi-modal fusion (seed 001): merges against their formulas, modality dropout, doors, data, MFAS."""

import json

import keras
import numpy as np
import pytest

from keras_recipes.datasets.multimodal import (
    MODALITIES, load_multimodal_digits, multimodal_digits_arrays, without_modality,
)
from keras_recipes.multitask import (
    FusionBundle, GatedFusion, ModalityDropout, MultiplicativeMerge, early_fusion,
    intermediate_fusion, late_fusion,
)

MODS = {"image": (4, 8, 1), "profile": (12,)}


def _softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _inputs(n=6, seed=0):
    rng = np.random.default_rng(seed)
    return {"image": rng.random((n, 4, 8, 1)).astype("float32"),
            "profile": rng.random((n, 12)).astype("float32")}


def test_late_product_fusion_is_the_normalised_product_of_probabilities():
    rng = np.random.default_rng(0)
    logits = [rng.normal(size=(5, 4)).astype("float32") for _ in range(3)]
    g = [_softmax(z.astype("float64")) for z in logits]
    product = g[0] * g[1] * g[2]
    got = np.asarray(MultiplicativeMerge("sum")(logits))
    np.testing.assert_allclose(got, product / product.sum(-1, keepdims=True), atol=1e-5)
    # given weights q_i: the normalised weighted product prod g_i^q_i
    q = [2.0, 0.5, 0.0]
    weighted = g[0] ** 2.0 * g[1] ** 0.5
    np.testing.assert_allclose(np.asarray(MultiplicativeMerge("weighted", weights=q)(logits)),
                               weighted / weighted.sum(-1, keepdims=True), atol=1e-5)
    # beta form: sum_i [prod_{j != i} (1 - g_j)]^beta log g_i, softmax-normalised
    beta = 2.0
    score = sum(np.prod([1 - g[j] for j in range(3) if j != i], axis=0) ** beta * np.log(g[i])
                for i in range(3))
    np.testing.assert_allclose(np.asarray(MultiplicativeMerge("beta", beta=beta)(logits)),
                               _softmax(score), atol=1e-5)


def test_late_fusion_model_merges_its_modality_heads():
    bundle = late_fusion(MODS, 5, width=6)
    x = _inputs()
    bottlenecks = bundle.encoder(x)
    per_modality = [bundle.head.get_layer(f"{m}_logits")(h) for m, h in zip(MODS, bottlenecks)]
    g = [_softmax(np.asarray(z, "float64")) for z in per_modality]
    expected = g[0] * g[1] / (g[0] * g[1]).sum(-1, keepdims=True)
    np.testing.assert_allclose(bundle.model.predict(x, verbose=0), expected, atol=1e-5)
    # encoders[m] is the same encoder (same weights) the model runs
    np.testing.assert_allclose(bundle.encoders["profile"](x["profile"]), bottlenecks[1], atol=1e-6)


def test_learned_merge_weights_start_equal_and_move_in_training():
    bundle = late_fusion(MODS, 10, width=8, merge="weighted")
    merge = bundle.head.get_layer("multiplicative_merge")
    np.testing.assert_allclose(merge.modality_weights(), [1.0, 1.0])
    x, y = multimodal_digits_arrays()
    bundle.model.compile(keras.optimizers.Adam(0.05), "sparse_categorical_crossentropy",
                         run_eagerly=True)
    bundle.model.fit({m: v[:256] for m, v in x.items()}, y[:256], epochs=1, batch_size=64,
                     verbose=0)
    q = np.asarray(merge.modality_weights())
    assert abs(q.sum() - 2.0) < 1e-5 and abs(q[0] - q[1]) > 1e-3


def test_modality_dropout_drops_whole_modalities_at_the_rate_never_all():
    layer = ModalityDropout(rate=0.3, seed=3)
    n = 20000
    parts = [np.ones((n, 2, 2), "float32"), np.ones((n, 5), "float32"), np.ones((n, 1), "float32")]
    out = [np.asarray(o).reshape(n, -1) for o in layer(parts, training=True)]
    for o in out:
        assert set(np.unique(o.min(1) == o.max(1))) == {True}  # a row is all kept or all zero
        assert abs((o[:, 0] == 0).mean() - 0.3) < 0.015
    kept = np.stack([o[:, 0] for o in out], 1)
    assert kept.sum(1).min() >= 2  # at most one missing, never all
    for a, b in zip(layer(parts, training=False), parts):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="rate must be at most 1 / 3"):
        ModalityDropout(rate=0.4)(parts)
    with pytest.raises(ValueError, match="modality_dropout must be at most 1/2"):
        intermediate_fusion(MODS, 10, modality_dropout=0.6)


def test_modality_dropout_in_a_model_acts_in_training_only():
    bundle = intermediate_fusion(MODS, 10, width=8, modality_dropout=0.5, seed=1)
    x = _inputs(64)
    inference = np.asarray(bundle.model(x, training=False))
    np.testing.assert_allclose(bundle.model.predict(x, verbose=0), inference, atol=1e-6)
    trained = np.asarray(bundle.model(x, training=True))
    missing = {m: np.asarray(bundle.model({**x, m: np.zeros_like(x[m])}, training=False))
               for m in MODS}
    # with rate 1/2 and two modalities every training example misses exactly one
    for row in range(64):
        assert any(np.allclose(trained[row], missing[m][row], atol=1e-5) for m in MODS)


def test_fusion_doors_share_the_models_weights():
    x = _inputs()
    early = early_fusion(MODS, 10, width=8, projection=3)
    joined = np.concatenate([early.encoders[m](x[m]) for m in MODS], axis=1)
    assert joined.shape == (6, 6)
    middle = intermediate_fusion(MODS, 10, width=8, fused_depth=0)
    np.testing.assert_allclose(
        middle.encoder(x), np.concatenate([middle.encoders[m](x[m]) for m in MODS], 1), atol=1e-6)
    np.testing.assert_allclose(middle.head(middle.encoder(x)), middle.model(x), atol=1e-6)
    gated = intermediate_fusion(MODS, 10, width=8, fusion="gated")
    z = gated.encoder.get_layer("gated_fusion").gates([gated.encoders[m](x[m]) for m in MODS])
    np.testing.assert_allclose(np.asarray(z).sum(1), 1.0, atol=1e-5)


def test_multimodal_digits_each_modality_alone_is_clearly_below_the_pair():
    from keras_recipes.datasets.splits import stratified_partition

    x, y = multimodal_digits_arrays(seed=0)
    train, test = stratified_partition(y, (0.7, 0.3), seed=0)

    def accuracy(*names):  # a ridge least-squares classifier: quick, deterministic
        f = np.concatenate([x[m].reshape(len(y), -1) for m in names] + [np.ones((len(y), 1))], 1)
        w = np.linalg.solve(f[train].T @ f[train] + 0.1 * np.eye(f.shape[1]),
                            f[train].T @ np.eye(10)[y[train]])
        return ((f[test] @ w).argmax(1) == y[test]).mean()

    image, profile, both = accuracy("image"), accuracy("profile"), accuracy("image", "profile")
    assert 0.5 < profile < image < both - 0.1, (image, profile, both)
    again = multimodal_digits_arrays(seed=0)[0]["profile"]
    np.testing.assert_array_equal(again, x["profile"])
    assert not np.allclose(again, multimodal_digits_arrays(seed=1)[0]["profile"])
    splits = load_multimodal_digits(labelled_fraction=0.1, seed=0)
    assert len(splits.arrays["train"][1]) == 126 and splits.modalities == MODALITIES
    batch, _ = next(without_modality(splits.test, "image").as_numpy_iterator())
    assert not batch["image"].any() and batch["profile"].any()


@pytest.mark.slow
def test_mfas_search_reports_against_hand_picked(tmp_path):
    from keras_recipes.multitask.fusion_search import fusion_search, mfas_fusion

    bundle = mfas_fusion(MODS, 10, width=4, fusions=[(1, 2, "tanh"), (2, 1, "sigmoid")])
    assert [len(bundle.encoders[m](_inputs()[m])) for m in MODS] == [2, 2]
    with pytest.raises(ValueError, match="each fusion must be"):
        mfas_fusion(MODS, 10, fusions=[(3, 1, "relu")])
    splits = load_multimodal_digits(labelled_fraction=0.1)
    # one epoch per candidate: eager steps cost less than tracing (TF) or compiling (JAX) each candidate
    result = fusion_search(splits, trials=(2, 1), top_k=1, epochs=1, width=4,
                           hand_picked=("late_sum",), directory=str(tmp_path), run_eagerly=True)
    assert set(result.scores) == {"mfas", "late_sum"}
    assert len(result.search.trials) == 3
    assert result.gain == pytest.approx(result.scores["mfas"]["test"] - result.scores["late_sum"]["test"])
    assert all(len(f) == 3 and f[-1] in ("relu", "sigmoid", "tanh", "elu") for f in result.best_fusions)
    assert "late_sum" in result.table()


def test_every_fusion_builder_round_trips_in_a_fresh_process(tmp_path, fresh_python):
    from keras_recipes.multitask.fusion_search import mfas_fusion

    bundles = {
        "early": early_fusion(MODS, 10, width=4, projection=3, modality_dropout=0.5, seed=2),
        "concat": intermediate_fusion(MODS, 10, width=4),
        "gated": intermediate_fusion(MODS, 10, width=4, fusion="gated", modality_dropout=0.2),
        "late_sum": late_fusion(MODS, 10, width=4),
        "late_learned": late_fusion(MODS, 10, width=4, merge="weighted"),
        "late_given": late_fusion(MODS, 10, width=4, merge="weighted", weights=[1.5, 0.5]),
        "late_beta": late_fusion(MODS, 10, width=4, merge="beta", beta=2.0),
        "mfas": mfas_fusion(MODS, 10, width=4, fusions=[(1, 2, "elu"), (2, 2, "sigmoid")]),
    }
    x = _inputs(4)
    np.savez(tmp_path / "x.npz", **x)
    expected = {}
    for name, b in bundles.items():
        b.model.save(tmp_path / f"{name}.keras")
        expected[name] = b.model.predict(x, verbose=0).tolist()
    script = f"""
import json, numpy as np, keras, keras_recipes.saving as s
from keras_recipes.multitask import FusionBundle
s.register_custom_objects()
x = dict(np.load({str(tmp_path / 'x.npz')!r}))
out = {{}}
for name in {sorted(bundles)!r}:
    b = FusionBundle.from_model(keras.saving.load_model({str(tmp_path)!r} + "/" + name + ".keras"))
    out[name] = {{"pred": b.model.predict(x, verbose=0).tolist(), "modalities": list(b.modalities),
                  "head": np.asarray(b.head(b.encoder(x))).tolist()}}
print(json.dumps(out))
"""
    got = json.loads(fresh_python(script).strip().splitlines()[-1])
    for name in bundles:
        np.testing.assert_allclose(got[name]["pred"], expected[name], atol=1e-5)
        np.testing.assert_allclose(got[name]["head"], expected[name], atol=1e-5)
        assert got[name]["modalities"] == ["image", "profile"]

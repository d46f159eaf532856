"""Active learning (seed 001): each query strategy's mechanism, the oracle and the loop."""

import numpy as np
import pytest

from keras_recipes.data_centric import Oracle, active_learning, learning_curve_area
from keras_recipes.data_centric import query_strategies as qs


def _linear_softmax(weights):
    """A fixed softmax model on 2-D inputs, so its probabilities can be computed by hand."""
    import keras

    inputs = keras.Input((2,))
    dense = keras.layers.Dense(weights.shape[1], activation="softmax")
    model = keras.Model(inputs, dense(inputs))
    dense.set_weights([weights.astype("float32"), np.zeros(weights.shape[1], "float32")])
    return model


def _softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    return np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)


@pytest.mark.parametrize("name", ["least_confidence", "margin", "entropy"])
def test_uncertainty_strategies_pick_what_a_hand_computed_score_ranks_highest(name):
    rng = np.random.default_rng(0)
    w = rng.normal(size=(2, 3)) * 2
    pool = rng.normal(size=(40, 2)).astype("float32")
    probs = _softmax(pool @ w)
    hand = {"least_confidence": 1 - probs.max(1),
            "margin": 1 - (np.sort(probs, 1)[:, -1] - np.sort(probs, 1)[:, -2]),
            "entropy": -(probs * np.log(probs)).sum(1)}[name]
    picked = qs.STRATEGIES[name](_linear_softmax(w), pool, 5)
    assert picked.tolist() == np.argsort(-hand)[:5].tolist()


def test_the_three_uncertainty_scores_disagree_where_the_lecture_says_they_do():
    probs = np.array([[0.5, 0.49, 0.01],    # two classes tied: margin's favourite
                      [0.4, 0.3, 0.3]])     # flat: least confidence's and entropy's favourite
    assert qs.margin_scores(probs).argmax() == 0
    assert qs.least_confidence_scores(probs).argmax() == 1
    assert qs.entropy_scores(probs).argmax() == 1
    np.testing.assert_allclose(qs.entropy_scores([[0.5, 0.5]]), [np.log(2)])


def test_diversity_layer_separates_a_shifted_pool():
    rng = np.random.default_rng(0)
    validation = rng.normal(size=(60, 4))
    pool = rng.normal(size=(80, 4))
    pool[:20, :2] += 3.0                      # 20 pool items unlike anything in validation
    scores, layer = qs.validation_vs_pool_scores(pool, validation, steps=150, seed=0)
    assert layer.layers[-1].name == "validation_vs_pool"   # a new binary layer
    assert scores[:20].min() > np.median(scores[20:])
    assert set(qs.top_n(scores, 10).tolist()) <= set(range(20))


def test_k_center_greedy_picks_the_farthest_point_then_covers_the_next_gap():
    features = np.array([[0.0], [1.0], [5.0], [9.0], [10.0]])
    assert qs.k_center_greedy_indices(features, np.array([[0.0]]), 2).tolist() == [4, 2]


def test_atlas_samples_where_the_error_model_predicts_mistakes_and_adapts_within_a_round():
    rng = np.random.default_rng(0)
    hidden_val = rng.normal(size=(120, 2))
    wrong = hidden_val[:, 0] > 1.0                     # the classifier fails on the right
    pool = rng.normal(size=(200, 2))
    pool[:30, 0] = rng.uniform(2.0, 2.6, 30)           # a tight error cluster ...
    pool[:30, 1] = rng.uniform(-0.1, 0.1, 30)
    pool[30:40, 0] = rng.uniform(1.2, 3.0, 10)         # ... and a wider error region
    pool[30:40, 1] = rng.uniform(-3.0, 3.0, 10)
    pool[40:, 0] = np.minimum(pool[40:, 0], 0.5)
    all_at_once = qs.atlas_indices(pool, hidden_val, wrong, 12, adaptive_steps=1, seed=0)
    adaptive = qs.atlas_indices(pool, hidden_val, wrong, 12, adaptive_steps=4, seed=0)
    assert (pool[all_at_once, 0] > 1.0).all() and (pool[adaptive, 0] > 1.0).all()
    # items assumed labelled (hence "correct") push later picks away from the ones already taken
    assert np.std(pool[adaptive, 1]) > np.std(pool[all_at_once, 1])


def test_oracle_reveals_only_what_it_is_asked_and_refuses_to_be_asked_twice():
    oracle = Oracle(np.array([7, 8, 9]))
    assert oracle.label([2]).tolist() == [9] and oracle.queries == 1
    with pytest.raises(ValueError, match="asked twice"):
        oracle.label([2])


def test_learning_curve_area_is_the_mean_height_of_the_trapezoids():
    assert learning_curve_area([0, 10, 30], [0.0, 1.0, 1.0]) == pytest.approx((5 + 20) / 30)


def _blobs(seed=0):
    rng = np.random.default_rng(seed)
    centres = np.array([[0, 0], [3, 0], [0, 3]], dtype="float32")
    y = rng.integers(0, 3, 400)
    x = (centres[y] + rng.normal(scale=0.9, size=(400, 2))).astype("float32")
    return {"train": (x[:250], y[:250]), "validation": (x[250:320], y[250:320]), "test": (x[320:], y[320:])}


def test_loop_grows_the_labelled_set_by_the_budget_and_never_asks_twice():
    result = active_learning(_blobs(), strategies=("random", "least_confidence", "k_center_greedy", "atlas"),
                             encoder=None, initial=6, per_round=5, rounds=3, steps=40, verbose=0)
    for name, (labels, accuracy) in result.curves.items():
        assert labels.tolist() == [6, 11, 16, 21]
        asked = np.concatenate(result.picks[name])
        assert len(np.unique(asked)) == len(asked) == 15
        assert 0.5 < accuracy[-1] <= 1.0
    assert result.gains()["random"] == 0.0
    assert "least_confidence" in result.table()
    assert len(result.plot().axes[0].lines) == 4


def test_loop_validates_its_arguments():
    with pytest.raises(ValueError, match="strategies must be names"):
        active_learning(_blobs(), strategies=("nope",), encoder=None)
    with pytest.raises(ValueError, match="pool size"):
        active_learning(_blobs(), strategies=("random",), encoder=None, initial=200, per_round=50, rounds=2)
    with pytest.raises(TypeError, match="per_round must be a positive int"):
        active_learning(_blobs(), strategies=("random",), encoder=None, per_round=2.5)
    with pytest.raises(ValueError, match="end_to_end=True needs an encoder"):
        active_learning(_blobs(), strategies=("random",), encoder=None, end_to_end=True)

    def bad(model, pool, n, **kwargs):
        return np.zeros(n, dtype=int)

    with pytest.raises(ValueError, match="distinct indices"):
        active_learning(_blobs(), strategies=(bad,), encoder=None, initial=5, per_round=3, rounds=1, steps=5,
                        verbose=0)


@pytest.mark.slow
def test_default_loop_runs_on_cached_reference_features(tmp_path):
    """The default path: reference backbone -> FeatureCache -> head (slow: loads and runs the backbone)."""
    from keras_recipes.datasets import load_digits

    data = load_digits(image_size=16, classes=(5, 6, 7, 8, 9), seed=0)
    result = active_learning(data, strategies=("random", "margin"), initial=10, per_round=10, rounds=1,
                             steps=40, cache_dir=str(tmp_path), verbose=0)
    assert result.mode == "cached"
    assert any(tmp_path.iterdir())                       # the features went through the FeatureCache
    assert result.curves["margin"][1][-1] > 0.5          # transfer from digits 0-4 helps on 5-9

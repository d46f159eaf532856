"""Search-space specs, the narrowing rule, key routing and the project manifest (no training)."""

import functools
import math

import keras_tuner
import pytest

from keras_recipes.tuning import (
    BundleHyperModel, Choice, Conditional, Fixed, Float, Int, beam_spaces, from_hyperparameters, narrow_space,
    to_hyperparameters,
)
from keras_recipes.tuning.narrowing import envelope
from keras_recipes.tuning.project import Project
from keras_recipes.tuning.space import check_values, space_from_json, space_to_json
from keras_recipes.zoo import vgg

SPACE = {
    "lr": Float(1e-4, 1e-1, log=True),
    "width": Int(4, 64, log=True),
    "dropout": Float(0.0, 0.5),
    "blocks": Int(1, 9, step=2),
    "opt": Choice(["adam", "sgd", "rmsprop"]),
    "act": Choice(["relu", "gelu"]),
    "depth": Int(1, 4),
    "fixed": Fixed(3),
}
TOP = [
    {"lr": 1e-3, "width": 8, "dropout": 0.1, "blocks": 3, "opt": "sgd", "act": "relu", "depth": 2},
    {"lr": 1e-2, "width": 32, "dropout": 0.3, "blocks": 5, "opt": "adam", "act": "relu", "depth": 2},
]


def test_narrowing_rule_on_known_top_k():
    new = narrow_space(SPACE, TOP, margin=0.25)
    # log scale: span 1 decade, widened by a quarter decade on each side
    assert new["lr"].log and new["lr"].min_value == pytest.approx(10**-3.25)
    assert new["lr"].max_value == pytest.approx(10**-1.75)
    # log Int: [8/sqrt(2), 32*sqrt(2)] = [5.66, 45.25], rounded outwards
    assert new["width"] == Int(5, 46, log=True)
    assert new["dropout"].min_value == pytest.approx(0.05)
    assert new["dropout"].max_value == pytest.approx(0.35) and not new["dropout"].log
    # [2.5, 5.5] aligned outwards to the grid 1, 3, 5, ...
    assert new["blocks"] == Int(1, 7, step=2)
    assert new["opt"] == Choice(["adam", "sgd"])       # seen values, original order
    assert new["act"] == Fixed("relu")                  # top-k agree -> fixed
    assert new["depth"] == Fixed(2)
    assert new["fixed"] == Fixed(3)
    assert narrow_space(SPACE, TOP[::-1], margin=0.25) == new   # order-free


def test_narrowing_clips_to_original_bounds_and_margin_zero_is_the_span():
    space = {"dropout": Float(0.0, 0.5), "lr": Float(1e-4, 1e-1, log=True)}
    top = [{"dropout": 0.0, "lr": 1e-4}, {"dropout": 0.4, "lr": 1e-1}]
    assert narrow_space(space, top, margin=0.25) == {
        "dropout": Float(0.0, 0.5), "lr": Float(1e-4, 1e-1, log=True)}
    tight = narrow_space(space, top[:1] + [{"dropout": 0.2, "lr": 1e-3}], margin=0)
    assert tight["dropout"] == Float(0.0, 0.2)
    assert tight["lr"].min_value == pytest.approx(1e-4) and tight["lr"].max_value == pytest.approx(1e-3)


def test_narrowing_rejects_bad_arguments():
    with pytest.raises(ValueError, match="top_values"):
        narrow_space(SPACE, [])
    with pytest.raises(ValueError, match="margin"):
        narrow_space(SPACE, TOP, margin=-0.1)


@pytest.mark.parametrize("make, error, match", [
    (lambda: Int(8, 4), ValueError, "min_value < max_value"),
    (lambda: Float(0.0, 1.0, log=True), ValueError, "log=True needs min_value > 0"),
    (lambda: Float(0.1, math.inf), ValueError, "finite"),
    (lambda: Int(1.5, 4), TypeError, "Int.min_value must be an int"),
    (lambda: Choice([]), ValueError, "must not be empty"),
    (lambda: Choice(["a", 1]), TypeError, "one type"),
    (lambda: Choice(["a", "a"]), ValueError, "distinct"),
    (lambda: Int(1, 9, log=True, step=2), ValueError, "needs log=False"),
])
def test_bad_specs_fail_at_the_door(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_specs_round_trip_through_keras_tuner_and_json():
    hps = to_hyperparameters(SPACE)
    assert [hp.name for hp in hps.space] == list(SPACE)
    assert from_hyperparameters(hps) == SPACE
    assert space_from_json(space_to_json(SPACE)) == SPACE


def test_hypermodel_routes_keys_and_rejects_unknown_ones():
    builder = functools.partial(vgg, input_shape=(8, 8, 1), depth=(1,))
    with pytest.raises(ValueError, match=r"\['widht'\] are not arguments of vgg\(\)"):
        BundleHyperModel(builder, {"widht": Int(4, 8)})

    def two_phase(bundle, *fit_args, head_learning_rate=1e-3, unfreeze=0, **fit_kwargs):
        raise AssertionError("not called here")

    hm = BundleHyperModel(builder, {"width": Int(4, 8), "head_learning_rate": Float(1e-4, 1e-2),
                                    "unfreeze": Int(0, 3)}, train=two_phase)
    assert hm.split({"width": 4, "head_learning_rate": 1e-3, "unfreeze": 2}) == (
        {"width": 4}, {"head_learning_rate": 1e-3, "unfreeze": 2})


def test_callable_space_uses_keras_tuner_hp_calls():
    builder = functools.partial(vgg, input_shape=(8, 8, 1), depth=(1,))
    hm = BundleHyperModel(builder, lambda hp: {
        "width": hp.Int("width", 4, 16, sampling="log"),
        "learning_rate": hp.Float("learning_rate", 1e-4, 1e-2, sampling="log")})
    assert hm.declared_space() == {"width": Int(4, 16, log=True),
                                   "learning_rate": Float(1e-4, 1e-2, log=True)}
    with pytest.raises(ValueError, match="not arguments"):
        BundleHyperModel(builder, lambda hp: {"nope": hp.Int("nope", 1, 2)})


def test_warm_start_values_are_checked_against_the_space():
    assert check_values({"width": 8}, SPACE) == {"width": 8}
    with pytest.raises(ValueError, match=r"warm\['width'\]=128 lies outside"):
        check_values({"width": 128}, SPACE, "warm")
    with pytest.raises(ValueError, match=r"names \['nope'\]"):
        check_values({"nope": 1}, SPACE, "warm")


def test_project_detects_an_edited_space_and_restart_starts_over(tmp_path):
    root = str(tmp_path / "p")
    settings = {"space": space_to_json(SPACE), "objective": "val_accuracy", "trials": [4, 4]}
    Project.open(root, settings).record_round(0, space_to_json(SPACE))
    resumed = Project.open(root, settings)
    assert resumed.round_space(0) == space_to_json(SPACE)
    edited = {**settings, "space": space_to_json({**SPACE, "lr": Float(1e-5, 1e-1, log=True)}),
              "objective": "val_loss"}
    with pytest.raises(ValueError, match=r"objective, space changed.*on_change='restart'"):
        Project.open(root, edited)
    restarted = Project.open(root, edited, on_change="restart")
    assert restarted.round_space(0) is None
    assert Project.open(root, edited).settings["objective"] == "val_loss"
    with pytest.raises(ValueError, match="on_change"):
        Project.open(root, edited, on_change="ignore")


# Conditional choices (issue 17, A13): KerasTuner's conditional scopes as data.
COND = {
    "groups": Choice([1, 2]),
    "g1_kernel": Choice([3, 5]),
    "g2_block": Conditional(Choice(["plain", "inverted"]), {"groups": [2]}),
    "g2_expansion": Conditional(Int(2, 8), {"groups": [2], "g2_block": ["inverted"]}),
    "lr": Float(1e-4, 1e-1, log=True),
}


def test_conditional_specs_round_trip_and_keras_tuner_samples_them_only_where_active():
    hps = to_hyperparameters(COND)
    assert from_hyperparameters(hps) == COND
    assert space_from_json(space_to_json(COND)) == COND
    assert [c.name for c in hps._hps["g2_expansion"][0].conditions] == ["groups", "g2_block"]
    oracle = keras_tuner.oracles.RandomSearchOracle(objective="val_loss", max_trials=40, hyperparameters=hps, seed=3)
    draws = [oracle._random_values() for _ in range(40)]
    for values in draws:  # a choice is recorded exactly when its condition holds
        assert ("g2_block" in values) == (values["groups"] == 2)
        assert ("g2_expansion" in values) == (values.get("g2_block") == "inverted")
    assert {v["groups"] for v in draws} == {1, 2} and any("g2_expansion" in v for v in draws)
    hm = BundleHyperModel(functools.partial(vgg, input_shape=(8, 8, 1), depth=(1,)),
                          {"width": Int(4, 8), "norm": Conditional(Choice(["batch", "layer"]), {"width": [8]})})
    hp = keras_tuner.HyperParameters()
    hp.values["width"] = 4
    assert hm.values(hp) == {"width": 4}  # the inactive choice is not handed to the builder


@pytest.mark.parametrize("space, match", [
    ({"g2_block": COND["g2_block"], "groups": Choice([1, 2])}, "must be declared before it"),
    ({"groups": Choice([1, 2]), "g2_block": Choice(["plain", "inverted"]), "g2_expansion": COND["g2_expansion"]},
     "parent 'g2_block' is declared under the conditions"),
])
def test_conditional_parents_must_come_first_and_nest_as_keras_tuner_does(space, match):
    with pytest.raises(ValueError, match=match):
        to_hyperparameters(space)


def test_narrowing_reads_a_conditional_choice_only_from_trials_where_it_was_active():
    top = [{"groups": 2, "g1_kernel": 3, "g2_block": "inverted", "g2_expansion": 4, "lr": 1e-3},
           {"groups": 1, "g1_kernel": 5, "g2_block": "plain", "g2_expansion": 8, "lr": 1e-2},  # stale records
           {"groups": 2, "g1_kernel": 3, "g2_block": "plain", "lr": 1e-3}]
    new = narrow_space(COND, top, margin=0)
    assert new["g2_block"] == Conditional(Choice(["plain", "inverted"]), {"groups": [2]})
    # active only in the first trial: fixed to its 4, not spanning the inactive 8 of the second
    assert new["g2_expansion"] == Conditional(Fixed(4), {"groups": [2], "g2_block": ["inverted"]})
    assert narrow_space(COND, top[1:2])["g2_block"] == COND["g2_block"]  # never active: kept
    first, second = beam_spaces(COND, top[:2], spread=2.0)
    assert first["g2_expansion"] == Conditional(Int(2, 8), {"groups": [2], "g2_block": ["inverted"]})
    assert first["g2_block"].spec == Fixed("inverted") and second["g2_block"] == COND["g2_block"]
    assert second["g2_expansion"] == COND["g2_expansion"]  # inactive in that trial: not narrowed around 8
    assert envelope(COND, [first, second])["g2_block"] == COND["g2_block"]

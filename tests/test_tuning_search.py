"""guided_search in one process: warm start, narrowing between rounds, best model, resume checks."""

import functools
import json

import keras_tuner
import numpy as np
import pytest

from keras_recipes.datasets import load_digits
from keras_recipes.tuning import (
    BundleHyperModel, Choice, Float, Int, beam_spaces, compile_and_fit, guided_search,
    narrow_space,
)
from keras_recipes.tuning.search import top_values
from keras_recipes.tuning.space import space_to_json
from keras_recipes.zoo import vgg

WARM = {"width": 6, "learning_rate": 3e-3, "optimizer": "adam"}


def _hypermodel(space=None):
    builder = functools.partial(vgg, input_shape=(8, 8, 1), depth=(1,))
    return BundleHyperModel(builder, space or {
        "width": Int(4, 8), "learning_rate": Float(1e-4, 1e-1, log=True),
        "optimizer": Choice(["adam", "sgd"])})


@pytest.fixture(scope="module")
def splits():
    return load_digits(image_size=8, batch_size=64)


def _search(splits, directory, hypermodel=None, **kwargs):
    kwargs = {"trials": (3, 2), "top_k": 2, "warm_start": [WARM], **kwargs}
    return guided_search(hypermodel or _hypermodel(), splits.train,
                         validation_data=splits.validation, epochs=1, steps_per_epoch=2,
                         run_eagerly=True, directory=str(directory),
                         project_name="p", verbose=0, **kwargs)


@pytest.fixture(scope="module")
def searched(splits, tmp_path_factory):
    directory = tmp_path_factory.mktemp("guided")
    return directory, _search(splits, directory)


def test_warm_start_runs_first_and_round_one_is_the_beam(searched):
    directory, result = searched
    assert result.trials[0]["round"] == 0 and result.trials[0]["trial_id"] == "0"
    assert {k: result.trials[0][k] for k in WARM} == WARM
    top = top_values(result.tuners[0], 2)
    beam = beam_spaces(result.spaces[0], top)
    assert [p["space"] for p in result.neighbourhoods[1]] == beam
    round1 = [t for t in result.trials if t["round"] == 1]
    assert [t["neighbourhood"] for t in round1] == [0, 1]   # one trial in each neighbourhood
    assert all(beam[t["neighbourhood"]][k].contains(t[k]) for t in round1 for k in beam[0])
    manifest = json.loads((directory / "p" / "guided_search.json").read_text())
    assert manifest["rounds"]["0"] == space_to_json(result.spaces[0])
    assert [p["space"] for p in manifest["rounds"]["1"]] == [space_to_json(b) for b in beam]


def test_hull_narrowing_searches_one_space_around_the_top_k(splits, tmp_path):
    result = _search(splits, tmp_path, trials=(2, 1), warm_start=[], narrowing="hull")
    top = top_values(result.tuners[0], 2)
    assert result.spaces[1] == narrow_space(result.spaces[0], top, margin=0.25)
    assert len(result.tuners) == 2 and result.trials[-1]["neighbourhood"] is None
    assert all(result.spaces[1][k].contains(result.trials[-1][k]) for k in result.spaces[1])


def test_best_model_is_the_best_trial_restored(searched, splits):
    _, result = searched
    scores = [t["score"] for t in result.trials]
    best_row = result.trials[int(np.argmax(scores))]
    assert result.best_hyperparameters == {k: best_row[k] for k in result.spaces[0]}
    x, y = splits.arrays["validation"]
    accuracy = np.mean(np.argmax(result.best_model.predict(x, verbose=0), axis=-1) == y)
    assert accuracy == pytest.approx(max(scores), abs=1e-6)
    assert result.best_bundle.encoder.output.shape[-1] == best_row["width"]
    assert len(result.table().splitlines()) == 1 + 5
    assert len(result.plot().axes[0].collections) == 2   # one scatter per round


def test_resume_reloads_every_round_without_new_trials(searched, splits):
    directory, result = searched
    again = _search(splits, directory)
    assert again.trials == result.trials
    assert again.spaces == result.spaces


def test_resume_with_edited_space_or_objective_is_an_error(searched, splits):
    directory, _ = searched
    edited = _hypermodel({"width": Int(4, 16), "learning_rate": Float(1e-4, 1e-1, log=True),
                          "optimizer": Choice(["adam", "sgd"])})
    with pytest.raises(ValueError, match=r"\(space changed\).*Int"):
        _search(splits, directory, hypermodel=edited)
    with pytest.raises(ValueError, match=r"direction, objective changed"):
        _search(splits, directory, objective="val_loss")


def test_objective_is_checked_before_the_first_trial(splits, tmp_path):
    with pytest.raises(ValueError, match=r"'val_auc' is not logged.*"
                                         r"\['accuracy', 'loss', 'val_accuracy', 'val_loss'\]"):
        _search(splits, tmp_path, objective=keras_tuner.Objective("val_auc", "max"))
    assert not list((tmp_path / "p").glob("round0/trial_*"))


def test_bad_search_arguments_fail_at_the_door(splits, tmp_path):
    with pytest.raises(ValueError, match="top_k must not exceed"):
        guided_search(_hypermodel(), splits.train, trials=(3, 3), top_k=5)
    with pytest.raises(ValueError, match=r"warm_start\[0\]\['width'\]=64 lies outside"):
        guided_search(_hypermodel(), splits.train, warm_start=[{"width": 64}],
                      directory=str(tmp_path))
    with pytest.raises(ValueError, match="oracle must be one of"):
        guided_search(_hypermodel(), splits.train, oracle="grid")
    with pytest.raises(ValueError, match=r"num_initial_points applies to oracle='bayesian' only"):
        guided_search(_hypermodel(), splits.train, num_initial_points=2)
    with pytest.raises(ValueError, match="num_initial_points must be a positive"):
        guided_search(_hypermodel(), splits.train, oracle="bayesian", num_initial_points=0)


@pytest.mark.filterwarnings("ignore:The optimal value found")  # scikit-learn's GP on 2 points
def test_bayesian_rounds_get_num_initial_points_and_a_warning_when_they_are_random(splits, tmp_path):
    # KerasTuner's default: 3 x 3 hyperparameters = 9 random trials, more than round 0's 3.
    with pytest.warns(UserWarning, match=r"first 9 trials .* round 0 runs 3, so it is random search"):
        with pytest.raises(ValueError, match="is not logged"):  # stops before any trial
            _search(splits, tmp_path / "a", oracle="bayesian", objective="val_auc")
    result = _search(splits, tmp_path / "b", oracle="bayesian", num_initial_points=2, trials=(3,),
                     top_k=1)
    oracle = result.tuners[0].oracle
    assert isinstance(oracle, keras_tuner.oracles.BayesianOptimizationOracle)
    assert oracle.num_initial_points == 2 and len(result.trials) == 3
    with pytest.raises(ValueError, match="num_initial_points changed"):
        _search(splits, tmp_path / "b", oracle="bayesian", num_initial_points=1, trials=(3,), top_k=1)


def test_a_two_phase_trainer_plugs_in_like_the_transfer_fine_tune(splits):
    seen = {}

    def two_phase(bundle, train, *, head_learning_rate=1e-3, unfreeze=0, callbacks=(), **kwargs):
        seen.update(bundle=bundle, head_learning_rate=head_learning_rate, unfreeze=unfreeze)
        bundle.encoder.trainable = False
        compile_and_fit(bundle, train, learning_rate=head_learning_rate, steps_per_epoch=1,
                        run_eagerly=True, verbose=0)
        bundle.encoder.trainable = True
        return compile_and_fit(bundle, train, learning_rate=head_learning_rate / 10,
                               callbacks=callbacks, run_eagerly=True, **kwargs)

    builder = functools.partial(vgg, input_shape=(8, 8, 1), depth=(1,))
    hm = BundleHyperModel(builder, {"width": Choice([5]), "head_learning_rate": Float(1e-3, 1e-2),
                                    "unfreeze": Int(1, 3)}, train=two_phase)
    hp = keras_tuner.HyperParameters()
    model = hm.build(hp)
    history = hm.fit(hp, model, splits.train, validation_data=splits.validation,
                     steps_per_epoch=1, verbose=0)
    assert seen["bundle"].model is model and seen["bundle"].encoder.output.shape[-1] == 5
    assert (seen["head_learning_rate"], seen["unfreeze"]) == (1e-3, 1)   # the space's defaults
    assert "val_accuracy" in history.history

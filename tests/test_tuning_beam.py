"""The beam of diagram A8 (issue 13): neighbourhoods, longer rounds, searchable keys, clear errors."""

import functools
import math

import pytest

from keras_recipes.datasets import load_digits
from keras_recipes.tuning import (
    BundleHyperModel, Choice, Fixed, Float, Int, beam_spaces, compile_and_fit, guided_search,
)
from keras_recipes.tuning.project import Project
from keras_recipes.zoo import vgg

TINY = functools.partial(vgg, input_shape=(8, 8, 1), num_classes=10, width=4, depth=(1,))


def test_each_kept_trial_gets_its_own_half_to_twice_neighbourhood():
    space = {"lr": Float(1e-4, 1e-1, log=True), "dropout": Float(0.0, 0.5),
             "width": Int(4, 64, step=4), "opt": Choice(["adam", "sgd"]), "depth": Fixed(2)}
    top = [{"lr": 1e-3, "dropout": 0.1, "width": 16, "opt": "adam", "depth": 2},
           {"lr": 0.08, "dropout": 0.4, "width": 40, "opt": "sgd", "depth": 2}]
    first, second = beam_spaces(space, top)
    assert (first["lr"].min_value, first["lr"].max_value) == pytest.approx((5e-4, 2e-3))
    assert first["lr"].log
    # log scale: the window is symmetric around the value in log space
    assert math.log(first["lr"].max_value / 1e-3) == pytest.approx(math.log(1e-3 / first["lr"].min_value))
    assert (first["dropout"].min_value, first["dropout"].max_value) == pytest.approx((0.05, 0.2))
    assert (first["width"].min_value, first["width"].max_value) == (8, 32)
    assert first["opt"] == Fixed("adam") and second["opt"] == Fixed("sgd")
    assert (second["lr"].min_value, second["lr"].max_value) == pytest.approx((0.04, 0.1))  # clipped
    assert (second["width"].min_value, second["width"].max_value) == (20, 64)
    assert second["depth"] == Fixed(2)
    wide = beam_spaces(space, top[:1], spread=4.0)[0]
    assert (wide["lr"].min_value, wide["lr"].max_value) == pytest.approx((2.5e-4, 4e-3))
    with pytest.raises(ValueError, match="spread"):
        beam_spaces(space, top, spread=1.0)


def test_a_changed_space_error_lists_only_the_keys_that_differ(tmp_path):
    def settings(width):
        return {"space": {"lr": {"class": "Float", "min_value": 1e-4},
                          "width": {"class": "Int", "max_value": width},
                          "opt": {"class": "Choice", "values": ["adam", "sgd"]}},
                "seed": 0}

    Project.open(str(tmp_path), settings(32))
    with pytest.raises(ValueError) as info:
        Project.open(str(tmp_path), settings(64))
    message = str(info.value)
    assert "'width'" in message and "'lr'" not in message and "'opt'" not in message


def test_rounds_can_train_longer_and_weight_decay_batch_size_are_searchable(tmp_path):
    data = load_digits(image_size=8)
    seen = []

    def train(bundle, *args, epochs=1, weight_decay=None, batch_size=None, callbacks=(), **kw):
        if callbacks:   # a trial (the objective check runs without callbacks)
            seen.append((epochs, weight_decay, batch_size))
        return compile_and_fit(bundle, *args, epochs=epochs, weight_decay=weight_decay,
                               batch_size=batch_size, callbacks=callbacks, run_eagerly=True,
                               **kw)

    hypermodel = BundleHyperModel(TINY, {"weight_decay": Float(1e-5, 1e-3, log=True),
                                         "batch_size": Choice([64, 128])}, train=train)
    result = guided_search(hypermodel, data.train.take(2), validation_data=data.validation.take(1),
                           trials=(1, 1), top_k=1, round_epochs=(1, 2), epochs=5,
                           directory=str(tmp_path), verbose=0)
    assert [epochs for epochs, _, _ in seen] == [1, 2]
    assert all(1e-5 <= wd <= 1e-3 and bs in (64, 128) for _, wd, bs in seen)
    assert len(result.trials) == 2
    with pytest.raises(ValueError, match="round_epochs"):
        guided_search(hypermodel, data.train, trials=(1, 1), top_k=1, round_epochs=(1,),
                      directory=str(tmp_path / "other"))


def test_narrowed_rounds_split_their_trials_among_separate_neighbourhoods(tmp_path):
    # Two warm starts far apart (learning rates 2e-4 and 5e-2) are made round 0's best by the
    # trainer's reported score; the beam must refine around each of them separately: 2 trials
    # each (a single hull would sample the whole range between them, and have no neighbourhoods).
    data = load_digits(image_size=8, batch_size=64)
    best = {2e-4: 0.9, 5e-2: 0.8}

    def train(bundle, *args, learning_rate=1e-3, optimizer="adam", callbacks=(), **kw):
        history = compile_and_fit(bundle, *args, learning_rate=learning_rate, optimizer=optimizer,
                                  callbacks=callbacks, run_eagerly=True, **kw)
        if not callbacks:   # the objective check
            return history
        return {"val_accuracy": best.get(learning_rate, 0.1)}

    hypermodel = BundleHyperModel(TINY, {"learning_rate": Float(1e-4, 1e-1, log=True),
                                         "optimizer": Choice(["adam", "sgd"])}, train=train)
    warm = [{"learning_rate": 2e-4, "optimizer": "sgd"}, {"learning_rate": 5e-2, "optimizer": "adam"}]
    result = guided_search(hypermodel, data.train, validation_data=data.validation.take(1),
                           steps_per_epoch=1, trials=(3, 4), top_k=2, warm_start=warm,
                           directory=str(tmp_path), verbose=0)
    first = [t for t in result.trials if t["round"] == 0]
    labels = {t["learning_rate"]: f"r0:{t['trial_id']}" for t in first}
    beam = [t for t in result.trials if t["round"] == 1]
    assert [t["neighbourhood"] for t in beam] == [0, 0, 1, 1]
    assert [t["around"] for t in beam] == [labels[2e-4]] * 2 + [labels[5e-2]] * 2
    for t, (centre, optimizer) in zip(beam, [(2e-4, "sgd")] * 2 + [(5e-2, "adam")] * 2):
        assert centre / 2 <= t["learning_rate"] <= centre * 2 and t["optimizer"] == optimizer
    # nothing between the two windows, where the hull [1e-4, 1e-1] would put most trials
    assert not [t for t in beam if 4e-4 < t["learning_rate"] < 2.5e-2]
    assert [p["around"] for p in result.neighbourhoods[1]] == [labels[2e-4], labels[5e-2]]
    assert result.spaces[1]["learning_rate"] == Float(1e-4, 0.1, log=True)   # the envelope
    assert result.spaces[1]["optimizer"] == Choice(["adam", "sgd"])
    table = result.table().splitlines()
    assert table[0].split()[:5] == ["round", "trial", "tuner", "from", "val_accuracy"]
    assert [line.split()[3] for line in table[-4:]] == [labels[2e-4]] * 2 + [labels[5e-2]] * 2

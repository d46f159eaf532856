"""Every schedule survives a .keras round trip of a compiled model, in a fresh process."""

import json

import keras
import numpy as np
import pytest

from keras_recipes import schedules

PROBE_STEPS = [0, 3, 17, 60, 140]


def all_schedules():
    return {
        "constant": schedules.Constant(0.01),
        "cosine": schedules.cosine_decay(0.1, 100, final_learning_rate=0.001),
        "cosine_restarts": schedules.cosine_restarts(0.1, 20, peak_decay=0.5),
        "step": schedules.step_decay(0.1, 30),
        "linear": schedules.linear_decay(0.1, 100),
        "inverse_sqrt": schedules.InverseSqrtDecay(0.1, hold_steps=5),
        "one_cycle": schedules.OneCycle(0.1, 100, anneal="linear"),
        "cyclical": schedules.TriangularCyclical(0.001, 0.01, 25, mode="triangular2"),
        "warmup_restarts": schedules.Warmup(
            schedules.cosine_restarts(0.1, 20), 10, initial_learning_rate=1e-3, mode="exponential"
        ),
        "warmup_one_cycle": schedules.Warmup(schedules.OneCycle(0.1, 100), 5),
    }


@pytest.mark.slow
def test_compiled_models_round_trip_in_a_fresh_process(tmp_path, fresh_python):
    x = np.random.default_rng(0).normal(size=(8, 3)).astype("float32")
    expected = {}
    for name, schedule in all_schedules().items():
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        model.compile(optimizer=keras.optimizers.SGD(schedule), loss="mse")
        model.train_on_batch(x, np.zeros((8, 2), "float32"))
        model.save(tmp_path / f"{name}.keras")
        expected[name] = {
            "class": type(schedule).__name__,
            "rates": [float(schedule(s)) for s in PROBE_STEPS],
            "pred": model.predict(x, verbose=0).tolist(),
        }
    script = f"""
import json, sys, numpy as np, keras
import keras_recipes.schedules
x = np.random.default_rng(0).normal(size=(8, 3)).astype("float32")
out = {{}}
for name in {sorted(expected)!r}:
    model = keras.saving.load_model({str(tmp_path)!r} + "/" + name + ".keras")
    s = keras.optimizers.schedules.deserialize(model.optimizer.get_config()["learning_rate"])
    out[name] = {{"class": type(s).__name__, "rates": [float(s(t)) for t in {PROBE_STEPS!r}],
                 "pred": model.predict(x, verbose=0).tolist()}}
print("RESULT" + json.dumps(out))
"""
    got = json.loads(fresh_python(script, timeout=240).split("RESULT", 1)[1])
    assert sorted(got) == sorted(expected)
    for name in expected:
        assert got[name]["class"] == expected[name]["class"], name
        np.testing.assert_allclose(got[name]["rates"], expected[name]["rates"], rtol=1e-6, err_msg=name)
        np.testing.assert_array_equal(got[name]["pred"], expected[name]["pred"], err_msg=name)

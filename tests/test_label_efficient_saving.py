"""Every label-efficient model class survives a .keras round trip in a fresh process."""

import json
import os
import subprocess
import sys

import keras
import numpy as np

from keras_recipes.augment.views import strong_view, weak_view
from keras_recipes.label_efficient.consistency import UDA, FixMatch
from keras_recipes.label_efficient.distillation import CachedDistiller
from keras_recipes.label_efficient.structured import StructuredModel
from label_efficient_helpers import images, tiny_net


def test_wrappers_round_trip_in_a_fresh_process(tmp_path):
    x = images(4, seed=9)
    CE = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    wrappers = {
        "uda": UDA(tiny_net(), weak_view(seed=1), weight=0.7, temperature=0.4, confidence=0.8),
        "fixmatch": FixMatch(tiny_net(), weak_view(seed=1), strong_view(seed=2), threshold=0.9),
        "nsl": StructuredModel(tiny_net(), weight=0.3, perturbation="adversarial", epsilon=0.02),
        "cached": CachedDistiller(tiny_net(), temperature=3.0, student_loss_weight=0.2),
    }
    expected = {}
    for name, model in wrappers.items():
        model.compile("adam", loss=CE)
        model.save(tmp_path / f"{name}.keras")
        expected[name] = model.predict(x, verbose=0).tolist()
    np.save(tmp_path / "x.npy", x)
    script = f"""
import json, numpy as np, keras, keras_recipes.saving as s
s.register_custom_objects()
x = np.load({str(tmp_path / 'x.npy')!r})
out = {{}}
for name in {sorted(wrappers)!r}:
    m = keras.saving.load_model({str(tmp_path)!r} + "/" + name + ".keras")
    cfg = m.get_config()
    out[name] = {{"pred": m.predict(x, verbose=0).tolist(), "class": type(m).__name__,
                  "cfg": {{k: cfg[k] for k in ("weight", "temperature", "confidence", "threshold", "epsilon",
                                              "perturbation", "student_loss_weight") if k in cfg}}}}
print(json.dumps(out))
"""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in [os.getcwd(), os.environ.get("PYTHONPATH", "")] if p))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    for name in wrappers:
        np.testing.assert_allclose(got[name]["pred"], expected[name], atol=1e-5)
        assert got[name]["class"] == type(wrappers[name]).__name__
    assert got["uda"]["cfg"] == {"weight": 0.7, "temperature": 0.4, "confidence": 0.8}
    assert got["fixmatch"]["cfg"]["threshold"] == 0.9
    assert got["nsl"]["cfg"] == {"weight": 0.3, "epsilon": 0.02, "perturbation": "adversarial"}
    assert got["cached"]["cfg"] == {"temperature": 3.0, "student_loss_weight": 0.2}

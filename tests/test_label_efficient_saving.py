"""Every label-efficient model class survives a .keras round trip in a fresh process."""

import json

import keras
import numpy as np

from keras_recipes.augment.views import strong_view, weak_view
from keras_recipes.label_efficient.consistency import UDA, FixMatch
from keras_recipes.label_efficient.distillation import CachedDistiller
from keras_recipes.label_efficient.structured import StructuredModel
from label_efficient_helpers import images, tiny_net


def test_wrappers_round_trip_in_a_fresh_process(tmp_path, fresh_python):
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
    got = json.loads(fresh_python(script).strip().splitlines()[-1])
    for name in wrappers:
        np.testing.assert_allclose(got[name]["pred"], expected[name], atol=1e-5)
        assert got[name]["class"] == type(wrappers[name]).__name__
    assert got["uda"]["cfg"] == {"weight": 0.7, "temperature": 0.4, "confidence": 0.8}
    assert got["fixmatch"]["cfg"]["threshold"] == 0.9
    assert got["nsl"]["cfg"] == {"weight": 0.3, "epsilon": 0.02, "perturbation": "adversarial"}
    assert got["cached"]["cfg"] == {"temperature": 3.0, "student_loss_weight": 0.2}

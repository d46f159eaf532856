"""Per-stage linear probes (decision-table row "very different data")."""

import numpy as np
import pytest

from keras_recipes.datasets import load_digits
from keras_recipes.probes import encoder_stages, linear_probes, stage_features
from keras_recipes.transfer import load_reference_backbone


@pytest.fixture(scope="module")
def setup():
    data = load_digits(image_size=16, classes=(5, 6, 7, 8, 9), seed=0)
    return load_reference_backbone(), data


def test_the_last_stage_pooled_is_the_bottleneck(setup):
    bundle, data = setup
    stages = encoder_stages(bundle)
    assert stages == ["stem_relu", "group1_block1_out", "group2_block1_out", "group3_block1_out"]
    x = data.arrays["validation"][0][:40]
    pooled = stage_features(bundle, x, stages)
    assert [pooled[s].shape[1] for s in stages] == [16, 16, 32, 64]
    np.testing.assert_allclose(pooled[stages[-1]], bundle.encoder.predict(x, verbose=0),
                               rtol=1e-4, atol=1e-5)


def test_probes_score_every_stage_and_leave_the_encoder_alone(setup):
    bundle, data = setup
    before = [w.copy() for w in bundle.encoder.get_weights()]
    result = linear_probes(bundle, data.arrays["train"], data.arrays["validation"])
    assert len(result.accuracy) == 4 and result.chance < 0.3
    assert result.accuracy[-1] > 0.9 > result.accuracy[0]    # digits: deep stages know more
    assert result.best_stage in result.stages and "*" in result.table()
    assert len(result.plot().axes[0].lines) == 3
    for a, b in zip(before, bundle.encoder.get_weights()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="stages"):
        linear_probes(bundle, data.train, data.validation, stages=["nope"])

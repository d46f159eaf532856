"""The typed cache manifest, its one reuse rule, and extraction split among workers (in one process)."""

import json
import os

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_recipes.cache import FeatureCache
from keras_recipes.cache.extract import Worker, make_forward
from keras_recipes.cache.manifest import FORMAT_VERSION, MANIFEST, Manifest, ShardRecord
from keras_recipes.datasets import digits_arrays

N, BATCH, SHARD = 80, 16, 16  # 5 shards of one batch


def make_encoder():
    keras.utils.set_random_seed(3)
    inputs = keras.Input((8, 8, 1))
    x = keras.layers.Conv2D(4, 3, activation="relu")(inputs)
    return keras.Model(inputs, keras.layers.GlobalAveragePooling2D()(x), name="encoder")


@pytest.fixture
def data():
    x, y = digits_arrays(image_size=8)
    return x[:N], y[:N].astype("int64")


def pipeline(x, y):
    return tf.data.Dataset.from_tensor_slices((x, y)).batch(BATCH)


def header(**changes):
    fields = dict(key="k", encoder="e", data="d", data_content="c", augment="a", copies=1, seed=0,
                  encoder_name="enc", feature_shape=[4], feature_dtype="float32", label_shape=[],
                  label_dtype="int64")
    return Manifest(**{**fields, **changes})


def test_manifest_round_trips_through_json_and_refuses_other_formats():
    manifest = header()
    manifest.shards["00000"] = ShardRecord(3, "ab", {"labels": {"name": "l.npy", "sha256": "0", "bytes": 1}})
    again = Manifest.from_json(manifest.to_json())
    assert again == manifest and isinstance(again.shards["00000"], ShardRecord)
    old = json.loads(manifest.to_json())
    old["format"] = 1
    with pytest.raises(ValueError, match=f"format must be {FORMAT_VERSION}; received: format=1"):
        Manifest.from_json(json.dumps(old))
    with pytest.raises(ValueError, match=r"unknown fields \['surprise'\]"):
        Manifest.from_json(json.dumps({**json.loads(manifest.to_json()), "surprise": 1}))


def test_one_reuse_rule_key_files_and_inputs(tmp_path, data):
    x, y = data
    encoder = make_encoder()
    features = FeatureCache(tmp_path).extract(encoder, pipeline(x, y), shard_size=SHARD, verbose=0)
    manifest, path = features.manifest, features.path
    assert manifest.format == FORMAT_VERSION and len(manifest.shards) == 5 and manifest.is_full_hit(path, manifest.key)
    assert manifest.reusable_shards(path, "another key") == {}
    inputs = {k: s.input for k, s in manifest.shards.items()}
    inputs["00002"] = "f" * 64
    assert sorted(manifest.reusable_shards(path, manifest.key, inputs=inputs)) == ["00000", "00001", "00003", "00004"]
    os.remove(os.path.join(path, manifest.shards["00004"].files["copy0"]["name"]))
    with pytest.warns(UserWarning, match="shard 00004 is missing"):
        assert len(manifest.reusable_shards(path, manifest.key)) == 4
    assert not manifest.is_full_hit(path, manifest.key)
    # The cache applies the same rule: four shards reused, one recomputed.
    with pytest.warns(UserWarning, match="shard 00004"):
        again = FeatureCache(tmp_path).extract(encoder, pipeline(x, y), shard_size=SHARD, verbose=0)
    assert again.reused_shards == 4 and again.manifest.is_full_hit(path, manifest.key)


def test_a_manifest_of_an_older_format_is_rebuilt_not_trusted(tmp_path, data):
    x, y = data
    encoder = make_encoder()
    cache = FeatureCache(tmp_path)
    first = cache.extract(encoder, pipeline(x, y), shard_size=SHARD, verbose=0)
    text = json.loads(open(os.path.join(first.path, MANIFEST)).read())
    text["format"] = 1
    open(os.path.join(first.path, MANIFEST), "w").write(json.dumps(text))
    assert Manifest.load(first.path) is None and cache.info() == []
    again = cache.extract(encoder, pipeline(x, y), shard_size=SHARD, verbose=0)
    assert again.reused_shards == 0 and again.manifest.format == FORMAT_VERSION
    np.testing.assert_array_equal(again.arrays()[0], first.arrays()[0])


def test_workers_split_the_shards_and_merge_into_one_manifest(tmp_path, data):
    x, y = data
    encoder = make_encoder()
    single = FeatureCache(tmp_path / "single").extract(encoder, pipeline(x, y), shard_size=SHARD, verbose=0)
    cache = FeatureCache(tmp_path / "split")
    # Worker 1 alone times out, naming worker 0; its partial manifest holds shards 1 and 3.
    with pytest.raises(TimeoutError, match=r"workers \[0\] of 2"):
        cache.extract(encoder, pipeline(x, y), shard_size=SHARD, worker=(1, 2), worker_timeout=0.2, verbose=0)
    entry = os.path.join(cache.directory, single.key[:24])
    partial = Manifest.load(entry, Worker(1, 2).manifest_name)
    assert sorted(partial.shards) == ["00001", "00003"] and partial.complete
    merged = cache.extract(encoder, pipeline(x, y), shard_size=SHARD, worker=(0, 2), verbose=0)
    assert merged.manifest.workers == 2 and sorted(merged.manifest.shards) == sorted(single.manifest.shards)
    assert Manifest.load(entry).complete
    np.testing.assert_array_equal(merged.arrays()[0], single.arrays()[0])  # bit for bit
    np.testing.assert_array_equal(merged.arrays()[1], y)
    with pytest.raises(ValueError, match=r"worker must be None or \(index, count\).*worker=\(2, 2\)"):
        cache.extract(encoder, pipeline(x, y), worker=(2, 2), verbose=0)


def test_keras_distribution_forward_on_any_backend_and_tf_strategy_only_on_tensorflow(data):
    x, _ = data
    encoder = make_encoder()
    distribution = keras.distribution.DataParallel(devices=keras.distribution.list_devices()[:1])
    forward = make_forward(encoder, distribution)
    np.testing.assert_allclose(forward(x[:5]), encoder.predict_on_batch(x[:5]), atol=1e-6)
    if keras.backend.backend() != "tensorflow":
        with pytest.raises(ValueError, match=f"on the '{keras.backend.backend()}' backend; tf.distribute"):
            make_forward(encoder, tf.distribute.get_strategy())

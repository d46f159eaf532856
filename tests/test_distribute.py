"""Multi-worker training and distributed extraction: two workers on 127.0.0.1, checked against one.

Tolerance of the weight check: 1e-5 absolute. Two workers each compute the
gradient of half a global batch and all-reduce (sum) them; one worker sums
over the whole batch in another order, so float32 results may differ in the
last bits (observed: <= 1e-7 after 8 steps). The model has no BatchNorm:
per-replica batch statistics would differ by design. Extracted features
must match exactly (same encoder, same batches, same kernels).
"""

import json
import os
import pathlib
import subprocess
import sys

import keras
import numpy as np
import pytest

from keras_recipes.distribute import Cluster, local_tf_configs
from keras_recipes.distribute.training import _require_tensorflow

ROOT = pathlib.Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "tests"))
import distribute_worker  # noqa: E402  (the workers' model, data and settings)


@pytest.mark.slow  # two fresh TensorFlow processes talking gRPC: ~25 s idle, bounded at 240 s
@pytest.mark.tensorflow_only  # MultiWorkerMirroredStrategy is TensorFlow's API
@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="tf.distribute needs TensorFlow")
def test_two_workers_train_like_one_and_extract_one_cache(tmp_path):
    from keras_recipes.cache import FeatureCache
    from keras_recipes.schedules import Warmup

    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2", "KERAS_BACKEND": "tensorflow"}
    workers = [subprocess.Popen([sys.executable, str(ROOT / "tests" / "distribute_worker.py"), str(tmp_path)],
                                env={**env, "TF_CONFIG": config}, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
               for config in local_tf_configs(2)]
    reports = []
    try:
        for worker in workers:
            out, err = worker.communicate(timeout=240)
            assert worker.returncode == 0, err[-3000:]
            reports.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for worker in workers:
            worker.kill()
    assert sorted(r["worker"] for r in reports) == [0, 1] and all(r["workers"] == 2 for r in reports)
    # Linear scaling: global batch 32 vs reference 16 -> k = 2, warmup 1 epoch of 4 steps.
    assert reports[0]["learning_rate"] == pytest.approx(0.1) and reports[0]["start"] == pytest.approx(0.05)
    assert reports[0]["warmup_steps"] == 4 and reports[0]["loss"] == reports[1]["loss"]

    # One machine, same global batch, same order, same schedule.
    bundle = distribute_worker.build()
    bundle.model.compile(optimizer=keras.optimizers.SGD(Warmup(0.1, 4, initial_learning_rate=0.05)),
                         loss="sparse_categorical_crossentropy")
    initial = bundle.model.get_weights()
    history = bundle.model.fit(distribute_worker.data(32), epochs=2, verbose=0)
    single = bundle.model.get_weights()
    for index in (0, 1):
        trained = list(np.load(tmp_path / f"weights-{index}.npz").values())
        for a, b, start in zip(trained, single, initial):
            assert np.abs(b - start).max() > 1e-3  # training moved every weight array
            np.testing.assert_allclose(a, b, atol=1e-5)
    np.testing.assert_allclose(reports[0]["loss"], history.history["loss"], rtol=1e-4)

    # Distributed extraction: one manifest, both workers' shards, features exactly a single run's.
    assert reports[0]["path"] == reports[1]["path"] and reports[0]["manifest_workers"] == 2
    shared = FeatureCache(tmp_path / "cache").info()
    assert len(shared) == 1 and shared[0]["complete"] and shared[0]["shards"] == 8
    names = os.listdir(reports[0]["path"])
    assert {"manifest-worker0-of-2.json", "manifest-worker1-of-2.json"} <= set(names)
    bundle.model.set_weights(list(np.load(tmp_path / "weights-0.npz").values()))
    alone = FeatureCache(tmp_path / "alone").extract(bundle, distribute_worker.data(16), shard_size=16, verbose=0)
    from keras_recipes.cache.feature_cache import CachedFeatures
    from keras_recipes.cache.manifest import Manifest

    distributed = CachedFeatures(reports[0]["path"], Manifest.load(reports[0]["path"]))
    assert distributed.key == alone.key
    for a, b in zip(distributed.arrays(), alone.arrays()):
        np.testing.assert_array_equal(a, b)


def test_cluster_from_tf_config_and_clear_errors(monkeypatch):
    configs = local_tf_configs(3, ports=[1, 2, 3])
    cluster = Cluster.from_env({"TF_CONFIG": configs[2]})
    assert cluster.count == 3 and cluster.index == 2 and not cluster.is_chief
    with pytest.raises(ValueError, match="TF_CONFIG must be JSON"):
        Cluster.from_env({"TF_CONFIG": "{not json"})
    bad = json.dumps({"cluster": {"worker": ["a:1"]}, "task": {"type": "worker", "index": 4}})
    with pytest.raises(ValueError, match="0 <= index < number of workers"):
        Cluster.from_env({"TF_CONFIG": bad})
    monkeypatch.setattr(keras.backend, "backend", lambda: "jax")
    with pytest.raises(ValueError, match="KERAS_BACKEND=tensorflow; received backend 'jax'"):
        _require_tensorflow()

"""Feature cache across processes: SIGKILL mid-extraction, resume, MirroredStrategy.

The worker (tests/cache_worker.py) loads the encoder from a ``.keras`` file
the test writes, so the parent, the killed run and the rerun share one
encoder; the rerun also extracts under a two-replica MirroredStrategy
(two logical CPU devices, configured before TensorFlow starts).
"""

import json
import os
import pathlib
import signal
import subprocess
import sys
import time

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_recipes.cache import FeatureCache
from keras_recipes.cache.manifest import Manifest
from keras_recipes.datasets import digits_arrays

ROOT = pathlib.Path(__file__).parents[1]
WORKER = str(ROOT / "tests" / "cache_worker.py")
N = 203  # 13 shards of 16; the last batch (11) splits unevenly over 2 replicas
ATOL = 1e-5  # a replica sees half a batch: CPU kernels may sum in another order


def _worker(mode, work, **env):
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2", **env}
    return subprocess.Popen([sys.executable, WORKER, mode, str(work)], env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _entry(work):
    entries = [p for p in (work / "cache").iterdir() if p.is_dir()] if (work / "cache").exists() else []
    return entries[0] if entries else None


@pytest.mark.slow  # two fresh TensorFlow processes: ~15 s idle, ~27 s on a loaded machine
@pytest.mark.tensorflow_only
def test_sigkill_mid_extraction_then_rerun_and_mirrored_strategy(tmp_path):
    """The rerun extracts under tf.distribute.MirroredStrategy, TensorFlow's own API.

    On other backends extraction refuses a tf.distribute strategy by design
    (keras.distribution is their way); the SIGKILL/resume half is backend-free.
    """
    inputs = keras.Input((16, 16, 1))
    x = keras.layers.Conv2D(8, 3, activation="relu")(inputs)
    x = keras.layers.Conv2D(8, 3, strides=2, activation="relu")(x)
    encoder = keras.Model(inputs, keras.layers.GlobalAveragePooling2D()(x), name="encoder")
    encoder.save(tmp_path / "encoder.keras")
    images, labels = digits_arrays(image_size=16)
    np.savez(tmp_path / "data.npz", x=images[:N], y=labels[:N])

    killed = _worker("extract", tmp_path)  # sleeps 0.5 s after each shard
    deadline = time.time() + 120
    done = 0
    while time.time() < deadline and killed.poll() is None:
        entry = _entry(tmp_path)
        manifest = Manifest.load(entry) if entry else None
        done = len(manifest.shards) if manifest else 0
        if done >= 2:
            break
        time.sleep(0.05)
    assert killed.poll() is None, killed.communicate()[1][-2000:]
    os.kill(killed.pid, signal.SIGKILL)
    killed.communicate()
    assert killed.returncode == -signal.SIGKILL
    entry = _entry(tmp_path)
    manifest = Manifest.load(entry)
    completed = len(manifest.shards)
    assert not manifest.complete and 2 <= completed < 13
    # What a kill can leave besides complete shards: a half-written temporary
    # file and a renamed shard the manifest never listed. Both must be ignored.
    (entry / "shard-00012-copy0.npy.tmp-4242").write_bytes(b"\x93NUMPY half a shard")
    (entry / f"shard-{completed:05d}-copy0.npy").write_bytes(b"not listed, not trusted")

    rerun = _worker("resume", tmp_path)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err[-3000:]
    report = json.loads(out.strip().splitlines()[-1])
    assert report["reused_shards"] == completed and report["replicas"] == 2

    loaded = keras.saving.load_model(tmp_path / "encoder.keras")
    reference = loaded.predict(images[:N], verbose=0)
    data = tf.data.Dataset.from_tensor_slices((images[:N], labels[:N])).batch(16)
    # Same encoder file in this process: same fingerprint, so a full cache hit.
    features = FeatureCache(tmp_path / "cache").extract(loaded, data, shard_size=16, verbose=0)
    assert features.path == report["path"] and features.reused_shards == 13
    cached, cached_labels = features.arrays()
    np.testing.assert_allclose(cached, reference, atol=1e-6)
    np.testing.assert_array_equal(cached_labels, labels[:N])
    leftovers = sorted(p.name for p in entry.iterdir() if ".tmp-" in p.name)
    assert leftovers == [] and len(list(entry.iterdir())) == 1 + 2 * 13
    np.testing.assert_allclose(np.load(tmp_path / "mirrored.npy"), cached, atol=ATOL)

"""Subprocess side of tests/test_cache_process.py (not collected by pytest).

    python tests/cache_worker.py extract WORK   # slowed extraction (the parent kills it)
    python tests/cache_worker.py resume WORK    # rerun, then single vs Mirrored

WORK holds encoder.keras and data.npz written by the parent. ``resume``
splits the CPU into two logical devices before TensorFlow initialises them,
so MirroredStrategy has two replicas. ``extract`` slows the extraction
down by monkeypatching ``write_shard`` to sleep 0.5 s after each shard, so
the parent can kill it mid-run deterministically (the library has no switch
for this).
"""

import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def main(mode, work):
    import numpy as np
    import tensorflow as tf

    if mode == "resume":
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    import keras

    from keras_recipes.cache import FeatureCache, extract

    if mode == "extract":
        write_shard = extract.write_shard

        def slow_write_shard(*args, **kwargs):
            write_shard(*args, **kwargs)
            time.sleep(0.5)

        extract.write_shard = slow_write_shard

    encoder = keras.saving.load_model(os.path.join(work, "encoder.keras"))
    arrays = np.load(os.path.join(work, "data.npz"))
    data = tf.data.Dataset.from_tensor_slices((arrays["x"], arrays["y"])).batch(16)
    kwargs = {"shard_size": 16, "verbose": 0}
    features = FeatureCache(os.path.join(work, "cache")).extract(encoder, data, **kwargs)
    report = {"reused_shards": features.reused_shards, "path": features.path}
    if mode == "resume":
        strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
        mirrored = FeatureCache(os.path.join(work, "mirrored")).extract(
            encoder, data, strategy=strategy, **kwargs)
        np.save(os.path.join(work, "mirrored.npy"), mirrored.arrays()[0])
        report["replicas"] = strategy.num_replicas_in_sync
    print(json.dumps(report))


if __name__ == "__main__":
    main(*sys.argv[1:])

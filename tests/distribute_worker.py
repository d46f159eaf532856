"""Subprocess side of tests/test_distribute.py (not collected by pytest).

    TF_CONFIG=... python tests/distribute_worker.py WORK

Trains the test's bundle with ``fit_on_workers`` (MultiWorkerMirroredStrategy
from TF_CONFIG), saves its weights, then extracts the trained encoder's
bottleneck cache with ``extract_on_workers``, and prints one JSON line.
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def build():
    import keras

    from keras_recipes import ModelBundle
    from keras_recipes.tasks import Classifier

    keras.utils.set_random_seed(0)
    inputs = keras.Input((8, 8, 1))
    x = keras.layers.Conv2D(4, 3, activation="relu")(inputs)
    encoder = keras.Model(inputs, keras.layers.Flatten()(x), name="encoder")  # no BatchNorm
    return ModelBundle.assemble(encoder, Classifier(num_classes=10))


def data(batch):
    import tensorflow as tf

    from keras_recipes.datasets import digits_arrays

    x, y = digits_arrays(image_size=8)
    return tf.data.Dataset.from_tensor_slices((x[:128], y[:128].astype("int64"))).batch(batch)


FIT = dict(epochs=2, loss="sparse_categorical_crossentropy", learning_rate=0.05,
           reference_batch_size=16, warmup_epochs=1)
GLOBAL_BATCH = 32


def main(work):
    from keras_recipes.distribute import extract_on_workers, fit_on_workers, strategy_from_env

    strategy = strategy_from_env()  # first: collective ops are configured at start-up
    import numpy as np

    from keras_recipes.cache import FeatureCache

    result = fit_on_workers(build, data(GLOBAL_BATCH), strategy=strategy, **FIT)
    weights = result.bundle.model.get_weights()
    np.savez(os.path.join(work, f"weights-{result.worker}.npz"), *weights)
    features = extract_on_workers(FeatureCache(os.path.join(work, "cache")), result.bundle,
                                  data(16), shard_size=16, verbose=0, timeout=120)
    print(json.dumps({"worker": result.worker, "workers": result.workers, "loss": result.history["loss"],
                      "learning_rate": result.learning_rate, "start": result.start_learning_rate,
                      "warmup_steps": result.warmup_steps, "path": features.path,
                      "shards": len(features.manifest.shards), "manifest_workers": features.manifest.workers}))


if __name__ == "__main__":
    main(sys.argv[1])

"""Benchmark: train a new head on a frozen MobileNetV2, uncached vs cached bottleneck features.

Seeds 001/003: "Frozen training layers: why waste computations?" With the
base frozen, every epoch of ordinary training recomputes the same forward
pass through the base; the cache computes it once. Measured side by side in
one run, on the same data:

  (a) uncached: ``bundle.model.fit`` for E epochs, base frozen;
  (b) cached:   ``FeatureCache.extract`` (fingerprint + one forward pass,
      written to disk) + ``bundle.head.fit`` for E epochs on the cache;
  extraction throughput vs a plain ``encoder.predict`` over the same data;
  peak memory of extraction at N and 2N images (streamed from a
  generator, so only the code under test can grow), next to a naive
  "materialise the images, predict into one array" at N and 2N.
Timings (a) and (b) each include their one-time tf.function tracing.

    PYTHONPATH=. python bench/bottleneck_cache.py               # defaults: 1000 images, E=5
    PYTHONPATH=. python bench/bottleneck_cache.py --images 300 --epochs 3

MobileNetV2 is built with ``weights=None`` (no download); the timing does
not depend on the weight values. Images are seeded random noise, labels
``i % 5``: accuracy is not what is measured here.
"""

import argparse
import os
import shutil
import tempfile
import threading
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402  (after the log level is set)

SHARD = 256  # examples per shard in the memory runs: both N and 2N span several shards


def images_dataset(n, size, seed=0):
    """``n`` seeded random images with labels ``i % 5``, generated on the fly."""
    import tensorflow as tf

    return tf.data.Dataset.range(n).map(lambda i: (
        tf.random.stateless_uniform((size, size, 3), seed=tf.stack([i, seed])), i % 5))


class PeakMemory:
    """Context manager: peak memory above the level at entry, in MB.

    ``rss_mb``: resident set size sampled every 5 ms (everything, TensorFlow's
    allocator included, so noisy); ``heap_mb``: tracemalloc's peak of Python
    and numpy allocations (exact: numpy reports its buffers to tracemalloc).
    """

    def __enter__(self):
        import tracemalloc

        import psutil

        self.process = psutil.Process()
        self.base = self.peak = self.process.memory_info().rss
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        tracemalloc.start()
        self.thread.start()
        return self

    def _sample(self):
        while self.running:
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.005)

    def __exit__(self, *exc):
        import tracemalloc

        self.running = False
        self.thread.join()
        self.heap_mb = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        self.rss_mb = (self.peak - self.base) / 2**20


class EpochTimes(keras.callbacks.Callback):
    """Records each epoch's wall time; ``steady()`` averages epochs 2..E (no tracing)."""

    def __init__(self):
        super().__init__()
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self.start)

    def steady(self):
        return sum(self.seconds[1:]) / max(1, len(self.seconds) - 1)


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def build_bundle(size):
    from keras_recipes import ModelBundle
    from keras_recipes.tasks import Classifier

    base = keras.applications.MobileNetV2(weights=None, input_shape=(size, size, 3),
                                          include_top=False, pooling="avg")
    encoder = keras.Model(base.input, base.output, name="encoder")
    encoder.trainable = False
    bundle = ModelBundle.assemble(encoder, Classifier(num_classes=5))
    return bundle


def compile_for(model):
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=int, default=1000, help="N images (default 1000)")
    parser.add_argument("--epochs", type=int, default=5, help="E head epochs (default 5)")
    parser.add_argument("--image-size", type=int, default=96, help="side in pixels (default 96)")
    parser.add_argument("--batch-size", type=int, default=32, help="batch size (default 32)")
    parser.add_argument("--skip-memory", action="store_true", help="skip the N vs 2N memory runs")
    args = parser.parse_args(argv)

    import numpy as np
    import tensorflow as tf

    from keras_recipes.cache import FeatureCache

    keras.utils.set_random_seed(0)
    n, epochs, size, batch = args.images, args.epochs, args.image_size, args.batch_size
    x, y = (np.stack(a) for a in zip(*images_dataset(n, size).as_numpy_iterator()))
    data = tf.data.Dataset.from_tensor_slices((x, y)).batch(batch)
    train = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(n, seed=0).batch(batch)
    bundle = build_bundle(size)
    print(f"MobileNetV2 (weights=None) {size}x{size}x3 -> {bundle.bottleneck_shape}, 5-class head; "
          f"N={n} images, E={epochs} epochs, batch {batch}; TF threads: inter "
          f"{tf.config.threading.get_inter_op_parallelism_threads()}, cpu count {os.cpu_count()}")
    initial_head = bundle.head.get_weights()

    # (a) uncached: E epochs of the full model, base frozen.
    compile_for(bundle.model)
    epoch_times = EpochTimes()
    _, uncached = timed(lambda: bundle.model.fit(train, epochs=epochs, verbose=0,
                                                 callbacks=[epoch_times]))

    # (b) cached: extraction (fingerprint + forward + disk) + E head epochs.
    bundle.head.set_weights(initial_head)
    compile_for(bundle.head)
    root = tempfile.mkdtemp(prefix="bottleneck-bench-")
    try:
        cache = FeatureCache(root)
        features, extract_s = timed(lambda: cache.extract(bundle, data, verbose=0))
        head_times = EpochTimes()
        _, head_s = timed(lambda: bundle.head.fit(features.dataset(batch), epochs=epochs,
                                                  shuffle=False, verbose=0, callbacks=[head_times]))
        _, hit_s = timed(lambda: cache.extract(bundle, data, verbose=0))
        cache.clear()
        cached = extract_s + head_s

        # Extraction vs plain predict over the same batches, both warm (traced already).
        bundle.encoder.predict(data.take(2), verbose=0)
        _, predict_s = timed(lambda: bundle.encoder.predict(data, verbose=0))
        cache.clear()
        _, extract_again_s = timed(lambda: cache.extract(bundle, data, verbose=0))
        cache.clear()
        _, extract_versioned_s = timed(lambda: cache.extract(bundle, data, data_version="bench",
                                                             verbose=0))
        _, hit_versioned_s = timed(lambda: cache.extract(bundle, data, data_version="bench",
                                                         verbose=0))
        print(f"\n(a) uncached fit, {epochs} epochs, base frozen: {uncached:8.2f} s")
        print(f"(b) cached: extraction {extract_s:.2f} s + {epochs} head epochs {head_s:.2f} s "
              f"= {cached:8.2f} s")
        print(f"    speedup (a)/(b): {uncached / cached:.2f}x   (ideal ~E = {epochs}; "
              f"target >= {0.9 * epochs:.1f})")
        if epochs > 1:
            steady_a = epoch_times.steady() * epochs
            steady_b = extract_again_s + head_times.steady() * epochs
            print(f"    without one-time tracing (epochs 2..E, warm extraction): "
                  f"(a) {steady_a:.2f} s vs (b) {steady_b:.2f} s -> {steady_a / steady_b:.2f}x")
        print(f"    cache hit, content re-hashed: {hit_s:.2f} s; hit with data_version: "
              f"{hit_versioned_s:.3f} s")
        print(f"\nplain encoder.predict: {predict_s:.2f} s ({n / predict_s:.0f} img/s)")
        print(f"extraction (content fingerprint + forward + shards): {extract_again_s:.2f} s "
              f"({n / extract_again_s:.0f} img/s) -> {predict_s / extract_again_s:.2f}x of predict")
        print(f"extraction with data_version (no content pass):      {extract_versioned_s:.2f} s "
              f"({n / extract_versioned_s:.0f} img/s) -> {predict_s / extract_versioned_s:.2f}x "
              f"of predict (target >= 0.95)")

        if not args.skip_memory:
            print(f"\npeak memory above start (MB): RSS (noisy, TF included) / Python+numpy heap "
                  f"(tracemalloc); images streamed from a generator, shards of {SHARD} examples")
            for count in (n, 2 * n, n):  # N twice: the spread between them is the noise floor
                streamed = images_dataset(count, size, seed=1).batch(batch)
                cache.clear()
                with PeakMemory() as cache_mem:
                    cache.extract(bundle, streamed, data_version=f"noise-{count}",
                                  shard_size=SHARD, verbose=0)
                with PeakMemory() as naive_mem:
                    images = np.concatenate([b for b, _ in streamed.as_numpy_iterator()])
                    bundle.encoder.predict(images, batch_size=batch, verbose=0)
                    del images
                print(f"  N={count:5d}: cache extraction {cache_mem.rss_mb:6.1f} / {cache_mem.heap_mb:6.1f}"
                      f"   naive materialise + predict {naive_mem.rss_mb:6.1f} / {naive_mem.heap_mb:6.1f}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

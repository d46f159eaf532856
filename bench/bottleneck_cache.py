"""Benchmark: train a new head on a frozen MobileNetV2, uncached vs cached bottleneck features.

Seeds 001/003: "Frozen training layers: why waste computations?" With the
base frozen, every epoch of ordinary training recomputes the same forward
pass through the base; the cache computes it once, so the ideal speedup at
E epochs is about E. Two arms, on the same data:

  (a) uncached: ``bundle.model.fit`` for E epochs, base frozen, batch 32;
  (b) cached:   ``FeatureCache.extract`` (content fingerprint + one forward
      pass + checksummed shards on disk) + ``bundle.head.fit`` for E epochs
      on the cache, batch 32, ``steps_per_execution`` = one epoch (the head
      is tiny: Python overhead per step, not arithmetic, is its cost).

Protocol, for a trustworthy ratio on a noisy shared machine: each arm runs
``--repeats`` times, interleaved (a, b, a, b, ...), each run in a fresh
process, so every "cold" time includes the arm's one-time costs (tracing,
the first extraction); each process also gives a "warm" figure (the extraction run again, traced already, plus E x the steady
epoch, i.e. epochs 2..E of the cold run). A run records the wall time at
the end of every epoch, which gives E=5 and E=10 from the same 10-epoch run (at the first
N; larger N run ``--large-epochs``, default 5, to fit 30 minutes). Reported: the
median ratio (a)/(b) over the pairs with its minimum and maximum.
Also measured: extraction throughput vs a plain ``encoder.predict`` over
the same batches (both warm, ``THROUGHPUT_REPEATS`` interleaved runs each
in the first pair's cached process; median ratio with min and max), and,
once in a fresh process, peak memory of extraction at N and 2N images
streamed from a generator.

    PYTHONPATH=. python bench/bottleneck_cache.py               # N=1000 (E=10), N=5000 (E=5), 5 repeats
    PYTHONPATH=. python bench/bottleneck_cache.py --smoke       # seconds: tiny images, 1 repeat

Ends with one JSON line of the headline figures. MobileNetV2 is built with
``weights=None`` (no download); the timing does not depend on the weight
values. Images are seeded random noise, labels ``i % 5``: accuracy is not
what is measured here.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
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


class EpochEnds(keras.callbacks.Callback):
    """Wall time since ``start`` and process CPU time since ``cpu_start`` at every epoch's end."""

    def __init__(self, start, cpu_start):
        super().__init__()
        self.start, self.cpu_start = start, cpu_start
        self.ends, self.cpu_ends = [], []

    def on_epoch_end(self, epoch, logs=None):
        self.ends.append(time.perf_counter() - self.start)
        self.cpu_ends.append(time.process_time() - self.cpu_start)


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def build_bundle(size, encoder="mobilenetv2"):
    from keras_recipes import ModelBundle
    from keras_recipes.tasks import Classifier

    keras.utils.set_random_seed(0)
    if encoder == "tiny":  # --smoke: the protocol end to end in seconds, not a measurement
        inputs = keras.Input((size, size, 3))
        x = keras.layers.Conv2D(8, 3, strides=2, activation="relu")(inputs)
        encoder = keras.Model(inputs, keras.layers.GlobalAveragePooling2D()(x), name="encoder")
    else:
        base = keras.applications.MobileNetV2(weights=None, input_shape=(size, size, 3),
                                              include_top=False, pooling="avg")
        encoder = keras.Model(base.input, base.output, name="encoder")
    encoder.trainable = False
    return ModelBundle.assemble(encoder, Classifier(num_classes=5))


def compile_for(model, steps_per_execution=1):
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], steps_per_execution=steps_per_execution)


def arrays(n, size):
    import numpy as np

    x, y = (np.stack(a) for a in zip(*images_dataset(n, size).as_numpy_iterator()))
    return x, y


def at_epochs(ends, marks):
    return {f"e{e}": ends[e - 1] for e in marks if e <= len(ends)}


def steady_epoch(ends):
    """Mean duration of epochs 2..E: an epoch with every function traced already."""
    durations = [b - a for a, b in zip(ends, ends[1:])]
    return sum(durations) / len(durations)


def run_uncached(args):
    """Arm (a), one fresh process: E epochs cold (tracing included), times at each epoch end.

    Warm: E x the steady epoch (epochs 2..E), i.e. the same run without its
    one-time tracing (a second E-epoch run would double the arm's cost).
    """
    import tensorflow as tf

    x, y = arrays(args.images, args.image_size)
    train = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=0).batch(args.batch_size)
    bundle = build_bundle(args.image_size, args.encoder)
    compile_for(bundle.model)
    ends = EpochEnds(time.perf_counter(), time.process_time())
    bundle.model.fit(train, epochs=args.epochs, verbose=0, callbacks=[ends])
    steady = steady_epoch(ends.ends)
    return {"cold": at_epochs(ends.ends, MARKS), "cold_cpu": at_epochs(ends.cpu_ends, MARKS),
            "warm": {f"e{e}": e * steady for e in MARKS if e <= args.epochs},
            "load": os.getloadavg()[0]}


def run_cached(args):
    """Arm (b), one fresh process: extraction + E head epochs cold; warm extraction; vs predict.

    Warm: a second extraction (traced already) + E x the head's steady epoch.
    """
    import tensorflow as tf

    from keras_recipes.cache import FeatureCache

    x, y = arrays(args.images, args.image_size)
    data = tf.data.Dataset.from_tensor_slices((x, y)).batch(args.extract_batch)
    bundle = build_bundle(args.image_size, args.encoder)
    steps = -(-len(x) // args.batch_size)
    compile_for(bundle.head, steps_per_execution=steps)
    root = tempfile.mkdtemp(prefix="bottleneck-bench-")
    try:
        cache = FeatureCache(root)
        start, cpu_start = time.perf_counter(), time.process_time()
        features = cache.extract(bundle, data, verbose=0)
        extracted, extracted_cpu = time.perf_counter() - start, time.process_time() - cpu_start
        ends = EpochEnds(start, cpu_start)
        bundle.head.fit(features.dataset(args.batch_size), epochs=args.epochs, shuffle=False,
                        verbose=0, callbacks=[ends])
        report = {"cold": {**at_epochs(ends.ends, MARKS), "extract": extracted},
                  "cold_cpu": {**at_epochs(ends.cpu_ends, MARKS), "extract": extracted_cpu},
                  "load": os.getloadavg()[0]}
        if not args.extras:
            return report
        cache.clear()
        warm_extract = timed(lambda: cache.extract(bundle, data, verbose=0))[1]
        # A hit now, while the content-keyed entry exists (the clear() calls below remove every entry).
        report["hit"] = timed(lambda: cache.extract(bundle, data, verbose=0))[1]
        steady = steady_epoch([e - extracted for e in ends.ends])
        report["warm"] = {**{f"e{e}": warm_extract + e * steady for e in MARKS if e <= args.epochs},
                          "extract": warm_extract}
        # Throughput, both warm: plain predict vs extraction over the same batches,
        # THROUGHPUT_REPEATS runs each, interleaved (predict, extract, predict, ...).
        predicts, versioned = [], []
        for i in range(THROUGHPUT_REPEATS):
            predicts.append(timed(lambda: bundle.encoder.predict(data, verbose=0))[1])
            cache.clear()
            versioned.append(timed(lambda: cache.extract(bundle, data, data_version=f"b{i}",
                                                          verbose=0))[1])
        report["predict"], report["extract_versioned"] = predicts, versioned
        report["extract_content"] = warm_extract
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return report


def run_memory(args):
    """Peak memory of extraction at N and 2N streamed images vs materialise + predict."""
    import numpy as np

    from keras_recipes.cache import FeatureCache

    bundle = build_bundle(args.image_size, args.encoder)
    root = tempfile.mkdtemp(prefix="bottleneck-bench-")
    rows = []
    try:
        cache = FeatureCache(root)
        for count in (args.images, 2 * args.images, args.images):  # N twice: the noise floor
            streamed = images_dataset(count, args.image_size, seed=1).batch(args.batch_size)
            cache.clear()
            with PeakMemory() as cache_mem:
                cache.extract(bundle, streamed, data_version=f"noise-{count}", shard_size=SHARD,
                              verbose=0)
            with PeakMemory() as naive_mem:
                images = np.concatenate([b for b, _ in streamed.as_numpy_iterator()])
                bundle.encoder.predict(images, batch_size=args.batch_size, verbose=0)
                del images
            rows.append({"n": count, "cache_rss": cache_mem.rss_mb, "cache_heap": cache_mem.heap_mb,
                         "naive_rss": naive_mem.rss_mb, "naive_heap": naive_mem.heap_mb})
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return rows


ARMS = {"uncached": run_uncached, "cached": run_cached, "memory": run_memory}
MARKS = (5, 10)
THROUGHPUT_REPEATS = 5  # interleaved predict / extraction runs in the first pair's cached process


def fresh(arm, args, images, epochs, extras=True):
    """Run one arm in a fresh Python process; return its JSON report (in-process for --smoke).

    ``extras``: the cached arm also measures warm extraction, plain predict
    and a cache hit (done in the first pair only: at N=5000 they cost more
    than the arm itself).
    """
    if args.smoke:
        return json.loads(json.dumps(ARMS[arm](argparse.Namespace(
            **{**vars(args), "images": images, "epochs": epochs, "extras": extras}))))
    command = [sys.executable, os.path.abspath(__file__), "--arm", arm, "--images", str(images),
               "--epochs", str(epochs), "--image-size", str(args.image_size),
               "--batch-size", str(args.batch_size), "--extract-batch", str(args.extract_batch),
               "--encoder", args.encoder] + ([] if extras else ["--no-extras"])
    done = subprocess.run(command, capture_output=True, text=True, check=False,
                          env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
    if done.returncode != 0:
        raise RuntimeError(f"{arm} run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def spread(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def fmt(s, unit="x"):
    return f"median {s['median']:.2f}{unit} (min {s['min']:.2f}, max {s['max']:.2f})"


def measure(args, images, epochs):
    """Interleaved fresh-process pairs at ``images`` images, ``epochs`` per run; ratios per pair."""
    pairs = []
    for r in range(args.repeats):
        a = fresh("uncached", args, images, epochs)
        b = fresh("cached", args, images, epochs, extras=r == 0)
        pairs.append((a, b))
        print(f"  N={images} pair {r + 1} (load {a['load']:.1f}, {b['load']:.1f}): uncached cold E5 "
              f"{a['cold']['e5']:.2f} s wall / {a['cold_cpu']['e5']:.2f} s CPU, cached cold E5 "
              f"{b['cold']['e5']:.2f} s / {b['cold_cpu']['e5']:.2f} s (extraction "
              f"{b['cold']['extract']:.2f} s / {b['cold_cpu']['extract']:.2f} s) -> "
              f"{a['cold']['e5'] / b['cold']['e5']:.2f}x wall, "
              f"{a['cold_cpu']['e5'] / b['cold_cpu']['e5']:.2f}x CPU", flush=True)
    ratios = {}
    for phase in ("cold", "cold_cpu", "warm"):
        for mark in MARKS:
            key = f"e{mark}"
            have = [(a, b) for a, b in pairs if phase in b and key in a[phase] and key in b[phase]]
            if have:
                ratios[f"{phase}_{key}"] = spread([a[phase][key] / b[phase][key] for a, b in have])
    first = pairs[0][1]
    throughput = {"extract_vs_predict": spread([p / e for p, e in zip(first["predict"], first["extract_versioned"])]),
                  "extract_content_vs_predict": spread([statistics.median(first["predict"]) / first["extract_content"]])}
    return ratios, throughput, pairs, first


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=int, nargs="+", default=[1000, 5000],
                        help="N images, one measurement per value (default 1000 5000)")
    parser.add_argument("--epochs", type=int, default=10, help="epochs per run at the first N "
                        "(default 10: E=5 and E=10 read from the same run)")
    parser.add_argument("--large-epochs", type=int, default=5,
                        help="epochs per run at every later N (default 5: E=10 at N=5,000 would add "
                             "about 8 minutes of uncached epochs)")
    parser.add_argument("--image-size", type=int, default=96, help="side in pixels (default 96)")
    parser.add_argument("--batch-size", type=int, default=32, help="training batch (default 32)")
    parser.add_argument("--extract-batch", type=int, default=32,
                        help="batch of the extraction pass (default 32, FeatureCache's own default: on a "
                             "2-core CPU a MobileNetV2 pass costs 25-31 CPU s per 5,000 images at 32, "
                             "39-47 at 128)")
    parser.add_argument("--repeats", type=int, default=5, help="interleaved pairs (default 5)")
    parser.add_argument("--skip-memory", action="store_true", help="skip the N vs 2N memory run")
    parser.add_argument("--no-extras", dest="extras", action="store_false", help=argparse.SUPPRESS)
    parser.add_argument("--encoder", choices=["mobilenetv2", "tiny"], default="mobilenetv2")
    parser.add_argument("--smoke", action="store_true",
                        help="seconds: tiny encoder, 64 images of 16x16, 1 pair in this process, E=5")
    parser.add_argument("--arm", choices=sorted(ARMS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.arm:
        args.images = args.images[0]
        print(json.dumps(ARMS[args.arm](args)))
        return
    if args.smoke:
        args.images, args.epochs, args.image_size, args.repeats = [64], 5, 16, 1
        args.extract_batch, args.encoder, args.skip_memory = 32, "tiny", True

    print(f"load average at start: {os.getloadavg()}; cpu count {os.cpu_count()}")
    print(f"MobileNetV2 (weights=None) {args.image_size}x{args.image_size}x3, 5-class head; "
          f"{args.epochs} epochs per run at N={args.images[0]}, {args.large_epochs} at larger N, batch "
          f"{args.batch_size}, extraction batch {args.extract_batch}; {args.repeats} "
          f"interleaved fresh-process pairs per N. Wall ratios follow the machine's load; CPU "
          f"ratios (process CPU time, all threads) much less so")
    headline = {}
    for images in args.images:
        epochs = args.epochs if images == args.images[0] else args.large_epochs
        ratios, throughput, pairs, last = measure(args, images, epochs)
        print(f"\nN={images}: speedup (a) uncached / (b) cached, over {len(pairs)} pairs")
        for name, s in ratios.items():
            print(f"  {name:>8}: {fmt(s)}")
        print(f"  extraction vs plain predict (warm, data_version): {fmt(throughput['extract_vs_predict'])}"
              f"; with the content fingerprint pass: {fmt(throughput['extract_content_vs_predict'])}")
        print(f"  first pair: predict {', '.join(f'{t:.2f}' for t in last['predict'])} s, extraction "
              f"{', '.join(f'{t:.2f}' for t in last['extract_versioned'])} s, "
              f"cache hit (content re-hashed) {last['hit']:.2f} s")
        tag = "" if images == args.images[0] else f"_n{images}"
        names = {k: f"speedup_{k.rsplit('_', 1)[1]}_{k.rsplit('_', 1)[0]}{tag}" for k in ratios}
        headline.update({names[k]: round(v["median"], 2) for k, v in ratios.items()})
        headline.update({names[k] + "_min": round(v["min"], 2)
                         for k, v in ratios.items() if k.startswith("cold")})
        headline[f"extract_vs_predict{tag}"] = round(throughput["extract_vs_predict"]["median"], 2)
    if not args.skip_memory:
        rows = fresh("memory", args, min(args.images), args.epochs)
        print(f"\npeak memory above start (MB): RSS (noisy, TF included) / Python+numpy heap "
              f"(tracemalloc); streamed images, shards of {SHARD} examples")
        for row in rows:
            print(f"  N={row['n']:5d}: cache extraction {row['cache_rss']:6.1f} / {row['cache_heap']:6.1f}"
                  f"   naive materialise + predict {row['naive_rss']:6.1f} / {row['naive_heap']:6.1f}")
        headline["extract_heap_mb_2n_over_n"] = round(rows[1]["cache_heap"] / max(rows[0]["cache_heap"], 1e-9), 2)
    print(f"load average at end: {os.getloadavg()}")
    print(json.dumps(headline))


if __name__ == "__main__":
    main()

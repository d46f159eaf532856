"""Streaming extraction: push the data through the encoder once, shard by shard.

``extract_to`` is five named steps:

1. ``open_entry``: load the entry's manifest, keep the shards the one reuse
   rule (``Manifest.reusable_shards``) allows, delete everything else;
2. ``read_shards``: group the input batches into shards, hashing every
   example; a batch whose shard a previous run may have completed keeps its
   images until the shard's input digest decides, every other batch is
   pushed through the encoder at once (``InFlight``: a few batches at a
   time) and only its features are kept;
3. ``shard_contents``: the features and labels of a shard to write;
4. ``ShardWriter``: writes shards on a background thread (at most one waits,
   so peak memory depends on the shard size, not on the dataset) and
   rewrites the manifest after each, so a killed run resumes where it
   stopped;
5. ``close_entry``: check the content seen against the fingerprint pass,
   drop stale shards, mark the entry complete.

A ``Worker`` share splits the shards among the processes of a distributed
extraction (shard ``i`` belongs to worker ``i % count``); each worker keeps
its own partial manifest and ``merge_workers`` writes the one manifest of
the whole cache. ``make_forward`` runs the encoder, on one device, under a
``tf.distribute`` strategy (TensorFlow) or under a ``keras.distribution``
(JAX).
"""

import concurrent.futures
import os
import time
import weakref
from dataclasses import dataclass, field

import keras
import numpy as np

from keras_recipes.cache import shards
from keras_recipes.augment import copy_seed
from keras_recipes.cache.fingerprint import MODULUS, example_digests, multiset_digest
from keras_recipes.cache.manifest import MANIFEST, Manifest, ShardRecord, remove_unlisted


# ---------------------------------------------------------------- the forward pass

def make_forward(encoder, strategy=None):
    """``fn(images) -> numpy features`` running the encoder in inference mode.

    Without a strategy this is ``inference_forward(encoder)``: one traced
    function per encoder, kept while the encoder lives, so a second
    extraction with the same encoder does not trace again (``SteadyBatch``
    keeps one input shape, so one trace).

    With a ``tf.distribute`` strategy (TensorFlow backend only: it is
    TensorFlow's API), the encoder is cloned into the strategy's scope (same
    weights), each batch is split across the replicas in order and the
    replicas' outputs are gathered back in that order, so the features equal
    the single-device ones. With a ``keras.distribution.Distribution`` (the
    backend-neutral API, e.g. ``DataParallel`` on JAX), the batch is padded to
    a multiple of the devices and predicted inside the distribution's scope.
    """
    if strategy is None:
        return inference_forward(encoder)
    if is_keras_distribution(strategy):
        return DistributionForward(encoder, strategy)
    backend = keras.backend.backend()
    if backend != "tensorflow":
        raise ValueError(
            f"strategy must be None or a keras.distribution.Distribution (for example "
            f"keras.distribution.DataParallel()) on the {backend!r} backend; tf.distribute "
            f"strategies need the TensorFlow backend. Received: strategy={type(strategy).__name__}")
    return StrategyForward(encoder, strategy)


_FORWARDS = weakref.WeakKeyDictionary()


def inference_forward(encoder):
    """``fn(images) -> numpy features``: ``encoder(images, training=False)``, traced once.

    On TensorFlow a ``tf.function`` of the call, kept per encoder (it holds
    the encoder weakly, so it does not keep a dropped model alive).
    ``predict_on_batch`` computes the same features, but Keras sends every
    call through its predict machinery: measured on 2 cores (TensorFlow
    2.21, Keras 3.15), 5,000 images of 96x96 through MobileNetV2 in batches
    of 32 took 20.5 s that way against 12.6 s here, about 50 ms more per
    batch. On the other backends it is ``predict_on_batch``.
    """
    forward = _FORWARDS.get(encoder)
    if forward is None:
        model = weakref.ref(encoder)
        if keras.backend.backend() == "tensorflow":
            import tensorflow as tf

            forward = TracedForward(tf.function(lambda images: model()(images, training=False),
                                                reduce_retracing=True))
        else:
            forward = lambda images: np.asarray(model().predict_on_batch(images))  # noqa: E731
        _FORWARDS[encoder] = forward
    return forward


@dataclass(frozen=True)
class TracedForward:
    """A traced TensorFlow forward pass; several threads may call it at once (``concurrent``)."""

    step: object
    concurrent = True

    def __call__(self, images):
        return self.step(images).numpy()


def is_keras_distribution(value):
    """True for a ``keras.distribution`` object (``DataParallel``, ``ModelParallel``).

    Keras exports the subclasses, not their base class, so this checks the
    two methods every distribution has rather than ``isinstance``.
    """
    return hasattr(value, "device_mesh") and hasattr(value, "get_data_layout")


class StrategyForward:
    """The encoder under a ``tf.distribute`` strategy, replicas' outputs in input order.

    TensorFlow only (``tf.distribute``); see ``make_forward``.
    """

    def __init__(self, encoder, strategy):
        import tensorflow as tf

        with strategy.scope():
            self.encoder = keras.models.clone_model(encoder)
            self.encoder.set_weights(encoder.get_weights())
        self.strategy = strategy
        self.replicas = strategy.num_replicas_in_sync
        self.step = tf.function(self._step, reduce_retracing=True)

    def _replica(self, images):
        return self.encoder(images, training=False)

    def _step(self, images):
        outputs = self.strategy.run(self._replica, args=(images,))
        return self.strategy.gather(outputs, axis=0)

    def __call__(self, images):
        parts = np.array_split(np.asarray(images), self.replicas)
        values = self.strategy.experimental_distribute_values_from_function(
            _ReplicaPart(parts))
        return self.step(values).numpy()


@dataclass
class _ReplicaPart:
    parts: list

    def __call__(self, context):
        return self.parts[context.replica_id_in_sync_group]


class DistributionForward:
    """The encoder under a ``keras.distribution.Distribution`` (any backend)."""

    def __init__(self, encoder, distribution):
        self.encoder = encoder
        self.distribution = distribution
        self.devices = max(1, int(np.prod(distribution.device_mesh.shape)))

    def __call__(self, images):
        images = np.asarray(images)
        rows = len(images)
        padded = -(-rows // self.devices) * self.devices
        if padded != rows:
            images = np.concatenate([images, np.repeat(images[-1:], padded - rows, axis=0)])
        with self.distribution.scope():
            return np.asarray(self.encoder.predict_on_batch(images))[:rows]


class SteadyBatch:
    """Wrap ``forward`` so that a smaller (last) batch is padded to the largest size seen.

    A traced function retraces for every new input shape, and tracing a real
    backbone costs seconds: about as much as the forward pass over 1,000
    images at 96x96 on two cores. Padding the last batch with copies of its
    last row, then dropping those rows, keeps one trace; in inference mode
    every row's features depend on that row alone.
    """

    def __init__(self, forward):
        self.forward = forward
        self.largest = 0
        self.concurrent = getattr(forward, "concurrent", False)

    def __call__(self, images):
        images = np.asarray(images)
        rows = len(images)
        target = self.largest = max(self.largest, rows)
        if rows == target:
            return np.asarray(self.forward(images))
        filler = np.repeat(images[-1:], target - rows, axis=0)
        return np.asarray(self.forward(np.concatenate([images, filler])))[:rows]


IN_FLIGHT = 3


class InFlight:
    """``submit(images)``: a future of ``forward(images)``; up to ``depth`` batches compute at once.

    One forward pass of a small convolutional encoder does not keep every
    core busy: between its ops, and between batches while Python reads the
    next one and hashes it, cores wait. Two or three batches in flight fill
    those gaps. Measured on 2 cores (TensorFlow 2.21, Keras 3.15): warm
    extractions of 5,000 images of 96x96 through MobileNetV2 in batches of
    32, 3 interleaved runs each, took 14.67 / 11.93 / 12.25 s one batch at a
    time, 11.14 / 11.48 / 12.03 s with two in flight and 10.73 / 10.69 /
    11.69 s with three, the features bit for bit the same (XLA's
    ``jit_compile`` was no lever: 8x slower on this CPU).

    Only a forward marked ``concurrent`` (``TracedForward``) runs on
    threads; any other, and the first batch (it traces), run at once in the
    caller's thread. Submitting waits while ``depth`` batches compute, so
    memory stays bounded.
    """

    def __init__(self, forward, depth=IN_FLIGHT):
        threaded = getattr(forward, "concurrent", False) and depth > 1
        self.forward, self.depth = forward, depth
        self.pool = concurrent_threads(depth) if threaded else None
        self.pending = []
        self.started = False

    def submit(self, images):
        if self.pool is None or not self.started:
            self.started = True
            return done(self.forward(images))
        while len(self.pending) >= self.depth:
            self.pending.pop(0).result()
        future = self.pool.submit(self.forward, images)
        self.pending.append(future)
        return future

    def close(self):
        if self.pool is not None:
            self.pool.shutdown(wait=True)  # at most depth batches still computing


def concurrent_threads(count):
    return concurrent.futures.ThreadPoolExecutor(max_workers=count, thread_name_prefix="forward")


def done(value):
    future = concurrent.futures.Future()
    future.set_result(value)
    return future


@dataclass
class BatchFeatures:
    """Futures of the features of every augmented copy of one input batch.

    The augmentation runs in the caller's thread (a user's function need not
    be thread-safe); the forward passes go to ``in_flight``.
    """

    in_flight: InFlight
    augment: object
    copies: int
    seed: int

    def __call__(self, index, images):
        return [self.in_flight.submit(self.augment(images, copy_seed(self.seed, k, index)))
                for k in range(self.copies)]


# ---------------------------------------------------------------- who extracts what

@dataclass(frozen=True)
class Worker:
    """This process's share of a distributed extraction: shards ``i`` with ``i % count == index``."""

    index: int = 0
    count: int = 1

    def owns(self, shard_number):
        return shard_number % self.count == self.index

    @property
    def manifest_name(self):
        """The manifest this worker writes: the entry's own when alone, else a partial one."""
        return MANIFEST if self.count == 1 else f"manifest-worker{self.index}-of-{self.count}.json"


def shard_id(number):
    return f"{number:05d}"


# ---------------------------------------------------------------- the steps

def open_entry(directory, header, worker=Worker()):
    """Step 1: the manifest to extend, holding only the shards the reuse rule keeps."""
    os.makedirs(directory, exist_ok=True)
    found = Manifest.load(directory, worker.manifest_name)
    manifest = header.fresh()
    if found is not None:
        manifest.shards = found.reusable_shards(directory, header.key)
    save_manifest(directory, manifest, worker)
    if worker.count == 1:
        remove_unlisted(directory, manifest)
    return manifest


def save_manifest(directory, manifest, worker=Worker()):
    manifest.save(directory, worker.manifest_name)


@dataclass
class PendingBatch:
    """One input batch on its way into a shard: features, or images kept for a decision."""

    index: int
    labels: np.ndarray
    digests: list
    images: np.ndarray = None
    features: list = None


@dataclass
class ShardInputs:
    """The batches of one shard, its id and whether this worker writes it."""

    shard_id: str
    owned: bool
    batches: list = field(default_factory=list)

    @property
    def input_digest(self):
        return f"{multiset_digest([d for b in self.batches for d in b.digests]):064x}"


@dataclass
class ContentTally:
    """The multiset digest of every example read so far."""

    total: int = 0

    def add(self, digests):
        self.total = (self.total + multiset_digest(digests)) % MODULUS

    @property
    def hex(self):
        return f"{self.total:064x}"


def read_shards(batches, batches_per_shard, previous, compute, tally, worker=Worker(), progress=None):
    """Step 2: yield ``ShardInputs`` one shard at a time (a generator: one shard in memory)."""
    shard = ShardInputs(shard_id(0), worker.owns(0))
    for index, (x, y) in enumerate(batches):
        digests = example_digests(x, y)
        tally.add(digests)
        pending = PendingBatch(index, np.asarray(y), digests)
        if shard.owned and shard.shard_id in previous:
            pending.images = np.asarray(x)        # wait: the shard may be reused whole
        elif shard.owned:
            pending.features = compute(index, x)  # x is dropped here
        shard.batches.append(pending)
        if progress is not None:
            progress.update(index + 1)
        if len(shard.batches) == batches_per_shard:
            yield shard
            number = int(shard.shard_id) + 1
            shard = ShardInputs(shard_id(number), worker.owns(number))
    if shard.batches:
        yield shard


def shard_contents(shard, compute, copies):
    """Step 3: ``(labels, [features of copy k])`` of a shard, computing what was deferred."""
    per_batch = [b.features if b.features is not None else compute(b.index, b.images)
                 for b in shard.batches]
    features = [np.concatenate([f[k].result() for f in per_batch]) for k in range(copies)]
    return np.concatenate([b.labels for b in shard.batches]), features


def write_shard(directory, manifest, shard_id, input_digest, labels, copies, worker=Worker()):
    """Save one shard's files, then the manifest listing it (so it counts as complete)."""
    files = {"labels": shards.write_array(directory, f"shard-{shard_id}-labels.npy", labels)}
    for k, features in enumerate(copies):
        files[f"copy{k}"] = shards.write_array(directory, f"shard-{shard_id}-copy{k}.npy", features)
    manifest.shards[shard_id] = ShardRecord(int(len(labels)), input_digest, files)
    save_manifest(directory, manifest, worker)  # last: the shard now counts as complete


class ShardWriter:
    """Step 4: writes shards on one background thread; at most one shard waits for the disk."""

    def __init__(self, directory, manifest, worker=Worker()):
        self.directory, self.manifest, self.worker = directory, manifest, worker
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
        self.pending = None

    def submit(self, shard_id, input_digest, labels, copies):
        self.wait()
        self.manifest.shards.pop(shard_id, None)
        self.pending = self.pool.submit(write_shard, self.directory, self.manifest, shard_id,
                                        input_digest, labels, copies, self.worker)

    def wait(self):
        if self.pending is not None:
            self.pending.result()
            self.pending = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            if exc[0] is None:
                self.wait()
        finally:
            self.pool.shutdown(wait=True)


def close_entry(directory, manifest, owned, tally, reused, expected_content, worker=Worker()):
    """Step 5: check the content, drop stale shards, mark complete; return the manifest."""
    if expected_content is not None and expected_content != "content:" + tally.hex:
        raise ValueError(
            "the dataset yielded different examples on the fingerprint pass and the extraction "
            "pass (random augmentation or sampling inside the pipeline?). Cache the "
            "un-augmented data and pass augment= instead, or pass data_version=."
        )
    for stale in set(manifest.shards) - set(owned):
        del manifest.shards[stale]
    manifest.num_examples = sum(s.examples for s in manifest.shards.values())
    manifest.content_seen = tally.hex
    manifest.reused_shards = reused
    manifest.complete = True
    save_manifest(directory, manifest, worker)
    if worker.count == 1:
        remove_unlisted(directory, manifest)
    return manifest


def extract_to(directory, forward, batches, header, *, augment, batches_per_shard,
               total_batches=None, expected_content=None, worker=Worker(), verbose=1):
    """Fill ``directory`` with the features of ``batches``; return the final ``Manifest``.

    Args:
        directory: the cache entry's folder (created if missing).
        forward: ``fn(images) -> features`` (see ``make_forward``); one
            marked ``concurrent`` computes ``IN_FLIGHT`` batches at once.
        batches: an iterable of numpy ``(x, y)`` batches, in a fixed order
            for resuming to pay off (a reshuffled order is still correct:
            shards whose examples differ are recomputed).
        header: a ``Manifest`` holding the fingerprint fields (its shards
            are ignored).
        augment: ``fn(images, seed) -> images`` (see ``seeded_augment``);
            ``header.copies`` copies with seed ``header.seed``.
        batches_per_shard: input batches per shard file.
        total_batches: for the progress bar (None when unknown).
        expected_content: the dataset's content digest from the fingerprint
            pass; a mismatch with what this pass read raises ``ValueError``.
        worker: this process's ``Worker`` share (default: all shards). With
            several workers the returned manifest is this worker's partial
            one; ``merge_workers`` makes the entry's.
        verbose: 0 silent, 1 progress bar.
    """
    manifest = open_entry(directory, header, worker)
    previous = dict(manifest.shards)
    in_flight = InFlight(forward)
    compute = BatchFeatures(in_flight, augment, header.copies, header.seed)
    progress = keras.utils.Progbar(total_batches, verbose=verbose, unit_name="batch")
    tally = ContentTally()
    owned, reused = [], 0
    try:
        with ShardWriter(directory, manifest, worker) as writer:
            for shard in read_shards(batches, batches_per_shard, previous, compute, tally, worker,
                                     progress):
                if not shard.owned:
                    continue
                owned.append(shard.shard_id)
                digest = shard.input_digest
                if shard.shard_id in previous and previous[shard.shard_id].input == digest:
                    reused += 1
                    continue
                labels, features = shard_contents(shard, compute, header.copies)
                writer.submit(shard.shard_id, digest, labels, features)
    finally:
        in_flight.close()
    return close_entry(directory, manifest, owned, tally, reused, expected_content, worker)


def merge_workers(directory, header, count, *, timeout=600.0, poll=0.05):
    """Wait for the ``count`` workers' partial manifests; write and return the entry's manifest.

    Every worker calls this after its own ``extract_to``; each writes the
    same merged manifest (atomically, from the same partial manifests), so
    no worker has to be the chief. Raises ``TimeoutError`` naming the
    workers still missing after ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    while True:
        parts = [Manifest.load(directory, Worker(i, count).manifest_name) for i in range(count)]
        ready = [p is not None and p.complete and p.key == header.key for p in parts]
        if all(ready):
            break
        if time.monotonic() > deadline:
            missing = [i for i, ok in enumerate(ready) if not ok]
            raise TimeoutError(f"distributed extraction into {directory}: workers {missing} of "
                               f"{count} did not finish within timeout={timeout} s")
        time.sleep(poll)
    merged = header.fresh()
    for part in parts:
        merged.shards.update(part.shards)
    merged.num_examples = sum(s.examples for s in merged.shards.values())
    merged.content_seen = parts[0].content_seen
    merged.reused_shards = sum(p.reused_shards for p in parts)
    merged.workers = count
    merged.complete = True
    merged.save(directory)
    return merged

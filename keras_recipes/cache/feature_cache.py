"""``FeatureCache``: extract bottleneck features once, read them many times, safely.

Seeds 001/003, "Frozen training layers: why waste computations? ... just
save them out": input -> bottleneck once, then train the new task on the
saved features. The cache adds what the naive ``predict`` + ``np.save``
lacks: a key that changes when the encoder's weights, the data or the
augmentation change; atomic, checksummed shards that survive a killed run;
bounded memory; and ``info`` / ``clear``.
"""

import dataclasses
import os
import shutil
from dataclasses import dataclass

from keras_recipes.cache import shards
from keras_recipes.cache.manifest import Manifest
from keras_recipes.checks import require_positive_int

CACHE_DIR_ENV = "KERAS_RECIPES_CACHE_DIR"


def default_cache_dir():
    """``$KERAS_RECIPES_CACHE_DIR``, else ``~/.cache/keras_recipes/bottlenecks``."""
    return os.environ.get(CACHE_DIR_ENV) or os.path.join(
        os.path.expanduser("~"), ".cache", "keras_recipes", "bottlenecks")


@dataclass(frozen=True)
class CachedFeatures:
    """One complete cache entry: where it lives and what its manifest says.

    Attributes:
        path: the entry's folder.
        manifest: the entry's ``Manifest`` (fingerprints, shards, checksums).
    """

    path: str
    manifest: Manifest

    @property
    def key(self):
        return self.manifest.key

    @property
    def num_examples(self):
        return self.manifest.num_examples

    @property
    def copies(self):
        return self.manifest.copies

    @property
    def reused_shards(self):
        """Shards found complete on disk rather than computed by the last extraction."""
        return self.manifest.reused_shards

    def dataset(self, batch_size=32, *, shuffle=True, seed=0):
        """``tf.data.Dataset`` of ``(features, labels)`` batches for ``bundle.head.fit``.

        Args:
            batch_size: examples per batch (default 32).
            shuffle: reshuffle shards and examples every epoch (default True);
                False reads in extraction order.
            seed: seed of the shuffling and of the per-epoch choice among the
                augmented copies; the order depends on it alone (not on
                TensorFlow's global seed). Default 0.
        """
        from keras_recipes.cache.reader import entry_dataset

        require_positive_int("batch_size", batch_size)
        return entry_dataset(self.path, self.manifest, batch_size=batch_size, shuffle=shuffle, seed=seed)

    def arrays(self, copy=0):
        """``(features, labels)`` numpy arrays of augmented copy ``copy``, in extraction order.

        Loads the whole entry: for inspection and tests on small caches.
        """
        from keras_recipes.cache.reader import entry_arrays

        if not 0 <= copy < self.copies:
            raise ValueError(f"copy must be in [0, {self.copies}); received: copy={copy!r}")
        return entry_arrays(self.path, self.manifest, copy)


def _as_encoder(encoder):
    import keras

    encoder = getattr(encoder, "encoder", encoder)  # a ModelBundle gives its encoder
    if not isinstance(encoder, keras.Model):
        raise TypeError("encoder must be a keras.Model or a ModelBundle; "
                        f"received: {type(encoder).__name__}")
    return encoder


def _as_worker(worker):
    from keras_recipes.cache.extract import Worker

    if worker is None:
        return Worker()
    if isinstance(worker, Worker):
        return worker
    if (isinstance(worker, (tuple, list)) and len(worker) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in worker)
            and worker[1] >= 1 and 0 <= worker[0] < worker[1]):
        return Worker(*worker)
    raise ValueError("worker must be None or (index, count) with 0 <= index < count; "
                     f"received: worker={worker!r}")


def _batched(encoder, dataset, batch_size):
    """``dataset`` as (x, y) batches, checked against the encoder's input, made ``untuned``."""
    from keras_recipes.cache.untuned import untuned
    from keras_recipes.checks import check_dataset, is_tensor_spec, require_dataset

    require_dataset("dataset", dataset, "a tf.data.Dataset of (x, y)")
    spec = dataset.element_spec
    if not (isinstance(spec, tuple) and len(spec) == 2 and all(is_tensor_spec(s) for s in spec)):
        raise ValueError(f"dataset elements must be (x, y) tensor pairs; received element_spec={spec!r}")
    from keras_recipes.checks import require_finite_images

    check_dataset(encoder, dataset)
    dataset = untuned(dataset)  # from the first pass on: the finite check iterates too
    require_finite_images("dataset", dataset)  # NaN images are refused, never cached
    if len(spec[0].shape) == len(encoder.input.shape) - 1:
        dataset = dataset.batch(batch_size)
    return dataset


class FeatureCache:
    """A folder of bottleneck-feature caches, one entry per fingerprint.

    The "bottleneck" slides of seeds 001/003 as a safe procedure: build
    input -> bottleneck (``bundle.encoder``), push the data through once,
    save the features, train the task on them. Each entry is keyed by the
    encoder's architecture and weights, the data's spec, cardinality and
    content (or ``data_version``) and the augmentation with its seed, so a
    changed encoder or dataset can never read stale features.

    ```python
    import keras_recipes as kr
    from keras_recipes.cache import FeatureCache

    data = kr.datasets.load_digits(image_size=16)
    bundle = kr.vgg(input_shape=(16, 16, 1), num_classes=10)
    cache = FeatureCache("/tmp/bottlenecks")
    features = cache.extract(bundle, data.train)        # once: one forward pass
    bundle.head.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                        metrics=["accuracy"])
    bundle.head.fit(features.dataset(batch_size=32), epochs=5)   # many times
    print(cache.info())                                 # entries and their sizes
    ```

    Args:
        directory: the folder holding the entries (default
            ``$KERAS_RECIPES_CACHE_DIR`` or ``~/.cache/keras_recipes/bottlenecks``).
    """

    def __init__(self, directory=None):
        self.directory = os.path.abspath(os.fspath(directory or default_cache_dir()))

    def extract(self, encoder, dataset, *, augment=None, copies=1, seed=0, data_version=None,
                batch_size=32, shard_size=1024, strategy=None, worker=None, worker_timeout=600.0,
                verbose=1):
        """Features of ``dataset`` under ``encoder``: reused if cached, else extracted.

        Args:
            encoder: a ``keras.Model`` (input -> bottleneck) or a ``ModelBundle``.
            dataset: ``tf.data.Dataset`` of ``(x, y)``, batched or not. Keep
                random augmentation out of it (pass ``augment=``) and prefer a
                fixed order, so that an interrupted extraction resumes.
            augment: None, a function ``augment(images, seed) -> images``, a
                Keras augmentation layer or a ``keras.Sequential`` of them.
            copies: augmented copies per example (default 1); copies > 1
                needs ``augment``.
            seed: seed of the augmentation (default 0).
            data_version: a string that names the data's version; skips the
                content-hash pass. You vouch that it changes with the data.
            batch_size: batch size for unbatched datasets (default 32).
            shard_size: examples per shard file, rounded up to whole batches
                (default 1024). Peak memory is about one or two shards.
            strategy: spreads the forward pass over this host's devices: a
                ``tf.distribute`` strategy (TensorFlow backend) or a
                ``keras.distribution.Distribution`` (any backend); default
                None: the current device.
            worker: ``(index, count)`` (or an ``extract.Worker``): this
                process is worker ``index`` of ``count`` processes sharing
                the extraction, each computing the shards ``i`` with
                ``i % count == index`` into the same folder (a shared file
                system on a real cluster); every worker then waits for the
                others and returns the whole entry under one manifest.
                ``keras_recipes.distribute.extract_on_workers`` fills this
                from ``TF_CONFIG``. Default None: one process.
            worker_timeout: seconds a worker waits for the others (default 600).
            verbose: 0 silent, 1 progress bars.
        Returns:
            ``CachedFeatures``; ``.dataset()`` gives the tf.data pipeline.
        """
        from keras_recipes.augment import seeded_augment
        from keras_recipes.cache.extract import SteadyBatch, extract_to, make_forward, merge_workers
        from keras_recipes.cache.fingerprint import (
            augment_fingerprint, cache_key, dataset_fingerprint, encoder_fingerprint)

        encoder = _as_encoder(encoder)
        require_positive_int("copies", copies)
        require_positive_int("batch_size", batch_size)
        require_positive_int("shard_size", shard_size)
        if copies > 1 and augment is None:
            raise ValueError(f"copies > 1 needs augment= (identical copies are waste); received: "
                             f"copies={copies}, augment=None")
        worker = _as_worker(worker)
        augment_fn = seeded_augment(augment)
        dataset = _batched(encoder, dataset, batch_size)

        def batches():
            return dataset.as_numpy_iterator()

        encoder_digest = encoder_fingerprint(encoder)
        data_digest, content = dataset_fingerprint(dataset, batches, data_version=data_version)
        augment_digest = augment_fingerprint(augment, seed=seed, copies=copies)
        key = cache_key(encoder_digest, data_digest, augment_digest)
        path = os.path.join(self.directory, key[:24])
        found = Manifest.load(path)
        if found is not None and found.is_full_hit(path, key):
            return CachedFeatures(path, dataclasses.replace(found, reused_shards=len(found.shards)))

        first = next(iter(dataset.take(1)), None)
        if first is None:
            raise ValueError("dataset must yield at least one (x, y) batch; received an empty dataset")
        output = encoder.output
        label_spec = dataset.element_spec[1]
        header = Manifest(
            key=key, encoder=encoder_digest, data=data_digest, data_content=content,
            augment=augment_digest, copies=copies, seed=seed, encoder_name=encoder.name,
            feature_shape=list(output.shape[1:]), feature_dtype=str(output.dtype),
            label_shape=list(label_spec.shape[1:]), label_dtype=label_spec.dtype.name)
        cardinality = int(dataset.cardinality())
        manifest = extract_to(
            path, SteadyBatch(make_forward(encoder, strategy)), batches(), header,
            augment=augment_fn, batches_per_shard=max(1, -(-shard_size // int(first[0].shape[0]))),
            total_batches=cardinality if cardinality >= 0 else None,
            expected_content=None if data_version is not None else content, worker=worker,
            verbose=verbose)
        if worker.count > 1:
            manifest = merge_workers(path, header, worker.count, timeout=worker_timeout)
        return CachedFeatures(path, manifest)

    def info(self):
        """One dict per entry: key, encoder name, examples, copies, complete, bytes, path.

        Reads only the manifests (no TensorFlow import), so the CLI is instant.
        """
        rows = []
        if not os.path.isdir(self.directory):
            return rows
        for name in sorted(os.listdir(self.directory)):
            path = os.path.join(self.directory, name)
            manifest = Manifest.load(path) if os.path.isdir(path) else None
            if manifest is None:
                continue
            rows.append({
                "key": manifest.key[:24], "encoder": manifest.encoder_name,
                "examples": sum(s.examples for s in manifest.shards.values()),
                "copies": manifest.copies, "shards": len(manifest.shards),
                "feature_shape": tuple(manifest.feature_shape),
                "complete": manifest.complete, "bytes": shards.directory_bytes(path),
                "path": path,
            })
        return rows

    def clear(self, key=None):
        """Delete every entry (or the one whose key starts with ``key``); return bytes freed."""
        rows = [row for row in self.info() if key is None or row["key"].startswith(key)]
        if key is not None and not rows:
            raise ValueError(f"key matches no entry in {self.directory}; received: key={key!r}")
        for row in rows:
            shutil.rmtree(row["path"])
        return sum(row["bytes"] for row in rows)

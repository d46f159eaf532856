"""Streaming extraction: push the data through the encoder once, shard by shard.

The loop keeps at most one shard in memory while a writer thread saves the
previous one, so peak memory depends on ``shard_size``, not on the size of
the dataset. Shards already listed in the manifest with intact files and the
same input examples are skipped, so a killed run resumes where it stopped.
"""

import concurrent.futures
import os
import warnings

import keras
import numpy as np

from keras_recipes.cache import shards
from keras_recipes.augment import copy_seed
from keras_recipes.cache.fingerprint import MODULUS, example_digests, multiset_digest

# Test hook: seconds to sleep after each shard is saved, so a test can kill
# the process mid-extraction deterministically.
SLEEP_ENV = "KERAS_RECIPES_CACHE_SLEEP_PER_SHARD"


def make_forward(encoder, strategy=None):
    """``fn(images) -> numpy features`` running the encoder in inference mode.

    Without a strategy this is ``encoder.predict_on_batch``: the same traced
    function that ``encoder.predict`` uses and keeps on the model, so a
    second extraction does not trace again and the throughput is predict's.
    With a ``tf.distribute`` strategy, the encoder is cloned into the
    strategy's scope (same weights), each batch is split across the replicas
    in order and the replicas' outputs are gathered back in that order, so
    the features equal the single-device ones.
    """
    import tensorflow as tf

    if strategy is None:
        return encoder.predict_on_batch

    with strategy.scope():
        replica_encoder = keras.models.clone_model(encoder)
        replica_encoder.set_weights(encoder.get_weights())
    replicas = strategy.num_replicas_in_sync

    @tf.function(reduce_retracing=True)
    def step(images):
        outputs = strategy.run(lambda x: replica_encoder(x, training=False), args=(images,))
        return strategy.gather(outputs, axis=0)

    def forward(images):
        parts = np.array_split(np.asarray(images), replicas)
        values = strategy.experimental_distribute_values_from_function(
            lambda context: parts[context.replica_id_in_sync_group])
        return step(values).numpy()

    return forward


def pad_to_steady_batch(forward):
    """Wrap ``forward`` so that a smaller (last) batch is padded to the largest size seen.

    A traced function retraces for every new input shape, and tracing a real
    backbone costs seconds: about as much as the forward pass over 1,000
    images at 96x96 on two cores. Padding the last batch with copies of its
    last row, then dropping those rows, keeps one trace; in inference mode
    every row's features depend on that row alone.
    """
    largest = 0

    def padded(images):
        nonlocal largest
        images = np.asarray(images)
        rows = len(images)
        largest = max(largest, rows)
        if rows == largest:
            return np.asarray(forward(images))
        filler = np.repeat(images[-1:], largest - rows, axis=0)
        return np.asarray(forward(np.concatenate([images, filler])))[:rows]

    return padded


def _shard_input_digest(digests):
    return f"{multiset_digest(digests):064x}"


def _verified_shards(directory, manifest):
    """The manifest's shards whose files are intact; warns about the others."""
    kept = {}
    for shard_id, shard in manifest["shards"].items():
        if shards.shard_is_intact(directory, shard):
            kept[shard_id] = shard
        else:
            warnings.warn(f"feature cache {directory}: shard {shard_id} is missing or corrupt "
                          "(checksum mismatch); recomputing it", stacklevel=3)
    return kept


def _write_shard(directory, manifest, shard_id, input_digest, labels, copies):
    files = {"labels": shards.write_array(directory, f"shard-{shard_id}-labels.npy", labels)}
    for k, features in enumerate(copies):
        files[f"copy{k}"] = shards.write_array(directory, f"shard-{shard_id}-copy{k}.npy", features)
    manifest["shards"][shard_id] = {"examples": int(len(labels)), "input": input_digest,
                                    "files": files}
    shards.save_manifest(directory, manifest)  # last: the shard now counts as complete
    delay = float(os.environ.get(SLEEP_ENV, "0") or 0)
    if delay:
        import time

        time.sleep(delay)


def extract_to(directory, forward, batches, header, *, augment, copies, seed, batches_per_shard,
               total_batches=None, expected_content=None, verbose=1):
    """Fill ``directory`` with the features of ``batches``; return the final manifest.

    Args:
        directory: the cache entry's folder (created if missing).
        forward: ``fn(images) -> features`` (see ``make_forward``).
        batches: an iterable of numpy ``(x, y)`` batches, in a fixed order
            for resuming to pay off (a reshuffled order is still correct:
            shards whose examples differ are recomputed).
        header: dict of fingerprint fields stored in the manifest.
        augment: ``fn(images, seed) -> images`` (see ``seeded_augment``).
        copies: number of augmented copies per example.
        seed: seed of the augmentation.
        batches_per_shard: input batches per shard file.
        total_batches: for the progress bar (None when unknown).
        expected_content: the dataset's content digest from the fingerprint
            pass; a mismatch with what this pass read raises ``ValueError``.
        verbose: 0 silent, 1 progress bar.
    """
    os.makedirs(directory, exist_ok=True)
    manifest = shards.load_manifest(directory)
    if manifest is None or manifest.get("format") != shards.FORMAT_VERSION or manifest["key"] != header["key"]:
        manifest = {"format": shards.FORMAT_VERSION, "shards": {}, **header}
    manifest["complete"] = False
    manifest["shards"] = _verified_shards(directory, manifest)
    shards.save_manifest(directory, manifest)
    shards.remove_leftovers(directory)

    previous = dict(manifest["shards"])
    progress = keras.utils.Progbar(total_batches, verbose=verbose, unit_name="batch")
    content = 0
    done = []
    pending = None
    reused = 0

    def run(index, x):
        return [forward(augment(x, copy_seed(seed, k, index))) for k in range(copies)]

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as writer:
        # One entry per batch: (index, x, y, digests, features). The forward
        # pass runs as each batch arrives and x is dropped, so a shard holds
        # features, not images; only a shard that a previous run completed
        # keeps its images until its input digest says "reuse" or "recompute".
        shard = []

        def finish():
            nonlocal pending, reused
            shard_id = f"{len(done):05d}"
            done.append(shard_id)
            input_digest = _shard_input_digest([d for *_, digests, _ in shard for d in digests])
            if shard_id in previous and previous[shard_id]["input"] == input_digest:
                reused += 1
                return
            per_batch = [features if features is not None else run(index, x)
                         for index, x, _, _, features in shard]
            copies_features = [np.concatenate([f[k] for f in per_batch]) for k in range(copies)]
            labels = np.concatenate([y for _, _, y, _, _ in shard])
            if pending is not None:
                pending.result()  # at most one shard waits for the disk: bounded memory
            manifest["shards"].pop(shard_id, None)
            pending = writer.submit(_write_shard, directory, manifest, shard_id, input_digest,
                                    labels, copies_features)

        for index, (x, y) in enumerate(batches):
            digests = example_digests(x, y)
            content = (content + multiset_digest(digests)) % MODULUS
            if f"{len(done):05d}" in previous:
                shard.append((index, x, y, digests, None))
            else:
                shard.append((index, None, y, digests, run(index, x)))
            progress.update(index + 1)
            if len(shard) == batches_per_shard:
                finish()
                shard = []
        if shard:
            finish()
        if pending is not None:
            pending.result()

    content_hex = f"{content:064x}"
    if expected_content is not None and expected_content != "content:" + content_hex:
        raise ValueError(
            "the dataset yielded different examples on the fingerprint pass and the extraction "
            "pass (random augmentation or sampling inside the pipeline?). Cache the "
            "un-augmented data and pass augment= instead, or pass data_version=."
        )
    for stale in set(manifest["shards"]) - set(done):
        del manifest["shards"][stale]
    manifest["num_examples"] = sum(s["examples"] for s in manifest["shards"].values())
    manifest["content_seen"] = content_hex
    manifest["reused_shards"] = reused
    manifest["complete"] = True
    shards.save_manifest(directory, manifest)
    shards.remove_leftovers(directory)
    return manifest

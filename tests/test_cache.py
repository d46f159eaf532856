"""Bottleneck feature cache (issue 5): correctness, invalidation, safety, the one-liner.

Tolerance: cached features are compared with ``encoder.predict`` on the same
inputs at ``atol=1e-6`` (float32, same CPU kernels; observed difference 0).
"""

import os

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_recipes import ModelBundle
from keras_recipes.cache import CorruptShardError, FeatureCache, encoder_fingerprint, train_head_on_cache
from keras_recipes.augment import copy_seed, seeded_augment
from keras_recipes.cache.fingerprint import augment_fingerprint
from keras_recipes.cache.shards import read_array
from keras_recipes.datasets import digits_arrays
from keras_recipes.tasks import Classifier

ATOL = 1e-6
N, BATCH, SHARD = 96, 16, 32  # 3 shards of 2 batches


def make_bundle():
    inputs = keras.Input((8, 8, 1))
    x = keras.layers.Conv2D(6, 3, activation="relu")(inputs)
    x = keras.layers.BatchNormalization()(x)
    encoder = keras.Model(inputs, keras.layers.GlobalAveragePooling2D()(x), name="encoder")
    return ModelBundle.assemble(encoder, Classifier(num_classes=3))


@pytest.fixture
def data():
    x, y = digits_arrays(image_size=8)
    return x[:N], (y[:N] % 3).astype("int64")


def pipeline(x, y, batch=BATCH):
    return tf.data.Dataset.from_tensor_slices((x, y)).batch(batch)


def extract(cache, encoder, x, y, **kwargs):
    return cache.extract(encoder, pipeline(x, y), shard_size=SHARD, verbose=0, **kwargs)


def test_cached_features_equal_encoder_predict(tmp_path, data):
    x, y = data
    bundle = make_bundle()
    features = extract(FeatureCache(tmp_path), bundle, x, y)
    cached, labels = features.arrays()
    assert features.num_examples == N and len(features.manifest.shards) == 3
    np.testing.assert_allclose(cached, bundle.encoder.predict(x, verbose=0), atol=ATOL)
    np.testing.assert_array_equal(labels, y)
    # An unbatched dataset is batched for the caller and lands on the same key.
    unbatched = tf.data.Dataset.from_tensor_slices((x, y))
    again = FeatureCache(tmp_path).extract(bundle, unbatched, batch_size=BATCH, shard_size=SHARD, verbose=0)
    assert again.key == features.key and again.reused_shards == 3
    # The pipelines the cache iterates run without tf.data autotuning or default static
    # rewrites (cache/untuned.py).
    from keras_recipes.cache.feature_cache import _batched

    for options in (features.dataset().options(), _batched(bundle.encoder, unbatched, BATCH).options()):
        assert options.autotune.enabled is False
        assert options.experimental_optimization.apply_default_optimizations is False


def test_last_batch_is_padded_so_the_encoder_sees_one_shape():
    from keras_recipes.cache.extract import SteadyBatch

    shapes = []

    def forward(images):
        shapes.append(images.shape)
        return images * 2

    padded = SteadyBatch(forward)
    np.testing.assert_array_equal(padded(np.ones((4, 2))), np.full((4, 2), 2.0))
    last = np.arange(6.0).reshape(3, 2)
    np.testing.assert_array_equal(padded(last), last * 2)
    assert shapes == [(4, 2), (4, 2)]

def test_inference_forward_is_traced_once_per_encoder_and_does_not_keep_it_alive(data):
    import gc
    import weakref

    from keras_recipes.cache.extract import inference_forward

    x, _ = data
    encoder = make_bundle().encoder
    forward = inference_forward(encoder)
    np.testing.assert_allclose(forward(x[:BATCH]), encoder.predict_on_batch(x[:BATCH]), atol=ATOL)
    assert inference_forward(encoder) is forward  # the second extraction reuses the trace
    assert inference_forward(make_bundle().encoder) is not forward
    alive = weakref.ref(encoder)
    del encoder, forward
    gc.collect()
    assert alive() is None



def test_in_flight_keeps_order_bounds_the_threads_and_runs_other_forwards_in_place():
    import threading
    import time

    from keras_recipes.cache.extract import InFlight

    lock, running, most, threads = threading.Lock(), [0], [0], set()

    def forward(images):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
            threads.add(threading.current_thread().name)
        time.sleep(0.02)
        with lock:
            running[0] -= 1
        return images * 2

    forward.concurrent = True
    in_flight = InFlight(forward, depth=2)
    futures, waiting = [], []
    for i in range(8):
        futures.append(in_flight.submit(np.full(3, float(i))))
        waiting.append(sum(not f.done() for f in futures))
    in_flight.close()
    assert max(waiting) <= 2  # submit waits: the data are not read ahead of the encoder
    for i, future in enumerate(futures):
        np.testing.assert_array_equal(future.result(), np.full(3, 2.0 * i))
    assert most[0] == 2  # two at a time, never more
    assert threading.current_thread().name in threads  # the first batch (the trace) runs in place

    def plain(images):  # not marked concurrent: every call in the caller's thread
        threads.add(("plain", threading.current_thread().name))
        return images

    threads.clear()
    in_flight = InFlight(plain, depth=3)
    assert [in_flight.submit(np.array([i])).result()[0] for i in range(4)] == [0, 1, 2, 3]
    assert threads == {("plain", threading.current_thread().name)}

def test_second_extraction_reuses_every_shard(tmp_path, data):
    x, y = data
    bundle = make_bundle()
    first = extract(FeatureCache(tmp_path), bundle, x, y)
    stamps = {n: os.stat(os.path.join(first.path, n)).st_mtime_ns for n in os.listdir(first.path)}
    second = extract(FeatureCache(tmp_path), bundle, x, y)
    assert second.path == first.path and second.reused_shards == 3
    assert stamps == {n: os.stat(os.path.join(first.path, n)).st_mtime_ns for n in os.listdir(first.path)}


def test_shuffled_pipeline_keeps_its_key_but_random_content_is_refused(tmp_path, data):
    x, y = data
    bundle = make_bundle()
    shuffled = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(N, seed=1).batch(BATCH)
    first = FeatureCache(tmp_path).extract(bundle, shuffled, shard_size=SHARD, verbose=0)
    second = FeatureCache(tmp_path).extract(bundle, shuffled, shard_size=SHARD, verbose=0)
    assert first.key == second.key and second.reused_shards == 3
    cached, labels = second.arrays()
    reference = bundle.encoder.predict(x, verbose=0)
    # the same (feature, label) pairs as the unshuffled data, in another order
    rows = np.abs(reference[None] - cached[:, None]).sum(axis=2).argmin(axis=1)
    assert sorted(rows) == list(range(N)) and (rows != np.arange(N)).any()
    np.testing.assert_allclose(cached, reference[rows], atol=ATOL)
    np.testing.assert_array_equal(labels, y[rows])
    generator = tf.random.Generator.from_seed(1)  # its state advances: new noise each pass
    noisy = pipeline(x, y).map(lambda a, b: (a + generator.uniform(tf.shape(a)), b))
    with pytest.raises(ValueError, match="different examples"):
        FeatureCache(tmp_path / "noisy").extract(bundle, noisy, shard_size=SHARD, verbose=0)


def test_changed_weight_or_data_invalidates(tmp_path, data):
    x, y = data
    bundle = make_bundle()
    cache = FeatureCache(tmp_path)
    first = extract(cache, bundle, x, y)
    # One weight that matters under any initialisation: a kernel entry can sit
    # in a channel the ReLU zeroes for every input, but BatchNorm's beta[0]
    # adds straight to bottleneck feature 0.
    beta = bundle.encoder.layers[2].beta
    value = keras.ops.convert_to_numpy(beta)
    value[0] += 1e-3
    beta.assign(value)
    changed = extract(cache, bundle, x, y)
    assert changed.key != first.key and changed.reused_shards == 0
    np.testing.assert_allclose(changed.arrays()[0], bundle.encoder.predict(x, verbose=0), atol=ATOL)
    assert np.abs(changed.arrays()[0] - first.arrays()[0]).max() > 1e-5
    x2 = x.copy()
    x2[5, 3, 3, 0] += 0.5  # one pixel
    assert extract(cache, bundle, x2, y).key != changed.key
    assert extract(cache, bundle, x, y, data_version="v1").key != changed.key
    assert len(cache.info()) == 4


def test_fingerprint_ignores_layer_names_and_trainable_but_not_weights():
    a, b = make_bundle(), make_bundle()  # second build: other auto-generated layer names
    b.encoder.set_weights(a.encoder.get_weights())
    assert [l.name for l in a.encoder.layers] != [l.name for l in b.encoder.layers]
    assert encoder_fingerprint(a.encoder) == encoder_fingerprint(b.encoder)
    b.encoder.trainable = False
    assert encoder_fingerprint(a.encoder) == encoder_fingerprint(b.encoder)
    flips = [keras.Sequential([keras.layers.RandomFlip("horizontal")]) for _ in range(2)]
    assert augment_fingerprint(flips[0], seed=0, copies=2) == augment_fingerprint(flips[1], seed=0, copies=2)
    assert augment_fingerprint(flips[0], seed=0, copies=2) != augment_fingerprint(flips[0], seed=1, copies=2)
    moving_mean = b.encoder.layers[2].moving_mean  # a non-trainable weight counts too
    moving_mean.assign(moving_mean + 1.0)
    assert encoder_fingerprint(a.encoder) != encoder_fingerprint(b.encoder)


@pytest.mark.parametrize("damage", ["flip", "truncate"])
def test_corrupted_shard_is_detected_never_read_and_recomputed(tmp_path, data, damage):
    x, y = data
    bundle = make_bundle()
    cache = FeatureCache(tmp_path)
    features = extract(cache, bundle, x, y)
    record = features.manifest.shards["00001"].files["copy0"]
    path = os.path.join(features.path, record["name"])
    raw = bytearray(open(path, "rb").read())
    if damage == "flip":
        raw[-5] ^= 0xFF
    else:
        raw = raw[: len(raw) // 2]
    open(path, "wb").write(bytes(raw))
    with pytest.raises(CorruptShardError, match="corrupt"):
        read_array(features.path, record)
    with pytest.raises(CorruptShardError, match="corrupt"):  # the package's error, not TF's
        for _ in features.dataset(batch_size=N, shuffle=False):
            pass
    with pytest.warns(UserWarning, match="shard 00001 is missing or corrupt"):
        repaired = extract(cache, bundle, x, y)
    assert repaired.reused_shards == 2  # shards 00000 and 00002 kept, 00001 recomputed
    np.testing.assert_allclose(repaired.arrays()[0], bundle.encoder.predict(x, verbose=0), atol=ATOL)


def test_augmented_copies_are_seeded_and_sampled_per_epoch(tmp_path, data):
    x, y = data
    bundle = make_bundle()
    augment = keras.Sequential([keras.layers.RandomFlip("horizontal"),
                                keras.layers.RandomTranslation(0.2, 0.2)])
    features = extract(FeatureCache(tmp_path), bundle, x, y, augment=augment, copies=3, seed=7)
    copies = np.stack([features.arrays(k)[0] for k in range(3)], axis=1)  # (N, 3, D)
    assert np.abs(copies[:, 0] - copies[:, 1]).max() > 1e-3
    # copy k of batch b is encoder(augment(x_b, copy_seed(seed, k, b)))
    fn = seeded_augment(augment)
    expected = bundle.encoder.predict(fn(x[BATCH:2 * BATCH], copy_seed(7, 2, 1)), verbose=0)
    np.testing.assert_allclose(copies[BATCH:2 * BATCH, 2], expected, atol=ATOL)
    # a fresh extraction reproduces the copies bit for bit
    fresh = extract(FeatureCache(tmp_path / "fresh"), bundle, x, y, augment=augment, copies=3, seed=7)
    np.testing.assert_array_equal(fresh.arrays(1)[0], copies[:, 1])
    # the reader draws one copy per example, anew each epoch
    reader = features.dataset(batch_size=N, shuffle=False)
    picks = []
    for _ in range(2):
        epoch = next(iter(reader))[0].numpy()
        match = np.abs(copies - epoch[:, None]).max(axis=2)
        assert (match.min(axis=1) == 0).all()
        picks.append(match.argmin(axis=1))
    assert (picks[0] != picks[1]).any() and set(np.concatenate(picks)) == {0, 1, 2}


def test_reader_reshuffles_every_epoch_and_keeps_pairs(tmp_path, data):
    x, y = data
    features = extract(FeatureCache(tmp_path), make_bundle(), x, y)
    cached, labels = features.arrays()
    reader = features.dataset(batch_size=N, seed=3)
    assert reader.cardinality() == 1
    epochs = [next(iter(reader)) for _ in range(2)]
    rows = [np.abs(cached[None] - f.numpy()[:, None]).sum(axis=2).argmin(axis=1) for f, _ in epochs]
    assert sorted(rows[0]) == list(range(N)) and (rows[0] != rows[1]).any()
    for (_, label), row in zip(epochs, rows):
        np.testing.assert_array_equal(label.numpy(), labels[row])
    # The order follows the reader's own seed, not TensorFlow's global seed: a fresh reader
    # with the same seed, after another global seed, repeats both epochs; another seed does not.
    orders = []
    for global_seed, seed in [(1, 3), (2, 3), (1, 4)]:
        keras.utils.set_random_seed(global_seed)
        again = features.dataset(batch_size=N, seed=seed)
        orders.append([next(iter(again))[1].numpy() for _ in range(2)])
    for epoch in range(2):
        np.testing.assert_array_equal(orders[0][epoch], labels[rows[epoch]])
        np.testing.assert_array_equal(orders[1][epoch], orders[0][epoch])
    assert (np.concatenate(orders[2]) != np.concatenate(orders[0])).any()


def test_reader_windows_yield_every_example_once_in_full_batches(tmp_path, data):
    """Windows of the shuffle buffer smaller than the data, a batch that divides neither
    the shards (32) nor the buffer (20): each epoch is every example once, all batches full
    but the last, and the declared cardinality holds."""
    from keras_recipes.cache.reader import entry_dataset

    x, y = data
    features = extract(FeatureCache(tmp_path), make_bundle(), x, y)
    cached, _ = features.arrays()
    for shuffle in (True, False):
        reader = entry_dataset(features.path, features.manifest, batch_size=7, shuffle=shuffle,
                               seed=0, shuffle_buffer=20)
        batches = [f for f, _ in reader.as_numpy_iterator()]
        assert int(reader.cardinality()) == len(batches) == -(-N // 7)
        assert [len(b) for b in batches] == [7] * (N // 7) + [N % 7]
        rows = np.abs(cached[None] - np.concatenate(batches)[:, None]).sum(axis=2).argmin(axis=1)
        assert sorted(rows) == list(range(N))
        assert (rows == np.arange(N)).all() != shuffle


def test_head_trained_on_cache_drives_bundle_model(tmp_path, data):
    x, y = data
    bundle = make_bundle()
    bundle.encoder.trainable = False
    encoder_before = [w.copy() for w in bundle.encoder.get_weights()]
    head_before = [w.copy() for w in bundle.head.get_weights()]
    bundle.head.compile(optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy")
    history = train_head_on_cache(bundle, pipeline(x, y), pipeline(x, y), epochs=3,
                                  cache_dir=tmp_path, verbose=0)
    assert len(history.history["loss"]) == 3 and "val_loss" in history.history
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert any(np.abs(a - b).max() > 0 for a, b in zip(head_before, bundle.head.get_weights()))
    for before, after in zip(encoder_before, bundle.encoder.get_weights()):
        np.testing.assert_array_equal(before, after)
    cached = FeatureCache(tmp_path).extract(bundle, pipeline(x, y), verbose=0).arrays()[0]
    np.testing.assert_allclose(bundle.model.predict(x, verbose=0),
                               bundle.head.predict(cached, verbose=0), atol=1e-5)


def test_one_liner_refuses_unfrozen_encoder_and_uncompiled_head(tmp_path, data):
    x, y = data
    bundle = make_bundle()
    bundle.head.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="must be frozen.*trainable = False"):
        train_head_on_cache(bundle, pipeline(x, y), epochs=1, cache_dir=tmp_path)
    fresh = make_bundle()
    fresh.encoder.trainable = False
    with pytest.raises(ValueError, match="must be compiled"):
        train_head_on_cache(fresh, pipeline(x, y), epochs=1, cache_dir=tmp_path)
    with pytest.raises(ValueError, match="epochs"):
        train_head_on_cache(fresh, pipeline(x, y), epochs=0, cache_dir=tmp_path)
    assert not os.path.exists(tmp_path / "manifest.json") and not os.listdir(tmp_path)


def test_arguments_are_checked_at_the_door(tmp_path, data):
    x, y = data
    bundle = make_bundle()
    cache = FeatureCache(tmp_path)
    with pytest.raises(ValueError, match="copies > 1 needs augment"):
        cache.extract(bundle, pipeline(x, y), copies=2)
    with pytest.raises(ValueError, match="shard_size"):
        cache.extract(bundle, pipeline(x, y), shard_size=0)
    with pytest.raises(TypeError, match="tf.data.Dataset"):
        cache.extract(bundle, (x, y))
    with pytest.raises(ValueError, match=r"\(x, y\) tensor pairs"):
        cache.extract(bundle, tf.data.Dataset.from_tensor_slices({"image": x}))
    with pytest.raises(ValueError, match="model expects"):
        cache.extract(bundle, pipeline(np.zeros((4, 9, 9, 1), "float32"), y[:4]))
    with pytest.raises(TypeError, match="augment must be"):
        cache.extract(bundle, pipeline(x, y), augment=keras.Sequential([keras.layers.Dense(2)]))
    with pytest.raises(ValueError, match="empty dataset"):
        cache.extract(bundle, pipeline(x, y).take(0))
    with pytest.raises(TypeError, match="encoder must be"):
        cache.extract("encoder", pipeline(x, y))


def test_info_clear_and_cli(tmp_path, data, capsys):
    from keras_recipes.cli import main

    x, y = data
    cache = FeatureCache(tmp_path)
    one = extract(cache, make_bundle(), x, y)
    two = extract(cache, make_bundle(), x[:40], y[:40])
    rows = {row["key"]: row for row in cache.info()}
    assert rows[one.key[:24]]["examples"] == N and rows[two.key[:24]]["examples"] == 40
    assert all(row["complete"] for row in rows.values())
    assert rows[one.key[:24]]["bytes"] > N * 6 * 4  # at least the float32 features
    assert rows[one.key[:24]]["bytes"] > rows[two.key[:24]]["bytes"]
    assert main(["cache", "info", "--dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "2 entries" in out and one.key[:24] in out and f"{N} examples x 1 copies" in out
    with pytest.raises(ValueError, match="matches no entry"):
        cache.clear("ffff-no-such-key")
    assert main(["cache", "clear", "--dir", str(tmp_path), "--key", two.key[:8]]) == 0
    assert [row["key"] for row in cache.info()] == [one.key[:24]]
    assert cache.clear() > 0 and cache.info() == [] and os.listdir(tmp_path) == []

"""Bundled data: deterministic, disjoint, stratified splits; shapes; the offline TFDS guard."""

import numpy as np
import pytest

from keras_recipes.datasets import (
    DatasetUnavailableError, SHAPES, digits_arrays, load_digits, load_shapes, load_tfds,
    make_shapes, make_splits,
)

N = 1797


def ids_splits(**kw):
    """make_splits over the digits labels with example ids as 'images'."""
    _, y = digits_arrays()
    return make_splits(np.arange(N), y, tuple("0123456789"), **kw)


def test_splits_are_disjoint_cover_everything_and_are_deterministic():
    a, b = ids_splits(seed=0), ids_splits(seed=0)
    parts = [a.arrays[k][0] for k in ("train", "validation", "test")]
    assert sum(len(p) for p in parts) == N
    assert len(np.unique(np.concatenate(parts))) == N
    for k in ("train", "validation", "test"):
        np.testing.assert_array_equal(a.arrays[k][0], b.arrays[k][0])
    other = ids_splits(seed=1)
    assert not np.array_equal(other.arrays["test"][0], a.arrays["test"][0])
    assert abs(len(a.arrays["test"][0]) - 0.15 * N) <= 10


def test_splits_are_stratified():
    s = ids_splits()
    counts = np.bincount(s.arrays["test"][1], minlength=10)
    assert counts.min() >= 25 and counts.max() <= 29  # ~180 per class * 0.15


def test_class_split_relabels_and_never_shares_a_test_image():
    source, target = ids_splits(classes=(0, 1, 2, 3, 4)), ids_splits(classes=(5, 6, 7, 8, 9))
    assert target.class_names == ("5", "6", "7", "8", "9") and target.num_classes == 5
    _, y = digits_arrays()
    ids, labels = target.arrays["train"]
    np.testing.assert_array_equal(y[ids], labels + 5)
    all_source = np.concatenate([source.arrays[k][0] for k in ("train", "validation", "test")])
    assert not np.intersect1d(all_source, target.arrays["test"][0]).size
    full = ids_splits()
    assert set(target.arrays["test"][0]) <= set(full.arrays["test"][0])


def test_labelled_fraction_keeps_a_stratified_subset_and_the_rest_unlabelled():
    full, part = ids_splits(), ids_splits(labelled_fraction=0.2)
    train_ids, unlab_ids = part.arrays["train"][0], part.arrays["unlabelled"][0]
    assert abs(len(train_ids) - 0.2 * len(full.arrays["train"][0])) <= 10
    np.testing.assert_array_equal(np.sort(np.concatenate([train_ids, unlab_ids])),
                                  np.sort(full.arrays["train"][0]))
    assert np.bincount(part.arrays["train"][1]).min() >= 20
    tiny = ids_splits(labelled_fraction=0.001)
    assert sorted(set(tiny.arrays["train"][1])) == list(range(10))  # one per class at least
    np.testing.assert_array_equal(part.arrays["test"][0], full.arrays["test"][0])


def test_load_digits_resizes_and_repeats_channels():
    s = load_digits(image_size=32, channels=3, batch_size=16)
    x, y = next(iter(s.train))
    assert x.shape == (16, 32, 32, 3) and y.dtype.name == "int64"
    assert s.input_shape == (32, 32, 3)
    xs = s.arrays["train"][0]
    assert 0 <= xs.min() and xs.max() <= 1
    np.testing.assert_array_equal(xs[..., 0], xs[..., 2])


@pytest.mark.parametrize("size", [4, 12, 32])
def test_numpy_resize_matches_tf_image_resize(size):
    """The loader resizes in NumPy (same data on every backend) as tf.image.resize would."""
    import tensorflow as tf

    from keras_recipes.datasets.digits import bilinear_resize

    x, _ = digits_arrays()
    x = x[:64]
    expected = tf.image.resize(x, (size, size), method="bilinear").numpy()
    np.testing.assert_allclose(bilinear_resize(x, size, size), expected, atol=1e-6)
    np.testing.assert_allclose(digits_arrays(image_size=size)[0][:64], expected, atol=1e-6)


@pytest.mark.parametrize("kw,message", [
    ({"labelled_fraction": 0}, r"labelled_fraction must be in \(0, 1\]"),
    ({"labelled_fraction": 1.5}, r"labelled_fraction must be in \[0, 1\]"),
    ({"validation_fraction": 0.5, "test_fraction": 0.5}, r"must be < 1"),
    ({"classes": (3, 3)}, r"classes must be distinct label indices in \[0, 10\)"),
    ({"classes": (9, 10)}, r"classes=\(9, 10\)"),
    ({"channels": 2}, r"channels must be one of \[1, 3\]"),
    ({"image_size": 0}, r"image_size must be a positive int"),
    ({"batch_size": 0}, r"batch_size must be a positive int"),
])
def test_load_digits_rejects_bad_arguments(kw, message):
    with pytest.raises(ValueError, match=message):
        load_digits(**kw)


def test_shapes_are_seeded_and_cover_every_class():
    x1, y1 = make_shapes(64, 16, seed=5)
    x2, y2 = make_shapes(64, 16, seed=5)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    x3, _ = make_shapes(64, 16, seed=6)
    assert not np.array_equal(x1, x3)
    assert set(y1) == set(range(len(SHAPES)))
    assert x1.min() >= 0 and x1.max() <= 1
    # every image has a shape: two clearly different colours
    spread = (x1.max(axis=(1, 2)) - x1.min(axis=(1, 2))).max(axis=1)
    assert spread.min() > 0.3
    s = load_shapes(n=200, image_size=16, channels=1)
    assert s.class_names == SHAPES and s.input_shape == (16, 16, 1)
    with pytest.raises(ValueError, match="image_size must be >= 8"):
        make_shapes(4, image_size=4)


def test_tfds_unknown_name_and_offline_dataset_give_clear_errors(tmp_path):
    pytest.importorskip("tensorflow_datasets")
    with pytest.raises(ValueError, match=r"name='mnistt' is not a registered TFDS dataset; close matches: \[.*'mnist'"):
        load_tfds("mnistt", data_dir=str(tmp_path))
    with pytest.raises(DatasetUnavailableError, match=r"'mnist' is not prepared .* download=False.*load_digits"):
        load_tfds("mnist", data_dir=str(tmp_path))


def test_tfds_path_with_a_local_builder_over_the_bundled_digits(tmp_path):
    tfds = pytest.importorskip("tensorflow_datasets")

    class RecipesDigitsForTest(tfds.core.GeneratorBasedBuilder):
        """A TFDS builder that 'downloads' nothing: it reads sklearn's digits."""

        VERSION = tfds.core.Version("1.0.0")

        def _info(self):
            return tfds.core.DatasetInfo(builder=self, features=tfds.features.FeaturesDict({
                "image": tfds.features.Tensor(shape=(8, 8, 1), dtype=np.float32),
                "label": tfds.features.ClassLabel(num_classes=10)}),
                supervised_keys=("image", "label"))

        def _split_generators(self, dl_manager):
            return {"train": self._generate_examples()}

        def _generate_examples(self):
            x, y = digits_arrays()
            for i in range(100):
                yield i, {"image": x[i], "label": int(y[i])}

    with pytest.raises(DatasetUnavailableError):
        load_tfds("recipes_digits_for_test", data_dir=str(tmp_path))
    ds = load_tfds("recipes_digits_for_test", data_dir=str(tmp_path), download=True)
    assert int(ds.cardinality()) == 100
    again = load_tfds("recipes_digits_for_test", "train[:10]", data_dir=str(tmp_path))
    labels = sorted(int(y) for _, y in again)
    x, y = digits_arrays()
    assert len(labels) == 10 and set(labels) <= set(y[:100].tolist())

"""A7 pretext tasks: each task's data and loss are right, pre-training changes the encoder only,
and every registered object round-trips .keras in a fresh process."""


import keras
import numpy as np
import pytest

from keras_recipes.representation import (
    PRETEXT_TASKS, SimCLR, compare_pretext, masked_region_loss, nt_xent_loss, pretrain,
)
from keras_recipes.representation.pretext_inpainting import mask_regions
from keras_recipes.representation.pretext_patches import NEIGHBOURS, patch_pairs
from keras_recipes.representation.pretext_rotation import rotate_quarter_turns, rotation_dataset
from keras_recipes.zoo import vgg


def _images(n=24, size=8, seed=0):
    return np.random.default_rng(seed).random((n, size, size, 1)).astype("float32")


def test_rotation_dataset_labels_are_the_quarter_turns():
    x = _images(6)
    seen = 0
    for images, turns in rotation_dataset(x, batch_size=5, seed=0).as_numpy_iterator():
        for image, k in zip(images, turns):
            back = np.rot90(image, k=-int(k), axes=(0, 1))
            assert any(np.array_equal(back, original) for original in x)
            seen += 1
    assert seen == 4 * len(x)
    np.testing.assert_array_equal(rotate_quarter_turns(x[:1], 2)[0], x[0, ::-1, ::-1])


def test_patch_pairs_label_names_the_neighbour_cell():
    # Each 3x3 cell of a 9x9 image is filled with its own value: patch 2's value names its cell.
    image = np.zeros((9, 9, 1), "float32")
    for r in range(3):
        for c in range(3):
            image[3 * r:3 * r + 3, 3 * c:3 * c + 3] = (3 * r + c + 1) / 10
    first, second, position = patch_pairs(image[None], patch=2, pairs_per_image=8, seed=3)
    assert sorted(position.tolist()) == list(range(8))
    for p1, p2, label in zip(first, second, position):
        assert np.isclose(p1.max(), 0.5)  # the centre cell (1, 1)
        dr, dc = NEIGHBOURS[label]
        assert np.isclose(p2.max(), (3 * (1 + dr) + (1 + dc) + 1) / 10)
        ink = np.argwhere(p2[..., 0] > 0)
        assert ink.min() >= 3 and ink.max() <= 5  # pasted at the centre of the canvas


def test_patch_pairs_skip_blank_neighbours():
    image = np.zeros((1, 9, 9, 1), "float32")
    image[0, 3:6] = 1.0  # only the middle row of cells has ink
    _, second, position = patch_pairs(image, patch=2, pairs_per_image=8, seed=0)
    assert sorted(position.tolist()) == [3, 4]  # left and right neighbours


def test_masked_region_loss_counts_only_the_hole():
    x = _images(4)
    masked, target = mask_regions(x, size=4, seed=0)
    mask = target[..., 1:]
    assert np.all(mask.sum(axis=(1, 2, 3)) == 16)
    assert np.all(masked[mask > 0] == 0.5) and np.array_equal(masked[mask == 0], x[mask == 0])
    prediction = np.zeros_like(x)
    outside = np.where(mask > 0, prediction, 1.0)  # change every pixel outside the hole
    expected = ((x ** 2) * mask).sum(axis=(1, 2, 3)) / 16
    np.testing.assert_allclose(keras.ops.convert_to_numpy(masked_region_loss(target, prediction)), expected,
                               rtol=1e-5)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(masked_region_loss(target, outside)), expected,
                               rtol=1e-5)


def test_nt_xent_matches_the_formula():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(5, 3)).astype("float32"), rng.normal(size=(5, 3)).astype("float32")
    z = np.concatenate([a, b])
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    sim = z @ z.T / 0.5
    total = 0.0
    for i in range(10):
        positive = (i + 5) % 10
        others = [j for j in range(10) if j != i]
        total += -sim[i, positive] + np.log(np.exp(sim[i, others]).sum())
    assert np.isclose(float(nt_xent_loss(a, b, temperature=0.5)), total / 10, rtol=1e-4)


@pytest.mark.parametrize("task", sorted(PRETEXT_TASKS))
def test_pretraining_changes_the_encoder_and_leaves_the_head(task):
    x = _images(32, size=9, seed=1)
    bundle = vgg(input_shape=(9, 9, 1), num_classes=3, width=4, depth=(1,), pooling="flatten")
    encoder_before = [w.copy() for w in bundle.encoder.get_weights()]
    head_before = [w.copy() for w in bundle.head.get_weights()]
    assert pretrain(task, bundle, x, epochs=1, batch_size=16) is bundle
    changed = [not np.array_equal(a, b) for a, b in zip(encoder_before, bundle.encoder.get_weights())]
    assert any(changed)
    for a, b in zip(head_before, bundle.head.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_pretrain_refuses_images_of_another_shape():
    bundle = vgg(input_shape=(8, 8, 1), width=4, depth=(1,))
    with pytest.raises(ValueError, match="encoder takes"):
        pretrain("rotation", bundle, _images(4, size=9))
    with pytest.raises(ValueError, match="task"):
        pretrain("colourisation", bundle, _images(4))


def test_compare_pretext_starts_every_row_from_the_same_weights():
    from keras_recipes.datasets import load_digits
    from keras_recipes.representation.pretext_transfer import default_builder, probe_accuracy

    splits = load_digits(classes=(0, 1, 2), labelled_fraction=0.2, seed=0)
    result = compare_pretext(splits, tasks=("rotation",), pretrain_epochs=1, fine_tune_epochs=1, seed=3)
    assert result.names == ("random init", "rotation")
    keras.utils.set_random_seed(3)
    fresh = default_builder(splits.input_shape, splits.num_classes)()
    # the random-init row is the seeded initial weights, untrained
    assert result.probe_accuracy[0] == probe_accuracy(fresh, splits.arrays["train"], splits.arrays["test"])
    assert result.probe_accuracy[0] > 0.6  # random conv features of 3 digit classes are far above chance
    assert np.isclose(result.gain(), result.probe_accuracy[1] - result.probe_accuracy[0])
    assert result.labelled == len(splits.arrays["train"][0]) and "linear probe" in result.table()


ROUND_TRIP = r"""
import sys, numpy as np, keras
import keras_recipes.representation  # registers SimCLR and masked_region_loss
from keras_recipes.saving import load_bundle
path = sys.argv[1]
x = np.load(path + "/x.npy")
simclr = keras.saving.load_model(path + "/simclr.keras")
np.testing.assert_allclose(simclr.predict(x, verbose=0), np.load(path + "/simclr.npy"), atol=1e-5)
assert simclr.temperature == 0.2 and simclr.projection_dim == 8
inpaint = keras.saving.load_model(path + "/inpaint.keras")
np.testing.assert_allclose(inpaint.predict(x, verbose=0), np.load(path + "/inpaint.npy"), atol=1e-5)
searched = load_bundle(path + "/searched.keras")
np.testing.assert_allclose(searched.model.predict(x, verbose=0), np.load(path + "/searched.npy"), atol=1e-5)
print("ok")
"""


def test_objects_round_trip_keras_in_a_fresh_process(tmp_path, fresh_python):
    from keras_recipes.representation.architecture_search import searched_network
    from keras_recipes.representation.pretext_inpainting import inpainting_model

    x = _images(4)
    encoder = vgg(input_shape=(8, 8, 1), width=4, depth=(1,)).encoder
    simclr = SimCLR(encoder, projection_dim=8, temperature=0.2)
    simclr.compile("adam")
    simclr.fit((x, x[::-1]), epochs=1, batch_size=4, verbose=0)
    simclr.save(tmp_path / "simclr.keras")
    inpaint = inpainting_model(vgg(input_shape=(8, 8, 1), width=4, depth=(1,)).encoder)
    inpaint.compile("adam", loss=masked_region_loss)
    inpaint.save(tmp_path / "inpaint.keras")
    searched = searched_network((8, 8, 1), 10, groups=2, norm="layer", activation="swish",
                                g1_block="plain", g2_block="inverted", g2_kernel=5, g2_expansion=2)
    searched.model.save(tmp_path / "searched.keras")
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "simclr.npy", simclr.predict(x, verbose=0))
    np.save(tmp_path / "inpaint.npy", inpaint.predict(x, verbose=0))
    np.save(tmp_path / "searched.npy", searched.model.predict(x, verbose=0))
    assert "ok" in fresh_python(ROUND_TRIP, tmp_path)

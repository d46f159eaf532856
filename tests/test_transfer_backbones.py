"""Backbones by name: validation, preprocessing, adapters, offline errors, .keras round trip."""

import json
import textwrap

import keras
import numpy as np
from keras.ops import convert_to_numpy as to_np  # torch outputs need detaching
import pytest

from keras_recipes import zoo
from keras_recipes.transfer import (
    APPLICATIONS, ImagenetPreprocessing, WeightsUnavailableError, backbone,
    load_reference_backbone,
)


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match="name must be one of") as info:
        backbone("ResNet51", input_shape=(32, 32, 3), weights=None)
    assert "ResNet50" in str(info.value) and "reference" in str(info.value)


def test_too_small_input_names_the_minimum():
    with pytest.raises(ValueError, match=r"at least 71x71.*image_size=71"):
        backbone("Xception", input_shape=(32, 32, 1), weights=None)
    with pytest.raises(ValueError, match=r"at least 32x32"):
        backbone("MobileNetV2", input_shape=(16, 16, 1), weights=None)


def test_missing_weights_file_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="weights file not found"):
        backbone("MobileNetV2", input_shape=(32, 32, 3), weights=str(tmp_path / "no.h5"))


def test_offline_imagenet_download_says_what_to_pass(monkeypatch):
    from keras.src.utils import file_utils

    def offline(*args, **kwargs):
        raise Exception("URL fetch failure on https://storage.googleapis.com/x.h5: "
                        "None -- [Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(file_utils, "get_file", offline)
    with pytest.raises(WeightsUnavailableError, match="weights=None") as info:
        backbone("MobileNetV2", input_shape=(96, 96, 3), weights="imagenet", alpha=0.35)
    assert "offline" in str(info.value)
    assert "URL fetch failure" in str(info.value.__cause__)


@pytest.mark.parametrize("mode, module", [
    ("caffe", keras.applications.vgg16),
    ("tf", keras.applications.mobilenet_v2),
    ("torch", keras.applications.densenet),
])
def test_preprocessing_layer_matches_keras_applications(mode, module):
    images = np.random.default_rng(0).uniform(0, 255, (2, 4, 4, 3)).astype("float32")
    expected = module.preprocess_input(images.copy())
    np.testing.assert_allclose(ImagenetPreprocessing(mode)(images), expected, rtol=1e-5, atol=1e-4)


def test_every_listed_application_exists():
    assert all(hasattr(keras.applications, name) for name in APPLICATIONS)


def test_grayscale_small_digits_feed_an_imagenet_architecture():
    bundle = backbone("MobileNetV2", input_shape=(16, 16, 1), num_classes=5, weights=None,
                      image_size=32, alpha=0.35)
    names = [layer.name for layer in bundle.encoder.layers]
    assert names[:5] == ["image", "adapter_repeat_channels", "adapter_resize",
                         "adapter_rescale", "preprocessing"]
    x = np.random.default_rng(1).uniform(0, 1, (3, 16, 16, 1)).astype("float32")
    out = bundle.model(x)
    assert out.shape == (3, 5)
    np.testing.assert_allclose(to_np(bundle.head(bundle.encoder(x))), to_np(out), atol=1e-5)
    # the adapter is what the base sees: 1 channel repeated, resized, scaled to [0, 255]
    adapted = keras.Model(bundle.encoder.input, bundle.encoder.get_layer("adapter_rescale").output)
    manual = np.repeat(to_np(keras.layers.Resizing(32, 32)(x)), 3, axis=-1) * 255.0
    np.testing.assert_allclose(to_np(adapted(x)), manual, rtol=1e-5, atol=1e-3)


def test_zoo_bundle_and_reference_are_backbones_too():
    source = zoo.resnet(input_shape=(16, 16, 1), num_classes=10, width=8, depth=(1, 1))
    target = backbone(source, num_classes=3)
    assert target.encoder is source.encoder and target.model.output.shape[-1] == 3

    x = np.random.default_rng(2).uniform(0, 1, (2, 16, 16, 1)).astype("float32")
    shipped = backbone("reference", num_classes=5)
    np.testing.assert_array_equal(to_np(shipped.encoder(x)), to_np(load_reference_backbone().encoder(x)))


ROUNDTRIP = textwrap.dedent("""
    import json, sys
    import numpy as np, keras
    import keras_recipes.transfer  # registers the custom objects
    from keras_recipes import ModelBundle
    folder = sys.argv[1]
    report = {}
    for name in json.load(open(folder + "/names.json")):
        model = keras.saving.load_model(f"{folder}/{name}.keras")
        bundle = ModelBundle.from_model(model)
        x = np.load(f"{folder}/{name}_x.npy")
        report[name] = {
            "gap": float(np.max(np.abs(model.predict(x, verbose=0) - np.load(f"{folder}/{name}_y.npy")))),
            "door_gap": float(np.max(np.abs(keras.ops.convert_to_numpy(bundle.head(bundle.encoder(x)) - model(x))))),
            "optimizer": type(getattr(model, "optimizer", None)).__name__,
            "multipliers": getattr(getattr(model, "optimizer", None), "multipliers", None),
        }
    print(json.dumps(report))
""")


@pytest.mark.slow
def test_bundles_round_trip_through_keras_in_a_fresh_process(tmp_path, fresh_python):
    from keras_recipes.optimizers import DiscriminativeRates
    from keras_recipes.transfer import layerwise_multipliers

    rng = np.random.default_rng(3)
    app = backbone("MobileNetV2", input_shape=(16, 16, 1), num_classes=4, weights=None,
                   image_size=32, alpha=0.35)
    ref = backbone("reference", num_classes=5)
    rates = layerwise_multipliers(ref, decay=0.5)
    ref.model.compile(optimizer=DiscriminativeRates(keras.optimizers.Adam(1e-3), rates),
                      loss="sparse_categorical_crossentropy")
    x = rng.uniform(0, 1, (8, 16, 16, 1)).astype("float32")
    ref.model.fit(x, np.arange(8) % 5, epochs=1, verbose=0)
    for name, bundle in (("app", app), ("ref", ref)):
        bundle.model.save(tmp_path / f"{name}.keras")
        np.save(tmp_path / f"{name}_x.npy", x)
        np.save(tmp_path / f"{name}_y.npy", bundle.model.predict(x, verbose=0))
    (tmp_path / "names.json").write_text(json.dumps(["app", "ref"]))
    report = json.loads(fresh_python(ROUNDTRIP, tmp_path).strip().splitlines()[-1])
    for name in ("app", "ref"):
        assert report[name]["gap"] < 1e-5 and report[name]["door_gap"] < 1e-5
    assert report["ref"]["optimizer"] == "DiscriminativeRates"
    assert report["ref"]["multipliers"] == rates


def test_weights_from_a_local_file_are_loaded(tmp_path):
    keras.utils.set_random_seed(7)
    base = keras.applications.MobileNetV2(include_top=False, weights=None,
                                          input_shape=(32, 32, 3), alpha=0.35)
    path = str(tmp_path / "base.weights.h5")
    base.save_weights(path)
    keras.utils.set_random_seed(8)  # a different draw: only the file can make them equal
    bundle = backbone("MobileNetV2", input_shape=(32, 32, 3), num_classes=2, weights=path,
                      alpha=0.35)
    nested = bundle.encoder.get_layer(base.name)
    assert len(nested.weights) == len(base.weights)
    for mine, theirs in zip(nested.weights, base.weights):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(mine),
                                      keras.ops.convert_to_numpy(theirs))

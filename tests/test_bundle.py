"""The three doors share weights, compose exactly, and survive .keras in a fresh process."""

import textwrap

import keras
import numpy as np
from keras.ops import convert_to_numpy as to_np  # torch outputs need detaching
import pytest

from keras_recipes import Classifier, ModelBundle, Regressor, zoo

ARCHS = sorted(zoo.ARCHITECTURES)


def small(name, **kw):
    kw.setdefault("input_shape", (16, 16, 1))
    kw.setdefault("width", 4)
    kw.setdefault("depth", (1, 1))
    return zoo.build(name, **kw)


def images(n=6, shape=(16, 16, 1), seed=0):
    return np.random.default_rng(seed).random((n, *shape), dtype=np.float32)


@pytest.mark.parametrize("name", ARCHS)
def test_head_of_encoder_equals_model(name):
    bundle = small(name, num_classes=3)
    x = images()
    np.testing.assert_allclose(to_np(bundle.head(bundle.encoder(x))), to_np(bundle.model(x)), atol=1e-6)


@pytest.mark.parametrize("pooling", ["avg", "max", "flatten"])
def test_encoder_output_is_the_bottleneck_layer(pooling):
    bundle = small("resnet", pooling=pooling)
    assert bundle.encoder.layers[-1].name == "bottleneck"
    probe = keras.Model(bundle.encoder.input, bundle.encoder.get_layer("bottleneck").output)
    x = images()
    np.testing.assert_array_equal(to_np(probe(x)), to_np(bundle.encoder(x)))


def test_pooling_none_bottleneck_is_last_conv_activation():
    bundle = small("vgg", pooling=None, depth=(1, 1))
    last = bundle.encoder.layers[-1]
    assert isinstance(last, keras.layers.MaxPooling2D)  # VGG groups end in a pool
    assert bundle.bottleneck_shape == (4, 4, 8)
    bundle = small("resnet", pooling=None)
    assert isinstance(bundle.encoder.layers[-1], keras.layers.Activation)
    assert bundle.bottleneck_shape == (8, 8, 8)


def test_views_share_variables():
    bundle = small("vgg", num_classes=4)
    model_head = bundle.model.get_layer("head")
    assert model_head is bundle.head
    assert bundle.model.get_layer("encoder") is bundle.encoder
    x = images()
    before = to_np(bundle.model(x))
    kernel = bundle.head.get_layer("predictions").kernel
    kernel.assign(np.random.default_rng(1).normal(size=kernel.shape))  # a change via the head ...
    after = to_np(bundle.model(x))
    assert not np.allclose(before, after)  # ... shows in the end-to-end model
    conv = bundle.encoder.get_layer("stem_conv").kernel
    conv.assign(conv * 0)  # zeroing the stem through the encoder
    np.testing.assert_allclose(to_np(bundle.encoder(x)), 0, atol=1e-6)


def test_training_the_head_trains_the_model():
    bundle = small("resnet", num_classes=2)
    x, y = images(16), np.arange(16) % 2
    features = bundle.encoder.predict(x, verbose=0)
    before = bundle.model.predict(x, verbose=0)
    bundle.head.compile(keras.optimizers.SGD(0.5), "sparse_categorical_crossentropy")
    bundle.head.fit(features, y, epochs=2, verbose=0)
    after = bundle.model.predict(x, verbose=0)
    assert np.abs(after - before).max() > 1e-3
    np.testing.assert_allclose(after, bundle.head.predict(features, verbose=0), atol=1e-5)


def test_with_task_shares_encoder_and_builds_new_head():
    bundle = small("mobilenet_v2", num_classes=10)
    new = bundle.with_task(Classifier(num_classes=5))
    assert new.encoder is bundle.encoder
    assert new.model.output.shape == (None, 5)
    assert bundle.model.output.shape == (None, 10)
    x = images()
    np.testing.assert_allclose(to_np(new.head(bundle.encoder(x))), to_np(new.model(x)), atol=1e-6)


def test_assemble_rewraps_an_encoder_with_another_name_sharing_its_layers():
    inputs = keras.Input((8, 8, 1))
    x = keras.layers.Conv2D(3, 3, name="conv")(inputs)
    base = keras.Model(inputs, keras.layers.GlobalAveragePooling2D()(x), name="my_base")
    bundle = ModelBundle.assemble(base, Classifier(2))
    assert base.name == "my_base" and bundle.encoder.name == "encoder"
    assert bundle.encoder.get_layer("conv") is base.get_layer("conv")
    assert bundle.bottleneck_shape == (3,)
    x = images(2, (8, 8, 1))
    np.testing.assert_allclose(to_np(bundle.encoder(x)), to_np(base(x)), atol=1e-6)


def test_several_named_heads():
    bundle = small("resnet", task={"digit": Classifier(10), "size": Regressor(2)})
    out = bundle.model(images())
    assert set(out) == {"digit", "size"}
    assert out["digit"].shape == (6, 10) and out["size"].shape == (6, 2)
    np.testing.assert_allclose(np.sum(to_np(out["digit"]), axis=1), 1, atol=1e-5)


def test_logits_classifier_outputs_unnormalised_scores():
    bundle = small("vgg", task=Classifier(3, activation=None))
    out = to_np(bundle.model(images()))
    assert not np.allclose(out.sum(axis=1), 1)


def test_from_model_rejects_foreign_models():
    inputs = keras.Input((4,))
    plain = keras.Model(inputs, keras.layers.Dense(2)(inputs), name="plain")
    with pytest.raises(ValueError, match="not built by ModelBundle.assemble"):
        ModelBundle.from_model(plain)


def test_assemble_rejects_non_models_and_multi_output_encoders():
    with pytest.raises(TypeError, match="encoder must be a keras.Model"):
        ModelBundle.assemble("resnet", Classifier(2))
    inputs = keras.Input((4,))
    two = keras.Model(inputs, [keras.layers.Dense(2)(inputs), keras.layers.Dense(3)(inputs)])
    with pytest.raises(ValueError, match="exactly one input and one output"):
        ModelBundle.assemble(two, Classifier(2))


FRESH_PROCESS = textwrap.dedent("""
    import sys, numpy as np, keras
    from keras_recipes import load_bundle
    folder = sys.argv[1]
    x = np.load(folder + "/x.npy")
    for name in sys.argv[2:]:
        bundle = load_bundle(f"{folder}/{name}.keras")
        np.savez(f"{folder}/{name}_reloaded.npz", model=bundle.model.predict(x, verbose=0),
                 encoder=bundle.encoder.predict(x, verbose=0),
                 head=bundle.head.predict(bundle.encoder.predict(x, verbose=0), verbose=0))
""")


def test_every_builder_round_trips_through_keras_file_in_fresh_process(tmp_path, fresh_python):
    x = images(4)
    np.save(tmp_path / "x.npy", x)
    variants = {
        "vgg": small("vgg", pooling="flatten"),
        "resnet": small("resnet", stochastic_depth=0.2, pooling=None),
        "mobilenet_v2": small("mobilenet_v2", pooling="max"),
        "multihead": small("resnet", task={"a": Classifier(3), "b": Regressor(1)}),
    }
    expected = {}
    for name, bundle in variants.items():
        bundle.model.save(tmp_path / f"{name}.keras")
        expected[name] = (bundle.model.predict(x, verbose=0), bundle.encoder.predict(x, verbose=0))
    fresh_python(FRESH_PROCESS, tmp_path, *variants)
    for name, (model_out, encoder_out) in expected.items():
        got = np.load(tmp_path / f"{name}_reloaded.npz", allow_pickle=True)
        np.testing.assert_allclose(got["encoder"], encoder_out, atol=1e-5)
        if isinstance(model_out, dict):
            assert got["model"].item().keys() == model_out.keys()
            for key in model_out:
                np.testing.assert_allclose(got["model"].item()[key], model_out[key], atol=1e-5)
                np.testing.assert_allclose(got["head"].item()[key], model_out[key], atol=1e-5)
        else:
            np.testing.assert_allclose(got["model"], model_out, atol=1e-5)
            np.testing.assert_allclose(got["head"], model_out, atol=1e-5)


def test_from_model_recovers_a_fusion_bundle_by_itself():
    # issue 18: the dispatch finds the nested encoder_<modality> models, no FusionBundle.from_model needed
    from keras_recipes.bundle import FusionBundle
    from keras_recipes.multitask import early_fusion, intermediate_fusion, late_fusion

    modalities = {"image": (4, 8, 1), "profile": (12,)}
    x = {"image": np.linspace(0, 1, 64, dtype="float32").reshape(2, 4, 8, 1),
         "profile": np.linspace(-1, 1, 24, dtype="float32").reshape(2, 12)}
    for build in (early_fusion, intermediate_fusion, late_fusion):
        bundle = build(modalities, 10, width=4)
        again = ModelBundle.from_model(bundle.model)
        assert type(again) is FusionBundle, build.__name__
        assert again.modalities == ("image", "profile")
        assert all(again.encoders[m] is bundle.encoders[m] for m in modalities)  # the same layers
        np.testing.assert_allclose(to_np(again.head(again.encoder(x))), to_np(bundle.model(x)), atol=1e-6)
    with pytest.raises(ValueError, match="encoder_<modality>"):  # a one-input model is no fusion model
        FusionBundle.from_model(small("vgg").model)

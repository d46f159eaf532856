"""The shipped reference backbone: metadata, checksum verification, recorded accuracy."""

import shutil

import keras
import pytest

from keras_recipes.datasets import load_digits
from keras_recipes.transfer import ChecksumError, load_reference_backbone, verify_backbone_file
from keras_recipes.transfer.reference import (
    DATA_DIR, MODEL_FILE, SOURCE_CLASSES, TARGET_CLASSES, sha256_of,
)


def test_metadata_records_source_task_and_checksum():
    meta = verify_backbone_file()
    assert meta["sha256"] == sha256_of(DATA_DIR / MODEL_FILE)
    assert meta["bytes"] == (DATA_DIR / MODEL_FILE).stat().st_size < 3_000_000
    assert "[0, 1, 2, 3, 4]" in meta["source_task"] and meta["keras_version"].startswith("3.")
    assert not set(SOURCE_CLASSES) & set(TARGET_CLASSES)


def test_loaded_backbone_reproduces_its_recorded_source_accuracy():
    meta = verify_backbone_file()
    bundle = load_reference_backbone()
    source = load_digits(image_size=meta["input_shape"][0], classes=SOURCE_CLASSES, seed=meta["seed"])
    bundle.model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    _, accuracy = bundle.model.evaluate(source.test, verbose=0)
    assert round(accuracy, 4) == meta["source_test_accuracy"] > 0.9


def _copy(tmp_path):
    target = tmp_path / MODEL_FILE
    shutil.copy(DATA_DIR / MODEL_FILE, target)
    shutil.copy((DATA_DIR / MODEL_FILE).with_suffix(".json"), target.with_suffix(".json"))
    return target


def test_a_good_copy_loads(tmp_path):
    bundle = load_reference_backbone(_copy(tmp_path))
    assert isinstance(bundle.model, keras.Model)


def test_corrupted_copy_is_rejected(tmp_path):
    path = _copy(tmp_path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ChecksumError, match="sha256"):
        load_reference_backbone(path)


def test_truncated_copy_is_rejected(tmp_path):
    path = _copy(tmp_path)
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(ChecksumError, match="truncated"):
        load_reference_backbone(path)


def test_missing_metadata_says_how_to_regenerate(tmp_path):
    path = _copy(tmp_path)
    path.with_suffix(".json").unlink()
    with pytest.raises(FileNotFoundError, match="python -m keras_recipes.transfer.reference"):
        load_reference_backbone(path)


def test_the_data_centric_theme_loads_the_backbone_through_the_verified_loader(tmp_path, monkeypatch):
    from keras_recipes.data_centric.active_learning import load_reference_encoder
    from keras_recipes.zoo import reference

    path = _copy(tmp_path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    monkeypatch.setattr(reference, "DATA_DIR", tmp_path)   # the "shipped" file is now corrupt
    with pytest.raises(ChecksumError, match="sha256"):
        load_reference_encoder(num_classes=5)

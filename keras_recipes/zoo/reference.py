"""The reference backbone's file, verified: its sha256 checked before Keras loads it.

The package ships a small pretrained backbone (``keras_recipes/data/
reference_backbone.keras``, digits 0-4; trained by
``keras_recipes.transfer.reference``). Beside it a JSON records the source
task, the source test accuracy, the Keras version and the file's size and
sha256. Every theme that uses the backbone (transfer, data-centric, probes)
loads it here, one floor down, so none skips the check.
"""

import hashlib
import json
import pathlib

DATA_DIR = pathlib.Path(__file__).resolve().parents[1] / "data"
MODEL_FILE = "reference_backbone.keras"
REGENERATE = "python -m keras_recipes.transfer.reference"


class ChecksumError(ValueError):
    """A backbone file does not match the sha256 recorded beside it."""


def sha256_of(path):
    """Hex sha256 of the file at ``path``."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def metadata_path(path):
    """The ``.json`` metadata file beside the backbone file ``path``."""
    return pathlib.Path(path).with_suffix(".json")


def reference_metadata(path=None):
    """The JSON beside the backbone file: source task, accuracy, Keras version, sha256."""
    path = pathlib.Path(path or DATA_DIR / MODEL_FILE)
    meta_path = metadata_path(path)
    if not meta_path.is_file():
        raise FileNotFoundError(
            f"no metadata {meta_path} beside the backbone {path}; regenerate both with "
            f"`{REGENERATE}`"
        )
    with open(meta_path) as f:
        return json.load(f)


def verify_backbone_file(path=None):
    """Raise ``ChecksumError`` unless the file matches its recorded size and sha256.

    ```python
    from keras_recipes.zoo.reference import verify_backbone_file
    verify_backbone_file()          # the shipped reference: returns its metadata
    ```
    """
    path = pathlib.Path(path or DATA_DIR / MODEL_FILE)
    meta = reference_metadata(path)
    if not path.is_file():
        raise FileNotFoundError(f"backbone file {path} is missing; regenerate it with `{REGENERATE}`")
    size = path.stat().st_size
    if size != meta["bytes"]:
        raise ChecksumError(
            f"backbone file {path} has {size} bytes but its metadata records {meta['bytes']} "
            f"(truncated or replaced?); reinstall the package or regenerate with `{REGENERATE}`"
        )
    actual = sha256_of(path)
    if actual != meta["sha256"]:
        raise ChecksumError(
            f"backbone file {path} has sha256 {actual} but its metadata records "
            f"{meta['sha256']} (corrupted or replaced?); reinstall the package or "
            f"regenerate with `{REGENERATE}`"
        )
    return meta


def load_reference_backbone(path=None):
    """The shipped backbone (digits 0-4) as a ``ModelBundle``, after checking its sha256.

    Attach the target task with ``bundle.with_task(...)`` or use
    ``backbone("reference", num_classes=5)``.

    >>> from keras_recipes.tasks import Classifier
    >>> from keras_recipes.zoo.reference import load_reference_backbone
    >>> source = load_reference_backbone()
    >>> tuple(source.model.input.shape[1:]), tuple(source.model.output.shape[1:])
    ((16, 16, 1), (5,))
    >>> target = source.with_task(Classifier(num_classes=5))

    Args:
        path: a ``.keras`` file with its ``.json`` beside it (default: the
            file shipped in ``keras_recipes/data/``).
    Raises:
        ChecksumError: the file does not match its recorded size or sha256.
    """
    import keras

    from keras_recipes.bundle import ModelBundle

    path = pathlib.Path(path or DATA_DIR / MODEL_FILE)
    verify_backbone_file(path)
    return ModelBundle.from_model(keras.saving.load_model(path, compile=False))

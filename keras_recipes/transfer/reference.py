"""The reference backbone that ships with the package, and the script that trains it.

Diagram A1 needs a network "trained on a source task". These machines reach
no weight hub, so the package ships its own: a small ``zoo.resnet`` trained on
digits 0-4 (16x16, grayscale) from the bundled scikit-learn digits. The
target task of the lecture is digits 5-9: no image is shared. Beside the
``.keras`` file a JSON gives the source task, the source test accuracy, the
Keras version and the file's sha256, which the loader verifies (the loader
lives one floor down, ``keras_recipes.zoo.reference``, so every theme uses
the verified one; it is re-exported here).

Regenerate (about a minute on a 2-core CPU)::

    python -m keras_recipes.transfer.reference
"""

import json
import os
import pathlib

from keras_recipes.zoo.reference import (  # noqa: F401  (the verified loader, one floor down)
    DATA_DIR, MODEL_FILE, REGENERATE, ChecksumError, load_reference_backbone, metadata_path,
    reference_metadata, sha256_of, verify_backbone_file,
)

SOURCE_CLASSES = (0, 1, 2, 3, 4)
TARGET_CLASSES = (5, 6, 7, 8, 9)
IMAGE_SIZE = 16
ARCHITECTURE = {"width": 16, "depth": (1, 1, 1)}


def train_reference_backbone(out_dir=DATA_DIR, epochs=30, seed=0, verbose=2):
    """Train the reference backbone on digits 0-4 and write ``.keras`` + ``.json``.

    The source task of diagram A1: ``zoo.resnet(width=16, depth=(1, 1, 1))``
    on 16x16 digits 0-4, Adam 2e-3 with light augmentation; the test split
    is used once, at the end, for the accuracy written to the JSON.

    Args:
        out_dir: folder for ``reference_backbone.keras`` and ``.json``.
        epochs: training epochs.
        seed: seed of the data split and the initialisation.
        verbose: Keras progress (0, 1, 2).
    Returns:
        the metadata dict.
    """
    import keras

    from keras_recipes import zoo
    from keras_recipes.datasets import load_digits
    from keras_recipes.augment import augment_dataset

    keras.utils.set_random_seed(seed)
    data = load_digits(image_size=IMAGE_SIZE, classes=SOURCE_CLASSES, seed=seed)

    def build():
        return zoo.resnet(input_shape=data.input_shape, num_classes=data.num_classes,
                          name="reference_backbone", **ARCHITECTURE)

    bundle = build()
    bundle.model.compile(optimizer=keras.optimizers.Adam(2e-3),
                         loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    bundle.model.fit(augment_dataset(data.train, seed=seed), validation_data=data.validation,
                     epochs=epochs, verbose=verbose)
    _, accuracy = bundle.model.evaluate(data.test, verbose=0)

    shipped = build()  # uncompiled twin: no optimizer state in the file, a few hundred kB
    shipped.model.set_weights(bundle.model.get_weights())
    out_dir = pathlib.Path(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    path = out_dir / MODEL_FILE
    shipped.model.save(path)
    meta = {
        "file": MODEL_FILE,
        "architecture": f"keras_recipes.zoo.resnet(width={ARCHITECTURE['width']}, "
                        f"depth={ARCHITECTURE['depth']})",
        "input_shape": list(data.input_shape),
        "source_task": f"sklearn digits {list(SOURCE_CLASSES)} at {IMAGE_SIZE}x{IMAGE_SIZE}, "
                       "grayscale in [0, 1], labels 0..4",
        "target_task_for_demo": f"sklearn digits {list(TARGET_CLASSES)}",
        "source_test_accuracy": round(float(accuracy), 4),
        "source_test_examples": int(len(data.arrays["test"][1])),
        "epochs": epochs,
        "seed": seed,
        "keras_version": keras.__version__,
        "parameters": int(shipped.model.count_params()),
        "bytes": path.stat().st_size,
        "sha256": sha256_of(path),
        "regenerate": REGENERATE,
    }
    with open(metadata_path(path), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    return meta


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(description="Train the shipped reference backbone (digits 0-4).")
    parser.add_argument("--out", default=str(DATA_DIR), help=f"output folder (default: {DATA_DIR})")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    meta = train_reference_backbone(args.out, epochs=args.epochs, seed=args.seed)
    print(json.dumps(meta, indent=2))


if __name__ == "__main__":
    main()

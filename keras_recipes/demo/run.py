"""``keras-recipes demo``: the transfer-learning lecture, end to end, on the bundled data.

Diagram A1 and seeds 001-003, with no network: the reference backbone that
ships with the package (pretrained on digits 0-4) is transferred to digits
5-9 at several labelled fractions; training from scratch, feature
extraction (frozen base + new head) and fine-tuning (top unfrozen, smaller
step, augmentation, warmup + cosine, layer-wise rates) are compared, seeds
averaged. Prints a table and writes ``report.json``, ``learning_curves.png``
and ``accuracy_vs_labels.png``.
"""

import json
import os

from keras_recipes.settings import fast_mode

DEFAULT_FRACTIONS = (0.05, 0.2, 1.0)
DEFAULT_SEEDS = (0, 1, 2)
DEFAULT_EPOCHS = 6
FILES = ("report.json", "learning_curves.png", "accuracy_vs_labels.png")


def demo_defaults():
    """``(fractions, seeds, epochs)``: the lecture's defaults, or a tiny run in fast mode."""
    if fast_mode():
        return (0.2,), (0,), 1
    return DEFAULT_FRACTIONS, DEFAULT_SEEDS, DEFAULT_EPOCHS


def run_demo(out="demo-out", epochs=None, fractions=None, seeds=None, verbose=1):
    """Scratch vs feature extraction vs fine-tuning on digits 5-9, from the shipped backbone.

    Defaults (3 fractions x 3 seeds x 3 methods, 6 epochs per step) finish
    in a few minutes on a 2-core CPU; with ``KERAS_RECIPES_FAST=1`` one
    fraction, one seed and one epoch run in seconds.

    ```python
    from keras_recipes.demo import run_demo
    report = run_demo(out="demo-out", fractions=(0.05, 1.0), seeds=(0, 1, 2))
    report["summary"][0]["fine_tuning"]["mean"]
    ```

    Args:
        out: output folder (created).
        epochs: epochs of each transfer step; scratch trains twice as many
            (default 6, 1 in fast mode).
        fractions: labelled fractions of the target training split
            (default 5%, 20%, 100%).
        seeds: seeds to average over (default 0, 1, 2).
        verbose: 0 silent, 1 progress bar and table, 2 also Keras epoch lines.
    Returns:
        the report dict written to ``report.json``.
    """
    import keras

    from keras_recipes.demo.compare import (
        compare_transfer, format_table, plot_accuracy_vs_labels, plot_transfer_curves,
    )
    from keras_recipes.transfer.reference import load_reference_backbone, reference_metadata

    default_fractions, default_seeds, default_epochs = demo_defaults()
    fractions = tuple(fractions or default_fractions)
    seeds = tuple(default_seeds if seeds is None else seeds)
    epochs = epochs or default_epochs
    os.makedirs(out, exist_ok=True)

    source = reference_metadata()
    load_reference_backbone()  # verify the checksum before any training
    if verbose:
        print(f"reference backbone: {source['architecture']}, source task "
              f"{source['source_task']}, source test accuracy {source['source_test_accuracy']}")
        print(f"target: digits 5-9; fractions {list(fractions)}, seeds {list(seeds)}, "
              f"{epochs} epochs per step")
    result = compare_transfer(fractions, seeds, epochs, verbose=verbose)
    table = format_table(result["summary"])
    if verbose:
        print("\ntest accuracy on digits 5-9 (mean +- std over seeds)\n" + table)

    plot_transfer_curves(result["runs"][0], path=os.path.join(out, FILES[1]))
    plot_accuracy_vs_labels(result["summary"], path=os.path.join(out, FILES[2]))
    report = {
        "lecture": "A1 Transfer Learning: scratch vs feature extraction vs fine-tuning",
        "reference_backbone": source,
        "target_task": "sklearn digits 5-9 (labels 0..4)",
        "fractions": list(fractions),
        "seeds": list(seeds),
        "epochs": {"scratch": 2 * epochs, "feature_extraction": epochs,
                   "fine_tuning": f"{epochs} head + {epochs} fine-tune"},
        "summary": result["summary"],
        "table": table,
        "runs": result["runs"],
        "seconds": result["seconds"],
        "keras_version": keras.__version__,
        "files": list(FILES),
    }
    with open(os.path.join(out, FILES[0]), "w") as f:
        json.dump(report, f, indent=2)
    return report

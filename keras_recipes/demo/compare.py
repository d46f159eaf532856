"""The lecture's experiment: scratch vs feature extraction vs fine-tuning, by number of labels.

Diagram A1 and the transfer decision table of seed 002 (little data ->
linear classifier on a frozen base; more data -> fine-tune more): on the
target task (digits 5-9, never seen by the shipped reference backbone,
pretrained on digits 0-4) each labelled fraction and seed trains

* ``scratch``: the same architecture from random weights, ``2 * epochs``,
  with augmentation and the same warmup + cosine schedule as fine-tuning;
* ``feature_extraction``: the reference base frozen, a new head, ``epochs``
  (``train_head``);
* ``fine_tuning``: the same model continued for ``epochs`` more with the top
  two blocks unfrozen, a 10x smaller step, augmentation, warmup + cosine
  and layer-wise rates (``train_top``),

and scores each on the target test split, used once per model.
"""

import time

import numpy as np

from keras_recipes.plots import save_figure
from keras_recipes.transfer.reference import IMAGE_SIZE, TARGET_CLASSES

METHODS = ("scratch", "feature_extraction", "fine_tuning")
HEAD_LEARNING_RATE = 1e-2
TOP_LEARNING_RATE = 1e-3
SCRATCH_LEARNING_RATE = 2e-3
MIN_BATCHES = 8  # a tiny labelled set is repeated so that one epoch is at least this many steps


def _histories(history):
    return {k: [float(v) for v in vs] for k, vs in history.history.items()}


def transfer_run(fraction, seed, epochs, verbose=0, validate=True):
    """One fraction and one seed: the three methods' test accuracy and learning curves.

    ``validate=False`` skips the per-epoch validation (the curves then hold
    training loss and accuracy only), which saves time when only the test
    accuracy is wanted.

    ```python
    run = transfer_run(fraction=0.05, seed=0, epochs=8)
    run["accuracy"]     # {"scratch": ..., "feature_extraction": ..., "fine_tuning": ...}
    ```
    """
    import keras

    from keras_recipes import zoo
    from keras_recipes.datasets import load_digits
    from keras_recipes.tasks import Classifier
    from keras_recipes.augment import augment_dataset
    from keras_recipes.schedules import cosine_decay
    from keras_recipes.transfer.finetune import train_head, train_top
    from keras_recipes.transfer.reference import ARCHITECTURE, load_reference_backbone

    fit_verbose = 2 if verbose >= 2 else 0
    data = load_digits(image_size=IMAGE_SIZE, classes=TARGET_CLASSES,
                       labelled_fraction=fraction, seed=seed)
    train = data.train.repeat(-(-MIN_BATCHES // int(data.train.cardinality())))
    validation = data.validation if validate else None
    steps = int(train.cardinality())
    accuracy, curves = {}, {}

    keras.utils.set_random_seed(seed)
    scratch = zoo.resnet(input_shape=data.input_shape, num_classes=data.num_classes,
                         **ARCHITECTURE)
    warmup_steps = steps if epochs > 1 else 0
    schedule = cosine_decay(SCRATCH_LEARNING_RATE, max(1, 2 * epochs * steps - warmup_steps),
                            warmup_steps=warmup_steps)
    scratch.model.compile(optimizer=keras.optimizers.Adam(schedule),
                          loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = scratch.model.fit(augment_dataset(train, seed=seed),
                                validation_data=validation, epochs=2 * epochs,
                                verbose=fit_verbose)
    curves["scratch"] = _histories(history)
    accuracy["scratch"] = float(scratch.model.evaluate(data.test, verbose=0)[1])

    keras.utils.set_random_seed(seed)
    bundle = load_reference_backbone().with_task(Classifier(num_classes=data.num_classes))
    history = train_head(bundle, train, validation, epochs=epochs,
                         learning_rate=HEAD_LEARNING_RATE, verbose=fit_verbose)
    curves["feature_extraction"] = _histories(history)
    accuracy["feature_extraction"] = float(bundle.model.evaluate(data.test, verbose=0)[1])

    history = train_top(bundle, train, validation, epochs=epochs,
                        learning_rate=TOP_LEARNING_RATE, last_blocks=2, layerwise_decay=0.5,
                        warmup_epochs=1 if epochs > 1 else 0, seed=seed, verbose=fit_verbose)
    curves["fine_tuning"] = _histories(history)
    accuracy["fine_tuning"] = float(bundle.model.evaluate(data.test, verbose=0)[1])
    return {"fraction": float(fraction), "seed": int(seed),
            "labels": int(len(data.arrays["train"][1])),
            "test_examples": int(len(data.arrays["test"][1])),
            "accuracy": accuracy, "curves": curves}


def summarize(runs):
    """Per fraction: mean labels and mean / std test accuracy of each method over seeds."""
    rows = []
    for fraction in sorted({r["fraction"] for r in runs}):
        group = [r for r in runs if r["fraction"] == fraction]
        row = {"fraction": fraction, "seeds": [r["seed"] for r in group],
               "labels": float(np.mean([r["labels"] for r in group]))}
        for method in METHODS:
            values = [r["accuracy"][method] for r in group]
            row[method] = {"mean": float(np.mean(values)), "std": float(np.std(values))}
        rows.append(row)
    return rows


def format_table(summary):
    """The summary as a fixed-width text table (mean +- std over seeds)."""
    header = f"{'labelled':>9} {'labels':>7} " + " ".join(f"{m:>20}" for m in METHODS)
    lines = [header, "-" * len(header)]
    for row in summary:
        cells = " ".join(f"{row[m]['mean']:>13.3f} +-{row[m]['std']:.3f}" for m in METHODS)
        lines.append(f"{row['fraction']:>8.0%} {row['labels']:>7.0f} {cells}")
    return "\n".join(lines)


def compare_transfer(fractions=(0.05, 0.2, 1.0), seeds=(0, 1, 2), epochs=8, verbose=1):
    """Run ``transfer_run`` for every fraction and seed, with a progress bar.

    Only the first run validates every epoch (its curves are the ones
    plotted by ``plot_transfer_curves``); the others report test accuracy.
    The bar shows the fraction and the test accuracies of the latest run
    (runs go seed by seed within each fraction).

    ```python
    from keras_recipes.demo import compare_transfer, format_table
    result = compare_transfer(fractions=(0.05, 1.0), seeds=(0, 1, 2), epochs=8)
    print(format_table(result["summary"]))
    ```

    Args:
        fractions: labelled fractions of the target training split, in (0, 1].
        seeds: seeds (data split, labelled subset, initialisation).
        epochs: epochs of each transfer step (scratch gets twice as many).
        verbose: 0 silent, 1 a progress bar over runs, 2 also Keras epoch lines.
    Returns:
        ``{"runs": [...], "summary": [...], "seconds": float}``.
    """
    import keras

    from keras_recipes.checks import require_positive_int, require_rate

    fractions, seeds = tuple(fractions), tuple(seeds)
    if not fractions or not seeds:
        raise ValueError(f"fractions and seeds must be non-empty; received: "
                         f"fractions={fractions!r}, seeds={seeds!r}")
    for f in fractions:
        if require_rate("fractions entries", f, closed=True) == 0:
            raise ValueError(f"fractions entries must be in (0, 1]; received: {f!r}")
    for s in seeds:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 0:
            raise ValueError(f"seeds must be ints >= 0; received: seeds={seeds!r}")
    require_positive_int("epochs", epochs)

    start = time.perf_counter()
    bar = keras.utils.Progbar(len(fractions) * len(seeds), unit_name="run",
                              verbose=1 if verbose else 0,
                              stateful_metrics=("fraction", *METHODS))
    runs = []
    for fraction in fractions:
        for seed in seeds:
            run = transfer_run(fraction, seed, epochs, verbose=verbose, validate=not runs)
            runs.append(run)
            bar.add(1, values=[("fraction", fraction),
                               *((m, run["accuracy"][m]) for m in METHODS)])
    return {"runs": runs, "summary": summarize(runs),
            "seconds": round(time.perf_counter() - start, 1)}


def plot_accuracy_vs_labels(summary, path=None):
    """Test accuracy (mean +- std over seeds) against the number of labels, per method."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import NullLocator

    fig = Figure(figsize=(5.5, 3.8), layout="constrained")
    ax = fig.subplots()
    labels = [row["labels"] for row in summary]
    for method in METHODS:
        ax.errorbar(labels, [row[method]["mean"] for row in summary],
                    yerr=[row[method]["std"] for row in summary],
                    marker="o", capsize=3, label=method.replace("_", " "))
    ax.set_xscale("log")
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticks(labels, [f"{n:.0f}" for n in labels])
    ax.set_xlabel("labelled target examples (digits 5-9)")
    ax.set_ylabel("test accuracy")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize="small")
    ax.set_title("transfer from digits 0-4: accuracy vs labels")
    return save_figure(fig, path)


def plot_transfer_curves(run, path=None):
    """Validation accuracy and loss per epoch: scratch vs head training then fine-tuning."""
    from matplotlib.figure import Figure

    curves = run["curves"]
    fig = Figure(figsize=(10, 3.6), layout="constrained")
    for ax, metric in zip(fig.subplots(1, 2), ("val_accuracy", "val_loss")):
        scratch = curves["scratch"][metric]
        head = curves["feature_extraction"][metric]
        top = curves["fine_tuning"][metric]
        ax.plot(range(1, len(scratch) + 1), scratch, marker="o", ms=3, label="scratch")
        ax.plot(range(1, len(head) + 1), head, marker="o", ms=3,
                label="feature extraction (frozen base)")
        ax.plot(range(len(head) + 1, len(head) + len(top) + 1), top, marker="o", ms=3,
                label="fine-tuning (top unfrozen)")
        ax.axvline(len(head) + 0.5, color="gray", ls="--", lw=1)
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric.replace("_", " "))
        ax.grid(alpha=0.3)
        ax.legend(loc="best", fontsize="small")
    fig.suptitle(f"digits 5-9, {run['labels']} labels ({run['fraction']:.0%}), seed {run['seed']}")
    return save_figure(fig, path)

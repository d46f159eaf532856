"""``keras-recipes demo``: a residual bundle trained on the bundled digits, end to end."""

import json
import os
import time

from keras_recipes.settings import fast_mode


def run_demo(out="demo-out", epochs=None, seed=0, verbose=1):
    """Train ``resnet`` on 32x32 digits, test it, and show the three doors agree.

    Writes ``report.json`` and ``learning_curves.png`` into ``out`` and
    returns the report dict. Uses only the digits that ship with
    scikit-learn: no network.

    ```python
    from keras_recipes.demo import run_demo
    report = run_demo(out="demo-out", epochs=2)
    report["test_accuracy"]
    ```
    """
    import keras
    import numpy as np

    from keras_recipes import zoo
    from keras_recipes.checks import check_dataset
    from keras_recipes.datasets import load_digits
    from keras_recipes.plots import plot_history

    if epochs is None:
        epochs = 1 if fast_mode() else 12
    os.makedirs(out, exist_ok=True)
    start = time.perf_counter()
    keras.utils.set_random_seed(seed)

    data = load_digits(image_size=32, seed=seed)
    bundle = zoo.resnet(input_shape=data.input_shape, num_classes=data.num_classes,
                        width=16, depth=(1, 1, 1))
    check_dataset(bundle, data.train)
    bundle.model.compile(
        optimizer=keras.optimizers.Adam(2e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    history = bundle.model.fit(data.train, validation_data=data.validation,
                               epochs=epochs, verbose=verbose)
    test_loss, test_accuracy = bundle.model.evaluate(data.test, verbose=0)

    x_test = data.arrays["test"][0]
    end_to_end = bundle.model.predict(x_test, verbose=0)
    through_doors = bundle.head.predict(bundle.encoder.predict(x_test, verbose=0), verbose=0)
    door_gap = float(np.max(np.abs(end_to_end - through_doors)))

    plot_history(history, path=os.path.join(out, "learning_curves.png"),
                 title="resnet on digits (32x32)")
    report = {
        "architecture": "resnet(width=16, depth=(1, 1, 1))",
        "parameters": int(bundle.model.count_params()),
        "bottleneck_shape": list(bundle.bottleneck_shape),
        "epochs": epochs,
        "seed": seed,
        "train_examples": int(len(data.arrays["train"][1])),
        "test_examples": int(len(data.arrays["test"][1])),
        "test_loss": float(test_loss),
        "test_accuracy": float(test_accuracy),
        "max_abs_gap_model_vs_head_of_encoder": door_gap,
        "history": {k: [float(v) for v in vs] for k, vs in history.history.items()},
        "seconds": round(time.perf_counter() - start, 1),
        "keras_version": keras.__version__,
        "files": ["report.json", "learning_curves.png"],
    }
    with open(os.path.join(out, "report.json"), "w") as f:
        json.dump(report, f, indent=2)
    return report

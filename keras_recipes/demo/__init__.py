"""``keras-recipes demo``: the transfer-learning lecture end to end (the demo's own code, not API).

* ``run``: ``run_demo`` (what the CLI calls: report.json, plots, table).
* ``compare``: the experiment it runs, scratch vs feature extraction vs
  fine-tuning by number of labels, with the demo's own settings.

The recipes it exercises live in ``keras_recipes.transfer``; nothing in the
package imports this folder except the CLI.

    >>> from keras_recipes.demo import run_demo
"""

from keras_recipes.demo.compare import (
    METHODS, compare_transfer, format_table, plot_accuracy_vs_labels, plot_transfer_curves,
    summarize, transfer_run,
)
from keras_recipes.demo.run import DEFAULT_EPOCHS, DEFAULT_FRACTIONS, DEFAULT_SEEDS, FILES, demo_defaults, run_demo

__all__ = ["DEFAULT_EPOCHS", "DEFAULT_FRACTIONS", "DEFAULT_SEEDS", "FILES", "METHODS",
           "compare_transfer", "demo_defaults", "format_table", "plot_accuracy_vs_labels",
           "plot_transfer_curves", "run_demo", "summarize", "transfer_run"]

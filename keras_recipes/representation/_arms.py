"""The result shape A4 and A6 share: test accuracy per training arm, on a clean and a perturbed test set."""

from keras_recipes.plots import grouped_bars


class ArmAccuracies:
    """``.table()`` and ``.plot()`` of a result holding ``rows = {arm: {kind: accuracy}}``.

    A subclass names its ``KINDS`` (the test sets, clean first), their
    ``LABELS`` and the figure's ``TITLE``.
    """

    KINDS = ("clean",)
    LABELS = {}
    TITLE = None

    def table(self):
        """One row per arm: the accuracy on each test set."""
        width = max(len(arm) for arm in self.rows) + 2
        heads = [self.LABELS.get(kind, kind) for kind in self.KINDS]
        lines = [f"{'arm':<{width}}" + "".join(f"{head:>16}" for head in heads)]
        lines += [f"{arm:<{width}}" + "".join(f"{row[kind]:>16.3f}" for kind in self.KINDS)
                  for arm, row in self.rows.items()]
        return "\n".join(lines)

    def plot(self, path=None):
        """Grouped bars (``plots.grouped_bars``): the accuracy on each test set per arm; a ``Figure``."""
        return grouped_bars(self.rows, self.KINDS, title=self.TITLE, labels=self.LABELS, path=path)

"""``Comparison``: named runs side by side, with ``.table()`` and ``.plot()``."""

from dataclasses import dataclass

from keras_recipes.plots import save_figure


@dataclass(frozen=True)
class Comparison:
    """Scores of several named variants of one experiment, against a baseline.

    Attributes:
        title: what was compared.
        rows: ``{variant: {column: value}}``, every row with the same columns.
        baseline: the variant the gains are measured against (None: none).
        metric: the column that ranks the variants. Default "accuracy".

    >>> c = Comparison("demo", {"none": {"accuracy": 0.8}, "mixup": {"accuracy": 0.85}}, baseline="none")
    >>> c.best, round(c.gain(), 2)
    ('mixup', 0.05)
    >>> print(c.table().splitlines()[0])
    variant            accuracy
    """

    title: str
    rows: dict
    baseline: "str | None" = None
    metric: str = "accuracy"

    @property
    def best(self):
        """The variant with the highest ``metric``."""
        return max(self.rows, key=lambda name: self.rows[name][self.metric])

    def gain(self, name=None):
        """``metric`` of ``name`` (default the best) minus the baseline's."""
        return self.rows[name or self.best][self.metric] - self.rows[self.baseline][self.metric]

    def table(self):
        """One line per variant, one column per score; the best marked ``*``, the baseline ``(base)``."""
        columns = list(next(iter(self.rows.values())))
        lines = [f"{'variant':<16} " + " ".join(f"{c:>10}" for c in columns)]
        for name, scores in self.rows.items():
            mark = " *" if name == self.best else (" (base)" if name == self.baseline else "")
            lines.append(f"{name:<16} " + " ".join(f"{scores[c]:>10.3f}" for c in columns) + mark)
        return "\n".join(lines)

    def plot(self, path=None):
        """A bar of ``metric`` per variant, the baseline as a dashed line; a ``Figure``."""
        from matplotlib.figure import Figure

        fig = Figure(figsize=(max(4.0, 0.55 * len(self.rows) + 1.5), 3.2), layout="constrained")
        ax = fig.subplots()
        names = list(self.rows)
        values = [self.rows[n][self.metric] for n in names]
        ax.bar(range(len(names)), values, color=["C1" if n == self.best else "C0" for n in names])
        if self.baseline is not None:
            ax.axhline(self.rows[self.baseline][self.metric], color="gray", ls="--", lw=1, label=self.baseline)
            ax.legend(loc="lower right", fontsize="small")
        ax.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize="small")
        low = min(values)
        ax.set_ylim(max(0.0, low - 0.1), min(1.02, max(values) + 0.05))
        ax.set_ylabel(self.metric)
        ax.set_title(self.title, fontsize="medium")
        return save_figure(fig, path)

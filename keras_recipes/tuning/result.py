"""What a guided search returns: best configuration, best model, all trials, every round's space."""

import math
from dataclasses import dataclass, field

from keras_recipes.plots import save_figure
from keras_recipes.tuning.space import format_space


@dataclass
class GuidedSearchResult:
    """The outcome of ``guided_search`` (diagram A8).

    Attributes:
        best_hyperparameters: ``{name: value}`` of the best trial over all rounds.
        best_model: that trial's model, rebuilt and restored from its best
            checkpoint (not compiled: compile it before ``evaluate``).
        trials: one dict per trial: ``round``, ``trial_id`` (KerasTuner's,
            prefixed ``n<j>-`` in neighbourhood j of a beam round, so
            ``(round, trial_id)`` is unique), ``status``, ``score`` (the
            objective, NaN if the trial did not complete), ``tuner_id`` (who
            ran it), ``neighbourhood`` (its index in a beam round, else None),
            ``around`` (the trial its neighbourhood grew from, as
            ``"r<round>:<trial_id>"``, else None) and the hyperparameter values.
        spaces: the space searched by each round (round 0 is the initial one;
            for a beam round, the envelope of its neighbourhoods).
        objective: the objective's name; ``direction``: "min" or "max".
        tuners: the KerasTuner tuner of each round's neighbourhoods, in order
            (one per round with ``narrowing="hull"``).
        neighbourhoods: per round, a list of ``{"around": label or None,
            "space": space}``, one per neighbourhood (one for round 0).
    """

    best_hyperparameters: dict
    best_model: object
    trials: list
    spaces: list
    objective: str
    direction: str
    tuners: list = field(default_factory=list, repr=False)
    neighbourhoods: list = field(default_factory=list, repr=False)

    @property
    def best_bundle(self):
        """``best_model`` as a ``ModelBundle`` (three doors), if it was built as one."""
        from keras_recipes.bundle import ModelBundle

        return ModelBundle.from_model(self.best_model)

    def best_per_round(self):
        """The best completed score of each round (None for a round with none)."""
        pick = max if self.direction == "max" else min
        out = []
        for r in range(len(self.spaces)):
            scores = [t["score"] for t in self.trials
                      if t["round"] == r and not math.isnan(t["score"])]
            out.append(pick(scores) if scores else None)
        return out

    def table(self):
        """All trials as aligned text, one line per trial, grouped by round.

        Column ``from`` names the trial a beam neighbourhood grew from
        (``r0:03`` = round 0's trial 03), ``-`` for round 0.
        """
        names = list(self.spaces[0])
        head = ["round", "trial", "tuner", "from", self.objective] + names
        rows = [[str(t["round"]), t["trial_id"], str(t["tuner_id"]), t.get("around") or "-",
                 f"{t['score']:.4f}"] + [_short(t.get(n)) for n in names] for t in self.trials]
        widths = [max(len(x) for x in col) for col in zip(head, *rows)]
        return "\n".join("  ".join(x.ljust(w) for x, w in zip(line, widths))
                         for line in [head] + rows)

    def describe_spaces(self):
        """Each round's space (each neighbourhood's, in a beam) as text, as ``guided_search`` prints."""
        parts = self.neighbourhoods or [[{"around": None, "space": s}] for s in self.spaces]
        return "\n".join(
            f"round {r}" + (f", neighbourhood {j} around {p['around']}" if p["around"] else "")
            + f":\n{format_space(p['space'])}" for r, round_parts in enumerate(parts)
            for j, p in enumerate(round_parts))

    def plot(self, path=None):
        """The objective of every trial, coloured by round, with each round's best marked.

        Returns a ``matplotlib.figure.Figure`` (saved to ``path`` if given).
        """
        from matplotlib.figure import Figure

        fig = Figure(figsize=(6.5, 3.6), layout="constrained")
        ax = fig.subplots()
        for r in range(len(self.spaces)):
            rows = [(i, t["score"]) for i, t in enumerate(self.trials) if t["round"] == r]
            if rows:
                xs, ys = zip(*rows)
                ax.scatter(xs, ys, label=f"round {r}" + (" (initial)" if r == 0 else " (narrowed)"))
        best = self.best_per_round()
        for r, b in enumerate(best):
            if b is not None:
                ax.axhline(b, ls=":", lw=1, color=f"C{r}")
        ax.set_xlabel("trial (in order run)")
        ax.set_ylabel(self.objective)
        ax.set_title("Guided search: trials per round vs objective")
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small")
        return save_figure(fig, path)


def _short(value):
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)

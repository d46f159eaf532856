"""The guided-search project file: what a search was started with, and each round's space.

KerasTuner's ``overwrite=False`` reloads an old project as it was saved: an
edited search space or objective is silently ignored. Guided search writes
``guided_search.json`` at the project root with the settings that define the
search (space, objective, oracle, trials per round, top-k, margin, seed,
warm starts) and, per round, the space that round searched. On resume the
settings are compared first, so an edit is an error (or, with
``on_change="restart"``, a fresh project), never ignored.
"""

import json
import os
import shutil

from keras_recipes.checks import require_choice

MANIFEST = "guided_search.json"
ON_CHANGE = ("raise", "restart")


def _normalise(obj):
    return json.loads(json.dumps(obj))  # keeps key order: it fixes the sampling order


def _describe_change(key, saved, now):
    """``key: saved X, now Y``; for dicts (the space) only the entries that differ."""
    if isinstance(saved, dict) and isinstance(now, dict):
        names = [n for n in list(saved) + [n for n in now if n not in saved]
                 if saved.get(n) != now.get(n)]
        parts = []
        for n in names:
            if n not in now:
                parts.append(f"{n!r} removed (was {saved[n]!r})")
            elif n not in saved:
                parts.append(f"{n!r} added ({now[n]!r})")
            else:
                parts.append(f"{n!r} saved {saved[n]!r}, now {now[n]!r}")
        return f"{key}: " + ", ".join(parts)
    return f"{key}: saved {saved!r}, now {now!r}"


class Project:
    """The manifest of one guided-search project directory (``root``)."""

    def __init__(self, root, settings, rounds=None):
        self.root, self.settings = root, _normalise(settings)
        self.rounds = rounds or {}

    @classmethod
    def open(cls, root, settings, *, overwrite=False, on_change="raise"):
        """Start, resume or restart the project at ``root``.

        Args:
            root: project directory (created).
            settings: JSON-able dict that defines the search.
            overwrite: delete any existing project first.
            on_change: what to do when an existing project was started with
                other settings: ``"raise"`` (default, ``ValueError`` naming
                the changed settings) or ``"restart"`` (delete it, start anew).
        """
        require_choice("on_change", on_change, ON_CHANGE)
        path = os.path.join(root, MANIFEST)
        if not overwrite and os.path.exists(path):
            with open(path) as f:
                saved = json.load(f)
            changed = sorted(k for k in set(saved["settings"]) | set(_normalise(settings))
                             if saved["settings"].get(k) != _normalise(settings).get(k))
            if not changed:
                return cls(root, settings, saved["rounds"])
            if on_change == "raise":
                details = "; ".join(
                    _describe_change(k, saved["settings"].get(k), _normalise(settings).get(k))
                    for k in changed)
                raise ValueError(
                    f"the guided-search project at {root!r} was started with other "
                    f"settings ({', '.join(changed)} changed): {details}. Resuming would "
                    "silently ignore the edit. Pass on_change='restart' (or overwrite=True) "
                    "to start a new search there, or choose another project_name."
                )
            overwrite = True
        if overwrite and os.path.exists(root):
            shutil.rmtree(root)
        os.makedirs(root, exist_ok=True)
        project = cls(root, settings)
        project.save()
        return project

    def round_space(self, index):
        """The recorded space of round ``index`` (JSON form), or None."""
        return self.rounds.get(str(index))

    def record_round(self, index, space_json):
        self.rounds[str(index)] = _normalise(space_json)
        self.save()

    def save(self):
        path = os.path.join(self.root, MANIFEST)
        with open(path + ".tmp", "w") as f:
            json.dump({"settings": self.settings, "rounds": self.rounds}, f, indent=1)
        os.replace(path + ".tmp", path)

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
                    f"{k}: saved {saved['settings'].get(k)!r}, now {_normalise(settings).get(k)!r}"
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

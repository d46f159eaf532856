"""KerasTuner's private API: all of it behind tuning/_kt_private.py, and still there.

If a KerasTuner upgrade removes one of the private names guided search uses,
the first test fails and names it, instead of a search failing mid-trial.
"""

import ast
import pathlib

import keras_tuner
import pytest

from keras_recipes.tuning import _kt_private
from keras_recipes.tuning._kt_private import PRIVATE_API, missing_private_api

PACKAGE = pathlib.Path(__file__).parents[1] / "keras_recipes"


def test_the_installed_keras_tuner_has_every_private_name_we_use():
    missing = missing_private_api()
    assert not missing, (
        f"keras-tuner {keras_tuner.__version__} lacks private API that keras_recipes uses: "
        f"{', '.join(missing)}. See keras_recipes/tuning/_kt_private.py for why each is needed, "
        "then adapt it or pin keras-tuner in setup.cfg to a version that has them.")


def test_a_removed_private_name_is_reported_by_name(monkeypatch):
    monkeypatch.delattr(keras_tuner.Oracle, "_duplicate")
    assert missing_private_api() == ["keras_tuner.Oracle._duplicate"]


def test_no_other_module_touches_keras_tuner_private_api():
    private = {path.split(".")[-1] for _, path in PRIVATE_API if path.split(".")[-1].startswith("_")}
    private |= {"oracle_chief", "protos", "OracleServicer", "exit_chief", "stop_triggered"}
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "_kt_private.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("keras_tuner.src"):
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names if a.name.startswith("keras_tuner.src")]
            elif isinstance(node, ast.Attribute) and node.attr in private:
                names = [node.attr]
            elif isinstance(node, (ast.FunctionDef, ast.Name)) and getattr(node, "name", getattr(node, "id", None)) in private:
                names = [getattr(node, "name", getattr(node, "id", None))]
            offenders += [f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {n}" for n in names]
    assert not offenders, "move these into keras_recipes/tuning/_kt_private.py:\n" + "\n".join(offenders)


def test_keras_tuner_is_pinned_to_the_checked_range():
    setup = (PACKAGE.parent / "setup.cfg").read_text()
    assert "keras-tuner>=1.4.7,<1.5" in setup
    assert "1.4.7 and 1.4.8" in _kt_private.__doc__

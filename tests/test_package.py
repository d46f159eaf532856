"""Package hygiene: a cheap import, lazy names, the CLI, and a README in step with the catalogue."""

import pathlib
import subprocess
import sys

import pytest

import keras_recipes
from keras_recipes.catalog import RECIPES
from keras_recipes.cli import main

ROOT = pathlib.Path(__file__).parents[1]
HEAVY = ("tensorflow", "keras", "tensorflow_datasets", "keras_tuner", "matplotlib")


def test_import_loads_no_heavy_dependency():
    code = ("import sys, keras_recipes; heavy = %r; "
            "print([m for m in heavy if m in sys.modules])" % (HEAVY,))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == "[]"


def test_lazy_names_resolve_and_unknown_names_raise():
    for name in keras_recipes.__all__:
        assert getattr(keras_recipes, name) is not None
    assert callable(keras_recipes.warmup_init) and callable(keras_recipes.lottery_init)  # not their modules
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        keras_recipes.nope


def test_list_prints_every_recipe(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for recipe in RECIPES:
        assert recipe.notebook in out


def test_catalogue_notebooks_exist_and_readme_table_is_the_catalogue(capsys):
    """Every column of the README's diagram table comes from catalog.py, row for row."""
    from keras_recipes.catalog import markdown_table

    for recipe in RECIPES:
        assert (ROOT / recipe.notebook).exists(), recipe.notebook
    readme = (ROOT / "README.md").read_text()
    start = readme.index("| diagram | functions | notebook |")
    lines = readme[start:].split("\n")
    table = "\n".join(lines[:next(i for i, line in enumerate(lines) if not line.startswith("|"))])
    assert table == markdown_table(), (
        "README's diagram table differs from keras_recipes/catalog.py: replace it with the "
        "output of `keras-recipes list --markdown`")
    assert main(["list", "--markdown"]) == 0
    assert capsys.readouterr().out.strip() == markdown_table()


def test_readme_gives_the_two_commands_that_ci_runs():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert 'pip install -e ".[test]" && python -m pytest -n 2\n' in readme
    assert 'pip install -e ".[test]" && python -m pytest -n 2 ' in ci
    assert 'pip install -e . && keras-recipes demo' in readme


def test_cli_rejects_bad_numbers(capsys):
    with pytest.raises(SystemExit):
        main(["demo", "--epochs", "0"])
    assert "--epochs" in capsys.readouterr().err


def test_load_bundle_registers_every_serializable_module():
    """Each module that registers a keras_recipes class is imported by register_custom_objects."""
    from keras_recipes.saving import CUSTOM_OBJECT_MODULES

    package = ROOT / "keras_recipes"
    registering = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for path in package.rglob("*.py")
        if "register_keras_serializable" in path.read_text()
    }
    code = ("import sys, keras_recipes.saving as s; s.register_custom_objects(); "
            "print(sorted(m for m in sys.modules if m.startswith('keras_recipes')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    loaded = set(eval(out.stdout))
    assert registering <= loaded, f"add to CUSTOM_OBJECT_MODULES: {sorted(registering - loaded)}"
    assert CUSTOM_OBJECT_MODULES

"""The package layout rule (README, Layout): nothing imports upward, every folder has its floor.

Floors, lowest first:

* shared plumbing (top-level modules) and building blocks (one floor down):
  they import each other freely, never a theme folder;
* theme folders (recipes): import plumbing, building blocks and their own
  theme, never another theme (a part two themes use moves down a floor);
* entry points (the CLI, ``saving``'s registry, the lazy exports, the demo,
  the lab checks): may import anything, and nothing below imports them.

The check reads the source (``ast``), imports nothing, and also resolves
``from keras_recipes import name`` through ``_LAZY``, so a lazy name cannot
hide an upward import.
"""

import ast
import pathlib

ROOT = pathlib.Path(__file__).parents[1]
PACKAGE = ROOT / "keras_recipes"

PLUMBING = {"bundle", "tasks", "checks", "plots", "settings", "catalog"}
ENTRY_MODULES = {"__init__", "cli", "saving"}
BUILDING_BLOCKS = {"zoo", "layers", "schedules", "callbacks", "datasets", "cache", "augment", "probes",
                   "distribute", "optimizers", "trials", "tuning"}
THEMES = {"transfer", "initialization", "diagnostics", "label_efficient", "data_centric",
          "representation", "multitask", "regularization", "training"}
ENTRY_FOLDERS = {"demo", "labs"}
NOT_PACKAGES = {"data", "__pycache__"}  # data files, no code


def _lazy_exports():
    tree = ast.parse((PACKAGE / "__init__.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "_LAZY":
            return ast.literal_eval(node.value)
    raise AssertionError("keras_recipes/__init__.py has no _LAZY dict")


def _unit(module):
    """``keras_recipes.a.b`` -> ``a`` (the top-level module or folder it belongs to)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imported_units(path, lazy):
    """Every keras_recipes unit that ``path`` imports, at module level or inside functions."""
    units = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
            if node.module == "keras_recipes":  # from keras_recipes import name
                names = [lazy.get(a.name, f"keras_recipes.{a.name}") for a in node.names]
        else:
            continue
        units |= {_unit(name) for name in names if name.split(".")[0] == "keras_recipes"}
    return units


def _floor(unit):
    if unit in PLUMBING or unit in BUILDING_BLOCKS:
        return "low"
    if unit in THEMES:
        return "theme"
    if unit in ENTRY_MODULES or unit in ENTRY_FOLDERS:
        return "entry"
    raise AssertionError(f"{unit!r} has no floor: add it to tests/test_layout.py and README's Layout")


def test_every_top_level_entry_has_a_floor():
    for child in PACKAGE.iterdir():
        if child.name in NOT_PACKAGES or child.name.startswith("."):
            continue
        if child.is_dir():
            assert (child / "__init__.py").exists(), f"{child.name}/ is not a package"
            docstring = ast.get_docstring(ast.parse((child / "__init__.py").read_text()))
            assert docstring, f"{child.name}/__init__.py needs a docstring naming what lives there"
            assert child.name in BUILDING_BLOCKS | THEMES | ENTRY_FOLDERS, child.name
        elif child.suffix == ".py":
            assert child.stem in PLUMBING | ENTRY_MODULES, (
                f"{child.name} at the top level: recipes live in a theme folder, "
                "building blocks one floor down")


def test_nothing_imports_upward_or_across_themes():
    lazy = _lazy_exports()
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        unit = _unit(".".join(path.relative_to(ROOT).with_suffix("").parts))
        floor = _floor(unit)
        if floor == "entry":
            continue
        for imported in _imported_units(path, lazy) - {unit}:
            target = _floor(imported)
            if target == "entry" or (target == "theme" and floor == "low"):
                wrong.append(f"{path.relative_to(ROOT)} imports {imported} ({target} floor)")
            elif target == "theme" and floor == "theme":
                wrong.append(f"{path.relative_to(ROOT)} ({unit}) imports theme {imported}: "
                             "move the shared part down a floor")
    assert not wrong, "\n".join(wrong)


def test_the_checker_catches_an_upward_import(tmp_path):
    """The rule above would be wrong to pass if the scan missed a function-level or lazy import."""
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from keras_recipes import lottery_init\n"
                     "    import keras_recipes.tuning.search\n")
    assert _imported_units(probe, _lazy_exports()) == {"initialization", "tuning"}


def test_readme_layout_lists_every_folder():
    readme = (ROOT / "README.md").read_text()
    layout = readme.split("## Layout", 1)[1]
    for child in PACKAGE.iterdir():
        if child.is_dir() and child.name not in NOT_PACKAGES:
            assert f"`{child.name}/`" in layout, f"README Layout does not list {child.name}/"

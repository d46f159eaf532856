"""Every ``>>>`` example in every keras_recipes module runs (issue 13).

A wrong docstring example fails CI. Examples that would train for long are
marked ``# doctest: +SKIP`` in place (sparingly); the whole collection must
stay fast.
"""

import doctest
import importlib
import os
import pkgutil

import keras_recipes

OPTIONS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE | doctest.IGNORE_EXCEPTION_DETAIL


def _modules():
    names = [keras_recipes.__name__]
    for info in pkgutil.walk_packages(keras_recipes.__path__, prefix="keras_recipes."):
        names.append(info.name)
    return sorted(names)


def _doctests(name):
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    return [t for t in finder.find(module) if t.examples]


MODULES = _modules()


def test_the_collector_sees_the_package():
    assert "keras_recipes.schedules.warmup" in MODULES
    assert sum(len(_doctests(name)) for name in MODULES) >= 10


def test_every_docstring_example_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)   # examples that write files write here
    runner = doctest.DocTestRunner(optionflags=OPTIONS)
    failed = []
    for name in MODULES:
        for test in _doctests(name):
            if runner.run(test).failed:
                failed.append(test.name)
    assert not failed, f"docstring examples failed: {failed} (output above)"

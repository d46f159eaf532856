"""Every notebook runs top to bottom in a real Jupyter kernel, in fast mode."""

import os
import pathlib

import pytest

NOTEBOOKS = sorted((pathlib.Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no .ipynb files"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_executes(path, monkeypatch, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    root = str(path.parents[1])
    monkeypatch.setenv("KERAS_RECIPES_FAST", "1")
    monkeypatch.setenv("PYTHONPATH", root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    from jupyter_client import KernelManager

    notebook = nbformat.read(path, as_version=4)
    # Unix-socket transport: the kernel works even where loopback TCP is down
    # (e.g. a sandbox with networking cut off, as the offline checks run).
    manager = KernelManager(kernel_name="python3", transport="ipc",
                            ip=str(tmp_path / "kernel"))
    client = nbclient.NotebookClient(
        notebook, km=manager, timeout=300, startup_timeout=120,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    # a figure shown as "<Figure ...>" text instead of a picture lacks %matplotlib inline
    unrendered = [o for o in outputs if str(o.get("data", {}).get("text/plain", "")).startswith("<Figure")
                  and "image/png" not in o.get("data", {})]
    assert not unrendered, "a figure was returned but not drawn: add %matplotlib inline"

"""Every notebook runs top to bottom in a real Jupyter kernel, in fast mode, and is a lab.

Also: the committed outputs are fresh (their stamp matches the code cells and
the package modules they ran against), and every student version hides its
solutions and stops at its first exercise with the checker's message.
"""

import os
import pathlib
from concurrent.futures import ThreadPoolExecutor

import pytest

ROOT = pathlib.Path(__file__).parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
IDS = [p.name for p in NOTEBOOKS]
KERNELS_AT_ONCE = 2  # one per core on the 2-core CI machine; each kernel is its own process


def _kernel_environment(monkeypatch):
    """What a kernel started from now on inherits: fast mode, this checkout on its path."""
    monkeypatch.setenv("KERAS_RECIPES_FAST", "1")
    monkeypatch.setenv("PYTHONPATH", str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))


def _kernel_manager(folder):
    from jupyter_client import KernelManager

    # Unix-socket transport: the kernel works even where loopback TCP is down
    # (e.g. a sandbox with networking cut off, as the offline checks run).
    return KernelManager(kernel_name="python3", transport="ipc", ip=str(folder / "kernel"))


def _kernel(tmp_path, monkeypatch):
    _kernel_environment(monkeypatch)
    return _kernel_manager(tmp_path)


# Inserted after a notebook's first cell in the fast run: Keras steps run eagerly. A fast run
# trains many models for a few steps each, where tracing a tf.function per model costs more
# than the steps (measured alone, fast mode: notebook 41 79 -> 57 s, 06 38.6 -> 29.8 s, 60
# 33.7 -> 29.5 s). The traced path is not lost: the committed outputs come from a full,
# traced run, and a change to a notebook or to a module it imports makes them stale
# (test_committed_outputs_are_fresh) until that run is repeated.
# It also hides the two notices eager steps bring: tf.data's that its own functions stay
# traced, and TensorFlow's log line that tf.vectorized_map (Keras's augmentation layers) runs
# as a loop.
EAGER_CELL = (
    "import logging as _kr_logging, warnings as _kr_warnings, tensorflow as _kr_tf\n"
    "_kr_warnings.filterwarnings('ignore', message='Even though the `tf.config.experimental_run_functions_eagerly`')\n"
    "_kr_logging.getLogger('tensorflow').addFilter(\n"
    "    lambda record: 'tf.function behavior was disabled' not in record.getMessage())\n"
    "_kr_tf.config.run_functions_eagerly(True)"
)


def _execute(path, folder):
    """``path`` run top to bottom in a fresh kernel, Keras steps eager (``EAGER_CELL``); the executed notebook."""
    import nbclient
    import nbformat

    from keras_recipes.labs.execute import run_client

    notebook = nbformat.read(path, as_version=4)
    first = next(i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code")
    notebook.cells.insert(first + 1, nbformat.v4.new_code_cell(EAGER_CELL))
    run_client(nbclient.NotebookClient(notebook, km=_kernel_manager(folder), timeout=300, startup_timeout=120,
                                       resources={"metadata": {"path": str(path.parent)}}))
    return notebook


@pytest.fixture(scope="module")
def executions(request, tmp_path_factory):
    """The selected notebooks executing in fast mode, ``KERNELS_AT_ONCE`` fresh kernels at a time.

    ``{path: future of the executed notebook}``. Each test waits for its own
    notebook only; a kernel's failure is raised by that notebook's test.
    """
    pytest.importorskip("nbformat")
    pytest.importorskip("nbclient")
    selected = [item.callspec.params["path"] for item in request.session.items
                if getattr(item, "originalname", None) == "test_notebook_executes"]
    with pytest.MonkeyPatch.context() as environment:
        _kernel_environment(environment)
        pool = ThreadPoolExecutor(max_workers=KERNELS_AT_ONCE)
        try:
            yield {path: pool.submit(_execute, path, tmp_path_factory.mktemp(path.stem)) for path in selected}
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _is_check(cell):
    return cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade", False)


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no .ipynb files"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_executes(path, executions):
    from keras_recipes.labs.execute import output_problems

    notebook = executions[path].result()
    # no error, no stderr (TensorFlow notices, foreign warnings), every figure drawn
    assert output_problems(notebook) == []
    for cell in filter(_is_check, notebook.cells):   # the solutions pass every check
        printed = "".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stdout")
        assert "Correct:" in printed, (cell.metadata["nbgrader"]["grade_id"], printed)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_outputs_are_fresh(path):
    """Outputs committed, none an error or stderr, stamp matches cells and package source.

    Stale after a change to the notebook or to a module it imports: rerun
    ``keras-recipes notebooks execute NOTEBOOK`` (full run) and commit.
    """
    nbformat = pytest.importorskip("nbformat")
    from keras_recipes.labs.execute import MAX_BYTES, stamp_problems

    assert stamp_problems(path) == []
    assert path.stat().st_size < MAX_BYTES
    stamp = nbformat.read(path, as_version=4).metadata["keras_recipes"]["execution"]
    assert stamp["fast"] is False, "committed outputs come from a full run (no --fast)"


def test_every_notebook_is_a_lab_in_the_house_format():
    nbformat = pytest.importorskip("nbformat")
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        cells = notebook.cells
        assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# "), path.name
        first_code = next(c for c in cells if c.cell_type == "code").source
        assert first_code.startswith("from keras_recipes import labs; labs.quiet()"), path.name
        checks = [c for c in cells if _is_check(c)]
        assert len(checks) >= 3, f"{path.name} has {len(checks)} exercises; a lab has at least 3"
        ids = [c.metadata["nbgrader"]["grade_id"] for c in cells if "nbgrader" in c.metadata]
        assert len(ids) == len(set(ids)), f"{path.name}: duplicate nbgrader grade_id"
        for index, cell in enumerate(cells):
            if _is_check(cell):   # answer cell right above it, in the format
                answer = cells[index - 1]
                assert answer.metadata.get("nbgrader", {}).get("solution"), (path.name, index)
                assert "### BEGIN SOLUTION" in answer.source and "= None" in answer.source


def test_student_versions_hide_solutions_and_stop_at_the_first_check(monkeypatch, tmp_path):
    """All student versions, each run up to its first check, in one kernel (cheap)."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    from keras_recipes.labs.execute import run_client
    from keras_recipes.labs.notebook import solution_lines, student_version

    combined, segments = nbformat.v4.new_notebook(), []
    for path in NOTEBOOKS:
        lab = nbformat.read(path, as_version=4)
        student = student_version(lab)
        text = "\n".join(c.source for c in student.cells)
        assert "BEGIN SOLUTION" not in text and not any(c.get("outputs") for c in student.cells)
        outside = "\n".join(c.source for c in lab.cells if "### BEGIN SOLUTION" not in c.source)
        leaked = [line for line in solution_lines(lab) if line in text and line not in outside]
        assert not leaked, (path.name, leaked)
        first = next(i for i, c in enumerate(student.cells) if _is_check(c))
        start = len(combined.cells)
        combined.cells.append(nbformat.v4.new_code_cell(f"import os; os.chdir({str(path.parent)!r})"))
        combined.cells += student.cells[:first + 1]
        segments.append((path.name, start, len(combined.cells) - 1))
    run_client(nbclient.NotebookClient(combined, km=_kernel(tmp_path, monkeypatch), timeout=300,
                                       startup_timeout=120, allow_errors=True))
    for name, start, check in segments:
        errors = [(i, o) for i in range(start, check + 1) if combined.cells[i].cell_type == "code"
                  for o in combined.cells[i].outputs if o.output_type == "error"]
        assert [i for i, _ in errors] == [check], (name, [(i, o.ename, o.evalue) for i, o in errors])
        error = errors[0][1]
        assert error.ename == "CheckFailed" and "is not answered yet" in error.evalue, (name, error.evalue)
        assert "Hint:" in error.evalue

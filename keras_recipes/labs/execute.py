"""Run lab notebooks for real and stamp what they ran against, so stale outputs are caught.

``keras-recipes notebooks execute [NOTEBOOK...]`` runs each notebook top to
bottom in a fresh Jupyter kernel (full mode unless ``--fast``), keeps the
outputs, and writes into the notebook metadata a stamp::

    metadata["keras_recipes"]["execution"] = {
        "code_sha256": ...,      # of the notebook's code cells, in order
        "package_sha256": ...,   # of the modules below, path and content
        "modules": {"keras_recipes/bundle.py": "<sha256>", ...},
        "fast": false, "seconds": 212.4}

Which package source is hashed: only the source files of the
``keras_recipes`` modules the kernel had imported when the notebook finished
(read from ``sys.modules`` inside the kernel), recorded in the stamp. Hashing
the whole package would make every unrelated change (a new recipe in another
folder) stale every notebook; hashing what was imported stales exactly the
notebooks whose code could have changed. A module the notebook reaches only
through data files, or a change to the package data itself, is not seen.

``stamp_problems(notebook)`` re-computes both hashes against the current files
and says what changed; the test suite calls it on every committed notebook.
"""

import hashlib
import json
import os
import pathlib
import re
import shutil
import sys
import tempfile
import time
import weakref
from dataclasses import dataclass, field

from keras_recipes.labs.notebook import METADATA_KEY

PACKAGE = "keras_recipes"
MAX_BYTES = 1_000_000  # committed notebooks stay under 1 MB
_LOG_MARKS = ("WARNING:tensorflow:", "ERROR:tensorflow:")

# appended as a last cell while executing, then removed: lists the keras_recipes files the kernel imported
_IMPORTED_PROBE = (
    "import sys as _kr_sys, json as _kr_json\n"
    "print(_kr_json.dumps(sorted({getattr(_m, '__file__', None) or '' "
    "for _n, _m in list(_kr_sys.modules.items()) "
    f"if _n == {PACKAGE!r} or _n.startswith({PACKAGE + '.'!r})}} - {{''}})))"
)


def package_root():
    """The folder that holds the ``keras_recipes`` package this process imported (the repository root)."""
    import keras_recipes

    return pathlib.Path(keras_recipes.__file__).resolve().parents[1]


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def code_sha256(notebook):
    """sha256 of the notebook's code cells (their sources, in order); outputs and markdown do not count."""
    sources = [c.source if isinstance(c.source, str) else "".join(c.source)
               for c in notebook.cells if c.cell_type == "code"]
    return _sha256(json.dumps(sources).encode())


def module_hashes(relative_paths, root=None):
    """``{relative path: sha256 of its bytes}``; a missing file maps to ``None``."""
    root = pathlib.Path(root) if root is not None else package_root()
    hashes = {}
    for rel in sorted(relative_paths):
        file = root / rel
        hashes[rel] = _sha256(file.read_bytes()) if file.is_file() else None
    return hashes


def package_sha256(hashes):
    """One sha256 over ``module_hashes``'s paths and hashes."""
    return _sha256(json.dumps(sorted(hashes.items())).encode())


def stamp_problems(notebook, root=None):
    """What makes ``notebook``'s committed outputs stale or incomplete; ``[]`` when none.

    Checks the stamp (present, code hash, every recorded module unchanged),
    that every code cell was executed, that no output is an error or stderr,
    and that every returned figure was drawn.

    Args:
        notebook: an ``nbformat.NotebookNode`` or a path to one.
        root: repository root the module paths are relative to (default: the
            folder holding the imported ``keras_recipes``).
    """
    import nbformat

    if not hasattr(notebook, "cells"):
        notebook = nbformat.read(notebook, as_version=4)
    stamp = notebook.metadata.get(METADATA_KEY, {}).get("execution")
    if not stamp:
        return ["no execution stamp: run `keras-recipes notebooks execute` on it"]
    problems = []
    if stamp.get("code_sha256") != code_sha256(notebook):
        problems.append("code cells changed since the outputs were made")
    recorded = stamp.get("modules", {})
    current = module_hashes(recorded, root)
    changed = [rel for rel, digest in recorded.items() if current.get(rel) != digest]
    if changed:
        problems.append("package source changed since the outputs were made: " + ", ".join(changed))
    elif stamp.get("package_sha256") != package_sha256(recorded):
        problems.append("package_sha256 does not match the recorded modules")
    problems += output_problems(notebook)
    return problems


def output_problems(notebook):
    """Cells not executed, errors, stderr, and figures returned as text instead of drawn."""
    problems = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        if cell.get("execution_count") is None:
            problems.append(f"cell {index} was not executed")
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "error":
                problems.append(f"cell {index} raised {output.get('ename')}: {output.get('evalue')}")
            elif kind == "stream" and output.get("name") == "stderr":
                problems.append(f"cell {index} wrote to stderr: {output.get('text', '')[:200]!r}")
            elif kind == "stream" and any(mark in output.get("text", "") for mark in _LOG_MARKS):
                # TensorFlow's Python logger writes to stdout in an interactive kernel
                problems.append(f"cell {index} shows a TensorFlow log line: {output.get('text', '')[:200]!r}")
            data = output.get("data", {})
            if str(data.get("text/plain", "")).startswith("<Figure") and "image/png" not in data:
                problems.append(f"cell {index} returned a figure that was not drawn "
                                "(add %matplotlib inline to the first code cell)")
    return problems


@dataclass
class ExecutionReport:
    """What ``execute_notebook`` did: the file, seconds, size, mode and any problems."""

    path: str
    seconds: float = 0.0
    bytes: int = 0
    fast: bool = False
    problems: list = field(default_factory=list)
    error: str = ""

    @property
    def ok(self):
        return not self.error and not self.problems

    def line(self):
        state = "ok" if self.ok else ("FAILED: " + self.error if self.error else "PROBLEMS")
        mode = "fast" if self.fast else "full"
        return f"{self.path}: {mode} {self.seconds:.0f} s, {self.bytes / 1e3:.0f} kB, {state}"


def execute_notebook(path, *, fast=False, timeout=1800, root=None, write=True):
    """Run one notebook in a fresh kernel, keep its outputs and stamp it.

    The kernel runs in the notebook's folder with ``PYTHONPATH`` starting at
    the repository root, so it imports this checkout's ``keras_recipes``
    (refused otherwise: the stamp would describe other files). The notebook
    is rewritten only when every cell ran; a failing cell leaves the file as
    it was and the report says which cell and why.

    Args:
        path: the ``.ipynb`` to run.
        fast: run with ``KERAS_RECIPES_FAST=1`` (small epochs). Default False:
            committed notebooks carry the outputs of a full run.
        timeout: seconds allowed per cell. Default 1800.
        root: repository root (default: the folder holding ``keras_recipes``).
        write: write the executed notebook back to ``path``. Default True.
    Returns:
        an ``ExecutionReport``.
    """
    import nbclient
    import nbformat

    path = pathlib.Path(path).resolve()
    root = pathlib.Path(root).resolve() if root is not None else package_root()
    report = ExecutionReport(str(path), fast=bool(fast))
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(_IMPORTED_PROBE))
    start = time.perf_counter()
    try:
        with _environment(fast, root):
            run_client(_kernel_client(notebook, path, timeout, False, root))
    except nbclient.exceptions.CellExecutionError as error:
        report.error = re.sub(r"\x1b\[[0-9;]*m", "", str(error).strip().splitlines()[-1])[:300]
        return report
    except Exception as error:  # a dead kernel or a timeout: report it, go on with the next notebook
        report.error = f"{type(error).__name__}: {str(error).strip()[:300]}"
        return report
    finally:
        report.seconds = time.perf_counter() - start
    probe = notebook.cells.pop()
    text = "".join(o.get("text", "") for o in probe.outputs if o.get("name") == "stdout")
    files = [pathlib.Path(f).resolve() for f in json.loads(text.strip().splitlines()[-1])]
    foreign = [str(f) for f in files if root not in f.parents]
    if foreign:
        report.error = (f"the kernel imported keras_recipes from {foreign[0]}, not from {root}; "
                        "install this checkout (pip install -e .) or run from its root")
        return report
    hashes = module_hashes([f.relative_to(root).as_posix() for f in files], root)
    notebook.metadata[METADATA_KEY] = {"execution": {
        "code_sha256": code_sha256(notebook),
        "package_sha256": package_sha256(hashes),
        "modules": hashes,
        "fast": bool(fast),
        "seconds": round(report.seconds, 1),
    }}
    report.problems = output_problems(notebook)
    text = nbformat.writes(notebook) + "\n"
    report.bytes = len(text.encode())
    if report.bytes > MAX_BYTES:
        report.problems.append(f"{report.bytes / 1e6:.2f} MB is over the 1 MB limit: "
                               "fewer or smaller figures, less printed text")
    if write:
        tmp = path.with_suffix(".ipynb.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return report


def _kernel_client(notebook, path, timeout, allow_errors, root):
    import nbclient
    from jupyter_client import KernelManager

    sockets = tempfile.mkdtemp(prefix="kr-kernel-")
    # Unix-socket transport: works where loopback TCP is cut off (offline sandboxes)
    manager = KernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(sockets, "kernel"))
    client = nbclient.NotebookClient(notebook, km=manager, timeout=timeout, startup_timeout=180,
                                     record_timing=False, allow_errors=allow_errors,
                                     resources={"metadata": {"path": str(path.parent)}})
    weakref.finalize(client, shutil.rmtree, sockets, True)
    return client


def run_client(client):
    """``client.execute()``, then shut the kernel down (nbclient leaves a kernel it did not create running)."""
    try:
        return client.execute()
    finally:
        if client.km is not None and client.km.has_kernel:
            client.km.shutdown_kernel(now=True)


@dataclass
class GradeReport:
    """What ``grade_notebook`` found: one ``(grade_id, points, earned, message)`` per check cell."""

    path: str
    rows: list = field(default_factory=list)

    @property
    def earned(self):
        return sum(row[2] for row in self.rows)

    @property
    def points(self):
        return sum(row[1] for row in self.rows)

    def table(self):
        lines = [f"{self.path}: {self.earned:g} / {self.points:g} points"]
        lines += [f"  {gid:24s} {earned:g}/{points:g}  {message}" for gid, points, earned, message in self.rows]
        return "\n".join(lines)


def grade_notebook(path, *, fast=True, timeout=600, root=None):
    """Grade a student's notebook without nbgrader: run it all, score each check cell.

    Every cell runs even after a failed check (``allow_errors``); a check cell
    earns its nbgrader ``points`` when it raised nothing. The message is the
    check's own line ("Correct: ..." or the ``CheckFailed`` text). The file is
    not modified.

    Args:
        path: the student's ``.ipynb``.
        fast: run with ``KERAS_RECIPES_FAST=1`` (default True: grading needs
            the checks, not the full-size training).
        timeout: seconds allowed per cell. Default 600.
        root: repository root (default: the folder holding ``keras_recipes``).
    Returns:
        a ``GradeReport`` (``.earned``, ``.points``, ``.table()``).
    """
    import nbformat

    path = pathlib.Path(path).resolve()
    root = pathlib.Path(root).resolve() if root is not None else package_root()
    notebook = nbformat.read(path, as_version=4)
    with _environment(fast, root):
        run_client(_kernel_client(notebook, path, timeout, True, root))
    report = GradeReport(str(path))
    for cell in notebook.cells:
        grading = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type != "code" or not grading.get("grade"):
            continue
        errors = [o for o in cell.outputs if o.get("output_type") == "error"]
        printed = "".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stdout").strip()
        points = float(grading.get("points", 0))
        message = f"{errors[0].ename}: {errors[0].evalue}" if errors else (printed.splitlines() or ["ok"])[-1]
        report.rows.append((grading.get("grade_id", "?"), points, 0.0 if errors else points, message))
    return report


class _environment:
    """Set KERAS_RECIPES_FAST and put ``root`` first on PYTHONPATH for the kernel; restore on exit."""

    def __init__(self, fast, root):
        self.fast, self.root = fast, root

    def __enter__(self):
        self.saved = {key: os.environ.get(key) for key in ("KERAS_RECIPES_FAST", "PYTHONPATH")}
        os.environ["KERAS_RECIPES_FAST"] = "1" if self.fast else "0"
        os.environ["PYTHONPATH"] = os.pathsep.join(
            [str(self.root)] + ([self.saved["PYTHONPATH"]] if self.saved["PYTHONPATH"] else []))
        return self

    def __exit__(self, *exc):
        for key, value in self.saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        return False


def execute_notebooks(paths, *, fast=False, timeout=1800, stream=sys.stdout):
    """Run each notebook in turn (a failure does not stop the others); print one line each and a total.

    Returns:
        the list of ``ExecutionReport``.
    """
    reports, start = [], time.perf_counter()
    for path in paths:
        print(f"executing {path} ({'fast' if fast else 'full'}) ...", file=stream, flush=True)
        report = execute_notebook(path, fast=fast, timeout=timeout)
        reports.append(report)
        print("  " + report.line(), file=stream, flush=True)
        for problem in report.problems:
            print("    - " + problem, file=stream, flush=True)
    print(f"{len(reports)} notebooks in {time.perf_counter() - start:.0f} s, "
          f"{sum(not r.ok for r in reports)} with errors or problems", file=stream, flush=True)
    return reports

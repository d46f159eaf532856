"""Lab notebooks: a quiet set-up, and the student version of a solution notebook.

A lab notebook is written once, with its solutions, in nbgrader's format: a
solution cell sets the answer to ``None`` and then fills it in between
``### BEGIN SOLUTION`` and ``### END SOLUTION``; the next cell (nbgrader
metadata ``grade: true``) calls a check from ``keras_recipes.labs``.
``student_version`` cuts the solution regions out and leaves ``# YOUR CODE
HERE`` in their place, so the answer stays ``None`` and the check below says
"not answered yet" with a hint (nbgrader's own stub, ``raise
NotImplementedError()``, would stop the cell before the check could speak).
"""

import copy
import logging
import os
import re
import warnings

# Warnings Keras or TensorFlow raise about their own internals, not about the student's code.
_NOT_THE_STUDENTS = (
    "`shuffle=True` was passed",  # fit(dataset) always ignores shuffle; Keras warns on every call
)
# TensorFlow log lines (logger "tensorflow") about its own tracing: recipes that build several
# models in a loop (the lottery's draws, a search's trials) retrace by design.
_TF_LOG_NOT_THE_STUDENTS = ("triggered tf.function retracing",)


class _DropLines(logging.Filter):
    def __init__(self, texts):
        super().__init__()
        self.texts = texts

    def filter(self, record):
        message = record.getMessage()
        return not any(text in message for text in self.texts)

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
BEGIN_HIDDEN_TESTS = "### BEGIN HIDDEN TESTS"
END_HIDDEN_TESTS = "### END HIDDEN TESTS"
CODE_STUB = "# YOUR CODE HERE"
MARKDOWN_STUB = "YOUR ANSWER HERE"
METADATA_KEY = "keras_recipes"  # notebook metadata written by ``keras-recipes notebooks execute``


def quiet():
    """Silence TensorFlow's import-time notices and notices about Keras's own internals; call first.

    ``TF_CPP_MIN_LOG_LEVEL`` alone does not silence TensorFlow 2.21's oneDNN line:
    ``TF_ENABLE_ONEDNN_OPTS=0`` is needed too, and both must be set before
    TensorFlow is imported (ipykernel shows C-level stderr in the notebook, so
    a late call cannot take the lines back). Also hidden: Keras's
    "``shuffle=True`` was passed" warning on every ``fit`` with a dataset,
    and TensorFlow's retracing notice when a recipe builds models in a loop.
    Real warnings about the student's code still show.

    >>> quiet(); "TF_CPP_MIN_LOG_LEVEL" in os.environ and "TF_ENABLE_ONEDNN_OPTS" in os.environ
    True
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
    for text in _NOT_THE_STUDENTS:
        warnings.filterwarnings("ignore", message=text)
    tf_logger = logging.getLogger("tensorflow")
    if not any(isinstance(f, _DropLines) for f in tf_logger.filters):
        tf_logger.addFilter(_DropLines(_TF_LOG_NOT_THE_STUDENTS))


def _nbgrader(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def is_solution_cell(cell):
    """True for a cell nbgrader marks ``solution: true`` or that holds a solution region."""
    return bool(_nbgrader(cell).get("solution")) or BEGIN_SOLUTION in _source(cell)


def is_check_cell(cell):
    """True for an autograded test cell (nbgrader ``grade: true`` on a code cell)."""
    return cell.get("cell_type") == "code" and bool(_nbgrader(cell).get("grade"))


def _source(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _cut_regions(text, begin, end, stub, where):
    """Replace each ``begin``..``end`` region (marker lines included) by ``stub`` at its indentation."""
    lines, out, inside = text.split("\n"), [], False
    for number, line in enumerate(lines, 1):
        marker = line.strip()
        if marker == begin:
            if inside:
                raise ValueError(f"{where}: line {number} opens {begin!r} inside another one")
            inside = True
            if stub is not None:
                out.append(re.match(r"\s*", line).group(0) + stub)
        elif marker == end:
            if not inside:
                raise ValueError(f"{where}: line {number} closes {end!r} that was never opened")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{where}: {begin!r} is never closed by {end!r}")
    return "\n".join(out)


def student_version(notebook):
    """A copy of a solution notebook with every solution cut out and every output cleared.

    Code solutions become ``# YOUR CODE HERE`` (the answer line above the
    region, ``answer = None``, stays); markdown solutions become ``YOUR ANSWER
    HERE``; nbgrader's hidden-test regions are removed; outputs, execution
    counts and the execution stamp are cleared.

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
    ...     "steps = None\\n### BEGIN SOLUTION\\nsteps = 5 * 10\\n### END SOLUTION")])
    >>> print(student_version(nb).cells[0].source)
    steps = None
    # YOUR CODE HERE

    Args:
        notebook: an ``nbformat.NotebookNode`` (it is not modified).
    Returns:
        the student version, a new ``NotebookNode``.
    Raises:
        ValueError: a solution cell with no or unbalanced markers (naming the cell).
    """
    student = copy.deepcopy(notebook)
    student.metadata.pop(METADATA_KEY, None)
    for index, cell in enumerate(student.cells):
        where = f"cell {index} ({_nbgrader(cell).get('grade_id', 'no grade_id')})"
        text = _source(cell)
        if is_solution_cell(cell):
            if BEGIN_SOLUTION not in text:
                if cell.cell_type == "markdown":
                    text = f"{BEGIN_SOLUTION}\n{text}\n{END_SOLUTION}"
                else:
                    raise ValueError(f"{where} is an nbgrader solution cell without a "
                                     f"{BEGIN_SOLUTION!r} ... {END_SOLUTION!r} region")
            stub = CODE_STUB if cell.cell_type == "code" else MARKDOWN_STUB
            text = _cut_regions(text, BEGIN_SOLUTION, END_SOLUTION, stub, where)
        if BEGIN_HIDDEN_TESTS in text:
            text = _cut_regions(text, BEGIN_HIDDEN_TESTS, END_HIDDEN_TESTS, None, where)
        cell.source = text
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
    return student


def solution_lines(notebook):
    """The non-blank lines inside the solution regions of ``notebook`` (what a student must not see)."""
    found = []
    for cell in notebook.cells:
        inside = False
        for line in _source(cell).split("\n"):
            marker = line.strip()
            if marker == BEGIN_SOLUTION:
                inside = True
            elif marker == END_SOLUTION:
                inside = False
            elif inside and marker:
                found.append(marker)
    return found


def write_student_version(path, out_dir):
    """Write the student version of the notebook at ``path`` into ``out_dir`` (same file name).

    ``keras-recipes lab student NOTEBOOK --out DIR`` calls this.

    Args:
        path: a solution notebook (``.ipynb``).
        out_dir: folder to write into (created if missing); must not be the
            notebook's own folder, so a solution is never overwritten.
    Returns:
        the ``pathlib.Path`` written.
    """
    import pathlib

    import nbformat

    path, out_dir = pathlib.Path(path), pathlib.Path(out_dir)
    if not path.is_file():
        raise FileNotFoundError(f"NOTEBOOK {str(path)!r} does not exist")
    if out_dir.resolve() == path.parent.resolve():
        raise ValueError(f"--out {str(out_dir)!r} is the notebook's own folder; pick another "
                         "so the solution notebook is not overwritten")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / path.name
    nbformat.write(student_version(nbformat.read(path, as_version=4)), target)
    return target

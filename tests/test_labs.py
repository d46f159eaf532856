"""Lab tooling: student versions, the execution stamp, quiet kernels, and the bundle picture."""

import json
import os
import pathlib
import shutil

import pytest

from keras_recipes.labs import CheckFailed, check_number
from keras_recipes.labs.notebook import (CODE_STUB, solution_lines, student_version,
                                         write_student_version)

nbformat = pytest.importorskip("nbformat")
ROOT = pathlib.Path(__file__).parents[1]


def _answer(code, grade_id):
    cell = nbformat.v4.new_code_cell(code)
    cell.metadata["nbgrader"] = {"grade": False, "grade_id": grade_id, "locked": False,
                                 "schema_version": 3, "solution": True, "task": False}
    return cell


def _check(code, grade_id, points=1):
    cell = nbformat.v4.new_code_cell(code)
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": grade_id, "locked": True, "points": points,
                                 "schema_version": 3, "solution": False, "task": False}
    return cell


def tiny_lab(with_keras=False):
    """A two-exercise lab in the house format; with_keras adds a fit on a tf.data pipeline."""
    cells = [nbformat.v4.new_markdown_cell("# Training Neural Networks II: a tiny lab"),
             nbformat.v4.new_code_cell("from keras_recipes import labs; labs.quiet()\n"
                                       "%matplotlib inline\nimport math")]
    if with_keras:
        cells.append(nbformat.v4.new_code_cell(
            "import keras, numpy as np, tensorflow as tf\n"
            "from matplotlib.figure import Figure\n"
            "m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])\n"
            "m.compile('sgd', 'mse')\n"
            "ds = tf.data.Dataset.from_tensor_slices((np.ones((8, 3)), np.ones((8, 2)))).batch(4)\n"
            "m.fit(ds, epochs=1, verbose=0)\n"
            "fig = Figure(figsize=(2, 1)); fig.subplots().plot([0, 1]); fig"))
    cells += [
        _answer("initial_loss = None\n### BEGIN SOLUTION\ninitial_loss = math.log(5)\n### END SOLUTION",
                "tiny-ex1-answer"),
        _check("labs.check_number(initial_loss, expected=1.609, tolerance=0.01, name='initial_loss',\n"
               "                  hint='a fresh softmax guesses uniformly over 5 classes')\n"
               "### BEGIN HIDDEN TESTS\nassert initial_loss > 1\n### END HIDDEN TESTS", "tiny-ex1-check"),
        _answer("def passes(epochs):\n    result = None\n    ### BEGIN SOLUTION\n"
                "    result = epochs - 1\n    ### END SOLUTION\n    return result", "tiny-ex2-answer"),
        _check("labs.check_number(passes(10), expected=9, tolerance=0, name='passes(10)')", "tiny-ex2-check"),
    ]
    return nbformat.v4.new_notebook(cells=cells)


def test_student_version_cuts_solutions_keeps_answers_none_and_checks():
    lab = tiny_lab()
    student = student_version(lab)
    text = json.dumps([c.source for c in student.cells])
    assert "BEGIN SOLUTION" not in text and "math.log(5)" not in text and "epochs - 1" not in text
    assert "HIDDEN TESTS" not in text and "assert initial_loss > 1" not in text
    assert student.cells[2].source == f"initial_loss = None\n{CODE_STUB}"
    assert student.cells[4].source.splitlines()[2] == "    " + CODE_STUB   # indentation kept
    assert student.cells[3].source.startswith("labs.check_number(initial_loss")  # checks kept
    assert solution_lines(lab) == ["initial_loss = math.log(5)", "result = epochs - 1"]
    assert "BEGIN SOLUTION" in lab.cells[2].source                        # the original is untouched


def test_student_version_refuses_unbalanced_markers_naming_the_cell():
    lab = tiny_lab()
    lab.cells[2].source = "x = None\n### BEGIN SOLUTION\nx = 1"
    with pytest.raises(ValueError, match=r"cell 2 \(tiny-ex1-answer\).*never closed"):
        student_version(lab)
    lab.cells[2].source = "x = 1"
    with pytest.raises(ValueError, match="without a '### BEGIN SOLUTION'"):
        student_version(lab)


def test_cli_writes_student_version_and_refuses_the_notebooks_own_folder(tmp_path):
    from keras_recipes.cli import main

    source = tmp_path / "lab.ipynb"
    nbformat.write(tiny_lab(), source)
    assert main(["lab", "student", str(source), "--out", str(tmp_path / "students")]) == 0
    written = nbformat.read(tmp_path / "students" / "lab.ipynb", as_version=4)
    assert "math.log(5)" not in json.dumps(written.cells)
    with pytest.raises(ValueError, match="own folder"):
        write_student_version(source, tmp_path)


def test_checks_say_not_answered_then_wrong_never_the_solution():
    with pytest.raises(CheckFailed, match="not answered yet"):
        check_number(None, expected=1.609, tolerance=0.01, name="initial_loss", hint="uniform guess")
    with pytest.raises(CheckFailed) as caught:
        check_number(2.3, expected=1.609, tolerance=0.01, name="initial_loss", hint="uniform guess")
    assert "1.609" not in str(caught.value) and "not right yet" in str(caught.value)


def _run(notebook, tmp_path, allow_errors=False):
    nbclient = pytest.importorskip("nbclient")
    from jupyter_client import KernelManager

    manager = KernelManager(kernel_name="python3", transport="ipc", ip=str(tmp_path / "kernel"))
    from keras_recipes.labs.execute import run_client

    run_client(nbclient.NotebookClient(notebook, km=manager, timeout=120, startup_timeout=120,
                                       allow_errors=allow_errors))
    return notebook


def test_student_version_stops_at_first_check_with_the_checkers_message(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    student = _run(student_version(tiny_lab()), tmp_path, allow_errors=True)
    errors = [(i, o) for i, c in enumerate(student.cells) if c.cell_type == "code"
              for o in c.outputs if o.output_type == "error"]
    index, first = errors[0]
    assert index == 3 and first.ename == "CheckFailed"
    assert len(first.traceback) == 1 and first.evalue in first.traceback[0]   # one line, no traceback
    assert first.evalue == ("initial_loss is not answered yet (it is still None). "
                            "Hint: a fresh softmax guesses uniformly over 5 classes")
    # the stub itself ran without raising: the answer cell has no error
    assert not [o for o in student.cells[2].outputs if o.output_type == "error"]


def test_execute_stamps_quiet_outputs_and_detects_stale_code_and_package(tmp_path, monkeypatch):
    """A real kernel with TF_CPP_MIN_LOG_LEVEL unset: labs.quiet() alone must silence TensorFlow."""
    from keras_recipes.labs.execute import execute_notebook, stamp_problems

    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    monkeypatch.delenv("TF_ENABLE_ONEDNN_OPTS", raising=False)
    path = tmp_path / "lab.ipynb"
    nbformat.write(tiny_lab(with_keras=True), path)
    report = execute_notebook(path, fast=True, root=ROOT)
    assert report.ok, (report.error, report.problems)
    assert os.environ.get("KERAS_RECIPES_FAST") == "1"          # conftest's value restored
    executed = nbformat.read(path, as_version=4)
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.get("name") == "stderr"], outputs   # no TF notices, no warnings
    assert [o.text for o in outputs if o.get("name") == "stdout"] == [
        "Correct: initial_loss = 1.61\n", "Correct: passes(10) = 9\n"]
    assert any("image/png" in o.get("data", {}) for o in outputs)
    stamp = executed.metadata["keras_recipes"]["execution"]
    assert "keras_recipes/labs/core.py" in stamp["modules"]
    assert not any("tuning" in m for m in stamp["modules"])     # only what the kernel imported
    assert stamp["fast"] is True
    assert stamp_problems(executed, root=ROOT) == []

    # package change: a copy of the recorded modules with one byte changed
    copy_root = tmp_path / "repo"
    for rel in stamp["modules"]:
        (copy_root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / rel, copy_root / rel)
    assert stamp_problems(executed, root=copy_root) == []
    with open(copy_root / "keras_recipes/labs/core.py", "a") as handle:
        handle.write("\n")
    assert stamp_problems(executed, root=copy_root) == [
        "package source changed since the outputs were made: keras_recipes/labs/core.py"]

    executed.cells[2].source += "\n"                             # code change
    assert stamp_problems(executed, root=ROOT) == ["code cells changed since the outputs were made"]
    executed.metadata.pop("keras_recipes")
    assert "no execution stamp" in stamp_problems(executed, root=ROOT)[0]


def test_execute_keeps_the_file_when_a_cell_fails(tmp_path):
    from keras_recipes.labs.execute import execute_notebook

    lab = tiny_lab()
    lab.cells[2].source = "initial_loss = 0.5"                  # a wrong "solution"
    path = tmp_path / "lab.ipynb"
    nbformat.write(lab, path)
    before = path.read_bytes()
    report = execute_notebook(path, fast=True, root=ROOT)
    assert not report.ok and "CheckFailed" in report.error and "not right yet" in report.error
    assert path.read_bytes() == before


def test_plot_bundle_draws_the_parts_doors_and_frozen_groups():
    import keras_recipes as kr

    bundle = kr.vgg(input_shape=(8, 8, 1), num_classes=3, width=4, depth=(1, 1))
    bundle.encoder.get_layer("group1_block1_conv").trainable = False
    fig = kr.plot_bundle(bundle)
    texts = [t.get_text() for t in fig.axes[0].texts]
    boxes = [t.split("\n")[0] for t in texts if "\n" in t]
    assert boxes == ["input", "stem", "group1", "group2", "bottleneck", "task", "output"]
    assert "model: input → output" in texts and "encoder: input → bottleneck" in texts
    assert "head: bottleneck → output" in texts
    assert any(t.startswith("task\npredictions\n27 params") for t in texts)  # 8 * 3 + 3
    assert not any("(frozen)" in t for t in texts)              # group1 still has its BN trainable
    bundle.encoder.trainable = False
    assert sum("(frozen)" in t for t in (x.get_text() for x in bundle.plot().axes[0].texts)) == 3  # stem, group1, group2
    with pytest.raises(TypeError, match="bundle must be a keras_recipes.ModelBundle"):
        kr.plot_bundle(bundle.model)


def test_grade_scores_check_cells_without_nbgrader(tmp_path):
    from keras_recipes.labs.execute import grade_notebook

    lab = student_version(tiny_lab())
    lab.cells[4].source = lab.cells[4].source.replace(CODE_STUB, "result = epochs - 1")  # answers ex2 only
    path = tmp_path / "submission.ipynb"
    nbformat.write(lab, path)
    report = grade_notebook(path, root=ROOT)
    assert (report.earned, report.points) == (1, 2)
    assert report.rows[0][:3] == ("tiny-ex1-check", 1, 0) and "not answered yet" in report.rows[0][3]
    assert report.rows[1] == ("tiny-ex2-check", 1, 1, "Correct: passes(10) = 9")
    assert "1 / 2 points" in report.table()


def test_quiet_drops_tensorflow_retracing_notices_only(caplog):
    import logging

    from keras_recipes.labs import quiet

    quiet()
    quiet()   # idempotent: one filter
    logger = logging.getLogger("tensorflow")
    assert len(logger.filters) == 1
    with caplog.at_level(logging.WARNING, logger="tensorflow"):
        logger.warning("5 out of the last 9 calls to <function f> triggered tf.function retracing.")
        logger.warning("a real warning")
    assert [r.getMessage() for r in caplog.records] == ["a real warning"]


def test_output_problems_name_stderr_log_lines_errors_and_undrawn_figures():
    from keras_recipes.labs.execute import output_problems

    cell = nbformat.v4.new_code_cell("x")
    cell.execution_count = 1
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="WARNING:tensorflow:5 out of ...\n"),
                    nbformat.v4.new_output("stream", name="stderr", text="oops\n"),
                    nbformat.v4.new_output("execute_result", data={"text/plain": "<Figure size 640x480>"}),
                    nbformat.v4.new_output("error", ename="CheckFailed", evalue="x is not answered yet",
                                           traceback=[])]
    unrun = nbformat.v4.new_code_cell("y")
    problems = output_problems(nbformat.v4.new_notebook(cells=[cell, unrun]))
    assert [p.split(":")[0] for p in problems] == ["cell 0 shows a TensorFlow log line", "cell 0 wrote to stderr",
                                                   "cell 0 returned a figure that was not drawn (add %matplotlib "
                                                   "inline to the first code cell)", "cell 0 raised CheckFailed",
                                                   "cell 1 was not executed"]

"""Shared test set-up: quiet TensorFlow, fast mode, and a fixed seed for every test."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_RECIPES_FAST", "1")

import pytest  # noqa: E402


# Keras's clear_session() (after every test) and KerasTuner (before every trial) call
# gc.collect(), which walks every object the process holds: TensorFlow's or JAX's and
# whatever earlier tests left alive, 0.3-0.5 s a call and more the further into the suite.
# Objects alive when a test (or a file) starts are frozen (gc.freeze, O(1)), so those
# collections walk only what the test itself made; each file's end unfreezes and collects
# once, so the cyclic garbage of its module fixtures is still freed.
@pytest.fixture(autouse=True, scope="module")
def _heap_frozen_per_file():
    import gc

    gc.freeze()
    yield
    gc.unfreeze()
    gc.collect()


@pytest.fixture(autouse=True)
def _seeded(_heap_frozen_per_file):
    import gc

    import keras

    gc.freeze()
    keras.utils.set_random_seed(1234)
    yield
    keras.backend.clear_session()


# Files that take minutes (notebook kernels, bench smokes, fresh-process runs): collected
# first, so that with ``-n 2`` a worker starts them while the other works through the
# short files, instead of one worker finishing alone at the end.
LONG_FILES = ("test_notebooks.py", "test_bench_", "test_reproducible.py", "test_representation_nas.py",
              "test_docstrings.py", "test_seven_step_recipe.py", "test_tuning_resume.py")


def _long_first(item):
    name = item.path.name
    return next((rank for rank, long in enumerate(LONG_FILES) if name.startswith(long)), len(LONG_FILES))


def pytest_collection_modifyitems(config, items):
    """Long files first (a stable sort); skip ``tensorflow_only`` tests on another backend.

    CI deselects ``tensorflow_only`` tests with ``-m "not tensorflow_only"``;
    the skip, with the docstring's reason, keeps a plain
    ``KERAS_BACKEND=jax python -m pytest`` run from failing on them.
    """
    import keras

    items.sort(key=_long_first)
    backend = keras.backend.backend()
    if backend == "tensorflow":
        return
    for item in items:
        if item.get_closest_marker("tensorflow_only"):
            doc = (getattr(item.function, "__doc__", None) or "").strip().splitlines()
            reason = doc[0] if doc else "marked tensorflow_only"
            item.add_marker(pytest.mark.skip(reason=f"TensorFlow only (backend is {backend}): {reason}"))


def pytest_report_header(config):
    import keras

    return f"keras {keras.__version__}, backend: {keras.backend.backend()}"


class FreshPython:
    """Runs scripts in fresh processes forked from one long-lived worker (tests/fresh_worker.py).

    The worker imports numpy and keras once and nothing else; each script runs
    in its own child forked from that clean state, so it proves what a new
    ``python -c script`` would (objects reload in a process that never built
    them, with only what the script imports itself) without paying the
    Keras/backend import once per test file.
    """

    def __init__(self, log_dir):
        import pathlib

        self._log = pathlib.Path(log_dir) / "fresh_worker.log"
        self._proc = None
        self._pending = False  # a request whose answer was never read (e.g. the test timed out)

    def _start(self):
        import subprocess
        import sys

        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in [root, os.environ.get("PYTHONPATH")] if p),
               "TF_CPP_MIN_LOG_LEVEL": "2"}
        with open(self._log, "ab") as log:
            self._proc = subprocess.Popen([sys.executable, os.path.join(root, "tests", "fresh_worker.py")],
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                                          cwd=root, env=env, text=True, bufsize=1, start_new_session=True)
        hello = self._answer(timeout=300)
        assert hello.get("ready"), hello

    def _answer(self, timeout):
        import json
        import select

        ready, _, _ = select.select([self._proc.stdout], [], [], timeout)
        line = self._proc.stdout.readline() if ready else ""
        if not line:
            self._stop()
            log = self._log.read_text(errors="replace")[-4000:] if self._log.exists() else ""
            pytest.fail(f"the fresh-process worker gave no answer within {timeout} s; its log:\n{log}",
                        pytrace=False)
        return json.loads(line)

    def __call__(self, script, *argv, timeout=300):
        """Run ``script`` as ``python -c script *argv`` would; return its stdout, or fail with its traceback."""
        import json

        if self._pending:
            self._stop()
        if self._proc is None or self._proc.poll() is not None:
            self._start()
        self._proc.stdin.write(json.dumps({"script": script, "argv": [str(a) for a in argv],
                                           "timeout": timeout}) + "\n")
        self._proc.stdin.flush()
        self._pending = True
        done = self._answer(timeout + 60)
        self._pending = False
        if done["returncode"] != 0:
            pytest.fail(f"the fresh process exited with status {done['returncode']}; its stderr:\n"
                        f"{done['stderr'][-6000:]}\nits stdout:\n{done['stdout'][-2000:]}", pytrace=False)
        return done["stdout"]

    def _stop(self):
        """Kill the worker and any child it is running (its own process group)."""
        import signal

        if self._proc is not None:
            if self._proc.poll() is None:
                try:
                    os.killpg(self._proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self._proc.wait()
        self._proc, self._pending = None, False

    def close(self):
        if self._proc is not None and not self._pending:
            self._proc.stdin.close()
            try:
                self._proc.wait(timeout=30)
            except Exception:  # noqa: BLE001
                pass
        self._stop()


@pytest.fixture(scope="session")
def fresh_python(tmp_path_factory):
    """``fresh_python(script, *argv, timeout=300) -> stdout``: a fresh process (``.keras`` round trips, bench smokes).

    One worker per test session (started at the first call) forks a clean child
    for every script; a script that raises fails the calling test with the
    child's traceback.
    """
    runner = FreshPython(tmp_path_factory.mktemp("fresh_python"))
    yield runner
    runner.close()

"""A fork server for the fresh-process ``.keras`` round-trip tests (started once per session by conftest.py).

Each round-trip test proves that its saved objects reload in a Python process
that never built them. Starting a new interpreter for every test file costs a
Keras/TensorFlow (or JAX) import each time, so this worker imports ``numpy``
and ``keras`` once -- nothing of keras_recipes, nothing of any test -- and then,
for every request, forks a child that runs the request's script from that
clean state: the child has never built the test's objects, has not imported
keras_recipes, and does not see what an earlier request's child loaded or
registered (each child is its own process and exits after its script).

Protocol, one JSON object per line: the request on stdin
``{"script": str, "argv": [str, ...], "timeout": float}``; the answer on the
worker's original stdout ``{"returncode": int, "stdout": str, "stderr": str}``.
The child runs the script as ``python -c script *argv`` would (``__name__`` is
``"__main__"``, ``sys.argv[0]`` is ``"-c"``, ``sys.path[0]`` is ``""``, the
working directory is the repository root); an exception prints its traceback
to the child's stderr and gives exit status 1. The one difference from a new
interpreter: numpy and keras are already imported, so a script cannot change
the backend or Keras' environment variables before that import.
"""

import json
import linecache
import os
import signal
import sys
import tempfile
import time
import traceback

import numpy  # noqa: F401  (imported once here, inherited by every child)
import keras  # noqa: F401


def _child(script, argv, out_path, err_path):
    """Run ``script`` in this (forked) process with fds 1 and 2 sent to files; never returns."""
    code = 1
    try:
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(os.open(out_path, os.O_WRONLY), 1)
        os.dup2(os.open(err_path, os.O_WRONLY), 2)
        sys.argv = ["-c", *argv]
        sys.path[0] = ""  # as under `python -c`: the current directory, not this file's folder
        linecache.cache["<fresh process>"] = (len(script), None, script.splitlines(True), "<fresh process>")
        try:
            exec(compile(script, "<fresh process>", "exec"), {"__name__": "__main__", "__builtins__": __builtins__})
            code = 0
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
            if not isinstance(stop.code, (int, type(None))):
                print(stop.code, file=sys.stderr)
        except BaseException:  # noqa: BLE001 -- the traceback is the answer
            traceback.print_exc()
            code = 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _run(request):
    with tempfile.TemporaryDirectory(prefix="fresh_worker_") as folder:
        out_path, err_path = os.path.join(folder, "stdout"), os.path.join(folder, "stderr")
        for path in (out_path, err_path):
            open(path, "w").close()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _child(request["script"], request.get("argv", []), out_path, err_path)
        deadline = time.monotonic() + float(request.get("timeout", 300))
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                returncode = os.waitstatus_to_exitcode(status)
                timed_out = False
                break
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                returncode, timed_out = -signal.SIGKILL, True
                break
            time.sleep(0.02)
        with open(out_path, errors="replace") as f:
            stdout = f.read()
        with open(err_path, errors="replace") as f:
            stderr = f.read()
        if timed_out:
            stderr += f"\n[fresh worker] killed after the {request.get('timeout', 300)} s timeout\n"
        return {"returncode": returncode, "stdout": stdout, "stderr": stderr}


def main():
    answers = os.fdopen(os.dup(1), "w")  # the protocol channel; anything else printed goes to stderr
    os.dup2(2, 1)
    answers.write(json.dumps({"ready": True, "backend": keras.backend.backend(), "pid": os.getpid()}) + "\n")
    answers.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        answers.write(json.dumps(_run(json.loads(line))) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()

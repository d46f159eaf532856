"""Run a bench script's ``--smoke`` mode in a fresh process and read its closing JSON line.

Shared by the ``tests/test_bench_*.py`` smoke tests, one per bench script. The
fresh process is a child of conftest's ``fresh_python`` worker (numpy and
keras imported once per session, nothing else), so each smoke run starts
clean without paying an interpreter and TensorFlow import of its own.
"""

import json
import pathlib

ROOT = pathlib.Path(__file__).parents[1]

RUN_AS_MAIN = """
import os, runpy, sys
path = sys.argv[1]
sys.argv = [path, *sys.argv[2:]]
sys.path[0] = os.path.dirname(path)   # as `python bench/x.py` sets it
runpy.run_path(path, run_name="__main__")
"""


def run_smoke(fresh_python, script, *arguments, timeout):
    """Run ``bench/<script> --smoke [arguments]`` in a fresh process; fail on a non-zero exit; return (headline
    dict, stdout)."""
    stdout = fresh_python(RUN_AS_MAIN, ROOT / "bench" / script, "--smoke", *arguments, timeout=timeout)
    return json.loads(stdout.strip().splitlines()[-1]), stdout

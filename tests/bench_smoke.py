"""Run a bench script's ``--smoke`` mode in a fresh process and read its closing JSON line.

Shared by the ``tests/test_bench_*.py`` smoke tests, one per bench script.
"""

import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).parents[1]


def run_smoke(script, *, timeout):
    """Run ``bench/<script> --smoke``; assert it exits 0; return (headline dict, stdout)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2"}
    done = subprocess.run([sys.executable, str(ROOT / "bench" / script), "--smoke"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stdout

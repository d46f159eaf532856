"""The same seed in a fresh process gives the same results (issue 13).

Two processes, each seeding TensorFlow globally with a *different* value
first, compute the digits loader's first shuffled batch, a lottery, a small
guided search and the demo table (fast mode); everything must be equal.
"""

import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))


def _run(workdir, noise):
    env = dict(os.environ, PYTHONPATH=os.path.dirname(HERE), KERAS_RECIPES_FAST="1")
    out = subprocess.run([sys.executable, os.path.join(HERE, "repro_job.py"), str(workdir),
                          str(noise)], capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_seeded_results_repeat_in_fresh_processes(tmp_path):
    first = _run(tmp_path / "a", noise=1)
    second = _run(tmp_path / "b", noise=2)
    for key in ("first_batch_labels", "lottery", "search", "demo_table"):
        assert first[key] == second[key], key
    assert len(first["search"]) == 3 and "fine_tuning" in first["demo_table"]

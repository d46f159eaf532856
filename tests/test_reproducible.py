"""The same seed in a fresh process gives the same results (issue 13).

A fresh process and this test's own process (which has run other tests
before it), each seeding TensorFlow globally with a *different* value first,
compute the digits loader's first shuffled batch, a lottery, a small guided
search and the demo table (fast mode); everything must be equal. One fresh
process instead of two: results may depend neither on the global seed nor on
what the process did before.
"""

import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))


def _start(workdir, noise):
    env = dict(os.environ, PYTHONPATH=os.path.dirname(HERE), KERAS_RECIPES_FAST="1")
    return subprocess.Popen([sys.executable, os.path.join(HERE, "repro_job.py"), str(workdir),
                             str(noise)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)


def _result(process):
    out, err = process.communicate(timeout=1500)
    assert process.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_seeded_results_repeat_in_a_fresh_process(tmp_path, monkeypatch):
    import repro_job

    # The fresh process runs side by side with this one (one per core on the 2-core CI machine).
    process = _start(tmp_path / "a", noise=1)
    monkeypatch.setenv("KERAS_RECIPES_FAST", "1")
    try:
        second = json.loads(json.dumps(repro_job.results(str(tmp_path / "b"), noise=2)))
    except BaseException:
        process.kill()
        raise
    first = _result(process)
    for key in ("first_batch_labels", "lottery", "search", "demo_table"):
        assert first[key] == second[key], key
    assert len(first["search"]) == 3 and "fine_tuning" in first["demo_table"]

"""bench/lottery.py --smoke runs and ends with one JSON line of its figures."""

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_smoke_run_prints_a_json_line_with_every_arm():
    env = dict(os.environ, PYTHONPATH=ROOT)
    out = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "lottery.py"), "--smoke"],
                         capture_output=True, text=True, env=env, timeout=300,
                         check=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    assert result["bench"] == "lottery" and result["seeds"] == 1
    assert set(result["validation_accuracy"]) == {"winner", "median", "random"}
    assert 0 <= result["winner_beats_median"] + result["ties"] <= 1

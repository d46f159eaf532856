"""bench/transfer_defaults.py --smoke runs and ends with one JSON line of its figures."""

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_smoke_run_prints_a_json_line_of_accuracies():
    env = dict(os.environ, PYTHONPATH=ROOT)
    out = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "transfer_defaults.py"),
                          "--smoke"], capture_output=True, text=True, env=env, timeout=300,
                         check=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    assert result["bench"] == "transfer_defaults" and result["smoke"] is True
    entry = result["accuracy"]["0.05"]
    assert len(entry["per_seed"]) == 1 and 0.0 <= entry["mean"] <= 1.0
    assert entry["labels"] >= 5   # at least one label per class

"""bench/guided_search.py --smoke runs every method and the memory run, and ends with one JSON line."""

import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).parents[1]


def test_guided_search_bench_smoke_prints_headline_json():
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "guided_search.py"), "--smoke"],
                          capture_output=True, text=True, timeout=400, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2"})
    assert done.returncode == 0, done.stderr[-3000:]
    headline = json.loads(done.stdout.strip().splitlines()[-1])
    for peer in ("random", "bayesian", "hyperband", "guided_bayesian"):
        assert 0.0 <= headline[f"win_guided_random_vs_{peer}"] <= 1.0
    assert 0.0 < headline["test_median_hyperband"] <= 1.0
    assert "rss_mib_per_trial" in headline

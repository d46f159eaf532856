"""bench/bottleneck_cache.py --smoke runs the whole protocol and ends with one JSON line."""

import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).parents[1]


def test_bottleneck_cache_bench_smoke_prints_headline_json():
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "bottleneck_cache.py"), "--smoke"],
                          capture_output=True, text=True, timeout=300, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2"})
    assert done.returncode == 0, done.stderr[-3000:]
    headline = json.loads(done.stdout.strip().splitlines()[-1])
    assert {"speedup_e5_cold", "speedup_e5_warm", "extract_vs_predict"} <= set(headline)
    assert all(value > 0 for value in headline.values())

"""bench/label_efficient.py --smoke runs and ends with one parseable JSON line of the headline figures."""

import json
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).parents[1]
KEYS = ("distill_error_ratio", "denoise_recovery_40", "pseudo_gain_5pct", "uda_gain_5pct", "fixmatch_gain_5pct",
        "nsl_translation_gain")


@pytest.mark.slow
def test_smoke_run_ends_with_the_headline_json():
    env = dict(os.environ, PYTHONPATH=str(ROOT), KERAS_BACKEND=os.environ.get("KERAS_BACKEND", "tensorflow"))
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "label_efficient.py"), "--smoke"],
                          capture_output=True, text=True, env=env, timeout=900, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    for key in KEYS:
        assert isinstance(figures[key], (int, float)), key
    assert figures["smoke"] is True and figures["seeds"] == 2
    assert "+-" in proc.stdout

"""bench/multitask.py --smoke runs and ends with its JSON line of headline figures."""

import pytest
from bench_smoke import run_smoke


@pytest.mark.slow  # a fresh process training six tiny models: ~25 s of CPU on a quiet machine
def test_bench_multitask_smoke_prints_the_headline_json(fresh_python):
    figures, stdout = run_smoke(fresh_python, "multitask.py", timeout=300)
    for method in ("single", "hard", "soft", "cross_stitch", "uncertainty"):
        assert 0.0 <= figures[f"{method}_digit_acc"] <= 1.0
        assert figures[f"{method}_ink_mae"] >= 0.0
    assert figures["mtl_best_method"] in ("hard", "soft", "cross_stitch", "uncertainty")
    assert figures["mtl_best_gain"] == figures[f"{figures['mtl_best_method']}_gain"]
    assert "sharing hurts" in stdout

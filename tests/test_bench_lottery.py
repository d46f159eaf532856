"""bench/lottery.py --smoke runs and ends with one JSON line of its figures."""

from bench_smoke import run_smoke


def test_smoke_run_prints_a_json_line_with_every_arm(fresh_python):
    result, _ = run_smoke(fresh_python, "lottery.py", timeout=300)
    assert result["bench"] == "lottery" and result["seeds"] == 1
    assert set(result["validation_accuracy"]) == {"winner", "median", "random"}
    assert 0 <= result["winner_beats_median"] + result["ties"] <= 1

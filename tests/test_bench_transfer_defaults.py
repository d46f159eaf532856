"""bench/transfer_defaults.py --smoke runs and ends with one JSON line of its figures."""

from bench_smoke import run_smoke


def test_smoke_run_prints_a_json_line_of_accuracies(fresh_python):
    result, _ = run_smoke(fresh_python, "transfer_defaults.py", timeout=300)
    assert result["bench"] == "transfer_defaults" and result["smoke"] is True
    entry = result["accuracy"]["0.05"]
    assert len(entry["per_seed"]) == 1 and 0.0 <= entry["mean"] <= 1.0
    assert entry["labels"] >= 5   # at least one label per class

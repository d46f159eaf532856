"""bench/toolbox.py --smoke runs and ends with one JSON line of its figures."""

from bench_smoke import run_smoke


def test_smoke_run_prints_the_ablation_and_names_the_training_half(fresh_python):
    result, out = run_smoke(fresh_python, "toolbox.py", timeout=400)
    assert result["bench"] == "toolbox" and result["seeds"] == 1 and result["smoke"]
    assert set(result["test_accuracy"]) == {"none", "cutmix", "dropblock"}
    assert all(0 <= arm["mean"] <= 1 for arm in result["test_accuracy"].values())
    gain = result["test_accuracy"][result["reg_best"]]["mean"] - result["test_accuracy"]["none"]["mean"]
    assert abs(result["reg_best_gain"] - gain) < 1e-3
    assert result["training"] in ("present", "missing")
    if result["training"] == "missing":
        assert "toolbox_training.py is missing" in out

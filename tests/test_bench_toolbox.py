"""bench/toolbox.py --smoke runs and ends with one JSON line of its figures.

toolbox.py runs its training half, ``bench/toolbox_training.py``'s ``measure``,
in the same process, so this one smoke covers both scripts (the second
script's own smoke test was dropped: it repeated the same work, ~56 s)."""

from bench_smoke import run_smoke


def test_smoke_run_prints_the_ablation_and_names_the_training_half(fresh_python):
    result, out = run_smoke(fresh_python, "toolbox.py", timeout=400)
    assert result["bench"] == "toolbox" and result["seeds"] == 1 and result["smoke"]
    assert set(result["test_accuracy"]) == {"none", "cutmix", "dropblock"}
    assert all(0 <= arm["mean"] <= 1 for arm in result["test_accuracy"].values())
    gain = result["test_accuracy"][result["reg_best"]]["mean"] - result["test_accuracy"]["none"]["mean"]
    assert abs(result["reg_best_gain"] - gain) < 1e-3
    assert result["training"] == "present"
    assert 0 <= result["opt_best_accuracy"] <= 1 and -1 <= result["fgsm_robust_gain"] <= 1
    assert -1 <= result["recipe_gain"] <= 1

"""bench/toolbox_training.py --smoke runs and ends with one JSON line of its headline figures."""

from bench_smoke import run_smoke


def test_smoke_run_prints_the_headline_figures(fresh_python):
    result, _ = run_smoke(fresh_python, "toolbox_training.py", timeout=600)
    assert result["bench"] == "toolbox_training" and result["seeds"] == 1
    mean = result["mean"]
    assert set(mean) >= {"opt_sgd_accuracy", "opt_adam_accuracy", "opt_best_accuracy", "fgsm_robust_gain",
                         "recipe_accuracy", "recipe_default_accuracy", "recipe_gain"}
    assert mean["recipe_gain"] == mean["recipe_accuracy"] - mean["recipe_default_accuracy"]
    assert 0 <= mean["opt_best_accuracy"] <= 1 and -1 <= result["fgsm_robust_gain"] <= 1

"""bench/data_centric.py --smoke runs and ends with one line of JSON holding the headline figures."""

from bench_smoke import run_smoke


def test_bench_smoke_ends_with_the_headline_json(fresh_python):
    headline, _ = run_smoke(fresh_python, "data_centric.py", timeout=600)
    for key in ("al_best_auc_gain", "al_best_win_rate", "dvrl_noise_auc", "dvrl_removal_gain",
                "surrogate_acc_plain", "surrogate_acc_adversarial", "task_loss_cost"):
        assert isinstance(headline[key], float), key
    assert 0.0 <= headline["al_best_win_rate"] <= 1.0 and 0.0 <= headline["dvrl_noise_auc"] <= 1.0
    assert headline["al_best_strategy"] == "margin" and headline["smoke"] is True

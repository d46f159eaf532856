"""bench/multitask.py --smoke runs and ends with its JSON line of headline figures.

multitask.py runs the fusion half, ``bench/multitask_fusion.py``'s ``measure``,
per seed in the same process, so this one smoke covers both scripts (the
fusion script's own smoke test was dropped: it repeated the same work)."""

from bench_smoke import run_smoke


def test_bench_multitask_smoke_prints_the_headline_json(fresh_python):
    figures, stdout = run_smoke(fresh_python, "multitask.py", timeout=300)
    for method in ("single", "hard", "soft", "cross_stitch", "uncertainty"):
        assert 0.0 <= figures[f"{method}_digit_acc"] <= 1.0
        assert figures[f"{method}_ink_mae"] >= 0.0
    assert figures["mtl_best_method"] in ("hard", "soft", "cross_stitch", "uncertainty")
    assert figures["mtl_best_gain"] == figures[f"{figures['mtl_best_method']}_gain"]
    assert "sharing hurts" in stdout
    # the fusion half: every fusion and single modality, the best gain, MFAS against the best hand-picked
    for name in ("image_only", "profile_only", "early", "intermediate_concat", "intermediate_gated",
                 "late_sum", "late_weighted", "late_beta", "one_missing_with_modality_dropout", "mfas"):
        assert 0 <= figures[f"acc_{name}"] <= 1
    best = max(figures[f"acc_{k}"] for k in ("early", "intermediate_concat", "intermediate_gated",
                                            "late_sum", "late_weighted", "late_beta"))
    single = max(figures["acc_image_only"], figures["acc_profile_only"])
    assert abs(figures["fusion_best_gain"] - (best - single)) < 2e-3
    assert abs(figures["mfas_vs_best_hand"] - (figures["acc_mfas"] - figures["acc_mfas_best_hand"])) < 2e-3

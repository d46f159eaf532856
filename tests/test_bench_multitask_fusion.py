"""bench/multitask_fusion.py --smoke runs and ends with one JSON line of its figures."""

from bench_smoke import run_smoke


def test_smoke_run_prints_every_fusion_and_modality(fresh_python):
    result, _ = run_smoke(fresh_python, "multitask_fusion.py", timeout=300)
    assert result["bench"] == "multitask_fusion" and result["seeds"] == 1
    acc = result["accuracy"]
    for name in ("image_only", "profile_only", "early", "intermediate_concat", "intermediate_gated",
                 "late_sum", "late_weighted", "late_beta", "one_missing_with_modality_dropout"):
        assert 0 <= acc[f"acc_{name}"] <= 1
    best = max(acc[k] for k in acc if k.startswith(("acc_early", "acc_late", "acc_intermediate"))
               and "dropout" not in k)
    assert abs(result["fusion_best_gain"] - (best - max(acc["acc_image_only"], acc["acc_profile_only"]))) < 2e-3
    # MFAS (multitask.fusion_search) against the best hand-picked fusion it trained beside it
    assert 0 <= acc["acc_mfas"] <= 1 and 0 <= acc["acc_mfas_best_hand"] <= 1
    assert abs(result["mfas_vs_best_hand"] - (acc["acc_mfas"] - acc["acc_mfas_best_hand"])) < 2e-3

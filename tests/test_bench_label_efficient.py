"""bench/label_efficient.py --smoke runs and ends with one parseable JSON line of the headline figures."""

from bench_smoke import run_smoke

KEYS = ("distill_error_ratio", "denoise_recovery_40", "pseudo_gain_5pct", "uda_gain_5pct", "fixmatch_gain_5pct",
        "nsl_translation_gain")


def test_smoke_run_ends_with_the_headline_json(fresh_python):
    figures, stdout = run_smoke(fresh_python, "label_efficient.py", timeout=900)
    for key in KEYS:
        assert isinstance(figures[key], (int, float)), key
    assert figures["smoke"] is True and figures["seeds"] == 1
    assert "+-" in stdout

"""bench/representation.py --smoke runs and ends with one line of JSON holding the headline figures."""

from bench_smoke import run_smoke


def test_bench_smoke_ends_with_the_headline_json(fresh_python):
    headline, _ = run_smoke(fresh_python, "representation.py", timeout=600)
    for key in ("invariance_gain", "synthetic_gain_5pct", "occlusion_gain", "erasing_gain", "coral_gain",
                "classic_coral_gain"):
        assert isinstance(headline[key], float) and -1.0 <= headline[key] <= 1.0, key
        assert headline[f"{key}_spread"] == 0.0, key  # one seed in smoke mode
    assert headline["smoke"] is True and headline["seeds"] == 1 and headline["workers"] == 1
    assert isinstance(headline["pretext_probe_gain"], float) and isinstance(headline["nas_vs_default"], float)
    assert set(headline["part_seconds"]) == {"search", "pretext", "coral", "synthetic", "occlusion", "invariance"}


def test_bench_smoke_shares_its_parts_among_worker_processes(fresh_python):
    headline, out = run_smoke(fresh_python, "representation.py", "--workers", "2", "--parts", "occlusion",
                              "invariance", timeout=300)
    assert headline["workers"] == 2 and set(headline["part_seconds"]) == {"occlusion", "invariance"}
    assert "occlusion_gain" in headline and "invariance_gain" in headline and "coral_gain" not in headline
    assert "1 seed(s) x 2 part(s) in 2 process(es)" in out

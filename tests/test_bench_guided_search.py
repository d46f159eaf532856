"""bench/guided_search.py --smoke runs every method and the memory run, and ends with one JSON line."""

from bench_smoke import run_smoke


def test_guided_search_bench_smoke_prints_headline_json(fresh_python):
    headline, _ = run_smoke(fresh_python, "guided_search.py", timeout=400)
    for peer in ("random", "bayesian", "hyperband", "guided_bayesian"):
        assert 0.0 <= headline[f"win_guided_random_vs_{peer}"] <= 1.0
    assert 0.0 < headline["test_median_hyperband"] <= 1.0
    assert "rss_mib_per_trial" in headline
    assert headline["wall_s"] > 0 and headline["cpu_s"] > 0

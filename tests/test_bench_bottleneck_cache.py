"""bench/bottleneck_cache.py --smoke runs the whole protocol and ends with one JSON line."""

from bench_smoke import run_smoke


def test_bottleneck_cache_bench_smoke_prints_headline_json(fresh_python):
    headline, _ = run_smoke(fresh_python, "bottleneck_cache.py", timeout=300)
    assert {"speedup_e5_cold", "speedup_e5_warm", "extract_vs_predict"} <= set(headline)
    assert all(value > 0 for value in headline.values())

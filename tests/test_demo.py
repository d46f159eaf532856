"""``keras-recipes demo``: the lecture's comparison, its report, its plots and its CLI."""

import json

import pytest

from keras_recipes.cli import build_parser
from keras_recipes.demo.compare import METHODS, compare_transfer, format_table, summarize


def test_summary_is_the_mean_and_std_over_seeds():
    runs = [{"fraction": 0.1, "seed": s, "labels": 10 + s,
             "accuracy": {m: a for m, a in zip(METHODS, acc)}}
            for s, acc in enumerate([(0.2, 0.6, 0.7), (0.4, 0.8, 0.9)])]
    (row,) = summarize(runs)
    assert row["labels"] == 10.5 and row["seeds"] == [0, 1]
    assert row["scratch"] == {"mean": pytest.approx(0.3), "std": pytest.approx(0.1)}
    assert row["fine_tuning"]["mean"] == pytest.approx(0.8)
    table = format_table([row])
    assert "10%" in table and "0.300 +-0.100" in table and "0.800 +-0.100" in table


def test_compare_checks_its_arguments():
    with pytest.raises(ValueError, match="fractions"):
        compare_transfer(fractions=(0.0,), seeds=(0,))
    with pytest.raises(ValueError, match="seeds"):
        compare_transfer(fractions=(0.5,), seeds=())
    with pytest.raises(ValueError, match="epochs"):
        compare_transfer(fractions=(0.5,), seeds=(0,), epochs=0)


def test_cli_parses_fractions_and_seeds():
    args = build_parser().parse_args(
        ["demo", "--fractions", "0.05", "1", "--seeds", "0", "1", "2", "--epochs", "3"])
    assert args.fractions == [0.05, 1.0] and args.seeds == [0, 1, 2] and args.epochs == 3
    for bad in (["--fractions", "0"], ["--fractions", "1.5"], ["--epochs", "0"]):
        with pytest.raises(SystemExit):
            build_parser().parse_args(["demo", *bad])


@pytest.mark.slow
def test_demo_in_fast_mode_writes_report_and_plots(tmp_path, capsys):
    from keras_recipes.cli import main

    assert main(["demo", "--out", str(tmp_path), "--fractions", "0.05", "--seeds", "3"]) == 0
    printed = capsys.readouterr().out
    report = json.loads((tmp_path / "report.json").read_text())
    for name in report["files"]:
        assert (tmp_path / name).stat().st_size > 1000, name
    assert report["fractions"] == [0.05] and report["seeds"] == [3]
    assert report["epochs"]["scratch"] == 2  # fast mode: 1 epoch per step
    (run,) = report["runs"]
    assert set(run["accuracy"]) == set(METHODS)
    assert all(0.0 <= a <= 1.0 for a in run["accuracy"].values())
    assert len(run["curves"]["scratch"]["val_accuracy"]) == 2
    assert report["reference_backbone"]["sha256"] and report["table"] in printed

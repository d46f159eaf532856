"""The ``keras-recipes`` command line: ``list``, ``demo``, ``cache info|clear``, ``lab student``, ``notebooks execute|check``."""

import argparse
import os
import sys
import warnings


def _positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def _cmd_list(args):
    from keras_recipes.catalog import RECIPES, markdown_table

    if args.markdown:
        print(markdown_table())
        return 0
    for recipe in RECIPES:
        print(f"{recipe.diagram}\n    functions: {recipe.functions}\n    notebook:  {recipe.notebook}")
    return 0


def _fraction(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number in (0, 1], got {text}") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be a number in (0, 1], got {text}")
    return value


def _cmd_demo(args):
    from keras_recipes.demo import run_demo

    report = run_demo(out=args.out, epochs=args.epochs, fractions=args.fractions,
                      seeds=args.seeds, verbose=args.verbose)
    print(f"\ndone in {report['seconds']:.1f} s; wrote {', '.join(report['files'])} "
          f"to {os.path.abspath(args.out)}")
    return 0


def _cmd_cache(args):
    from keras_recipes.cache import FeatureCache

    cache = FeatureCache(args.dir)
    if args.action == "clear":
        print(f"cleared {cache.clear(args.key) / 1e6:.1f} MB from {cache.directory}")
        return 0
    rows = cache.info()
    print(f"{cache.directory}: {len(rows)} entries, {sum(r['bytes'] for r in rows) / 1e6:.1f} MB")
    for r in rows:
        state = "complete" if r["complete"] else "partial"
        print(f"  {r['key']}  {r['encoder']}  {r['examples']} examples x {r['copies']} copies  "
              f"features {r['feature_shape']}  {r['shards']} shards  {r['bytes'] / 1e6:.1f} MB  {state}")
    return 0


def _notebook_paths(names):
    import pathlib

    from keras_recipes.labs.execute import package_root

    if names:
        return [pathlib.Path(n) for n in names]
    folder = package_root() / "notebooks"
    paths = sorted(folder.glob("*.ipynb"))
    if not paths:
        raise SystemExit(f"no notebooks given and none found in {folder}")
    return paths


def _cmd_lab(args):
    if args.action == "student":
        from keras_recipes.labs.notebook import write_student_version

        for name in args.notebooks:
            print(f"wrote {write_student_version(name, args.out)}")
        return 0
    from keras_recipes.labs.execute import grade_notebook

    for name in args.notebooks:
        print(grade_notebook(name, fast=not args.full).table())
    return 0


def _cmd_notebooks(args):
    from keras_recipes.labs.execute import execute_notebooks, stamp_problems

    paths = _notebook_paths(args.notebooks)
    if args.action == "execute":
        reports = execute_notebooks(paths, fast=args.fast, timeout=args.timeout)
        return 0 if all(r.ok for r in reports) else 1
    import nbformat

    stale = 0
    for path in paths:
        problems = stamp_problems(path)
        stale += bool(problems)
        stamp = nbformat.read(path, as_version=4).metadata.get("keras_recipes", {}).get("execution", {})
        mode = "fast-mode outputs" if stamp.get("fast") else "full-run outputs"
        print(f"{path}: {'ok, ' + mode if not problems else 'STALE'}")
        for problem in problems:
            print(f"    - {problem}")
    return 1 if stale else 0


def build_parser():
    parser = argparse.ArgumentParser(
        prog="keras-recipes",
        description="Keras 3 recipes for the lectures on training deep networks.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p_list = sub.add_parser("list", help="list the recipes: diagram, functions, notebook")
    p_list.add_argument("--markdown", action="store_true",
                        help="print the README's diagram table (generated from the catalogue)")
    p_list.set_defaults(func=_cmd_list)

    p_demo = sub.add_parser(
        "demo", help="the transfer-learning lecture: reference backbone (digits 0-4) -> "
                     "digits 5-9, scratch vs feature extraction vs fine-tuning (no network)")
    p_demo.add_argument("--out", default="demo-out", help="output folder (default: demo-out)")
    p_demo.add_argument("--epochs", type=_positive_int, default=None,
                        help="epochs per transfer step; scratch gets twice as many "
                             "(default: 6, or 1 with KERAS_RECIPES_FAST=1)")
    p_demo.add_argument("--fractions", type=_fraction, nargs="+", default=None,
                        help="labelled fractions of the target training set "
                             "(default: 0.05 0.2 1.0, or 0.2 with KERAS_RECIPES_FAST=1)")
    p_demo.add_argument("--seeds", type=int, nargs="+", default=None,
                        help="seeds to average over (default: 0 1 2, or 0 with KERAS_RECIPES_FAST=1)")
    p_demo.add_argument("--verbose", type=int, choices=(0, 1, 2), default=1,
                        help="0 silent, 1 progress bar and table, 2 also Keras epoch lines")
    p_demo.set_defaults(func=_cmd_demo)

    p_cache = sub.add_parser("cache", help="show or delete cached bottleneck features")
    p_cache.add_argument("action", choices=("info", "clear"))
    p_cache.add_argument("--dir", default=None,
                         help="cache folder (default: $KERAS_RECIPES_CACHE_DIR or "
                              "~/.cache/keras_recipes/bottlenecks)")
    p_cache.add_argument("--key", default=None, help="clear only the entry whose key starts so")
    p_cache.set_defaults(func=_cmd_cache)

    p_lab = sub.add_parser("lab", help="lab notebooks for a course: make student versions, grade submissions")
    lab_sub = p_lab.add_subparsers(dest="action", required=True)
    p_student = lab_sub.add_parser("student", help="cut the solutions out (answers left None, checks kept)")
    p_student.add_argument("notebooks", nargs="+", metavar="NOTEBOOK")
    p_student.add_argument("--out", required=True, help="folder for the student versions")
    p_grade = lab_sub.add_parser("grade", help="run submissions (fast mode) and score their check cells; "
                                               "no nbgrader needed")
    p_grade.add_argument("notebooks", nargs="+", metavar="NOTEBOOK")
    p_grade.add_argument("--full", action="store_true", help="run in full mode, not fast")
    p_lab.set_defaults(func=_cmd_lab)

    p_nb = sub.add_parser("notebooks", help="run notebooks for real with a stamp, or say which are stale")
    nb_sub = p_nb.add_subparsers(dest="action", required=True)
    p_exec = nb_sub.add_parser("execute", help="run notebooks top to bottom, keep outputs, stamp code and "
                                               "package hashes (full run unless --fast)")
    p_check = nb_sub.add_parser("check", help="say which committed notebooks are stale, and why")
    for p in (p_exec, p_check):
        p.add_argument("notebooks", nargs="*", metavar="NOTEBOOK",
                       help="default: every notebooks/*.ipynb of this checkout")
    p_exec.add_argument("--fast", action="store_true", help="run with KERAS_RECIPES_FAST=1 (default: full run)")
    p_exec.add_argument("--timeout", type=_positive_int, default=1800,
                        help="seconds allowed per cell (default: 1800)")
    p_nb.set_defaults(func=_cmd_notebooks)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    with warnings.catch_warnings():
        # Keras warns on every fit() given a tf.data pipeline (ours shuffle themselves).
        warnings.filterwarnings("ignore", message="`shuffle=True` was passed")
        return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

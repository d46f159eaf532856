"""The ``keras-recipes`` command line: ``list`` the recipes, run the ``demo``, ``cache info|clear``."""

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

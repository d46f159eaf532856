"""Benchmark: guided search against every KerasTuner oracle, and resident memory over trials.

Diagram A8. Trials are cheap but real: each trains a classifier head on the
cached bottleneck features of a fixed encoder (the project's reference
backbone, pretrained on digits 0-4, extracted once through ``FeatureCache``
over all 1,797 digits), so many seeds fit. Each seed draws its own
train/validation/test split of the features (300/300/rest by default).

Methods, equal budgets (``--budget`` trials of ``--epochs`` epochs; Hyperband:
the same total epochs, ``budget x epochs``, then it stops):

  random            KerasTuner RandomSearch (one round of ``guided_search``)
  bayesian          KerasTuner BayesianOptimization (one round)
  hyperband         KerasTuner Hyperband, max_epochs = ``--epochs``
  guided_random     guided search: a random round of ``--first-round`` trials (default 7),
                    then a beam of the rest split among ``--top-k`` neighbourhoods (default
                    1: half to twice the best trial's values, its optimizer kept)
  guided_bayesian   the same with a Bayesian first round

KerasTuner's Bayesian oracle samples its first ``num_initial_points`` trials
at random, by default 3 x the 4 hyperparameters = 12, more than any stage
here: at the defaults "bayesian" is random search with other draws, as a
student calling ``BayesianOptimization(max_trials=10)`` gets it.
``--initial-points N`` lets the Gaussian process propose after N trials.

Protocol, so that the bench measures rather than tunes: develop and adjust
only on seeds 0-9 (``--dev``); report on fresh seeds. The first beam (rounds
of 5 + 5, top 3) was reported on seeds 10-29, where it lost to every oracle
(README, Performance); the beam changed after that (7 + 3 around the best
one), so its report seeds are 30-49, the default.
Validation picks, test judges: each method's chosen configuration is
retrained once (same seed, ``--epochs`` epochs, train split) and scored on
the test split. A win is a higher test accuracy on the same seed, a tie
counts one half; the sign test's two-sided p-value drops ties.

Memory: resident memory (psutil RSS) at the start of each trial of one
30-trial search; the figure is the least-squares slope over trials 5-30.
It runs in the main process after every seed is done, so it is measured alone.

Workers: ``--workers N`` (default 2, one per core of the 2-core machine the
30-minute bound is set for) runs every seed in a fresh process of this
script of its own, N at a time; each writes its row as JSON and the main
process merges the rows in seed order. Every seed starts from
``keras.utils.set_random_seed(seed)``, so its row does not depend on the
process it ran in: the tables, win rates, plot and JSON line are the same
as with ``--workers 1`` (every seed in this process, which then keeps what
the traced trials leave, ~130 MiB per seed). Each worker gives
TensorFlow cores/N threads (``limit_threads``), so the workers do not
oversubscribe the cores. The JSON line also records ``wall_s`` and
``cpu_s`` (this process and its workers).

    PYTHONPATH=. python bench/guided_search.py                # seeds 30-49, 2 workers
    PYTHONPATH=. python bench/guided_search.py --dev          # seeds 0-9, for development
    PYTHONPATH=. python bench/guided_search.py --smoke        # 1 seed, 2 trials of 1 epoch

Ends with one JSON line of the headline figures.
"""

import argparse
import functools
import json
import math
import os
import resource
import statistics
import sys
import tempfile
import time
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# Keras warns at every fit on a tf.data.Dataset that shuffle=True is ignored; once per seed's process.
warnings.filterwarnings("ignore", message="`shuffle=True` was passed")
# guided_search warns that a Bayesian round shorter than its random start is random search;
# the docstring says so once (--initial-points).
warnings.filterwarnings("ignore", message="oracle='bayesian' samples the first")

from support.workers import cores, limit_threads  # noqa: E402

METHODS = ("random", "bayesian", "hyperband", "guided_random", "guided_bayesian")
# The comparison's trials are traced, not eager (the package's "auto" choice for a head this
# small): a trial takes 60 training steps, enough for one trace to pay off. Measured on this
# bench's head, 10 trials of 6 epochs in one thread: 9.9-10.6 s traced, 18.7-21.8 s eager. A
# traced trial leaves ~2.3 MiB behind (TensorFlow keeps its graph functions), so every seed
# runs in a fresh process (run_workers). The memory run keeps the package's default.
RUN_EAGERLY = False
GUIDED = ("guided_random", "guided_bayesian")


def cached_features(directory):
    """Bottleneck features of every digit under the reference backbone (cached once)."""
    import tensorflow as tf

    from keras_recipes.cache import FeatureCache
    from keras_recipes.datasets import digits_arrays
    from keras_recipes.transfer import load_reference_backbone

    encoder = load_reference_backbone().encoder
    size = int(encoder.input.shape[1])
    x, y = digits_arrays(image_size=size)
    data = tf.data.Dataset.from_tensor_slices((x, y.astype("int64"))).batch(128)
    return FeatureCache(directory).extract(encoder, data, data_version="digits-all", verbose=0).arrays()


def split(features, labels, seed, train, validation):
    import numpy as np

    order = np.random.default_rng(seed).permutation(len(labels))
    parts = order[:train], order[train:train + validation], order[train + validation:]
    return [(features[p], labels[p]) for p in parts]


def head(dim, *, units=64, dropout=0.0, num_classes=10):
    import keras

    inputs = keras.Input((dim,))
    x = keras.layers.Dense(units, activation="relu")(inputs)
    x = keras.layers.Dropout(dropout)(x)
    return keras.Model(inputs, keras.layers.Dense(num_classes, activation="softmax")(x), name="head")


def hypermodel(dim):
    from keras_recipes.tuning import BundleHyperModel, Choice, Float, Int

    return BundleHyperModel(functools.partial(head, dim), {
        "units": Int(4, 256, log=True),
        "dropout": Float(0.0, 0.7),
        "learning_rate": Float(1e-4, 3e-1, log=True),
        "optimizer": Choice(["adam", "sgd"]),
    })


def datasets(parts, seed):
    import tensorflow as tf

    (xt, yt), (xv, yv), (xs, ys) = parts
    train = tf.data.Dataset.from_tensor_slices((xt, yt)).shuffle(len(yt), seed=seed).batch(32)
    return train, tf.data.Dataset.from_tensor_slices((xv, yv)).batch(256), (xs, ys)


def run_guided(method, hm, train, validation, args, seed, directory):
    from keras_recipes.tuning import guided_search

    oracle = "bayesian" if "bayesian" in method else "random"
    trials = (args.budget,) if method in ("random", "bayesian") else (
        args.first_round, args.budget - args.first_round)
    initial = args.initial_points if oracle == "bayesian" else None
    result = guided_search(hm, train, validation_data=validation, epochs=args.epochs, trials=trials,
                           top_k=args.top_k, oracle=oracle, seed=seed, directory=directory,
                           project_name=f"{method}_{seed}", overwrite=True, verbose=0,
                           run_eagerly=RUN_EAGERLY, num_initial_points=initial)
    scores = [t["score"] for t in result.trials]
    return dict(result.best_hyperparameters), scores, [args.epochs] * len(scores)


def run_hyperband(hm, train, validation, args, seed, directory):
    import keras_tuner

    class BudgetOracle(keras_tuner.oracles.HyperbandOracle):
        """Hyperband that stops when the epochs of its trials would exceed the budget."""

        used = 0

        def populate_space(self, trial_id):
            proposal = super().populate_space(trial_id)
            values = proposal.get("values") or {}
            if proposal.get("status") == "RUNNING" and "tuner/epochs" in values:
                epochs = values["tuner/epochs"] - values.get("tuner/initial_epoch", 0)
                if self.used + epochs > args.budget * args.epochs:
                    return {"status": "STOPPED", "values": None}
                self.used += epochs
            return proposal

    class BudgetHyperband(keras_tuner.Hyperband):
        """keras_tuner.Hyperband (its run_trial: bracket epochs, promoted weights) on BudgetOracle."""

        def __init__(self, oracle, hypermodel, **kwargs):
            keras_tuner.Tuner.__init__(self, oracle=oracle, hypermodel=hypermodel, **kwargs)

        def _configure_tensorboard_dir(self, callbacks, trial, execution=0):
            pass  # KerasTuner imports TensorBoard here; TF >= 2.20 no longer installs it

    oracle = BudgetOracle(objective="val_accuracy", max_epochs=args.epochs, factor=3,
                          hyperband_iterations=100, seed=seed)
    tuner = BudgetHyperband(oracle, hm, directory=directory, project_name=f"hyperband_{seed}",
                            overwrite=True)
    tuner.search(train, validation_data=validation, verbose=0, run_eagerly=RUN_EAGERLY)
    trials = sorted(oracle.trials.values(), key=lambda t: t.trial_id)
    done = [t for t in trials if t.score is not None]
    best = max(done, key=lambda t: t.score)
    values = {k: v for k, v in best.hyperparameters.values.items() if not k.startswith("tuner/")}
    epochs = [t.hyperparameters.values["tuner/epochs"] - t.hyperparameters.values.get("tuner/initial_epoch", 0)
              for t in done]
    return values, [t.score for t in done], epochs


def test_accuracy(hm, values, train, test, args, seed):
    """Retrain the chosen configuration on the train split; accuracy on the test split."""
    import keras
    import keras_tuner

    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    hp = keras_tuner.HyperParameters()
    for name, value in values.items():
        hp.Fixed(name, value)
    model = hm.build(hp)
    hm.fit(hp, model, train, epochs=args.epochs, verbose=0, run_eagerly=RUN_EAGERLY)
    x, y = test
    return float((model.predict(x, verbose=0).argmax(-1) == y).mean())


def run_seed(seed, features, labels, hm, args, directory):
    """One seed, every method: ``{"seed": seed, method: {"val_best", "test", "curve", "epochs"}}``."""
    import keras

    keras.utils.set_random_seed(seed)  # the row depends on the seed alone, not on the process's history
    parts = split(features, labels, seed, args.train, args.validation)
    train, validation, test_split = datasets(parts, seed)
    row, line = {"seed": seed}, []
    for method in args.methods:
        start = time.time()
        if method == "hyperband":
            values, scores, epochs = run_hyperband(hm, train, validation, args, seed, directory)
        else:
            values, scores, epochs = run_guided(method, hm, train, validation, args, seed, directory)
        row[method] = {"val_best": max(s for s in scores if s is not None and not math.isnan(s)),
                       "test": test_accuracy(hm, values, train, test_split, args, seed),
                       "curve": best_so_far(scores), "epochs": epochs}
        line.append(f"{method} val {row[method]['val_best']:.3f} test {row[method]['test']:.3f} "
                    f"({time.time() - start:.0f} s)")
    print(f"  seed {seed}: " + " | ".join(line), flush=True)
    return row


def run_seeds(seeds, features, labels, hm, args, directory):
    """``run_seed`` for each seed, with the objects that exist now frozen out of the garbage collector.

    Every trial runs ``gc.collect()`` twice (KerasTuner's ``_try_build`` and
    Keras' ``clear_session``); with TensorFlow and KerasTuner loaded each
    full collection walks ~0.5 million objects (a few tenths of a second), a
    large share of a tiny trial. ``gc.freeze()`` moves everything that exists
    before the first trial (modules, the features) out of the collector's
    reach, so a collection walks only what the trials made; what a trial
    leaves unreachable is still collected, and no number changes.
    """
    import gc

    gc.freeze()
    try:
        return [run_seed(seed, features, labels, hm, args, directory) for seed in seeds]
    finally:
        gc.unfreeze()


def run_workers(seeds, features, labels, args, workers, directory):
    """Run each seed in a fresh process of its own, ``workers`` at a time; their rows in seed order.

    Each worker is this script with ``--rows-to``: it reads the parent's
    features (no second extraction), runs its one seed with the same budget,
    epochs and methods, and writes its row as JSON. A process per seed
    returns the memory its traced trials leave behind (``RUN_EAGERLY``) and
    hands the next seed to whichever process slot frees first. Seed lines go
    to the shared stdout as they finish, so they may come out of order there.
    """
    import subprocess

    import numpy as np

    feature_file = os.path.join(directory, "features.npz")
    np.savez(feature_file, features=features, labels=labels)
    threads = max(1, cores() // workers)
    sys.stdout.flush()
    waiting, running, rows = list(seeds), [], []

    def start(seed):
        rows_file = os.path.join(directory, f"rows_{seed}.json")
        command = [sys.executable, os.path.abspath(__file__), "--seeds", str(seed), str(seed + 1),
                   "--budget", str(args.budget), "--epochs", str(args.epochs), "--top-k", str(args.top_k),
                   "--first-round", str(args.first_round),
                   *(["--initial-points", str(args.initial_points)] if args.initial_points else []),
                   "--train", str(args.train), "--validation", str(args.validation),
                   "--methods", *args.methods, "--memory-trials", "0", "--workers", "1",
                   "--features", feature_file, "--rows-to", rows_file, "--threads", str(threads)]
        return seed, rows_file, subprocess.Popen(command)

    try:
        while waiting or running:
            while waiting and len(running) < workers:
                running.append(start(waiting.pop(0)))
            time.sleep(0.2)
            for job in [job for job in running if job[2].poll() is not None]:
                seed, rows_file, process = job
                running.remove(job)
                if process.returncode != 0:
                    raise RuntimeError(f"the worker for seed {seed} exited with status "
                                       f"{process.returncode} (its traceback is above, on stderr)")
                with open(rows_file) as rows_in:
                    rows += json.load(rows_in)
    finally:  # one worker failed (or the parent was interrupted): stop the others
        for *_, process in running:
            if process.poll() is None:
                process.kill()
    return sorted(rows, key=lambda row: row["seed"])


def sign_test(wins, losses):
    """Two-sided exact binomial p-value of ``wins`` vs ``losses`` (ties dropped)."""
    n = wins + losses
    if n == 0:
        return 1.0
    k = min(wins, losses)
    tail = sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n
    return min(1.0, 2 * tail)


def quartiles(values):
    q = statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else [values[0]] * 3
    return q[0], statistics.median(values), q[2]


def best_so_far(scores):
    out, best = [], -math.inf
    for s in scores:
        best = max(best, s if s is not None and not math.isnan(s) else -math.inf)
        out.append(best)
    return out


def measure_memory(trials, parts, dim, directory):
    import numpy as np
    import psutil

    from keras_recipes.tuning import BundleHyperModel, Float, Int, compile_and_fit, guided_search

    process = psutil.Process(os.getpid())
    rss = []

    def train_fn(bundle, *args, learning_rate=1e-3, **kwargs):
        if kwargs.get("callbacks"):  # a trial, not the objective check
            rss.append(process.memory_info().rss / 2**20)
        return compile_and_fit(bundle, *args, learning_rate=learning_rate, **kwargs)

    hm = BundleHyperModel(functools.partial(head, dim), {
        "units": Int(4, 256, log=True), "learning_rate": Float(1e-4, 1e-1, log=True)}, train=train_fn)
    train, validation, _ = datasets(parts, 0)
    guided_search(hm, train, validation_data=validation, epochs=1, trials=(trials,), directory=directory,
                  project_name="memory", overwrite=True, verbose=0)
    start = min(5, len(rss) - 2)
    slope = float(np.polyfit(np.arange(start, len(rss)), np.array(rss[start:]), 1)[0])
    return rss, slope


def plot(curves, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    figure, axis = plt.subplots(figsize=(6, 4))
    for method, runs in curves.items():
        length = min(len(c) for c, _ in runs)
        epochs = np.cumsum(runs[0][1][:length])
        median = np.median(np.array([c[:length] for c, _ in runs]), axis=0)
        axis.plot(epochs, median, label=method)
    axis.set(xlabel="epochs spent (trials x epochs)", ylabel="best validation accuracy so far (median)",
             title="guided search vs KerasTuner oracles")
    axis.legend()
    figure.savefig(path, dpi=100, bbox_inches="tight")
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs=2, default=(30, 50), metavar=("FIRST", "STOP"),
                        help="seed range [FIRST, STOP) (default 30 50: the report seeds of the "
                             "current beam; 10 30 reported the first one)")
    parser.add_argument("--dev", action="store_true", help="seeds 0-9, the development seeds")
    parser.add_argument("--budget", type=int, default=10, help="trials per method (default 10)")
    parser.add_argument("--epochs", type=int, default=6, help="epochs per trial (default 6)")
    parser.add_argument("--first-round", type=int, default=7,
                        help="trials of guided search's first round; the beam gets the rest of "
                             "--budget (default 7)")
    parser.add_argument("--top-k", type=int, default=1,
                        help="neighbourhoods of the beam, around the best trials (default 1)")
    parser.add_argument("--initial-points", type=int, default=None,
                        help="random trials of every Bayesian stage before the Gaussian process "
                             "proposes (default: KerasTuner's, 3 x the 4 hyperparameters = 12, more "
                             "than any stage here: the Bayesian methods then sample at random)")
    parser.add_argument("--train", type=int, default=300, help="train examples per seed")
    parser.add_argument("--validation", type=int, default=300, help="validation examples per seed")
    parser.add_argument("--memory-trials", type=int, default=30, help="0: skip the memory run")
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=METHODS)
    parser.add_argument("--plot", default=os.path.join(tempfile.gettempdir(), "guided_search_bench.png"))
    parser.add_argument("--smoke", action="store_true", help="seconds: 1 seed, 2 trials of 1 epoch, 64 + 64 examples")
    parser.add_argument("--workers", type=int, default=None,
                        help="processes the seeds are split among (default 2, one per core of a 2-core "
                             "machine; 1 with --smoke); 1: every seed in this process")
    for hidden in ("--rows-to", "--features", "--threads"):  # a worker's, set by run_workers
        parser.add_argument(hidden, help=argparse.SUPPRESS, type=int if hidden == "--threads" else str)
    args = parser.parse_args(argv)
    started = time.time()
    if args.threads:
        limit_threads(args.threads)
    if args.dev:
        args.seeds = (0, 10)
    if args.smoke:
        from support import smoke as _smoke  # bench/support/smoke.py

        args.seeds, args.budget, args.epochs, args.memory_trials, args.top_k = (0, 1), 2, 1, 7, 1
        args.first_round = 1
        args.train, args.validation = 64, 64  # two steps and one validation batch per trial
        _smoke.eager()  # a few steps per model: cheaper eager than traced
    if not 1 <= args.first_round < args.budget or args.top_k > args.first_round:
        parser.error(f"--first-round must be in [1, --budget) and at least --top-k; received: "
                     f"--first-round {args.first_round}, --budget {args.budget}, --top-k {args.top_k}")
    if args.workers is not None and args.workers < 1:
        parser.error(f"--workers must be >= 1; received: {args.workers}")
    seeds = range(*args.seeds)
    workers = min(args.workers or (1 if args.smoke else 2), max(1, len(seeds)))
    directory = tempfile.mkdtemp(prefix="bench_guided_")
    if args.rows_to:  # a worker (run_workers): its seeds' rows to a file, for the parent to merge
        import numpy as np

        with np.load(args.features) as saved:
            features, labels = saved["features"], saved["labels"]
        hm = hypermodel(features.shape[1])
        rows = run_seeds(seeds, features, labels, hm, args, directory)
        with open(args.rows_to, "w") as out:
            json.dump(rows, out)
        return
    print(f"load average at start: {os.getloadavg()}")
    features, labels = cached_features(os.path.join(directory, "cache"))
    dim = features.shape[1]
    hm = hypermodel(dim)
    print(f"reference backbone features {features.shape}; seeds {seeds.start}-{seeds.stop - 1}; "
          f"{args.budget} trials x {args.epochs} epochs per method (Hyperband: "
          f"{args.budget * args.epochs} epochs); guided: {args.first_round} + "
          f"{args.budget - args.first_round} trials, beam around the top {args.top_k}; Bayesian "
          f"random start {args.initial_points or 'KerasTuner default (12)'}; {workers} worker process(es)")

    if workers > 1:
        rows = run_workers(seeds, features, labels, args, workers, directory)
    else:
        rows = run_seeds(seeds, features, labels, hm, args, directory)
    val_best = {m: [row[m]["val_best"] for row in rows] for m in args.methods}
    test = {m: [row[m]["test"] for row in rows] for m in args.methods}
    curves = {m: [(row[m]["curve"], row[m]["epochs"]) for row in rows] for m in args.methods}

    headline = {"seeds": f"{seeds.start}-{seeds.stop - 1}" if len(seeds) else "none"}
    if args.initial_points:
        headline["initial_points"] = args.initial_points
    if len(seeds):  # an empty range (e.g. --seeds 0 0) runs the memory measurement alone
        print(f"\n=== {len(seeds)} seeds: median [IQR] of the chosen configuration's test accuracy "
              f"and of the best validation accuracy ===")
        for method in args.methods:
            tq, vq = quartiles(test[method]), quartiles(val_best[method])
            print(f"{method:<16} test {tq[1]:.4f} [{tq[0]:.4f}, {tq[2]:.4f}]   "
                  f"val {vq[1]:.4f} [{vq[0]:.4f}, {vq[2]:.4f}]")
        print("\nwin rate of each guided variant against each peer (test accuracy, same seed; tie = 1/2)")
        for guided in [g for g in GUIDED if g in args.methods]:
            for peer in [m for m in args.methods if m != guided]:
                wins = sum(a > b for a, b in zip(test[guided], test[peer]))
                losses = sum(a < b for a, b in zip(test[guided], test[peer]))
                ties = len(test[guided]) - wins - losses
                rate = (wins + ties / 2) / len(test[guided])
                p = sign_test(wins, losses)
                print(f"  {guided:<16} vs {peer:<16} {rate:5.1%}  ({wins} wins, {ties} ties, {losses} losses; "
                      f"sign test p = {p:.3f})")
                headline[f"win_{guided}_vs_{peer}"] = round(rate, 3)
        for method in args.methods:
            headline[f"test_median_{method}"] = round(statistics.median(test[method]), 4)
        print(f"plot of best-so-far against epochs spent: {plot(curves, args.plot)}")
    if args.memory_trials:
        rss, slope = measure_memory(args.memory_trials, split(features, labels, 0, args.train,
                                                               args.validation), dim, directory)
        print(f"\nRSS at each trial's start (MiB): {[round(r) for r in rss]}")
        print(f"least-squares slope over trials 5-{len(rss)}: {slope:.3f} MiB/trial")
        headline["rss_mib_per_trial"] = round(slope, 3)
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    headline["wall_s"] = round(time.time() - started, 1)
    headline["cpu_s"] = round(sum(u.ru_utime + u.ru_stime for u in usage), 1)  # this process + its workers
    print(f"load average at end: {os.getloadavg()}; wall {headline['wall_s']} s, "
          f"CPU {headline['cpu_s']} s (all processes)")
    print(json.dumps(headline))


if __name__ == "__main__":
    main()

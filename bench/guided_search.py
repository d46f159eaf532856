"""Benchmark: guided search vs plain random search, lottery vs one draw, memory over trials.

    PYTHONPATH=. python bench/guided_search.py            # 5 seeds, ~10 min on 2 busy cores
    PYTHONPATH=. python bench/guided_search.py --seeds 2 --budget 6 --memory-trials 10

1. Guided search (KerasTuner random round of budget/2 trials, then budget/2
   trials in the narrowed space) vs one random round of ``budget`` trials,
   same oracle, trainer and seeds: best validation accuracy per seed, then
   the median and spread (min..max) of each method.
2. Lottery winner vs a single random draw, equal training afterwards:
   final validation accuracy per seed, median and spread.
3. Resident memory (psutil RSS) at the start of each of N small trials.

Every figure printed is measured in this run.
"""

import argparse
import functools
import os
import statistics
import tempfile
import time


def _spread(values):
    return (f"median {statistics.median(values):.4f}  min {min(values):.4f}  "
            f"max {max(values):.4f}  (n={len(values)})")


def compare_search(seeds, budget, epochs, directory, first_round, top_k):
    from keras_recipes.datasets import load_digits
    from keras_recipes.tuning import BundleHyperModel, Choice, Float, Int, guided_search
    from keras_recipes.zoo import vgg

    splits = load_digits(image_size=8, batch_size=64)
    builder = functools.partial(vgg, input_shape=(8, 8, 1), num_classes=10, depth=(1, 1))
    hypermodel = BundleHyperModel(builder, {
        "width": Int(4, 32, log=True),
        "learning_rate": Float(1e-4, 1e-1, log=True),
        "optimizer": Choice(["adam", "sgd"]),
    })
    plans = {"guided": (first_round, budget - first_round), "random": (budget,)}
    best = {name: [] for name in plans}
    for seed in range(seeds):
        for name, trials in plans.items():
            start = time.time()
            result = guided_search(
                hypermodel, splits.train, validation_data=splits.validation, epochs=epochs,
                trials=trials, top_k=top_k, seed=seed, directory=directory,
                project_name=f"{name}_{seed}", overwrite=True, verbose=0)
            best[name].append(max(t["score"] for t in result.trials))
            print(f"  seed {seed} {name:<6} trials {trials}: best val_accuracy "
                  f"{best[name][-1]:.4f}  ({time.time() - start:.0f} s)", flush=True)
    return best


def compare_lottery(seeds, draws, steps, epochs):
    import keras

    from keras_recipes.datasets import load_digits
    from keras_recipes.initialization.lottery import lottery_init
    from keras_recipes.zoo import vgg

    splits = load_digits(image_size=8, batch_size=64)
    builder = functools.partial(vgg, input_shape=(8, 8, 1), num_classes=10, width=8, depth=(1, 1))

    def train(bundle):
        bundle.model.compile(optimizer=keras.optimizers.SGD(0.05), metrics=["accuracy"],
                             loss="sparse_categorical_crossentropy")
        history = bundle.model.fit(splits.train, validation_data=splits.validation,
                                   epochs=epochs, verbose=0)
        return history.history["val_accuracy"][-1]

    scores = {"lottery": [], "single": []}
    for seed in range(seeds):
        base = 1000 * (seed + 1)
        result = lottery_init(builder, splits.train, draws=draws, steps=steps,
                              learning_rate=1e-4, seed=base, verbose=0)
        scores["lottery"].append(train(result.winner))
        keras.utils.set_random_seed(base)           # draw 0 of the same lottery, untouched
        scores["single"].append(train(builder()))
        print(f"  seed {seed}: winner draw {result.winner_draw} val_accuracy "
              f"{scores['lottery'][-1]:.4f} | single draw {scores['single'][-1]:.4f}", flush=True)
    return scores


def measure_memory(trials, directory):
    import psutil

    from keras_recipes.datasets import load_digits
    from keras_recipes.tuning import BundleHyperModel, Float, Int, compile_and_fit, guided_search
    from keras_recipes.zoo import vgg

    process = psutil.Process(os.getpid())
    rss = []

    def train(bundle, *args, learning_rate=1e-3, **kwargs):
        if kwargs.get("callbacks"):                 # a trial, not the objective check
            rss.append(process.memory_info().rss / 2**20)
        return compile_and_fit(bundle, *args, learning_rate=learning_rate, **kwargs)

    splits = load_digits(image_size=8, batch_size=64)
    builder = functools.partial(vgg, input_shape=(8, 8, 1), depth=(1,))
    hypermodel = BundleHyperModel(builder, {"width": Int(4, 16),
                                            "learning_rate": Float(1e-4, 1e-1, log=True)},
                                  train=train)
    guided_search(hypermodel, splits.train, validation_data=splits.validation, epochs=1,
                  steps_per_epoch=5, trials=(trials,), directory=directory,
                  project_name="memory", overwrite=True, verbose=0)
    return rss


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--budget", type=int, default=10, help="trials per search, all rounds")
    parser.add_argument("--first-round", type=int, default=None,
                        help="guided: trials of round 0 (default budget // 2)")
    parser.add_argument("--top-k", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=2, help="epochs per trial")
    parser.add_argument("--draws", type=int, default=8, help="lottery draws (0: skip part 2)")
    parser.add_argument("--lottery-epochs", type=int, default=3)
    parser.add_argument("--memory-trials", type=int, default=30, help="0: skip part 3")
    args = parser.parse_args(argv)
    directory = tempfile.mkdtemp(prefix="bench_guided_")
    print(f"load average at start: {os.getloadavg()}")

    first_round = args.first_round or args.budget // 2
    print(f"\n1. guided ({first_round} + {args.budget - first_round}, top-{args.top_k}) vs random "
          f"search, {args.budget} trials each, {args.epochs} epochs/trial")
    best = compare_search(args.seeds, args.budget, args.epochs, directory, first_round, args.top_k)
    lottery, rss = {}, []
    if args.draws:
        print(f"\n2. lottery ({args.draws} draws, 20 steps at 1e-4) vs one draw, "
              f"{args.lottery_epochs} epochs SGD 0.05 after")
        lottery = compare_lottery(args.seeds, args.draws, 20, args.lottery_epochs)
    if args.memory_trials:
        print(f"\n3. resident memory over {args.memory_trials} trials")
        rss = measure_memory(args.memory_trials, directory)

    print("\n=== results (validation accuracy per seed: best of the search; final after training for init) ===")
    for name, values in {**best, **{f"{k} init": v for k, v in lottery.items()}}.items():
        print(f"{name:<13} {_spread(values)}")
    wins = sum(g > r for g, r in zip(best["guided"], best["random"]))
    ties = sum(g == r for g, r in zip(best["guided"], best["random"]))
    print(f"guided beats random on {wins}/{args.seeds} seeds ({ties} ties)")
    half = len(rss) // 2
    if rss:
        print("RSS per trial (MiB):", [round(r) for r in rss])
        print(f"RSS MiB: trial 1 {rss[0]:.0f}, trial {half + 1} {rss[half]:.0f}, "
              f"trial {len(rss)} {rss[-1]:.0f}; growth over the second half "
              f"{(rss[-1] - rss[half]) / max(1, len(rss) - 1 - half):.2f} MiB/trial")
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()

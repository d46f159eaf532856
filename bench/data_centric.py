"""Benchmark: the data-centric recipes against their plain baselines, several seeds side by side.

* Active learning (seed 001) on digits 5-9 over the reference backbone's
  cached features: every strategy's area under its learning curve minus
  random's, per seed; mean, spread and win rate (share of seeds where the
  strategy's area beats random's). Each seed draws its own data split and
  initial labels.
* DVRL (A12) on the same features with 30% symmetric label noise
  (``datasets.symmetric_noise``): ROC AUC of finding the flipped labels by
  low value, and test accuracy of a head trained after removing the
  lowest-valued 20% minus one trained after removing a random 20%.
* Bias (A14/A15) on ``make_tabular_bias(proxy_strength=2)``: surrogate
  accuracy of the plain regressor and of the adversarially debiased one,
  and what the debiasing costs in task loss (test MSE).

    PYTHONPATH=. python bench/data_centric.py            # defaults: 5 AL seeds, 3 for the rest
    PYTHONPATH=. python bench/data_centric.py --smoke    # seconds: the CI test runs this

The last line printed is one JSON object of the headline figures.
"""

import argparse
import json
import os
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402


def mean_spread(values):
    values = np.asarray(values, dtype="float64")
    return float(values.mean()), float(values.std())


def active_learning_part(args, cache_dir):
    from keras_recipes.data_centric import active_learning
    from keras_recipes.datasets import load_digits

    gains = {}
    for seed in range(args.al_seeds):
        data = load_digits(image_size=16, classes=(5, 6, 7, 8, 9), seed=seed)
        result = active_learning(data, strategies=args.strategies, initial=args.initial, per_round=args.per_round,
                                 rounds=args.rounds, steps=args.steps, cache_dir=cache_dir, seed=seed, verbose=0)
        for name, gain in result.gains().items():
            gains.setdefault(name, []).append(gain)
        print(f"[al] seed {seed}: " + ", ".join(f"{k} {v:.4f}" for k, v in result.areas.items()), flush=True)
    print("\nactive learning: area under the learning curve minus random's, over seeds")
    print("strategy          mean gain  spread   win rate")
    rows = {}
    for name, values in gains.items():
        if name == "random":
            continue
        mean, spread = mean_spread(values)
        wins = float(np.mean(np.asarray(values) > 0))
        rows[name] = (mean, spread, wins)
        print(f"{name:<17} {mean:+.4f}    {spread:.4f}   {wins:.2f}")
    best = max(rows, key=lambda k: rows[k][0])
    return {"al_best_strategy": best, "al_best_auc_gain": round(rows[best][0], 4),
            "al_best_auc_gain_spread": round(rows[best][1], 4), "al_best_win_rate": rows[best][2],
            "al_gains": {k: round(v[0], 4) for k, v in rows.items()}}


def _head_accuracy(x, y, x_test, y_test, steps, seed):
    from keras_recipes.data_centric._training import Retrainer, dense_classifier, predict, standardize

    x, x_test = standardize(x, x_test)
    model = dense_classifier(x.shape[1], int(y.max()) + 1, hidden_units=32, seed=seed)
    Retrainer(model, 32).fit(x, y, steps, seed=seed)
    return float((predict(model, x_test).argmax(1) == y_test).mean())


def dvrl_part(args, cache_dir):
    from keras_recipes.data_centric import cached_features, dvrl, load_reference_encoder
    from keras_recipes.data_centric.data_valuation import noise_detection_auc
    from keras_recipes.datasets import load_digits, symmetric_noise

    encoder = load_reference_encoder(num_classes=5)
    aucs, gains = [], []
    for seed in range(args.seeds):
        data = load_digits(image_size=16, classes=(5, 6, 7, 8, 9), seed=seed)
        feats = cached_features(encoder, {k: data.arrays[k] for k in ("train", "validation", "test")},
                                cache_dir=cache_dir)
        (x, y), (x_val, y_val), (x_test, y_test) = (feats[k] for k in ("train", "validation", "test"))
        y_noisy, flipped = symmetric_noise(y, 0.3, num_classes=5, seed=seed)
        result = dvrl((x, y_noisy), (x_val, y_val), iterations=args.dvrl_iterations, noisy=flipped, seed=seed,
                      verbose=0)
        auc = noise_detection_auc(result.values, flipped)
        drop = len(x) // 5
        keep_valued = np.setdiff1d(np.arange(len(x)), result.lowest(0.2))
        keep_random = np.setdiff1d(np.arange(len(x)), np.random.default_rng(seed).permutation(len(x))[:drop])
        acc_valued = _head_accuracy(x[keep_valued], y_noisy[keep_valued], x_test, y_test, args.steps, seed)
        acc_random = _head_accuracy(x[keep_random], y_noisy[keep_random], x_test, y_test, args.steps, seed)
        aucs.append(auc)
        gains.append(acc_valued - acc_random)
        print(f"[dvrl] seed {seed}: noise AUC {auc:.3f}, flipped among lowest 20%: "
              f"{flipped[result.lowest(0.2)].mean():.2f}, test acc removing lowest-valued 20% {acc_valued:.3f} "
              f"vs random 20% {acc_random:.3f}", flush=True)
    (auc_m, auc_s), (gain_m, gain_s) = mean_spread(aucs), mean_spread(gains)
    print(f"\nDVRL: noise-detection AUC {auc_m:.3f} +- {auc_s:.3f}; removal gain {gain_m:+.3f} +- {gain_s:.3f}")
    return {"dvrl_noise_auc": round(auc_m, 4), "dvrl_noise_auc_spread": round(auc_s, 4),
            "dvrl_removal_gain": round(gain_m, 4), "dvrl_removal_gain_spread": round(gain_s, 4)}


def bias_part(args):
    from keras_recipes.data_centric import adversarial_debiasing
    from keras_recipes.datasets import make_tabular_bias

    plain, adversarial, cost = [], [], []
    for seed in range(args.seeds):
        data = make_tabular_bias(args.rows, proxy_strength=2.0, seed=seed)
        _, row0 = adversarial_debiasing(data, 0.0, steps=args.bias_steps, seed=seed)
        _, row1 = adversarial_debiasing(data, args.adversary_weight, steps=args.bias_steps, seed=seed)
        plain.append(row0["surrogate_accuracy"])
        adversarial.append(row1["surrogate_accuracy"])
        cost.append(row1["task_loss"] - row0["task_loss"])
        print(f"[bias] seed {seed}: surrogate acc plain {row0['surrogate_accuracy']:.3f} (MSE {row0['task_loss']:.3f})"
              f", adversarial w={args.adversary_weight:g} {row1['surrogate_accuracy']:.3f} "
              f"(MSE {row1['task_loss']:.3f})", flush=True)
    (p_m, p_s), (a_m, a_s), (c_m, c_s) = mean_spread(plain), mean_spread(adversarial), mean_spread(cost)
    print(f"\nA14/A15: surrogate accuracy plain {p_m:.3f} +- {p_s:.3f}, adversarial {a_m:.3f} +- {a_s:.3f}; "
          f"task-loss cost {c_m:+.3f} +- {c_s:.3f}")
    return {"surrogate_acc_plain": round(p_m, 4), "surrogate_acc_adversarial": round(a_m, 4),
            "task_loss_cost": round(c_m, 4), "adversary_weight": args.adversary_weight}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--al-seeds", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=3, help="seeds of the DVRL and bias parts")
    parser.add_argument("--strategies", nargs="+", default=["random", "least_confidence", "margin", "entropy",
                                                            "diversity", "k_center_greedy", "atlas"])
    parser.add_argument("--initial", type=int, default=10)
    parser.add_argument("--per-round", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--steps", type=int, default=150, help="head training steps per (re)training")
    parser.add_argument("--dvrl-iterations", type=int, default=200)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--bias-steps", type=int, default=600)
    parser.add_argument("--adversary-weight", type=float, default=4.0)
    parser.add_argument("--parts", nargs="+", choices=("al", "dvrl", "bias"), default=["al", "dvrl", "bias"],
                        help="which parts to run (default all; e.g. run them as separate processes)")
    parser.add_argument("--smoke", action="store_true", help="seconds-long run for CI")
    args = parser.parse_args(argv)
    if args.smoke:
        args.al_seeds, args.seeds, args.strategies = 2, 1, ["random", "margin"]
        args.rounds, args.per_round, args.steps = 1, 5, 20
        args.dvrl_iterations, args.rows, args.bias_steps = 3, 400, 30
    start, cpu_start = time.time(), time.process_time()
    headline = {}
    with tempfile.TemporaryDirectory() as cache_dir:
        if "al" in args.parts:
            headline.update(active_learning_part(args, cache_dir))
        if "dvrl" in args.parts:
            headline.update(dvrl_part(args, cache_dir))
    if "bias" in args.parts:
        headline.update(bias_part(args))
    headline.update({"al_seeds": args.al_seeds, "seeds": args.seeds, "seconds": round(time.time() - start, 1),
                     "cpu_seconds": round(time.process_time() - cpu_start, 1), "smoke": args.smoke})
    print(json.dumps(headline))


if __name__ == "__main__":
    main()

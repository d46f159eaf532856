"""Benchmark: does the lottery's winning ticket train better than the median or a random draw?

Diagram A2. For each seed, ``lottery_init`` draws ``--draws`` instances of
a small VGG on 8x8 digits and pre-trains each briefly; three of those draws
are then trained *identically* (same pre-training, then ``--epochs`` of Adam
on the same data order) and scored on the validation split:

  * the winner (lowest training loss after pre-training);
  * the median draw (the draw whose loss after pre-training is the median);
  * one random draw (picked with the seed).

Each chosen draw is rebuilt from its own seed and pre-trained exactly as
the lottery did (``lottery_init(draws=1, seed=draw_seed)``), so the three
differ only by their initial weights.

    PYTHONPATH=. python bench/lottery.py              # 10 seeds x 8 draws
    PYTHONPATH=. python bench/lottery.py --smoke      # seconds

The last line is JSON: mean and std of each arm's validation accuracy, and
how often the winner beats the median draw.
"""

import argparse
import functools
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402


def one_seed(seed, draws, steps, epochs, width):
    import keras

    from keras_recipes.datasets import load_digits
    from keras_recipes.initialization.lottery import lottery_init
    from keras_recipes.zoo import vgg

    data = load_digits(image_size=8, seed=seed)
    builder = functools.partial(vgg, input_shape=(8, 8, 1), num_classes=10, width=width,
                                depth=(1, 1))
    base = 1000 * seed
    lottery = lottery_init(builder, data.train, draws=draws, steps=steps, seed=base, verbose=0)
    kept = sorted((d for d in lottery.draws if d["status"] == "kept"), key=lambda d: d["loss"])
    picks = {"winner": lottery.winner_seed,
             "median": kept[len(kept) // 2]["seed"],
             "random": int(np.random.default_rng(seed).choice([d["seed"] for d in kept]))}
    scores = {}
    for arm, draw_seed in picks.items():
        ticket = lottery_init(builder, data.train, draws=1, steps=steps, seed=draw_seed,
                              verbose=0).winner
        keras.utils.set_random_seed(seed)
        ticket.model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                             metrics=["accuracy"])
        history = ticket.model.fit(load_digits(image_size=8, seed=seed).train,
                                   validation_data=data.validation, epochs=epochs, verbose=0)
        scores[arm] = float(history.history["val_accuracy"][-1])
    return {"seed": seed, "picks": picks, "accuracy": scores,
            "loss_spread_after": float(kept[-1]["loss"] - kept[0]["loss"]),
            "mean_change": float(lottery.mean_change)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--draws", type=int, default=8)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--width", type=int, default=8)
    parser.add_argument("--smoke", action="store_true", help="1 seed, 2 draws, 2 steps, 1 epoch")
    args = parser.parse_args(argv)
    if args.smoke:
        args.seeds, args.draws, args.steps, args.epochs, args.width = 1, 2, 2, 1, 4

    start = time.perf_counter()
    runs = []
    print(f"{'seed':>4} {'winner':>7} {'median':>7} {'random':>7} {'loss moved':>10}")
    for seed in range(args.seeds):
        run = one_seed(seed, args.draws, args.steps, args.epochs, args.width)
        runs.append(run)
        a = run["accuracy"]
        print(f"{seed:>4} {a['winner']:>7.3f} {a['median']:>7.3f} {a['random']:>7.3f} "
              f"{run['mean_change']:>+10.4f}", flush=True)
    summary = {}
    for arm in ("winner", "median", "random"):
        values = np.array([r["accuracy"][arm] for r in runs])
        summary[arm] = {"mean": round(float(values.mean()), 4), "std": round(float(values.std()), 4)}
        print(f"{arm:>7}: {values.mean():.3f} +- {values.std():.3f}")
    beats = sum(r["accuracy"]["winner"] > r["accuracy"]["median"] for r in runs)
    ties = sum(r["accuracy"]["winner"] == r["accuracy"]["median"] for r in runs)
    print(f"winner beats the median draw in {beats} of {len(runs)} seeds ({ties} ties)")
    result = {"bench": "lottery", "seeds": args.seeds, "draws": args.draws, "steps": args.steps,
              "epochs": args.epochs, "smoke": args.smoke, "validation_accuracy": summary,
              "winner_beats_median": beats, "ties": ties,
              "mean_loss_change": round(float(np.mean([r["mean_change"] for r in runs])), 5),
              "seconds": round(time.perf_counter() - start, 1)}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()

"""Checks for notebooks 30 (active learning) and 31 (data valuation, bias leakage)."""

import numbers

import numpy as np

from keras_recipes.labs.core import CheckFailed, check_number, expect, passed, require_answer


# --- notebook 30: active learning -----------------------------------------------------------

def check_margin(value, probs):
    """Exercise 30.1: the margin score ``1 - (p_top1 - p_top2)`` of one probability vector."""
    __tracebackhide__ = True
    ordered = np.sort(np.asarray(probs, dtype="float64"))
    check_number(value, expected=1.0 - (ordered[-1] - ordered[-2]), tolerance=1e-3, name="margin_value",
                 hint="sort the probabilities; the margin compares the two largest, not the largest and 1")


def check_strategy(strategy):
    """Exercise 30.2: a strategy ``(model, pool, n, **kwargs) -> indices`` picking the highest-entropy items."""
    __tracebackhide__ = True
    import keras

    from keras_recipes.data_centric import query_strategies as qs

    hint = "score the pool with entropy_scores(predicted probabilities), then take top_n(scores, n)"
    require_answer(strategy, "entropy_strategy", hint)
    expect(callable(strategy), f"entropy_strategy must be a function; received {type(strategy).__name__}.", hint)
    rng = np.random.default_rng(0)
    inputs = keras.Input((2,))
    dense = keras.layers.Dense(3, activation="softmax")
    model = keras.Model(inputs, dense(inputs))
    dense.set_weights([rng.normal(size=(2, 3)).astype("float32") * 2, np.zeros(3, "float32")])
    pool = rng.normal(size=(30, 2)).astype("float32")
    try:
        picked = np.asarray(strategy(model, pool, 4, labelled=None, validation=None, seed=0)).reshape(-1)
    except Exception as error:  # the student's function failed: say so without a traceback
        raise CheckFailed(f"entropy_strategy(model, pool, 4, ...) raised {type(error).__name__}: {error}. "
                          f"Hint: {hint}") from None
    expected = qs.entropy(model, pool, 4)
    expect(len(picked) == 4, f"entropy_strategy returned {len(picked)} indices for n=4.", hint)
    expect(set(picked.tolist()) == set(expected.tolist()),
           "entropy_strategy does not pick the 4 pool items with the flattest predictions.", hint)
    passed("entropy_strategy picks the 4 highest-entropy pool items")


def check_labels_bought(value, initial, per_round, rounds):
    """Exercise 30.3: how many labels the oracle reveals in one strategy's run."""
    __tracebackhide__ = True
    check_number(value, expected=initial + rounds * per_round, tolerance=0, name="labels_bought",
                 hint="the initial labelled set counts too; every round buys per_round more")


def check_best_strategy(name, result):
    """Exercise 30.4: the strategy with the largest area under its learning curve."""
    __tracebackhide__ = True
    hint = "result.areas maps each strategy to its area; pick the largest"
    require_answer(name, "best_strategy", hint)
    expect(name in result.areas, f"best_strategy = {name!r} is not one of {sorted(result.areas)}.", hint)
    best = max(result.areas, key=result.areas.get)
    expect(result.areas[name] == result.areas[best], f"{name!r} is not the strategy with the largest area.", hint)
    passed(f"best_strategy = {name!r} (area {result.areas[name]:.3f})")


# --- notebook 31: data valuation and bias leakage -------------------------------------------

def check_noise_auc(value, values, flipped):
    """Exercise 31.1: ROC AUC of finding the flipped labels by *low* data value."""
    __tracebackhide__ = True
    from sklearn.metrics import roc_auc_score

    expected = roc_auc_score(np.asarray(flipped, int), -np.asarray(values, dtype="float64"))
    check_number(value, expected=float(expected), tolerance=1e-3, name="noise_auc",
                 hint="roc_auc_score(flipped, score) ranks by a score that should be HIGH for the flipped "
                      "examples; their value is low, so negate it")


def check_proxy_columns(columns, data):
    """Exercise 31.2: the columns that carry the protected attribute (|correlation| > 0.3)."""
    __tracebackhide__ = True
    hint = "np.corrcoef(data.features[:, j], data.protected) for each column j; proxies correlate"
    require_answer(columns, "proxy_columns", hint)
    if isinstance(columns, numbers.Integral):
        columns = [columns]
    try:
        picked = {int(c) for c in columns}
    except (TypeError, ValueError):
        raise CheckFailed(f"proxy_columns must be a list of column indices; received {columns!r}. "
                          f"Hint: {hint}") from None
    corr = [abs(np.corrcoef(data.features[:, j], data.protected)[0, 1]) for j in range(data.features.shape[1])]
    expected = {j for j, c in enumerate(corr) if c > 0.3}
    expect(picked == expected, f"proxy_columns = {sorted(picked)} is not the set of proxies.", hint)
    passed(f"proxy_columns = {sorted(picked)}: {[data.feature_names[j] for j in sorted(picked)]}")


def check_reversed_gradient(value, adversary_gradient, weight):
    """Exercise 31.3: the gradient that reaches the regressor's score through the reversal layer."""
    __tracebackhide__ = True
    check_number(value, expected=-weight * adversary_gradient, tolerance=1e-6, name="regressor_gradient",
                 hint="the layer is the identity forward; backward it multiplies by -weight")


def check_tradeoff_choice(weight, result, max_accuracy):
    """Exercise 31.4: the adversary weight with the lowest task loss among those below ``max_accuracy``."""
    __tracebackhide__ = True
    hint = (f"keep the rows whose surrogate_accuracy is below {max_accuracy}, then take the one with the "
            "smallest task_loss")
    require_answer(weight, "chosen_weight", hint)
    ok = [r for r in result.rows if r["surrogate_accuracy"] < max_accuracy]
    if not ok:
        expect(weight == "none", f"no weight reaches surrogate accuracy below {max_accuracy}; "
               "answer 'none'.", hint)
        passed("no weight in this run removes enough leakage: 'none'")
        return
    best = min(ok, key=lambda r: r["task_loss"])
    expect(isinstance(weight, numbers.Real) and float(weight) == best["adversary_weight"],
           f"chosen_weight = {weight!r} is not the cheapest weight that leaks little enough.", hint)
    passed(f"chosen_weight = {best['adversary_weight']:g} (task loss {best['task_loss']:.3f}, "
           f"surrogate accuracy {best['surrogate_accuracy']:.3f})")


# --- pictures of the recipes (first cell of each notebook) ----------------------------------

def _flow(ax, boxes, y, loop_label=None):
    xs = np.linspace(0.1, 0.9, len(boxes))
    for i, (x, text) in enumerate(zip(xs, boxes)):
        ax.text(x, y, text, ha="center", va="center", fontsize=8,
                bbox={"boxstyle": "round,pad=0.4", "facecolor": f"C{i % 10}", "alpha": 0.25})
        if i:
            ax.annotate("", (x - 0.07, y), (xs[i - 1] + 0.07, y), arrowprops={"arrowstyle": "->"})
    if loop_label:
        ax.annotate("", (xs[0], y - 0.08), (xs[-1], y - 0.08),
                    arrowprops={"arrowstyle": "->", "connectionstyle": "arc3,rad=-0.25", "linestyle": "--"})
        ax.text(0.5, y - 0.3, loop_label, ha="center", fontsize=8, style="italic")


def picture_active_learning():
    """The active-learning loop of seed 001 as a small diagram (a ``Figure``)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 2.4), layout="constrained")
    ax = fig.subplots()
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    _flow(ax, ["unlabelled pool\n(cached bottleneck\nfeatures)", "query strategy\n(uncertainty, diversity,\nATLAS)",
               "oracle\nreveals labels", "labelled set\n+ n per round", "retrain head\nscore on test"], 0.7,
          loop_label="repeat for each round: one point of the learning curve")
    ax.set_title("Active transfer learning: which labels should we ask the oracle about?")
    return fig


def picture_data_centric():
    """A12 (DVRL), A14 (surrogate) and A15 (adversarial) as three small flows (a ``Figure``)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 4.2), layout="constrained")
    ax = fig.subplots()
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    _flow(ax, ["training data\n(x, y, predictor error)", "data value\nestimator", "selector\nsamples by value",
               "predictor\ntrained on subset", "reward = validation\nchange vs baseline"], 0.88,
          loop_label="A12: REINFORCE updates the estimator")
    _flow(ax, ["training data", "filter: remove\nbias feature", "regressor", "score",
               "logistic surrogate\nscore -> bias (50% = none)"], 0.45)
    _flow(ax, ["features w/o bias", "regressor", "score", "gradient reversal\n(x -weight)",
               "logistic adversary\nscore -> bias"], 0.15)
    ax.text(0.0, 0.56, "A14", fontsize=9, weight="bold")
    ax.text(0.0, 0.26, "A15", fontsize=9, weight="bold")
    return fig

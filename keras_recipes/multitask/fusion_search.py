"""Fusion architecture search (MFAS, seed 001) on the guided, narrowed search of diagram A8.

Pérez-Rúa et al. 2019 ("MFAS: Multimodal fusion architecture search", the
slide "Neural Architecture Search for Mode Fusion") search which layer of
each modality's encoder feeds each fusion layer, and that fusion layer's
activation: a network is a list of fusions ``(gamma_m, gamma_n, gamma_p)``
(layer of modality m, layer of modality n, activation), each fusion layer
reading its two taps and the previous fusion. ``mfas_fusion`` builds one such
network; ``MFASHyperModel`` exposes that space to KerasTuner and
``fusion_search`` runs it with ``keras_recipes.tuning.guided_search``: a
random round, then rounds narrowed around the best (the sequential,
progressively narrowed rounds MFAS runs with a surrogate), and reports the
best found against the best hand-picked fusion (early, intermediate, late).

Departures from the paper, for small CPU runs: every trial trains its
network from scratch (MFAS reuses pretrained, frozen unimodal encoders),
and the narrowing is the guided search's, not a learned surrogate.
Importing this module imports KerasTuner.
"""

from dataclasses import dataclass, field

import keras

from keras_recipes.checks import require_positive_int
from keras_recipes.multitask.fusion_bundle import (
    FusionBundle, _check_mlp, _check_modalities, _check_modality_dropout, _mlp_encoder,
    _modality_encoders,
)
from keras_recipes.multitask.fusion_early import early_fusion
from keras_recipes.multitask.fusion_intermediate import intermediate_fusion
from keras_recipes.multitask.fusion_late import late_fusion
from keras_recipes.plots import save_figure
from keras_recipes.tasks import build_head
from keras_recipes.tuning import BundleHyperModel, Choice, Fixed, Int, compile_and_fit, guided_search
from keras_recipes.zoo.parts import resolve_task

ACTIVATIONS = ("relu", "sigmoid", "tanh", "elu")


def _check_fusions(fusions, modalities, depth):
    count = len(modalities)
    if isinstance(fusions, (str, bytes)) or not fusions:
        raise ValueError("fusions must be a non-empty list of (layer of each modality..., "
                         f"activation) tuples; received: fusions={fusions!r}")
    clean = []
    for f in fusions:
        ok = isinstance(f, (tuple, list)) and len(f) == count + 1 and f[-1] in ACTIVATIONS and all(
            isinstance(g, int) and not isinstance(g, bool) and 1 <= g <= depth for g in f[:-1])
        if not ok:
            raise ValueError(f"each fusion must be ({count} layer indices in 1..{depth}, one per "
                             f"modality {list(modalities)}, then an activation in {list(ACTIVATIONS)}); "
                             f"received: {f!r}")
        clean.append(tuple(f))
    return clean


def mfas_fusion(modalities, num_classes=None, *, fusions=((2, 2, "relu"),), task=None, width=32,
                depth=2, fused_width=None, modality_dropout=0.0, seed=None, name="mfas_fusion"):
    """A fusion network of MFAS's search space: chosen encoder layers fused, layer after layer.

    Fusion layer ``l`` is ``act_l(Dense(fused_width)([tap_1, ..., tap_M,
    h_{l-1}]))`` with ``tap_m`` the output of layer ``gamma_m`` of modality
    ``m``'s encoder (1-based) and ``h_0`` absent; the last fusion is the
    bottleneck. ``encoders[m]`` outputs the list of its layers' activations
    (the taps the search chooses from), up to the deepest one a fusion
    reads: layers no fusion reads are not built.

    >>> bundle = mfas_fusion({"image": (4, 8, 1), "profile": (12,)}, 10, width=8,
    ...                      fusions=[(1, 2, "relu"), (2, 1, "sigmoid")])
    >>> [layer.name for layer in bundle.encoder.layers if layer.name.startswith("fusion")]
    ['fusion1_concat', 'fusion1', 'fusion2_concat', 'fusion2']

    Args:
        modalities: ``{name: input shape}``.
        num_classes, task: the task (a 10-class softmax by default).
        fusions: list of ``(gamma_1, ..., gamma_M, activation)``, layer
            indices in ``1..depth`` in ``modalities`` order and an activation
            in ``ACTIVATIONS``. Default one fusion of the last layers, ReLU.
        width, depth: units and Dense layers of each modality's encoder. Default 32, 2.
        fused_width: units of each fusion layer (default: ``width``).
        modality_dropout, seed: as in ``intermediate_fusion``.
        name: name of the end-to-end model.
    Returns:
        a ``FusionBundle``.
    """
    modalities = _check_modalities(modalities)
    width, depth = _check_mlp(width, depth)
    fusions = _check_fusions(fusions, modalities, depth)
    fused_width = width if fused_width is None else require_positive_int("fused_width", fused_width)
    modality_dropout = _check_modality_dropout(modality_dropout, len(modalities))
    task = resolve_task(task, num_classes)
    deepest = {m: max(f[i] for f in fusions) for i, m in enumerate(modalities)}
    inputs, encoders, taps = _modality_encoders(
        modalities, modality_dropout, seed,
        lambda m, shape: _mlp_encoder(m, shape, width, deepest[m], all_layers=True))
    taps = {m: t if isinstance(t, (list, tuple)) else [t] for m, t in taps.items()}
    h = None
    for l, fusion in enumerate(fusions, start=1):
        parts = [taps[m][g - 1] for m, g in zip(modalities, fusion[:-1])]
        parts += [] if h is None else [h]
        joined = keras.layers.Concatenate(name=f"fusion{l}_concat")(parts) if len(parts) > 1 else parts[0]
        h = keras.layers.Dense(fused_width, activation=fusion[-1], name=f"fusion{l}")(joined)
    head = build_head(tuple(h.shape[1:]), task)
    return FusionBundle.wire(inputs, encoders, h, head, name)


def _fusions_from_values(values, modalities):
    """The ``fusions`` list of a trial's hyperparameter values (see ``MFASHyperModel``)."""
    return [tuple(values[f"{m}_layer{l}"] for m in modalities) + (values[f"activation{l}"],)
            for l in range(1, values["fusions"] + 1)]


class MFASHyperModel(BundleHyperModel):
    """MFAS's search space as a KerasTuner ``HyperModel`` over ``mfas_fusion``.

    Hyperparameters: ``fusions`` (how many fusion layers, 1..``max_fusions``),
    and for each fusion ``l``: ``<modality>_layer<l>`` (which encoder layer,
    1..``depth``) and ``activation<l>`` (one of ``activations``); the
    learning rate is ``Fixed``. Plain ``Int`` / ``Choice`` specs, so the
    guided search narrows them round after round.

    >>> hm = MFASHyperModel({"image": (4, 8, 1), "profile": (12,)}, 10, width=8)
    >>> sorted(hm.declared_space())[:4]
    ['activation1', 'activation2', 'fusions', 'image_layer1']

    Args:
        modalities: ``{name: input shape}``.
        num_classes: classes of the softmax task.
        max_fusions: the most fusion layers, >= 1. Default 2.
        width, depth: each modality encoder's units and layers. Default 32, 2.
        activations: the activations searched. Default ``ACTIVATIONS``.
        learning_rate: the trainer's (fixed) learning rate. Default 3e-3.
        seed: every trial is built after ``keras.utils.set_random_seed(seed)``. Default 0.
    """

    def __init__(self, modalities, num_classes, *, max_fusions=2, width=32, depth=2,
                 activations=ACTIVATIONS, learning_rate=3e-3, seed=0):
        self.modalities = _check_modalities(modalities)
        self.width, self.depth = _check_mlp(width, depth)
        max_fusions = require_positive_int("max_fusions", max_fusions)
        if isinstance(activations, str) or not activations or any(
                a not in ACTIVATIONS for a in activations):
            raise ValueError(f"activations must be a non-empty subset of {list(ACTIVATIONS)}; "
                             f"received: activations={activations!r}")
        self.num_classes = require_positive_int("num_classes", num_classes)
        space = {"fusions": Int(1, max_fusions) if max_fusions > 1 else Fixed(1),
                 "learning_rate": Fixed(float(learning_rate))}
        for l in range(1, max_fusions + 1):
            for m in self.modalities:
                space[f"{m}_layer{l}"] = Int(1, self.depth) if self.depth > 1 else Fixed(1)
            space[f"activation{l}"] = Choice(list(activations)) if len(activations) > 1 else Fixed(
                activations[0])
        super().__init__(self.build_bundle, space, train=compile_and_fit, name="mfas", seed=seed)

    def build_bundle(self, **values):
        """``mfas_fusion`` for one trial's values."""
        return mfas_fusion(self.modalities, self.num_classes, width=self.width, depth=self.depth,
                           fusions=_fusions_from_values(values, self.modalities))


HAND_PICKED = {
    "early": lambda mods, n, w, d: early_fusion(mods, n, width=w, depth=d),
    "intermediate_concat": lambda mods, n, w, d: intermediate_fusion(mods, n, width=w, depth=d),
    "intermediate_gated": lambda mods, n, w, d: intermediate_fusion(mods, n, width=w, depth=d,
                                                                    fusion="gated"),
    "late_sum": lambda mods, n, w, d: late_fusion(mods, n, width=w, depth=d),
}


@dataclass
class FusionSearchResult:
    """MFAS's best fusion against the hand-picked fusions, on validation and test.

    >>> result = FusionSearchResult([(2, 1, "relu")], {
    ...     "mfas": {"validation": 0.90, "test": 0.88},
    ...     "early": {"validation": 0.85, "test": 0.86},
    ...     "late_sum": {"validation": 0.89, "test": 0.90}}, search=None)
    >>> result.best_hand_picked, round(result.gain, 3)
    ('late_sum', -0.02)

    Attributes:
        best_fusions: the searched network's ``fusions`` list.
        scores: ``{name: {"validation": acc, "test": acc}}`` for ``"mfas"``
            and every hand-picked fusion.
        search: the ``GuidedSearchResult`` (all trials, every round's space).
    """

    best_fusions: list
    scores: dict
    search: object = field(repr=False)

    @property
    def best_hand_picked(self):
        """The hand-picked fusion with the best validation accuracy."""
        hand = {k: v for k, v in self.scores.items() if k != "mfas"}
        return max(hand, key=lambda k: hand[k]["validation"])

    @property
    def gain(self):
        """Test accuracy of MFAS's best minus the best hand-picked fusion's."""
        return self.scores["mfas"]["test"] - self.scores[self.best_hand_picked]["test"]

    def table(self):
        lines = [f"{'fusion':<22}{'validation':>11}{'test':>8}"]
        for name, s in self.scores.items():
            lines.append(f"{name:<22}{s['validation']:>11.3f}{s['test']:>8.3f}")
        lines.append(f"MFAS fusions: {self.best_fusions}; gain over the best hand-picked "
                     f"({self.best_hand_picked}): {self.gain:+.3f}")
        return "\n".join(lines)

    def plot(self, path=None):
        import matplotlib.pyplot as plt

        names = list(self.scores)
        fig, ax = plt.subplots(figsize=(6, 3))
        ax.barh(names, [self.scores[n]["test"] for n in names],
                color=["tab:red" if n == "mfas" else "tab:blue" for n in names])
        ax.set_xlabel("test accuracy")
        ax.set_title("Searched (MFAS) vs hand-picked fusion")
        fig.tight_layout()
        return save_figure(fig, path)


def _accuracy(model, dataset):
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return float(model.evaluate(dataset, verbose=0)[1])


def fusion_search(splits, *, trials=(6, 4), top_k=2, epochs=30, max_fusions=2, width=32,
                  depth=2, learning_rate=3e-3, hand_picked=tuple(HAND_PICKED), directory="tuning",
                  project_name="mfas", overwrite=True, seed=0, run_eagerly=False, verbose=0):
    """Search MFAS's space with narrowed rounds, then compare with the hand-picked fusions.

    Every candidate (searched or hand-picked) trains ``epochs`` epochs with
    the same trainer; selection uses the validation split, the test split
    is read once per finalist.

    A whole search trains every trial, so the search line is skipped in the
    docstring tests (``tests/test_multitask_fusion.py`` runs a tiny one):

    >>> import tempfile
    >>> from keras_recipes.datasets.multimodal import load_multimodal_digits
    >>> splits = load_multimodal_digits(labelled_fraction=0.1)
    >>> result = fusion_search(splits, trials=(2, 1), top_k=1, epochs=1, width=8,
    ...                        hand_picked=("early",), directory=tempfile.mkdtemp(),
    ...                        run_eagerly=True)  # doctest: +SKIP
    >>> sorted(result.scores)  # doctest: +SKIP
    ['early', 'mfas']

    Args:
        splits: a ``MultimodalSplits`` (``load_multimodal_digits``) or any
            object with ``train``, ``validation``, ``test`` pipelines of
            ``({modality: x}, y)``, ``modalities`` and ``num_classes``.
        trials: trials per round of the guided search. Default (6, 4).
        top_k: trials that define the next round's space. Default 2.
        epochs: training epochs of every candidate. Default 30.
        max_fusions, width, depth, learning_rate: see ``MFASHyperModel``.
        hand_picked: names of ``HAND_PICKED`` fusions to compare with.
            Default all of them.
        directory, project_name, overwrite: the KerasTuner project.
        seed: model seed of every candidate and oracle seed. Default 0.
        run_eagerly: passed to ``compile``. Default False: graph mode (the
            tuning default runs small models eagerly, several times slower
            over these many short epochs; True pays off for 1-2 epochs).
        verbose: passed to the search.
    Returns:
        a ``FusionSearchResult``.
    """
    for attr in ("train", "validation", "test", "modalities", "num_classes"):
        if not hasattr(splits, attr):
            raise TypeError(f"splits must be a MultimodalSplits (load_multimodal_digits); "
                            f"received {type(splits).__name__} without .{attr}")
    epochs = require_positive_int("epochs", epochs)
    if isinstance(hand_picked, str) or not hand_picked or any(h not in HAND_PICKED for h in hand_picked):
        raise ValueError(f"hand_picked must be a non-empty list of names among {list(HAND_PICKED)}; "
                         f"received: hand_picked={hand_picked!r}")
    hypermodel = MFASHyperModel(splits.modalities, splits.num_classes, max_fusions=max_fusions,
                                width=width, depth=depth, learning_rate=learning_rate, seed=seed)
    search = guided_search(hypermodel, splits.train, validation_data=splits.validation,
                           epochs=epochs, trials=trials, top_k=top_k, directory=directory,
                           project_name=project_name, overwrite=overwrite, seed=seed,
                           verbose=verbose, run_eagerly=run_eagerly)
    best = search.best_model
    scores = {"mfas": {"validation": _accuracy(best, splits.validation),
                       "test": _accuracy(best, splits.test)}}
    for name in hand_picked:
        keras.utils.set_random_seed(seed)
        bundle = HAND_PICKED[name](splits.modalities, splits.num_classes, width, depth)
        compile_and_fit(bundle, splits.train, learning_rate=learning_rate, epochs=epochs,
                        run_eagerly=run_eagerly, verbose=0)
        scores[name] = {"validation": _accuracy(bundle.model, splits.validation),
                        "test": _accuracy(bundle.model, splits.test)}
    return FusionSearchResult(_fusions_from_values(search.best_hyperparameters, splits.modalities),
                              scores, search)

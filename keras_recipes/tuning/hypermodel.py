"""A KerasTuner ``HyperModel`` for any bundle builder (diagram A8, "search space -> trials").

``BundleHyperModel`` turns a builder that returns a ``ModelBundle`` (the zoo's
``vgg`` / ``resnet`` / ``mobilenet_v2``, a transfer builder, or your own
function) plus a search space into KerasTuner trials. Every key of the space
goes either to the builder (architecture: width, blocks, dropout...) or to the
trainer (training: learning rate, optimizer, epochs; or a two-phase
fine-tune's head/fine-tune rates and unfrozen layers), decided by their
signatures, so a misspelt key fails before the first trial.
"""

import inspect

import keras
import keras_tuner

from keras_recipes.checks import fresh_optimizer, keras_model_of
from keras_recipes.bundle import ModelBundle
from keras_recipes.tuning.space import check_space, from_hyperparameters


# Trials of models up to this many parameters run eagerly (run_eagerly="auto").
# Measured (issue 14, 8x8 digits VGG trials, 5 steps each, TF 2.21 / Keras 3.15): a traced
# trial leaves ~8.6 MiB of resident memory behind that keras.backend.clear_session() and
# gc do not return (the functions TensorFlow registers in its eager context while tracing
# stay there: 36 per trial), so a 30-trial search grows by ~250 MiB; building the optimizer
# before fit cuts that to ~5.9 MiB; an eager trial leaves none. Eager is also faster for a
# few steps, not for many: trials of 60 steps of a 10-class head on 64 features took
# 18.7-21.8 s eager against 9.9-10.6 s traced (10 trials, one thread; bench/guided_search.py
# runs its comparison traced, a seed per process). Big models keep graph mode; run many
# traced trials in worker processes (``keras_recipes.tuning.distributed``) to return their memory.
EAGER_MAX_PARAMS = 200_000


def compile_and_fit(bundle, *fit_args, learning_rate=1e-3, optimizer="adam", epochs=1,
                    weight_decay=None, batch_size=None,
                    loss="sparse_categorical_crossentropy", metrics=("accuracy",),
                    run_eagerly="auto", **fit_kwargs):
    """The default trainer: compile ``bundle.model`` with a fresh optimizer, then ``fit``.

    ```python
    from keras_recipes import datasets, vgg
    from keras_recipes.tuning import compile_and_fit
    splits = datasets.load_digits(image_size=8)
    bundle = vgg(input_shape=(8, 8, 1), width=4, depth=(1,))
    compile_and_fit(bundle, splits.train, validation_data=splits.validation,
                    learning_rate=3e-3, epochs=1, verbose=0)
    ```

    Args:
        bundle: a ``ModelBundle`` (or a plain ``keras.Model``).
        *fit_args, **fit_kwargs: passed to ``model.fit`` (data, epochs,
            validation_data, callbacks...).
        learning_rate: optimizer learning rate. Default 1e-3.
        optimizer: a Keras optimizer name ("adam", "sgd", "rmsprop"...).
        epochs: training epochs. Default 1.
        weight_decay: the optimizer's (decoupled) ``weight_decay``; None
            (default) keeps the optimizer's own default. Searchable.
        batch_size: re-batch a batched ``tf.data`` training set (the first
            positional argument) to this size; None (default) keeps its
            batches. Searchable.
        loss, metrics: passed to ``compile``.
        run_eagerly: passed to ``compile``; ``"auto"`` (default) runs models
            of at most ``EAGER_MAX_PARAMS`` parameters eagerly. Eager skips
            tracing a graph for every trial: faster for small models and a
            few steps (slower for many), and it keeps a long search's memory flat (a traced
            trial leaves graph functions behind in TensorFlow, ~8 MiB each;
            see ``EAGER_MAX_PARAMS``); graph mode is faster for big models.
    Returns:
        the ``History`` of ``fit``.
    """
    model = keras_model_of("bundle", bundle)
    if batch_size is not None and fit_args and hasattr(fit_args[0], "unbatch"):
        fit_args = (fit_args[0].unbatch().batch(int(batch_size)), *fit_args[1:])
    extra = {} if weight_decay is None else {"weight_decay": float(weight_decay)}
    opt = fresh_optimizer("optimizer", optimizer, learning_rate, **extra)
    if run_eagerly == "auto":
        run_eagerly = model.count_params() <= EAGER_MAX_PARAMS
    model.compile(optimizer=opt, loss=loss, metrics=list(metrics), run_eagerly=run_eagerly)
    # Optimizer slots created now, eagerly, rather than inside the first traced step
    # (where each variable's initialiser becomes two graph functions that outlive the trial).
    opt.build(model.trainable_variables)
    return model.fit(*fit_args, epochs=epochs, **fit_kwargs)


def keyword_names(fn, skip_first=False, open_ended=True):
    """Names ``fn`` accepts by keyword.

    With ``open_ended``, a function taking ``**kwargs`` accepts anything
    (None is returned); otherwise ``**kwargs`` is ignored (a trainer's
    ``**fit_kwargs`` are for ``fit``, not hyperparameters).
    """
    params = list(inspect.signature(fn).parameters.values())
    if skip_first and params:
        params = params[1:]
    if open_ended and any(p.kind is p.VAR_KEYWORD for p in params):
        return None
    return {p.name for p in params
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}


class BundleHyperModel(keras_tuner.HyperModel):
    """A ``keras_tuner.HyperModel`` that builds bundles and trains them with a trainer.

    Diagram A8. Keys of ``space`` that name a builder argument are passed to
    ``builder``; keys that name a trainer argument are passed to ``train``.
    A key that names neither raises ``ValueError`` listing both sets. (A
    builder or trainer taking ``**kwargs`` accepts any key, so pass the
    concrete builder, not ``zoo.build``, to get this check.)

    ```python
    import functools
    from keras_recipes import vgg
    from keras_recipes.tuning import BundleHyperModel, Float, Int
    builder = functools.partial(vgg, input_shape=(8, 8, 1), num_classes=10, depth=(1,))
    hypermodel = BundleHyperModel(builder, {
        "width": Int(4, 16, log=True),
        "learning_rate": Float(1e-4, 1e-1, log=True),
    })
    ```

    The transfer case: the two-phase fine-tune is a trainer. Give it the
    bundle first and keyword arguments for what you search, and return the
    ``History`` (or a dict of final metrics) of the phase whose metrics are
    the objective; pass ``callbacks`` on to that phase's ``fit`` so
    KerasTuner can checkpoint it:

    ```python
    def two_phase(bundle, train, *, validation_data, callbacks=(), epochs=1,
                  head_learning_rate=1e-3, head_epochs=2, unfreeze=2,
                  fine_tune_learning_rate=1e-4, verbose=0):
        ...  # train the head, unfreeze the last `unfreeze` layers, fine-tune
        return history

    hypermodel = BundleHyperModel(transfer_builder, {
        "head_learning_rate": Float(1e-4, 1e-2, log=True),
        "head_epochs": Int(1, 5),
        "unfreeze": Int(0, 4),
        "fine_tune_learning_rate": Float(1e-5, 1e-3, log=True),
    }, train=two_phase)
    ```

    Args:
        builder: callable ``builder(**kwargs) -> ModelBundle`` (or a
            ``keras.Model``); bind fixed arguments with ``functools.partial``.
        space: a ``{name: Int | Float | Choice | Fixed | Conditional}`` dict, or a
            callable ``space(hp) -> {name: value}`` that uses KerasTuner's own
            ``hp.Int`` / ``hp.Float`` / ``hp.Choice`` calls.
        train: trainer ``train(bundle, *fit_args, **kwargs) -> History``;
            default ``compile_and_fit`` (searchable: ``learning_rate``,
            ``optimizer``, ``epochs``, ``weight_decay``, ``batch_size``). Its named keyword arguments are
            searchable; its ``**kwargs``, if any, receive ``search``'s. Values from the space override the
            same-named keyword arguments given to ``search``.
        name: optional name of the hypermodel.
        seed: every trial's model is built (and then trained) right after
            ``keras.utils.set_random_seed(seed)``, so trials differ only by
            their hyperparameters, and a search repeats in a fresh process
            whatever the global seeds were. None leaves the global random
            state alone. Default 0.
    """

    def __init__(self, builder, space, *, train=compile_and_fit, name=None, seed=0):
        super().__init__(name=name, tunable=True)
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
            raise ValueError(f"seed must be an int >= 0 or None; received: seed={seed!r}")
        self.seed = seed
        if not callable(builder):
            raise TypeError(f"builder must be callable; received: builder={builder!r}")
        if not callable(train):
            raise TypeError(f"train must be callable; received: train={train!r}")
        self.builder, self.train, self.space = builder, train, space
        self.builder_keys = keyword_names(builder)
        self.train_keys = keyword_names(train, skip_first=True, open_ended=False)
        self.check_keys(self.declared_space())

    def declared_space(self):
        """The space as a ``{name: spec}`` dict (a callable space is run on a fresh ``hp``)."""
        if isinstance(self.space, dict):
            return check_space(self.space)
        if not callable(self.space):
            check_space(self.space)
        hps = keras_tuner.HyperParameters()
        values = self.space(hps)
        if not isinstance(values, dict):
            raise TypeError(
                "a callable space must return a dict {builder or trainer argument: value}; "
                f"received: {type(values).__name__}"
            )
        declared = from_hyperparameters(hps)
        missing = sorted(set(values) - set(declared))
        if missing:
            raise ValueError(
                f"the space callable returned {missing} without declaring them with hp.*"
            )
        return {name: declared[name] for name in values}

    def check_keys(self, space):
        if self.builder_keys is None:
            return
        builder_name = getattr(self.builder, "__name__", None) or getattr(
            getattr(self.builder, "func", None), "__name__", "builder")
        check_space(space, self.builder_keys | self.train_keys,
                    where=f"{builder_name}() {sorted(self.builder_keys)} nor of the trainer "
                          f"{sorted(self.train_keys)}")

    def values(self, hp):
        """Register the space on ``hp`` and return ``{name: value}`` for this trial.

        A ``Conditional`` choice inactive in this trial is left out (KerasTuner gives it no value).
        """
        if isinstance(self.space, dict):
            values = {name: spec.register(hp, name) for name, spec in self.space.items()}
            return {name: value for name, value in values.items() if hp.is_active(name)}
        return dict(self.space(hp))

    def split(self, values):
        """``(builder_kwargs, train_kwargs)``: keys the trainer names go to it."""
        to_train = set(values) & self.train_keys - (self.builder_keys or set())
        return ({k: v for k, v in values.items() if k not in to_train},
                {k: v for k, v in values.items() if k in to_train})

    def build(self, hp):
        builder_kwargs, _ = self.split(self.values(hp))
        if self.seed is not None:
            keras.utils.set_random_seed(self.seed)
        return keras_model_of("the builder's result", self.builder(**builder_kwargs))

    def fit(self, hp, model, *args, **kwargs):
        _, train_kwargs = self.split(self.values(hp))
        try:
            bundle = ModelBundle.from_model(model)
        except ValueError:
            bundle = model
        return self.train(bundle, *args, **{**kwargs, **train_kwargs})

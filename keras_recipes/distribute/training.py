"""``fit_on_workers``: train a bundle on several machines, data parallel, synchronously.

Seed 004 ("large batches"): N workers each take a slice of every global
batch, compute gradients on it, and all-reduce them, so one step equals one
step of a single machine on the whole global batch. When the global batch
grows beyond the batch the learning rate was tuned for, the linear scaling
rule (multiply the rate by ``k = global / reference``) applies, with a
gradual warmup from the reference rate (Goyal et al. 2017; see
``keras_recipes.schedules.linear_scaling``).

TensorFlow backend only: ``tf.distribute.MultiWorkerMirroredStrategy`` is
TensorFlow's API. On JAX, multi-host data parallelism is
``jax.distributed.initialize`` + ``keras.distribution.DataParallel``; this
function says so instead of failing deep inside JAX.
"""

from dataclasses import dataclass

from keras_recipes.checks import require_positive_int, require_positive_number
from keras_recipes.distribute.cluster import Cluster


def strategy_from_env():
    """``MultiWorkerMirroredStrategy`` configured from ``TF_CONFIG`` (TensorFlow only).

    Create it first thing in the program, before any TensorFlow operation
    runs: collective ops are configured at start-up.
    """
    _require_tensorflow()
    import tensorflow as tf

    return tf.distribute.MultiWorkerMirroredStrategy()


def _require_tensorflow():
    import keras

    backend = keras.backend.backend()
    if backend != "tensorflow":
        raise ValueError(
            "fit_on_workers uses tf.distribute.MultiWorkerMirroredStrategy, which needs "
            f"KERAS_BACKEND=tensorflow; received backend {backend!r}. On JAX use "
            "jax.distributed.initialize() and keras.distribution.set_distribution("
            "keras.distribution.DataParallel()) around an ordinary model.fit.")


@dataclass
class MultiWorkerResult:
    """What ``fit_on_workers`` did on this worker.

    Attributes:
        bundle: the trained bundle (or model); identical weights on every worker.
        history: ``History.history`` of this worker (losses are global means).
        worker: this worker's index; ``workers``: how many took part.
        global_batch_size, learning_rate, start_learning_rate, warmup_steps:
            the batch and the (scaled) rate schedule used.
    """

    bundle: object
    history: dict
    worker: int
    workers: int
    global_batch_size: int
    learning_rate: float
    start_learning_rate: float
    warmup_steps: int

    def table(self):
        rows = [("worker", f"{self.worker} of {self.workers}"),
                ("global batch", self.global_batch_size),
                ("learning rate", f"{self.start_learning_rate:g} -> {self.learning_rate:g} "
                                  f"over {self.warmup_steps} steps"),
                ("final loss", f"{self.history['loss'][-1]:.4f}")]
        return "\n".join(f"{name:<14} {value}" for name, value in rows)

    def plot(self):
        from keras_recipes.plots import plot_history

        return plot_history(self.history, title=f"{self.workers} workers, global batch "
                                                f"{self.global_batch_size}")


def _global_batch(dataset):
    first = next(iter(dataset.take(1)), None)
    if first is None:
        raise ValueError("train must yield at least one (x, y) batch; received an empty dataset")
    return int(first[0].shape[0])


def fit_on_workers(build, train, *, epochs, loss, learning_rate, optimizer="sgd",
                   reference_batch_size=None, warmup_epochs=5, metrics=None, strategy=None,
                   callbacks=None, verbose=0):
    """``model.fit`` of ``build()`` under ``MultiWorkerMirroredStrategy``, from ``TF_CONFIG``.

    Every worker runs the same call on the same ``train`` pipeline, batched
    with the global batch; each trains on its slice of every global batch
    (``AutoShardPolicy.DATA``) and the gradients are all-reduced, so the
    weights after each step equal a single machine's on the global batch,
    and are identical on every worker. With ``reference_batch_size`` below
    the global batch, the rate is scaled by ``k = global / reference`` and
    warmed up from ``learning_rate`` over ``warmup_epochs`` epochs.

    ```python
    # on each host, with its TF_CONFIG (see keras_recipes.distribute):
    strategy = strategy_from_env()            # first thing in the program
    result = fit_on_workers(lambda: kr.vgg(input_shape=(8, 8, 1), num_classes=10),
                            train, epochs=5, loss="sparse_categorical_crossentropy",
                            learning_rate=0.05, reference_batch_size=32, strategy=strategy)
    ```

    Args:
        build: ``build() -> ModelBundle`` (or ``keras.Model``), called inside the
            strategy's scope so the variables are mirrored.
        train: ``tf.data.Dataset`` of ``(x, y)`` global batches, same on every worker.
        epochs: epochs, int >= 1.
        loss: a Keras loss (name or object).
        learning_rate: rate tuned for ``reference_batch_size`` (or for the global
            batch when that is None), > 0.
        optimizer: Keras optimizer name (default ``"sgd"``).
        reference_batch_size: batch ``learning_rate`` was tuned for (default
            None: no scaling).
        warmup_epochs: warmup length when the rate is scaled up (default 5).
        metrics: Keras metrics for ``compile``.
        strategy: the strategy (default: ``strategy_from_env()``).
        callbacks, verbose: passed to ``fit``.
    Returns:
        ``MultiWorkerResult``.
    """
    _require_tensorflow()
    import keras
    import tensorflow as tf

    from keras_recipes.checks import keras_model_of
    from keras_recipes.distribute.keras_workarounds import multi_worker_fit
    from keras_recipes.schedules import Warmup, linear_scaling

    require_positive_int("epochs", epochs)
    require_positive_number("learning_rate", learning_rate)
    if not callable(build):
        raise TypeError(f"build must be a function returning a ModelBundle; received: {build!r}")
    if not isinstance(train, tf.data.Dataset):
        raise TypeError(f"train must be a tf.data.Dataset of (x, y) global batches; received: "
                        f"{type(train).__name__}")
    strategy = strategy if strategy is not None else strategy_from_env()
    cluster = Cluster.from_env()
    global_batch = _global_batch(train)
    steps_per_epoch = int(train.cardinality())
    if steps_per_epoch < 0:
        raise ValueError("train must have a known, finite number of batches (its cardinality); "
                         f"received cardinality {steps_per_epoch}")
    rate, start, warmup_steps = float(learning_rate), float(learning_rate), 0
    schedule = rate
    if reference_batch_size is not None:
        scaled = linear_scaling(global_batch, reference_batch_size=reference_batch_size,
                                reference_learning_rate=learning_rate, warmup_epochs=warmup_epochs)
        rate, start = scaled.learning_rate, scaled.start_learning_rate
        warmup_steps = scaled.warmup_steps(steps_per_epoch)
        schedule = Warmup(rate, warmup_steps, initial_learning_rate=start) if warmup_steps else rate
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    train = train.with_options(options)
    with strategy.scope():
        bundle = build()
        model = keras_model_of("build()", bundle)
        model.compile(optimizer=keras.optimizers.get({"class_name": optimizer,
                                                      "config": {"learning_rate": schedule}}),
                      loss=loss, metrics=metrics)
    with multi_worker_fit(model, strategy):
        history = model.fit(train, epochs=epochs, callbacks=callbacks, verbose=verbose)
    return MultiWorkerResult(bundle, history.history, cluster.index, strategy.num_replicas_in_sync,
                             global_batch, rate, start, warmup_steps)

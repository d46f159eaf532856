"""The only module here that touches private Keras API: ``model.fit`` under MultiWorkerMirroredStrategy.

Why (keras-team/keras#20585, "Does Keras 3 work with
tf.distribute.MultiWorkerMirroredStrategy?", open): with TensorFlow 2.21 and
Keras 3.x, the TensorFlow tutorial's multi-worker ``model.fit`` fails twice
on this project's two-worker test, before and after the first step:

1. ``fit`` builds the model symbolically from the first batch and, because
   the model was created in the strategy's scope, first averages that
   per-replica batch across workers with ``strategy.reduce("MEAN", batch,
   axis=None)``; ``CollectiveAllReduceStrategy`` cannot reduce a per-replica
   value of input data and raises "Attempt to convert a value (PerReplica
   ...) to a Tensor". Only the shapes are needed, and the model is already
   built (a functional bundle), so we let ``fit`` defer that build to the
   first traced step, as it does without a strategy: the model's private
   ``_distribute_strategy`` is set to None for the duration of ``fit`` and
   ``fit`` runs inside ``strategy.scope()``, so its public
   ``distribute_strategy`` property still returns the strategy.
2. Each step's logs (scalars) go through
   ``keras.src.backend.tensorflow.trainer.reduce_per_replica``, which under a
   multi-worker collective strategy calls ``strategy.reduce("MEAN", v,
   axis=0)``; a scalar has no axis 0 ("Invalid reduction dimension 0 for
   input with 0 dimensions"). For scalars only, we reduce a per-replica
   value with ``axis=None`` (the mean over replicas) and pass a worker's
   single local value through (the logged metric results come from metric
   variables that are already aggregated across workers: the test checks the
   logged loss is equal on both workers and equals a one-machine run's);
   every other case goes to Keras unchanged.

Checked on: keras 3.15.1 with tensorflow-cpu 2.21. If
Keras fixes #20585 both patches become no-ops in effect; if it renames the
private names, ``require_private_api`` fails with the missing name.
"""

import contextlib

PRIVATE_NAMES = ("keras.src.backend.tensorflow.trainer.reduce_per_replica",
                 "keras.src.backend.tensorflow.trainer._collective_all_reduce_multi_worker",
                 "keras.src.backend.tensorflow.trainer._is_per_replica_instance",
                 "keras.Model._distribute_strategy")


def require_private_api():
    """Raise ``ImportError`` naming the private Keras attribute this module needs and lacks."""
    from keras.src.backend.tensorflow import trainer

    for name in ("reduce_per_replica", "_collective_all_reduce_multi_worker", "_is_per_replica_instance"):
        if not hasattr(trainer, name):
            raise ImportError(f"keras_recipes.distribute needs keras.src.backend.tensorflow.trainer.{name}, "
                              "which this Keras version lacks (see keras_workarounds.py)")
    return trainer


def _scalar_safe_reduce(original, trainer):
    def reduce_per_replica(values, strategy, reduction):
        if reduction in ("auto", "mean") and trainer._collective_all_reduce_multi_worker(strategy):
            import tensorflow as tf

            def reduce(value):
                per_replica = trainer._is_per_replica_instance(value)
                first = value.values[0] if per_replica else value
                if getattr(first, "shape", None) is None or first.shape.rank != 0:
                    return original({"v": value}, strategy, reduction)["v"]
                # A scalar: the metric results Keras logs, already aggregated
                # by the metric's variables; one local replica gives a tensor.
                return strategy.reduce("MEAN", value, axis=None) if per_replica else value

            return tf.nest.map_structure(reduce, values)
        return original(values, strategy, reduction)

    return reduce_per_replica


@contextlib.contextmanager
def multi_worker_fit(model, strategy):
    """Context for ``model.fit`` of a model built in ``strategy.scope()`` (see the module docstring)."""
    trainer = require_private_api()
    original = trainer.reduce_per_replica
    saved = model._distribute_strategy
    trainer.reduce_per_replica = _scalar_safe_reduce(original, trainer)
    model._distribute_strategy = None
    try:
        with strategy.scope():
            yield model
    finally:
        model._distribute_strategy = saved
        trainer.reduce_per_replica = original

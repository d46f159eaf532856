"""Training and bottleneck extraction beyond one machine (seed 004, "large batches").

Building blocks, one floor down (they import plumbing, ``schedules`` and
``cache``, never a theme folder):

* ``cluster``: ``TF_CONFIG`` read into a ``Cluster`` (this worker's index,
  the workers' addresses), and ``local_tf_configs`` for N workers on
  127.0.0.1 (tests, laptops);
* ``training``: ``fit_on_workers``, ``model.fit`` of a bundle under
  ``tf.distribute.MultiWorkerMirroredStrategy``, with the linear scaling
  rule and warmup when the global batch outgrows the reference batch;
* ``extraction``: ``extract_on_workers``, each worker extracts its share of
  the bottleneck cache's shards, one manifest for the whole cache;
* ``keras_workarounds``: the one module that touches private Keras API
  (keras-team/keras#20585), and says why.

On a real cluster: start the same script on every host with its own
``TF_CONFIG``, identical but for ``task.index``, e.g. on host 1 of 2::

    TF_CONFIG='{"cluster": {"worker": ["host0:12345", "host1:12345"]},
                "task": {"type": "worker", "index": 1}}' python train.py

Every host builds the same ``tf.data`` pipeline with the *global* batch;
each worker trains on its slice of every global batch. The cache folder of
a distributed extraction must be on a file system all hosts share.
"""

from keras_recipes.distribute.cluster import Cluster, local_tf_configs
from keras_recipes.distribute.extraction import extract_on_workers
from keras_recipes.distribute.training import MultiWorkerResult, fit_on_workers, strategy_from_env

__all__ = ["Cluster", "MultiWorkerResult", "extract_on_workers", "fit_on_workers",
           "local_tf_configs", "strategy_from_env"]

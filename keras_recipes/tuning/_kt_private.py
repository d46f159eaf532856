"""Every use of KerasTuner's private API, in one place, each with the reason it is needed.

KerasTuner's public API (``keras_tuner.*``, ``keras_tuner.engine.*``,
``keras_tuner.oracles.*``) does not cover three things guided search does.
Everything below reaches past it; nothing else in the package does (a
test checks). Checked against keras-tuner 1.4.7 and 1.4.8, the range
setup.cfg pins (``keras-tuner>=1.4.7,<1.5``). When KerasTuner is upgraded,
``tests/test_tuning_private_api.py`` runs :func:`missing_private_api`,
which names any attribute below that has gone.

1. ``Oracle._duplicate(values)``: whether a configuration was already tried
   (KerasTuner's ``_tried_so_far``, saved with the oracle). Warm starts use
   it so a resumed search does not run a warm-start configuration twice;
   there is no public way to ask the oracle.
2. ``Tuner._configure_tensorboard_dir(callbacks, trial, execution)``: a
   hook KerasTuner calls for every trial; on the TensorFlow backend it
   imports ``tensorboard``, which TensorFlow >= 2.20 no longer installs.
   ``LazyTensorBoardMixin`` calls it only when a ``TensorBoard`` callback is
   actually used.
3. ``keras_tuner.src.protos`` and ``keras_tuner.src.distribute.oracle_chief``
   (``OracleServicer``, its ``stop_triggered`` flag, ``exit_chief``): the
   chief's gRPC loop. KerasTuner's own ``start_server`` polls every 20 s
   and never stops its server, so a second round could not reuse the port;
   ``serve_oracle`` in ``distributed.py`` runs the same loop with a short
   poll and a clean stop, built from these pieces.
"""

import importlib

# (module, attribute path) for every private name used here: what the test checks.
PRIVATE_API = (
    ("keras_tuner", "Oracle._duplicate"),
    ("keras_tuner", "Tuner._configure_tensorboard_dir"),
    ("keras_tuner.src.protos", "get_service_grpc"),
    ("keras_tuner.src.distribute.oracle_chief", "OracleServicer"),
    ("keras_tuner.src.distribute.oracle_chief", "exit_chief"),
)


def _resolve(module_name, path):
    value = importlib.import_module(module_name)
    for part in path.split("."):
        value = getattr(value, part)
    return value


def missing_private_api():
    """The private KerasTuner names this package uses that the installed KerasTuner lacks.

    Returns a list of ``"module.attribute"`` strings, empty when all are
    there. ``OracleServicer``'s ``stop_triggered`` is set in its
    ``__init__``, so it is checked on an instance over a throwaway oracle.
    """
    missing = []
    for module_name, path in PRIVATE_API:
        try:
            _resolve(module_name, path)
        except (ImportError, AttributeError):
            missing.append(f"{module_name}.{path}")
    if not missing:
        import keras_tuner

        oracle = keras_tuner.oracles.RandomSearchOracle(objective="loss", max_trials=1)
        servicer = _resolve("keras_tuner.src.distribute.oracle_chief", "OracleServicer")(oracle)
        if not hasattr(servicer, "stop_triggered"):
            missing.append("keras_tuner.src.distribute.oracle_chief.OracleServicer.stop_triggered")
    return missing


def already_tried(oracle, values):
    """Whether ``oracle`` has already tried the configuration ``values`` (1. above)."""
    return oracle._duplicate(values)


class LazyTensorBoardMixin:
    """Mix into a ``keras_tuner.Tuner``: import TensorBoard only when it is used (2. above)."""

    def _configure_tensorboard_dir(self, callbacks, trial, execution=0):
        if any(type(c).__name__ == "TensorBoard" for c in callbacks):
            super()._configure_tensorboard_dir(callbacks, trial, execution)


def oracle_server(oracle, address):
    """A started gRPC server serving ``oracle`` on ``address``, and its servicer (3. above).

    Raises ``RuntimeError`` if ``address`` cannot be bound.
    """
    import grpc
    from concurrent import futures

    from keras_tuner.src import protos
    from keras_tuner.src.distribute import oracle_chief

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
    servicer = oracle_chief.OracleServicer(oracle)
    protos.get_service_grpc().add_OracleServicer_to_server(servicer, server)
    if not server.add_insecure_port(address):
        raise RuntimeError(f"the chief could not listen on {address}; is the port in use?")
    server.start()
    return server, servicer


def chief_may_stop(servicer, oracle):
    """True once every worker has asked to stop and no trial is still running (3. above)."""
    from keras_tuner.src.distribute import oracle_chief

    return servicer.stop_triggered and oracle_chief.exit_chief(oracle)

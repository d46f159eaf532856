"""``TF_CONFIG``, the cluster description every worker of a multi-worker job reads.

``TF_CONFIG`` is TensorFlow's convention (JSON in an environment variable:
``{"cluster": {"worker": [addresses]}, "task": {"type": "worker", "index": i}}``);
the file-based parts of this package (the distributed cache) only need the
worker's index and the number of workers, so they read it here rather than
through TensorFlow.
"""

import json
import os
import socket
from dataclasses import dataclass


@dataclass(frozen=True)
class Cluster:
    """The workers of a job and which one this process is.

    Attributes:
        workers: the workers' ``host:port`` addresses, index order.
        index: this process's worker index.
    """

    workers: tuple
    index: int

    @property
    def count(self):
        return len(self.workers)

    @property
    def is_chief(self):
        """Worker 0 (TensorFlow's default chief when the cluster has no "chief" task)."""
        return self.index == 0

    @classmethod
    def from_env(cls, environ=None):
        """The cluster in ``TF_CONFIG``; one local worker when it is unset.

        >>> Cluster.from_env({}).count
        1
        >>> config = '{"cluster": {"worker": ["a:1", "b:2"]}, "task": {"type": "worker", "index": 1}}'
        >>> Cluster.from_env({"TF_CONFIG": config}).index
        1
        """
        environ = os.environ if environ is None else environ
        text = environ.get("TF_CONFIG")
        if not text:
            return cls(("localhost",), 0)
        try:
            config = json.loads(text)
            workers = tuple(config["cluster"]["worker"])
            task = config["task"]
            index = int(task["index"])
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError("TF_CONFIG must be JSON like {\"cluster\": {\"worker\": [\"host:port\", "
                             "...]}, \"task\": {\"type\": \"worker\", \"index\": 0}}; "
                             f"received: TF_CONFIG={text!r}") from error
        if task.get("type") != "worker" or not 0 <= index < len(workers):
            raise ValueError("TF_CONFIG's task must be a worker with 0 <= index < number of "
                             f"workers ({len(workers)}); received: task={task!r}")
        return cls(workers, index)


def free_ports(count):
    """``count`` distinct TCP ports free on 127.0.0.1 right now."""
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def local_tf_configs(count, ports=None):
    """One ``TF_CONFIG`` string per worker of a ``count``-worker job on 127.0.0.1.

    >>> configs = local_tf_configs(2, ports=[20001, 20002])
    >>> Cluster.from_env({"TF_CONFIG": configs[1]}).workers
    ('127.0.0.1:20001', '127.0.0.1:20002')

    Args:
        count: number of workers, >= 1.
        ports: their ports (default: free ports picked now).
    """
    ports = list(ports) if ports is not None else free_ports(count)
    if len(ports) != count:
        raise ValueError(f"ports must hold count={count} ports; received: ports={ports!r}")
    workers = [f"127.0.0.1:{port}" for port in ports]
    return [json.dumps({"cluster": {"worker": workers}, "task": {"type": "worker", "index": i}})
            for i in range(count)]

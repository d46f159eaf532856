"""Worker processes for the benches that split their work among the cores (not a bench itself)."""

import os


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def limit_threads(threads):
    """Give TensorFlow ``threads`` intra-op threads and one inter-op thread (call before anything runs).

    Workers share the cores: left at TensorFlow's default (a pool as wide as the
    machine, in each process), two workers on two cores would each spin a
    thread per core and fight over them; the benches' small models gain little
    from more than one core per op anyway.
    """
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)

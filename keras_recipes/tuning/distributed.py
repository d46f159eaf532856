"""Guided search beyond one machine: KerasTuner's chief oracle and workers, round by round.

KerasTuner's distributed mode is set by three environment variables in
every process: ``KERASTUNER_TUNER_ID`` ("chief" for the oracle, any other
id for a worker), ``KERASTUNER_ORACLE_IP`` and ``KERASTUNER_ORACLE_PORT``.
All processes run the same ``guided_search`` call with the same
``directory`` (a shared file system). Guided search adds rounds on top, each
a beam of neighbourhoods with an oracle each: the i-th oracle (round 0,
then every round's neighbourhoods in order; 1 + top_k per narrowed round at
most) is served on port ``KERASTUNER_ORACLE_PORT + i``, so keep that many
consecutive ports free. The chief narrows between rounds; workers only ask
it for trials.

Two things in KerasTuner's own chief loop (``oracle_chief.start_server``)
do not suit several rounds: it polls every 20 s once the last trials are
out, and it never stops its gRPC server, so a second round could not reuse
the port. ``serve_oracle`` is that loop with a short poll and a clean stop,
built from KerasTuner's own servicer (private API, kept in ``_kt_private``).

Run a chief and two workers on this machine (see ``launch_local``)::

    python -m keras_recipes.tuning.distributed_example --directory /tmp/guided --workers 2
"""

import contextlib
import os
import socket
import subprocess
import time

TUNER_ID, ORACLE_IP, ORACLE_PORT = "KERASTUNER_TUNER_ID", "KERASTUNER_ORACLE_IP", "KERASTUNER_ORACLE_PORT"


def role():
    """``"standalone"``, ``"chief"`` or ``"worker"``, read from KerasTuner's variables."""
    if ORACLE_IP not in os.environ:
        return "standalone"
    missing = [v for v in (ORACLE_PORT, TUNER_ID) if v not in os.environ]
    if missing:
        raise RuntimeError(f"{ORACLE_IP} is set but {missing} are not; set all three")
    return "chief" if "chief" in os.environ[TUNER_ID] else "worker"


@contextlib.contextmanager
def round_port(index):
    """Within the block, ``KERASTUNER_ORACLE_PORT`` is the base port + ``index`` (the oracle's)."""
    if role() == "standalone":
        yield
        return
    base = os.environ[ORACLE_PORT]
    os.environ[ORACLE_PORT] = str(int(base) + index)
    try:
        yield
    finally:
        os.environ[ORACLE_PORT] = base


def serve_oracle(tuner, poll_seconds=0.2):
    """Serve ``tuner``'s oracle to the workers until every trial has ended, then stop.

    Called on the chief instead of ``tuner.search``.
    """
    from keras_recipes.tuning._kt_private import chief_may_stop, oracle_server

    tuner.save()
    address = f"{os.environ[ORACLE_IP]}:{os.environ[ORACLE_PORT]}"
    server, servicer = oracle_server(tuner.oracle, address)
    try:
        while not chief_may_stop(servicer, tuner.oracle):
            time.sleep(poll_seconds)
    finally:
        server.stop(grace=1).wait()


def free_port(span=2, host="127.0.0.1"):
    """A port p such that p .. p + span - 1 are free on ``host`` right now."""
    for _ in range(100):
        with socket.socket() as s:
            s.bind((host, 0))
            port = s.getsockname()[1]
        try:
            for offset in range(1, span):
                with socket.socket() as s:
                    s.bind((host, port + offset))
            return port
        except OSError:
            continue
    raise RuntimeError(f"no {span} consecutive free ports found on {host}")


def tuner_env(tuner_id, port, host="127.0.0.1"):
    """A copy of ``os.environ`` with KerasTuner's three distributed variables set."""
    return {**os.environ, TUNER_ID: tuner_id, ORACLE_IP: host, ORACLE_PORT: str(port)}


def launch_local(argv, *, workers=2, port=None, timeout=600, log_dir=None):
    """Run ``argv`` as a chief and ``workers`` workers on 127.0.0.1; wait for all.

    Every process gets the same ``argv`` (e.g. ``[sys.executable, "-m",
    "keras_recipes.tuning.distributed_example", "--directory", d]``) and
    its own ``KERASTUNER_TUNER_ID`` ("chief", "worker0", ...). If any
    process fails or ``timeout`` seconds pass, all are killed and
    ``RuntimeError`` shows the tail of each log.

    Returns:
        ``{tuner_id: log text}``.
    """
    import tempfile

    port = port or free_port(span=8)
    log_dir = log_dir or tempfile.mkdtemp(prefix="guided_logs_")
    ids = ["chief"] + [f"worker{i}" for i in range(workers)]
    procs, logs = {}, {}
    for tuner_id in ids:
        logs[tuner_id] = open(os.path.join(log_dir, f"{tuner_id}.log"), "w+")
        procs[tuner_id] = subprocess.Popen(
            argv, env=tuner_env(tuner_id, port), stdout=logs[tuner_id], stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    failed = None
    while any(p.poll() is None for p in procs.values()):
        bad = [t for t, p in procs.items() if p.poll() not in (None, 0)]
        if bad or time.monotonic() > deadline:
            failed = f"{bad} exited with an error" if bad else f"timed out after {timeout} s"
            break
        time.sleep(0.5)
    if failed is None:
        bad = [t for t, p in procs.items() if p.returncode != 0]
        failed = f"{bad} exited with an error" if bad else None
    for p in procs.values():
        if p.poll() is None:
            p.kill()
            p.wait()
    texts = {}
    for tuner_id, f in logs.items():
        f.seek(0)
        texts[tuner_id] = f.read()
        f.close()
    if failed:
        tails = "\n".join(f"--- {t} ---\n{text[-3000:]}" for t, text in texts.items())
        raise RuntimeError(f"distributed search failed: {failed}\n{tails}")
    return texts

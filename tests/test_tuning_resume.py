"""Guided search survives SIGKILL mid-trial, in round 0 and in round 1; and runs distributed."""

import json
import os
import signal
import socket
import sys

import pytest

from keras_recipes.tuning import Float, Int, beam_spaces

# Runs the job in a new process and reports how it ended. The process is forked from a child of
# conftest's fresh-process worker (numpy and keras imported, nothing run): like a new interpreter
# it shares nothing with the run before it but the project on disk, without paying a Python and
# TensorFlow (or JAX) import per run. Its child is the one that SIGKILLs itself; the exit status
# is printed, and anything else than the SIGKILL fails the test with the job's traceback.
KILLED_JOB = """
import os, signal, sys, traceback
pid = os.fork()
if pid == 0:
    code = 1
    try:
        sys.path.insert(0, "tests")
        import tuning_job
        tuning_job.main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
        code = 0
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush(); sys.stderr.flush()
        os._exit(code)
status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
print("exit status", status)
sys.exit(0 if status == -signal.SIGKILL else 1)
"""


def _run_killed_job(fresh_python, directory, log, kill_at):
    """Run tuning_job.py in a new process that kills itself in its ``kill_at``-th trial."""
    out = fresh_python(KILLED_JOB, directory, log, kill_at, timeout=300)
    assert out.strip().splitlines()[-1] == f"exit status {-signal.SIGKILL}", out[-2000:]


def _started(log, since=0):
    return [float(line) for line in log.read_text().split()][since:]


@pytest.mark.slow
def test_sigkill_mid_trial_resumes_without_repeating_finished_trials(tmp_path, capsys, fresh_python):
    log = tmp_path / "started.log"
    # Run 1: killed during the 2nd trial of round 0 (1 trial finished).
    _run_killed_job(fresh_python, tmp_path, log, kill_at=2)
    run1 = _started(log)
    assert len(run1) == 2
    # Run 2: retries the killed trial, finishes round 0, narrows, is killed in round 1.
    _run_killed_job(fresh_python, tmp_path, log, kill_at=3)
    run2 = _started(log, since=2)
    assert len(run2) == 3
    assert run2[0] == run1[1]            # the interrupted trial, re-run with its values
    assert run1[0] not in run2           # the finished one is not repeated
    manifest = json.loads((tmp_path / "resume" / "guided_search.json").read_text())
    assert sorted(manifest["rounds"]) == ["0", "1"]
    # Run 3, in this process (only the killed runs need their own): retries the
    # interrupted round-1 trial and completes.
    import tuning_job

    tuning_job.main(str(tmp_path), str(log), 0)
    run3 = _started(log, since=5)
    assert run3[0] == run2[2] and len(run3) == 3
    assert not set(run3) & {run1[0], run2[0], run2[1]}   # nothing finished is run again
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    rows = result["trials"]
    assert [r["round"] for r in rows] == [0, 0, 0, 1, 1, 1]
    assert all(r["status"] == "COMPLETED" for r in rows)
    assert sorted(r["learning_rate"] for r in rows) == sorted(run1[:1] + run2 + run3[1:])
    # Round 1 is the beam around round 0's top 2 (2 + 1 trials), unchanged by the kills.
    space = {"width": Int(4, 8), "learning_rate": Float(1e-4, 1e-1, log=True)}
    beam = beam_spaces(space, result["top_round0"])
    assert result["beam"] == [{k: repr(v) for k, v in b.items()} for b in beam]
    assert [r["neighbourhood"] for r in rows[3:]] == [0, 0, 1]
    assert all(beam[r["neighbourhood"]][k].contains(r[k]) for r in rows[3:] for k in space)


def _loopback_tcp_works():
    try:
        with socket.socket() as server, socket.socket() as client:
            server.bind(("127.0.0.1", 0))
            server.listen(1)
            client.settimeout(2)
            client.connect(server.getsockname())
        return True
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not _loopback_tcp_works(), reason="loopback TCP is unavailable here")
def test_distributed_chief_and_two_workers_spread_trials_and_narrow(tmp_path):
    from keras_recipes.tuning.distributed import launch_local

    command = [sys.executable, "-m", "keras_recipes.tuning.distributed_example",
               "--directory", str(tmp_path), "--trials", "3,3", "--steps", "2", "--eager"]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    logs = launch_local(command, workers=2, timeout=400)
    lines = logs["chief"].splitlines()
    table = lines[lines.index(next(x for x in lines if x.startswith("round  trial"))):]
    rows = [line.split() for line in table[1:] if line.strip()]
    assert [r[0] for r in rows] == ["0"] * 3 + ["1"] * 3     # both rounds ran in full
    assert {r[2] for r in rows} == {"worker0", "worker1"}   # spread over both workers
    manifest = json.loads((tmp_path / "distributed" / "guided_search.json").read_text())
    assert len(manifest["rounds"]["1"]) == 2   # the beam round ran: two neighbourhoods
    assert {r[3] for r in rows[3:]} == {n["around"] for n in manifest["rounds"]["1"]}
    assert "Int[4, 16] log" in logs["chief"] and "round 1, neighbourhood 1 around" in logs["chief"]

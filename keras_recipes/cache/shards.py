"""Sharded, checksummed, atomically written ``.npy`` files.

Why ``.npy`` shards and not ``tf.data.Dataset.save`` / ``snapshot``: each
shard is one plain file we can checksum, rename into place when complete and
read back with numpy alone (in the CLI, in a test, outside TensorFlow).
``snapshot`` keys its files on the input pipeline's graph, not on the
encoder's weight values, so it would silently reuse stale features; ``save``
gives no per-file checksums to check a truncated file against. Reading goes
back through ``tf.data`` (see ``reader.py``); the manifest that lists the
shards is ``manifest.Manifest``.

Safety protocol (issue 5, "Safety"):

* a shard is written to ``<name>.tmp-<pid>``, flushed, fsynced and only then
  renamed to its final name (``os.replace`` is atomic);
* the manifest, which lists every complete shard with its sha256, is
  rewritten (atomically, the same way) after each shard, so a shard file
  that the manifest does not list (a run killed between the rename and the
  manifest) is ignored, and ``*.tmp-*`` leftovers are never read;
* every read checks the file's sha256 against the manifest first.
"""

import hashlib
import io
import os

import numpy as np


class CorruptShardError(ValueError):
    """A shard file's bytes do not match the checksum in the manifest."""


def atomic_write_bytes(path, data):
    """Write ``data`` to ``path`` via a fsynced temporary file and an atomic rename."""
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def write_array(directory, name, array):
    """Atomically save ``array`` as ``directory/name``; return its manifest record."""
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
    data = buffer.getvalue()
    atomic_write_bytes(os.path.join(directory, name), data)
    return {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def read_array(directory, record):
    """Load a shard file after checking its size and sha256 against ``record``.

    Raises ``CorruptShardError`` (never returns data) when the file is
    missing, truncated or altered.
    """
    path = os.path.join(directory, record["name"])
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError as error:
        raise CorruptShardError(f"shard file {path} is missing") from error
    digest = hashlib.sha256(data).hexdigest()
    if len(data) != record["bytes"] or digest != record["sha256"]:
        raise CorruptShardError(
            f"shard file {path} is corrupt: {len(data)} bytes with sha256 {digest[:12]}..., "
            f"manifest says {record['bytes']} bytes with sha256 {record['sha256'][:12]}..."
        )
    return np.load(io.BytesIO(data), allow_pickle=False)


def file_is_intact(directory, record):
    """True when the shard file exists with the size and sha256 in ``record``."""
    try:
        read_array(directory, record)
    except CorruptShardError:
        return False
    return True


def shard_is_intact(directory, shard):
    """True when every file of a manifest shard entry passes ``file_is_intact``."""
    return all(file_is_intact(directory, record) for record in shard["files"].values())


def directory_bytes(directory):
    """Total size in bytes of the files in ``directory``."""
    return sum(entry.stat().st_size for entry in os.scandir(directory) if entry.is_file())

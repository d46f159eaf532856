"""The manifest of one cache entry: a small versioned dataclass, and the one reuse rule.

Every module of the cache reads and writes the manifest through this type
(``Manifest.load`` / ``Manifest.save``, ``to_json`` / ``from_json``); no
other module parses ``manifest.json``. The same holds for the question "may
these files be reused?", answered by ``Manifest.reusable_shards`` alone:

* the entry's manifest has this module's ``FORMAT_VERSION`` and the key the
  caller computed (encoder, data and augmentation fingerprints);
* a shard counts only if every one of its files passes its size and sha256
  check, and, when the caller knows which examples the shard must hold, its
  input digest equals theirs.

A complete entry whose every shard passes is a full cache hit; an incomplete
one (a killed run) keeps the shards that pass and recomputes the rest.
"""

import dataclasses
import json
import os
import warnings
from dataclasses import dataclass, field

from keras_recipes.cache import shards as shard_files

MANIFEST = "manifest.json"
FORMAT_VERSION = 2  # 1: the untyped dict of the first cache (same fields, read as stale)


@dataclass
class ShardRecord:
    """One complete shard: its example count, its input digest and its files.

    Attributes:
        examples: number of examples in the shard.
        input: hex multiset digest of the shard's (x, y) examples.
        files: ``{"labels": record, "copy0": record, ...}``, each record the
            ``{"name", "sha256", "bytes"}`` dict of ``shards.write_array``.
    """

    examples: int
    input: str
    files: dict

    def is_intact(self, directory):
        """True when every file exists with the size and sha256 recorded here."""
        return all(shard_files.file_is_intact(directory, record) for record in self.files.values())


@dataclass
class Manifest:
    """What a cache entry holds and how it was made (``manifest.json``).

    Fingerprint fields (fixed when the entry is created): ``key``,
    ``encoder``, ``data``, ``data_content``, ``augment``, ``copies``,
    ``seed``, ``encoder_name``, ``feature_shape``, ``feature_dtype``,
    ``label_shape``, ``label_dtype``. Progress fields (updated as shards are
    written): ``shards`` (id -> ``ShardRecord``), ``complete``,
    ``num_examples``, ``content_seen``, ``reused_shards``, ``workers`` (how
    many processes wrote shards: 1, or the worker count of a distributed
    extraction).

    >>> m = Manifest(key="k", encoder="e", data="d", data_content="c", augment="a",
    ...              copies=1, seed=0, encoder_name="enc", feature_shape=[4],
    ...              feature_dtype="float32", label_shape=[], label_dtype="int64")
    >>> Manifest.from_json(m.to_json()) == m
    True
    """

    key: str
    encoder: str
    data: str
    data_content: str
    augment: str
    copies: int
    seed: int
    encoder_name: str
    feature_shape: list
    feature_dtype: str
    label_shape: list
    label_dtype: str
    shards: dict = field(default_factory=dict)
    complete: bool = False
    num_examples: int = 0
    content_seen: str = ""
    reused_shards: int = 0
    workers: int = 1
    format: int = FORMAT_VERSION

    def to_json(self):
        """The manifest as JSON text (sorted keys, so equal manifests give equal text)."""
        return json.dumps(dataclasses.asdict(self), indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text):
        """Parse ``to_json``'s text; ``ValueError`` if it is not a manifest of this format."""
        try:
            fields = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"manifest is not valid JSON: {error}") from error
        if not isinstance(fields, dict) or fields.get("format") != FORMAT_VERSION:
            received = fields.get("format") if isinstance(fields, dict) else type(fields).__name__
            raise ValueError(f"manifest format must be {FORMAT_VERSION}; received: format={received!r}")
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(fields) - names)
        if unknown:
            raise ValueError(f"manifest has unknown fields {unknown}; allowed: {sorted(names)}")
        fields["shards"] = {k: ShardRecord(**v) for k, v in fields.get("shards", {}).items()}
        return cls(**fields)

    @classmethod
    def load(cls, directory, name=MANIFEST):
        """The entry's manifest (``directory/name``), or None when absent or of another format."""
        path = os.path.join(directory, name)
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        except (FileNotFoundError, NotADirectoryError):
            return None
        try:
            return cls.from_json(text)
        except (ValueError, TypeError):
            return None  # an older format or a foreign file: treated as no cache, rebuilt

    def save(self, directory, name=MANIFEST):
        """Atomically replace ``directory/name`` (written after the shards it lists)."""
        shard_files.atomic_write_bytes(os.path.join(directory, name), self.to_json().encode("utf-8"))

    def fresh(self):
        """The same fingerprint fields with no shards: the start of a new extraction."""
        return dataclasses.replace(self, shards={}, complete=False, num_examples=0,
                                   content_seen="", reused_shards=0, workers=1)

    def file_names(self):
        """Every file name the manifest lists, the manifest itself included."""
        return {MANIFEST} | {record["name"] for shard in self.shards.values()
                             for record in shard.files.values()}

    def reusable_shards(self, directory, key, *, inputs=None, warn=True):
        """The one reuse rule: the shards of this entry that a caller with ``key`` may read.

        Args:
            directory: the entry's folder.
            key: the cache key the caller computed; another key (or another
                format) reuses nothing.
            inputs: optional ``{shard_id: input digest}`` the caller expects;
                a shard whose digest differs is not reused.
            warn: warn about shards dropped for missing or corrupt files.
        Returns:
            ``{shard_id: ShardRecord}`` of the shards that pass.
        """
        if self.format != FORMAT_VERSION or self.key != key:
            return {}
        kept = {}
        for shard_id, shard in self.shards.items():
            if inputs is not None and inputs.get(shard_id) != shard.input:
                continue
            if shard.is_intact(directory):
                kept[shard_id] = shard
            elif warn:
                warnings.warn(f"feature cache {directory}: shard {shard_id} is missing or corrupt "
                              "(checksum mismatch); recomputing it", stacklevel=3)
        return kept

    def is_full_hit(self, directory, key):
        """True when the entry is complete and every shard passes ``reusable_shards``."""
        return self.complete and len(self.reusable_shards(directory, key, warn=False)) == len(self.shards)


def remove_unlisted(directory, manifest):
    """Delete ``*.tmp-*`` files and shard files that ``manifest`` (None: no manifest) does not list."""
    listed = manifest.file_names() if manifest is not None else {MANIFEST}
    for name in os.listdir(directory):
        if name not in listed:
            os.remove(os.path.join(directory, name))

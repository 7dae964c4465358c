"""Results on disk: the folder a run writes, and how it is kept safe and reusable.

A results folder holds the final tables (``<name>.parquet`` and ``<name>.csv``), the
per-chunk Parquet *parts* under ``parts/`` and a manifest, ``.newsroom-workbook.json``,
that lists the finished chunks. This module owns everything about that folder; the runner
(:mod:`analysis.runner`) only decides what to analyse and where.

Output-folder safety
    Nothing is written outside the folder (:func:`atomic_path` refuses any path that
    resolves elsewhere and replaces symbolic links instead of writing through them). A
    folder that exists, is not empty and has no manifest is refused unless ``force``
    (:func:`prepare_out_dir`). Every file is written to a temporary file in its own folder
    and moved into place with :func:`os.replace`, so a crash leaves the previous complete
    file.

Content hashes
    Every article gets a content hash (:func:`content_hash`: its metadata and text, the
    settings and :func:`code_fingerprint`), stored in each chunk's ``index`` part, so a
    later run reuses the rows of every article whose hash is already in a finished chunk.

Streaming merge
    :func:`write_final_tables` builds the final tables from the parts without holding the
    corpus in memory: each part is sorted by ``article_id``, so walking the live articles in
    order and taking each run of consecutive articles from the same chunk yields the tables
    in key order, a few row batches per open part at a time.

Corpus-level step
    :func:`link_final_tables` then links speakers across the corpus and applies the
    corrections on the merged tables (the parts stay per article), on every run: the
    speakers table is read whole, quotes are rewritten one row group at a time.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import functools
import hashlib
import importlib.resources
import json
import os
import re
import secrets
import socket
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from analysis.aggregate import (
    CATEGORIES,
    DIMENSIONS,
    TALLY_COLUMNS,
    article_counts,
    count_column,
    speaker_tally,
)
from analysis.aggregate import MEASURES as BALANCE_MEASURES
from analysis.errors import OutputError
from analysis.pipeline import (
    SPEAKER_LINK_COLUMNS,
    Results,
    combine,
    correct_results,
    link_corpus,
    speaker_columns_of_quotes,
)
from analysis.schema import (
    ARTICLE_SENTIMENT,
    COUNT_COLUMNS,
    FAILURE_COLUMNS,
    METADATA_COLUMNS,
    PROBLEM_COLUMNS,
    QUOTE_DTYPES,
    QUOTE_SENTIMENT,
    SPEAKER_DTYPES,
    article_columns,
    extra_metadata,
    quote_columns,
)
from analysis.speakers import APPLIED_COLUMNS, Correction, correction_targets

MANIFEST = ".newsroom-workbook.json"
"""The marker and manifest file of a results folder written by this package."""

FORMAT = "newsroom-workbook results"
FORMAT_VERSION = 1
TABLES = ("quotes", "speakers", "articles", "balance", "problems")
"""Final tables, each written as ``<name>.parquet`` and ``<name>.csv``."""

PART_TABLES = ("quotes", "speakers", "articles", "failures", "index", "counts")
"""Parts written for each chunk, as ``parts/<chunk>-<table>.parquet``."""
PARTS_VERSION = 2
"""Layout of the parts; 2 added ``counts`` (per-article balance counts). Part of the settings,
so parts of another layout are never reused."""
CSV_TYPES = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
"""Arrow -> pandas types for tables read back (nullable integers and booleans)."""
TALLY_INPUT = [
    "article_id",
    "speaker",
    "speaker_key",
    "speaker_id",
    "n_quotes",
    "n_words",
    "is_anonymous",
]
"""Speaker columns :func:`analysis.aggregate.speaker_tally` needs."""

_FRAGMENTS = pa.list_(pa.list_(pa.int64()))
_TMP_PREFIX = ".tmp-"
_ROW_GROUP = 16_384


# --- output folder safety -------------------------------------------------------------


RUN_OUTPUTS = (
    *(f"{name}.{kind}" for name in TABLES for kind in ("parquet", "csv")),
    "corrections.parquet",
    "corrections.csv",
    "report.html",
    "figures",
    "parts",
)
"""What a run writes in its folder: with ``force``, a folder of the user's that holds any of
these is refused, so that nothing of the user's is overwritten or deleted."""


def prepare_out_dir(
    out_dir: str | os.PathLike[str],
    *,
    force: bool = False,
    corpus: str | os.PathLike[str] = "",
    replace: bool = False,
    outputs: Sequence[str] = RUN_OUTPUTS,
) -> dict[str, Any] | None:
    """Check that ``out_dir`` may be written and create it; return its manifest if any.

    Parameters
    ----------
    out_dir : str or Path
        The results folder.
    force : bool, optional
        Write into a non-empty folder that has no manifest (beside its files, none of which
        may bear the name of one of ``outputs``), or whose manifest cannot be read.
    corpus : str or Path, optional
        The corpus the results are of: ``out_dir`` may not lie inside it, and a folder
        holding the results of another corpus is refused unless ``replace``.
    replace : bool, optional
        Let a run replace the results of another corpus.
    outputs : sequence of str, optional
        Names the run writes in the folder.

    Raises
    ------
    OutputError
        When ``out_dir`` is a file, lies inside the corpus folder (its tables would be read
        as articles next time), is a non-empty folder without a manifest and ``force`` is
        false (or holds files of the run's names), or holds the results of another corpus
        and ``replace`` is false.
    """
    out = Path(out_dir)
    if corpus:
        root = Path(corpus).resolve()
        if root.is_dir() and (out.resolve() == root or root in out.resolve().parents):
            raise OutputError(
                f"{out}: the output folder is inside the corpus folder {corpus}; "
                "its tables would be read as articles next time; choose another --out"
            )
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a folder")
    manifest_path = out / MANIFEST
    if out.is_dir() and not manifest_path.is_file():
        # the lock and temporary files of a run starting in this folder right now are ours
        present = sorted(
            p.name for p in out.iterdir() if p.name != LOCK and not _TEMPORARY.fullmatch(p.name)
        )
        if present and not force:
            raise OutputError(
                f"{out}: folder is not empty and was not written by newsroom-workbook "
                f"(no {MANIFEST}); choose an empty or new folder, or pass --force to write "
                "into it anyway"
            )
        clash = sorted(set(present) & set(outputs))
        if clash:
            raise OutputError(
                f"{out}: folder was not written by newsroom-workbook and holds "
                f"{', '.join(clash)}, which a run would overwrite; nothing was changed; "
                "choose an empty or new folder"
            )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"{out}: cannot create the folder ({err.strerror or err})") from None
    if not manifest_path.is_file():
        return None
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        if not force:
            raise OutputError(
                f"{manifest_path}: unreadable manifest ({err}); pass --force to start afresh"
            ) from None
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        if not force:
            raise OutputError(
                f"{manifest_path}: not a newsroom-workbook manifest; pass --force to start afresh"
            )
        return None
    earlier = manifest.get("corpus")
    if corpus and isinstance(earlier, str) and earlier != corpus_id(corpus) and not replace:
        held = manifest.get("n_articles")
        what = f"{held:,} articles of " if isinstance(held, int) else ""
        state = "" if manifest.get("complete") else " (an unfinished run)"
        raise OutputError(
            f"{out}: holds the results of {what}another corpus, {earlier}{state}; "
            "choose another --out, or pass --replace to replace them"
        )
    return manifest


def corpus_id(corpus: str | os.PathLike[str]) -> str:
    """How a manifest names the corpus its results are of: the corpus's absolute path."""
    return str(Path(corpus).resolve())


LOCK = ".newsroom-workbook.lock"
"""The lock file of a results folder: it names the process writing into the folder."""


@contextlib.contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold the results folder ``out`` for this process for the duration of the block.

    The lock is an operating-system lock on ``out/.newsroom-workbook.lock``, released by
    the system when the process ends however it ends, so the lock of a killed run (a dead
    process) never blocks the next one. The file says which process holds it.

    Raises
    ------
    OutputError
        When another process holds the folder.
    """
    path = out / LOCK
    try:
        handle = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o666)
    except OSError as err:
        raise OutputError(f"{path}: cannot create the lock file ({err.strerror or err})") from None
    try:
        if not _try_lock(handle):
            raise OutputError(
                f"{out}: another newsroom-workbook run ({_holder(path)}) is writing into this "
                "folder; wait for it to finish, or choose another --out"
            )
        stamp = {"pid": os.getpid(), "host": socket.gethostname(), "started": _now()}
        os.ftruncate(handle, 0)
        os.lseek(handle, 0, os.SEEK_SET)
        os.write(handle, (json.dumps(stamp) + "\n").encode())
        yield
    finally:
        os.close(handle)  # closing the file releases the lock


def _try_lock(handle: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(handle, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _holder(path: Path) -> str:
    try:
        stamp = json.loads(path.read_text(encoding="utf-8"))
        return f"process {int(stamp['pid'])} on {stamp['host']}, started {stamp['started']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "a process"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _inside(out: Path, relative: str) -> Path:
    """``out / relative``, refusing any path whose folder resolves outside ``out``."""
    target = out / relative
    root = out.resolve()
    folder = target.parent.resolve()
    if folder != root and root not in folder.parents:
        raise OutputError(f"{target}: resolves outside the output folder {out}; not written")
    if target.is_symlink():
        target.unlink()
    return target


def _new_temporary(folder: Path, suffix: str) -> Path:
    """Create an empty, new file named ``.tmp-<random><suffix>`` in ``folder``.

    Created with ``O_EXCL`` (never an existing file or a planted link) and mode 0666, so the
    process umask applies as it does to any file the user creates.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    while True:
        path = folder / f"{_TMP_PREFIX}{secrets.token_hex(8)}{suffix}"
        try:
            os.close(os.open(path, flags, 0o666))
        except FileExistsError:
            continue
        return path


@contextlib.contextmanager
def atomic_path(out: Path, relative: str) -> Iterator[Path]:
    """A temporary path beside ``out / relative``, moved into place when the block succeeds.

    The temporary file lives in the same folder (so :func:`os.replace` is atomic) and is
    removed when the block raises; the previous file, if any, is left untouched.
    """
    target = _inside(out, relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = _new_temporary(target.parent, target.suffix)
    try:
        yield temporary
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_bytes_atomic(out: Path, relative: str, data: bytes) -> None:
    """Write ``data`` to ``out / relative`` atomically."""
    with atomic_path(out, relative) as temporary:
        temporary.write_bytes(data)


_TEMPORARY = re.compile(re.escape(_TMP_PREFIX) + r"[0-9a-f]{16}(\.[a-z]+)?")


def remove_temporaries(out: Path) -> None:
    """Delete the temporary files a killed run left (``.tmp-`` and 16 hex digits)."""
    for folder in (out, out / "parts", out / "figures"):
        if folder.is_dir() and not folder.is_symlink():
            for leftover in folder.iterdir():
                if _TEMPORARY.fullmatch(leftover.name) and not leftover.is_dir():
                    leftover.unlink(missing_ok=True)


# --- hashing ----------------------------------------------------------------------------


@functools.cache
def code_fingerprint() -> str:
    """sha256 of the analysis code and lexicons: results of other code are not reused."""
    digest = hashlib.sha256()
    package = importlib.resources.files("analysis")
    skip = {"cli.py", "runner.py", "store.py", "report.py", "distributed.py"}
    names = sorted(
        p.name for p in package.iterdir() if p.name.endswith(".py") and p.name not in skip
    )
    for name in names:
        digest.update(name.encode())
        digest.update((package / name).read_bytes())
    lexicons = package / "lexicons"
    for name in sorted(p.name for p in lexicons.iterdir() if p.name.endswith((".txt", ".tsv"))):
        digest.update(name.encode())
        digest.update((lexicons / name).read_bytes())
    return digest.hexdigest()


def content_hash(row: Mapping[str, Any], salt: str = "") -> str:
    """sha256 of an article row (metadata and text) and a salt (settings, code)."""
    payload = json.dumps(row, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{salt}\x00{payload}".encode()).hexdigest()


# --- tables and parts ---------------------------------------------------------------------


def to_arrow(table: pd.DataFrame) -> pa.Table:
    """A results table as Arrow, without pandas metadata; ``fragments`` as a list type."""
    arrow = pa.Table.from_pandas(table, preserve_index=False).replace_schema_metadata(None)
    if "fragments" in arrow.column_names and _is_list(arrow.schema.field("fragments").type):
        index = arrow.column_names.index("fragments")
        arrow = arrow.set_column(index, "fragments", arrow["fragments"].cast(_FRAGMENTS))
    return arrow


def _is_list(kind: pa.DataType) -> bool:
    """The quotes' ``fragments`` (a list); a metadata column of that name is text."""
    return pa.types.is_list(kind) or pa.types.is_large_list(kind)


def write_parquet_atomic(out: Path, relative: str, table: pa.Table) -> None:
    """Write ``out/relative`` as Parquet through a temporary file and an atomic rename."""
    with atomic_path(out, relative) as temporary:
        pq.write_table(table, temporary, row_group_size=_ROW_GROUP)


def fill_metadata(articles: pd.DataFrame) -> pd.DataFrame:
    """Missing values of extra metadata columns become "" (as in ``load_corpus``)."""
    extra = extra_metadata(articles.columns)
    return articles.fillna(dict.fromkeys(extra, "")) if extra else articles


def read_index(out: Path, chunks: Iterable[str]) -> dict[str, tuple[str, str]]:
    """content_hash -> (article_id, chunk) for every article of the finished chunks."""
    index: dict[str, tuple[str, str]] = {}
    for name in chunks:
        path = out / "parts" / f"{name}-index.parquet"
        table = pq.read_table(path, columns=["article_id", "content_hash"])
        ids = table["article_id"].to_pylist()
        for article_id, digest in zip(ids, table["content_hash"].to_pylist(), strict=True):
            index[digest] = (article_id, name)
    return index


def write_manifest(out: Path, manifest: Mapping[str, Any]) -> None:
    text = json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    write_bytes_atomic(out, MANIFEST, text.encode("utf-8"))


_PART_FILE = re.compile(r"(?P<chunk>c\d{6})-(?:" + "|".join(PART_TABLES) + r")\.parquet")


def remove_orphan_parts(out: Path, chunks: Sequence[str]) -> None:
    """Parts of chunks the manifest does not list (a run killed mid-chunk) are removed."""
    parts = out / "parts"
    if not parts.is_dir():
        return
    keep = set(chunks)
    for path in parts.iterdir():
        ours = _PART_FILE.fullmatch(path.name)
        if ours and ours["chunk"] not in keep and not path.is_dir():
            path.unlink(missing_ok=True)


def drop_stale(
    out: Path, manifest: Mapping[str, Any], stale: Mapping[str, tuple[str, str]]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Rewrite the chunks holding stale articles without them, as new chunks.

    Each such chunk's parts are written without the stale rows under the next chunk
    number; the manifest then names the new chunk instead of the old (one atomic write),
    and only then are the old parts deleted. A crash at any point leaves either the old
    chunk or the new one listed, complete; the other is an orphan the next run removes.

    Returns
    -------
    manifest : dict
        The manifest now on disk.
    renamed : dict
        Old chunk name -> new chunk name.
    """
    by_chunk: dict[str, set[str]] = {}
    for article_id, chunk in stale.values():
        by_chunk.setdefault(chunk, set()).add(article_id)
    renamed: dict[str, str] = {}
    manifest = dict(manifest)
    for chunk, ids in sorted(by_chunk.items()):
        number = int(manifest["next_chunk"])
        new = f"c{number:06d}"
        drop = pa.array(sorted(ids), type=pa.large_string())
        for table in PART_TABLES:
            part = pq.read_table(out / "parts" / f"{chunk}-{table}.parquet")
            keep = pc.invert(pc.is_in(part["article_id"], value_set=drop))
            write_parquet_atomic(out, f"parts/{new}-{table}.parquet", part.filter(keep))
        chunks = [new if c == chunk else c for c in manifest["chunks"]]
        manifest = {**manifest, "chunks": chunks, "next_chunk": number + 1}
        write_manifest(out, manifest)
        for table in PART_TABLES:
            (out / "parts" / f"{chunk}-{table}.parquet").unlink(missing_ok=True)
        renamed[chunk] = new
    return manifest, renamed


def check_chunks(out: Path, chunks: Sequence[str]) -> tuple[list[str], list[str]]:
    """Split the chunks a manifest lists into usable ones and broken ones.

    A chunk is broken when one of its parts is missing, truncated or unreadable, or when
    its parts disagree on its articles (a crash between two writes). Its articles are then
    analysed again, so a damaged folder is rebuilt rather than refused.

    Returns
    -------
    good, broken : list of str
    """
    good, broken = [], []
    for chunk in chunks:
        try:
            ids = {
                table: pq.read_table(
                    out / "parts" / f"{chunk}-{table}.parquet", columns=["article_id"]
                )["article_id"].to_pylist()
                for table in PART_TABLES
            }
        except (OSError, pa.ArrowException, ValueError, KeyError):
            broken.append(chunk)
            continue
        listed = set(ids["index"])
        consistent = (
            ids["articles"] == ids["counts"]
            and set(ids["articles"]) | set(ids["failures"]) == listed
            and all(set(ids[t]) <= listed for t in ("quotes", "speakers"))
        )
        (good if consistent else broken).append(chunk)
    return good, broken


# --- final tables: streaming merge of the parts ---------------------------------------------


class _Cursor:
    """Reads one part's rows in article_id order, a batch at a time."""

    def __init__(self, path: Path) -> None:
        self._file = pq.ParquetFile(path)
        self._batches = self._file.iter_batches(batch_size=4096)
        self._batch: pa.RecordBatch | None = None
        self._ids: list[str] = []
        self._pos = 0

    def take_until(self, last_id: str) -> list[pa.RecordBatch]:
        """Rows from the current position whose article_id is at most ``last_id``."""
        taken = []
        while True:
            if self._batch is None or self._pos >= len(self._ids):
                batch = next(self._batches, None)
                if batch is None:
                    return taken
                self._batch, self._ids, self._pos = batch, batch["article_id"].to_pylist(), 0
            end = bisect.bisect_right(self._ids, last_id, lo=self._pos)
            if end > self._pos:
                taken.append(self._batch.slice(self._pos, end - self._pos))
            self._pos = end
            if end < len(self._ids):
                return taken

    def close(self) -> None:
        self._file.close()


def _final_schema(name: str, schemas: Sequence[pa.Schema]) -> pa.Schema:
    types: dict[str, pa.DataType] = {}
    for schema in schemas:
        for item in schema:
            if item.name not in types or pa.types.is_null(types[item.name]):
                types[item.name] = item.type
    if name == "articles":
        order = article_columns(types, scored=True)
    elif name == "quotes":
        order = quote_columns(scored=True)
    elif name == "speakers":
        order = list(SPEAKER_DTYPES)
    else:
        order = list(schemas[0].names) if schemas else []
    return pa.schema([pa.field(c, types[c]) for c in order if c in types])


def _conform(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    columns = []
    for item in schema:
        if item.name in batch.schema.names:
            column = batch[item.name]
            columns.append(column if column.type == item.type else column.cast(item.type))
        elif pa.types.is_string(item.type) or pa.types.is_large_string(item.type):
            columns.append(pa.array([""] * batch.num_rows, type=item.type))
        else:
            columns.append(pa.nulls(batch.num_rows, type=item.type))
    return pa.RecordBatch.from_arrays(columns, schema=schema)


class _TableWriter:
    """Writes one final table as Parquet (fixed row groups) and CSV, atomically."""

    def __init__(self, out: Path, name: str, schema: pa.Schema, stack: contextlib.ExitStack):
        self.schema = schema
        self._parquet_path = stack.enter_context(atomic_path(out, f"{name}.parquet"))
        self._csv_path = stack.enter_context(atomic_path(out, f"{name}.csv"))
        self._parquet = pq.ParquetWriter(self._parquet_path, schema)
        self._csv = self._csv_path.open("w", encoding="utf-8", newline="")
        self._pending: list[pa.RecordBatch] = []
        self._n_pending = 0
        self._header = True
        self.n_rows = 0

    def add(self, batches: Iterable[pa.RecordBatch]) -> None:
        for batch in batches:
            self._pending.append(_conform(batch, self.schema))
            self._n_pending += batch.num_rows
        while self._n_pending >= _ROW_GROUP:
            table = pa.Table.from_batches(self._pending, schema=self.schema)
            self._flush(table.slice(0, _ROW_GROUP))
            rest = table.slice(_ROW_GROUP)
            self._pending = rest.to_batches()
            self._n_pending = rest.num_rows

    def _flush(self, table: pa.Table) -> None:
        table = table.combine_chunks()
        self._parquet.write_table(table, row_group_size=_ROW_GROUP)
        frame = _spreadsheet_safe_arrow(table).to_pandas(types_mapper=CSV_TYPES.get)
        if "fragments" in frame.columns and _is_list(table.schema.field("fragments").type):
            frame["fragments"] = [
                json.dumps([list(map(int, f)) for f in value]) for value in frame["fragments"]
            ]
        frame.to_csv(self._csv, index=False, header=self._header, lineterminator="\n")
        self._header = False
        self.n_rows += table.num_rows

    def close(self) -> None:
        if self._n_pending or self.n_rows == 0:
            self._flush(pa.Table.from_batches(self._pending, schema=self.schema))
        self._parquet.close()
        self._csv.close()


@dataclass(frozen=True, slots=True, eq=False)
class MergedTables:
    """What :func:`write_final_tables` wrote, and the aggregates it gathered on the way.

    Attributes
    ----------
    files : tuple of str
        Files written, relative to the output folder.
    article_ids : tuple of str
        The rows of ``articles.parquet``, in order.
    counts : numpy.ndarray
        One row per row of ``articles.parquet``: the count columns of
        :func:`analysis.aggregate.article_counts` (float32, exact below 2**24; float64
        when a count is larger), the input of
        :func:`analysis.aggregate.balance_from_counts`.
    tally : pandas.DataFrame
        :func:`analysis.aggregate.speaker_tally` of the named (not anonymous) speakers of the
        corpus: one row per (speaker_id, speaker), the input of
        :func:`analysis.aggregate.rank_speakers`.
    """

    files: tuple[str, ...]
    article_ids: tuple[str, ...]
    counts: np.ndarray
    tally: pd.DataFrame


_COUNT_NAMES = [
    count_column(dimension, measure, category)
    for dimension in CATEGORIES
    for measure in BALANCE_MEASURES
    for category in CATEGORIES[dimension]
]
_EXACT_FLOAT32 = 2**24
"""Whole numbers below this are exact in float32."""


class _Tallier:
    """Speaker tally of a stream of speaker rows, in memory that grows with distinct names.

    Rows are added a run of whole articles at a time; they are tallied in batches of at
    least ``_ROW_GROUP`` rows and the tallies summed whenever they pile up.
    """

    def __init__(self) -> None:
        self._pending: list[pa.RecordBatch] = []
        self._n_pending = 0
        self._tallies: list[pd.DataFrame] = []
        self._n_tallied = 0

    def add(self, batches: Sequence[pa.RecordBatch]) -> None:
        for batch in batches:
            self._pending.append(batch.select(TALLY_INPUT))
            self._n_pending += batch.num_rows
        if self._n_pending >= _ROW_GROUP:
            self._tally()

    def _tally(self) -> None:
        if self._pending:
            speakers = pa.Table.from_batches(self._pending).to_pandas(types_mapper=CSV_TYPES.get)
            named = speakers.loc[~speakers["is_anonymous"].astype("boolean").fillna(False)]
            self._tallies.append(speaker_tally(named))
            self._n_tallied += len(self._tallies[-1])
        self._pending, self._n_pending = [], 0
        if len(self._tallies) > 1 and self._n_tallied >= 4 * _ROW_GROUP:
            self._tallies = [self._summed()]
            self._n_tallied = len(self._tallies[0])

    def _summed(self) -> pd.DataFrame:
        if not self._tallies:
            return pd.DataFrame(columns=TALLY_COLUMNS).astype(
                {"speaker_id": "str", "speaker": "str"} | dict.fromkeys(TALLY_COLUMNS[2:], "int64")
            )
        numbers = TALLY_COLUMNS[2:]
        return (
            pd.concat(self._tallies, ignore_index=True)
            .groupby(["speaker_id", "speaker"], as_index=False, sort=True)[numbers]
            .sum()
            .astype(dict.fromkeys(numbers, "int64"))
        )

    def result(self) -> pd.DataFrame:
        self._tally()
        return self._summed()


def write_final_tables(
    out: Path,
    chunks: Sequence[str],
    live: Sequence[tuple[str, str]],
    loader_problems: Sequence[Mapping[str, str]],
) -> MergedTables:
    """Merge the parts of ``chunks`` into the final tables; return what was written.

    ``live`` is every (article_id, chunk) to keep, sorted by article_id. Each part is sorted
    by article_id, so the tables come out in their key order by walking ``live`` and taking
    each run of consecutive articles from the same chunk; memory holds one batch per part
    being read, the balance counts (a few dozen numbers per article) and the speaker tally
    (one row per distinct speaker name), never the quotes or speakers of the corpus.
    """
    files: list[str] = []
    last_of: dict[str, str] = {}
    for article_id, chunk in live:
        last_of[chunk] = article_id
    # float32 holds whole numbers exactly below 2**24 and is what the bootstrap multiplies
    counts = np.zeros((len(live), len(_COUNT_NAMES)), dtype=np.float32)
    ids: list[str] = []
    tallier = _Tallier()
    with contextlib.ExitStack() as stack:
        writers = {}
        for name in ("quotes", "speakers", "articles", "failures"):
            paths = [out / "parts" / f"{c}-{name}.parquet" for c in chunks]
            schema = _final_schema(name, [pq.read_schema(p) for p in paths])
            if not paths:
                schema = _empty_schema(name)
            writers[name] = schema
        writers["articles"], left_out = _cap_metadata_columns(writers["articles"], out, chunks)
        if left_out:
            loader_problems = [*loader_problems, _left_out_problem(left_out)]
        failures: list[pa.RecordBatch] = []
        tables = {
            name: _TableWriter(out, name, schema, stack)
            for name, schema in writers.items()
            if name != "failures"
        }
        cursors: dict[tuple[str, str], _Cursor] = {}
        i = 0
        while i < len(live):
            chunk = live[i][1]
            j = i
            while j + 1 < len(live) and live[j + 1][1] == chunk:
                j += 1
            last = live[j][0]
            run: dict[str, list[pa.RecordBatch]] = {}
            for name in ("quotes", "speakers", "articles", "failures", "counts"):
                key = (chunk, name)
                if key not in cursors:
                    cursors[key] = _Cursor(out / "parts" / f"{chunk}-{name}.parquet")
                run[name] = cursors[key].take_until(last)
                if last_of[chunk] == last:
                    cursors.pop(key).close()
            failures.extend(run["failures"])
            for name, writer in tables.items():
                writer.add(run[name])
            tallier.add(run["speakers"])
            run_ids = [x for batch in run["articles"] for x in batch["article_id"].to_pylist()]
            count_ids = [x for batch in run["counts"] for x in batch["article_id"].to_pylist()]
            if run_ids != count_ids:
                raise OutputError(
                    f"{out / 'parts'}: chunk {chunk}: the counts part does not list the "
                    "articles of the articles part; delete the folder and run again"
                )
            for batch in run["counts"]:
                block = batch.select(_COUNT_NAMES).to_pandas().to_numpy(dtype=np.float64)
                if counts.dtype == np.float32 and len(block) and block.max() >= _EXACT_FLOAT32:
                    counts = counts.astype(np.float64)
                counts[len(ids) : len(ids) + len(block)] = block
                ids.extend(batch["article_id"].to_pylist())
            i = j + 1
        for cursor in cursors.values():
            cursor.close()
        problems = _problems(loader_problems, failures, writers["failures"])
        problems_writer = _TableWriter(
            out, "problems", pa.schema([(c, pa.large_string()) for c in PROBLEM_COLUMNS]), stack
        )
        problems_writer.add(problems.to_batches())
        for writer in [*tables.values(), problems_writer]:
            writer.close()
        for name in [*tables, "problems"]:
            files.extend([f"{name}.parquet", f"{name}.csv"])
    return MergedTables(tuple(files), tuple(ids), counts[: len(ids)], tallier.result())


# --- the corpus-level speaker step --------------------------------------------------------

_KEYS = ["article_id", "speaker"]
_CORRECTION_INPUT = ["article_id", "quote_id", "speaker", "n_words"]
"""Quote columns :func:`analysis.pipeline.correct_results` reads (besides the copied ones)."""


def link_final_tables(
    out: Path, merged: MergedTables, corrections: Sequence[Correction] = ()
) -> tuple[MergedTables, pd.DataFrame]:
    """Link speakers across the corpus and apply corrections to the merged final tables.

    The parts hold each article's own analysis; what depends on the whole corpus is done
    here, on every run, after :func:`write_final_tables`:

    1. :func:`analysis.pipeline.link_corpus` on ``speakers.parquet`` (one row per article
       and speaker: read whole), which sets ``speaker_id``, ``aliases`` and the types and
       origins lent from other articles;
    2. with ``corrections``, :func:`analysis.pipeline.correct_results`, fed the quotes the
       corrections can touch (found by name in the speakers table and by ``quote_id``),
       read four columns at a time;
    3. ``speakers`` rewritten; ``quotes`` rewritten row group by row group, each quote
       taking its speaker's linked columns by (article_id, speaker), as ``analyze`` does;
       ``articles`` rewritten when a correction changed an article's ``n_speakers``.

    So the tables equal ``analyze(load_corpus(corpus), corrections=...)``'s, and memory
    holds the speakers table and one row group of quotes, never the quotes of the corpus.

    Returns
    -------
    (MergedTables, pandas.DataFrame)
        ``merged`` with the balance counts and the speaker tally of the linked tables, and
        the corrections applied (:data:`analysis.speakers.APPLIED_COLUMNS`; empty without).
    """
    speakers = pd.read_parquet(out / "speakers.parquet").astype(SPEAKER_DTYPES)
    articles = pd.read_parquet(
        out / "articles.parquet", columns=["article_id", "country", "n_speakers"]
    )
    empty = pd.DataFrame({c: pd.Series(dtype="object") for c in _CORRECTION_INPUT})
    linked = link_corpus(Results(_with_speaker_columns(empty, speakers), speakers, articles))
    speakers, copied = linked.speakers, list(SPEAKER_LINK_COLUMNS)
    applied = pd.DataFrame(columns=APPLIED_COLUMNS)
    dropped: list[str] = []
    if corrections:
        touched = _with_speaker_columns(_touched_quotes(out, speakers, corrections), speakers)
        fixed = correct_results(Results(touched, speakers, articles), corrections)
        speakers, applied = fixed.speakers, fixed.corrections
        copied.append("is_anonymous")
        dropped = sorted(
            {n for fix in corrections if fix.action == "not_attribution" for n in fix.names}
        )
        n_speakers = dict(
            zip(fixed.articles["article_id"], fixed.articles["n_speakers"], strict=True)
        )
        if not fixed.articles["n_speakers"].equals(articles["n_speakers"]):
            _rewrite(out, "articles", lambda t: _set_n_speakers(t, n_speakers))
    lookup = speakers[[*_KEYS, *copied]]
    positions = pd.Index(merged.article_ids)
    counts = np.zeros((len(positions), len(_COUNT_NAMES)), dtype=np.float64)
    _add_counts(counts, positions, quotes=None, speakers=speakers)

    def relink(table: pa.Table) -> pa.Table:
        table = _relinked(table, lookup, copied, dropped)
        _add_counts(counts, positions, quotes=table, speakers=None)
        return table

    _rewrite(out, "quotes", relink)
    with contextlib.ExitStack() as stack:
        writer = _TableWriter(out, "speakers", pq.read_schema(out / "speakers.parquet"), stack)
        writer.add(to_arrow(speakers).to_batches())
        writer.close()
    if len(counts) and counts.max() < _EXACT_FLOAT32:
        counts = counts.astype(np.float32)
    named = speakers.loc[~speakers["is_anonymous"].astype("boolean").fillna(False)]
    tally = speaker_tally(named)
    return MergedTables(merged.files, merged.article_ids, counts, tally), applied


def _with_speaker_columns(quotes: pd.DataFrame, speakers: pd.DataFrame) -> pd.DataFrame:
    """Light quotes with their speaker's columns, as the corpus-level steps expect them."""
    copied = [*SPEAKER_LINK_COLUMNS, "is_anonymous"]
    return quotes[_CORRECTION_INPUT].merge(
        speakers[[*_KEYS, *copied]], on=_KEYS, how="left", validate="many_to_one"
    )


def _pair_keys(article_ids: pd.Series, speakers: pd.Series) -> pd.Series:
    return article_ids.astype("str") + "\x00" + speakers.astype("object").fillna("\x01")


def _touched_quotes(
    out: Path, speakers: pd.DataFrame, corrections: Sequence[Correction]
) -> pd.DataFrame:
    """The quotes (:data:`_CORRECTION_INPUT`) of every (article, speaker) a correction may
    change, and those a ``not_attribution`` names with the rest of their speaker's quotes."""
    hit = correction_targets(speakers, corrections)
    pairs = set(_pair_keys(speakers.loc[hit, "article_id"], speakers.loc[hit, "speaker"]))
    ids = {n for fix in corrections if fix.action == "not_attribution" for n in fix.names}

    def scan(keep_pairs: set[str], keep_ids: set[str]) -> pd.DataFrame:
        frames = []
        with pq.ParquetFile(out / "quotes.parquet") as source:
            for group in range(source.num_row_groups):
                part = source.read_row_group(group, columns=_CORRECTION_INPUT).to_pandas()
                keys = _pair_keys(part["article_id"], part["speaker"])
                frames.append(part.loc[keys.isin(keep_pairs) | part["quote_id"].isin(keep_ids)])
        found = [f for f in frames if len(f)] or frames[:1]
        if not found:
            return pd.DataFrame({c: pd.Series(dtype="object") for c in _CORRECTION_INPUT})
        return pd.concat(found, ignore_index=True)

    found = scan(pairs, ids)
    named = found.loc[found["quote_id"].isin(ids) & found["speaker"].notna()]
    more = set(_pair_keys(named["article_id"], named["speaker"])) - pairs
    if more:
        found = pd.concat([found, scan(more, set())], ignore_index=True)
    return found.drop_duplicates("quote_id", ignore_index=True)


def _relinked(
    table: pa.Table, lookup: pd.DataFrame, copied: Sequence[str], dropped: Sequence[str]
) -> pa.Table:
    """Quotes (a row group) with ``copied`` columns taken from their speaker's row, as
    :func:`analysis.pipeline.link_corpus` and ``correct_results`` do; the quotes ``dropped``
    (not attributions) lose their speaker."""
    keys = pd.DataFrame(
        {
            "article_id": table["article_id"].to_pandas(),
            "speaker": table["speaker"].to_pandas().astype("object"),
        }
    )
    if dropped:
        value_set = pa.array(dropped, type=table["quote_id"].type)
        gone = pc.is_in(table["quote_id"], value_set=value_set).to_numpy(zero_copy_only=False)
        keys.loc[gone, "speaker"] = None
    quotes = keys.assign(**table.select(list(copied)).to_pandas())
    new = (
        quotes[_KEYS]
        .astype({"speaker": QUOTE_DTYPES["speaker"]})
        .join(speaker_columns_of_quotes(quotes, lookup, copied))
    )
    for name in [*copied, *(["speaker"] if dropped else [])]:
        item = table.schema.field(name)
        column = to_arrow(new[[name]]).column(0).cast(item.type)
        table = table.set_column(table.schema.get_field_index(name), item, column)
    return table


def _set_n_speakers(table: pa.Table, n_speakers: Mapping[str, int]) -> pa.Table:
    ids = table["article_id"].to_pylist()
    item = table.schema.field("n_speakers")
    column = pa.array([int(n_speakers[i]) for i in ids], type=pa.int64()).cast(item.type)
    return table.set_column(table.schema.get_field_index("n_speakers"), item, column)


def _rewrite(out: Path, name: str, change: Any) -> None:
    """Rewrite ``name``'s Parquet and CSV, one row group at a time through ``change``."""
    with contextlib.ExitStack() as stack:
        with pq.ParquetFile(out / f"{name}.parquet") as source:
            writer = _TableWriter(out, name, source.schema_arrow, stack)
            for group in range(source.num_row_groups):
                writer.add(change(source.read_row_group(group)).to_batches())
        writer.close()


def _add_counts(
    counts: np.ndarray,
    positions: pd.Index,
    *,
    quotes: pa.Table | None,
    speakers: pd.DataFrame | None,
) -> None:
    """Add what :func:`analysis.aggregate.article_counts` counts in ``quotes`` (a row group)
    or ``speakers`` to the rows of ``counts`` (one per article of ``positions``); counts of
    disjoint rows add up, so any split of the tables gives the same sums."""
    columns = {"article_id": pd.Series(dtype="str"), "n_words": pd.Series(dtype="int64")}
    none = pd.DataFrame({**columns, **{d: pd.Series(dtype="object") for d in DIMENSIONS}})
    if quotes is not None:
        counted = ["is_counted"] if "is_counted" in quotes.column_names else []
        frame = quotes.select(["article_id", "n_words", *DIMENSIONS, *counted]).to_pandas()
        tables = {"quotes": frame, "speakers": none}
    else:
        frame = speakers
        tables = {"quotes": none, "speakers": speakers}
    if frame is None or frame.empty:
        return
    ids = pd.Series(frame["article_id"].astype("str").unique())
    found = article_counts(Results(articles=pd.DataFrame({"article_id": ids}), **tables))
    rows = positions.get_indexer(ids)
    inside = rows >= 0
    counts[rows[inside]] += found[_COUNT_NAMES].to_numpy(dtype=np.float64)[inside]


MAX_METADATA_COLUMNS = 100
"""Most extra metadata columns the articles table keeps: the keys found in most articles.

A corpus where each record brings its own keys would otherwise make the table grow with
articles times keys (quadratic in the corpus)."""


_LOADER_COLUMNS = ("source", "encoding", "furniture")
"""Columns the loader adds to every article: not metadata keys, never left out."""


def _cap_metadata_columns(
    schema: pa.Schema, out: Path, chunks: Sequence[str]
) -> tuple[pa.Schema, list[str]]:
    """The articles schema with at most ``MAX_METADATA_COLUMNS`` extra columns, and the names
    of those left out. Counting reads each articles part once, only when over the cap."""
    fixed = {*METADATA_COLUMNS, *COUNT_COLUMNS, *ARTICLE_SENTIMENT, *_LOADER_COLUMNS}
    extra = [name for name in schema.names if name not in fixed]
    if len(extra) <= MAX_METADATA_COLUMNS:
        return schema, []
    filled = dict.fromkeys(extra, 0)
    for chunk in chunks:
        part = pq.read_table(out / "parts" / f"{chunk}-articles.parquet")
        for name in set(part.column_names) & set(filled):
            column = part[name]
            if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
                filled[name] += pc.sum(pc.greater(pc.utf8_length(column), 0)).as_py() or 0
            else:
                filled[name] += len(column) - column.null_count
    ranked = sorted(extra, key=lambda name: (-filled[name], name))
    kept = set(ranked[:MAX_METADATA_COLUMNS])
    schema = pa.schema([item for item in schema if item.name in fixed or item.name in kept])
    return schema, sorted(ranked[MAX_METADATA_COLUMNS:])


def _left_out_problem(left_out: Sequence[str]) -> dict[str, str]:
    shown = ", ".join(left_out[:10]) + (
        f" and {len(left_out) - 10} more" if len(left_out) > 10 else ""
    )
    return {
        "source": "articles table",
        "error": "MetadataError",
        "problem": (
            f"{len(left_out):,} metadata keys are not columns of the articles table, which "
            f"keeps the {MAX_METADATA_COLUMNS} found in most articles: {shown}; the corpus "
            "files still hold them"
        ),
    }


def _empty_schema(name: str) -> pa.Schema:
    empty = combine([], sentiment=True)
    frames = {
        "quotes": empty.quotes,
        "speakers": empty.speakers,
        "articles": empty.articles,
        "failures": pd.DataFrame(columns=FAILURE_COLUMNS).astype("str"),
    }
    return to_arrow(frames[name]).schema


def _problems(
    loader: Sequence[Mapping[str, str]], failures: Sequence[pa.RecordBatch], schema: pa.Schema
) -> pa.Table:
    """Loader problems in corpus order, then analysis failures in article_id order."""
    failed = pa.Table.from_batches(failures, schema=schema) if failures else None
    rows = [{c: str(p[c]) for c in PROBLEM_COLUMNS} for p in loader]
    if failed is not None:
        rows.extend(failed.select(PROBLEM_COLUMNS).to_pylist())
    return pa.Table.from_pylist(
        rows, schema=pa.schema([(c, pa.large_string()) for c in PROBLEM_COLUMNS])
    )


_FORMULA_START = r"[=+\-@\t\r]"


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell that a spreadsheet would run as a formula neutralised.

    A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
    leading ``'`` (the OWASP advice for CSV exports), so opening a results CSV in Excel,
    LibreOffice or Google Sheets shows the text instead of running it. Numbers are not
    text cells and are untouched; the Parquet files keep every value exactly.

    Examples
    --------
    >>> spreadsheet_safe(pd.DataFrame({"t": ["=HYPERLINK(1)", "ok", "-5 dB"], "n": [-1, 2, 3]}))
                    t  n
    0  '=HYPERLINK(1) -1
    1              ok  2
    2          '-5 dB  3
    """
    texts = [
        c
        for c in frame.columns
        if pd.api.types.is_object_dtype(frame[c]) or pd.api.types.is_string_dtype(frame[c])
    ]
    changed = {}
    for column in texts:
        values = frame[column]
        risky = values.map(lambda v: isinstance(v, str) and re.match(_FORMULA_START, v) is not None)
        if risky.any():
            changed[column] = values.mask(risky, "'" + values.where(risky, "").astype(str))
    return frame.assign(**changed) if changed else frame


def _spreadsheet_safe_arrow(table: pa.Table) -> pa.Table:
    """:func:`spreadsheet_safe` on the text columns of an Arrow table, in Arrow."""
    for i, item in enumerate(table.schema):
        if pa.types.is_string(item.type) or pa.types.is_large_string(item.type):
            column = table.column(i)
            risky = pc.fill_null(pc.match_substring_regex(column, "^" + _FORMULA_START), False)
            if pc.any(risky).as_py():
                quoted = pc.binary_join_element_wise(
                    pa.scalar("'", item.type), column, pa.scalar("", item.type)
                )
                table = table.set_column(i, item, pc.if_else(risky, quoted, column))
    return table


def read_table(out: Path, name: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
    table = pq.read_table(out / f"{name}.parquet", columns=columns)
    return table.to_pandas(types_mapper=CSV_TYPES.get)


def write_frame(out: Path, name: str, frame: pd.DataFrame) -> list[str]:
    """``frame`` as ``name.parquet`` and ``name.csv``, each written atomically."""
    write_parquet_atomic(out, f"{name}.parquet", to_arrow(frame))
    with atomic_path(out, f"{name}.csv") as temporary:
        spreadsheet_safe(frame).to_csv(temporary, index=False, lineterminator="\n")
    return [f"{name}.parquet", f"{name}.csv"]


def quotes_of(path: Path, wanted: Sequence[str]) -> list[dict[str, Any]]:
    """What the report marks of the quotes of the ``wanted`` articles.

    ``article_id``, ``fragments``, ``speaker``, ``kind``, ``speaker_start``, ``speaker_end``
    and ``source_type``. Reads only the row groups whose article_id range (Parquet
    statistics; the table is sorted by article_id) can hold one of them.
    """
    if not wanted:
        return []
    columns = [
        "article_id",
        "fragments",
        "speaker",
        "kind",
        "speaker_start",
        "speaker_end",
        "source_type",
    ]
    low, high = min(wanted), max(wanted)
    wanted_set = pa.array(sorted(set(wanted)), type=pa.large_string())
    rows: list[dict[str, Any]] = []
    with pq.ParquetFile(path) as file:
        meta = file.metadata
        leaves = [meta.schema.column(i).path for i in range(meta.num_columns)]
        position = leaves.index("article_id")
        present = [c for c in columns if c in file.schema_arrow.names]
        for group in range(meta.num_row_groups):
            stats = meta.row_group(group).column(position).statistics
            known = stats is not None and stats.has_min_max
            if known and (stats.max < low or stats.min > high):
                continue
            table = file.read_row_group(group, columns=present)
            keep = pc.is_in(
                table["article_id"], value_set=wanted_set.cast(table["article_id"].type)
            )
            rows.extend(table.filter(keep).to_pylist())
    return rows


def read_results(out_dir: str | os.PathLike[str]) -> Results:
    """Load the final tables of a results folder as :class:`analysis.pipeline.Results`.

    Columns get the dtypes of the in-memory tables (ordered categoricals and all), so
    ``read_results(out)`` compares equal to ``analyze(load_corpus(corpus))``.
    """
    out = Path(out_dir)

    def load(name: str, dtypes: Mapping[str, Any]) -> pd.DataFrame:
        path = out / f"{name}.parquet"
        if not path.is_file():
            raise OutputError(f"{path}: missing; run `newsroom-workbook analyze` first")
        table = pd.read_parquet(path)
        if name == "quotes":
            table["fragments"] = [
                tuple(tuple(int(x) for x in f) for f in v) for v in table["fragments"]
            ]
        known = {c: t for c, t in dtypes.items() if c in table.columns}
        return table.astype(known)

    articles = load("articles", {})
    scored = "polarity" in articles.columns
    scores = dict.fromkeys(QUOTE_SENTIMENT, "float64") if scored else {}
    return Results(
        quotes=load("quotes", {**QUOTE_DTYPES, **scores}),
        speakers=load("speakers", SPEAKER_DTYPES),
        articles=articles,
        problems=load("problems", dict.fromkeys(PROBLEM_COLUMNS, "str")),
    )


__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "LOCK",
    "MANIFEST",
    "PARTS_VERSION",
    "PART_TABLES",
    "RUN_OUTPUTS",
    "TABLES",
    "MergedTables",
    "atomic_path",
    "check_chunks",
    "code_fingerprint",
    "content_hash",
    "corpus_id",
    "drop_stale",
    "fill_metadata",
    "link_final_tables",
    "locked",
    "prepare_out_dir",
    "quotes_of",
    "read_index",
    "read_results",
    "read_table",
    "remove_orphan_parts",
    "remove_temporaries",
    "spreadsheet_safe",
    "to_arrow",
    "write_bytes_atomic",
    "write_final_tables",
    "write_frame",
    "write_manifest",
    "write_parquet_atomic",
]

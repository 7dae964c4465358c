"""Chunked, parallel, resumable corpus runs: what ``newsroom-workbook analyze`` does.

:func:`run_corpus` streams a corpus with :func:`analysis.corpus.iter_corpus`, cuts it into
chunks of ``chunk_size`` articles, analyses each chunk with
:func:`analysis.pipeline.analyze_article` in a process pool, and writes each chunk's
tables as Parquet *parts* under ``OUT/parts/`` (quotes, speakers, articles, failures, the
content-hash index, and ``counts``: what the sourcing balance counts in each article).
When every chunk is done, the final tables are built from the parts by a streaming merge
(memory holds a few row batches per open part, never the corpus); the balance is
bootstrapped from the per-article counts and the top speakers ranked from a tally of
distinct names gathered during the merge, so no table of the corpus is read back. They are
written as Parquet and CSV:

- ``quotes``, ``speakers``, ``articles`` (see :class:`analysis.pipeline.Results`);
- ``balance``: one row per (article_id, source_type), zeros included;
- ``problems``: the loader's problems (file order), then articles whose analysis failed.

Resuming and incremental runs
    Every article gets a content hash (sha256 of its metadata and text, the settings and
    the analysis code). A manifest, ``OUT/.newsroom-workbook.json``, rewritten atomically
    after every finished chunk, lists the chunks whose parts are complete. A later run with
    the same ``--out`` skips every article whose hash is already in a finished chunk, so an
    interrupted run resumes where it stopped and a grown corpus only costs its new or
    changed articles; rows of articles that changed or left the corpus are dropped.

Output safety
    Nothing is written outside ``OUT``. A folder that exists, is not empty and has no
    manifest is refused unless ``force=True``. Every file is written to a temporary file
    in its own folder and moved into place with :func:`os.replace`, so a crash leaves the
    previous complete file.

Determinism
    Chunks are cut in corpus order, whatever the number of processes, and the final tables
    are sorted by their keys, so ``--jobs 1`` and ``--jobs 8`` write the same bytes.
"""

from __future__ import annotations

import bisect
import collections
import concurrent.futures
import contextlib
import functools
import hashlib
import importlib.resources
import itertools
import json
import multiprocessing
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from analysis.aggregate import (
    CATEGORIES,
    TALLY_COLUMNS,
    article_counts,
    balance_from_counts,
    count_column,
    n_counted,
    rank_speakers,
    speaker_tally,
)
from analysis.aggregate import MEASURES as BALANCE_MEASURES
from analysis.corpus import DEFAULT_MAX_BYTES, Article, iter_corpus
from analysis.errors import CorpusError, OutputError
from analysis.pipeline import (
    ARTICLE_SENTIMENT,
    COUNT_COLUMNS,
    METADATA_COLUMNS,
    PROBLEM_COLUMNS,
    QUOTE_DTYPES,
    QUOTE_SENTIMENT,
    SPEAKER_DTYPES,
    Results,
    analyze_article,
    combine,
)
from analysis.quotes import MIN_CONFIDENCE
from analysis.report import SampleArticle, figure_png, render_report, standard_figures

MANIFEST = ".newsroom-workbook.json"
"""The marker and manifest file of a results folder written by this module."""

FORMAT = "newsroom-workbook results"
FORMAT_VERSION = 1
TABLES = ("quotes", "speakers", "articles", "balance", "problems")
"""Final tables, each written as ``<name>.parquet`` and ``<name>.csv``."""

_PART_TABLES = ("quotes", "speakers", "articles", "failures", "index", "counts")
PARTS_VERSION = 2
"""Layout of the parts; 2 added ``counts`` (per-article balance counts). Part of the settings,
so parts of another layout are never reused."""
_SORT_KEYS = {
    "quotes": (["article_id", "start", "end"], [True, True, True]),
    "speakers": (["article_id", "n_quotes", "speaker"], [True, False, True]),
    "articles": (["article_id"], [True]),
    "failures": (["article_id"], [True]),
    "index": (["article_id"], [True]),
    "counts": (["article_id"], [True]),
}
_FRAGMENTS = pa.list_(pa.list_(pa.int64()))
_TMP_PREFIX = ".tmp-"
_ROW_GROUP = 16_384
_UMASK = os.umask(0o022)
os.umask(_UMASK)
_CSV_TYPES = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What a run did.

    Attributes
    ----------
    out_dir : Path
        The results folder.
    n_articles : int
        Articles in the corpus now (usable ones).
    n_analysed, n_reused : int
        Articles analysed in this run, and articles whose earlier results were kept.
    n_dropped : int
        Articles whose earlier results were removed (changed or no longer in the corpus).
    n_quotes, n_speakers : int
        Rows of the final quotes and speakers tables.
    n_problems : int
        Rows of the final problems table.
    problems : tuple of (str, str)
        ``(source, problem)`` of each problem, for the command line to list.
    files : tuple of str
        Files written, relative to ``out_dir``.
    """

    out_dir: Path
    n_articles: int
    n_analysed: int
    n_reused: int
    n_dropped: int
    n_quotes: int
    n_speakers: int
    n_problems: int
    problems: tuple[tuple[str, str], ...] = ()
    files: tuple[str, ...] = field(default=())


class RunInterrupted(Exception):
    """Raised by the test hook ``stop_after_chunks`` to simulate a killed run."""


# --- output folder safety -------------------------------------------------------------


def prepare_out_dir(
    out_dir: str | os.PathLike[str], *, force: bool = False, corpus: str | os.PathLike[str] = ""
) -> dict[str, Any] | None:
    """Check that ``out_dir`` may be written and create it; return its manifest if any.

    Raises
    ------
    OutputError
        When ``out_dir`` is a file, lies inside the corpus folder (its tables would be read
        as articles next time), or is a non-empty folder without a manifest and
        ``force`` is false.
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
    if out.is_dir() and not manifest_path.is_file() and any(out.iterdir()) and not force:
        raise OutputError(
            f"{out}: folder is not empty and was not written by newsroom-workbook "
            f"(no {MANIFEST}); choose an empty or new folder, or pass --force to write "
            "into it anyway"
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
    return manifest


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


@contextlib.contextmanager
def atomic_path(out: Path, relative: str) -> Iterator[Path]:
    """A temporary path beside ``out / relative``, moved into place when the block succeeds.

    The temporary file lives in the same folder (so :func:`os.replace` is atomic) and is
    removed when the block raises; the previous file, if any, is left untouched.
    """
    target = _inside(out, relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=_TMP_PREFIX, suffix=target.suffix, dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    temporary.chmod(0o666 & ~_UMASK)  # mkstemp makes 0600; results are ordinary files
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


def _remove_temporaries(out: Path) -> None:
    for folder in (out, out / "parts", out / "figures"):
        if folder.is_dir() and not folder.is_symlink():
            for leftover in folder.glob(f"{_TMP_PREFIX}*"):
                leftover.unlink(missing_ok=True)


# --- hashing ----------------------------------------------------------------------------


@functools.cache
def code_fingerprint() -> str:
    """sha256 of the analysis code and lexicons: results of other code are not reused."""
    digest = hashlib.sha256()
    package = importlib.resources.files("analysis")
    skip = {"cli.py", "runner.py", "report.py", "distributed.py"}
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


# --- chunk analysis (runs in worker processes) ----------------------------------------------


def to_arrow(table: pd.DataFrame) -> pa.Table:
    """A results table as Arrow, without pandas metadata; ``fragments`` as a list type."""
    arrow = pa.Table.from_pandas(table, preserve_index=False).replace_schema_metadata(None)
    if "fragments" in arrow.column_names:
        index = arrow.column_names.index("fragments")
        arrow = arrow.set_column(index, "fragments", arrow["fragments"].cast(_FRAGMENTS))
    return arrow


def write_parquet_atomic(out: Path, relative: str, table: pa.Table) -> None:
    """Write ``out/relative`` as Parquet through a temporary file and an atomic rename."""
    with atomic_path(out, relative) as temporary:
        pq.write_table(table, temporary, row_group_size=_ROW_GROUP)


def fill_metadata(articles: pd.DataFrame) -> pd.DataFrame:
    """Missing values of extra metadata columns become "" (as in ``load_corpus``)."""
    fixed = {*METADATA_COLUMNS, *COUNT_COLUMNS, *ARTICLE_SENTIMENT}
    extra = [c for c in articles.columns if c not in fixed]
    return articles.fillna(dict.fromkeys(extra, "")) if extra else articles


def chunk_tables(
    records: Sequence[Mapping[str, Any]],
    *,
    sentiment: bool = True,
    min_confidence: float = MIN_CONFIDENCE,
) -> dict[str, pd.DataFrame]:
    """Analyse a chunk of article rows: its quotes, speakers, articles and failures.

    ``failures`` has one row per article whose analysis failed: ``article_id``, ``source``,
    ``error``, ``problem``. ``counts`` has one row per analysed article: what the sourcing
    balance counts in it (:func:`analysis.aggregate.article_counts`), so the final balance
    never needs the quotes of the whole corpus in memory. Every table is sorted by
    ``article_id`` first.
    """
    results = [
        analyze_article(record, sentiment=sentiment, min_confidence=min_confidence)
        for record in records
    ]
    tables = combine(results, sentiment=sentiment)
    failures = pd.DataFrame(
        [
            {"article_id": str(record["article_id"]), **result.problem}
            for record, result in zip(records, results, strict=True)
            if result.problem is not None
        ],
        columns=["article_id", *PROBLEM_COLUMNS],
    ).astype("str")
    return {
        "quotes": tables.quotes,
        "speakers": tables.speakers,
        "articles": fill_metadata(tables.articles),
        "failures": failures.sort_values("article_id", kind="stable", ignore_index=True),
        "counts": article_counts(tables),
    }


def _analyze_chunk(
    out: str,
    name: str,
    records: list[dict[str, Any]],
    hashes: list[str],
    sentiment: bool,
    min_confidence: float = MIN_CONFIDENCE,
) -> dict[str, int]:
    """Worker: analyse one chunk and write its parts; return its counts."""
    folder = Path(out)
    tables = chunk_tables(records, sentiment=sentiment, min_confidence=min_confidence)
    tables["index"] = pd.DataFrame(
        {
            "article_id": pd.Series([str(r["article_id"]) for r in records], dtype="str"),
            "content_hash": pd.Series(hashes, dtype="str"),
        }
    ).sort_values("article_id", kind="stable", ignore_index=True)
    for table in _PART_TABLES:
        write_parquet_atomic(folder, f"parts/{name}-{table}.parquet", to_arrow(tables[table]))
    return {"n_articles": len(records), "n_quotes": n_counted(tables["quotes"])}


# --- the run ------------------------------------------------------------------------------


def _read_index(out: Path, chunks: Iterable[str]) -> dict[str, tuple[str, str]]:
    """content_hash -> (article_id, chunk) for every article of the finished chunks."""
    index: dict[str, tuple[str, str]] = {}
    for name in chunks:
        path = out / "parts" / f"{name}-index.parquet"
        table = pq.read_table(path, columns=["article_id", "content_hash"])
        ids = table["article_id"].to_pylist()
        for article_id, digest in zip(ids, table["content_hash"].to_pylist(), strict=True):
            index[digest] = (article_id, name)
    return index


def _write_manifest(out: Path, manifest: Mapping[str, Any]) -> None:
    text = json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    write_bytes_atomic(out, MANIFEST, text.encode("utf-8"))


def chunks_of(
    items: Iterable[Any], size: int, on_problem: Callable[[CorpusError], None]
) -> Iterator[list[Any]]:
    """Lists of up to ``size`` articles from ``iter_corpus``; each error goes to ``on_problem``."""
    chunk: list[Any] = []
    for item in items:
        if isinstance(item, CorpusError):
            on_problem(item)
            continue
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_corpus(
    corpus: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    jobs: int | None = None,
    chunk_size: int = 500,
    force: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    sentiment: bool = True,
    min_confidence: float = MIN_CONFIDENCE,
    progress: Callable[[int], None] | None = None,
    stop_after_chunks: int | None = None,
    n_samples: int = 10,
) -> RunSummary:
    """Analyse a corpus into ``out_dir``, reusing finished work found there.

    Parameters
    ----------
    corpus : str or Path
        A corpus folder or file (see :mod:`analysis.corpus`).
    out_dir : str or Path
        The results folder; created when missing.
    jobs : int, optional
        Worker processes; default all cores. ``1`` analyses in this process.
    chunk_size : int, optional
        Articles per chunk (per Parquet part); memory grows with it, not with the corpus.
    force : bool, optional
        Write into a non-empty folder that has no manifest, and start afresh when the
        manifest cannot be read.
    max_bytes : int, optional
        Largest article accepted by the loader.
    sentiment : bool, optional
        Score quotes and articles with TextBlob and VADER.
    min_confidence : float, optional
        Floor on quote confidence for what counts (see :func:`analysis.analyze`).
    progress : callable, optional
        Called with the number of articles of each chunk as it is analysed or reused.
    n_samples : int, optional
        The first articles of the corpus shown in full in ``report.html``.
    stop_after_chunks : int, optional
        Test hook: raise :class:`RunInterrupted` after this many chunks were analysed,
        as if the run had been killed.

    Returns
    -------
    RunSummary

    Raises
    ------
    CorpusError
        When the corpus does not exist, or has no usable article.
    OutputError
        When ``out_dir`` may not be written (see :func:`prepare_out_dir`).
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    items = iter_corpus(corpus, max_bytes=max_bytes)
    head: list[Article | CorpusError] = []
    for item in items:  # find the first usable article before touching the output folder
        head.append(item)
        if not isinstance(item, CorpusError):
            break
    else:
        problems = "; ".join(f"{p.source}: {p.problem}" for p in head[:5])
        more = f" and {len(head) - 5} more" if len(head) > 5 else ""
        raise CorpusError(
            str(corpus), "no usable articles" + (f" ({problems}{more})" if problems else "")
        )
    out = Path(out_dir)
    manifest = prepare_out_dir(out, force=force, corpus=corpus)
    settings = {
        "sentiment": sentiment,
        "min_confidence": min_confidence,
        "code": code_fingerprint(),
        "parts": PARTS_VERSION,
    }
    salt = json.dumps(settings, sort_keys=True)
    if manifest is None or manifest.get("settings") != settings:
        manifest = {"format": FORMAT, "version": FORMAT_VERSION, "chunks": [], "next_chunk": 1}
    manifest = {**manifest, "settings": settings, "complete": False}
    _remove_temporaries(out)
    _remove_orphan_parts(out, manifest["chunks"])
    _write_manifest(out, manifest)

    index = _read_index(out, manifest["chunks"])
    seen: set[str] = set()
    samples: list[SampleArticle] = []
    loader_problems: list[dict[str, str]] = []
    counts = {"articles": 0, "analysed": 0, "reused": 0}
    jobs = max(1, jobs or os.cpu_count() or 1)

    def pending_chunks() -> Iterator[tuple[list[dict[str, Any]], list[str]]]:
        def note(err: CorpusError) -> None:
            loader_problems.append(
                {"source": err.source, "error": type(err).__name__, "problem": err.problem}
            )

        for articles in chunks_of(itertools.chain(head, items), chunk_size, note):
            records, hashes = [], []
            for article in articles:
                row = article.as_row()
                if len(samples) < n_samples:
                    samples.append(
                        SampleArticle(
                            article.article_id, article.title, article.outlet, article.text
                        )
                    )
                digest = content_hash(row, salt)
                counts["articles"] += 1
                if digest in index and digest not in seen:
                    seen.add(digest)
                    counts["reused"] += 1
                    continue
                seen.add(digest)
                records.append(row)
                hashes.append(digest)
            if progress is not None and len(records) < len(articles):
                progress(len(articles) - len(records))
            if records:
                yield records, hashes

    mapped = _map_chunks(pending_chunks(), out, jobs, sentiment, manifest, min_confidence)
    for done, (records, hashes, result) in enumerate(mapped, start=1):
        counts["analysed"] += result["n_articles"]
        for record, digest in zip(records, hashes, strict=True):
            index[digest] = (str(record["article_id"]), manifest["chunks"][-1])
        _write_manifest(out, manifest)
        if progress is not None:
            progress(len(records))
        if stop_after_chunks is not None and done >= stop_after_chunks:
            raise RunInterrupted(f"stopped after {done} chunk(s) (test hook)")

    stale = {digest: where for digest, where in index.items() if digest not in seen}
    n_dropped = _drop_stale(out, manifest, stale)
    _write_manifest(out, manifest)
    live = sorted(
        ((article_id, chunk) for digest, (article_id, chunk) in index.items() if digest in seen)
    )
    merged = write_final_tables(out, manifest["chunks"], live, loader_problems)
    files = list(merged.files)
    summary = _summarise(out, counts, n_dropped, files)
    files += write_report(
        out, summary, samples, title=f"newsroom-workbook: {Path(corpus).name}", merged=merged
    )
    summary = replace(summary, files=tuple(files))
    manifest["complete"] = True
    manifest["n_articles"] = counts["articles"]
    _write_manifest(out, manifest)
    return summary


def _remove_orphan_parts(out: Path, chunks: Sequence[str]) -> None:
    """Parts of chunks the manifest does not list (a run killed mid-chunk) are removed."""
    parts = out / "parts"
    if not parts.is_dir():
        return
    keep = set(chunks)
    for path in parts.glob("c*-*.parquet"):
        if path.name.split("-", 1)[0] not in keep:
            path.unlink(missing_ok=True)


def _map_chunks(
    chunks: Iterator[tuple[list[dict[str, Any]], list[str]]],
    out: Path,
    jobs: int,
    sentiment: bool,
    manifest: dict[str, Any],
    min_confidence: float = MIN_CONFIDENCE,
) -> Iterator[tuple[list[dict[str, Any]], list[str], dict[str, int]]]:
    """Analyse chunks (in a pool when ``jobs > 1``) and register each, in corpus order.

    A chunk is added to ``manifest["chunks"]`` only once its parts are written; at most
    ``2 * jobs`` chunks are in flight, so memory does not grow with the corpus.
    """
    numbers = iter(range(int(manifest["next_chunk"]), 1 << 62))

    def register(number: int) -> None:
        manifest["chunks"] = [*manifest["chunks"], f"c{number:06d}"]
        manifest["next_chunk"] = number + 1

    if jobs == 1:
        for records, hashes in chunks:
            number = next(numbers)
            result = _analyze_chunk(
                str(out), f"c{number:06d}", records, hashes, sentiment, min_confidence
            )
            register(number)
            yield records, hashes, result
        return
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context) as pool:
        queue: collections.deque[tuple[list, list, int, concurrent.futures.Future]]
        queue = collections.deque()
        try:
            for records, hashes in chunks:
                number = next(numbers)
                future = pool.submit(
                    _analyze_chunk,
                    str(out),
                    f"c{number:06d}",
                    records,
                    hashes,
                    sentiment,
                    min_confidence,
                )
                queue.append((records, hashes, number, future))
                while len(queue) >= 2 * jobs:
                    records, hashes, number, future = queue.popleft()
                    result = future.result()
                    register(number)
                    yield records, hashes, result
            while queue:
                records, hashes, number, future = queue.popleft()
                result = future.result()
                register(number)
                yield records, hashes, result
        finally:
            for *_, future in queue:
                future.cancel()


def _drop_stale(out: Path, manifest: dict[str, Any], stale: Mapping[str, tuple[str, str]]) -> int:
    """Rewrite the parts of chunks holding stale articles without them; return how many."""
    by_chunk: dict[str, set[str]] = {}
    for article_id, chunk in stale.values():
        by_chunk.setdefault(chunk, set()).add(article_id)
    for chunk, ids in sorted(by_chunk.items()):
        drop = pa.array(sorted(ids), type=pa.large_string())
        for table in _PART_TABLES:
            relative = f"parts/{chunk}-{table}.parquet"
            part = pq.read_table(out / relative)
            keep = pc.invert(pc.is_in(part["article_id"], value_set=drop))
            write_parquet_atomic(out, relative, part.filter(keep))
    return sum(len(ids) for ids in by_chunk.values())


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
        fixed = [*METADATA_COLUMNS, *COUNT_COLUMNS, *ARTICLE_SENTIMENT]
        extra = sorted(set(types) - set(fixed))
        order = [*METADATA_COLUMNS, *extra, *COUNT_COLUMNS, *ARTICLE_SENTIMENT]
    elif name == "quotes":
        order = [*QUOTE_DTYPES, *QUOTE_SENTIMENT]
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
        frame = table.to_pandas(types_mapper=_CSV_TYPES.get)
        if "fragments" in frame.columns:
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
        corpus: one row per (speaker_key, speaker), the input of
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
_TALLY_INPUT = ["article_id", "speaker", "speaker_key", "n_quotes", "n_words", "is_anonymous"]


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
            self._pending.append(batch.select(_TALLY_INPUT))
            self._n_pending += batch.num_rows
        if self._n_pending >= _ROW_GROUP:
            self._tally()

    def _tally(self) -> None:
        if self._pending:
            speakers = pa.Table.from_batches(self._pending).to_pandas(types_mapper=_CSV_TYPES.get)
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
                {"speaker_key": "str", "speaker": "str"} | dict.fromkeys(TALLY_COLUMNS[2:], "int64")
            )
        numbers = TALLY_COLUMNS[2:]
        return (
            pd.concat(self._tallies, ignore_index=True)
            .groupby(["speaker_key", "speaker"], as_index=False, sort=True)[numbers]
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


def _empty_schema(name: str) -> pa.Schema:
    empty = combine([], sentiment=True)
    frames = {
        "quotes": empty.quotes,
        "speakers": empty.speakers,
        "articles": empty.articles,
        "failures": pd.DataFrame(columns=["article_id", *PROBLEM_COLUMNS]).astype("str"),
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


def _summarise(
    out: Path, counts: Mapping[str, int], n_dropped: int, files: Sequence[str]
) -> RunSummary:
    def rows(name: str) -> int:
        return pq.ParquetFile(out / f"{name}.parquet").metadata.num_rows

    problems = pq.read_table(out / "problems.parquet", columns=["source", "problem"])
    return RunSummary(
        out_dir=out,
        n_articles=counts["articles"],
        n_analysed=counts["analysed"],
        n_reused=counts["reused"],
        n_dropped=n_dropped,
        n_quotes=rows("quotes"),
        n_speakers=rows("speakers"),
        n_problems=problems.num_rows,
        problems=tuple(
            zip(problems["source"].to_pylist(), problems["problem"].to_pylist(), strict=True)
        ),
        files=tuple(files),
    )


def _read(out: Path, name: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
    table = pq.read_table(out / f"{name}.parquet", columns=columns)
    return table.to_pandas(types_mapper=_CSV_TYPES.get)


def _write_frame(out: Path, name: str, frame: pd.DataFrame) -> list[str]:
    """``frame`` as ``name.parquet`` and ``name.csv``, each written atomically."""
    write_parquet_atomic(out, f"{name}.parquet", to_arrow(frame))
    with atomic_path(out, f"{name}.csv") as temporary:
        frame.to_csv(temporary, index=False, lineterminator="\n")
    return [f"{name}.parquet", f"{name}.csv"]


def _quotes_of(path: Path, wanted: Sequence[str]) -> list[dict[str, Any]]:
    """``article_id``, ``fragments`` and ``speaker`` of the quotes of the ``wanted`` articles.

    Reads only the row groups whose article_id range (Parquet statistics; the table is
    sorted by article_id) can hold one of them, so memory does not grow with the corpus.
    """
    if not wanted:
        return []
    columns = ["article_id", "fragments", "speaker"]
    rows: list[dict[str, Any]] = []
    with pq.ParquetFile(path) as file:
        meta = file.metadata
        leaves = [meta.schema.column(i).path for i in range(meta.num_columns)]
        position = leaves.index("article_id")
        for group in range(meta.num_row_groups):
            stats = meta.row_group(group).column(position).statistics
            known = stats is not None and stats.has_min_max
            if known and not any(stats.min <= w <= stats.max for w in wanted):
                continue
            table = file.read_row_group(group, columns=columns)
            keep = pc.is_in(
                table["article_id"], value_set=pa.array(wanted, type=table["article_id"].type)
            )
            rows.extend(table.filter(keep).to_pylist())
    return rows


def write_report(
    out: Path,
    summary: RunSummary,
    samples: Sequence[SampleArticle],
    *,
    title: str,
    merged: MergedTables | None = None,
) -> list[str]:
    """Write ``balance``, the standard figures (PNG and the CSV of their numbers) and
    ``report.html``; return the files written.

    With ``merged`` (what :func:`write_final_tables` gathered), the balance comes from the
    per-article counts and the top speakers from the speaker tally, so no table of the
    corpus is read back: memory grows with the number of articles (a few dozen numbers
    each) and of distinct speakers, not with quotes. Without it, they are computed from the
    final tables (only the columns they need).
    """
    articles = _read(out, "articles", ["article_id", "outlet", "date"])
    if merged is None:
        light = Results(
            quotes=_read(out, "quotes", ["article_id", "n_words", *CATEGORIES]),
            speakers=_read(out, "speakers", _TALLY_INPUT + list(CATEGORIES)[:-1]),
            articles=articles,
        )
        counts: np.ndarray | pd.DataFrame = article_counts(light)
        speakers = light.speakers
        tally = speaker_tally(
            speakers.loc[~speakers["is_anonymous"].astype("boolean").fillna(False)]
        )
        del light, speakers
    else:
        if list(merged.article_ids) != articles["article_id"].tolist():
            raise OutputError(f"{out / 'articles.parquet'}: rows differ from the merged counts")
        counts, tally = merged.counts, merged.tally
    balance = balance_from_counts(articles, counts, by="outlet")
    files = _write_frame(out, "balance", balance)
    top = rank_speakers(tally, total=summary.n_quotes, n=15)
    figures = {}
    for name, figure in standard_figures(None, balance, top=top).items():
        png = figure_png(figure)
        write_bytes_atomic(out, f"figures/{name}.png", png)
        figures[name] = png
        files.append(f"figures/{name}.png")
    files += [f"figures/{f}" for f in _write_frame(out / "figures", "top_speakers", top)]
    wanted = [s.article_id for s in samples]
    quotes = _quotes_of(out / "quotes.parquet", wanted)
    spans: dict[str, list[tuple[int, int, str]]] = {}
    for quote in quotes:
        for start, end in quote["fragments"]:
            spans.setdefault(quote["article_id"], []).append((start, end, quote["speaker"] or ""))
    shown = [replace(s, quotes=tuple(spans.get(s.article_id, ()))) for s in samples]
    page = render_report(
        title=title,
        summary={
            "articles": summary.n_articles,
            "analysed in this run": summary.n_analysed,
            "reused from earlier runs": summary.n_reused,
            "quotes": summary.n_quotes,
            "speakers (per article)": summary.n_speakers,
            "problems": summary.n_problems,
        },
        balance=balance.loc[lambda d: d["measure"] == "quotes"],
        top=top,
        problems=_read(out, "problems"),
        samples=shown,
        figures=figures,
    )
    write_bytes_atomic(out, "report.html", page.encode("utf-8"))
    return [*files, "report.html"]


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
        if "fragments" in table.columns:
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
    "MANIFEST",
    "TABLES",
    "MergedTables",
    "RunInterrupted",
    "RunSummary",
    "atomic_path",
    "chunk_tables",
    "content_hash",
    "prepare_out_dir",
    "read_results",
    "run_corpus",
    "write_bytes_atomic",
    "write_final_tables",
    "write_report",
]

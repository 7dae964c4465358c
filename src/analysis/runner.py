"""Chunked, parallel, resumable corpus runs: what ``newsroom-workbook analyze`` does.

:func:`run_corpus` streams a corpus with :func:`analysis.corpus.iter_corpus`, cuts it into
chunks of ``chunk_size`` articles in corpus order, analyses each chunk with
:func:`analysis.pipeline.analyze_article` in a process pool, and has each worker write its
chunk's tables as Parquet parts. Everything about the results folder (its safety, the
manifest, content hashes, atomic writes, the streaming merge into the final tables) lives in
:mod:`analysis.store`; this module decides what to analyse, runs the workers, and writes the
report at the end:

- ``quotes``, ``speakers``, ``articles`` (see :class:`analysis.pipeline.Results`);
- ``balance``: one row per (outlet, dimension, category, measure), bootstrapped from the
  per-article counts;
- ``problems``: the loader's problems (file order), then articles whose analysis failed.

Resuming and incremental runs
    A later run with the same ``--out`` skips every article whose content hash is already in
    a finished chunk, so an interrupted run resumes where it stopped and a grown corpus only
    costs its new or changed articles; rows of articles that changed or left the corpus are
    dropped.

Speakers across the corpus, and corrections
    The parts hold each article's own analysis. After the merge, every run links speakers
    across the whole corpus (:func:`analysis.pipeline.link_corpus`: one ``speaker_id`` per
    person or organisation, ``aliases``, types and origins lent from other articles) and
    then applies the corpus's corrections file, if :func:`analysis.speakers.find_corrections`
    finds one (``corrections.yaml`` beside the corpus), as the last step
    (:func:`analysis.store.link_final_tables`). Both depend on the whole corpus and are
    cheap, so they are redone on every run rather than cached per chunk: editing the
    corrections file changes the next run's tables without re-analysing any article. The
    corrections applied are written as ``corrections.parquet``/``.csv`` and listed in the
    report; the file's SHA-256 is in the report's provenance.

Determinism
    Chunks are cut in corpus order, whatever the number of processes, and the final tables
    are sorted by their keys, so ``--jobs 1`` and ``--jobs 8`` write the same bytes.
"""

from __future__ import annotations

import collections
import concurrent.futures
import functools
import itertools
import json
import multiprocessing
import multiprocessing.connection
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from dataclasses import replace as replace_fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from analysis.aggregate import (
    CATEGORIES,
    article_counts,
    balance_from_counts,
    n_counted,
    rank_speakers,
    speaker_tally,
    tone_by_group,
)
from analysis.corpus import DEFAULT_MAX_BYTES, Article, iter_corpus
from analysis.errors import CorpusError, OutputError
from analysis.pipeline import Results, analyze_article, combine
from analysis.provenance import (
    Provenance,
    article_digest,
    corpus_checksum,
    method_card,
    model_files,
    package_version,
    run_date,
)
from analysis.quotes import MIN_CONFIDENCE
from analysis.report import (
    ReportArticle,
    figure_png,
    no_country_note,
    render_report,
    standard_figures,
)
from analysis.schema import FAILURE_COLUMNS, problem_row, sort_rows
from analysis.speakers import (
    Correction,
    corrections_fingerprint,
    find_corrections,
    read_corrections,
)
from analysis.store import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    PART_TABLES,
    PARTS_VERSION,
    TABLES,
    TALLY_INPUT,
    MergedTables,
    check_chunks,
    code_fingerprint,
    content_hash,
    corpus_id,
    drop_stale,
    fill_metadata,
    link_final_tables,
    locked,
    prepare_out_dir,
    quotes_of,
    read_index,
    read_results,
    read_table,
    remove_orphan_parts,
    remove_temporaries,
    to_arrow,
    write_bytes_atomic,
    write_final_tables,
    write_frame,
    write_manifest,
    write_parquet_atomic,
)

REPORT_TEXTS = 5_000
"""Articles whose full text ``report.html`` includes; beyond them articles are listed only."""


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
    n_without_country : int
        Articles with no country (their sources' origin is unknown).
    corpus_checksum : str
        :func:`analysis.provenance.corpus_checksum` of the usable articles.
    n_corrections : int
        Rows of the corpus's corrections file applied (``corrections.csv``).
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
    n_without_country: int = 0
    corpus_checksum: str = ""
    n_corrections: int = 0


# --- chunk analysis (runs in worker processes) ----------------------------------------------


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
        columns=FAILURE_COLUMNS,
    ).astype("str")
    return {
        "quotes": tables.quotes,
        "speakers": tables.speakers,
        "articles": fill_metadata(tables.articles),
        "failures": sort_rows(failures, "failures"),
        "counts": article_counts(tables),
    }


def _analyze_chunk(
    out: str,
    name: str,
    records: list[dict[str, Any]],
    hashes: list[str],
    *,
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
    for table in PART_TABLES:
        write_parquet_atomic(folder, f"parts/{name}-{table}.parquet", to_arrow(tables[table]))
    return {"n_articles": len(records), "n_quotes": n_counted(tables["quotes"])}


# --- the run ------------------------------------------------------------------------------


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
    replace: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    follow_links: bool = False,
    sentiment: bool = True,
    min_confidence: float = MIN_CONFIDENCE,
    progress: Callable[[int], None] | None = None,
    n_samples: int = REPORT_TEXTS,
    country: str | None = None,
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
    replace : bool, optional
        Replace the results of another corpus found in ``out_dir`` (refused otherwise).
    max_bytes : int, optional
        Largest article accepted by the loader.
    follow_links : bool, optional
        Read symbolic links that leave the corpus folder, and linked folders (see
        :func:`analysis.corpus.load_corpus`); without it each is a problem row.
    sentiment : bool, optional
        Score quotes and articles with TextBlob and VADER.
    min_confidence : float, optional
        Floor on quote confidence for what counts (see :func:`analysis.analyze`).
    progress : callable, optional
        Called with the number of articles of each chunk as it is analysed or reused.
    n_samples : int, optional
        The first articles of the corpus shown in full in ``report.html`` (default
        :data:`REPORT_TEXTS`; every article is listed there).
    country : str, optional
        ISO 3166-1 alpha-2 country of every article that has none (its own metadata and
        ``corpus.yaml`` win); origin (domestic/foreign) is judged against it.

    Returns
    -------
    RunSummary

    Raises
    ------
    CorpusError
        When the corpus does not exist, or has no usable article.
    CorrectionsError
        When the corpus's corrections file has a bad row (naming file and line); raised
        before anything is written.
    OutputError
        When ``out_dir`` may not be written (see :func:`analysis.store.prepare_out_dir`), or
        another run is writing into it (see :func:`analysis.store.locked`).
    OSError
        When a write fails (a full disk, a read-only folder); the files already in
        ``out_dir`` are left as they were.
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    # find the first usable article before touching the output folder
    defaults = {"country": country} if country else None
    items = _from_first_usable(
        corpus,
        iter_corpus(corpus, max_bytes=max_bytes, follow_links=follow_links, defaults=defaults),
    )
    found = find_corrections(corpus)
    corrections = read_corrections(found) if found is not None else ()
    fixes_note = (
        f"corrections {found.name} (sha256 {corrections_fingerprint(found)[:12]}, "
        f"{len(corrections)} rows)"
        if found is not None
        else "no corrections file"
    )
    out = Path(out_dir)
    prepare_out_dir(out, force=force, corpus=corpus, replace=replace)  # checks, creates
    with locked(out):
        return _run_locked(
            corpus,
            out,
            items,
            force=force,
            replace=replace,
            jobs=jobs,
            chunk_size=chunk_size,
            sentiment=sentiment,
            min_confidence=min_confidence,
            progress=progress,
            n_samples=n_samples,
            corrections=corrections,
            settings_note=(
                f"sentiment {'on' if sentiment else 'off'}; largest article {max_bytes:,} "
                f"bytes; default country {country or 'none'}; bootstrap 1,000 replicates, "
                f"seed 0; {fixes_note}"
            ),
        )


def _run_locked(
    corpus: str | os.PathLike[str],
    out: Path,
    items: Iterator[Article | CorpusError],
    *,
    force: bool,
    replace: bool,
    jobs: int | None,
    chunk_size: int,
    sentiment: bool,
    min_confidence: float,
    progress: Callable[[int], None] | None,
    n_samples: int,
    settings_note: str,
    corrections: Sequence[Correction] = (),
) -> RunSummary:
    """:func:`run_corpus` once the output folder is locked for this process."""
    found = prepare_out_dir(out, force=force, corpus=corpus, replace=replace)
    settings = {
        "sentiment": sentiment,
        "min_confidence": min_confidence,
        "code": code_fingerprint(),
        "parts": PARTS_VERSION,
    }
    manifest = _start_manifest(found, settings, corpus_id(corpus))
    if found is not None:  # a folder of the user's (--force) keeps every file it holds
        remove_temporaries(out)
    good, _broken = check_chunks(out, manifest["chunks"])  # broken ones are analysed again
    manifest["chunks"] = good
    remove_orphan_parts(out, good)
    write_manifest(out, manifest)

    scan = _Scan(read_index(out, manifest["chunks"]), json.dumps(settings, sort_keys=True))
    pending = scan.pending(items, chunk_size, n_samples, progress)
    jobs = max(1, jobs or os.cpu_count() or 1)
    n_analysed = 0
    work = functools.partial(_analyze_chunk, sentiment=sentiment, min_confidence=min_confidence)
    for number, records, hashes, lost in _map_chunks(pending, out, jobs, work, manifest):
        if lost:
            scan.lost(records, lost)
        else:
            chunk = f"c{number:06d}"
            chunks = [*manifest["chunks"], chunk]
            manifest = {**manifest, "chunks": chunks, "next_chunk": number + 1}
            write_manifest(out, manifest)
            n_analysed += len(records)
            scan.index.update(
                (d, (str(r["article_id"]), chunk)) for r, d in zip(records, hashes, strict=True)
            )
        if progress is not None:
            progress(len(records))
    remove_orphan_parts(out, manifest["chunks"])  # parts of lost chunks

    manifest, renamed = drop_stale(out, manifest, scan.stale())
    n_dropped = len(scan.stale())
    scan.rename(renamed)
    merged = write_final_tables(out, manifest["chunks"], scan.live(), scan.problems)
    merged, applied = link_final_tables(out, merged, corrections)
    merged = replace_fields(
        merged, files=(*merged.files, *write_frame(out, "corrections", applied))
    )
    counts = {"articles": scan.n_articles, "analysed": n_analysed, "reused": scan.n_reused}
    summary = replace_fields(
        _summarise(out, counts, n_dropped, merged.files),
        n_without_country=scan.n_without_country,
        corpus_checksum=corpus_checksum(scan.digests),
        n_corrections=len(applied),
    )
    provenance = Provenance(
        package_version=package_version(),
        run_date=run_date(),
        corpus=Path(corpus).name,
        corpus_checksum=summary.corpus_checksum,
        settings=(("settings", settings_note),),
        models=model_files(),
    )
    report_files = write_report(
        out,
        summary,
        scan.samples,
        title=f"newsroom-workbook: {Path(corpus).name}",
        merged=merged,
        provenance=provenance,
        corrections=applied,
    )
    write_manifest(out, {**manifest, "complete": True, "n_articles": scan.n_articles})
    return replace_fields(summary, files=(*merged.files, *report_files))


def _from_first_usable(
    corpus: str | os.PathLike[str], items: Iterator[Article | CorpusError]
) -> Iterator[Article | CorpusError]:
    """``items`` again, once it is known to hold a usable article; else raise CorpusError."""
    head: list[Article | CorpusError] = []
    for item in items:
        head.append(item)
        if not isinstance(item, CorpusError):
            return itertools.chain(head, items)
    problems = "; ".join(f"{p.source}: {p.problem}" for p in head[:5])
    more = f" and {len(head) - 5} more" if len(head) > 5 else ""
    raise CorpusError(
        str(corpus), "no usable articles" + (f" ({problems}{more})" if problems else "")
    )


def _start_manifest(
    found: Mapping[str, Any] | None, settings: Mapping[str, Any], corpus: str
) -> dict[str, Any]:
    """The manifest of this run: the one found if its settings match, else a fresh one."""
    if found is None or found.get("settings") != settings:
        found = {"format": FORMAT, "version": FORMAT_VERSION, "chunks": [], "next_chunk": 1}
    return {**found, "settings": dict(settings), "corpus": corpus, "complete": False}


_LOST = (
    "the worker process analysing it died twice (killed, or out of memory); not analysed "
    "in this run, tried again by the next"
)


@dataclass(eq=False)
class _Scan:
    """What streaming the corpus gathers: hashes seen, reuse counts, problems and samples.

    ``index`` maps the content hash of every article of a finished chunk to its
    (article_id, chunk); the run adds each chunk it finishes.
    """

    index: dict[str, tuple[str, str]]
    salt: str
    seen: set[str] = field(default_factory=set)
    samples: list[ReportArticle] = field(default_factory=list)
    problems: list[dict[str, str]] = field(default_factory=list)
    digests: list[str] = field(default_factory=list)
    n_articles: int = 0
    n_reused: int = 0
    n_without_country: int = 0

    def _note(self, err: CorpusError) -> None:
        self.problems.append(problem_row(err))

    def pending(
        self,
        items: Iterable[Article | CorpusError],
        chunk_size: int,
        n_samples: int,
        progress: Callable[[int], None] | None,
    ) -> Iterator[tuple[list[dict[str, Any]], list[str]]]:
        """Chunks of (article rows, content hashes) still to analyse, in corpus order."""
        for articles in chunks_of(items, chunk_size, self._note):
            records, hashes = [], []
            for article in articles:
                row = article.as_row()
                self.digests.append(article_digest(row))
                self.n_without_country += not article.country
                if len(self.samples) < n_samples:
                    self.samples.append(
                        ReportArticle(
                            article.article_id, article.title, article.outlet, article.text
                        )
                    )
                digest = content_hash(row, self.salt)
                self.n_articles += 1
                reused = digest in self.index and digest not in self.seen
                self.seen.add(digest)
                if reused:
                    self.n_reused += 1
                else:
                    records.append(row)
                    hashes.append(digest)
            if progress is not None and len(records) < len(articles):
                progress(len(articles) - len(records))
            if records:
                yield records, hashes

    def lost(self, records: Sequence[Mapping[str, Any]], reason: str) -> None:
        """The articles of a chunk whose worker died: problems, and not in the index."""
        for record in records:
            self.problems.append(
                {"source": str(record["source"]), "error": "WorkerError", "problem": reason}
            )

    def rename(self, renamed: Mapping[str, str]) -> None:
        """Follow chunks rewritten under new names (see :func:`analysis.store.drop_stale`)."""
        self.index = {
            digest: (article_id, renamed.get(chunk, chunk))
            for digest, (article_id, chunk) in self.index.items()
        }

    def stale(self) -> dict[str, tuple[str, str]]:
        """Articles of finished chunks that are no longer in the corpus (or changed)."""
        return {d: where for d, where in self.index.items() if d not in self.seen}

    def live(self) -> list[tuple[str, str]]:
        """(article_id, chunk) of every article of the corpus, sorted."""
        return sorted(where for d, where in self.index.items() if d in self.seen)


def _map_chunks(
    chunks: Iterator[tuple[list[dict[str, Any]], list[str]]],
    out: Path,
    jobs: int,
    work: Callable[..., dict[str, int]],
    manifest: Mapping[str, Any],
) -> Iterator[tuple[int, list[dict[str, Any]], list[str], str]]:
    """Analyse chunks with ``work`` (:func:`_analyze_chunk` with the run's settings; in a pool
    when ``jobs > 1``); yield each in corpus order.

    Yields ``(number, records, hashes, lost)``: chunks are numbered from
    ``manifest["next_chunk"]``, and a chunk is yielded once its parts are written, with
    ``lost`` empty. When a worker process dies (killed, out of memory), the pool is
    replaced and each chunk that was in flight is tried again alone; a chunk that kills
    its worker again is yielded with ``lost`` saying so, its parts unwritten. At most
    ``2 * jobs`` chunks are in flight, so memory does not grow with the corpus.
    """
    numbers = itertools.count(int(manifest["next_chunk"]))
    if jobs == 1:
        for records, hashes in chunks:
            number = next(numbers)
            work(str(out), f"c{number:06d}", records, hashes)
            yield number, records, hashes, ""
        return
    queue: collections.deque[tuple[int, list, list, concurrent.futures.Future | None]]
    queue = collections.deque()
    pool = _worker_pool(jobs)
    try:
        for records, hashes in chunks:
            number = next(numbers)
            try:
                future = pool.submit(work, str(out), f"c{number:06d}", records, hashes)
            except concurrent.futures.process.BrokenProcessPool:  # a worker died meanwhile
                future = None
            queue.append((number, records, hashes, future))
            while queue and (len(queue) >= 2 * jobs or queue[-1][3] is None):
                if (yield from _finish_first(queue, out, work)):
                    pool.shutdown(wait=True, cancel_futures=True)
                    pool = _worker_pool(jobs)
        while queue:
            yield from _finish_first(queue, out, work)
    finally:
        for *_, future in queue:
            if future is not None:
                future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def _finish_first(
    queue: collections.deque, out: Path, work: Callable[..., dict[str, int]]
) -> Iterator[tuple[int, list[dict[str, Any]], list[str], str]]:
    """Wait for the first chunk in ``queue`` and yield it; return True if the pool broke.

    A broken pool fails every chunk in flight: each is then tried again alone, in a pool of
    its own, and the queue is emptied.
    """
    number, records, hashes, future = queue[0]
    try:
        if future is None:
            raise concurrent.futures.process.BrokenProcessPool
        future.result()
    except concurrent.futures.process.BrokenProcessPool:
        retry = list(queue)
        queue.clear()
        alone = None
        try:
            for number, records, hashes, future in retry:
                if _succeeded(future):  # finished before the pool broke
                    yield number, records, hashes, ""
                    continue
                alone = alone or _worker_pool(1)
                again = alone.submit(work, str(out), f"c{number:06d}", records, hashes)
                try:
                    again.result()
                except concurrent.futures.process.BrokenProcessPool:
                    alone.shutdown(wait=True)
                    alone = None
                    yield number, records, hashes, _LOST
                else:
                    yield number, records, hashes, ""
        finally:
            if alone is not None:
                alone.shutdown(wait=True)
        return True
    queue.popleft()
    yield number, records, hashes, ""
    return False


def _succeeded(future: concurrent.futures.Future | None) -> bool:
    return (
        future is not None
        and future.done()
        and not future.cancelled()
        and future.exception() is None
    )


def _worker_pool(jobs: int) -> concurrent.futures.ProcessPoolExecutor:
    """``jobs`` spawned worker processes that end when this process ends, however it ends."""
    return concurrent.futures.ProcessPoolExecutor(
        jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_exit_with_parent
    )


def _exit_with_parent() -> None:
    """Worker initialiser: exit as soon as the main process is gone (killed with -9, too).

    A daemon thread waits on the parent's sentinel, which the system marks ready when the
    parent ends, so no worker keeps running (and writing) after a killed run.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


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


def write_report(
    out: Path,
    summary: RunSummary,
    samples: Sequence[ReportArticle],
    *,
    title: str,
    merged: MergedTables | None = None,
    provenance: Provenance | None = None,
    corrections: pd.DataFrame | None = None,
) -> list[str]:
    """Write ``balance``, the standard figures (PNG and the CSV of their numbers) and
    ``report.html``; return the files written.

    With ``merged`` (what :func:`write_final_tables` gathered), the balance comes from the
    per-article counts and the top speakers from the speaker tally, so no quote table of
    the corpus is read back except the few columns the tone section and the article
    browser need. Without it, they are computed from the final tables (only the columns
    they need). ``samples`` gives the texts of the articles the browser shows in full;
    every article of ``articles.parquet`` is listed. ``corrections`` (the speaker
    corrections applied, :data:`analysis.speakers.APPLIED_COLUMNS`) are listed in the
    report's corrections section.
    """
    meta_columns = ["article_id", "title", "outlet", "date", "country", "url", "author", "license"]
    articles = read_table(out, "articles", meta_columns)
    if merged is None:
        light = Results(
            quotes=read_table(out, "quotes", ["article_id", "n_words", *CATEGORIES]),
            speakers=read_table(out, "speakers", TALLY_INPUT + list(CATEGORIES)[:-1]),
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
    overall = balance_from_counts(articles, counts)
    files = write_frame(out, "balance", balance)
    top = rank_speakers(tally, total=summary.n_quotes, n=15)
    scored = "vader_compound" in pq.read_schema(out / "quotes.parquet").names
    tone = None
    if scored:
        tone_quotes = read_table(out, "quotes", ["source_type", "vader_compound"]).astype(
            {"source_type": pd.CategoricalDtype(list(CATEGORIES["source_type"]), ordered=True)}
        )
        tone = tone_by_group(tone_quotes, by="source_type")
    note = no_country_note(summary.n_without_country, summary.n_articles)
    figures = {}
    drawn = standard_figures(balance, top=top, overall=overall, tone=tone, origin_note=note)
    for name, figure in drawn.items():
        png = figure_png(figure)
        write_bytes_atomic(out, f"figures/{name}.png", png)
        figures[name] = png
        files.append(f"figures/{name}.png")
    files += [f"figures/{f}" for f in write_frame(out / "figures", "top_speakers", top)]
    texts = {s.article_id: s.text for s in samples}
    marked: dict[str, list[dict[str, Any]]] = {}
    for quote in quotes_of(out / "quotes.parquet", list(texts)):
        marked.setdefault(quote["article_id"], []).append(quote)
    shown = [
        ReportArticle(
            article_id=row.article_id,
            title=row.title,
            outlet=row.outlet,
            text=texts.get(row.article_id),
            quotes=tuple(marked.get(row.article_id, ())),
            date=row.date,
            country=row.country,
            url=row.url,
            license=row.license,
            author=row.author,
        )
        for row in articles.fillna("").itertuples(index=False)
    ]
    left_out = sum(article.text is None for article in shown)
    page = render_report(
        title=title,
        summary={
            "articles": summary.n_articles,
            "analysed in this run": summary.n_analysed,
            "reused from earlier runs": summary.n_reused,
            "quotes": summary.n_quotes,
            "speakers (per article)": summary.n_speakers,
            "articles without a country": summary.n_without_country,
            "problems": summary.n_problems,
        },
        balance=balance,
        overall=overall,
        top=top,
        tone=tone,
        method=method_card(),
        provenance=provenance,
        notes=[note] if note else [],
        problems=read_table(out, "problems"),
        samples=shown,
        figures=figures,
        corrections=corrections if corrections is not None and len(corrections) else None,
        articles_note=(
            f"{left_out:,} articles are listed without their text: the report includes the "
            f"texts of the first {len(texts):,} articles only (their quotes are in quotes.csv)."
            if left_out
            else None
        ),
    )
    write_bytes_atomic(out, "report.html", page.encode("utf-8"))
    return [*files, "report.html"]


__all__ = [
    "MANIFEST",
    "TABLES",
    "RunSummary",
    "chunk_tables",
    "read_results",
    "run_corpus",
    "write_report",
]

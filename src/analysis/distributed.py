"""The Dask path: the same per-article analysis on a cluster, written as partitioned Parquet.

:func:`analyze_with_dask` streams the corpus on the client (the machine that runs it), puts
the article rows in a :class:`dask.bag.Bag` of ``partition_size`` articles per partition,
maps :func:`analysis.pipeline.analyze_article` (the function the command line uses) over
it, and has each worker turn its partition into tables and write them:

    OUT/quotes/part-000001.parquet, OUT/speakers/part-000001.parquet,
    OUT/articles/part-000001.parquet, ...  and OUT/problems.parquet

Each folder is a Parquet dataset: ``pandas.read_parquet(OUT / "quotes")`` or
``dask.dataframe.read_parquet(OUT / "quotes")`` reads it; :func:`read_dask_results` reads
all of them back as :class:`analysis.pipeline.Results`, sorted like the single-machine
tables (and equal to them).

Speakers across the corpus, and corrections
    The partitioned datasets hold each article's own analysis: there ``speaker_id`` is the
    per-article key and no type is lent from another article, as in the command line's
    parts. :func:`read_dask_results` does the corpus-level steps when it reads them back,
    as :func:`analysis.pipeline.analyze` does: :func:`analysis.pipeline.link_corpus`, then
    the corrections file of the corpus (:func:`analysis.speakers.find_corrections`), which
    :func:`analyze_with_dask` checks before the run (a bad row raises
    :class:`analysis.errors.CorrectionsError` naming file and line) and copies into the
    results folder as ``corrections.yaml``, so the folder alone gives the same tables.
    Read the datasets through :func:`read_dask_results`, not directly, for cross-article
    identity and corrections.

The corpus is sent to the cluster ``window`` partitions at a time, so the client's memory
does not grow with the corpus. Workers write the parts themselves, so ``out_dir`` must be
on storage every worker and the client can reach (a shared file system) when the cluster
spans several machines.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.corpus import DEFAULT_MAX_BYTES, iter_corpus
from analysis.errors import CorpusError, OutputError
from analysis.pipeline import (
    ArticleResult,
    Results,
    analyze_article,
    combine,
    correct_results,
    link_corpus,
)
from analysis.runner import chunks_of
from analysis.schema import (
    PROBLEM_COLUMNS,
    QUOTE_DTYPES,
    QUOTE_SENTIMENT,
    SPEAKER_DTYPES,
    article_columns,
    extra_metadata,
    problem_row,
    sort_rows,
)
from analysis.speakers import (
    CORRECTIONS_FILE,
    corrections_fingerprint,
    find_corrections,
    read_corrections,
)
from analysis.store import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    corpus_id,
    fill_metadata,
    locked,
    prepare_out_dir,
    to_arrow,
    write_bytes_atomic,
    write_parquet_atomic,
)

DATASETS = ("quotes", "speakers", "articles")
"""Partitioned tables written by :func:`analyze_with_dask` (``problems`` is one file)."""
_DASK_OUTPUTS = (*DATASETS, "problems.parquet", CORRECTIONS_FILE)


@dataclass(frozen=True, slots=True)
class DaskSummary:
    """What a Dask run did: partitions written, articles, quotes and problems."""

    out_dir: Path
    n_partitions: int
    n_articles: int
    n_quotes: int
    n_problems: int


def _write_partition(
    results: Sequence[ArticleResult], out: str, number: int, sentiment: bool
) -> dict[str, Any]:
    """Worker: tables of one partition -> ``<table>/part-<number>.parquet``."""
    tables = combine(results, sentiment=sentiment)
    folder = Path(out)
    for name in DATASETS:
        table = getattr(tables, name)
        table = fill_metadata(table) if name == "articles" else table
        write_parquet_atomic(folder, f"{name}/part-{number:06d}.parquet", to_arrow(table))
    return {
        "n_articles": len(tables.articles),
        "n_quotes": len(tables.quotes),
        "failures": tables.problems.to_dict("records"),
    }


def _windows(
    corpus: str | os.PathLike[str],
    rows_per_window: int,
    max_bytes: int,
    follow_links: bool,
    problems: list,
) -> Iterator[list[dict[str, Any]]]:
    def record(item: CorpusError) -> None:
        problems.append(problem_row(item))

    for chunk in chunks_of(
        iter_corpus(corpus, max_bytes=max_bytes, follow_links=follow_links), rows_per_window, record
    ):
        yield [article.as_row() for article in chunk]


def analyze_with_dask(
    corpus_path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    client: Any = None,
    partition_size: int = 200,
    window: int = 32,
    sentiment: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
    force: bool = False,
    replace: bool = False,
    follow_links: bool = False,
) -> DaskSummary:
    """Analyse a corpus on a Dask cluster; write partitioned Parquet tables.

    Parameters
    ----------
    corpus_path : str or Path
        A corpus folder or file, readable by the client.
    out_dir : str or Path
        Results folder, readable and writable by every worker. The part files of an earlier
        Dask run in it are replaced (nothing else is deleted); a non-empty folder not
        written by newsroom-workbook is refused unless ``force``, and even then when it
        holds a ``quotes``, ``speakers`` or ``articles`` folder.
    client : distributed.Client, optional
        The cluster to use (``Client("tcp://scheduler:8786")``); default: the current
        client if one exists, else Dask's local scheduler.
    partition_size : int, optional
        Articles per bag partition (and per Parquet part).
    window : int, optional
        Partitions sent to the cluster at a time; bounds the client's memory.
    sentiment : bool, optional
        Score quotes and articles with TextBlob and VADER.
    max_bytes : int, optional
        Largest article accepted by the loader.
    force : bool, optional
        Write into a non-empty folder that has no newsroom-workbook manifest.
    replace : bool, optional
        Replace the results of another corpus found in ``out_dir`` (refused otherwise).
    follow_links : bool, optional
        Read symbolic links that leave the corpus folder, and linked folders.

    Returns
    -------
    DaskSummary

    Raises
    ------
    CorpusError
        When the corpus does not exist.
    CorrectionsError
        When the corpus's corrections file has a bad row (raised before anything is written).
    OutputError
        When ``out_dir`` may not be written.
    """
    import dask
    import dask.bag as db

    if partition_size < 1 or window < 1:
        raise ValueError("partition_size and window must be at least 1")
    if not Path(corpus_path).exists():
        raise CorpusError(str(corpus_path), "no such file or folder")
    fixes = find_corrections(corpus_path)
    if fixes is not None:
        read_corrections(fixes)  # a bad row fails here, before anything is written
    out = Path(out_dir)
    prepare_out_dir(out, force=force, corpus=corpus_path, replace=replace, outputs=_DASK_OUTPUTS)
    with locked(out):  # one run at a time; checked again under the lock
        found = prepare_out_dir(
            out, force=force, corpus=corpus_path, replace=replace, outputs=_DASK_OUTPUTS
        )
        _remove_earlier_parts(out, found)
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "layout": "dask",
            "corpus": corpus_id(corpus_path),
            "complete": False,
            "corrections": corrections_fingerprint(fixes),
        }
        _write_manifest(out, manifest)
        if fixes is not None:
            write_bytes_atomic(out, CORRECTIONS_FILE, fixes.read_bytes())

        problems: list[dict[str, str]] = []
        failures: list[dict[str, str]] = []
        counts = {"partitions": 0, "articles": 0, "quotes": 0}
        for rows in _windows(
            corpus_path, partition_size * window, max_bytes, follow_links, problems
        ):
            bag = db.from_sequence(rows, partition_size=partition_size)
            analysed = bag.map(analyze_article, sentiment=sentiment)
            first = counts["partitions"] + 1
            tasks = [
                dask.delayed(_write_partition)(part, str(out), first + i, sentiment)
                for i, part in enumerate(analysed.to_delayed())
            ]
            done = client.compute(tasks, sync=True) if client is not None else dask.compute(*tasks)
            for result in done:
                counts["articles"] += result["n_articles"]
                counts["quotes"] += result["n_quotes"]
                failures.extend(result["failures"])
            counts["partitions"] += len(tasks)
        if counts["articles"] == 0 and not failures:
            raise CorpusError(str(corpus_path), "no usable articles")
        table = pd.DataFrame([*problems, *failures], columns=PROBLEM_COLUMNS).astype("str")
        write_parquet_atomic(out, "problems.parquet", to_arrow(table))
        _write_manifest(out, {**manifest, "complete": True, "n_partitions": counts["partitions"]})
        return DaskSummary(
            out, counts["partitions"], counts["articles"], counts["quotes"], len(table)
        )


_PART = re.compile(r"part-(\d{6})\.parquet")


def _write_manifest(out: Path, manifest: Mapping[str, Any]) -> None:
    write_bytes_atomic(out, MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())


def _remove_earlier_parts(out: Path, manifest: Mapping[str, Any] | None) -> None:
    """Delete the part files an earlier Dask run wrote here, and nothing else.

    Only ``part-NNNNNN.parquet`` files directly in ``quotes/``, ``speakers/`` and
    ``articles/`` are removed, and only when the folder's manifest says a Dask run wrote
    them. A folder of those names that newsroom-workbook did not write (``--force`` into a
    folder of the user's) is refused: its files would be overwritten.
    """
    ours = manifest is not None and manifest.get("layout") == "dask"
    for name in DATASETS:
        folder = out / name
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            raise OutputError(
                f"{folder}: not a folder newsroom-workbook wrote; choose another out_dir"
            )
        if not folder.is_dir():
            continue
        if not ours:
            raise OutputError(
                f"{folder}: exists and was not written by a Dask run of newsroom-workbook; "
                "nothing was deleted; choose another out_dir"
            )
        for path in folder.iterdir():
            if _PART.fullmatch(path.name) and path.is_file() and not path.is_symlink():
                path.unlink()
    copied = out / CORRECTIONS_FILE
    if ours and copied.is_file() and not copied.is_symlink():
        copied.unlink()  # an earlier run's copy; this run copies the corpus's own, if any


class PartialResultsWarning(UserWarning):
    """The Dask run that wrote a results folder did not finish."""


_EMPTY_COLUMNS = {
    "quotes": list(QUOTE_DTYPES),
    "speakers": list(SPEAKER_DTYPES),
    "articles": ["article_id"],
}
"""Columns of a table no partition was written for (its rows are sorted by them)."""


def read_dask_results(out_dir: str | os.PathLike[str]) -> Results:
    """Read the output of :func:`analyze_with_dask` as one :class:`Results`.

    Tables are sorted and typed like :func:`analysis.pipeline.analyze`'s, speakers linked
    across the corpus (:func:`analysis.pipeline.link_corpus`) and the run's corrections
    (``corrections.yaml`` copied into the folder) applied, so they equal ``analyze``'s;
    the articles table's extra metadata columns come in name order.

    Warns
    -----
    PartialResultsWarning
        When the run that wrote the folder did not finish (killed, or failed): the tables
        then hold only the partitions written before it stopped.

    Raises
    ------
    OutputError
        When the folder was not written by :func:`analyze_with_dask`, or a finished run's
        part files are missing or extra.
    CorrectionsError
        When the folder's ``corrections.yaml`` has a bad row.
    """
    out = Path(out_dir)
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise OutputError(
            f"{out / MANIFEST}: cannot be read ({err}); not a Dask results folder"
        ) from None
    if not isinstance(manifest, dict) or manifest.get("layout") != "dask":
        raise OutputError(f"{out}: not written by analyze_with_dask")
    n_partitions = manifest.get("n_partitions")
    if not manifest.get("complete") or not isinstance(n_partitions, int):
        warnings.warn(
            f"{out}: the Dask run that wrote it did not finish; these tables hold only the "
            "partitions written before it stopped, and problems.parquet (if any) is an earlier "
            "run's; run analyze_with_dask again for complete tables",
            PartialResultsWarning,
            stacklevel=2,
        )
        n_partitions = None

    def dataset(name: str) -> pd.DataFrame:
        found = sorted(p for p in (out / name).glob("part-*.parquet") if _PART.fullmatch(p.name))
        if n_partitions is not None:
            expected = [out / name / f"part-{i:06d}.parquet" for i in range(1, n_partitions + 1)]
            if found != expected:
                raise OutputError(
                    f"{out / name}: holds {len(found)} part files, the finished run wrote "
                    f"{n_partitions}; run analyze_with_dask again"
                )
        frames = [pd.read_parquet(p) for p in found]
        if not frames:  # a killed run may have written no part of this table yet
            return pd.DataFrame(columns=_EMPTY_COLUMNS[name])
        return pd.concat(frames, ignore_index=True)

    def typed(table: pd.DataFrame, dtypes: Mapping[str, Any]) -> pd.DataFrame:
        return table.astype({c: t for c, t in dtypes.items() if c in table.columns})

    quotes = dataset("quotes")
    if "fragments" in quotes.columns:
        quotes["fragments"] = [
            tuple(tuple(int(x) for x in f) for f in v) for v in quotes["fragments"]
        ]
    scores = dict.fromkeys(QUOTE_SENTIMENT, "float64") if "polarity" in quotes.columns else {}
    articles = dataset("articles")
    order = article_columns(articles.columns, scored=True)
    articles = articles.fillna(dict.fromkeys(extra_metadata(articles.columns), ""))[
        [c for c in order if c in articles]
    ]
    problems_file = out / "problems.parquet"
    problems = (
        pd.read_parquet(problems_file).astype("str")
        if problems_file.is_file()
        else pd.DataFrame(columns=PROBLEM_COLUMNS).astype("str")
    )
    results = link_corpus(
        Results(
            quotes=sort_rows(typed(quotes, {**QUOTE_DTYPES, **scores}), "quotes"),
            speakers=sort_rows(typed(dataset("speakers"), SPEAKER_DTYPES), "speakers"),
            articles=sort_rows(articles, "articles"),
        )
    )
    if (out / CORRECTIONS_FILE).is_file():
        results = correct_results(results, read_corrections(out / CORRECTIONS_FILE))
    return Results(
        results.quotes,
        results.speakers,
        results.articles,
        problems,
        results.corrections,
    )


__all__ = [
    "DATASETS",
    "DaskSummary",
    "PartialResultsWarning",
    "analyze_with_dask",
    "read_dask_results",
]

"""The table contract: categories, columns, dtypes, sort keys, problem rows and one check.

Every module that builds, reads, writes or draws the workbook's tables takes their shape
from here, so a newcomer reads it once:

- **Fixed categories** (:data:`SOURCE_TYPES`, :data:`ORIGINS`, :data:`GENDERS`,
  :data:`ENTITIES`, :data:`KINDS`, :data:`ANONYMITY`) as tuples in display order, and the
  ordered :class:`pandas.CategoricalDtype` built from each (``*_DTYPE``), so the table order
  and the zero rows stay the same on every run.
- **Tables** of an analysed corpus (``analysis.pipeline.Results``):

  ========== ===================================== ==========================================
  table      one row per                           columns, in order
  ========== ===================================== ==========================================
  quotes     quote, by (article_id, start, end)    :data:`QUOTE_DTYPES`, then
                                                   :data:`QUOTE_SENTIMENT` when scored
  speakers   (article_id, speaker), most quoted    :data:`SPEAKER_DTYPES`
             first
  articles   article, by article_id                :func:`article_columns`
  problems   file or article that failed, in       :data:`PROBLEM_COLUMNS`
             the order found
  ========== ===================================== ==========================================

  plus the corpus loader's articles table (:data:`CORPUS_COLUMNS`).
- **Sort keys** (:data:`SORT_KEYS`, applied by :func:`sort_rows`).
- **Problem rows** (:func:`problem_row`): what a file, record or article that could not be
  used leaves behind instead of rows.
- **One column check** (:func:`check_columns`) and **one period helper**
  (:func:`add_period`) for every function that takes a table.

This module imports nothing from the rest of the package but :mod:`analysis.errors`, so any
stage may import it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from analysis.errors import AnalysisError

# --- fixed categories ------------------------------------------------------------------------

SOURCE_TYPES = ("official", "military", "expert", "civilian", "business", "other", "unknown")
"""What kind of source a speaker is (``unknown`` when the text does not say)."""
ORIGINS = ("domestic", "foreign", "unknown")
"""Where a speaker is from, relative to the article's country."""
GENDERS = ("female", "male", "unknown")
"""A person's gender as the text signals it (empty for organisations and groups)."""
ENTITIES = ("person", "organisation", "group")
"""What a speaker is."""
KINDS = ("direct", "mixed", "indirect")
"""How a quote is reported: whole utterance in quotation marks, quoted words inside a
reported clause, or no quotation marks."""
ANONYMITY = ("anonymous", "named", "unattributed")
"""The categories ``is_anonymous`` is counted in (True, False, no speaker)."""

SOURCE_TYPE_DTYPE = pd.CategoricalDtype(list(SOURCE_TYPES), ordered=True)
ORIGIN_DTYPE = pd.CategoricalDtype(list(ORIGINS), ordered=True)
GENDER_DTYPE = pd.CategoricalDtype(list(GENDERS), ordered=True)
ENTITY_DTYPE = pd.CategoricalDtype(list(ENTITIES), ordered=True)
KIND_DTYPE = pd.CategoricalDtype(list(KINDS), ordered=True)

# --- columns and dtypes ----------------------------------------------------------------------

METADATA_COLUMNS = ["article_id", "title", "outlet", "country", "date", "url", "author", "license"]
"""Metadata every articles table has (filled with "" when the input lacks them)."""

CORPUS_COLUMNS = [*METADATA_COLUMNS, "text", "source", "encoding", "furniture"]
"""The corpus loader's articles table: these, then extra metadata columns in name order."""

QUOTE_SENTIMENT = ["polarity", "subjectivity", "vader_compound"]
"""Tone columns of the quotes table (float64), present when sentiment was computed."""

ARTICLE_SENTIMENT = [
    "quoted_share",
    *QUOTE_SENTIMENT,
    *(f"journalist_{c}" for c in QUOTE_SENTIMENT),
    *(f"quoted_{c}" for c in QUOTE_SENTIMENT),
]
"""Tone columns of the articles table (float64), present when sentiment was computed."""

QUOTE_DTYPES: dict[str, Any] = {
    "article_id": "str",
    "quote_id": "str",
    "start": "int64",
    "end": "int64",
    "fragments": object,
    "kind": KIND_DTYPE,
    "text": "str",
    "n_words": "int64",
    "speaker": "str",
    "speaker_start": "Int64",
    "speaker_end": "Int64",
    "cue": "str",
    "method": "str",
    "confidence": "float64",
    "is_counted": "bool",
    "source_type": SOURCE_TYPE_DTYPE,
    "origin": ORIGIN_DTYPE,
    "gender": GENDER_DTYPE,
    "is_anonymous": "boolean",
    "speaker_id": "str",
    "gender_basis": "str",
    "type_basis": "str",
    "origin_basis": "str",
}
"""Columns of the quotes table and their dtypes (:data:`QUOTE_SENTIMENT` may follow).

``speaker_id`` is the corpus-level identity of the speaker (see
:func:`analysis.speakers.link_speakers`); ``*_basis`` say where a gender, source type or
origin came from (:mod:`analysis.sources`)."""

SPEAKER_DTYPES: dict[str, Any] = {
    "article_id": "str",
    "speaker": "str",
    "speaker_key": "str",
    "n_quotes": "int64",
    "n_words": "int64",
    "description": "str",
    "entity": ENTITY_DTYPE,
    "source_type": SOURCE_TYPE_DTYPE,
    "origin": ORIGIN_DTYPE,
    "gender": GENDER_DTYPE,
    "is_anonymous": "bool",
    "speaker_id": "str",
    "aliases": "str",
    "gender_basis": "str",
    "type_basis": "str",
    "origin_basis": "str",
    "origin_country": "str",
}
"""Columns of the speakers table and their dtypes."""

COUNT_COLUMNS = [
    "n_chars",
    "n_quotes",
    "n_direct",
    "n_mixed",
    "n_indirect",
    "n_speakers",
    "n_quote_words",
]
"""Per-article counts (int64) that follow the metadata in the articles table."""

PROBLEM_COLUMNS = ["source", "error", "problem"]
"""Columns of a problems table (all str): the file (``file:line`` for a record), the
exception class, and a sentence saying what was expected and what was found."""

FAILURE_COLUMNS = ["article_id", *PROBLEM_COLUMNS]
"""A problem row keyed by the article it belongs to (the runner's per-chunk failures)."""


def quote_columns(*, scored: bool) -> list[str]:
    """Columns of the quotes table, in order.

    Examples
    --------
    >>> quote_columns(scored=True)[-3:]
    ['polarity', 'subjectivity', 'vader_compound']
    """
    return [*QUOTE_DTYPES, *(QUOTE_SENTIMENT if scored else [])]


def article_columns(columns: Iterable[str], *, scored: bool) -> list[str]:
    """Columns of the articles table, in order, for a table that has ``columns``.

    The fixed metadata (:data:`METADATA_COLUMNS`), any other metadata column
    (:func:`extra_metadata`), :data:`COUNT_COLUMNS`, then :data:`ARTICLE_SENTIMENT` when
    ``scored``.

    Examples
    --------
    >>> article_columns(["section", "article_id", "n_quotes", "byline"], scored=False)[7:11]
    ['license', 'byline', 'section', 'n_chars']
    """
    extra = extra_metadata(columns)
    return [*METADATA_COLUMNS, *extra, *COUNT_COLUMNS, *(ARTICLE_SENTIMENT if scored else [])]


def extra_metadata(columns: Iterable[str]) -> list[str]:
    """The metadata columns among ``columns`` beyond :data:`METADATA_COLUMNS`, in table order.

    First the corpus loader's own columns in :data:`CORPUS_COLUMNS` order (``source``,
    ``encoding``), then any other input metadata in name order; fixed metadata, counts and
    tone columns are not extra.

    Examples
    --------
    >>> extra_metadata(["section", "encoding", "n_quotes", "polarity", "source", "byline"])
    ['source', 'encoding', 'byline', 'section']
    """
    fixed = {*METADATA_COLUMNS, *COUNT_COLUMNS, *ARTICLE_SENTIMENT}
    present = {c for c in columns if c not in fixed}
    loader = [c for c in CORPUS_COLUMNS if c in present]
    return [*loader, *sorted(present - set(loader))]


# --- row order -------------------------------------------------------------------------------

SORT_KEYS: dict[str, tuple[tuple[str, ...], tuple[bool, ...]]] = {
    "quotes": (("article_id", "start", "end"), (True, True, True)),
    "speakers": (("article_id", "n_quotes", "speaker"), (True, False, True)),
    "articles": (("article_id",), (True,)),
    "corpus": (("article_id",), (True,)),
    "failures": (("article_id",), (True,)),
}
"""Key columns and directions of each table's fixed row order (problems keep the order in
which they were found)."""


def sort_rows(table: pd.DataFrame, name: str) -> pd.DataFrame:
    """``table`` in the fixed row order of table ``name`` (a stable sort), index 0..n-1.

    Examples
    --------
    >>> table = pd.DataFrame({"article_id": ["b", "a", "a"], "n_quotes": [1, 1, 3],
    ...                       "speaker": ["X", "Z", "Y"]})
    >>> sort_rows(table, "speakers")["speaker"].tolist()
    ['Y', 'Z', 'X']
    """
    columns, ascending = SORT_KEYS[name]
    return table.sort_values(
        list(columns), ascending=list(ascending), kind="stable", ignore_index=True
    )


# --- problem rows ----------------------------------------------------------------------------


def problem_row(
    error: BaseException, *, source: str | None = None, problem: str | None = None
) -> dict[str, str]:
    """The problems-table row for an error: ``source``, ``error`` (its class), ``problem``.

    ``source`` and ``problem`` default to the error's own attributes (every
    :class:`analysis.errors.CorpusError` has both).

    Examples
    --------
    >>> from analysis.errors import CorpusError
    >>> problem_row(CorpusError("corpus/7.txt", "empty file"))
    {'source': 'corpus/7.txt', 'error': 'CorpusError', 'problem': 'empty file'}
    """
    return {
        "source": str(getattr(error, "source", "") if source is None else source),
        "error": type(error).__name__,
        "problem": str(getattr(error, "problem", error) if problem is None else problem),
    }


def problems_table(rows: Iterable[dict[str, str]]) -> pd.DataFrame:
    """A problems table (columns :data:`PROBLEM_COLUMNS`, str) from problem rows, in order."""
    return pd.DataFrame(list(rows), columns=PROBLEM_COLUMNS).astype("str")


# --- the one column check --------------------------------------------------------------------


def check_columns(table: Any, columns: Sequence[str | None], name: str) -> None:
    """Raise unless ``table`` is a DataFrame with every one of ``columns`` (None ignored).

    Parameters
    ----------
    table : pandas.DataFrame
        The table a function was given.
    columns : sequence of str
        The columns it needs.
    name : str
        How the message names the table: ``"articles table"``, ``"plot_bars"``.

    Raises
    ------
    AnalysisError
        ``"<name>: missing column(s) [...]; the table has [...]"``, or ``"<name>: expected a
        pandas DataFrame, got <type>"``.

    Examples
    --------
    >>> check_columns(pd.DataFrame({"a": [1]}), ["a", "b"], "scored table")
    Traceback (most recent call last):
    ...
    analysis.errors.AnalysisError: scored table: missing column(s) ['b']; the table has ['a']
    """
    if not isinstance(table, pd.DataFrame):
        raise AnalysisError(f"{name}: expected a pandas DataFrame, got {type(table).__name__}")
    missing = [c for c in columns if c is not None and c not in table.columns]
    if missing:
        raise AnalysisError(
            f"{name}: missing column(s) {missing}; the table has {list(table.columns)}"
        )


# --- periods ---------------------------------------------------------------------------------

PERIODS = ("Y", "Q", "M", "W", "D")
"""Period aliases :func:`add_period` accepts: year, quarter, month, week, day."""


def add_period(table: pd.DataFrame, period: str, *, column: str = "date") -> pd.DataFrame:
    """Add a ``period`` column ("2020", "2020Q1", "2020-01", ...) computed from ISO dates.

    Parameters
    ----------
    table : pandas.DataFrame
        With a date column of "YYYY-MM-DD" strings, "" (or missing) when unknown.
    period : str
        One of :data:`PERIODS`.
    column : str, optional
        The date column.

    Returns
    -------
    pandas.DataFrame
        A copy with ``period`` (str): "" where the date is empty or missing, so undated
        articles form one group of their own.

    Raises
    ------
    AnalysisError
        When ``period`` is not one of :data:`PERIODS`, the date column is missing, or a date
        is neither empty nor YYYY-MM-DD (the message names the first such article and
        value). A bad date is an error, not an undated article: ``load_corpus`` refuses one
        already, so it can only come from a table edited by hand, and folding it into the
        undated group would move it silently out of its period.

    Examples
    --------
    >>> dates = pd.DataFrame({"date": ["2021-03-04", "", None]})
    >>> add_period(dates, "M")["period"].tolist()
    ['2021-03', '', '']
    """
    if period not in PERIODS:
        raise AnalysisError(f"period {period!r}: expected one of {list(PERIODS)}")
    check_columns(table, [column], "articles table")
    raw = table[column]
    empty = raw.isna() | raw.astype("str").str.strip().eq("")
    dates = pd.to_datetime(raw.where(~empty, None), format="%Y-%m-%d", errors="coerce")
    bad = ~empty & dates.isna()
    if bad.any():
        first = bad.idxmax()
        where = f"article {table.at[first, 'article_id']!r}" if "article_id" in table else "row"
        raise AnalysisError(f"{where}: {column} is {raw.at[first]!r}, not YYYY-MM-DD or empty")
    labels = dates.dt.to_period(period).astype("str").where(~empty, "")
    return table.assign(period=labels.astype("str"))


__all__ = [
    "ANONYMITY",
    "ARTICLE_SENTIMENT",
    "CORPUS_COLUMNS",
    "COUNT_COLUMNS",
    "ENTITIES",
    "ENTITY_DTYPE",
    "FAILURE_COLUMNS",
    "GENDERS",
    "GENDER_DTYPE",
    "KINDS",
    "KIND_DTYPE",
    "METADATA_COLUMNS",
    "ORIGINS",
    "ORIGIN_DTYPE",
    "PERIODS",
    "PROBLEM_COLUMNS",
    "QUOTE_DTYPES",
    "QUOTE_SENTIMENT",
    "SORT_KEYS",
    "SOURCE_TYPES",
    "SOURCE_TYPE_DTYPE",
    "SPEAKER_DTYPES",
    "add_period",
    "article_columns",
    "check_columns",
    "extra_metadata",
    "problem_row",
    "problems_table",
    "quote_columns",
    "sort_rows",
]

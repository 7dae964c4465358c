"""Results -> sourcing balance with confidence intervals, top speakers, concentration.

The sourcing balance answers "what share of the quotes (of the quoted words, of the
speakers) comes from each kind of source?", overall or per outlet, country or period.

Definitions
-----------
measures
    ``quotes``: quotes in the category / all quotes. ``words``: words of those quotes / all
    quoted words (a long quote weighs more). ``speakers``: speakers in the category / all
    speakers, a speaker counted once per article (rows of ``Results.speakers``), because
    type, origin and anonymity are judged per article (origin is relative to the article's
    country). Unattributed quotes have no speaker, so they count in ``quotes`` and
    ``words`` only.
dimensions
    ``source_type`` (official ... unknown; unattributed quotes are "unknown"), ``origin``
    (domestic, foreign, unknown; unattributed -> unknown), ``gender`` (female, male,
    unknown; **among persons only**: quotes of organisations, groups and unattributed quotes
    are left out, so ``total`` is the number of quotes by persons), ``is_anonymous``
    ("anonymous", "named", "unattributed").
confidence interval (``ci="bootstrap"``, the default)
    A 95% percentile interval from an article-level cluster bootstrap: the articles of a
    group are resampled with replacement (1,000 replicates by default), the share is
    recomputed on each resample, and the 2.5th and 97.5th percentiles are reported. Quotes of
    one article are not independent (one article may quote one official ten times), and
    resampling whole articles takes that into account. The random generator is seeded from
    ``seed`` and the group's label, so outputs are reproducible and a group's interval does
    not depend on which other groups exist. With few articles in a group (under ~20) the
    interval is too narrow (one article: a zero-width interval); a share of 0 or 1 gets a
    zero-width interval too.
confidence interval (``ci="wilson"``)
    The Wilson score interval for ``n`` successes in ``total`` trials, treating quotes (or
    speakers) as independent: narrower than the bootstrap when articles cluster. It is not
    defined for ``words`` (words are not independent trials): NaN there.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError
from analysis.schema import (
    ANONYMITY,
    GENDERS,
    ORIGINS,
    SOURCE_TYPES,
    add_period,
    check_columns,
)

CATEGORIES: dict[str, tuple[str, ...]] = {
    "source_type": SOURCE_TYPES,
    "origin": ORIGINS,
    "gender": GENDERS,
    "is_anonymous": ANONYMITY,
}
"""The categories of each dimension, in display order; every one gets a row, zeros included."""

DIMENSIONS = tuple(CATEGORIES)
MEASURES = ("quotes", "words", "speakers")
BALANCE_COLUMNS = [
    "dimension",
    "category",
    "measure",
    "n",
    "total",
    "share",
    "ci_low",
    "ci_high",
]
"""Columns of :func:`sourcing_balance` after the group columns."""

_BATCH_CELLS = 4_000_000  # replicates x articles drawn at a time: bounds memory


def _groups(articles: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """One row per article: article_id and the group columns as strings ("" when missing)."""
    check_columns(articles, ["article_id", *by], "articles table")
    keys = articles[["article_id", *by]].copy()
    for name in by:
        keys[name] = keys[name].astype("str").fillna("")
    return keys.reset_index(drop=True)


def _codes(values: pd.Series, dimension: str) -> np.ndarray:
    """Category position of each value in ``CATEGORIES[dimension]``; -1 when left out."""
    if dimension == "is_anonymous":
        flags = values.astype("boolean")
        return np.where(flags.isna(), 2, np.where(flags.fillna(False), 0, 1)).astype(np.int64)
    categories = pd.CategoricalDtype(list(CATEGORIES[dimension]))
    return values.astype("str").astype(categories).cat.codes.to_numpy(dtype=np.int64)


def _count_matrix(
    results: Any, positions: pd.Series, dimensions: Sequence[str], measures: Sequence[str]
) -> tuple[np.ndarray, list[tuple[str, str, int, int]]]:
    """Counts per article (rows) and (dimension, measure, category) (columns).

    Returns the matrix and the blocks: (dimension, measure, first column, n categories).
    """
    n_articles = len(positions)
    columns, blocks = [], []
    # article row of every quote / speaker, looked up once per table (-1: not in articles)
    rows = {
        name: positions.index.get_indexer(getattr(results, name)["article_id"].astype("str"))
        for name in ("quotes", "speakers")
    }
    if "is_counted" in results.quotes:  # quotes under the confidence floor count nowhere
        counted = results.quotes["is_counted"].to_numpy(dtype=bool)
        rows["quotes"] = np.where(counted, rows["quotes"], -1)
    for dimension in dimensions:
        k = len(CATEGORIES[dimension])
        for measure in measures:
            name = "speakers" if measure == "speakers" else "quotes"
            table = getattr(results, name)
            keep = rows[name] >= 0
            codes = _codes(table[dimension], dimension)[keep]
            article = rows[name][keep].astype(np.int64)
            weight = (
                table["n_words"].to_numpy(dtype=np.int64)[keep]
                if measure == "words"
                else np.ones(len(codes), dtype=np.int64)
            )
            inside = codes >= 0
            flat = np.bincount(
                article[inside] * k + codes[inside],
                weights=weight[inside],
                minlength=n_articles * k,
            )
            blocks.append((dimension, measure, sum(c.shape[1] for c in columns), k))
            columns.append(flat.reshape(n_articles, k))
    if not columns:
        return np.zeros((n_articles, 0)), blocks
    return np.hstack(columns), blocks


def _shares(counts: np.ndarray, blocks: list[tuple[str, str, int, int]]) -> np.ndarray:
    """Share of each column within its block; NaN where the block total is 0.

    ``counts`` has the columns in its last axis (any leading axes, e.g. replicates).
    """
    out = np.full(counts.shape, np.nan)
    for _, _, first, k in blocks:
        part = counts[..., first : first + k]
        total = part.sum(axis=-1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[..., first : first + k] = np.where(total > 0, part / total, np.nan)
    return out


def _bootstrap(
    counts: np.ndarray,
    blocks: list[tuple[str, str, int, int]],
    *,
    n_boot: int,
    level: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of every share, resampling the rows (articles) of ``counts``."""
    n_articles = counts.shape[0]
    if n_articles == 0:
        nan = np.full(counts.shape[1], np.nan)
        return nan, nan.copy()
    if n_articles == 1:  # every replicate draws the one article: the interval is the share
        share = _shares(counts[0].astype(np.float64), blocks)
        return share, share.copy()
    batch = max(1, min(n_boot, _BATCH_CELLS // n_articles))
    # float32 halves the cost of the products; its relative rounding (<1e-7) is far below
    # any interval width
    values = np.ascontiguousarray(counts, dtype=np.float32)
    replicates = []
    for done in range(0, n_boot, batch):
        size = min(batch, n_boot - done)
        # each replicate draws n_articles articles with replacement; weights = times drawn
        drawn = rng.integers(0, n_articles, size=(size, n_articles))
        drawn += np.arange(size)[:, None] * n_articles
        weights = np.bincount(drawn.ravel(), minlength=size * n_articles)
        # computed as (values.T @ weights.T).T: same numbers, and OpenBLAS splits this
        # shape well across threads (the direct product stalled on a loaded 2-core machine)
        sums = (values.T @ weights.reshape(size, n_articles).astype(np.float32).T).T
        replicates.append(_shares(sums.astype(np.float64), blocks))
    shares = np.vstack(replicates)
    alpha = (1 - level) / 2
    low = np.full(counts.shape[1], np.nan)
    high = low.copy()
    valid = ~np.isnan(shares).all(axis=0)
    if valid.any():
        low[valid], high[valid] = np.nanquantile(shares[:, valid], [alpha, 1 - alpha], axis=0)
    return low, high


def wilson_interval(
    n: np.ndarray, total: np.ndarray, *, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for ``n`` successes out of ``total`` (NaN where total is 0).

    Examples
    --------
    >>> low, high = wilson_interval(np.array([5]), np.array([10]))
    >>> round(float(low[0]), 4), round(float(high[0]), 4)
    (0.2366, 0.7634)
    """
    z = NormalDist().inv_cdf(1 - (1 - level) / 2)
    n = np.asarray(n, dtype=np.float64)
    total = np.asarray(total, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = n / total
        centre = (p + z * z / (2 * total)) / (1 + z * z / total)
        half = z / (1 + z * z / total) * np.sqrt(p * (1 - p) / total + z * z / (4 * total * total))
    bad = total <= 0
    return np.where(bad, np.nan, centre - half), np.where(bad, np.nan, centre + half)


def sourcing_balance(
    results: Any,
    *,
    by: str | Sequence[str] | None = None,
    period: str | None = None,
    dimensions: Sequence[str] = DIMENSIONS,
    measures: Sequence[str] = MEASURES,
    ci: str = "bootstrap",
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
    audit: Any = None,
) -> pd.DataFrame:
    """Shares of quotes, words and speakers by kind of source, with confidence intervals.

    Parameters
    ----------
    results : Results
        From :func:`analysis.analyze` (``quotes``, ``speakers`` and ``articles`` tables).
    by : str or sequence of str, optional
        Article metadata column(s) to group by ("outlet", "country", ...). Default: overall.
    period : str, optional
        Also group by the period of the article's ``date``: "Y", "Q", "M", "W" or "D"
        (a ``period`` column; "" for articles without a date).
    dimensions : sequence of str, optional
        Any of "source_type", "origin", "gender", "is_anonymous".
    measures : sequence of str, optional
        Any of "quotes", "words", "speakers".
    ci : {"bootstrap", "wilson"}, optional
        Article-level cluster bootstrap (default) or Wilson; see the module notes.
    n_boot : int, optional
        Bootstrap replicates.
    level : float, optional
        Confidence level of the interval.
    seed : int, optional
        Seed of the bootstrap; the same seed gives the same intervals.
    audit : analysis.audit.Audit, optional
        A filled audit of these results (:func:`analysis.audit.read_audit`): adds the
        error-corrected share of quotes beside each raw share (see
        :func:`analysis.audit.corrected_balance`).

    Returns
    -------
    pandas.DataFrame
        One row per (group..., dimension, measure, category), every category of
        :data:`CATEGORIES` included (zero rows too), sorted in that order: the group
        columns, then ``dimension``, ``category``, ``measure``, ``n`` (count, or words),
        ``total`` (of the group, dimension and measure), ``share`` (n / total; NaN when
        total is 0), ``ci_low``, ``ci_high``. Shares of one (group, dimension, measure)
        sum to 1. With ``audit``, also ``share_corrected``, ``ci_low_corrected``,
        ``ci_high_corrected`` (quotes only) and the gender bounds
        ``share_if_unknown_female``/``_male`` (and their ``_corrected`` forms).

    Raises
    ------
    AnalysisError
        On an unknown dimension, measure, ci method or period, or a missing column.
    """
    by = [by] if isinstance(by, str) else list(by or [])
    unknown = [d for d in dimensions if d not in CATEGORIES]
    if unknown:
        raise AnalysisError(f"dimension(s) {unknown}: expected some of {list(DIMENSIONS)}")
    unknown = [m for m in measures if m not in MEASURES]
    if unknown:
        raise AnalysisError(f"measure(s) {unknown}: expected some of {list(MEASURES)}")
    if ci not in ("bootstrap", "wilson"):
        raise AnalysisError(f"ci {ci!r}: expected 'bootstrap' or 'wilson'")
    if not 0 < level < 1:
        raise AnalysisError(f"level {level!r}: expected a number between 0 and 1")
    check_columns(results.quotes, ["article_id", "n_words", *dimensions], "quotes table")
    check_columns(results.speakers, ["article_id", *dimensions], "speakers table")

    articles = results.articles
    if period is not None:
        articles = add_period(articles, period)
        by = [*by, "period"]
    keys = _groups(articles, by)
    positions = pd.Series(np.arange(len(keys)), index=keys["article_id"].astype("str"))
    counts, blocks = _count_matrix(results, positions, dimensions, measures)
    table = _balance_table(
        keys, counts, blocks, by=by, ci=ci, n_boot=n_boot, level=level, seed=seed
    )
    if audit is None:
        return table
    from analysis.audit import corrected_balance  # the audit builds on this module

    return corrected_balance(
        results,
        audit,
        by=by,
        n_boot=n_boot,
        level=level,
        seed=seed,
        balance=table,
        articles=articles,
    )


def count_column(dimension: str, measure: str, category: str) -> str:
    """Name of a column of :func:`article_counts`: ``"<dimension>|<measure>|<category>"``."""
    return f"{dimension}|{measure}|{category}"


def article_counts(results: Any) -> pd.DataFrame:
    """What :func:`sourcing_balance` counts, per article: the input of its bootstrap.

    Parameters
    ----------
    results : Results
        ``quotes``, ``speakers`` and ``articles`` tables (a chunk of a corpus is enough).

    Returns
    -------
    pandas.DataFrame
        One row per article of ``results.articles``, in its order: ``article_id``, then one
        int64 column per (dimension, measure, category) of :data:`CATEGORIES` x
        :data:`MEASURES` (named by :func:`count_column`): quotes, quoted words or speakers
        of the article in that category (0 included). Tables of disjoint chunks, stacked,
        give :func:`balance_from_counts` what :func:`sourcing_balance` computes on the
        whole corpus, without holding its quotes.
    """
    check_columns(results.quotes, ["article_id", "n_words", *DIMENSIONS], "quotes table")
    check_columns(results.speakers, ["article_id", *DIMENSIONS], "speakers table")
    ids = results.articles["article_id"].astype("str").reset_index(drop=True)
    positions = pd.Series(np.arange(len(ids)), index=ids)
    counts, blocks = _count_matrix(results, positions, DIMENSIONS, MEASURES)
    names = [
        count_column(dimension, measure, category)
        for dimension, measure, _, _ in blocks
        for category in CATEGORIES[dimension]
    ]
    table = pd.DataFrame(counts.astype(np.int64), columns=names)
    table.insert(0, "article_id", ids.astype("str"))
    return table


def balance_from_counts(
    articles: pd.DataFrame,
    counts: pd.DataFrame | np.ndarray,
    *,
    by: str | Sequence[str] | None = None,
    period: str | None = None,
    ci: str = "bootstrap",
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """:func:`sourcing_balance` (all dimensions and measures) from per-article counts.

    Parameters
    ----------
    articles : pandas.DataFrame
        ``article_id`` and the ``by`` columns (``date`` with ``period``), one row per article.
    counts : pandas.DataFrame or numpy.ndarray
        From :func:`article_counts` (chunks stacked in any order; articles missing from it
        count zero, articles not in ``articles`` are ignored), or its count columns as an
        array whose rows are already those of ``articles``, in order (float32 halves its
        memory and gives the same table while every count is below 2**24).
    by, period, ci, n_boot, level, seed
        As in :func:`sourcing_balance`.

    Returns
    -------
    pandas.DataFrame
        The same table, to the byte, as ``sourcing_balance(results, by=..., ...)`` on the
        results the counts came from.
    """
    by = [by] if isinstance(by, str) else list(by or [])
    if ci not in ("bootstrap", "wilson"):
        raise AnalysisError(f"ci {ci!r}: expected 'bootstrap' or 'wilson'")
    if not 0 < level < 1:
        raise AnalysisError(f"level {level!r}: expected a number between 0 and 1")
    if period is not None:
        articles = add_period(articles, period)
        by = [*by, "period"]
    keys = _groups(articles, by)
    blocks, first = [], 0
    for dimension in DIMENSIONS:
        for measure in MEASURES:
            blocks.append((dimension, measure, first, len(CATEGORIES[dimension])))
            first += len(CATEGORIES[dimension])
    if isinstance(counts, pd.DataFrame):
        names = [count_column(d, m, c) for d, m, _, _ in blocks for c in CATEGORIES[d]]
        check_columns(counts, ["article_id", *names], "counts table")
        matrix = (
            counts.set_index(counts["article_id"].astype("str"))[names]
            .reindex(keys["article_id"].astype("str"), fill_value=0)
            .to_numpy(dtype=np.float64)
        )
    else:
        matrix = np.asarray(counts)
        if matrix.dtype not in (np.float32, np.float64):
            matrix = matrix.astype(np.float64)
        if matrix.shape != (len(keys), first):
            raise AnalysisError(
                f"counts: expected {len(keys)} rows (articles) and {first} columns, "
                f"got {matrix.shape}"
            )
    return _balance_table(keys, matrix, blocks, by=by, ci=ci, n_boot=n_boot, level=level, seed=seed)


def _balance_table(
    keys: pd.DataFrame,
    counts: np.ndarray,
    blocks: list[tuple[str, str, int, int]],
    *,
    by: list[str],
    ci: str,
    n_boot: int,
    level: float,
    seed: int,
) -> pd.DataFrame:
    """The balance table from one row of counts per row of ``keys`` (see sourcing_balance)."""
    if by:
        grouped = keys.groupby(by, sort=True, dropna=False).indices
        groups = [((key,) if len(by) == 1 else key, rows) for key, rows in grouped.items()]
    else:
        groups = [((), np.arange(len(keys)))]

    labels = pd.DataFrame(
        [
            (dimension, category, measure)
            for dimension, measure, _, _ in blocks
            for category in CATEGORIES[dimension]
        ],
        columns=["dimension", "category", "measure"],
    )
    # one array per column, filled group by group: a DataFrame per group cost ~28 KB and
    # ~7 ms each when every article had an outlet of its own
    columns: dict[str, list[np.ndarray]] = {c: [] for c in ("n", "total", "share", "low", "high")}
    for key, rows in groups:
        part = counts[rows]
        n = part.sum(axis=0, dtype=np.float64)  # whole numbers: exact in any order
        share = _shares(n, blocks)
        totals = np.concatenate([np.repeat(n[f : f + k].sum(), k) for _, _, f, k in blocks])
        if ci == "bootstrap":
            label = "\x1f".join(str(k) for k in key).encode("utf-8")
            rng = np.random.default_rng([seed, zlib.crc32(label)])
            low, high = _bootstrap(part, blocks, n_boot=n_boot, level=level, rng=rng)
        else:
            low, high = wilson_interval(n, totals, level=level)
            for _, measure, f, k in blocks:
                if measure == "words":
                    low[f : f + k] = high[f : f + k] = np.nan
        for name, values in zip(columns, (n, totals, share, low, high), strict=True):
            columns[name].append(values)
    if groups:
        size = len(labels)
        table = pd.DataFrame(
            {
                **{
                    name: np.repeat(np.array([key[i] for key, _ in groups], dtype=object), size)
                    for i, name in enumerate(by)
                },
                **{c: np.tile(labels[c].to_numpy(), len(groups)) for c in labels.columns},
                "n": np.concatenate(columns["n"]).astype(np.int64),
                "total": np.concatenate(columns["total"]).astype(np.int64),
                "share": np.concatenate(columns["share"]),
                "ci_low": np.concatenate(columns["low"]),
                "ci_high": np.concatenate(columns["high"]),
            }
        )
    else:
        table = _empty_balance(by)
    dimensions = list(dict.fromkeys(d for d, _, _, _ in blocks))
    measures = list(dict.fromkeys(m for _, m, _, _ in blocks))
    dimension_order = pd.CategoricalDtype(dimensions, ordered=True)
    measure_order = pd.CategoricalDtype(measures, ordered=True)
    position = {(d, c): i for d in CATEGORIES for i, c in enumerate(CATEGORIES[d])}
    order = table.assign(
        _dimension=table["dimension"].astype(dimension_order),
        _measure=table["measure"].astype(measure_order),
        _category=[
            position[(d, c)] for d, c in zip(table["dimension"], table["category"], strict=True)
        ],
    ).sort_values([*by, "_dimension", "_measure", "_category"], kind="stable")
    return (
        order[[*by, *BALANCE_COLUMNS]]
        .astype({**dict.fromkeys([*by, "dimension", "category", "measure"], "str")})
        .reset_index(drop=True)
    )


def _empty_balance(by: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            **{name: pd.Series([], dtype="str") for name in by},
            "dimension": pd.Series([], dtype="str"),
            "category": pd.Series([], dtype="str"),
            "measure": pd.Series([], dtype="str"),
            "n": pd.Series([], dtype="int64"),
            "total": pd.Series([], dtype="int64"),
            "share": pd.Series([], dtype="float64"),
            "ci_low": pd.Series([], dtype="float64"),
            "ci_high": pd.Series([], dtype="float64"),
        }
    )


def _named_speakers(results: Any, include_anonymous: bool) -> pd.DataFrame:
    speakers = results.speakers
    check_columns(speakers, ["article_id", "speaker", "n_quotes", "n_words"], "speakers table")
    if not include_anonymous and "is_anonymous" in speakers.columns:
        speakers = speakers.loc[~speakers["is_anonymous"].astype("boolean").fillna(False)]
    return speakers


def top_speakers(
    results: Any, *, by: str = "n_quotes", n: int = 10, include_anonymous: bool = False
) -> pd.DataFrame:
    """The most quoted speakers across articles: one row per ``speaker_id``.

    ``speaker_id`` is the corpus-level identity (:func:`analysis.speakers.link_speakers`:
    "Donald Trump", "President Trump" and "Trump" are one speaker; anonymous and group
    speakers keep one id per article, so "police" in two articles are two speakers). A
    speakers table without ``speaker_id`` is grouped by ``speaker_key``.

    Parameters
    ----------
    results : Results
        From :func:`analysis.analyze`.
    by : {"n_quotes", "n_words", "n_articles"}, optional
        What "most" means.
    n : int, optional
        How many speakers to return (all when 0 or negative).
    include_anonymous : bool, optional
        Anonymous sources ("officials", "a Libyan commander") are left out by default: the
        same descriptor in two articles is not the same person.

    Returns
    -------
    pandas.DataFrame
        One row per speaker, most first (ties: more quotes, then id order): ``speaker``
        (the alias used in most articles), ``speaker_id``, ``n_articles``, ``n_quotes``,
        ``n_words``, ``share`` (of all quotes in the corpus, unattributed ones included).
    """
    speakers = _named_speakers(results, include_anonymous)
    return rank_speakers(speaker_tally(speakers), total=n_counted(results.quotes), by=by, n=n)


def n_counted(quotes: pd.DataFrame) -> int:
    """Quotes that count: all, less those flagged under the confidence floor (``is_counted``)."""
    return int(quotes["is_counted"].sum()) if "is_counted" in quotes else len(quotes)


TALLY_COLUMNS = ["speaker_id", "speaker", "n_rows", "n_articles", "n_quotes", "n_words"]


def speaker_identity(speakers: pd.DataFrame) -> pd.Series:
    """Who each speaker row is across articles: ``speaker_id``, else ``speaker_key``.

    ``speaker_id`` (set by :func:`analysis.speakers.link_speakers`) merges name variants
    across the corpus; a table without it (or a row where it is missing) falls back to the
    per-article ``speaker_key``.
    """
    key = speakers["speaker_key"] if "speaker_key" in speakers.columns else speakers["speaker"]
    if "speaker_id" not in speakers.columns:
        return key.astype("str")
    identity = speakers["speaker_id"].astype("object")
    return identity.where(identity.notna() & identity.ne(""), key).astype("str")


def speaker_tally(speakers: pd.DataFrame) -> pd.DataFrame:
    """Speaker rows summed per (speaker_id, speaker): what :func:`rank_speakers` needs.

    Tallies of disjoint sets of articles (chunks of a corpus, each article's rows in one
    chunk) add up: concatenate them and sum per (speaker_id, speaker), or pass the
    concatenation to :func:`rank_speakers`, which does. Memory grows with the number of
    distinct speakers, not with rows.

    Parameters
    ----------
    speakers : pandas.DataFrame
        Rows of ``Results.speakers`` (``article_id``, ``speaker``, ``speaker_id`` or
        ``speaker_key`` (see :func:`speaker_identity`), ``n_quotes``, ``n_words``), already
        filtered (e.g. anonymous sources left out).

    Returns
    -------
    pandas.DataFrame
        One row per (speaker_id, speaker), sorted by them: ``n_rows`` (articles quoting
        the speaker under this spelling), ``n_articles`` (articles in which the id first
        appears under this spelling, so the sum per id counts each article once),
        ``n_quotes``, ``n_words``.
    """
    check_columns(speakers, ["article_id", "speaker", "n_quotes", "n_words"], "speakers table")
    if "speaker_id" not in speakers.columns:
        check_columns(speakers, ["speaker_key"], "speakers table")
    table = pd.DataFrame(
        {
            "article_id": speakers["article_id"].astype("str"),
            "speaker_id": speaker_identity(speakers),
            "speaker": speakers["speaker"].astype("str"),
            "n_quotes": speakers["n_quotes"],
            "n_words": speakers["n_words"],
        }
    )
    first = ~table.duplicated(["article_id", "speaker_id"])
    return (
        table.assign(n_rows=1, n_articles=first.astype(np.int64))
        .groupby(["speaker_id", "speaker"], as_index=False, sort=True)[
            ["n_rows", "n_articles", "n_quotes", "n_words"]
        ]
        .sum()
        .astype(dict.fromkeys(["n_rows", "n_articles", "n_quotes", "n_words"], "int64"))[
            TALLY_COLUMNS
        ]
    )


def rank_speakers(
    tally: pd.DataFrame, *, total: int, by: str = "n_quotes", n: int = 10
) -> pd.DataFrame:
    """The most quoted speakers from a :func:`speaker_tally` (or several, concatenated).

    Parameters
    ----------
    tally : pandas.DataFrame
        Columns :data:`TALLY_COLUMNS`; rows with the same (speaker_id, speaker) are summed.
    total : int
        All quotes of the corpus (unattributed ones included): the denominator of ``share``.
    by, n
        As in :func:`top_speakers`.

    Returns
    -------
    pandas.DataFrame
        What :func:`top_speakers` returns.
    """
    if by not in ("n_quotes", "n_words", "n_articles"):
        raise AnalysisError(f"by {by!r}: expected 'n_quotes', 'n_words' or 'n_articles'")
    check_columns(tally, TALLY_COLUMNS, "tally table")
    pairs = (
        tally.groupby(["speaker_id", "speaker"], as_index=False, sort=True)[
            ["n_rows", "n_articles", "n_quotes", "n_words"]
        ]
        .sum()
        .astype(dict.fromkeys(["n_rows", "n_articles", "n_quotes", "n_words"], "int64"))
    )
    spelling = (
        pairs.sort_values(["speaker_id", "n_rows", "speaker"], ascending=[True, False, True])
        .drop_duplicates("speaker_id")
        .set_index("speaker_id")["speaker"]
    )
    table = (
        pairs.groupby("speaker_id", as_index=False)[["n_articles", "n_quotes", "n_words"]]
        .sum()
        .astype(dict.fromkeys(["n_articles", "n_quotes", "n_words"], "int64"))
        .assign(
            speaker=lambda d: d["speaker_id"].map(spelling).astype("str"),
            share=lambda d: d["n_quotes"] / total if total else np.nan,
        )
        .sort_values([by, "n_quotes", "speaker_id"], ascending=[False, False, True], kind="stable")
    )
    table = table[["speaker", "speaker_id", "n_articles", "n_quotes", "n_words", "share"]]
    return (table.head(n) if n > 0 else table).reset_index(drop=True)


def speaker_concentration(
    results: Any, *, k: Sequence[int] = (1, 5, 10), include_anonymous: bool = False
) -> pd.DataFrame:
    """Share of all quotes held by the k most quoted speakers of the corpus.

    Parameters
    ----------
    results : Results
        From :func:`analysis.analyze`.
    k : sequence of int, optional
        The top-k sizes to report.
    include_anonymous : bool, optional
        Count anonymous sources as speakers (off by default, as in :func:`top_speakers`).

    Returns
    -------
    pandas.DataFrame
        One row per k, in the given order: ``k``, ``n_speakers`` (distinct speakers in the
        corpus), ``n_quotes`` (held by the top k), ``total`` (all quotes, unattributed and
        anonymous ones included), ``share`` (n_quotes / total; NaN without quotes).
    """
    ranked = top_speakers(results, n=0, include_anonymous=include_anonymous)
    total = n_counted(results.quotes)
    held = ranked["n_quotes"].to_numpy()
    rows = [
        {
            "k": int(size),
            "n_speakers": len(ranked),
            "n_quotes": int(held[:size].sum()),
            "total": total,
            "share": held[:size].sum() / total if total else np.nan,
        }
        for size in k
    ]
    return pd.DataFrame(rows, columns=["k", "n_speakers", "n_quotes", "total", "share"]).astype(
        {
            "k": "int64",
            "n_speakers": "int64",
            "n_quotes": "int64",
            "total": "int64",
            "share": "float64",
        }
    )


MIN_QUOTES = 30
"""Groups resting on fewer quotes than this are marked "few" in the report and the charts.

With 30 quotes the 95% interval of a share near 50% is about ±17 points wide (Wilson), and
the mean of a tone score whose spread is 0.4 is known to about ±0.14; below that a group's
number says little, so it is shown but marked, not drawn as if solid.
"""

TONE_COLUMNS = [
    "n",
    "mean",
    "ci_low",
    "ci_high",
    "share_negative",
    "share_neutral",
    "share_positive",
]


def tone_by_group(
    quotes: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = "source_type",
    score: str = "vader_compound",
    level: float = 0.95,
) -> pd.DataFrame:
    """Mean tone of the quotes of each group, with a normal 95% interval and label shares.

    Parameters
    ----------
    quotes : pandas.DataFrame
        ``Results.quotes`` with its sentiment columns (``analyze(..., sentiment=True)``).
    by : str or sequence of str, optional
        Grouping columns (categorical ones keep every category, empty ones with ``n == 0``);
        None for one row over all quotes.
    score : str, optional
        The score column: ``vader_compound`` (default) or ``polarity`` (TextBlob).
    level : float, optional
        Confidence level of the interval.

    Returns
    -------
    pandas.DataFrame
        One row per group, in group order: the ``by`` columns, ``n`` (quotes with a score),
        ``mean``, ``ci_low``/``ci_high`` (mean ± z·sd/√n: quotes are treated as independent,
        so with several quotes per article the interval is too narrow; NaN when ``n < 2``),
        ``share_negative``/``share_neutral``/``share_positive`` (labels with the
        ``|score| <= 0.05`` neutral band of :data:`analysis.sentiment.NEUTRAL_BAND`).

    Raises
    ------
    AnalysisError
        When a column is missing.

    Examples
    --------
    >>> quotes = pd.DataFrame({"source_type": ["a", "a", "b"], "vader_compound": [0.5, -0.1, 0.0]})
    >>> tone_by_group(quotes)[["source_type", "n", "mean", "share_neutral"]]
      source_type  n  mean  share_neutral
    0           a  2   0.2            0.0
    1           b  1   0.0            1.0
    """
    from analysis.sentiment import NEUTRAL_BAND

    keys = [by] if isinstance(by, str) else list(by or [])
    check_columns(quotes, [*keys, score], "quotes")
    values = pd.to_numeric(quotes[score], errors="coerce").astype("float64")
    table = quotes[keys].assign(
        _v=values,
        _neg=(values < -NEUTRAL_BAND).where(values.notna()),
        _neu=(values.abs() <= NEUTRAL_BAND).where(values.notna()),
        _pos=(values > NEUTRAL_BAND).where(values.notna()),
    )
    if not keys:
        table = table.assign(_all="all")
    grouped = table.groupby(keys or ["_all"], observed=False, sort=True, dropna=False)
    summary = grouped.agg(
        n=("_v", "count"),
        mean=("_v", "mean"),
        _sd=("_v", "std"),
        share_negative=("_neg", "mean"),
        share_neutral=("_neu", "mean"),
        share_positive=("_pos", "mean"),
    ).reset_index()
    z = NormalDist().inv_cdf(1 - (1 - level) / 2)
    half = z * summary["_sd"] / np.sqrt(summary["n"].where(summary["n"] > 0))
    summary = summary.assign(
        n=summary["n"].astype("int64"),
        ci_low=summary["mean"] - half,
        ci_high=summary["mean"] + half,
    ).astype({c: "float64" for c in TONE_COLUMNS if c != "n"})
    return summary[[*keys, *TONE_COLUMNS]].reset_index(drop=True)


TONE_SHARE_COLUMNS = ["tone", "n", "total", "share", "ci_low", "ci_high"]


def tone_shares(
    table: pd.DataFrame,
    *,
    by: str | Sequence[str] = "source_type",
    tone: str = "speaker_tone",
    level: float = 0.95,
) -> pd.DataFrame:
    """Share of each tone label per group, with Wilson intervals.

    Parameters
    ----------
    table : pandas.DataFrame
        Rows with a tone label, e.g. :func:`analysis.sentiment.quote_speaker_tone`'s quotes
        (``speaker_tone``) or :func:`analysis.sentiment.speaker_portrayals` joined to the
        speakers table (``portrayal_tone``). Rows without a label are left out.
    by : str or sequence of str, optional
        Grouping columns (default ``source_type``); categorical columns keep their order and
        their empty categories.
    tone : str, optional
        The label column (negative < neutral < positive).
    level : float, optional
        Confidence level of the interval (default 0.95).

    Returns
    -------
    pandas.DataFrame
        One row per (group..., tone), every label present: the ``by`` columns, ``tone``,
        ``n`` (rows with that label), ``total`` (rows with a label in the group), ``share``
        and the Wilson interval ``ci_low``/``ci_high`` (NaN when ``total`` is 0). Rows are
        treated as independent, so when one article contributes many rows the interval is
        too narrow.
    """
    keys = [by] if isinstance(by, str) else list(by)
    check_columns(table, [*keys, tone], "tone")
    labels = pd.CategoricalDtype(["negative", "neutral", "positive"], ordered=True)
    labelled = table.loc[table[tone].notna(), keys].assign(tone=table[tone].astype(labels))
    counts = (
        labelled.groupby([*keys, "tone"], observed=False, dropna=False, sort=True)
        .size()
        .rename("n")
        .reset_index()
    )
    counts["total"] = counts.groupby(keys, observed=False, dropna=False)["n"].transform("sum")
    low, high = wilson_interval(counts["n"].to_numpy(), counts["total"].to_numpy(), level=level)
    low, high = np.clip(low, 0.0, 1.0), np.clip(high, 0.0, 1.0)  # rounding at 0 and 1
    with np.errstate(invalid="ignore", divide="ignore"):
        share = counts["n"].to_numpy(dtype=float) / counts["total"].to_numpy(dtype=float)
    return counts.assign(share=share, ci_low=low, ci_high=high).astype(
        {"n": "int64", "total": "int64"}
    )[[*keys, *TONE_SHARE_COLUMNS]]

"""Corpus -> quotes, speakers and articles tables: the one function a notebook calls.

:func:`analyze` runs, for every article, the quote extractor (:mod:`analysis.quotes`), the
within-article speaker merge (:mod:`analysis.speakers`), the source profile of each speaker
(:mod:`analysis.sources`) and, by default, the tone of each quote and of the article
(:mod:`analysis.sentiment`). It is built from two pieces the command line and the Dask path
use directly:

- :func:`analyze_article` (one article -> :class:`ArticleResult`, plain row dicts, no
  pandas), the function to map over articles in any chunking or on any worker;
- :func:`combine` (many ArticleResults -> :class:`Results`), which builds each table once
  and puts it in its fixed row order, so the result is the same whatever the chunking.

Choices (documented in the README):

- ``quote_id`` is ``"<article_id>:<n>"``, n counting the article's quotes from 1 in text
  order: unique in a corpus and stable when other articles change.
- Speakers are merged within an article by :func:`analysis.speakers.merge_speakers`
  ("Richards" -> "Marie Richards"; a job title left in front of a name is dropped); a bare
  pronoun the extractor could not resolve counts as no speaker.
- A quote with no speaker is *unattributed*: ``speaker`` empty, ``source_type`` and
  ``origin`` "unknown", ``gender`` empty and ``is_anonymous`` empty (NA), because a quote
  without a source is not an anonymous *source*. It has no row in the speakers table.
- ``n_words`` counts words: runs of letters or digits, joined by inner apostrophes,
  hyphens, dots or commas ("it's", "well-known", "80,000" and "U.S" are one word each).
- The articles table keeps the metadata but not the text (nor ``furniture``), so results
  stay small; ``n_chars`` is the text's length.
- An article whose analysis raises is left out of the three tables and named in
  ``Results.problems`` (``strict=True`` raises instead); the others are unaffected.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from analysis.errors import AnalysisError, DuplicateArticleError, RecordFormatError
from analysis.quotes import MIN_CONFIDENCE, extract_quotes
from analysis.schema import (
    ARTICLE_SENTIMENT,
    COUNT_COLUMNS,
    METADATA_COLUMNS,
    PROBLEM_COLUMNS,
    QUOTE_DTYPES,
    QUOTE_SENTIMENT,
    SPEAKER_DTYPES,
    article_columns,
    problem_row,
    quote_columns,
    sort_rows,
)
from analysis.sources import profile_speaker
from analysis.speakers import (
    APPLIED_COLUMNS,
    THIS_ARTICLE,
    Correction,
    apply_corrections,
    article_speakers,
    link_speakers,
    read_corrections,
    speaker_key,
)

if TYPE_CHECKING:  # analysis.sentiment (TextBlob, NLTK) is imported only when scoring
    from analysis.sentiment import ScoreCache

DROPPED_COLUMNS = frozenset({"text", "furniture"})
"""Input columns not carried into the articles table."""

SPEAKER_LINK_COLUMNS = [
    "speaker_id",
    "source_type",
    "origin",
    "gender",
    "type_basis",
    "origin_basis",
    "gender_basis",
]
"""Speaker columns the corpus-level step (:func:`link_corpus`) may change, copied to quotes."""

_WORD = re.compile(r"\w+(?:['’\-.,]\w+)*")


@dataclass(frozen=True, slots=True)
class ArticleResult:
    """The analysis of one article, as plain row dicts (cheap to build, pickle and ship).

    Attributes
    ----------
    article : dict or None
        The article's row of ``Results.articles``; None when the analysis failed.
    quotes, speakers : tuple of dict
        Its rows of ``Results.quotes`` and ``Results.speakers``, in any order.
    problem : dict or None
        ``{"source", "error", "problem"}`` when the analysis failed, else None.
    scored : bool
        Whether the rows carry sentiment scores.
    """

    article: dict[str, Any] | None
    quotes: tuple[dict[str, Any], ...] = ()
    speakers: tuple[dict[str, Any], ...] = ()
    problem: dict[str, str] | None = None
    scored: bool = False


@dataclass(frozen=True, eq=False)
class Results:
    """Tables of an analysed corpus, each in a fixed row order.

    Attributes
    ----------
    quotes : pandas.DataFrame
        One row per quote, sorted by (article_id, start, end): the columns of
        :data:`QUOTE_DTYPES`, then ``polarity``, ``subjectivity``, ``vader_compound`` when
        sentiment was computed.
    speakers : pandas.DataFrame
        One row per (article_id, speaker), sorted by article_id, n_quotes descending,
        speaker: the columns of :data:`SPEAKER_DTYPES`.
    articles : pandas.DataFrame
        One row per article, sorted by article_id: :data:`METADATA_COLUMNS`, any other
        input metadata column, :data:`COUNT_COLUMNS`, then :data:`ARTICLE_SENTIMENT` when
        sentiment was computed.
    problems : pandas.DataFrame
        The corpus loader's problems, then one row per article whose analysis failed:
        ``source``, ``error``, ``problem``.
    corrections : pandas.DataFrame
        The speaker corrections applied (:data:`analysis.speakers.APPLIED_COLUMNS`), one row
        per row of the corrections file; empty without one.
    """

    quotes: pd.DataFrame
    speakers: pd.DataFrame
    articles: pd.DataFrame
    problems: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROBLEM_COLUMNS))
    corrections: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=APPLIED_COLUMNS))


def count_words(text: str) -> int:
    """Number of words in a text (see the module notes for what a word is).

    Examples
    --------
    >>> count_words("It's a well-known fact: 80,000 people.")
    6
    """
    return len(_WORD.findall(text))


_COMPUTED_COLUMNS = frozenset([*COUNT_COLUMNS, *ARTICLE_SENTIMENT])


def _metadata(article: Mapping[str, Any]) -> dict[str, Any]:
    """The article's metadata row; an input column named like a computed one (``n_quotes``,
    ``polarity``, ...) is kept as ``meta_<name>`` rather than overwritten."""
    row = {name: _clean(article.get(name, "")) for name in METADATA_COLUMNS}
    row["article_id"] = str(article["article_id"])
    for name, value in article.items():
        if name not in row and name not in DROPPED_COLUMNS:
            row[f"meta_{name}" if name in _COMPUTED_COLUMNS else name] = value
    return row


def _clean(value: Any) -> str:
    """Metadata as a string: missing values (None, NaN) become ""."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _as_mapping(article: Any) -> Mapping[str, Any]:
    if isinstance(article, Mapping):
        return article
    as_row = getattr(article, "as_row", None)
    if callable(as_row):  # analysis.corpus.Article
        return as_row()
    raise RecordFormatError(
        "<articles>",
        f"expected a mapping with 'article_id' and 'text', got {type(article).__name__}",
    )


def _source(article: Mapping[str, Any]) -> str:
    source = _clean(article.get("source", ""))
    return source or f"article {_clean(article.get('article_id', '?'))!r}"


def _text(article: Mapping[str, Any]) -> str:
    if "article_id" not in article or _clean(article["article_id"]) == "":
        raise RecordFormatError(_source(article), "no 'article_id'")
    if "text" not in article:
        raise RecordFormatError(_source(article), "no 'text' field")
    text = article["text"]
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    if not isinstance(text, str):
        raise RecordFormatError(
            _source(article), f"'text' should be a string, found {type(text).__name__}"
        )
    return text


def analyze_article(
    article: Mapping[str, Any],
    *,
    sentiment: bool = True,
    strict: bool = False,
    min_confidence: float = MIN_CONFIDENCE,
) -> ArticleResult:
    """Analyse one article: its quotes, speakers, sources and (optionally) tone.

    Parameters
    ----------
    article : mapping
        ``article_id`` and ``text`` (str; None counts as empty), plus any metadata
        (``country`` decides each source's origin; "" or missing -> origin "unknown").
        A row of ``Corpus.articles`` as a dict, or an ``analysis.corpus.Article``.
    sentiment : bool, optional
        Score each quote and the article (journalist's text vs quoted text).
    strict : bool, optional
        Raise when the analysis fails, instead of returning the failure as ``problem``.
    min_confidence : float, optional
        Quotes with a lower ``confidence`` stay in the quotes table (``is_counted``
        False) but count in no speaker, article count or share.

    Returns
    -------
    ArticleResult
        Row dicts for the three tables of :class:`Results`; build them with
        :func:`combine`.

    Raises
    ------
    RecordFormatError
        With ``strict=True``, when ``article_id`` or ``text`` is missing or not text.
    AnalysisError
        With ``strict=True``, when a stage fails on this article (the message names it).
    """
    article = _as_mapping(article)
    try:
        return _analyze(article, sentiment=sentiment, min_confidence=min_confidence)
    except Exception as err:
        if strict:
            if isinstance(err, AnalysisError):
                raise
            raise AnalysisError(f"{_source(article)}: analysis failed: {err!r}") from err
        problem = err.problem if isinstance(err, RecordFormatError) else f"analysis failed: {err!r}"
        return ArticleResult(
            None,
            problem=problem_row(err, source=_source(article), problem=problem),
            scored=sentiment,
        )


def _analyze(
    article: Mapping[str, Any], *, sentiment: bool, min_confidence: float = MIN_CONFIDENCE
) -> ArticleResult:
    text = _text(article)
    meta = _metadata(article)
    article_id = meta["article_id"]
    country = meta["country"]
    found = sorted(extract_quotes(text), key=lambda q: (q.start, q.end))
    names = article_speakers(text, found)
    counted = [q.confidence >= min_confidence for q in found]

    by_speaker: dict[str, list[int]] = {}
    n_words = [count_words(q.text) for q in found]
    for i, name in enumerate(names):
        if name is not None:
            by_speaker.setdefault(name, []).append(i)

    speakers = []
    profiles = {}
    speaker_ids = {}
    for name, indices in by_speaker.items():
        mentions = [
            (found[i].speaker_start, found[i].speaker_end)
            for i in indices
            if found[i].speaker_start is not None and found[i].speaker_end is not None
        ]
        profile = profile_speaker(text, name, mentions, country=country)
        profiles[name] = profile
        key = speaker_key(name) or name
        speaker_ids[name] = f"{article_id}/{key}" if profile.is_anonymous else key
        kept = [i for i in indices if counted[i]]  # speakers count counted quotes only
        if not kept:
            continue
        speakers.append(
            {
                "article_id": article_id,
                "speaker": name,
                "speaker_key": key,
                "n_quotes": len(kept),
                "n_words": sum(n_words[i] for i in kept),
                "description": profile.description,
                "entity": profile.entity,
                "source_type": profile.source_type,
                "origin": profile.origin,
                "gender": profile.gender,
                "is_anonymous": profile.is_anonymous,
                "speaker_id": speaker_ids[name],
                "aliases": name,
                "gender_basis": profile.gender_basis,
                "type_basis": _basis(profile.source_type),
                "origin_basis": _basis(profile.origin),
                "origin_country": profile.origin_country,
            }
        )

    quotes = []
    cache = _score_cache() if sentiment else None  # shared by the article, parts and quotes
    for i, quote in enumerate(found):
        name = names[i]
        profile = profiles.get(name)
        row = {
            "article_id": article_id,
            "quote_id": f"{article_id}:{i + 1}",
            "start": quote.start,
            "end": quote.end,
            "fragments": tuple(quote.fragments) or ((quote.start, quote.end),),
            "kind": quote.kind,
            "text": quote.text,
            "n_words": n_words[i],
            "speaker": name,
            "speaker_start": quote.speaker_start,
            "speaker_end": quote.speaker_end,
            "cue": quote.cue,
            "method": quote.method,
            "confidence": quote.confidence,
            "is_counted": counted[i],
            "source_type": "unknown" if profile is None else profile.source_type,
            "origin": "unknown" if profile is None else profile.origin,
            "gender": None if profile is None else profile.gender,
            "is_anonymous": None if profile is None else profile.is_anonymous,
            "speaker_id": None if name is None else speaker_ids[name],
            "gender_basis": "" if profile is None else profile.gender_basis,
            "type_basis": "" if profile is None else _basis(profile.source_type),
            "origin_basis": "" if profile is None else _basis(profile.origin),
        }
        if sentiment:
            row.update(_scores(quote.text, cache=cache))
        quotes.append(row)

    kinds = [q.kind for q, ok in zip(found, counted, strict=True) if ok]
    meta.update(
        n_chars=len(text),
        n_quotes=len(kinds),
        n_direct=kinds.count("direct"),
        n_mixed=kinds.count("mixed"),
        n_indirect=kinds.count("indirect"),
        n_speakers=len(speakers),
        n_quote_words=sum(n for n, ok in zip(n_words, counted, strict=True) if ok),
    )
    if sentiment:
        fragments = [f for row in quotes if row["is_counted"] for f in row["fragments"]]
        meta.update(_article_scores(text, fragments, cache=cache))
    return ArticleResult(meta, tuple(quotes), tuple(speakers), scored=sentiment)


def _basis(value: str | None) -> str:
    """``type_basis``/``origin_basis`` of a value read from the article itself."""
    return THIS_ARTICLE if value not in (None, "unknown") else ""


def _score_cache() -> ScoreCache:
    from analysis.sentiment import ScoreCache

    return ScoreCache()


def _scores(text: str | None, prefix: str = "", *, cache: ScoreCache) -> dict[str, float]:
    """The sentiment columns of a text (NaN for None), from :func:`analysis.sentiment.score_text`."""
    from analysis.sentiment import score_text

    if text is None:
        return {f"{prefix}{c}": math.nan for c in QUOTE_SENTIMENT}
    score = score_text(text, cache=cache)
    return {f"{prefix}{c}": getattr(score, c) for c in QUOTE_SENTIMENT}


def _article_scores(
    text: str, fragments: Sequence[tuple[int, int]], *, cache: ScoreCache
) -> dict[str, float]:
    """Tone of the article, its journalist's text and its quoted text (as ``article_sentiment``)."""
    from analysis.sentiment import merge_spans, split_quoted

    own, said = split_quoted(text, fragments)
    inside = sum(end - start for start, end in merge_spans(fragments))
    return {
        "quoted_share": inside / len(text) if text else math.nan,
        **_scores(text, cache=cache),
        **_scores(own, "journalist_", cache=cache),
        **_scores(said if fragments else None, "quoted_", cache=cache),
    }


def combine(
    results: Iterable[ArticleResult],
    *,
    problems: pd.DataFrame | None = None,
    sentiment: bool | None = None,
) -> Results:
    """Build the tables of :class:`Results` from per-article results.

    Parameters
    ----------
    results : iterable of ArticleResult
        From :func:`analyze_article`, in any order.
    problems : pandas.DataFrame, optional
        Earlier problems (e.g. ``Corpus.problems``) to put first in ``Results.problems``.
    sentiment : bool, optional
        Whether the tables get the sentiment columns; by default, when the results are
        scored (and not when there are no results).

    Returns
    -------
    Results
        The same tables, in the same order, whatever order and chunking ``results`` came in.

    Raises
    ------
    DuplicateArticleError
        When two results share an ``article_id``.
    """
    articles, quotes, speakers, failed = [], [], [], []
    scored = False
    for result in results:
        scored = scored or result.scored
        if result.article is not None:
            articles.append(result.article)
        quotes.extend(result.quotes)
        speakers.extend(result.speakers)
        if result.problem is not None:
            failed.append(result.problem)
    scored = scored if sentiment is None else sentiment
    return Results(
        quotes=_quotes_table(quotes, scored),
        speakers=_speakers_table(speakers),
        articles=_articles_table(articles, scored),
        problems=_problems_table(problems, failed),
    )


def _quotes_table(rows: list[dict[str, Any]], scored: bool) -> pd.DataFrame:
    scores = QUOTE_SENTIMENT if scored else []
    table = pd.DataFrame(rows, columns=quote_columns(scored=scored))
    return sort_rows(table.astype({**QUOTE_DTYPES, **dict.fromkeys(scores, "float64")}), "quotes")


def _speakers_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=list(SPEAKER_DTYPES))
    return sort_rows(table.astype(SPEAKER_DTYPES), "speakers")


def _articles_table(rows: list[dict[str, Any]], scored: bool) -> pd.DataFrame:
    scores = ARTICLE_SENTIMENT if scored else []
    columns = article_columns({k for row in rows for k in row}, scored=scored)
    table = pd.DataFrame(rows, columns=columns)
    duplicated = table["article_id"][table["article_id"].duplicated()]
    if len(duplicated):
        raise DuplicateArticleError(
            "<articles>", f"article_id {sorted(set(duplicated))[:5]} appears more than once"
        )
    dtypes = {
        **dict.fromkeys(METADATA_COLUMNS, "str"),
        **dict.fromkeys(COUNT_COLUMNS, "int64"),
        **dict.fromkeys(scores, "float64"),
    }
    return sort_rows(table.astype(dtypes), "articles")


def _problems_table(earlier: pd.DataFrame | None, rows: list[dict[str, str]]) -> pd.DataFrame:
    new = pd.DataFrame(rows, columns=PROBLEM_COLUMNS)
    if earlier is None or earlier.empty:
        return new.astype("str")
    return pd.concat([earlier[PROBLEM_COLUMNS], new], ignore_index=True).astype("str")


_QUOTE_DEFAULTS = {
    "source_type": "unknown",
    "origin": "unknown",
    "type_basis": "",
    "origin_basis": "",
    "gender_basis": "",
}
"""What a quote without a speaker row gets in the speaker columns that have a default."""


def speaker_columns_of_quotes(
    quotes: pd.DataFrame, speakers: pd.DataFrame, columns: Sequence[str]
) -> pd.DataFrame:
    """Each quote's ``columns`` taken from its speaker's row of ``speakers``.

    Used by :func:`link_corpus` and :func:`correct_results` in memory and by
    :mod:`analysis.store` on each row group of a results folder, so both give the same
    values. A quote below the confidence floor whose speaker has no counted quote has no
    speakers row: it keeps its own values. A quote without a speaker gets
    ``"unknown"``/``""`` where those are the column's default.

    Parameters
    ----------
    quotes : pandas.DataFrame
        ``article_id``, ``speaker`` and the ``columns`` (its own values).
    speakers : pandas.DataFrame
        One row per (article_id, speaker) with the ``columns``.
    columns : sequence of str
        Columns of the quotes table (see :data:`analysis.schema.QUOTE_DTYPES`).

    Returns
    -------
    pandas.DataFrame
        The ``columns``, one row per quote in the order of ``quotes`` (its index kept), typed
        as the quotes table types them.
    """
    keys = ["article_id", "speaker"]
    own_values = quotes[list(columns)].reset_index(drop=True)
    new = (
        quotes[keys]
        .reset_index(drop=True)
        .merge(
            speakers[[*keys, *columns]], on=keys, how="left", validate="many_to_one", indicator=True
        )
    )
    own = ((new.pop("_merge") == "left_only") & quotes["speaker"].notna().to_numpy()).to_numpy()
    if own.any():
        for name in columns:
            new[name] = new[name].astype(object)
            new.loc[own, name] = own_values.loc[own, name].astype(object).to_numpy()
    filled = new[list(columns)].assign(
        **{
            name: new[name].astype(object).fillna(default)
            for name, default in _QUOTE_DEFAULTS.items()
            if name in columns
        }
    )
    return filled.astype({c: QUOTE_DTYPES[c] for c in columns}).set_axis(quotes.index)


def link_corpus(results: Results) -> Results:
    """The corpus-level speaker step: one ``speaker_id`` per person or organisation across
    articles, and types and origins lent from the articles that describe them.

    Runs :func:`analysis.speakers.link_speakers` on the speakers table (with each article's
    country from the articles table) and copies :data:`SPEAKER_LINK_COLUMNS` to the quotes
    of each (article_id, speaker). Needs the whole corpus: run it once, on the joined
    results (``analyze`` does).
    """
    if results.speakers.empty:
        return results
    countries = dict(
        zip(results.articles["article_id"], results.articles["country"].fillna(""), strict=True)
    )
    speakers = link_speakers(results.speakers, countries)[list(SPEAKER_DTYPES)].astype(
        SPEAKER_DTYPES
    )
    quotes = results.quotes.assign(
        **speaker_columns_of_quotes(results.quotes, speakers, SPEAKER_LINK_COLUMNS)
    )
    return Results(quotes, speakers, results.articles, results.problems)


def correct_results(results: Results, corrections: Sequence[Correction]) -> Results:
    """Apply speaker corrections (:func:`analysis.speakers.read_corrections`) to linked
    results: the last step of a run. Quotes follow their speaker's corrected columns, and
    ``n_speakers`` of the articles a removed attribution touches is recounted.

    Returns
    -------
    Results
        With ``corrections`` listing every correction and how many rows it changed.
    """
    countries = dict(
        zip(results.articles["article_id"], results.articles["country"].fillna(""), strict=True)
    )
    speakers, quotes, applied = apply_corrections(
        results.speakers, results.quotes, countries, corrections
    )
    speakers = speakers.astype(SPEAKER_DTYPES).reset_index(drop=True)
    copied = [*SPEAKER_LINK_COLUMNS, "is_anonymous"]
    quotes = quotes.assign(**speaker_columns_of_quotes(quotes, speakers, copied))[
        list(results.quotes.columns)
    ]
    counts = speakers.groupby("article_id").size()
    articles = results.articles.assign(
        n_speakers=results.articles["article_id"].map(counts).fillna(0).astype("int64")
    )
    return Results(quotes, speakers, articles, results.problems, applied)


def concat_results(parts: Iterable[Results]) -> Results:
    """Join the Results of several chunks of one corpus into one, in the fixed row order.

    Raises
    ------
    DuplicateArticleError
        When two chunks share an ``article_id``.
    """
    parts = list(parts)
    if not parts:
        return combine([], sentiment=False)
    if len(parts) == 1:
        return parts[0]

    def joined(name: str) -> pd.DataFrame:
        tables = [getattr(p, name) for p in parts]
        non_empty = [t for t in tables if len(t)] or tables[:1]
        return pd.concat(non_empty, ignore_index=True)

    articles = joined("articles")
    duplicated = articles["article_id"][articles["article_id"].duplicated()]
    if len(duplicated):
        raise DuplicateArticleError(
            "<articles>", f"article_id {sorted(set(duplicated))[:5]} appears in two chunks"
        )
    return Results(
        quotes=sort_rows(joined("quotes"), "quotes"),
        speakers=sort_rows(joined("speakers"), "speakers"),
        articles=sort_rows(articles, "articles"),
        problems=pd.concat([p.problems for p in parts], ignore_index=True),
    )


def iter_records(articles: Any) -> Iterator[Mapping[str, Any]]:
    """The articles of a Corpus, a DataFrame or an iterable of mappings, one dict each."""
    table = getattr(articles, "articles", articles)
    if isinstance(table, pd.DataFrame):
        missing = [c for c in ("article_id", "text") if c not in table.columns]
        if missing:
            raise RecordFormatError(
                "<articles>", f"missing column(s) {missing}; the table has {list(table.columns)}"
            )
        columns = list(table.columns)
        for values in table.itertuples(index=False, name=None):
            yield dict(zip(columns, values, strict=True))
    else:
        for article in table:
            yield _as_mapping(article)


def analyze(
    corpus: Any,
    *,
    sentiment: bool = True,
    strict: bool = False,
    chunk_size: int = 2000,
    corrections: str | os.PathLike[str] | Sequence[Correction] | None = None,
    min_confidence: float = MIN_CONFIDENCE,
) -> Results:
    """Analyse every article of a corpus.

    Parameters
    ----------
    corpus : Corpus, pandas.DataFrame or iterable of mappings
        A :class:`analysis.corpus.Corpus`, or an articles table with at least
        ``article_id`` and ``text`` (other metadata columns optional, filled with "").
    sentiment : bool, optional
        Add TextBlob and VADER scores to quotes and articles (the slowest stage).
    strict : bool, optional
        Raise on the first article whose analysis fails, instead of listing it in
        ``Results.problems``.
    chunk_size : int, optional
        Articles turned into tables at a time; does not change the result.
    corrections : path or sequence of Correction, optional
        A speaker corrections file (``corrections.yaml``, see
        :func:`analysis.speakers.parse_corrections`), applied as the last step;
        :func:`analysis.speakers.find_corrections` finds the one of a corpus folder.
    min_confidence : float, optional
        Floor on ``Quote.confidence`` for what counts (:data:`MIN_CONFIDENCE`, chosen on
        dev); quotes below it stay in ``quotes`` with ``is_counted`` False.

    Returns
    -------
    Results
        ``quotes`` (one row per quote), ``speakers`` (one row per article and speaker),
        ``articles`` (one row per article), ``problems``; see :class:`Results`.

    Raises
    ------
    RecordFormatError
        When the table lacks ``article_id`` or ``text``.
    DuplicateArticleError
        When two articles share an ``article_id``.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"article_id": ["a1"], "text": ["Nobody spoke."]})
    >>> analyze(table).articles[["article_id", "n_quotes"]].to_dict("records")
    [{'article_id': 'a1', 'n_quotes': 0}]
    """
    earlier = getattr(corpus, "problems", None)
    parts, chunk = [], []
    for record in iter_records(corpus):
        chunk.append(
            analyze_article(
                record, sentiment=sentiment, strict=strict, min_confidence=min_confidence
            )
        )
        if len(chunk) >= chunk_size:
            parts.append(combine(chunk, sentiment=sentiment))
            chunk = []
    if chunk or not parts:
        parts.append(combine(chunk, sentiment=sentiment))
    results = link_corpus(concat_results(parts))
    if corrections is not None:
        if isinstance(corrections, (str, os.PathLike)):
            corrections = read_corrections(corrections)
        results = correct_results(results, corrections)
    if earlier is not None and len(earlier):
        results = Results(
            results.quotes,
            results.speakers,
            results.articles,
            _problems_table(earlier, results.problems.to_dict("records")),
            results.corrections,
        )
    return results

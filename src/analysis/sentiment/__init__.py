"""Tone of any span of text: TextBlob's Pattern lexicon, with VADER as a second opinion.

Two lexicon-based scorers, both offline:

* **TextBlob / Pattern** (``polarity`` in [-1, 1], ``subjectivity`` in [0, 1]). TextBlob's
  default ``PatternAnalyzer`` averages the scores of the adjectives (and a few other words)
  of the Pattern lexicon found in the text, with ``very``-style intensifiers and a negation
  flip (``not good``) applied to the following word (De Smedt & Daelemans 2012, *Pattern for
  Python*, JMLR 13; TextBlob docs, "Sentiment Analysis"). :func:`textblob_scores`
  (:mod:`analysis.sentiment.textblob_exact`) re-implements it exactly, equal to
  ``TextBlob(text).sentiment`` float for float, in linear time, and in one pass over an
  article and its parts (:class:`ScoreCache`); TextBlob's NLTK-backed
  ``sentences``/``tags``/``noun_phrases`` (whose corpora cannot be downloaded) are never used.
* **VADER** (``vader_compound`` in [-1, 1], plus the ``vader_pos``/``vader_neu``/``vader_neg``
  proportions). A rule-based model with a human-rated lexicon built for social-media text,
  with rules for negation, intensifiers, ``but`` and capitals (Hutto & Gilbert 2014, *VADER:
  A Parsimonious Rule-based Model for Sentiment Analysis of Social Media Text*, ICWSM).

VADER was built for sentences, and its own code takes time quadratic in the length of what
it is given (a 50,000-character article takes seconds). Its authors recommend scoring a
longer text sentence by sentence and averaging, so a text of more than one sentence gets
the mean of its sentences' VADER scores (sentences from :mod:`analysis.segment`; a
"sentence" longer than 1,000 characters is cut at white space into pieces of at most that
length). A single sentence gets exactly ``polarity_scores(text)``. TextBlob's Pattern scorer
always scores the whole string.

Scores are computed for exactly the string given: a span is scored as
``article_text[start:end]``, a quote without its quotation marks. Both lexicons score
words, not stance: a quoted insult counts towards the article it appears in, sarcasm is
missed, and news prose is mostly near zero.

Labels use one band for both scorers: below -0.05 negative, above +0.05 positive, otherwise
neutral (:data:`NEUTRAL_BAND`, VADER's authors' published threshold on ``compound``).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    N_SCALAR,
    SentimentIntensityAnalyzer,
    SentiText,
    negated,
)

from analysis.errors import AnalysisError
from analysis.schema import add_period, check_columns
from analysis.segment import Span, paragraph_sentences, split_paragraphs, split_sentences
from analysis.sentiment.textblob_exact import ChunkAssessments
from analysis.sentiment.textblob_exact import textblob_scores as textblob_scores
from analysis.sentiment.tone import TONE_LABELS as TONE_LABELS
from analysis.sentiment.tone import tone_probabilities
from analysis.sentiment.tone import tone_toward as tone_toward
from analysis.sentiment.validity import validity_caption as validity_caption

NEUTRAL_BAND = 0.05
"""Scores with ``abs(score) <= NEUTRAL_BAND`` are labelled neutral.

VADER's README (Hutto & Gilbert) recommends ``compound >= 0.05`` positive and
``<= -0.05`` negative; the same band is used for TextBlob's polarity so both are read by one
rule. It was chosen before looking at any evaluation data and is not tuned.
"""

SCORE_COLUMNS = [
    "polarity",
    "subjectivity",
    "vader_compound",
    "vader_pos",
    "vader_neu",
    "vader_neg",
]
"""Columns every scored table gains, in this order."""

MEASURES = ["polarity", "subjectivity", "vader_compound"]
"""Scores summarised by :func:`group_sentiment` unless told otherwise."""

LABELS = pd.CategoricalDtype(["negative", "neutral", "positive"], ordered=True)


class _Vader(SentimentIntensityAnalyzer):
    """VADER with the same results, faster (code copied from vaderSentiment 3.3.2).

    ``polarity_scores`` first rebuilds the text one character at a time to spell out
    emoji; a text holding none of the (one-character) emoji of its lexicon comes out of
    that loop unchanged but stripped, so it goes straight to the rest of the method. Text
    with an emoji takes the original path. ``_negation_check`` lower-cased the whole
    sentence on each of its calls; it now does so once per sentence.
    """

    def __init__(self) -> None:
        super().__init__()
        self._emoji = frozenset(key for key in self.emojis if len(key) == 1)
        self._words: list[str] | None = None  # the sentence _negation_check saw last
        self._lower: list[str] = []

    def polarity_scores(self, text: str) -> dict[str, float]:
        if not isinstance(text, str) or not self._emoji.isdisjoint(text):
            return super().polarity_scores(text)
        text = text.strip()
        sentitext = SentiText(text)
        sentiments: list = []
        words_and_emoticons = sentitext.words_and_emoticons
        for i, item in enumerate(words_and_emoticons):
            valence = 0
            if item.lower() in BOOSTER_DICT:
                sentiments.append(valence)
                continue
            if (
                i < len(words_and_emoticons) - 1
                and item.lower() == "kind"
                and words_and_emoticons[i + 1].lower() == "of"
            ):
                sentiments.append(valence)
                continue
            sentiments = self.sentiment_valence(valence, sentitext, item, i, sentiments)
        sentiments = self._but_check(words_and_emoticons, sentiments)
        return self.score_valence(sentiments, text)

    def _negation_check(self, valence, words_and_emoticons, start_i, i):
        """vaderSentiment's ``_negation_check``, lower-casing the sentence's words once per
        sentence instead of once per call (it is called up to three times per word)."""
        if words_and_emoticons is not self._words:
            self._words = words_and_emoticons
            self._lower = [str(w).lower() for w in words_and_emoticons]
        lower = self._lower
        if start_i == 0 and negated([lower[i - (start_i + 1)]]):
            valence = valence * N_SCALAR
        if start_i == 1:
            if lower[i - 2] == "never" and (lower[i - 1] == "so" or lower[i - 1] == "this"):
                valence = valence * 1.25
            elif lower[i - 2] == "without" and lower[i - 1] == "doubt":
                valence = valence
            elif negated([lower[i - (start_i + 1)]]):
                valence = valence * N_SCALAR
        if start_i == 2:
            if (lower[i - 3] == "never" and (lower[i - 2] == "so" or lower[i - 2] == "this")) or (
                lower[i - 1] == "so" or lower[i - 1] == "this"
            ):
                valence = valence * 1.25
            elif lower[i - 3] == "without" and (lower[i - 2] == "doubt" or lower[i - 1] == "doubt"):
                valence = valence
            elif negated([lower[i - (start_i + 1)]]):
                valence = valence * N_SCALAR
        return valence


_VADER: SentimentIntensityAnalyzer | None = None


def vader_analyzer() -> SentimentIntensityAnalyzer:
    """The one VADER analyzer of this process (loading its lexicon takes ~50 ms); its
    ``polarity_scores`` equals vaderSentiment's, faster on text without emoji."""
    global _VADER
    if _VADER is None:
        _VADER = _Vader()
    return _VADER


@dataclass(frozen=True, slots=True)
class Sentiment:
    """Lexicon scores of one piece of text.

    Attributes
    ----------
    polarity : float
        TextBlob (Pattern) polarity, -1 (negative) to 1 (positive); 0 when no lexicon word.
    subjectivity : float
        TextBlob (Pattern) subjectivity, 0 (objective) to 1 (subjective).
    vader_compound : float
        VADER's normalised sum of valences, -1 to 1.
    vader_pos, vader_neu, vader_neg : float
        VADER's shares of the text that are positive, neutral and negative (sum to 1, or
        all 0 for text without words).
    """

    polarity: float
    subjectivity: float
    vader_compound: float
    vader_pos: float
    vader_neu: float
    vader_neg: float


@dataclass(slots=True)
class ScoreCache:
    """Work already done for the texts of one article, so that nothing is done twice.

    Pass one cache to :func:`score_text` for an article, its journalist's text, its quoted
    text and each quote: they share most of their words, sentences and paragraphs. Every
    text still gets exactly the scores it gets on its own (the cache is keyed by exact
    strings; see :mod:`analysis.sentiment.textblob_exact` for TextBlob's chunks). Keep one
    cache per article: it grows with the text it has seen.

    Attributes
    ----------
    texts : dict
        Text -> its :class:`Sentiment`.
    chunks : dict
        TextBlob chunk -> its assessments.
    sentences : dict
        Paragraph -> its sentence texts (:func:`analysis.segment.paragraph_sentences`).
    vader : dict
        Piece of text -> VADER's ``(compound, pos, neu, neg)``.
    """

    texts: dict[str, Sentiment] = field(default_factory=dict)
    chunks: dict[str, ChunkAssessments] = field(default_factory=dict)
    sentences: dict[str, list[str]] = field(default_factory=dict)
    vader: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)


def score_text(text: str, *, cache: ScoreCache | None = None) -> Sentiment:
    """Score one string with TextBlob's Pattern lexicon and with VADER.

    Parameters
    ----------
    text : str
        Any text; scored exactly as given (no quotation marks are added or removed).
    cache : ScoreCache, optional
        Shared by the texts of one article so their common parts are scored once; the
        result is the same with or without it.

    Returns
    -------
    Sentiment
        ``polarity`` and ``subjectivity`` equal ``TextBlob(text).sentiment``
        (:func:`textblob_scores`); the VADER scores are :func:`vader_scores`.

    Raises
    ------
    AnalysisError
        When ``text`` is not a string.

    Examples
    --------
    >>> score_text("A great day.").polarity
    0.8
    >>> score_text("").vader_compound
    0.0
    """
    if not isinstance(text, str):
        raise AnalysisError(f"score_text: expected a str, got {type(text).__name__} {text!r:.60}")
    if cache is None:
        return Sentiment(*textblob_scores(text), *vader_scores(text))
    found = cache.texts.get(text)
    if found is None:
        found = cache.texts[text] = Sentiment(
            *textblob_scores(text, cache=cache.chunks), *vader_scores(text, cache=cache)
        )
    return found


def vader_scores(
    text: str, *, cache: ScoreCache | None = None
) -> tuple[float, float, float, float]:
    """VADER's ``compound``, ``pos``, ``neu`` and ``neg`` for a text, in linear time.

    One sentence is scored as it is; a longer text gets the mean over its sentences (a
    sentence over :data:`VADER_MAX_CHARS` characters is cut at white space first). With a
    ``cache``, each paragraph is split into sentences once and each piece scored once.

    Examples
    --------
    >>> vader_scores("Good. Bad.")[0] == (vader_scores("Good.")[0] + vader_scores("Bad.")[0]) / 2
    True
    """
    if cache is None:
        cache = ScoreCache()
    sentences = []
    for paragraph in split_paragraphs(text):
        found = cache.sentences.get(paragraph.text)
        if found is None:
            found = cache.sentences[paragraph.text] = [
                span.text for span in paragraph_sentences(paragraph.text)
            ]
        sentences.extend(found)
    rows = []
    for piece in vader_pieces(text, sentences):
        row = cache.vader.get(piece)
        if row is None:
            scores = vader_analyzer().polarity_scores(piece)
            row = cache.vader[piece] = (
                scores["compound"],
                scores["pos"],
                scores["neu"],
                scores["neg"],
            )
        rows.append(row)
    return tuple(float(sum(row[k] for row in rows) / len(rows)) for k in range(4))


VADER_MAX_CHARS = 1_000
"""Longest piece of text handed to VADER in one call (its cost grows with the square)."""


def vader_pieces(text: str, sentences: Iterable[str]) -> list[str]:
    """What VADER scores for ``text``, given its sentences: the text itself when it is one
    piece, else each sentence, cut at white space into pieces of at most
    :data:`VADER_MAX_CHARS` characters."""
    pieces = [piece for sentence in sentences for piece in _pieces(sentence)]
    return pieces if len(pieces) > 1 else [text]


def _pieces(sentence: str) -> list[str]:
    if len(sentence) <= VADER_MAX_CHARS:
        return [sentence]
    pieces, start = [], 0
    while start < len(sentence):
        end = min(start + VADER_MAX_CHARS, len(sentence))
        if end < len(sentence):
            space = sentence.rfind(" ", start + 1, end)
            end = space if space > start else end
        pieces.append(sentence[start:end])
        start = end
    return pieces


def score_texts(texts: Iterable[str | None]) -> pd.DataFrame:
    """Score many strings; each distinct string is scored once.

    Parameters
    ----------
    texts : iterable of str or None
        Texts in any order; ``None``/NaN (a missing text) gets NaN scores, not zeros.

    Returns
    -------
    pandas.DataFrame
        One row per input, in input order (index 0..n-1), columns :data:`SCORE_COLUMNS`.
    """
    series = pd.Series(list(texts), dtype=object)
    present = series.notna()
    bad = series[present & ~series.map(lambda t: isinstance(t, str))]
    if len(bad):
        position, value = bad.index[0], bad.iloc[0]
        raise AnalysisError(
            f"text {position}: expected a str, got {type(value).__name__} {value!r:.60}"
        )
    unique = pd.unique(series[present].to_numpy())
    scored = pd.DataFrame(
        [_row(text) for text in unique], columns=SCORE_COLUMNS, index=pd.Index(unique, dtype=object)
    )
    out = scored.reindex(series.where(present, None).to_numpy())
    return out.reset_index(drop=True).astype("float64")


def _row(text: str) -> tuple[float, ...]:
    score = score_text(text)
    return tuple(getattr(score, name) for name in SCORE_COLUMNS)


def polarity_label(scores: pd.Series | Sequence[float], *, band: float = NEUTRAL_BAND) -> pd.Series:
    """Three-way label of scores: negative below ``-band``, positive above ``band``.

    Parameters
    ----------
    scores : Series or sequence of float
        Polarity or VADER compound scores in [-1, 1]; NaN gives a missing label.
    band : float, optional
        Half-width of the neutral band, inclusive (default :data:`NEUTRAL_BAND`).

    Returns
    -------
    pandas.Series
        Ordered categorical with categories ``negative < neutral < positive``.
    """
    values = pd.Series(scores, dtype="float64")
    labels = np.select(
        [values < -band, values > band, values.notna()],
        ["negative", "positive", "neutral"],
        default=None,
    )
    return pd.Series(labels, index=values.index, dtype=LABELS)


def _with_scores(table: pd.DataFrame, texts: pd.Series, prefix: str = "") -> pd.DataFrame:
    scores = score_texts(texts).set_axis(table.index)
    return table.assign(**{f"{prefix}{c}": scores[c] for c in SCORE_COLUMNS})


def quote_sentiment(quotes: pd.DataFrame) -> pd.DataFrame:
    """Score each quote's content.

    Parameters
    ----------
    quotes : pandas.DataFrame
        The quotes table: at least ``text`` (content, quotation marks excluded; the pieces of
        a split quote joined by a space).

    Returns
    -------
    pandas.DataFrame
        The quotes table, same rows and order, plus :data:`SCORE_COLUMNS` scored on ``text``.
    """
    check_columns(quotes, ["text"], "quotes table")
    return _with_scores(quotes, quotes["text"])


def merge_spans(fragments: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """``(start, end)`` spans sorted, with overlapping or touching spans merged."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(fragments):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _fragments(quote: dict, length: int) -> list[tuple[int, int]]:
    pieces = quote.get("fragments")
    if pieces is None or (not isinstance(pieces, Iterable)) or len(pieces) == 0:
        pieces = [(quote["start"], quote["end"])]
    out = []
    for piece in pieces:
        try:
            start, end = (int(x) for x in piece)
        except (TypeError, ValueError) as err:
            raise AnalysisError(
                f"quotes table: article {quote['article_id']!r}, quote {quote.get('quote_id')!r}: "
                f"fragment {piece!r} is not a (start, end) pair of integers"
            ) from err
        if not 0 <= start <= end <= length:
            raise AnalysisError(
                f"quotes table: article {quote['article_id']!r}, quote {quote.get('quote_id')!r}: "
                f"fragment ({start}, {end}) lies outside the article text (0..{length})"
            )
        out.append((start, end))
    return out


def split_quoted(text: str, fragments: Iterable[tuple[int, int]]) -> tuple[str, str]:
    """Split an article into the journalist's own text and the quoted text.

    Parameters
    ----------
    text : str
        Article text.
    fragments : iterable of (int, int)
        Quote spans into ``text`` (quotation marks excluded); overlaps are merged.

    Returns
    -------
    (str, str)
        The text outside every fragment, its pieces joined by a space (the quotation
        marks stay, and score nothing), and the fragments' text in order, joined by a newline.

    Examples
    --------
    >>> split_quoted("He said “no” today.", [(9, 11)])
    ('He said “ ” today.', 'no')
    """
    spans = merge_spans(fragments)
    outside, cursor = [], 0
    for start, end in spans:
        outside.append(text[cursor:start])
        cursor = end
    outside.append(text[cursor:])
    return " ".join(outside), "\n".join(text[s:e] for s, e in spans)


ARTICLE_COLUMNS = [
    "article_id",
    "n_quotes",
    "quoted_share",
    *SCORE_COLUMNS,
    *(f"journalist_{c}" for c in SCORE_COLUMNS),
    *(f"quoted_{c}" for c in SCORE_COLUMNS),
]


def article_sentiment(
    articles: pd.DataFrame, quotes: pd.DataFrame, *, kinds: Iterable[str] | None = None
) -> pd.DataFrame:
    """Tone of each whole article, of the journalist's own text and of the quoted text.

    Parameters
    ----------
    articles : pandas.DataFrame
        The articles table: ``article_id``, ``text`` (other columns are kept).
    quotes : pandas.DataFrame
        The quotes table: ``article_id``, ``start``, ``end`` and, when present,
        ``fragments`` (tuple of (start, end) pairs; preferred over start/end for split quotes).
    kinds : iterable of str, optional
        Only quotes whose ``kind`` is one of these count as quoted text (for example
        ``["direct", "partial"]`` to leave paraphrase with the journalist). Default: all.

    Returns
    -------
    pandas.DataFrame
        One row per article, in the articles' order: the articles table's columns except
        ``text``, then ``n_quotes``, ``quoted_share`` (share of the article's characters
        inside quotes), :data:`SCORE_COLUMNS` for the whole text, the same prefixed
        ``journalist_`` (the text outside the quotes, see :func:`split_quoted`) and
        ``quoted_`` (the quote fragments joined by newlines; NaN when nothing is quoted).
        Quotes whose ``article_id`` is not in ``articles`` are ignored.

    Raises
    ------
    AnalysisError
        When a column is missing, or a quote's fragment lies outside its article's text.
    """
    check_columns(articles, ["article_id", "text"], "articles table")
    check_columns(quotes, ["article_id", "start", "end"], "quotes table")
    if kinds is not None:
        check_columns(quotes, ["kind"], "quotes table")
        quotes = quotes.loc[quotes["kind"].isin(list(kinds))]
    by_article: dict[object, list[dict]] = {}
    for quote in quotes.to_dict("records"):
        by_article.setdefault(quote["article_id"], []).append(quote)
    journalist, quoted, n_quotes, shares = [], [], [], []
    for article_id, text in zip(articles["article_id"], articles["text"], strict=True):
        if not isinstance(text, str):
            raise AnalysisError(f"articles table: article {article_id!r}: text is not a string")
        group = by_article.get(article_id, [])
        spans = [f for quote in group for f in _fragments(quote, len(text))]
        own, said = split_quoted(text, spans)
        inside = sum(e - s for s, e in merge_spans(spans))
        journalist.append(own)
        quoted.append(said if spans else None)
        n_quotes.append(len(group))
        shares.append(inside / len(text) if text else math.nan)
    base = articles.drop(columns=["text"]).assign(n_quotes=n_quotes, quoted_share=shares)
    scored = _with_scores(base, articles["text"])
    scored = _with_scores(scored, pd.Series(journalist, index=articles.index), "journalist_")
    scored = _with_scores(scored, pd.Series(quoted, index=articles.index, dtype=object), "quoted_")
    return scored.reset_index(drop=True)


def _span_table(articles: pd.DataFrame, splitter, index_name: str) -> pd.DataFrame:
    check_columns(articles, ["article_id", "text"], "articles table")
    rows = []
    for article_id, text in zip(articles["article_id"], articles["text"], strict=True):
        if not isinstance(text, str):
            raise AnalysisError(f"articles table: article {article_id!r}: text is not a string")
        rows.extend(
            (article_id, i, span.start, span.end, span.text)
            for i, span in enumerate(splitter(text))
        )
    table = pd.DataFrame(rows, columns=["article_id", index_name, "start", "end", "text"])
    table = table.astype({index_name: "int64", "start": "int64", "end": "int64"})
    return _with_scores(table, table["text"])


def paragraph_sentiment(articles: pd.DataFrame) -> pd.DataFrame:
    """Score every paragraph (see :func:`analysis.segment.split_paragraphs`).

    Returns
    -------
    pandas.DataFrame
        One row per (article_id, paragraph), in article then text order: ``article_id``,
        ``paragraph`` (0-based), ``start``, ``end``, ``text`` (``article_text[start:end]``),
        then :data:`SCORE_COLUMNS`.
    """
    return _span_table(articles, split_paragraphs, "paragraph")


def sentence_sentiment(articles: pd.DataFrame) -> pd.DataFrame:
    """Score every sentence (see :func:`analysis.segment.split_sentences`).

    Returns
    -------
    pandas.DataFrame
        One row per (article_id, sentence), in article then text order: ``article_id``,
        ``sentence`` (0-based within the article), ``start``, ``end``, ``text``, then
        :data:`SCORE_COLUMNS`.
    """
    return _span_table(articles, split_sentences, "sentence")


def group_sentiment(
    table: pd.DataFrame,
    by: str | Sequence[str],
    *,
    measures: Sequence[str] = MEASURES,
    period: str | None = None,
    date_column: str = "date",
    articles: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Mean, spread and count of sentiment scores per group: a tidy summary.

    Parameters
    ----------
    table : pandas.DataFrame
        A scored table (from :func:`quote_sentiment`, :func:`article_sentiment`,
        :func:`sentence_sentiment`, ...).
    by : str or sequence of str
        Grouping columns, e.g. ``"speaker"``, ``["source_type", "origin"]``, ``"outlet"``.
        A categorical column keeps its category order, and empty categories appear with
        ``n == 0``; a missing value (no speaker) is its own group, sorted last.
    measures : sequence of str, optional
        Score columns to summarise (default ``polarity``, ``subjectivity``, ``vader_compound``).
    period : str, optional
        ``"Y"``, ``"Q"``, ``"M"``, ``"W"`` or ``"D"``: adds a ``period`` column ("2024-01")
        from ``date_column`` (ISO ``YYYY-MM-DD``; an empty date gives the period "") with
        :func:`analysis.schema.add_period`, and groups by it after ``by``.
    date_column : str, optional
        Column holding the date (default ``"date"``).
    articles : pandas.DataFrame, optional
        The articles table; grouping or date columns missing from ``table`` are joined from
        it on ``article_id`` (so quotes can be grouped by ``outlet`` or month).

    Returns
    -------
    pandas.DataFrame
        One row per (group..., measure), sorted by group then measure in the order given:
        the ``by`` columns (and ``period``), ``measure``, ``n`` (non-missing scores),
        ``mean``, ``std`` (sample standard deviation, ddof=1; NaN when ``n < 2``).

    Raises
    ------
    AnalysisError
        When a column is missing or a date is not ``YYYY-MM-DD``.
    """
    keys = [by] if isinstance(by, str) else list(by)
    needed = [c for c in keys if c != "period"] + ([date_column] if period else [])
    absent = [c for c in needed if c not in table.columns]
    if absent and articles is not None:
        check_columns(table, ["article_id"], "scored table")
        check_columns(articles, ["article_id", *absent], "articles table")
        meta = articles[["article_id", *absent]].drop_duplicates("article_id")
        table = table.merge(meta, on="article_id", how="left", validate="many_to_one")
    check_columns(table, [*needed, *measures], "scored table")
    if period:
        table = add_period(table, period, column=date_column)
        if "period" not in keys:
            keys.append("period")
    long = table[[*keys, *measures]].melt(
        id_vars=keys, value_vars=list(measures), var_name="measure", value_name="value"
    )
    long["measure"] = pd.Categorical(long["measure"], categories=list(measures), ordered=True)
    long["value"] = long["value"].astype("float64")
    summary = (
        long.groupby([*keys, "measure"], observed=False, dropna=False, sort=True)["value"]
        .agg(n="count", mean="mean", std="std")
        .reset_index()
        .astype({"n": "int64", "measure": "string"})
    )
    return summary


def speaker_sentiment(scored_quotes: pd.DataFrame) -> pd.DataFrame:
    """Mean, spread and count of quote scores per speaker (:func:`group_sentiment` by speaker)."""
    return group_sentiment(scored_quotes, "speaker")


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    if len(x) < 2:
        return math.nan
    dx, dy = x - x.mean(), y - y.mean()
    denominator = math.sqrt(float((dx * dx).sum()) * float((dy * dy).sum()))
    return float((dx * dy).sum()) / denominator if denominator > 0 else math.nan


def correlations(x: pd.Series, y: pd.Series) -> tuple[int, float, float]:
    """Pearson and Spearman correlation of two score columns, pairs with a NaN dropped.

    Spearman is Pearson's r on average ranks (ties share their mean rank). Either is NaN
    when fewer than two pairs remain or a column is constant.

    Returns
    -------
    (int, float, float)
        ``n`` pairs used, Pearson r, Spearman rho.
    """
    pairs = pd.DataFrame({"x": pd.Series(x).to_numpy(), "y": pd.Series(y).to_numpy()}).astype(
        "float64"
    )
    pairs = pairs.dropna()
    ranks = pairs.rank(method="average")
    return (
        len(pairs),
        _pearson(pairs["x"].to_numpy(), pairs["y"].to_numpy()),
        _pearson(ranks["x"].to_numpy(), ranks["y"].to_numpy()),
    )


AGREEMENT_COLUMNS = ["n", "pearson", "spearman", "label_agreement", "opposite_share"]


def lexicon_agreement(
    table: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    band: float = NEUTRAL_BAND,
) -> pd.DataFrame:
    """How far TextBlob's ``polarity`` and VADER's ``vader_compound`` agree.

    Parameters
    ----------
    table : pandas.DataFrame
        A scored table with ``polarity`` and ``vader_compound``.
    by : str or sequence of str, optional
        Report one row per group (e.g. ``"outlet"``) instead of one row overall.
    band : float, optional
        Neutral band for the three-way labels (default :data:`NEUTRAL_BAND`, 0.05).

    Returns
    -------
    pandas.DataFrame
        One row (or one per group, sorted): ``n`` rows with both scores, ``pearson``,
        ``spearman``, ``label_agreement`` (share with the same negative/neutral/positive
        label under the band) and ``opposite_share`` (share where one says positive and the
        other negative).
    """
    keys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    check_columns(table, [*keys, "polarity", "vader_compound"], "scored table")

    def summary(part: pd.DataFrame) -> dict[str, float]:
        part = part.dropna(subset=["polarity", "vader_compound"])
        n, pearson, spearman = correlations(part["polarity"], part["vader_compound"])
        a = polarity_label(part["polarity"], band=band).astype(str).to_numpy()
        b = polarity_label(part["vader_compound"], band=band).astype(str).to_numpy()
        opposite = ((a == "positive") & (b == "negative")) | ((a == "negative") & (b == "positive"))
        return {
            "n": n,
            "pearson": pearson,
            "spearman": spearman,
            "label_agreement": float((a == b).mean()) if n else math.nan,
            "opposite_share": float(opposite.mean()) if n else math.nan,
        }

    if not keys:
        return pd.DataFrame([summary(table)], columns=AGREEMENT_COLUMNS)
    rows = [
        {**dict(zip(keys, key if isinstance(key, tuple) else (key,), strict=True)), **summary(part)}
        for key, part in table.groupby(keys, sort=True, dropna=False, observed=True)
    ]
    return pd.DataFrame(rows, columns=[*keys, *AGREEMENT_COLUMNS])


def largest_disagreements(table: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The rows where TextBlob and VADER disagree most.

    Parameters
    ----------
    table : pandas.DataFrame
        A scored table with ``polarity`` and ``vader_compound``.
    n : int, optional
        How many rows to return (default 5).

    Returns
    -------
    pandas.DataFrame
        At most ``n`` rows of ``table`` plus ``disagreement`` = ``|polarity - vader_compound|``
        (both scales run from -1 to 1), largest first; ties keep the table's order.
    """
    check_columns(table, ["polarity", "vader_compound"], "scored table")
    return (
        table.dropna(subset=["polarity", "vader_compound"])
        .assign(disagreement=lambda d: (d["polarity"] - d["vader_compound"]).abs())
        .sort_values("disagreement", ascending=False, kind="mergesort")
        .head(n)
        .reset_index(drop=True)
    )


TONE_DTYPE = pd.CategoricalDtype(list(TONE_LABELS), ordered=True)
"""Labels of :func:`tone_toward`: negative < neutral < positive."""


@dataclass(frozen=True, slots=True)
class MentionTone:
    """How one sentence treats one mention (:func:`tone_toward`).

    Attributes
    ----------
    start, end : int
        The mention's offsets into the article text.
    tone : str
        negative, neutral or positive.
    score : float
        P(positive) - P(negative), in [-1, 1].
    """

    start: int
    end: int
    tone: str
    score: float


def _in_sentences(
    text: str, mentions: Sequence[tuple[int, int]], sentences: Sequence[Span]
) -> list[tuple[str, int, int] | None]:
    """Each mention as (sentence text, start, end) in the sentence where it starts (cut at
    that sentence's end); None for a mention outside every sentence."""
    starts = [s.start for s in sentences]
    out: list[tuple[str, int, int] | None] = []
    for start, end in mentions:
        i = bisect_right(starts, start) - 1
        if i < 0 or start >= sentences[i].end:
            out.append(None)
            continue
        sentence = sentences[i]
        out.append((sentence.text, start - sentence.start, min(end, sentence.end) - sentence.start))
    return out


def mention_tones(
    text: str, mentions: Sequence[tuple[int, int]], *, sentences: Sequence[Span] | None = None
) -> list[MentionTone | None]:
    """:func:`tone_toward` for each mention of an article, read in the sentence holding it.

    Parameters
    ----------
    text : str
        Article text.
    mentions : sequence of (int, int)
        Offsets of the mentions into ``text``; a mention that crosses a sentence break is
        read in the sentence where it starts, cut at that sentence's end.
    sentences : sequence of Span, optional
        ``split_sentences(text)``, when the caller has it already.

    Returns
    -------
    list of MentionTone or None
        One per mention, in the order given; None for a mention outside every sentence.
    """
    sentences = split_sentences(text) if sentences is None else sentences
    located = _in_sentences(text, mentions, sentences)
    items = [item for item in located if item is not None]
    rows = iter(tone_probabilities(items)) if items else iter(())
    out: list[MentionTone | None] = []
    for (start, end), item in zip(mentions, located, strict=True):
        if item is None:
            out.append(None)
            continue
        row = next(rows)
        out.append(MentionTone(start, end, TONE_LABELS[int(row.argmax())], float(row[2] - row[0])))
    return out


def name_mentions(text: str, name: str) -> list[tuple[int, int]]:
    """Where ``name`` is mentioned in ``text``: the full name and, for a name of several
    words, its last word (the surname), as whole words; overlapping finds keep the longest.

    Examples
    --------
    >>> name_mentions("Marie Richards spoke. Richards left.", "Marie Richards")
    [(0, 14), (22, 30)]
    """
    words = name.split()
    forms = [name] + ([words[-1]] if len(words) > 1 and len(words[-1]) > 2 else [])
    found = sorted(
        (m.start(), -m.end())
        for form in forms
        for m in re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", text)
    )
    spans: list[tuple[int, int]] = []
    for start, negative_end in found:
        if spans and start < spans[-1][1]:
            continue
        spans.append((start, -negative_end))
    return spans


@dataclass(frozen=True, slots=True)
class Portrayal:
    """How an article's own sentences treat a speaker, outside the speaker's quotes.

    Attributes
    ----------
    n_mentions : int
        Mentions of the speaker in sentences that hold none of the speaker's own quotes.
    tone : str or None
        The label with the highest mean probability over those mentions; None without any.
    score : float
        Mean of the mentions' scores (P(positive) - P(negative)); NaN without any.
    """

    n_mentions: int
    tone: str | None
    score: float


def speaker_portrayal(
    text: str,
    name: str,
    own_fragments: Sequence[tuple[int, int]],
    *,
    sentences: Sequence[Span] | None = None,
) -> Portrayal:
    """Tone toward a speaker in the sentences that mention them outside their own quotes.

    A sentence counts when it mentions the speaker (:func:`name_mentions`) and overlaps none
    of ``own_fragments`` (the speaker's own quotes: what they say is not how they are
    portrayed, and the sentence that attributes a quote is about the quote). Each such
    mention is read by :func:`tone_toward` in its sentence. ``sentences`` is
    ``split_sentences(text)`` when the caller has it already.

    Examples
    --------
    >>> p = speaker_portrayal("Critics accused Smith of lying. “No,” said Smith.", "Smith", [(33, 35)])
    >>> p.n_mentions, p.tone
    (1, 'negative')
    """
    sentences = split_sentences(text) if sentences is None else sentences
    starts = [s.start for s in sentences]
    items = []
    for start, end in name_mentions(text, name):
        i = bisect_right(starts, start) - 1
        if i < 0 or start >= sentences[i].end:
            continue
        sentence = sentences[i]
        if any(a < sentence.end and sentence.start < b for a, b in own_fragments):
            continue
        items.append(
            (sentence.text, start - sentence.start, min(end, sentence.end) - sentence.start)
        )
    if not items:
        return Portrayal(0, None, math.nan)
    probabilities = tone_probabilities(items)
    mean = probabilities.mean(axis=0)
    score = float((probabilities[:, 2] - probabilities[:, 0]).mean())
    return Portrayal(len(items), TONE_LABELS[int(mean.argmax())], score)


def _article_texts(articles: pd.DataFrame) -> dict[object, str]:
    check_columns(articles, ["article_id", "text"], "articles table")
    texts = {}
    for article_id, text in zip(articles["article_id"], articles["text"], strict=True):
        if not isinstance(text, str):
            raise AnalysisError(f"articles table: article {article_id!r}: text is not a string")
        texts[article_id] = text
    return texts


def quote_speaker_tone(quotes: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Tone of each quote's attribution sentence toward the speaker's mention.

    Parameters
    ----------
    quotes : pandas.DataFrame
        The quotes table: ``article_id``, ``speaker_start``, ``speaker_end`` (the mention
        the quote is attributed to; missing when there is none).
    articles : pandas.DataFrame
        The articles with their ``text`` (e.g. ``load_corpus(...).articles``).

    Returns
    -------
    pandas.DataFrame
        The quotes table, same rows and order, plus ``speaker_tone`` (negative < neutral <
        positive; missing without a mention) and ``speaker_tone_score`` (P(positive) -
        P(negative) of :func:`tone_toward`; NaN without a mention).

    Raises
    ------
    AnalysisError
        When a column is missing or a quote's article has no text.
    """
    check_columns(quotes, ["article_id", "speaker_start", "speaker_end"], "quotes table")
    texts = _article_texts(articles)
    tones = pd.Series(None, index=quotes.index, dtype=object)
    scores = pd.Series(math.nan, index=quotes.index, dtype="float64")
    has_mention = quotes["speaker_start"].notna() & quotes["speaker_end"].notna()
    for article_id, part in quotes.loc[has_mention].groupby("article_id", sort=False):
        if article_id not in texts:
            raise AnalysisError(f"quotes table: article {article_id!r} is not in the articles")
        spans = list(
            zip(part["speaker_start"].astype(int), part["speaker_end"].astype(int), strict=True)
        )
        for index, found in zip(part.index, mention_tones(texts[article_id], spans), strict=True):
            if found is not None:
                tones[index], scores[index] = found.tone, found.score
    return quotes.assign(speaker_tone=tones.astype(TONE_DTYPE), speaker_tone_score=scores)


PORTRAYAL_COLUMNS = ["article_id", "speaker", "n_portrayals", "portrayal_tone", "portrayal_score"]


def speaker_portrayals(quotes: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """How each article portrays each of its speakers, outside the speaker's own quotes.

    Parameters
    ----------
    quotes : pandas.DataFrame
        The quotes table: ``article_id``, ``speaker`` (empty for unattributed quotes),
        ``start``, ``end`` and, when present, ``fragments``.
    articles : pandas.DataFrame
        The articles with their ``text``.

    Returns
    -------
    pandas.DataFrame
        One row per (article_id, speaker), sorted: ``n_portrayals`` (mentions in sentences
        that hold none of the speaker's quotes), ``portrayal_tone`` (see
        :class:`Portrayal`; missing when 0) and ``portrayal_score`` (mean tone score; NaN
        when 0). See :func:`speaker_portrayal`.
    """
    check_columns(quotes, ["article_id", "speaker", "start", "end"], "quotes table")
    texts = _article_texts(articles)
    named = quotes.loc[quotes["speaker"].fillna("").astype(str).str.len() > 0]
    rows = []
    for article_id, part in named.groupby("article_id", sort=True):
        if article_id not in texts:
            raise AnalysisError(f"quotes table: article {article_id!r} is not in the articles")
        text = texts[article_id]
        sentences = split_sentences(text)
        for speaker, own in part.groupby("speaker", sort=True):
            fragments = [
                f for quote in own.to_dict("records") for f in _fragments(quote, len(text))
            ]
            found = speaker_portrayal(text, str(speaker), fragments, sentences=sentences)
            rows.append((article_id, speaker, found.n_mentions, found.tone, found.score))
    table = pd.DataFrame(rows, columns=PORTRAYAL_COLUMNS)
    return table.astype(
        {"n_portrayals": "int64", "portrayal_tone": TONE_DTYPE, "portrayal_score": "float64"}
    )


PARTS = pd.CategoricalDtype(["whole article", "journalist", "quoted"], ordered=True)
"""The parts of an article whose tone the articles table scores, in display order."""


def part_sentiment(articles: pd.DataFrame, *, measures: Sequence[str] = MEASURES) -> pd.DataFrame:
    """The articles table's tone columns as one row per (article_id, part).

    The articles table (``Results.articles``) scores each article three times: the whole
    text (``polarity``, ...), the journalist's text outside quotes (``journalist_polarity``,
    ...) and the quoted text (``quoted_polarity``, ...). This puts the three side by side
    under one set of measure columns, ready for :func:`group_sentiment` by ``part``.

    Parameters
    ----------
    articles : pandas.DataFrame
        With ``article_id`` and, for each measure, ``<measure>``, ``journalist_<measure>``
        and ``quoted_<measure>``.
    measures : sequence of str, optional
        Scores to carry (default ``polarity``, ``subjectivity``, ``vader_compound``).

    Returns
    -------
    pandas.DataFrame
        One row per (article_id, part), by article then part: ``article_id``, ``part``
        (:data:`PARTS`: whole article, journalist, quoted), then the measures.

    Raises
    ------
    AnalysisError
        When a column is missing (an articles table analysed with ``sentiment=False``).

    Examples
    --------
    >>> table = pd.DataFrame({"article_id": ["a1"], "polarity": [0.1],
    ...                       "journalist_polarity": [0.0], "quoted_polarity": [0.5]})
    >>> part_sentiment(table, measures=["polarity"]).to_dict("list")
    {'article_id': ['a1', 'a1', 'a1'], 'part': ['whole article', 'journalist', 'quoted'], 'polarity': [0.1, 0.0, 0.5]}
    """
    prefixes = {"whole article": "", "journalist": "journalist_", "quoted": "quoted_"}
    columns = [f"{prefix}{m}" for prefix in prefixes.values() for m in measures]
    check_columns(articles, ["article_id", *columns], "articles table")
    parts = [
        articles[["article_id", *(f"{prefix}{m}" for m in measures)]]
        .set_axis(["article_id", *measures], axis=1)
        .assign(part=part)
        for part, prefix in prefixes.items()
    ]
    return (
        pd.concat(parts, ignore_index=True)
        .astype({"part": PARTS})
        .sort_values(["article_id", "part"], kind="stable", ignore_index=True)[
            ["article_id", "part", *measures]
        ]
    )

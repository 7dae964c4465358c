"""Properties that hold for ANY text (hypothesis): extract_quotes, analyze, sourcing_balance.

Texts are drawn from two strategies: arbitrary Unicode, and "newsy noise" built from every
kind of quotation mark, reporting verbs, names, pronouns, punctuation and paragraph breaks,
which reaches the extractor's rules far more often than random characters do.
"""

from __future__ import annotations

import itertools
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.aggregate import sourcing_balance
from analysis.pipeline import analyze
from analysis.quotes import extract_quotes

MARKS = [*"\"'“”‘’«»„‚‹›`", "''", "``"]
PIECES = [
    *MARKS,
    "said",
    "says",
    "told reporters",
    "according to",
    "added",
    "he",
    "she",
    "they",
    "Ann Lee",
    "Lee",
    "Mr.",
    "Dr.",
    "a spokesman",
    "officials",
    "the ministry",
    "that",
    "We will win",
    "no",
    ":",
    ".",
    ",",
    "?",
    "!",
    "—",
    "―",
    "(",
    ")",
    "\n",
    "\n\n",
    "\r\n",
    "\u00a0",
    "\x00",
]

newsy = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=40).flatmap(
    lambda parts: st.sampled_from([" ".join(parts), "".join(parts)])
)
any_text = st.one_of(st.text(max_size=300), newsy)

SETTINGS = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(any_text)
def test_extract_quotes_spans_are_valid(text):
    quotes = extract_quotes(text)  # never raises
    for quote in quotes:
        assert quote.kind in ("direct", "mixed", "indirect")
        assert quote.fragments, "a quote has at least one piece"
        assert all(0 <= s < e <= len(text) for s, e in quote.fragments)
        # pieces in text order and disjoint
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(quote.fragments))
        assert (quote.start, quote.end) == (quote.fragments[0][0], quote.fragments[-1][1])
        if len(quote.fragments) == 1:
            assert text[quote.start : quote.end] == quote.text
        else:
            assert quote.text == " ".join(text[s:e] for s, e in quote.fragments)
        for start, end in (
            (quote.speaker_start, quote.speaker_end),
            (quote.cue_start, quote.cue_end),
        ):
            assert (start is None) == (end is None)
            if start is not None:
                assert 0 <= start < end <= len(text)
        if quote.speaker is None:
            assert quote.speaker_start is None


@SETTINGS
@given(any_text)
def test_extract_quotes_in_order_of_appearance(text):
    starts = [(q.start, q.end) for q in extract_quotes(text)]
    assert starts == sorted(starts)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet=st.characters(exclude_characters="“”"), max_size=20), max_size=4),
    st.lists(
        st.text(
            alphabet=st.characters(exclude_characters="“”\"'‘’«»„‚‹›`\n\r"), min_size=1, max_size=20
        ),
        max_size=4,
    ),
)
def test_no_fragment_covers_a_curly_mark_of_a_pair(befores, insides):
    # quotation marks are excluded from content: no piece of a rule quote contains one
    text = "".join(f"{b}“{i}”" for b, i in zip(befores, insides, strict=False))
    for quote in extract_quotes(text, method="rules"):
        for start, end in quote.fragments:
            assert "“" not in text[start:end] and "”" not in text[start:end]
    # the tagger may take a whole quotation into a mixed content ('the plan was “crazy”
    # and wrong', as PolNeAR does) but never one mark of a pair without the other: each
    # piece lies inside a quotation or holds it whole (pairs as marks.quote_spans pairs them)
    from analysis.quotes.marks import quote_spans

    pairs = quote_spans(text, 0, len(text))
    for quote in extract_quotes(text):
        for start, end in quote.fragments:
            for qs, qe, _ in pairs:
                if qs < end and start < qe:  # overlaps
                    assert (qs <= start and end <= qe) or (start < qs and qe < end), text[start:end]


corpora = st.lists(
    st.tuples(
        st.sampled_from(["", "Gazette", "Herald"]), st.sampled_from(["", "LY", "US"]), any_text
    ),
    min_size=1,
    max_size=5,
).map(
    lambda items: pd.DataFrame(
        {
            "article_id": [f"a{i}" for i in range(len(items))],
            "outlet": [outlet for outlet, _, _ in items],
            "country": [country for _, country, _ in items],
            "text": [text for _, _, text in items],
        }
    )
)


def check_results(table: pd.DataFrame, results) -> None:
    assert results.problems.empty
    assert results.articles["article_id"].tolist() == sorted(table["article_id"])
    counts = results.quotes[results.quotes["is_counted"]].groupby("article_id").size()
    for row in results.articles.itertuples():
        assert row.n_quotes == counts.get(row.article_id, 0)
        assert row.n_quotes == row.n_direct + row.n_mixed + row.n_indirect
    lengths = table.set_index("article_id")["text"].str.len()
    limits = results.quotes["article_id"].map(lengths).astype("int64")
    assert (results.quotes["end"] <= limits).all()
    assert (results.quotes["start"] >= 0).all()


def shares_sum_to_one(balance: pd.DataFrame, keys: list[str]) -> None:
    for key, group in balance.groupby(keys, observed=True):
        total = group["total"].iloc[0]
        assert (group["total"] == total).all(), key
        assert group["n"].sum() == total, key
        if total > 0:
            assert math.isclose(group["share"].sum(), 1.0, rel_tol=1e-9), key
            # an interval, where defined (Wilson is NaN for words), contains its share
            low, high = group["ci_low"], group["ci_high"]
            defined = low.notna() & high.notna()
            share = group["share"][defined]
            assert ((low[defined] <= share + 1e-12) & (share <= high[defined] + 1e-12)).all()
        else:
            assert group["share"].isna().all(), key


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora)
def test_analyze_never_raises_and_shares_sum_to_one(table):
    results = analyze(table, sentiment=False)
    check_results(table, results)
    overall = sourcing_balance(results, ci="wilson")
    shares_sum_to_one(overall, ["dimension", "measure"])
    by_outlet = sourcing_balance(results, by="outlet", ci="bootstrap", n_boot=50)
    shares_sum_to_one(by_outlet, ["outlet", "dimension", "measure"])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora)
def test_analyze_with_sentiment_never_raises(table):
    results = analyze(table)
    check_results(table, results)
    scores = results.quotes[["polarity", "subjectivity", "vader_compound"]]
    assert scores.isna().sum().sum() == 0
    assert scores["polarity"].between(-1, 1).all() and scores["vader_compound"].between(-1, 1).all()

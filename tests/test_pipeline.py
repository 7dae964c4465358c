"""The pipeline: corpus -> quotes, speakers and articles tables.

Most tests replace the quote extractor and the source classifier with hand-made answers
(``fake_stages``), so they check the pipeline's own work (merging, counting, ordering,
dtypes, chunking, failures) whatever the state of those stages. The case-study tests at
the end run the real stages against the gold file.
"""

from __future__ import annotations

import importlib
import json

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import analysis.pipeline as pipeline
from analysis.corpus import load_corpus
from analysis.errors import AnalysisError, DuplicateArticleError, RecordFormatError
from analysis.pipeline import (
    QUOTE_DTYPES,
    SPEAKER_DTYPES,
    analyze,
    analyze_article,
    combine,
    concat_results,
    count_words,
)
from analysis.quotes import Quote
from analysis.sources import SourceProfile

# Three invented articles. Quotes are given by hand below; offsets are found with
# str.index on the phrases, so each expected value can be checked by reading the text.
A1 = (
    "Officials met on Monday. “We will build the bridge,” said Jane Roe, the transport "
    "minister. Roe added that costs would rise. “It is too expensive,” a local resident "
    "said. “Not again.”"
)
A2 = (
    "The company, Acme Corp, said profits fell. “Sales were weak in every market,” said "
    "Tom Doe, an analyst. “Demand will recover next year,” Doe said."
)
A0 = "Nothing was said today."


def quote(text, content, kind, speaker=None, mention=None, cue=None):
    """A Quote whose offsets are those of ``content`` and ``mention`` in ``text``.

    ``mention`` is a phrase of the text that starts with the mention's word(s) and is
    ``speaker``-unique enough to find ("Roe added" -> the "Roe" of that phrase);
    its first ``len(speaker_words)`` words are the mention. The cue is searched after it.
    """
    start = text.index(content)
    end = start + len(content)
    s_start = s_end = c_start = None
    if mention is not None:
        s_start = text.index(mention)
        n_words = len(speaker.split()) if speaker else 1
        s_end = s_start + len(" ".join(mention.split()[:n_words]))
    if cue is not None:
        c_start = text.index(cue, s_start if s_start is not None else 0)
    return Quote(
        text=content,
        start=start,
        end=end,
        fragments=((start, end),),
        kind=kind,
        speaker=speaker,
        speaker_start=s_start,
        speaker_end=s_end,
        cue=cue,
        cue_start=c_start,
        cue_end=None if cue is None else c_start + len(cue),
    )


QUOTES = {
    A1: [
        # listed out of text order on purpose: the pipeline sorts them
        quote(A1, "It is too expensive,", "direct", "a local resident", "a local resident"),
        quote(A1, "We will build the bridge,", "direct", "Jane Roe", "Jane Roe", "said"),
        # the extractor left the surname unresolved; the pipeline merges it
        quote(A1, "costs would rise", "indirect", "Roe", "Roe added", "added"),
        quote(A1, "Not again.", "direct"),
    ],
    A2: [
        quote(A2, "profits fell", "indirect", "Acme Corp", "Acme Corp", "said"),
        quote(A2, "Sales were weak in every market,", "direct", "Tom Doe", "Tom Doe", "said"),
        quote(A2, "Demand will recover next year,", "direct", "Doe", "Doe said", "said"),
    ],
    A0: [],
}

PROFILES = {
    "Jane Roe": SourceProfile(
        "the transport minister", "person", "official", "domestic", "female", False
    ),
    "a local resident": SourceProfile(
        "a local resident", "person", "civilian", "domestic", "unknown", True
    ),
    "Acme Corp": SourceProfile(None, "organisation", "business", "unknown", None, False),
    "Tom Doe": SourceProfile("an analyst", "person", "expert", "unknown", "male", False),
}


@pytest.fixture
def fake_stages(monkeypatch):
    """Hand-made quotes and profiles; records the calls to profile_speaker."""
    calls = []

    def fake_extract(text):
        return list(QUOTES[text])

    def fake_profile(text, speaker, mentions, *, country):
        calls.append((speaker, [text[s:e] for s, e in mentions], country))
        return PROFILES[speaker]

    monkeypatch.setattr(pipeline, "extract_quotes", fake_extract)
    monkeypatch.setattr(pipeline, "profile_speaker", fake_profile)
    return calls


def values(column):
    """A column as a list, missing values (NaN, NA) as None."""
    return [None if pd.isna(v) else v for v in column.tolist()]


def corpus_table():
    return pd.DataFrame(
        {
            # unsorted on purpose
            "article_id": ["a2", "a1", "a0"],
            "text": [A2, A1, A0],
            "outlet": ["Daily", "Herald", "Herald"],
            "country": ["", "GB", "GB"],
            "date": ["2020-02-01", "2020-01-15", "2020-01-02"],
        }
    )


def test_quotes_table_by_hand(fake_stages):
    quotes = analyze(corpus_table(), sentiment=False).quotes
    assert list(quotes.columns) == list(QUOTE_DTYPES)
    # a0 has no quotes; a1's four in text order, then a2's three.
    assert quotes["quote_id"].tolist() == ["a1:1", "a1:2", "a1:3", "a1:4", "a2:1", "a2:2", "a2:3"]
    assert values(quotes["speaker"]) == [
        "Jane Roe",
        "Jane Roe",  # "Roe" merged into the full name
        "a local resident",
        None,
        "Acme Corp",
        "Tom Doe",
        "Tom Doe",  # "Doe" merged
    ]
    # words counted by hand: We/will/build/the/bridge, costs/would/rise, It/is/too/expensive,
    # Not/again, profits/fell, Sales/were/weak/in/every/market, Demand/will/recover/next/year
    assert quotes["n_words"].tolist() == [5, 3, 4, 2, 2, 6, 5]
    assert quotes["kind"].tolist() == [
        "direct",
        "indirect",
        "direct",
        "direct",
        "indirect",
        "direct",
        "direct",
    ]
    assert quotes["source_type"].tolist() == [
        "official",
        "official",
        "civilian",
        "unknown",  # unattributed
        "business",
        "expert",
        "expert",
    ]
    assert quotes["origin"].tolist() == ["domestic"] * 3 + ["unknown"] * 4
    assert quotes["gender"].tolist()[:3] == ["female", "female", "unknown"]
    assert quotes["gender"].isna().tolist() == [False, False, False, True, True, False, False]
    # unattributed quote: is_anonymous is NA, not False
    assert values(quotes["is_anonymous"]) == [False, False, True, None, False, False, False]
    row = quotes.iloc[0]
    assert A1[row["start"] : row["end"]] == row["text"] == "We will build the bridge,"
    assert A1[row["speaker_start"] : row["speaker_end"]] == "Jane Roe"
    assert row["cue"] == "said"
    assert row["fragments"] == ((row["start"], row["end"]),)


def test_speakers_table_by_hand(fake_stages):
    speakers = analyze(corpus_table(), sentiment=False).speakers
    assert list(speakers.columns) == list(SPEAKER_DTYPES)
    got = speakers[["article_id", "speaker", "n_quotes", "n_words"]].to_dict("records")
    assert got == [
        # a1: Jane Roe 2 quotes (5 + 3 words) before the resident (1 quote, 4 words)
        {"article_id": "a1", "speaker": "Jane Roe", "n_quotes": 2, "n_words": 8},
        {"article_id": "a1", "speaker": "a local resident", "n_quotes": 1, "n_words": 4},
        # a2: Tom Doe 2 quotes (6 + 5) before Acme Corp (1 quote, 2 words)
        {"article_id": "a2", "speaker": "Tom Doe", "n_quotes": 2, "n_words": 11},
        {"article_id": "a2", "speaker": "Acme Corp", "n_quotes": 1, "n_words": 2},
    ]
    assert speakers["speaker_key"].tolist() == [
        "jane roe",
        "a local resident",
        "tom doe",
        "acme corp",
    ]
    assert speakers["description"].tolist()[0] == "the transport minister"
    assert speakers["entity"].tolist() == ["person", "person", "person", "organisation"]
    assert speakers["is_anonymous"].tolist() == [False, True, False, False]
    assert pd.isna(speakers["gender"].iloc[3])  # organisation: no gender


def test_profile_gets_every_mention_and_the_country(fake_stages):
    analyze(corpus_table(), sentiment=False)
    calls = {speaker: (mentions, country) for speaker, mentions, country in fake_stages}
    # "Roe" (the mention of the indirect quote) is passed along with "Jane Roe"
    assert calls["Jane Roe"] == (["Jane Roe", "Roe"], "GB")
    assert calls["Tom Doe"] == (["Tom Doe", "Doe"], "")
    assert len(fake_stages) == 4  # once per speaker per article; never for "no speaker"


def test_articles_table_by_hand(fake_stages):
    articles = analyze(corpus_table(), sentiment=False).articles
    assert list(articles.columns) == [
        *pipeline.METADATA_COLUMNS,
        *pipeline.COUNT_COLUMNS,
    ]
    assert articles["article_id"].tolist() == ["a0", "a1", "a2"]
    counts = articles.set_index("article_id")[pipeline.COUNT_COLUMNS[1:]]
    assert counts.loc["a0"].tolist() == [0, 0, 0, 0, 0, 0]
    # a1: 4 quotes (3 direct, 1 indirect), 2 speakers, 5+3+4+2 = 14 words
    assert counts.loc["a1"].tolist() == [4, 3, 0, 1, 2, 14]
    # a2: 3 quotes (2 direct, 1 indirect), 2 speakers, 2+6+5 = 13 words
    assert counts.loc["a2"].tolist() == [3, 2, 0, 1, 2, 13]
    assert articles["n_chars"].tolist() == [len(A0), len(A1), len(A2)]
    # metadata the input lacked is filled with ""
    assert articles["title"].tolist() == ["", "", ""]
    assert articles["outlet"].tolist() == ["Herald", "Herald", "Daily"]


def test_fixed_categories_and_dtypes(fake_stages):
    results = analyze(corpus_table(), sentiment=False)
    assert list(results.quotes["source_type"].cat.categories) == [
        "official",
        "military",
        "expert",
        "civilian",
        "business",
        "other",
        "unknown",
    ]
    assert results.quotes["source_type"].cat.ordered
    assert list(results.quotes["kind"].cat.categories) == ["direct", "mixed", "indirect"]
    assert list(results.speakers["origin"].cat.categories) == ["domestic", "foreign", "unknown"]
    assert str(results.quotes["is_anonymous"].dtype) == "boolean"
    assert str(results.quotes["speaker_start"].dtype) == "Int64"


def test_empty_corpus_has_the_same_columns_and_dtypes(fake_stages):
    full = analyze(corpus_table(), sentiment=False)
    empty = analyze(pd.DataFrame({"article_id": [], "text": []}), sentiment=False)
    for name in ("quotes", "speakers"):
        assert getattr(empty, name).empty
        assert getattr(empty, name).dtypes.to_dict() == getattr(full, name).dtypes.to_dict()
    assert list(empty.articles.columns) == list(full.articles.columns)


@pytest.mark.parametrize("chunk_size", [1, 2, 5])
def test_chunking_does_not_change_the_result(fake_stages, chunk_size):
    whole = analyze(corpus_table(), sentiment=False)
    chunked = analyze(corpus_table(), sentiment=False, chunk_size=chunk_size)
    for name in ("quotes", "speakers", "articles", "problems"):
        pd.testing.assert_frame_equal(getattr(chunked, name), getattr(whole, name))


def test_combine_in_any_order_and_concat_of_chunks(fake_stages):
    records = corpus_table().to_dict("records")
    results = [analyze_article(r, sentiment=False) for r in records]
    forward = combine(results)
    backward = combine(reversed(results))
    parts = concat_results([combine(results[:1]), combine(results[1:])])
    for name in ("quotes", "speakers", "articles"):
        pd.testing.assert_frame_equal(getattr(backward, name), getattr(forward, name))
        pd.testing.assert_frame_equal(getattr(parts, name), getattr(forward, name))


def test_analyze_article_returns_plain_rows(fake_stages):
    result = analyze_article({"article_id": "a1", "text": A1, "country": "GB"}, sentiment=False)
    assert result.problem is None
    assert result.article["n_quotes"] == 4
    assert [r["quote_id"] for r in result.quotes] == ["a1:1", "a1:2", "a1:3", "a1:4"]
    assert {r["speaker"] for r in result.speakers} == {"Jane Roe", "a local resident"}


def test_a_failing_article_is_reported_and_the_others_kept(fake_stages, monkeypatch):
    def breaks_on_a2(text):
        if text == A2:
            raise ValueError("boom")
        return list(QUOTES[text])

    monkeypatch.setattr(pipeline, "extract_quotes", breaks_on_a2)
    results = analyze(corpus_table(), sentiment=False)
    assert results.articles["article_id"].tolist() == ["a0", "a1"]
    assert set(results.quotes["article_id"]) == {"a1"}
    assert results.problems.to_dict("records") == [
        {
            "source": "article 'a2'",
            "error": "ValueError",
            "problem": "analysis failed: ValueError('boom')",
        }
    ]
    with pytest.raises(AnalysisError, match=r"article 'a2': analysis failed: ValueError\('boom'\)"):
        analyze(corpus_table(), sentiment=False, strict=True)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (pd.DataFrame({"article_id": ["x"]}), r"<articles>: missing column\(s\) \['text'\]"),
        (pd.DataFrame({"text": ["x"]}), r"<articles>: missing column\(s\) \['article_id'\]"),
    ],
    ids=["no-text-column", "no-id-column"],
)
def test_missing_columns_name_the_problem(table, message):
    with pytest.raises(RecordFormatError, match=message):
        analyze(table)


def test_duplicate_ids_are_an_error(fake_stages):
    table = pd.DataFrame({"article_id": ["a1", "a1"], "text": [A1, A1]})
    with pytest.raises(DuplicateArticleError, match=r"\['a1'\] appears more than once"):
        analyze(table, sentiment=False)


def test_bad_text_is_a_problem_not_a_crash(fake_stages):
    table = pd.DataFrame(
        {"article_id": ["a0", "b"], "text": [A0, 42], "source": ["x/a0.txt", "x/b.txt"]}
    )
    results = analyze(table, sentiment=False)
    assert results.articles["article_id"].tolist() == ["a0"]
    assert results.problems.to_dict("records") == [
        {
            "source": "x/b.txt",
            "error": "RecordFormatError",
            "problem": "'text' should be a string, found int",
        }
    ]
    # the source column is metadata the articles table keeps
    assert results.articles["source"].tolist() == ["x/a0.txt"]


def test_missing_text_counts_as_empty(fake_stages, monkeypatch):
    monkeypatch.setattr(pipeline, "extract_quotes", lambda text: [])
    table = pd.DataFrame({"article_id": ["n"], "text": [None]})
    articles = analyze(table, sentiment=False).articles
    assert articles[["n_chars", "n_quotes"]].iloc[0].tolist() == [0, 0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We will build the bridge,", 5),
        ("It's well-known.", 2),
        ("80,000 people in the U.S. left", 6),
        ("— … ?", 0),
        ("", 0),
    ],
    ids=[
        "plain",
        "apostrophe-and-hyphen-inside",
        "number-and-dotted-abbreviation",
        "no-words",
        "empty",
    ],
)
def test_count_words(text, expected):
    assert count_words(text) == expected


def test_sentiment_matches_the_sentiment_module(fake_stages):
    from analysis.sentiment import article_sentiment, quote_sentiment

    results = analyze(corpus_table(), sentiment=True)
    expected = quote_sentiment(results.quotes.drop(columns=pipeline.QUOTE_SENTIMENT))
    for column in pipeline.QUOTE_SENTIMENT:
        assert results.quotes[column].tolist() == pytest.approx(expected[column].tolist())

    table = corpus_table().sort_values("article_id", ignore_index=True)
    by_module = article_sentiment(table[["article_id", "text"]], results.quotes)
    for column in pipeline.ARTICLE_SENTIMENT:
        assert results.articles[column].tolist() == pytest.approx(
            by_module[column].tolist(), nan_ok=True
        )
    # a0 quotes nothing: no quoted text to score
    assert pd.isna(results.articles.loc[0, "quoted_polarity"])


# Property: whatever quotes an extractor returns, counts add up and shares are whole.
spans = st.lists(
    st.tuples(
        st.integers(0, 40),
        st.integers(1, 10),
        st.sampled_from(["direct", "mixed", "indirect"]),
        st.sampled_from([None, "Ann Lee", "Lee", "officials"]),
    ),
    max_size=6,
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=50)
@given(spans)
def test_counts_add_up_for_any_quotes(monkeypatch, drawn):
    text = "x" * 60

    def fake_extract(_):
        return [
            Quote(text[s : s + n], s, s + n, ((s, s + n),), kind, who, None, None, None, None, None)
            for s, n, kind, who in drawn
        ]

    monkeypatch.setattr(pipeline, "extract_quotes", fake_extract)
    monkeypatch.setattr(
        pipeline,
        "profile_speaker",
        lambda text, speaker, mentions, *, country: SourceProfile(
            None, "person", "other", "unknown", "unknown", False
        ),
    )
    results = analyze(pd.DataFrame({"article_id": ["p"], "text": [text]}), sentiment=False)
    article = results.articles.iloc[0]
    assert article["n_quotes"] == len(drawn) == len(results.quotes)
    assert article["n_direct"] + article["n_mixed"] + article["n_indirect"] == len(drawn)
    assert results.speakers["n_quotes"].sum() == results.quotes["speaker"].notna().sum()
    # "Lee" merges into "Ann Lee" whenever both occur
    names = set(results.speakers["speaker"])
    assert not {"Lee", "Ann Lee"} <= names
    assert results.quotes["start"].is_monotonic_increasing


# --- the case study, through the real extractor and classifier -------------------------


def case_study(seed_text_path):
    """The case study as the corpus loader reads it (headline, byline and the trailing
    related-article headlines, which the gold excludes, kept out of the text), in Libya."""
    return load_corpus(seed_text_path, defaults={"country": "LY"})


def test_case_study_speaker_counts_match_the_gold(seed_text_path, seed_gold_path):
    gold = json.loads(seed_gold_path.read_text(encoding="utf-8"))["speakers"]
    speakers = analyze(case_study(seed_text_path), sentiment=False).speakers
    got = dict(zip(speakers["speaker"], speakers["n_quotes"], strict=True))
    assert got == {name: s["n_quotes"] for name, s in gold.items()}


def test_case_study_sources_match_the_gold(seed_text_path, seed_gold_path):
    gold = json.loads(seed_gold_path.read_text(encoding="utf-8"))["speakers"]
    speakers = analyze(case_study(seed_text_path), sentiment=False).speakers.set_index("speaker")
    columns = ["source_type", "origin", "gender", "is_anonymous", "entity"]
    got = {
        name: {c: (None if pd.isna(row[c]) else row[c]) for c in columns}
        for name, row in speakers[columns].astype(object).iterrows()
    }
    assert got == {name: {c: s[c] for c in columns} for name, s in gold.items()}


def test_package_re_exports_the_public_api():
    import analysis
    from analysis import aggregate, corpus, quotes

    assert set(analysis.__all__) == {*analysis._EXPORTS, *analysis._SUBMODULES}
    # every name resolves: a module moved without its export fails here, not in a notebook
    for name in analysis.__all__:
        assert getattr(analysis, name) is not None
    assert analysis.plots.plot_bars is importlib.import_module("analysis.plots").plot_bars
    assert analysis.analyze is analyze and analysis.Results is pipeline.Results
    assert analysis.load_corpus is corpus.load_corpus
    assert analysis.extract_quotes is quotes.extract_quotes
    assert analysis.sourcing_balance is aggregate.sourcing_balance
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = analysis.nothing


def test_article_results_survive_pickling(fake_stages):
    # the CLI's process pool and Dask ship ArticleResults between processes
    import pickle

    result = analyze_article({"article_id": "a1", "text": A1, "country": "GB"}, sentiment=False)
    assert pickle.loads(pickle.dumps(result)) == result


def test_quotes_under_the_confidence_floor_are_listed_but_not_counted():
    # one rule quote ('"...," said X': confidence 0.93 on dev) in one article
    table = pd.DataFrame(
        {"article_id": ["a1"], "text": ["“We are confident,” said Marie Richards."]}
    )
    counted = analyze(table, sentiment=False)
    assert counted.quotes["is_counted"].tolist() == [True]
    assert counted.quotes["method"].tolist() == ["inverted_cue"]
    assert counted.articles["n_quotes"].tolist() == [1]
    assert counted.speakers["speaker"].tolist() == ["Marie Richards"]
    strict = analyze(table, sentiment=False, min_confidence=0.99)
    assert strict.quotes["is_counted"].tolist() == [False]
    assert strict.quotes["speaker"].tolist() == ["Marie Richards"]  # still listed, profiled
    assert strict.articles["n_quotes"].tolist() == [0]
    assert strict.articles["n_speakers"].tolist() == [0]
    assert strict.speakers.empty


def test_every_wikinews_article_is_analysed(wikinews_path):
    records = [json.loads(line) for line in wikinews_path.read_text(encoding="utf-8").splitlines()]
    table = pd.DataFrame(
        {"article_id": [r["id"] for r in records], "text": [r["text"] for r in records]}
    )
    results = analyze(table, sentiment=False)
    assert results.problems.empty
    assert len(results.articles) == len(records) == 150
    quotes, speakers = results.quotes, results.speakers
    # counts agree across the three tables (quotes under the confidence floor count nowhere)
    counted = quotes[quotes["is_counted"]]
    assert results.articles["n_quotes"].sum() == len(counted)
    assert speakers["n_quotes"].sum() == counted["speaker"].notna().sum()
    assert results.articles["n_speakers"].sum() == len(speakers)
    assert not speakers.duplicated(["article_id", "speaker"]).any()
    # every quote's fragments lie in its article, in order, and rebuild its text
    texts = dict(zip(table["article_id"], table["text"], strict=True))
    for article_id, fragments, text in zip(
        quotes["article_id"], quotes["fragments"], quotes["text"], strict=True
    ):
        body = texts[article_id]
        assert all(0 <= s < e <= len(body) for s, e in fragments)
        assert " ".join(body[s:e] for s, e in fragments) == text


pieces = st.lists(
    st.sampled_from(
        [
            "“",
            "”",
            '"',
            "'",
            "‘",
            "’",
            "«",
            "»",
            " said ",
            "Ann Lee",
            " she ",
            ".",
            "\n\n",
            "Officials",
            " a ",
            "x",
        ]
    ),
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(pieces, st.sampled_from(["", "GB", "LY"]))
def test_analyze_never_fails_on_odd_text(parts, country):
    text = "".join(parts)
    results = analyze(
        pd.DataFrame({"article_id": ["odd"], "text": [text], "country": [country]}), sentiment=False
    )
    assert results.problems.empty
    assert len(results.articles) == 1
    for start, end in (f for fs in results.quotes["fragments"] for f in fs):
        assert 0 <= start <= end <= len(text)


def test_unresolved_pronoun_is_unattributed(fake_stages, monkeypatch):
    text = "“It works,” he said."
    monkeypatch.setattr(
        pipeline,
        "extract_quotes",
        lambda _: [quote(text, "It works,", "direct", "he", "he said", "said")],
    )
    results = analyze(pd.DataFrame({"article_id": ["p"], "text": [text]}), sentiment=False)
    assert values(results.quotes["speaker"]) == [None]
    assert results.quotes["source_type"].tolist() == ["unknown"]
    # the mention is still reported where the extractor found it
    assert (
        text[results.quotes["speaker_start"].iloc[0] : results.quotes["speaker_end"].iloc[0]]
        == "he"
    )
    assert results.speakers.empty and fake_stages == []


def test_shared_sentence_scores_equal_each_string_scored_alone(wikinews_path):
    # The pipeline splits and VADER-scores each paragraph and sentence once per article and
    # reuses them for the article, its journalist text, its quoted text and its quotes.
    # Each level must still get exactly what score_text gives that string on its own.
    import json
    import math

    from analysis.sentiment import score_text, split_quoted

    lines = wikinews_path.read_text(encoding="utf-8").splitlines()[:30]
    n_quotes = 0
    for number, line in enumerate(lines):
        record = json.loads(line)
        text = record["text"]
        result = analyze_article({"article_id": f"w{number}", "text": text}, sentiment=True)
        for quote in result.quotes:
            expected = score_text(quote["text"])
            assert [quote[c] for c in pipeline.QUOTE_SENTIMENT] == [
                getattr(expected, c) for c in pipeline.QUOTE_SENTIMENT
            ]
        n_quotes += len(result.quotes)
        # the journalist / quoted split takes the counted quotes (confidence floor)
        fragments = [
            f for quote in result.quotes if quote["is_counted"] for f in quote["fragments"]
        ]
        own, said = split_quoted(text, fragments)
        for prefix, string in (("", text), ("journalist_", own), ("quoted_", said)):
            if prefix == "quoted_" and not fragments:
                assert math.isnan(result.article["quoted_vader_compound"])
                continue
            expected = score_text(string)
            assert [result.article[prefix + c] for c in pipeline.QUOTE_SENTIMENT] == [
                getattr(expected, c) for c in pipeline.QUOTE_SENTIMENT
            ], (number, prefix)
    assert n_quotes > 30  # the sample does exercise quotes (Wikinews quotes a lot)

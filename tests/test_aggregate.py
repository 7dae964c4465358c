"""Sourcing balance, top speakers and concentration, on hand-built tables.

The tables describe three invented articles (the same story as tests/test_pipeline.py):

- a0 (Herald, 2020-01-02): no quotes.
- a1 (Herald, 2020-01-15): Jane Roe (official, domestic, female) twice (5 and 3 words), a
  local resident (civilian, domestic, gender unknown, anonymous) once (4 words), and one
  unattributed quote (2 words).
- a2 (Daily, 2020-02-01): Acme Corp (business organisation, origin unknown) once (2 words),
  Tom Doe (expert, origin unknown, male) twice (6 and 5 words).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.aggregate import (
    BALANCE_COLUMNS,
    CATEGORIES,
    add_period,
    article_counts,
    balance_from_counts,
    count_column,
    rank_speakers,
    sourcing_balance,
    speaker_concentration,
    speaker_tally,
    top_speakers,
    wilson_interval,
)
from analysis.errors import AnalysisError
from analysis.pipeline import Results

QUOTE_ROWS = [
    # article, speaker, key, words, source_type, origin, gender, is_anonymous
    ("a1", "Jane Roe", 5, "official", "domestic", "female", False),
    ("a1", "Jane Roe", 3, "official", "domestic", "female", False),
    ("a1", "a local resident", 4, "civilian", "domestic", "unknown", True),
    ("a1", None, 2, "unknown", "unknown", None, None),
    ("a2", "Acme Corp", 2, "business", "unknown", None, False),
    ("a2", "Tom Doe", 6, "expert", "unknown", "male", False),
    ("a2", "Tom Doe", 5, "expert", "unknown", "male", False),
]
DIMS = ["source_type", "origin", "gender", "is_anonymous"]


def hand_results(extra_quotes=(), extra_speakers=()):
    quotes = pd.DataFrame(
        [*QUOTE_ROWS, *extra_quotes], columns=["article_id", "speaker", "n_words", *DIMS]
    )
    speakers = pd.DataFrame(
        [
            ("a1", "Jane Roe", "jane roe", 2, 8, "official", "domestic", "female", False),
            (
                "a1",
                "a local resident",
                "a local resident",
                1,
                4,
                "civilian",
                "domestic",
                "unknown",
                True,
            ),
            ("a2", "Tom Doe", "tom doe", 2, 11, "expert", "unknown", "male", False),
            ("a2", "Acme Corp", "acme corp", 1, 2, "business", "unknown", None, False),
            *extra_speakers,
        ],
        columns=["article_id", "speaker", "speaker_key", "n_quotes", "n_words", *DIMS],
    )
    articles = pd.DataFrame(
        {
            "article_id": ["a0", "a1", "a2"],
            "outlet": ["Herald", "Herald", "Daily"],
            "date": ["2020-01-02", "2020-01-15", "2020-02-01"],
        }
    )
    return Results(quotes=quotes, speakers=speakers, articles=articles)


def pick(table, **where):
    """Rows matching every column=value, as {category: (n, total)}."""
    rows = table
    for column, value in where.items():
        rows = rows.loc[rows[column] == value]
    return {c: (n, t) for c, n, t in zip(rows["category"], rows["n"], rows["total"], strict=True)}


@pytest.fixture(scope="module")
def overall():
    return sourcing_balance(hand_results(), n_boot=400)


@pytest.mark.parametrize(
    ("dimension", "measure", "expected"),
    [
        # 7 quotes: official 2 (Roe), expert 2 (Doe), civilian 1, business 1, unknown 1 (unattributed)
        (
            "source_type",
            "quotes",
            {
                "official": 2,
                "military": 0,
                "expert": 2,
                "civilian": 1,
                "business": 1,
                "other": 0,
                "unknown": 1,
            },
        ),
        # 27 words: official 5+3, expert 6+5, civilian 4, business 2, unattributed 2
        (
            "source_type",
            "words",
            {
                "official": 8,
                "military": 0,
                "expert": 11,
                "civilian": 4,
                "business": 2,
                "other": 0,
                "unknown": 2,
            },
        ),
        # 4 speakers, one of each of four types; unattributed quotes have no speaker
        (
            "source_type",
            "speakers",
            {
                "official": 1,
                "military": 0,
                "expert": 1,
                "civilian": 1,
                "business": 1,
                "other": 0,
                "unknown": 0,
            },
        ),
        # domestic: Roe x2 + resident; everything in a2 and the unattributed quote unknown
        ("origin", "quotes", {"domestic": 3, "foreign": 0, "unknown": 4}),
        # persons only: Roe 2 female, Doe 2 male, resident 1 unknown (Acme, unattributed out)
        ("gender", "quotes", {"female": 2, "male": 2, "unknown": 1}),
        ("gender", "words", {"female": 8, "male": 11, "unknown": 4}),
        ("gender", "speakers", {"female": 1, "male": 1, "unknown": 1}),
        ("is_anonymous", "quotes", {"anonymous": 1, "named": 5, "unattributed": 1}),
        ("is_anonymous", "speakers", {"anonymous": 1, "named": 3, "unattributed": 0}),
    ],
    ids=[
        "type-quotes",
        "type-words",
        "type-speakers",
        "origin-quotes",
        "gender-quotes-persons-only",
        "gender-words",
        "gender-speakers",
        "anonymity-quotes",
        "anonymity-speakers",
    ],
)
def test_overall_counts_by_hand(overall, dimension, measure, expected):
    got = pick(overall, dimension=dimension, measure=measure)
    total = sum(expected.values())
    assert got == {c: (n, total) for c, n in expected.items()}
    rows = overall.loc[(overall["dimension"] == dimension) & (overall["measure"] == measure)]
    assert rows["share"].tolist() == pytest.approx([n / total for n in expected.values()])


def test_columns_and_row_order(overall):
    assert list(overall.columns) == BALANCE_COLUMNS
    # 4 dimensions x 3 measures x their categories: (7 + 3 + 3 + 3) x 3 = 48 rows
    assert len(overall) == 48
    first = overall.iloc[:8][["dimension", "measure", "category"]].to_dict("records")
    assert [r["category"] for r in first[:7]] == list(CATEGORIES["source_type"])
    assert {r["measure"] for r in first[:7]} == {"quotes"}
    assert first[7] == {"dimension": "source_type", "measure": "words", "category": "official"}


def test_overall_bootstrap_interval_by_hand(overall):
    # Official share of quotes: a resample without a1 but with a2 gives 0 (p = (2/3)^3 - (1/3)^3
    # = 7/27 of all resamples, over 2.5% of the valid ones); one without a2 but with a1 gives
    # 2/4 (also 7/27); any mix lies between. So the 95% interval is exactly [0, 0.5].
    row = overall.loc[
        (overall["dimension"] == "source_type")
        & (overall["measure"] == "quotes")
        & (overall["category"] == "official")
    ].iloc[0]
    assert row["share"] == pytest.approx(2 / 7)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((0.0, 0.5))


def test_grouped_by_outlet_by_hand():
    table = sourcing_balance(
        hand_results(), by="outlet", dimensions=["source_type"], measures=["quotes"]
    )
    assert list(table.columns) == ["outlet", *BALANCE_COLUMNS]
    assert table["outlet"].unique().tolist() == ["Daily", "Herald"]  # sorted
    herald = pick(table, outlet="Herald")
    # Herald = a0 (nothing) + a1: official 2, civilian 1, unknown 1 of 4
    assert herald == {
        "official": (2, 4),
        "military": (0, 4),
        "expert": (0, 4),
        "civilian": (1, 4),
        "business": (0, 4),
        "other": (0, 4),
        "unknown": (1, 4),
    }
    # Every resample of Herald's articles that has quotes contains a1 only: zero-width interval.
    official = table.loc[(table["outlet"] == "Herald") & (table["category"] == "official")].iloc[0]
    assert (official["ci_low"], official["share"], official["ci_high"]) == pytest.approx(
        (0.5, 0.5, 0.5)
    )
    # Daily has one article: zero-width intervals at its shares (expert 2 of 3)
    expert = table.loc[(table["outlet"] == "Daily") & (table["category"] == "expert")].iloc[0]
    assert (expert["ci_low"], expert["share"], expert["ci_high"]) == pytest.approx((2 / 3,) * 3)


@pytest.mark.parametrize(
    ("period", "labels"),
    [("M", ["2020-01", "2020-02"]), ("Y", ["2020"]), ("Q", ["2020Q1"])],
    ids=["month-splits-a2-off", "year-one-group", "quarter-one-group"],
)
def test_grouped_by_period(period, labels):
    table = sourcing_balance(
        hand_results(), period=period, dimensions=["origin"], measures=["quotes"], n_boot=50
    )
    assert table["period"].unique().tolist() == labels
    if period == "M":
        # January = a0 + a1 (3 domestic, 1 unknown); February = a2 (3 unknown)
        assert pick(table, period="2020-01") == {
            "domestic": (3, 4),
            "foreign": (0, 4),
            "unknown": (1, 4),
        }
        assert pick(table, period="2020-02") == {
            "domestic": (0, 3),
            "foreign": (0, 3),
            "unknown": (3, 3),
        }


def test_missing_dates_get_an_empty_period():
    articles = pd.DataFrame({"date": ["2021-03-04", "", None, " "]})
    assert add_period(articles, "M")["period"].tolist() == ["2021-03", "", "", ""]


def test_a_bad_date_stops_the_balance_by_period_and_names_its_article():
    # month 13 is no date: it is not folded silently into the undated group ""
    results = hand_results()
    articles = results.articles.assign(date=["2020-01-02", "2020-01-15", "2020-13-01"])
    with pytest.raises(AnalysisError, match=r"article 'a2': date is '2020-13-01', not YYYY-MM-DD"):
        sourcing_balance(Results(results.quotes, results.speakers, articles), period="M")


def many_articles(n_articles=40):
    """Even articles quote three officials, odd ones three residents: sources cluster."""
    rows = [
        (f"b{i:02d}", "x", 3, "official" if i % 2 == 0 else "civilian", "unknown", None, False)
        for i in range(n_articles)
        for _ in range(3)
    ]
    quotes = pd.DataFrame(rows, columns=["article_id", "speaker", "n_words", *DIMS])
    articles = pd.DataFrame({"article_id": [f"b{i:02d}" for i in range(n_articles)]})
    return Results(quotes, quotes.drop(columns="n_words"), articles)


def test_same_seed_same_intervals_other_seed_other_intervals():
    a = sourcing_balance(many_articles(), dimensions=["source_type"], n_boot=200, seed=1)
    b = sourcing_balance(many_articles(), dimensions=["source_type"], n_boot=200, seed=1)
    pd.testing.assert_frame_equal(a, b)
    c = sourcing_balance(many_articles(), dimensions=["source_type"], n_boot=200, seed=2)
    official = (a["category"] == "official") & (a["measure"] == "quotes")
    assert a.loc[official, "share"].iloc[0] == pytest.approx(60 / 120)  # 20 articles x 3 of 40 x 3
    assert a.loc[official, ["ci_low", "ci_high"]].to_numpy().tolist() != (
        c.loc[official, ["ci_low", "ci_high"]].to_numpy().tolist()
    )


def test_cluster_bootstrap_is_wider_than_wilson_when_articles_cluster():
    # Officials come in clumps of three per article, so the article-level interval must be
    # wider than Wilson's, which treats the 120 quotes as independent (roughly sqrt(3) wider).
    boot = sourcing_balance(many_articles(), dimensions=["source_type"], measures=["quotes"])
    wilson = sourcing_balance(
        many_articles(), dimensions=["source_type"], measures=["quotes"], ci="wilson"
    )
    width = lambda t: (t["ci_high"] - t["ci_low"]).iloc[0]  # noqa: E731 (official is row 0)
    assert width(boot) > width(wilson)
    assert boot["ci_low"].iloc[0] < 0.5 < boot["ci_high"].iloc[0]


def test_group_without_quotes_has_nan_shares_and_zero_counts():
    results = hand_results()
    results.articles.loc[0, "outlet"] = "Quiet"  # a0 alone, no quotes
    table = sourcing_balance(results, by="outlet", dimensions=["origin"], measures=["quotes"])
    quiet = table.loc[table["outlet"] == "Quiet"]
    assert quiet["n"].tolist() == [0, 0, 0]
    assert quiet["total"].tolist() == [0, 0, 0]
    assert quiet[["share", "ci_low", "ci_high"]].isna().all().all()


@pytest.mark.parametrize(
    ("n", "total", "expected"),
    [(5, 10, (0.2366, 0.7634)), (0, 10, (0.0, 0.2775)), (10, 10, (0.7225, 1.0))],
    ids=[
        "half-of-ten",
        "none-of-ten",
        "all-of-ten",
    ],  # textbook values (Wilson 1927; Newcombe 1998)
)
def test_wilson_interval_textbook_values(n, total, expected):
    low, high = wilson_interval(np.array([n]), np.array([total]))
    assert (low[0], high[0]) == pytest.approx(expected, abs=1e-4)


def test_wilson_option():
    table = sourcing_balance(hand_results(), ci="wilson", dimensions=["is_anonymous"])
    named = table.loc[(table["category"] == "named") & (table["measure"] == "quotes")].iloc[0]
    low, high = wilson_interval(np.array([5]), np.array([7]))
    assert (named["ci_low"], named["ci_high"]) == pytest.approx((low[0], high[0]))
    # not defined for words
    assert table.loc[table["measure"] == "words", ["ci_low", "ci_high"]].isna().all().all()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"dimensions": ["tone"]}, r"dimension\(s\) \['tone'\]"),
        ({"measures": ["letters"]}, r"measure\(s\) \['letters'\]"),
        ({"ci": "normal"}, r"ci 'normal'"),
        ({"period": "fortnight"}, r"period 'fortnight': expected one of"),
        ({"by": "region"}, r"articles table: missing column\(s\) \['region'\]"),
    ],
    ids=["dimension", "measure", "ci", "period", "group-column"],
)
def test_bad_options_name_the_problem(options, message):
    with pytest.raises(AnalysisError, match=message):
        sourcing_balance(hand_results(), **options)


def test_empty_results_keep_the_columns():
    empty = Results(
        quotes=pd.DataFrame(columns=["article_id", "n_words", *DIMS]),
        speakers=pd.DataFrame(columns=["article_id", *DIMS]),
        articles=pd.DataFrame({"article_id": [], "outlet": []}),
    )
    overall = sourcing_balance(empty)
    assert list(overall.columns) == BALANCE_COLUMNS
    assert (overall["total"] == 0).all() and overall["share"].isna().all()
    grouped = sourcing_balance(empty, by="outlet")
    assert list(grouped.columns) == ["outlet", *BALANCE_COLUMNS] and grouped.empty


# Property: within every (group, dimension, measure) with a total, shares sum to 1.
quote_rows = st.lists(
    st.tuples(
        st.sampled_from(["a0", "a1", "a2", "a3"]),
        st.integers(0, 30),
        st.sampled_from(CATEGORIES["source_type"]),
        st.sampled_from(CATEGORIES["origin"]),
        st.sampled_from([*CATEGORIES["gender"], None]),
        st.sampled_from([True, False, None]),
    ),
    max_size=25,
)


@settings(max_examples=40, deadline=None)
@given(quote_rows)
def test_shares_sum_to_one_in_every_group(rows):
    quotes = pd.DataFrame(rows, columns=["article_id", "n_words", *DIMS])
    speakers = quotes.loc[quotes["is_anonymous"].notna()].assign(
        is_anonymous=lambda d: d["is_anonymous"].astype(bool)
    )
    articles = pd.DataFrame(
        {"article_id": ["a0", "a1", "a2", "a3"], "outlet": ["x", "x", "y", "z"]}
    )
    table = sourcing_balance(Results(quotes, speakers, articles), by="outlet", n_boot=30)
    assert len(table) == 3 * 48
    sums = table.groupby(["outlet", "dimension", "measure"])["share"].sum(min_count=1)
    totals = table.groupby(["outlet", "dimension", "measure"])["total"].first()
    assert np.allclose(sums[totals > 0], 1.0)
    assert sums[totals == 0].isna().all()
    assert (table["n"] <= table["total"]).all()
    inside = table.dropna(subset=["ci_low"])
    assert (
        (inside["ci_low"] >= 0) & (inside["ci_high"] <= 1) & (inside["ci_low"] <= inside["ci_high"])
    ).all()


# --- top speakers and concentration ------------------------------------------------------


def with_roe_in_a2():
    # Jane Roe is also quoted once (3 words) in a2: across articles she is one speaker.
    return hand_results(
        extra_quotes=[("a2", "Jane Roe", 3, "official", "foreign", "female", False)],
        extra_speakers=[
            ("a2", "Jane Roe", "jane roe", 1, 3, "official", "foreign", "female", False)
        ],
    )


def test_top_speakers_by_hand():
    table = top_speakers(with_roe_in_a2())
    # 8 quotes in all. Roe: 2 articles, 2+1 quotes, 8+3 words; Doe: 1, 2, 11; Acme: 1, 1, 2.
    # The anonymous resident is left out.
    assert table[["speaker", "n_articles", "n_quotes", "n_words"]].to_dict("records") == [
        {"speaker": "Jane Roe", "n_articles": 2, "n_quotes": 3, "n_words": 11},
        {"speaker": "Tom Doe", "n_articles": 1, "n_quotes": 2, "n_words": 11},
        {"speaker": "Acme Corp", "n_articles": 1, "n_quotes": 1, "n_words": 2},
    ]
    assert table["share"].tolist() == pytest.approx([3 / 8, 2 / 8, 1 / 8])
    assert top_speakers(with_roe_in_a2(), n=1)["speaker"].tolist() == ["Jane Roe"]
    with_anonymous = top_speakers(with_roe_in_a2(), include_anonymous=True)
    assert "a local resident" in set(with_anonymous["speaker"])


def test_top_speakers_by_words_breaks_ties_by_quotes():
    # Roe and Doe both have 11 words; Roe has more quotes (3 vs 2) so comes first.
    assert top_speakers(with_roe_in_a2(), by="n_words")["speaker"].tolist()[:2] == [
        "Jane Roe",
        "Tom Doe",
    ]


def test_speaker_concentration_by_hand():
    table = speaker_concentration(with_roe_in_a2(), k=(1, 2, 10))
    # 3 named speakers hold 3, 2, 1 of 8 quotes
    assert table.to_dict("records") == [
        {"k": 1, "n_speakers": 3, "n_quotes": 3, "total": 8, "share": pytest.approx(3 / 8)},
        {"k": 2, "n_speakers": 3, "n_quotes": 5, "total": 8, "share": pytest.approx(5 / 8)},
        {"k": 10, "n_speakers": 3, "n_quotes": 6, "total": 8, "share": pytest.approx(6 / 8)},
    ]


def chunk_of(results, ids):
    """The rows of ``results`` that belong to the articles ``ids`` (a chunk of the corpus)."""
    return Results(
        quotes=results.quotes.loc[results.quotes["article_id"].isin(ids)],
        speakers=results.speakers.loc[results.speakers["article_id"].isin(ids)],
        articles=results.articles.loc[results.articles["article_id"].isin(ids)],
    )


def test_article_counts_by_hand():
    counts = article_counts(hand_results()).set_index("article_id")
    assert counts.index.tolist() == ["a0", "a1", "a2"]  # every article, a0 with zeros
    assert (counts.loc["a0"] == 0).all()
    # a1: Roe's 2 official quotes (5+3 words), the resident's civilian quote, 1 unattributed
    assert counts.loc["a1", count_column("source_type", "quotes", "official")] == 2
    assert counts.loc["a1", count_column("source_type", "words", "official")] == 8
    assert counts.loc["a1", count_column("source_type", "quotes", "unknown")] == 1
    assert counts.loc["a1", count_column("is_anonymous", "quotes", "unattributed")] == 1
    # a2: Doe (male person) twice; Acme is an organisation (no gender), left out of gender
    assert counts.loc["a2", count_column("gender", "quotes", "male")] == 2
    assert counts.loc["a2", count_column("gender", "speakers", "male")] == 1
    assert (
        counts.loc["a2", [count_column("gender", "quotes", g) for g in CATEGORIES["gender"]]].sum()
        == 2
    )
    # 4 dimensions x 3 measures, each with its categories
    assert counts.shape[1] == 3 * sum(len(c) for c in CATEGORIES.values())


@pytest.mark.parametrize(
    "options",
    [{}, {"by": "outlet"}, {"period": "M"}, {"by": "outlet", "ci": "wilson"}],
    ids=["overall", "by-outlet", "by-month", "wilson"],
)
def test_balance_from_chunk_counts_is_the_balance_of_the_corpus(options):
    # counts of two chunks, stacked in the "wrong" order, give the very same table
    results = hand_results()
    counts = pd.concat(
        [article_counts(chunk_of(results, ["a2"])), article_counts(chunk_of(results, ["a0", "a1"]))]
    )
    expected = sourcing_balance(results, n_boot=300, **options)
    got = balance_from_counts(results.articles, counts, n_boot=300, **options)
    pd.testing.assert_frame_equal(got, expected)
    assert got.to_csv() == expected.to_csv()
    # the runner's form: a float32 matrix whose rows are the articles, in order
    matrix = (
        counts.set_index("article_id")
        .loc[results.articles["article_id"]]
        .to_numpy(dtype=np.float32)
    )
    from_matrix = balance_from_counts(results.articles, matrix, n_boot=300, **options)
    assert from_matrix.to_csv() == expected.to_csv()


def test_balance_from_counts_names_a_bad_matrix():
    with pytest.raises(AnalysisError, match=r"counts: expected 3 rows .* 48 columns"):
        balance_from_counts(hand_results().articles, np.zeros((2, 48)))


def test_speaker_tallies_of_chunks_add_up_to_top_speakers():
    results = with_roe_in_a2()
    named = results.speakers.loc[~results.speakers["is_anonymous"]]
    tallies = pd.concat(
        [speaker_tally(named.loc[named["article_id"] == a]) for a in ("a2", "a1", "a0")]
    )
    got = rank_speakers(tallies, total=len(results.quotes), n=0)
    pd.testing.assert_frame_equal(got, top_speakers(results, n=0))


def test_speaker_tally_counts_an_article_once_per_key():
    # one article names the same person twice under two spellings: one article, 3 quotes,
    # and the spelling used in more rows wins
    speakers = pd.DataFrame(
        [
            ("a1", "Jane Roe", "jane roe", 2, 8),
            ("a1", "J. Roe", "jane roe", 1, 3),
            ("a2", "Jane Roe", "jane roe", 1, 4),
        ],
        columns=["article_id", "speaker", "speaker_key", "n_quotes", "n_words"],
    )
    top = rank_speakers(speaker_tally(speakers), total=4)
    assert top[["speaker", "n_articles", "n_quotes", "n_words"]].to_dict("records") == [
        {"speaker": "Jane Roe", "n_articles": 2, "n_quotes": 4, "n_words": 15}
    ]


def test_top_speakers_count_by_speaker_id_and_keep_groups_apart():
    # "President Trump" (a1) and "Trump" (a2, twice) are one speaker_id; "police" in a1 and
    # a2 keep per-article ids, so they never pool; without speaker_id, speaker_key rules
    speakers = pd.DataFrame(
        [
            ("a1", "President Trump", "trump", "donald trump", 1, 5, False),
            ("a1", "police", "police", "a1/police", 2, 9, False),
            ("a2", "Trump", "trump", "donald trump", 2, 6, False),
            ("a2", "police", "police", "a2/police", 1, 3, False),
            ("a3", "Donald Trump", "donald trump", "donald trump", 1, 2, False),
            ("a3", "a source", "a source", "a3/a source", 1, 1, True),
        ],
        columns=[
            "article_id",
            "speaker",
            "speaker_key",
            "speaker_id",
            "n_quotes",
            "n_words",
            "is_anonymous",
        ],
    )
    results = Results(
        quotes=pd.DataFrame({"article_id": ["a1"] * 10}),
        speakers=speakers,
        articles=pd.DataFrame({"article_id": ["a1", "a2", "a3"]}),
    )
    top = top_speakers(results, n=0)
    assert top[["speaker_id", "n_articles", "n_quotes", "n_words"]].values.tolist() == [
        ["donald trump", 3, 4, 13],
        ["a1/police", 1, 2, 9],
        ["a2/police", 1, 1, 3],
    ]
    # the name shown is an alias used in most articles (all three once: first by name)
    assert top["speaker"].tolist() == ["Donald Trump", "police", "police"]
    assert speaker_concentration(results, k=(1,))["n_speakers"].tolist() == [3]
    with_anonymous = top_speakers(results, n=0, include_anonymous=True)
    assert with_anonymous["speaker_id"].tolist()[-1] == "a3/a source"
    # the same table without speaker_id: "trump" and "donald trump" stay two keys, and
    # "police" pools over a1 and a2 (what the per-article key did)
    by_key = top_speakers(
        Results(results.quotes, speakers.drop(columns="speaker_id"), results.articles), n=0
    )
    assert by_key[["speaker_id", "n_articles", "n_quotes"]].values.tolist() == [
        ["police", 2, 3],
        ["trump", 2, 3],
        ["donald trump", 1, 1],
    ]


def test_a_group_of_one_article_has_its_share_as_interval_and_one_row_per_cell():
    # issue 19: every article with an outlet of its own. One article cannot show sampling
    # variation, so each bootstrap interval is the share itself (as resampling it would give)
    from analysis.aggregate import CATEGORIES, DIMENSIONS, MEASURES, balance_from_counts

    width = sum(len(CATEGORIES[d]) for d in DIMENSIONS) * len(MEASURES)
    counts = np.arange(3 * width, dtype=np.float32).reshape(3, width) % 4
    articles = pd.DataFrame({"article_id": ["a", "b", "c"], "outlet": ["X", "Y", "Z"]})
    table = balance_from_counts(articles, counts, by="outlet")
    assert len(table) == 3 * width and table["outlet"].unique().tolist() == ["X", "Y", "Z"]
    valid = table["share"].notna()
    assert (table.loc[valid, "ci_low"] == table.loc[valid, "share"]).all()
    assert (table.loc[valid, "ci_high"] == table.loc[valid, "share"]).all()
    assert table.loc[~valid, ["ci_low", "ci_high"]].isna().all().all()

"""Sentiment at every level, against values worked out by hand from the lexicons.

TextBlob's Pattern lexicon (``textblob/en/en-sentiment.xml``) gives, for the words used here,
one averaged (polarity, subjectivity) each: terrible (-1.0, 1.0), happy (0.8, 1.0),
sad (-0.5, 1.0), confident (0.5, 1.0), able (0.5, ...), short (0.0, 0.3); ``very`` is a
modifier with intensity 1.3 and a negation multiplies the next word's polarity by -0.5.
A text's polarity is the mean over the lexicon words found. VADER's lexicon gives
terrible -2.1 and happy 2.7, and compound = s / sqrt(s**2 + 15) (Hutto & Gilbert 2014).
"""

import json
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textblob import TextBlob

from analysis.errors import AnalysisError
from analysis.segment import split_sentences
from analysis.sentiment import (
    SCORE_COLUMNS,
    ScoreCache,
    article_sentiment,
    correlations,
    group_sentiment,
    largest_disagreements,
    lexicon_agreement,
    name_mentions,
    paragraph_sentiment,
    part_sentiment,
    polarity_label,
    quote_sentiment,
    quote_speaker_tone,
    score_text,
    score_texts,
    sentence_sentiment,
    speaker_portrayal,
    speaker_portrayals,
    speaker_sentiment,
    split_quoted,
    tone_toward,
)


def vader_norm(s: float) -> float:
    return s / math.sqrt(s * s + 15)


@pytest.mark.parametrize(
    ("text", "polarity", "subjectivity"),
    [
        ("Terrible news.", -1.0, 1.0),
        ("A happy and sad day.", (0.8 - 0.5) / 2, 1.0),
        ("They were not happy.", 0.8 * -0.5, 1.0),
        ("Nothing here scores.", 0.0, 0.0),
        ("", 0.0, 0.0),
    ],
    ids=[
        "terrible-is-minus-one",
        "mean-of-happy-and-sad",
        "negation-halves-and-flips",
        "no-lexicon-word-is-zero",
        "empty-text",
    ],
)
def test_score_text_pattern_hand_checked(text, polarity, subjectivity):
    score = score_text(text)
    assert score.polarity == pytest.approx(polarity)
    assert score.subjectivity == pytest.approx(subjectivity)


@pytest.mark.parametrize(
    ("text", "compound"),
    [
        ("Terrible news.", vader_norm(-2.1)),
        ("A happy day.", vader_norm(2.7)),
        ("", 0.0),
    ],
    ids=["terrible-minus-2.1", "happy-2.7", "empty"],
)
def test_score_text_vader_hand_checked(text, compound):
    score = score_text(text)
    assert score.vader_compound == pytest.approx(compound, abs=1e-4)
    if text:
        assert score.vader_pos + score.vader_neu + score.vader_neg == pytest.approx(1, abs=0.002)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abdeghnoprstuy .,!'")), max_size=60))
def test_score_text_equals_textblob_sentiment(text):
    # same Pattern scorer as TextBlob(text).sentiment, only without building a blob
    expected = TextBlob(text).sentiment
    score = score_text(text)
    assert (score.polarity, score.subjectivity) == pytest.approx(
        (expected.polarity, expected.subjectivity)
    )


def test_score_text_rejects_non_text():
    with pytest.raises(AnalysisError, match=r"expected a str, got int"):
        score_text(42)


def test_score_texts_keeps_order_and_marks_missing_text():
    table = score_texts(["Terrible news.", None, "A happy day.", "Terrible news."])
    assert list(table.columns) == SCORE_COLUMNS
    assert table["polarity"].tolist()[0] == pytest.approx(-1.0)
    assert math.isnan(table.at[1, "polarity"])  # missing text: missing score, not neutral
    assert table["polarity"].tolist()[2:] == pytest.approx([0.8, -1.0])


def test_score_texts_names_the_bad_position():
    with pytest.raises(AnalysisError, match=r"text 1: expected a str, got int"):
        score_texts(["fine", 3])


@pytest.mark.parametrize(
    ("score", "label"),
    [
        (-0.3, "negative"),
        (-0.05, "neutral"),
        (0.0, "neutral"),
        (0.05, "neutral"),
        (0.051, "positive"),
    ],
    ids=["below-band", "lower-edge-inclusive", "zero", "upper-edge-inclusive", "above-band"],
)
def test_polarity_label_band(score, label):
    assert polarity_label([score]).tolist() == [label]


def test_polarity_label_missing_score_is_missing_label():
    assert polarity_label([float("nan")]).isna().tolist() == [True]


ARTICLE = "The happy mayor said “terrible plans” again."


def one_quote(article: str, start: int, end: int, **extra) -> pd.DataFrame:
    row = {"article_id": "a1", "quote_id": "a1-q0", "start": start, "end": end}
    row["text"] = article[start:end]
    return pd.DataFrame([row | extra])


def test_quote_scored_on_its_content_without_quotation_marks():
    start = ARTICLE.index("terrible")
    quotes = one_quote(ARTICLE, start, start + len("terrible plans"))
    scored = quote_sentiment(quotes)
    assert scored.at[0, "text"] == "terrible plans"  # the marks stay outside the span
    assert scored.at[0, "polarity"] == pytest.approx(-1.0)  # only "terrible"
    assert scored.at[0, "vader_compound"] == pytest.approx(vader_norm(-2.1), abs=1e-4)
    assert list(scored.columns) == [*quotes.columns, *SCORE_COLUMNS]


def test_journalist_text_versus_quoted_text():
    start = ARTICLE.index("terrible")
    quotes = one_quote(ARTICLE, start, start + len("terrible plans"))
    articles = pd.DataFrame({"article_id": ["a1"], "outlet": ["X"], "text": [ARTICLE]})
    row = article_sentiment(articles, quotes).iloc[0]
    assert row["outlet"] == "X" and "text" not in row.index
    assert row["n_quotes"] == 1
    assert row["quoted_share"] == pytest.approx(len("terrible plans") / len(ARTICLE))
    assert row["polarity"] == pytest.approx((0.8 - 1.0) / 2)  # happy and terrible
    assert row["journalist_polarity"] == pytest.approx(0.8)  # happy only
    assert row["quoted_polarity"] == pytest.approx(-1.0)  # terrible only
    assert row["quoted_subjectivity"] == pytest.approx(1.0)


def test_split_quote_fragments_are_both_cut_out():
    text = "“Happy,” she said, “but sad.”"
    first = (1, len("“Happy"))  # "Happy" without the comma
    second = (text.index("but"), text.index("sad") + len("sad"))
    quotes = pd.DataFrame(
        {
            "article_id": ["a1"],
            "quote_id": ["q"],
            "start": [first[0]],
            "end": [second[1]],
            "kind": ["direct"],
            "text": ["Happy but sad"],
            "fragments": [(first, second)],
        }
    )
    articles = pd.DataFrame({"article_id": ["a1"], "text": [text]})
    row = article_sentiment(articles, quotes).iloc[0]
    # quoted: "Happy\nbut sad" -> mean of happy 0.8 and sad -0.5; "she said" scores nothing
    assert row["quoted_polarity"] == pytest.approx(0.15)
    assert row["journalist_polarity"] == 0.0
    assert row["quoted_share"] == pytest.approx((5 + 7) / len(text))


def test_split_quoted_merges_overlaps_and_keeps_order():
    own, said = split_quoted("0123456789", [(6, 8), (1, 3), (2, 4)])
    assert said == "123\n67"
    assert own == "0 45 89"


@settings(max_examples=80, deadline=None)
@given(
    st.text(st.characters(exclude_characters="\n"), max_size=40),
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=4),
)
def test_split_quoted_every_character_on_exactly_one_side(text, pairs):
    fragments = [(min(a, b, len(text)), min(max(a, b), len(text))) for a, b in pairs]
    inside = set().union(*(range(a, b) for a, b in fragments))
    own, said = split_quoted(text, fragments)
    # pieces of quoted text after merging overlaps (the text itself has no newline)
    merged = len(said.split("\n")) if fragments else 0
    # what is outside is kept in order, one space per cut; what is inside, one newline per join
    assert own.replace(" ", "") == "".join(
        c for i, c in enumerate(text) if i not in inside
    ).replace(" ", "")
    assert len(own) == len(text) - len(inside) + merged
    assert len(said) == len(inside) + max(merged - 1, 0)


def test_article_without_quotes_has_no_quoted_score():
    articles = pd.DataFrame({"article_id": ["a1", "a2"], "text": ["A sad day.", "Happy."]})
    quotes = pd.DataFrame(columns=["article_id", "quote_id", "start", "end", "text"])
    table = article_sentiment(articles, quotes)
    assert table["article_id"].tolist() == ["a1", "a2"]
    assert table["n_quotes"].tolist() == [0, 0]
    assert table["journalist_polarity"].tolist() == pytest.approx([-0.5, 0.8])
    assert table["quoted_polarity"].isna().all()


def test_article_sentiment_kinds_leaves_paraphrase_with_journalist():
    start = ARTICLE.index("terrible")
    quotes = one_quote(ARTICLE, start, start + len("terrible plans"), kind="indirect")
    articles = pd.DataFrame({"article_id": ["a1"], "text": [ARTICLE]})
    row = article_sentiment(articles, quotes, kinds=["direct"]).iloc[0]
    assert row["n_quotes"] == 0
    assert row["journalist_polarity"] == pytest.approx((0.8 - 1.0) / 2)


def test_fragment_outside_text_names_article_and_quote():
    quotes = one_quote("short", 2, 99)
    articles = pd.DataFrame({"article_id": ["a1"], "text": ["short"]})
    with pytest.raises(AnalysisError, match=r"'a1'.*'a1-q0'.*\(2, 99\) lies outside"):
        article_sentiment(articles, quotes)


def test_missing_column_is_named():
    with pytest.raises(AnalysisError, match=r"quotes table: missing column\(s\) \['text'\]"):
        quote_sentiment(pd.DataFrame({"article_id": ["a1"]}))


def test_paragraph_and_sentence_rows_score_exactly_their_span():
    text = "A happy start. Then terrible news.\n\nNothing here."
    articles = pd.DataFrame({"article_id": ["a1"], "text": [text]})
    paragraphs = paragraph_sentiment(articles)
    sentences = sentence_sentiment(articles)
    assert paragraphs["paragraph"].tolist() == [0, 1]
    assert paragraphs["polarity"].tolist() == pytest.approx([(0.8 - 1.0) / 2, 0.0])
    assert sentences["sentence"].tolist() == [0, 1, 2]
    assert sentences["polarity"].tolist() == pytest.approx([0.8, -1.0, 0.0])
    for table in (paragraphs, sentences):
        assert all(
            text[s:e] == t
            for s, e, t in zip(table["start"], table["end"], table["text"], strict=True)
        )


def test_empty_articles_table_keeps_columns():
    empty = pd.DataFrame(columns=["article_id", "text"])
    table = sentence_sentiment(empty)
    assert table.empty
    assert list(table.columns) == ["article_id", "sentence", "start", "end", "text", *SCORE_COLUMNS]


# ---- the case study ------------------------------------------------------------------------


@pytest.fixture
def case_study(seed_text_path, seed_gold_path):
    text = seed_text_path.read_text(encoding="utf-8")
    gold = json.loads(seed_gold_path.read_text(encoding="utf-8"))
    articles = pd.DataFrame({"article_id": ["seed"], "outlet": ["Libyan Gazette"], "text": [text]})
    quotes = pd.DataFrame(gold["quotes"]).assign(
        article_id="seed", quote_id=lambda d: [f"q{i}" for i in range(len(d))]
    )
    return text, articles, quotes


CONFIDENT = (0.5 * 1.3 + 0.0 + 0.5) / 3  # "very confident" 0.65, "short" 0.0, "able" 0.5


def test_case_study_quote_hand_checked(case_study):
    text, _, quotes = case_study
    scored = quote_sentiment(quotes)
    row = scored.loc[scored["text"].str.startswith("We are very confident")].iloc[0]
    assert text[row["start"] - 1] == "“"  # the mark is outside the scored span
    assert row["polarity"] == pytest.approx(CONFIDENT)


def test_case_study_paragraphs(case_study):
    text, articles, _ = case_study
    paragraphs = paragraph_sentiment(articles)
    # title, author line, 13 body paragraphs and 2 related-article headlines
    assert len(paragraphs) == 17
    confident = paragraphs.iloc[9]
    assert confident["text"].startswith("“We are very confident")
    assert confident["polarity"] == pytest.approx(CONFIDENT)  # quotation marks score nothing
    expected = [
        TextBlob(text[s:e]).sentiment.polarity for s, e in paragraphs[["start", "end"]].values
    ]
    assert paragraphs["polarity"].tolist() == pytest.approx(expected)


def test_case_study_journalist_plus_quoted_covers_the_article(case_study):
    text, articles, quotes = case_study
    row = article_sentiment(articles, quotes).iloc[0]
    assert row["n_quotes"] == len(quotes)
    own, said = split_quoted(text, zip(quotes["start"], quotes["end"], strict=True))
    assert row["journalist_polarity"] == pytest.approx(TextBlob(own).sentiment.polarity)
    assert row["quoted_polarity"] == pytest.approx(TextBlob(said).sentiment.polarity)
    assert "We are very confident" not in own and "We are very confident" in said
    sentences = sentence_sentiment(articles)
    assert (sentences["start"].diff().dropna() > 0).all()


# ---- aggregates ----------------------------------------------------------------------------


@pytest.fixture
def scored_quotes():
    return pd.DataFrame(
        {
            "article_id": ["a1", "a1", "a2", "a2", "a3"],
            "speaker": ["Ann", "Bob", "Ann", None, "Bob"],
            "source_type": pd.Categorical(
                ["official", "expert", "official", "civilian", "expert"],
                categories=["official", "expert", "civilian", "business"],
                ordered=True,
            ),
            "polarity": [0.5, 0.4, -0.1, 0.0, float("nan")],
            "subjectivity": [1.0, 0.2, 0.6, 0.0, 0.5],
            "vader_compound": [0.3, 0.1, -0.5, 0.0, 0.2],
        }
    )


def test_speaker_means_by_hand(scored_quotes):
    table = speaker_sentiment(scored_quotes)
    polarity = table.loc[table["measure"] == "polarity"].reset_index(drop=True)
    # Ann: 0.5 and -0.1 -> mean 0.2, std sqrt(2 * 0.3**2 / 1); Bob: 0.4 and a missing score
    assert polarity["speaker"].tolist()[:2] == ["Ann", "Bob"]
    assert pd.isna(polarity["speaker"].iloc[2])  # unattributed quotes last
    assert polarity["n"].tolist() == [2, 1, 1]
    assert polarity["mean"].tolist() == pytest.approx([0.2, 0.4, 0.0])
    assert polarity.at[0, "std"] == pytest.approx(math.sqrt(2 * 0.09))
    assert math.isnan(polarity.at[1, "std"])
    assert table["measure"].tolist()[:3] == ["polarity", "subjectivity", "vader_compound"]


def test_source_type_keeps_category_order_and_empty_groups(scored_quotes):
    table = group_sentiment(scored_quotes, "source_type", measures=["vader_compound"])
    assert table["source_type"].astype(str).tolist() == [
        "official",
        "expert",
        "civilian",
        "business",
    ]
    assert table["n"].tolist() == [2, 2, 1, 0]
    assert table["mean"].tolist()[:3] == pytest.approx([-0.1, 0.15, 0.0])


def test_outlet_and_month_joined_from_articles(scored_quotes):
    articles = pd.DataFrame(
        {
            "article_id": ["a1", "a2", "a3"],
            "outlet": ["Daily", "Daily", "Weekly"],
            "date": ["2024-01-05", "2024-02-10", ""],
        }
    )
    table = group_sentiment(
        scored_quotes, "outlet", period="M", articles=articles, measures=["subjectivity"]
    )
    assert table["outlet"].tolist() == ["Daily", "Daily", "Weekly"]
    # a3 has no date: its own period "" (analysis.schema.add_period, as in sourcing_balance)
    assert table["period"].tolist() == ["2024-01", "2024-02", ""]
    # Daily January: a1's two quotes 1.0 and 0.2; February: a2's 0.6 and 0.0
    assert table["mean"].tolist() == pytest.approx([0.6, 0.3, 0.5])
    assert table["n"].tolist() == [2, 2, 1]


def test_bad_date_names_article():
    table = pd.DataFrame({"article_id": ["x7"], "date": ["2024-13-01"], "polarity": [0.1]})
    with pytest.raises(AnalysisError, match=r"'x7'.*'2024-13-01', not YYYY-MM-DD"):
        group_sentiment(table, [], period="M", measures=["polarity"])


def test_group_by_missing_column_is_named(scored_quotes):
    with pytest.raises(AnalysisError, match=r"missing column\(s\) \['outlet'\]"):
        group_sentiment(scored_quotes, "outlet")


# ---- agreement between the two lexicons ----------------------------------------------------


def test_lexicon_agreement_by_hand():
    table = pd.DataFrame(
        {"polarity": [0.5, -0.5, 0.0, 0.2], "vader_compound": [0.6, 0.4, 0.01, -0.3]}
    )
    row = lexicon_agreement(table).iloc[0]
    # labels: pos/pos, neg/pos, neu/neu, pos/neg -> 2 of 4 agree, 2 of 4 opposite
    assert row["n"] == 4
    assert row["label_agreement"] == pytest.approx(0.5)
    assert row["opposite_share"] == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("x", "y", "pearson", "spearman"),
    [
        ([0.1, 0.2, 0.3], [0.2, 0.4, 0.6], 1.0, 1.0),
        ([0.1, 0.2, 0.3], [0.3, 0.2, 0.1], -1.0, -1.0),
        ([0.0, 0.1, 0.2], [0.0, 0.1, 0.8], 8 / math.sqrt(2 * 38), 1.0),
        ([0.1, 0.1, 0.3], [0.0, 0.2, 0.4], math.sqrt(3) / 2, math.sqrt(3) / 2),
    ],
    ids=["linear", "reversed", "monotone-not-linear", "tie-gets-mean-rank"],
)
def test_correlations_by_hand(x, y, pearson, spearman):
    # monotone: deviations (times 10) dx = (-1, 0, 1), dy = (-3, -2, 5)
    #   -> r = 8 / sqrt(2 * 38); both rank vectors are (1, 2, 3) -> rho = 1
    # tie: ranks (1.5, 1.5, 3) vs (1, 2, 3), deviations proportional to (-1, -1, 2) and
    #   (-1, 0, 1) -> 3 / sqrt(6 * 2) = sqrt(3)/2, and the raw values give the same
    n, r, rho = correlations(pd.Series(x), pd.Series(y))
    assert n == 3
    assert r == pytest.approx(pearson)
    assert rho == pytest.approx(spearman)


def test_correlation_of_a_constant_is_nan():
    n, r, rho = correlations(pd.Series([0.0, 0.0]), pd.Series([0.1, 0.2]))
    assert n == 2 and math.isnan(r) and math.isnan(rho)


def test_lexicon_agreement_by_group_and_largest_disagreements():
    table = pd.DataFrame(
        {
            "outlet": ["B", "A", "A", "B"],
            "text": ["w", "x", "y", "z"],
            "polarity": [0.5, -0.5, 0.0, 0.2],
            "vader_compound": [0.6, 0.4, 0.9, -0.3],
        }
    )
    per_outlet = lexicon_agreement(table, by="outlet")
    assert per_outlet["outlet"].tolist() == ["A", "B"]
    assert per_outlet["n"].tolist() == [2, 2]
    top = largest_disagreements(table, n=3)
    # |diff|: w 0.1, x 0.9, y 0.9, z 0.5 -> x and y tie (table order kept), then z
    assert top["text"].tolist() == ["x", "y", "z"]
    assert top["disagreement"].tolist() == pytest.approx([0.9, 0.9, 0.5])


def test_vader_of_several_sentences_is_the_mean_of_its_sentences():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from analysis.sentiment import vader_scores

    analyzer = SentimentIntensityAnalyzer()
    good, bad = "The rescue was a great success.", "The attack was horrible."
    # two sentences: VADER's authors' rule, the average of the sentences' compounds
    expected = (
        analyzer.polarity_scores(good)["compound"] + analyzer.polarity_scores(bad)["compound"]
    ) / 2
    assert vader_scores(f"{good} {bad}")[0] == pytest.approx(expected)
    # one sentence: exactly VADER's own score
    assert vader_scores(good)[0] == analyzer.polarity_scores(good)["compound"]


def test_vader_on_a_sentence_without_end_is_cut_into_pieces():
    from analysis.sentiment import VADER_MAX_CHARS, _pieces  # the cutting step alone

    run_on = "good news " * 1_000  # 10,000 characters, no sentence end
    pieces = _pieces(run_on)
    assert all(len(piece) <= VADER_MAX_CHARS for piece in pieces)
    assert "".join(pieces) == run_on  # nothing lost or repeated


# ---- the articles table's three parts side by side ------------------------------------------


def test_part_sentiment_one_row_per_article_and_part():
    articles = pd.DataFrame(
        {
            "article_id": ["b2", "a1"],
            "polarity": [0.2, -0.1],
            "journalist_polarity": [0.0, -0.3],
            "quoted_polarity": [0.6, 0.4],
            "vader_compound": [0.5, 0.1],
            "journalist_vader_compound": [0.25, 0.0],
            "quoted_vader_compound": [0.75, 0.5],
        }
    )
    table = part_sentiment(articles, measures=["polarity", "vader_compound"])
    # sorted by article then part in the order whole article < journalist < quoted
    assert table["article_id"].tolist() == ["a1"] * 3 + ["b2"] * 3
    assert table["part"].astype(str).tolist() == ["whole article", "journalist", "quoted"] * 2
    assert table["polarity"].tolist() == [-0.1, -0.3, 0.4, 0.2, 0.0, 0.6]
    assert table["vader_compound"].tolist() == [0.1, 0.0, 0.5, 0.5, 0.25, 0.75]
    by_part = group_sentiment(table, "part", measures=["polarity"])
    assert by_part["mean"].tolist() == pytest.approx([0.05, -0.15, 0.5])


def test_part_sentiment_of_an_unscored_table_names_the_missing_columns():
    articles = pd.DataFrame({"article_id": ["a1"], "n_quotes": [3]})
    with pytest.raises(AnalysisError, match=r"articles table: missing column\(s\) \['polarity'"):
        part_sentiment(articles)


def test_one_cache_for_an_article_and_its_parts_gives_each_text_its_own_scores():
    # the article, the journalist's text, the quoted text and the quote share chunks,
    # paragraphs and sentences; each must still score exactly as it does alone
    text = (
        "The mayor said the plan was not very good. “It is a terrible, terrible idea "
        "and the people will hate it!” said the mayor.\n\nThe council was happy with "
        "the vote, and the crowd cheered the result :)"
    )
    start = text.index("It is")
    end = text.index("hate it!") + len("hate it!")
    own, said = split_quoted(text, [(start, end)])
    cache = ScoreCache()
    texts = [text[start:end], text, own, said, text[start:end]]
    shared = [score_text(t, cache=cache) for t in texts]
    assert shared == [score_text(t) for t in texts]
    assert shared[0].polarity == TextBlob(texts[0]).sentiment.polarity
    assert shared[2].polarity != shared[3].polarity  # negative: the parts differ
    assert len(cache.chunks) < sum(len(t.split(" the ")) for t in texts)  # chunks reused


def _tone_tables():
    text = "Critics accused Smith of lying to voters. “We did nothing wrong,” said Smith. Jones agreed."
    articles = pd.DataFrame({"article_id": ["a"], "text": [text]})
    start = text.index("We did")
    end = text.index("wrong") + len("wrong")
    mention = text.index("Smith", end)
    quotes = pd.DataFrame(
        {
            "article_id": ["a", "a"],
            "quote_id": ["a:1", "a:2"],
            "start": [start, 0],
            "end": [end, 7],
            "speaker": ["Smith", ""],
            "speaker_start": pd.array([mention, None], dtype="Int64"),
            "speaker_end": pd.array([mention + 5, None], dtype="Int64"),
        }
    )
    return text, articles, quotes


def test_quote_speaker_tone_reads_the_attribution_sentence():
    _, articles, quotes = _tone_tables()
    scored = quote_speaker_tone(quotes, articles)
    sentence = "“We did nothing wrong,” said Smith."
    at = sentence.index("Smith")
    assert (scored.loc[0, "speaker_tone"], scored.loc[0, "speaker_tone_score"]) == tone_toward(
        sentence, at, at + 5
    )
    assert pd.isna(scored.loc[1, "speaker_tone"]) and math.isnan(
        scored.loc[1, "speaker_tone_score"]
    )
    assert list(scored.columns) == [*quotes.columns, "speaker_tone", "speaker_tone_score"]


def test_speaker_portrayal_leaves_out_the_speakers_own_sentences():
    text, articles, quotes = _tone_tables()
    table = speaker_portrayals(quotes, articles)
    assert table[["article_id", "speaker", "n_portrayals"]].values.tolist() == [["a", "Smith", 1]]
    # the one sentence left: "Critics accused Smith of lying to voters."
    assert table.loc[0, "portrayal_tone"] == "negative"
    first = text[: text.index(".") + 1]
    assert table.loc[0, "portrayal_score"] == tone_toward(first, 16, 21)[1]
    # a speaker mentioned only where they are quoted is not portrayed at all
    alone = speaker_portrayal("“No,” said Brown.", "Brown", [(1, 3)])
    assert (alone.n_mentions, alone.tone) == (0, None) and math.isnan(alone.score)


def test_name_mentions_full_name_and_surname_as_whole_words():
    text = "Marie Richards spoke. Richards left; Richardson stayed. RICHARDS no."
    assert name_mentions(text, "Marie Richards") == [(0, 14), (22, 30)]
    assert name_mentions(text, "the council") == []


def test_tone_shares_by_hand():
    from analysis.aggregate import tone_shares

    table = pd.DataFrame(
        {
            "source_type": pd.Categorical(
                ["official"] * 4 + ["expert"], categories=["official", "expert", "civilian"]
            ),
            "speaker_tone": ["negative", "neutral", "neutral", None, "positive"],
        }
    )
    shares = tone_shares(table).set_index(["source_type", "tone"])
    assert shares.loc[("official", "neutral"), ["n", "total"]].tolist() == [2, 3]
    assert shares.loc[("official", "neutral"), "share"] == pytest.approx(2 / 3)
    assert shares.loc[("official", "positive"), "n"] == 0
    assert shares.loc[("expert", "positive"), "share"] == 1.0
    assert shares.loc[("civilian", "neutral"), "total"] == 0
    assert math.isnan(shares.loc[("civilian", "neutral"), "ci_low"])
    low, high = shares.loc[("official", "neutral"), ["ci_low", "ci_high"]]
    assert low < 2 / 3 < high


def test_vader_analyzer_equals_vadersentiment():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from analysis.sentiment import vader_analyzer

    original = SentimentIntensityAnalyzer()
    texts = [
        "The minister was NOT happy, but kind of hopeful.",
        "  padded text with no emoji!!  ",
        "I love it 😀 so much",  # an emoji takes VADER's own path
        "No good deed goes unpunished :(",
        "",
        "\u00a0good\u2028news\t",
        "It was never so good, and never this bad; without doubt great.",
        "Not at all bad, isn't it? Hardly the best, nor the worst.",
        "So very GOOD!!! but the rest was not nice at least",
    ]
    for text in texts:
        assert vader_analyzer().polarity_scores(text) == original.polarity_scores(text), text
    assert vader_analyzer().polarity_scores("I love it 😀")["compound"] > 0  # not vacuous


def test_vader_analyzer_equals_vadersentiment_on_news_sentences(wikinews_path):
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from analysis.sentiment import vader_analyzer

    original = SentimentIntensityAnalyzer()
    texts = [json.loads(line)["text"] for line in wikinews_path.read_text("utf-8").splitlines()]
    sentences = [s.text for text in texts for s in split_sentences(text)]
    assert len(sentences) > 2_000
    for sentence in sentences:
        assert vader_analyzer().polarity_scores(sentence) == original.polarity_scores(sentence)

"""The validation command, on a tiny hand-labelled file and on the shared dev set.

Lexicon values used (see tests/test_sentiment.py): Pattern terrible -1.0, happy 0.8, a
negation multiplies by -0.5; VADER terrible -2.1, happy 2.7 (negated: times -0.74).
"""

import json
import math

import pytest

from analysis.errors import RecordFormatError
from analysis.validate_sentiment import (
    load_sentiment_records,
    macro_f1,
    main,
    validation_table,
)

RECORDS = [
    # TextBlob -1.0, VADER -0.48: both negative, right
    {"dataset": "A", "text": "Terrible news.", "gold_label": "negative", "gold_score": -0.8},
    # TextBlob 0.8, VADER 0.57: both positive, right
    {"dataset": "A", "text": "A happy day.", "gold_label": "positive", "gold_score": 0.6},
    # no lexicon word: 0 for both, neutral, right
    {
        "dataset": "A",
        "text": "The meeting is on Tuesday.",
        "gold_label": "neutral",
        "gold_score": 0.0,
    },
    # TextBlob -0.4, VADER -0.46: both negative, wrong
    {"dataset": "A", "text": "They were not happy.", "gold_label": "neutral", "gold_score": 0.1},
    {"dataset": "B", "text": "Terrible news.", "gold_label": "negative", "gold_score": -0.5},
]


@pytest.fixture
def small_file(tmp_path):
    path = tmp_path / "small.jsonl"
    lines = [
        json.dumps({"id": f"r{i}", "level": "sentence"} | record)
        for i, record in enumerate(RECORDS)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_validation_table_by_hand(small_file):
    table = validation_table(load_sentiment_records(small_file))
    assert table[["dataset", "scorer"]].values.tolist() == [
        ["A", "textblob"],
        ["A", "vader"],
        ["A", "always_neutral"],
        ["B", "textblob"],
        ["B", "vader"],
        ["B", "always_neutral"],
    ]
    textblob = table.iloc[0]
    assert textblob["n"] == 4
    assert textblob["accuracy"] == pytest.approx(3 / 4)
    # negative: 1 hit, 1 gold, 2 predicted -> 2/3; neutral: 1 hit, 2 gold, 1 predicted -> 2/3;
    # positive: 1 hit of 1 and 1 -> 1
    assert textblob["macro_f1"] == pytest.approx((2 / 3 + 2 / 3 + 1) / 3)
    assert textblob["polar_accuracy"] == pytest.approx(1.0)
    # ranks of gold (-0.8, 0.6, 0.0, 0.1) = (1, 4, 2, 3); of TextBlob (-1, 0.8, 0, -0.4) =
    # (1, 4, 3, 2): sum of squared differences 2 -> rho = 1 - 6 * 2 / (4 * 15)
    assert textblob["spearman"] == pytest.approx(0.8)
    assert table.iloc[1]["accuracy"] == pytest.approx(3 / 4)  # VADER errs on the same one
    baseline = table.iloc[2]
    assert baseline["accuracy"] == pytest.approx(2 / 4)
    assert baseline["macro_f1"] == pytest.approx((2 * 2 / (2 + 4)) / 3)
    assert baseline["polar_accuracy"] == 0.0
    assert math.isnan(baseline["spearman"])
    one = table.iloc[3]
    assert (one["n"], one["accuracy"]) == (1, 1.0)
    assert math.isnan(one["pearson"])  # one record: no correlation


@pytest.mark.parametrize(
    ("gold", "predicted", "expected"),
    [
        (["negative", "neutral", "positive"], ["negative", "neutral", "positive"], 1.0),
        (["negative", "negative"], ["positive", "positive"], 0.0),
        (["neutral", "neutral"], ["neutral", "positive"], (2 / 3 + 0 + 0) / 3),
    ],
    ids=["all-right", "all-wrong", "neutral-f1-2/3-others-0"],
)
def test_macro_f1(gold, predicted, expected):
    assert macro_f1(gold, predicted) == pytest.approx(expected)


def test_command_prints_table(small_file, capsys):
    assert main([str(small_file)]) == 0
    out = capsys.readouterr().out
    assert "5 records" in out
    assert "| A | sentence | textblob | 4 | 0.750 |" in out


def test_command_skips_absent_file(tmp_path, capsys):
    assert main([str(tmp_path / "missing.jsonl")]) == 0
    assert "not found; nothing to validate" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("{not json", r"bad\.jsonl:2: not valid JSON"),
        ('["a list"]', r"bad\.jsonl:2: expected a JSON object, found list"),
        (
            '{"id": "x", "dataset": "A", "level": "s", "gold_label": "neutral"}',
            r"bad\.jsonl:2: field 'text' should be a string",
        ),
        (
            '{"id": "x", "dataset": "A", "level": "s", "text": "t", "gold_label": "mixed"}',
            r"bad\.jsonl:2: gold_label is 'mixed'",
        ),
        (
            '{"id": "x", "dataset": "A", "level": "s", "text": "t", "gold_label": "neutral", "gold_score": "high"}',
            r"bad\.jsonl:2: gold_score should be a number",
        ),
    ],
    ids=["broken-json", "not-an-object", "missing-text", "unknown-label", "score-not-number"],
)
def test_bad_record_names_file_line_and_problem(tmp_path, line, problem):
    good = json.dumps({"id": "r0", "level": "s"} | RECORDS[0])
    path = tmp_path / "bad.jsonl"
    path.write_text(good + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(RecordFormatError, match=problem):
        load_sentiment_records(path)


def test_empty_file_and_command_error(tmp_path, capsys):
    path = tmp_path / "empty.jsonl"
    path.write_text("\n", encoding="utf-8")
    with pytest.raises(RecordFormatError, match=r"empty\.jsonl: holds no records"):
        load_sentiment_records(path)
    assert main([str(path)]) == 1
    assert "empty.jsonl: holds no records" in capsys.readouterr().err


def test_shared_dev_set(sentiment_dev_path):
    table = validation_table(load_sentiment_records(sentiment_dev_path)).set_index(
        ["level", "scorer"]
    )
    # SENTIMENT.md: 343 NewsMTSC targets (136 neutral), 251 SemEval headlines (157 neutral)
    assert table.loc[("target", "textblob"), "n"] == 343
    assert table.loc[("headline", "vader"), "n"] == 251
    assert table.loc[("target", "always_neutral"), "accuracy"] == pytest.approx(136 / 343)
    assert table.loc[("headline", "always_neutral"), "accuracy"] == pytest.approx(157 / 251)
    scored = table.drop(index="always_neutral", level="scorer")
    assert scored["accuracy"].between(0, 1).all()
    assert scored["spearman"].between(-1, 1).all()

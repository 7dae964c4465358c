"""The validation command, on a tiny hand-labelled file and on the shared dev set.

Lexicon values used (see tests/test_sentiment.py): Pattern terrible -1.0, happy 0.8, a
negation multiplies by -0.5; VADER terrible -2.1, happy 2.7 (negated: times -0.74).
"""

import json
import math

import pytest

from analysis.errors import AnalysisError, RecordFormatError
from analysis.evaluation.sentiment import (
    load_sentiment_records,
    macro_f1,
    main,
    validation_table,
)
from analysis.sentiment import validity_caption
from analysis.sentiment.validity import load_validity, validity_row

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
    # recall: negative 1/1, neutral 1/2 (the "not happy" one is called negative), positive 1/1
    assert textblob[["recall_negative", "recall_neutral", "recall_positive"]].tolist() == [
        1.0,
        0.5,
        1.0,
    ]
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


def test_tone_rows_only_where_a_target_is_named(tmp_path):
    path = tmp_path / "targets.jsonl"
    records = [
        {
            "text": "Critics accused Smith of lying.",
            "target_start": 16,
            "target_end": 21,
            "gold_label": "negative",
        },
        {
            "text": "Smith spoke on Tuesday.",
            "target_start": 0,
            "target_end": 5,
            "gold_label": "neutral",
        },
    ]
    lines = [
        json.dumps({"id": f"t{i}", "dataset": "T", "level": "target"} | r)
        for i, r in enumerate(records)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = validation_table(load_sentiment_records(path))
    assert table["scorer"].tolist() == ["textblob", "vader", "tone", "always_neutral"]
    assert table.set_index("scorer").loc["tone", "accuracy"] == 1.0


def test_target_outside_text_names_the_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    record = {
        "id": "x",
        "dataset": "T",
        "level": "target",
        "text": "Smith",
        "gold_label": "neutral",
        "target_start": 2,
        "target_end": 9,
    }
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with pytest.raises(RecordFormatError, match=r"bad\.jsonl:1: target \(2, 9\) lies outside"):
        load_sentiment_records(path)


def test_out_writes_figures_and_never_overwrites_unasked(small_file, tmp_path, capsys):
    out = tmp_path / "validity.json"
    assert main([str(small_file), "--out", str(out)]) == 0
    written = json.loads(out.read_text(encoding="utf-8"))
    first = written["rows"][0]
    assert (first["dataset"], first["scorer"], first["n"]) == ("A", "textblob", 4)
    assert first["accuracy"] == pytest.approx(0.75)
    assert main([str(small_file), "--out", str(out)]) == 0  # same figures: fine
    out.write_text("{}", encoding="utf-8")
    assert main([str(small_file), "--out", str(out)]) == 1
    assert "exists and differs" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "{}"


def test_captions_read_the_committed_figures():
    row = validity_row("tone", "target")
    caption = validity_caption("tone", "target")
    assert f"macro-F1 {row['macro_f1']:.2f}" in caption
    assert f"n = {row['n']}" in caption
    assert "TextBlob polarity: macro-F1" in validity_caption("textblob", "target")
    with pytest.raises(AnalysisError, match=r"no figures for scorer 'tone' at level 'headline'"):
        validity_caption("tone", "headline")


def test_committed_figures_are_what_the_command_measures(sentiment_dev_path, tmp_path):
    out = tmp_path / "validity.json"
    assert main([str(sentiment_dev_path), "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["rows"] == load_validity()["rows"]

"""Tests of analysis.evaluation.quotes: the scoring rules, worked by hand, and parity with score.py."""

from __future__ import annotations

import importlib.util
import json

import pytest

from analysis.errors import CorpusError, RecordFormatError
from analysis.evaluation.quotes import (
    check_case_study,
    evaluate_extractor,
    evaluate_file,
    load_gold,
    main,
    polnear_convention,
    quote_dicts,
    score,
)
from analysis.quotes import extract_quotes

TEXT = 'Ann Lee said "the vote is off" on Monday. Officials said prices rose.'
# offsets counted by hand: "the vote is off" 14..29, "prices rose" 57..68,
# "Ann Lee" 0..7, "Officials" 42..51
GOLD = [
    {
        "text": TEXT,
        "quotes": [
            {
                "start": 13,
                "end": 30,
                "speaker": "Ann Lee",
                "speaker_start": 0,
                "speaker_end": 7,
                "speaker_is_pronoun": False,
                "kind": "direct",
            },
            {
                "start": 57,
                "end": 68,
                "speaker": "Officials",
                "speaker_start": 42,
                "speaker_end": 51,
                "speaker_is_pronoun": False,
                "kind": "indirect",
            },
        ],
    }
]


def _fixed(preds):
    return lambda text: preds


def test_exact_predictions_score_one():
    preds = [
        {"start": 14, "end": 29, "speaker": "Lee", "speaker_start": None, "speaker_end": None},
        {"start": 57, "end": 68, "speaker": "x", "speaker_start": 42, "speaker_end": 45},
    ]
    figures = score(GOLD, _fixed(preds), 0.8)
    # quotation marks are ignored, so 14..29 equals the gold 13..30; the first speaker is
    # right by last word ("Lee"), the second by overlapping the gold mention
    assert (figures["tp"], figures["precision"], figures["recall"], figures["f1"]) == (2, 1, 1, 1)
    assert figures["speaker_acc"] == 1
    assert figures["recall_direct"] == figures["recall_indirect"] == 1
    assert figures["recall_mixed"] == 0.0  # no mixed gold


def test_partial_overlap_counts_at_loose_but_not_strict_threshold():
    # "the vote" = 14..22: 7 of the 12 non-space gold characters (0.58 of the longer)
    preds = [{"start": 14, "end": 22}]
    assert score(GOLD, _fixed(preds), 0.3)["tp"] == 1
    assert score(GOLD, _fixed(preds), 0.8)["tp"] == 0


def test_pronoun_gold_needs_the_pointer_and_extra_predictions_cost_precision():
    gold = json.loads(json.dumps(GOLD))
    gold[0]["quotes"][1].update(speaker="they", speaker_is_pronoun=True)
    preds = [
        {"start": 57, "end": 68, "speaker": "they", "speaker_start": 0, "speaker_end": 3},
        {"start": 0, "end": 3},
        {"start": 3, "end": 3},  # empty: dropped before scoring
    ]
    figures = score(gold, _fixed(preds), 0.3)
    # one match out of two counted predictions; the pronoun gold is not pointed at
    assert (figures["tp"], figures["pred"], figures["precision"]) == (1, 2, 0.5)
    assert figures["speaker_acc"] == 0.0


def test_quote_dicts_carry_fragments():
    quotes = extract_quotes("“We won,” he said, “and we will win again.”")
    (d,) = quote_dicts(quotes)
    assert d["fragments"] == [[1, 8], [20, 42]]


def test_bad_jsonl_line_names_file_and_line(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"text": "a", "quotes": []}\n{not json\n', encoding="utf-8")
    with pytest.raises(RecordFormatError, match=r"gold\.jsonl:2: not valid JSON"):
        load_gold(path)


def test_record_without_quotes_names_the_problem(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"text": "a"}\n', encoding="utf-8")
    with pytest.raises(RecordFormatError, match=r"gold\.jsonl:1: expected a 'quotes' list"):
        load_gold(path)


def test_missing_file_is_a_corpus_error(tmp_path):
    with pytest.raises(CorpusError, match=r"nope\.jsonl: cannot read"):
        load_gold(tmp_path / "nope.jsonl")


def test_command_prints_both_thresholds(tmp_path, capsys):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(GOLD[0]) + "\n", encoding="utf-8")
    assert main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "overlap 0.3: precision" in out and "overlap 0.8: precision" in out
    assert "speaker accuracy" in out and "recall direct" in out


def test_evaluate_file_scores_any_gold_file_by_path(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(GOLD[0]) + "\n", encoding="utf-8")
    # one exact prediction of the two gold quotes: precision 1, recall 1/2 at both thresholds
    preds = [{"start": 57, "end": 68, "speaker": "x", "speaker_start": 42, "speaker_end": 45}]
    loose, strict = evaluate_file(path, _fixed(preds))
    assert (loose["threshold"], strict["threshold"]) == (0.3, 0.8)
    assert (loose["precision"], loose["recall"], loose["speaker_acc"]) == (1.0, 0.5, 1.0)
    assert strict["tp"] == 1
    # the default extractor on the same file: "Officials said prices rose" is found
    (default, _) = evaluate_file(path)
    assert default["tp"] >= 1


def test_gold_option_and_method_choice(tmp_path, capsys):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(GOLD[0]) + "\n", encoding="utf-8")
    assert main(["--gold", str(path), "--method", "rules", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [f["threshold"] for f in lines] == [0.3, 0.8]
    assert lines[0]["gold"] == 2


def test_command_reports_a_bad_file(tmp_path, capsys):
    assert main([str(tmp_path / "missing.jsonl")]) == 2
    assert "missing.jsonl: cannot read" in capsys.readouterr().err


def _reference_scorer(path):
    spec = importlib.util.spec_from_file_location("reference_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_figures_identical_to_reference_scorer(dev_path):
    reference = _reference_scorer(dev_path.parent / "score.py")
    records = load_gold(dev_path)
    assert records == reference.load(str(dev_path))
    predictions = {r["text"]: quote_dicts(extract_quotes(r["text"])) for r in records}
    predict = predictions.__getitem__
    for threshold in (0.3, 0.8):
        ours = score(records, predict, threshold)
        theirs = reference.score(records, predict, threshold)
        assert ours.keys() == theirs.keys()
        ours.pop("chars_per_s"), theirs.pop("chars_per_s")  # timing differs run to run
        assert ours == theirs


def test_check_case_study_marks_found_and_speaker():
    text = "“We won,” said Ann Lee. Rain fell."
    gold = [
        # "We won," is 1..8 (counted by hand); the rain sentence is no quote
        {"start": 1, "end": 8, "text": "We won,", "speaker": "Ann Lee"},
        {"start": 24, "end": 33, "text": "Rain fell", "speaker": "nobody"},
    ]
    rows = check_case_study(text, gold)
    assert [(r["found"], r["speaker_ok"]) for r in rows] == [(True, True), (False, False)]


def test_case_study_all_nine_found_with_right_speaker(seed_text_path, seed_gold_path):
    gold = json.loads(seed_gold_path.read_text(encoding="utf-8"))["quotes"]
    rows = check_case_study(seed_text_path.read_text(encoding="utf-8"), gold)
    assert len(rows) == 9
    assert all(r["found"] and r["speaker_ok"] for r in rows), [
        r for r in rows if not r["speaker_ok"]
    ]


def test_seed_command_prints_the_tally(seed_text_path, capsys):
    assert main(["--seed", str(seed_text_path)]) == 0
    assert "9/9 gold quotes found, 9/9 with the right speaker" in capsys.readouterr().out


def test_seed_command_reports_missing_gold(tmp_path, capsys):
    (tmp_path / "a.txt").write_text("text", encoding="utf-8")
    assert main(["--seed", str(tmp_path / "a.txt")]) == 2
    assert "a.gold.json: cannot read" in capsys.readouterr().err


def test_polnear_convention_joins_a_continuation_in_the_same_paragraph():
    # "B." is a second quote (new sentence) for the workbook, a second fragment for PolNeAR;
    # the quote of the next paragraph keeps its own attribution
    text = "“A is so,” said Ann Lee, a coach. “B is so.”\n\n“C is so.”"
    quotes = extract_quotes(text)
    assert len(quotes) == 3
    joined = polnear_convention(text, quotes)
    assert [q.fragments for q in joined] == [((1, 9), (35, 43)), ((47, 55),)]
    assert [q.speaker for q in joined] == ["Ann Lee", "Ann Lee"]
    assert joined[0].text == "A is so, B is so."


def test_polnear_convention_keeps_quotes_with_their_own_cue():
    text = "“A is so,” said Ann Lee. “B is so,” said Bo Li."
    quotes = extract_quotes(text)
    assert polnear_convention(text, quotes) == quotes


def test_evaluate_extractor_scores_each_threshold_and_each_convention():
    # gold as PolNeAR annotates it: one attribution with two fragments, then "C" on its own
    text = "“A is so,” said Ann Lee, a coach. “B is so.”\n\n“C is so.”"
    gold = {
        "text": text,
        "quotes": [
            {
                "fragments": [[1, 9], [35, 43]],
                "speaker": "Ann Lee",
                "kind": "direct",
                "speaker_fragments": [[16, 23]],
            },
            {
                "start": 47,
                "end": 55,
                "speaker": "Ann Lee",
                "kind": "direct",
                "speaker_fragments": [[16, 23]],
            },
        ],
    }
    joined, strict = evaluate_extractor([gold])
    assert (joined["threshold"], strict["threshold"]) == (0.3, 0.8)
    # joined: two predictions, each matching its gold attribution exactly
    assert (joined["pred"], joined["tp"], strict["tp"]) == (2, 2, 2)
    (as_extracted,) = evaluate_extractor([gold], as_extracted=True, thresholds=[0.8])
    # as extracted, "A" and "B" are separate quotes: "A is so," covers 6 of the gold's 12
    # non-space characters (0.5, under 0.8), "B" likewise; only "C" matches, of 3 predictions
    assert (as_extracted["pred"], as_extracted["tp"]) == (3, 1)

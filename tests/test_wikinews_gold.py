"""The Wikinews attribution gold (tests/data/wikinews_attributions): offsets, labels, loader.

The gold file holds offsets and labels only; the texts are read by path from
../shared/corpus-candidates/articles.jsonl, so every test that needs them skips cleanly when
../shared is absent. The checks on the gold file alone (structure, committed strings) run
everywhere.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.errors import RecordFormatError
from analysis.evaluation.quotes import score
from analysis.evaluation.wikinews_gold import (
    attribution_kind,
    load_wikinews_gold,
    text_sha256,
)

GOLD_DIR = Path(__file__).parent / "data" / "wikinews_attributions"
GOLD = GOLD_DIR / "gold.jsonl"
SECOND_PASS = GOLD_DIR / "second_pass.jsonl"
QUOTE_KEYS = {
    "start",
    "end",
    "fragments",
    "kind",
    "speaker_start",
    "speaker_end",
    "cue_start",
    "cue_end",
}


def gold_lines(path: Path = GOLD) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def articles_path(wikinews_path) -> Path:
    """../shared/corpus-candidates/articles.jsonl (skips when ../shared is absent)."""
    return wikinews_path


@pytest.fixture(params=[GOLD, SECOND_PASS], ids=["gold", "second_pass"])
def gold_path(request) -> Path:
    """The gold and the second pass (intra-annotator agreement) obey the same checks."""
    return request.param


@pytest.fixture
def records(articles_path, gold_path) -> list[dict]:
    return load_wikinews_gold(gold_path, articles_path)


# --- the committed file alone -------------------------------------------------------------


def test_gold_has_at_least_30_articles_with_unique_ids():
    ids = [line["id"] for line in gold_lines()]
    assert len(ids) >= 30
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("wikinews-") for i in ids)


def test_second_pass_covers_eight_gold_articles():
    second = [line["id"] for line in gold_lines(SECOND_PASS)]
    assert len(second) == len(set(second)) == 8
    assert set(second) <= {line["id"] for line in gold_lines()}


@pytest.mark.parametrize("path", [GOLD, SECOND_PASS], ids=["gold", "second_pass"])
def test_gold_stores_offsets_and_labels_only_never_text(path):
    for line in gold_lines(path):
        assert set(line) == {"id", "annotator", "text_sha256", "quotes"}
        assert len(line["text_sha256"]) == 64
        for q in line["quotes"]:
            assert set(q) == QUOTE_KEYS
            values = [q["kind"], *(v for k, v in q.items() if k != "kind")]
            assert q["kind"] in {"direct", "mixed", "indirect"}
            # no strings apart from the kind label: integers, null, or lists of integer pairs
            assert not any(isinstance(v, str) for v in values[1:])


@pytest.mark.parametrize("path", [GOLD, SECOND_PASS], ids=["gold", "second_pass"])
def test_gold_fragments_are_ordered_and_span_start_to_end(path):
    for line in gold_lines(path):
        for q in line["quotes"]:
            frags = q["fragments"]
            assert frags[0][0] == q["start"] and frags[-1][1] == q["end"]
            assert all(s < e for s, e in frags)
            assert all(a[1] <= b[0] for a, b in itertools.pairwise(frags))


# --- joined with the texts (skipped without ../shared) --------------------------------------


def test_every_text_matches_its_sha256(records, articles_path, gold_path):
    texts = {
        json.loads(line)["id"]: json.loads(line)["text"]
        for line in articles_path.read_text(encoding="utf-8").splitlines()
    }
    for line in gold_lines(gold_path):
        assert text_sha256(texts[line["id"]]) == line["text_sha256"]
    assert len(records) == len(gold_lines(gold_path))


def test_spans_in_range_nonempty_and_trimmed(records):
    for rec in records:
        text = rec["text"]
        for q in rec["quotes"]:
            spans = [*(q.get("fragments") or [[q["start"], q["end"]]])]
            spans.append([q["cue_start"], q["cue_end"]])
            if q["speaker"] is not None:
                spans.append([q["speaker_start"], q["speaker_end"]])
            for s, e in spans:
                assert 0 <= s < e <= len(text), (rec["id"], s, e)
                piece = text[s:e]
                assert piece == piece.strip(), (rec["id"], s, e)


def test_roles_do_not_overlap_within_an_article(records):
    """Contents and cues never overlap anything; a source may be shared by attributions
    ("X announced A and said B", as PolNeAR's guidelines allow), but never overlaps a
    content or a cue."""
    for rec in records:
        claimed = []  # (start, end, role, index)
        for i, q in enumerate(rec["quotes"]):
            for s, e in q.get("fragments") or [[q["start"], q["end"]]]:
                claimed.append((s, e, "content", i))
            claimed.append((q["cue_start"], q["cue_end"], "cue", i))
            if q["speaker"] is not None:
                claimed.append((q["speaker_start"], q["speaker_end"], "source", i))
        for a in claimed:
            for b in claimed:
                if a is b or not (a[0] < b[1] and b[0] < a[1]):
                    continue
                assert a[2] == b[2] == "source" and a[3] != b[3], (rec["id"], a, b)


def test_kind_follows_the_readme_rule(records):
    for rec in records:
        for q in rec["quotes"]:
            frags = q.get("fragments") or [[q["start"], q["end"]]]
            assert q["kind"] == attribution_kind([rec["text"][s:e] for s, e in frags])


def test_records_have_dev_jsonl_fields_filled_from_the_text(records):
    rec = records[0]
    assert {"id", "source", "split", "title", "publisher", "date", "text", "quotes"} <= set(rec)
    for q in rec["quotes"]:
        assert q["text"] == rec["text"][q["start"] : q["end"]]
        assert q["cue"] == rec["text"][q["cue_start"] : q["cue_end"]]
        if q["speaker"] is not None:
            assert q["speaker"] == rec["text"][q["speaker_start"] : q["speaker_end"]]
        else:
            assert q["speaker_start"] is None and q["speaker_end"] is None


def test_records_pass_the_reference_verify_offsets(records, articles_path, tmp_path):
    verifier = articles_path.parents[1] / "eval" / "verify_offsets.py"
    if not verifier.is_file():
        pytest.skip(f"{verifier} not found")
    joined = tmp_path / "wikinews_gold_joined.jsonl"
    joined.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    run = subprocess.run(
        [sys.executable, str(verifier), str(joined)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    assert "ALL OFFSETS OK" in run.stdout


def test_gold_scores_itself_perfectly_and_nothing_scores_zero(records):
    """The scorer reads the records: gold as prediction scores 1.0, no prediction 0."""
    by_text = {r["text"]: r["quotes"] for r in records}
    perfect = score(records, lambda text: by_text[text], 0.8)
    assert perfect["precision"] == perfect["recall"] == perfect["speaker_acc"] == 1.0
    empty = score(records, lambda text: [], 0.3)
    assert empty["recall"] == 0.0 and empty["gold"] == sum(len(r["quotes"]) for r in records)


def test_changed_text_fails_with_file_and_id(articles_path, tmp_path):
    lines = articles_path.read_text(encoding="utf-8").splitlines()
    first_id = gold_lines()[0]["id"]
    changed = []
    for line in lines:
        article = json.loads(line)
        if article["id"] == first_id:
            article["text"] = article["text"].replace(" ", "  ", 1)
        changed.append(json.dumps(article))
    altered = tmp_path / "articles.jsonl"
    altered.write_text("\n".join(changed) + "\n", encoding="utf-8")
    with pytest.raises(RecordFormatError, match="has changed") as err:
        load_wikinews_gold(GOLD, altered)
    assert first_id in str(err.value) and "gold.jsonl:1" in str(err.value)


def test_missing_article_fails_with_its_id(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "wikinews-x", "text_sha256": "0", "quotes": []}) + "\n")
    articles = tmp_path / "articles.jsonl"
    articles.write_text(json.dumps({"id": "wikinews-y", "text": "Hi."}) + "\n")
    with pytest.raises(RecordFormatError, match="'wikinews-x' not found"):
        load_wikinews_gold(gold, articles)


# offsets counted by hand in 'Ann Lee said "the vote is off" on Monday.':
# "Ann Lee" 0..7, "said" 8..12, '"the vote is off"' 13..30
HAND_QUOTE = {
    "start": 13,
    "end": 30,
    "fragments": [[13, 30]],
    "kind": "direct",
    "speaker_start": 0,
    "speaker_end": 7,
    "cue_start": 8,
    "cue_end": 12,
}


def _one_article(tmp_path, quote: dict) -> tuple[Path, Path]:
    text = 'Ann Lee said "the vote is off" on Monday.'
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps({"id": "wikinews-t", "text_sha256": text_sha256(text), "quotes": [quote]}) + "\n"
    )
    articles = tmp_path / "articles.jsonl"
    articles.write_text(json.dumps({"id": "wikinews-t", "text": text}) + "\n")
    return gold, articles


def test_small_article_joined_by_hand(tmp_path):
    quote = dict(HAND_QUOTE)
    [rec] = load_wikinews_gold(*_one_article(tmp_path, quote))
    [q] = rec["quotes"]
    assert (q["text"], q["speaker"], q["cue"], q["kind"]) == (
        '"the vote is off"',
        "Ann Lee",
        "said",
        "direct",
    )
    assert "fragments" not in q and q["speaker_is_pronoun"] is False


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"end": 99, "fragments": [[13, 99]]}, "outside the text"),
        ({"kind": "indirect"}, "makes it 'direct'"),
        ({"cue_start": 12, "cue_end": 8}, "cue offsets"),
        ({"start": 14}, "do not span its fragments"),
    ],
)
def test_bad_offsets_or_labels_fail_clearly(tmp_path, change, message):
    gold, articles = _one_article(tmp_path, {**HAND_QUOTE, **change})
    with pytest.raises(RecordFormatError, match=message):
        load_wikinews_gold(gold, articles)


@pytest.mark.parametrize(
    ("fragments", "kind"),
    [
        (['"We will stay,"', '"It is ours."'], "direct"),
        (['"We will stay",'], "direct"),
        (['the plan is "dead"'], "mixed"),
        (["which", '"the steamiest book"'], "mixed"),
        (["prices rose"], "indirect"),
    ],
)
def test_attribution_kind(fragments, kind):
    assert attribution_kind(fragments) == kind

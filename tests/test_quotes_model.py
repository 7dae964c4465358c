"""Tests of the trained attribution tagger: labels, decoding, training, the shipped file."""

from __future__ import annotations

import hashlib
import re
from importlib import resources

import pytest

from analysis.quotes import extract_quotes, rules
from analysis.quotes import model as crf
from analysis.quotes.train import train

MODELS = resources.files("analysis.quotes") / "models"


def _line(text: str):
    (line,) = crf.article_items(text, [])
    return line


def test_split_quote_decodes_to_one_attribution_with_two_fragments():
    # '“A,” he said, “B.”': tokens “ A , ” he said , “ B . ” at offsets counted by hand;
    # the I-Q after the cue continues the attribution opened by B-Q
    text = "“A,” he said, “B.”"
    line = _line(text)
    tags = ["B-Q", "I-Q", "I-Q", "I-Q", "B-S", "B-C", "O", "I-Q", "I-Q", "I-Q", "I-Q"]
    (att,) = crf.decode(line.spans, tags, [1.0] * len(tags), line.sentences)
    assert att.fragments == ((0, 4), (14, 18))
    assert att.source == (5, 7)  # "he"
    assert att.cue == (8, 12)  # "said"


def test_each_sentence_keeps_its_own_source():
    # "Ann said A. Bob said B.": Bob stands right after A's sentence but belongs to B
    text = "Ann said A. Bob said B."
    line = _line(text)
    tags = ["B-S", "B-C", "B-Q", "O", "B-S", "B-C", "B-Q", "O"]
    first, second = crf.decode(line.spans, tags, [1.0] * len(tags), line.sentences)
    assert (first.fragments, first.source) == (((9, 10),), (0, 3))
    assert (second.fragments, second.source) == (((21, 22),), (12, 15))


def test_no_content_tag_no_attribution():
    line = _line("Ann said nothing.")
    assert crf.decode(line.spans, ["B-S", "B-C", "O", "O"], [1.0] * 4, line.sentences) == []


def test_gold_labels_mark_fragments_source_and_cue():
    text = "“A,” he said, “B.”"
    line = _line(text)
    gold = [
        {
            "start": 0,
            "end": 18,
            "fragments": [[0, 4], [14, 18]],
            "speaker_start": 5,
            "speaker_end": 7,
            "cue_start": 8,
            "cue_end": 12,
        }
    ]
    assert crf.gold_labels(line.spans, gold) == [
        "B-Q", "I-Q", "I-Q", "I-Q", "B-S", "B-C", "O", "I-Q", "I-Q", "I-Q", "I-Q",
    ]  # fmt: skip


def _record(sentences: list[tuple[str, str, str]]) -> dict:
    """A gold record from (speaker, cue, content) triples written as "S cue content."."""
    text, quotes = "", []
    for speaker, cue, content in sentences:
        s = len(text)
        text += f"{speaker} {cue} {content}. "
        c = s + len(speaker) + 1
        q = c + len(cue) + 1
        quotes.append(
            {
                "start": q,
                "end": q + len(content),
                "speaker": speaker,
                "speaker_start": s,
                "speaker_end": s + len(speaker),
                "cue_start": c,
                "cue_end": c + len(cue),
            }
        )
    return {"text": text.strip() + "\nNothing else happened here today.", "quotes": quotes}


SLICE = [
    _record([("Zyxwvutsrq Plimbo", "said", "prices rose"), ("She", "added", "that taxes fell")]),
    _record([("Officials", "warned", "the bridge was unsafe"), ("He", "said", "it opened")]),
    _record([("Ann Lee", "told reporters", "the vote is off")]),
]


def test_training_is_deterministic_and_stores_no_words(tmp_path):
    a = train(SLICE, tmp_path / "a.crfsuite", settings={"max_iterations": 15})
    b = train(SLICE, tmp_path / "b.crfsuite", settings={"max_iterations": 15})
    assert a.read_bytes() == b.read_bytes()
    data = a.read_bytes()
    for word in (b"Zyxwvutsrq", b"Plimbo", b"bridge", b"unsafe", b"reporters"):
        assert word not in data


ATTRIBUTE = re.compile(
    r"(?:-2|-1|1|2)?"  # a neighbour's feature carries its offset
    r"(?:[wlxpn]\d+|s(?:x|X|X1|Xx|xX|d|Xx\.|x\.|p)|q(?:o|in|open|close)"
    r"|r(?:-|Q|S|C)(?:r(?:-|Q|S|C))?|vl\w|vr\w|cm\d|S[cn][qn]|L[012qn]"
    r"|b|ss|nm|BOL|EOL|cue|verb|title|pron|qmark|punct)"
)


def test_shipped_model_attributes_are_templates_or_hashes():
    pycrfsuite = pytest.importorskip("pycrfsuite")
    tagger = pycrfsuite.Tagger()
    tagger.open(str(MODELS / crf.MODEL_FILE))
    attributes = {attr for attr, _ in tagger.info().state_features}
    assert attributes
    leaked = sorted(a for a in attributes if not ATTRIBUTE.fullmatch(a))
    assert leaked == []
    assert set(tagger.labels()) == set(crf.LABELS)


def test_model_card_names_the_shipped_file_hash_and_size():
    data = (MODELS / crf.MODEL_FILE).read_bytes()
    assert len(data) <= 20 * 1024 * 1024
    card = (MODELS / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert f"sha256 `{hashlib.sha256(data).hexdigest()}`" in card


def test_methods_and_confidence():
    text = "“We are confident,” said Marie Richards. The weather was fine."
    (by_model,) = extract_quotes(text, method="model")
    (by_rules,) = extract_quotes(text, method="rules")
    assert by_model.method == "model"
    assert by_rules.method == "inverted_cue"  # '"...," said X'
    assert (by_model.text, by_model.speaker) == ("We are confident,", "Marie Richards")
    assert 0.5 < by_model.confidence <= 1.0


def test_model_finds_an_unlisted_cue_the_rules_miss():
    # "slammed" is in no word list: the rules find nothing; the tagger takes the name
    # without its appositive as the speaker
    text = "Ann Lee, a senator, slammed the plan as a giveaway to donors."
    assert extract_quotes(text, method="rules") == []
    (quote,) = extract_quotes(text)
    assert quote.method == "model"
    assert quote.text == "the plan as a giveaway to donors"
    assert (quote.speaker, quote.cue) == ("Ann Lee", "slammed")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "The bridge weighed 82 pounds and was painted blue in 1990.",
            marks=pytest.mark.xfail(
                reason="known limit: the rules read 'weighed' as a reporting verb ('weighed in')"
            ),
        ),
        "Rescue teams spent the night observing the mountain from the valley.",
        "The bridge was painted blue in 1990 and reopened on Monday.",
        "",
    ],
    ids=["measurement", "observing", "no-speech", "empty"],
)
def test_no_attribution_without_a_source_speaking(text):
    assert extract_quotes(text) == []


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="method 'crf': expected one of union, model, rules"):
        extract_quotes("He said so.", method="crf")


def test_union_keeps_every_rule_quote():
    text = "“We are confident,” said Marie Richards. Officials pushed back on claims it failed."
    union = extract_quotes(text, method="union")
    for q in rules.extract_quotes(text):
        assert any(u.fragments == q.fragments for u in union)

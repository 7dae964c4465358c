"""analysis.sentiment.tone_toward: the trained tone-toward-a-mention scorer."""

from __future__ import annotations

import hashlib
import json
import re
from importlib import resources

import pytest

from analysis.errors import AnalysisError
from analysis.sentiment import tone_toward
from analysis.sentiment.tone import load_model, model_sha256, tone_features, write_model
from analysis.sentiment.train_tone import Mention, Settings, fit, read_mentions, scores


def mention(text: str, name: str) -> tuple[str, int, int]:
    start = text.index(name)
    return text, start, start + len(name)


@pytest.mark.parametrize(
    ("text", "name", "label"),
    [
        ("Critics accused Smith of lying to voters.", "Smith", "negative"),
        ("Smith said the meeting would take place on Tuesday.", "Smith", "neutral"),
        ("Fans praised Smith for her brave and brilliant leadership.", "Smith", "positive"),
    ],
)
def test_hand_checked_labels(text, name, label):
    found, score = tone_toward(*mention(text, name))
    assert found == label
    assert -1.0 <= score <= 1.0
    assert (score < 0) == (label == "negative")


def test_the_mention_itself_is_masked():
    a = tone_toward(*mention("Critics accused Smith of lying to voters.", "Smith"))
    b = tone_toward(
        *mention("Critics accused Ramirez-Okafor of lying to voters.", "Ramirez-Okafor")
    )
    assert a == b
    assert not any("smith" in name for name, _ in tone_features(*mention("Ask Smith.", "Smith")))


def test_the_words_around_the_mention_matter():
    # same sentence, other mention: the one praised and the one who praises differ
    text = "Jones praised Smith for brilliant leadership."
    assert tone_toward(*mention(text, "Smith"))[0] == "positive"
    assert tone_toward(*mention(text, "Smith"))[1] > tone_toward(*mention(text, "Jones"))[1]


@pytest.mark.parametrize(("start", "end"), [(5, 5), (-1, 3), (3, 99), (4, 2)])
def test_bad_offsets_are_named(start, end):
    with pytest.raises(AnalysisError, match=rf"\({start}, {end}\)"):
        tone_toward("Smith spoke.", start, end)


def test_model_card_states_the_shipped_files_hash():
    folder = resources.files("analysis.sentiment") / "models"
    card = (folder / "tone_newsmtsc.md").read_text(encoding="utf-8")
    stated = re.search(r"sha256: ([0-9a-f]{64})", card).group(1)
    assert stated == model_sha256()
    assert stated == hashlib.sha256((folder / "tone_newsmtsc.npz").read_bytes()).hexdigest()
    for needed in ("Hamborg", "Donnay", "EACL 2021", "MIT", "macro-F1"):
        assert needed in card


def test_model_stores_numbers_only():
    model = load_model()
    assert model.weights.shape == (len(model.buckets), 3)
    assert model.buckets.dtype.kind == "i" and model.weights.dtype.kind == "f"


def _slice() -> list[Mention]:
    texts = [
        ("Critics accused Smith of lying.", "negative"),
        ("Smith spoke on Tuesday.", "neutral"),
        ("Fans praised Smith warmly.", "positive"),
        ("Voters blamed Smith for the crisis.", "negative"),
        ("Smith visited the school.", "neutral"),
        ("Smith won praise for a brave speech.", "positive"),
    ]
    return [Mention(t, t.index("Smith"), t.index("Smith") + 5, label) for t, label in texts]


def test_training_is_deterministic_and_depends_on_the_data():
    first = write_model(fit(_slice(), Settings(c=1.0)))
    assert first == write_model(fit(_slice(), Settings(c=1.0)))
    assert first != write_model(fit(_slice()[:5], Settings(c=1.0)))


def test_training_on_a_slice_of_newsmtsc_is_deterministic(tmp_path):
    from conftest import shared_file

    mentions = read_mentions(shared_file("eval/sentiment_train.jsonl"))[:400]
    assert write_model(fit(mentions)) == write_model(fit(mentions))


def test_dev_figures_match_the_card(sentiment_dev_path):
    # the figure the card and README claim, reproduced from the shipped model
    figures = scores(read_mentions(sentiment_dev_path), load_model())
    assert figures["n"] == 343
    assert round(figures["macro_f1"], 3) == 0.674
    assert round(figures["accuracy"], 3) == 0.700


def test_read_mentions_names_the_bad_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    record = {"dataset": "NewsMTSC-rw", "text": "Smith", "target_start": 0, "target_end": 9}
    path.write_text(json.dumps(record | {"gold_label": "neutral"}) + "\n", encoding="utf-8")
    with pytest.raises(AnalysisError, match=r"bad.jsonl:1: target \(0, 9\) outside the text"):
        read_mentions(path)

"""The Wikinews source labels and the evaluation command that scores against them."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pycountry
import pytest

from analysis.errors import CorpusError
from analysis.evaluation import sources as ev
from analysis.sources import ENTITIES, ORIGINS, SOURCE_TYPES

LABELS = Path(__file__).parent / "data" / "source_labels" / "labels.csv"


@pytest.fixture(scope="module")
def labels() -> pd.DataFrame:
    return ev.read_labels(LABELS)


# --------------------------------------------------------------------------- the labels file


def test_labels_use_only_defined_values(labels):
    assert set(labels["entity"]) <= set(ENTITIES)
    assert set(labels["source_type"]) <= set(SOURCE_TYPES)
    assert set(labels["origin"]) <= set(ORIGINS)
    assert set(labels["split"]) == {"dev", "test"}
    persons = labels["entity"] == "person"
    assert set(labels.loc[persons, "gender"]) <= {"female", "male", "unknown"}
    assert set(labels.loc[~persons, "gender"]) == {""}
    codes = {c.alpha_2 for c in pycountry.countries}
    assert set(labels["country"]) <= codes | {""}


def test_labels_follow_their_own_rules(labels):
    # organisations are never anonymous; with no article country, origin is unknown
    assert not labels.loc[labels["entity"] == "organisation", "is_anonymous"].any()
    assert set(labels.loc[labels["country"] == "", "origin"]) == {"unknown"}
    assert not labels.duplicated(["article_id", "speaker"]).any()
    # one country per article
    assert (labels.groupby("article_id")["country"].nunique() == 1).all()


def test_enough_articles_are_labelled(labels):
    n_articles = labels.groupby("split")["article_id"].nunique()
    assert n_articles["dev"] == 30
    assert n_articles["test"] == 15


def test_labelled_articles_are_chosen_by_the_documented_rule(labels, wikinews_path):
    lines = wikinews_path.read_text(encoding="utf-8").splitlines()
    ids = sorted(json.loads(line)["id"] for line in lines)
    by_split = labels.groupby("split")["article_id"].unique()
    assert sorted(by_split["dev"]) == ids[::5]
    assert sorted(by_split["test"]) == ids[2::10]


def test_every_labelled_speaker_is_in_its_article(labels, wikinews_path):
    texts = ev.read_articles(wikinews_path, set(labels["article_id"]))
    for row in labels.itertuples(index=False):
        last = row.speaker.split()[-1].lower()
        assert last in texts[row.article_id].lower(), (row.article_id, row.speaker)


# --------------------------------------------------------------------------- the command


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Recep Tayyip Erdoğan", "erdogan"),  # accents folded
        ("Erdogan", "erdogan"),
        ("Members of the House of Commons", "members"),  # head before "of"
        ("Catholic Bishops' Conference of the Philippines", "conference"),
        ("Day's", "day"),  # possessive dropped
        ("", ""),
    ],
    ids=["accented", "plain", "of-phrase", "of-phrase-org", "possessive", "empty"],
)
def test_match_key(name, key):
    assert ev.match_key(name) == key


def test_scores_count_coverage_and_accuracy_by_hand():
    table = pd.DataFrame(
        {
            "matched": [True, True, False],
            "entity": ["person", "organisation", "person"],
            "entity_pred": ["person", "person", None],
            "source_type": ["official", "business", "expert"],
            "source_type_pred": ["official", "business", None],
            "origin": ["domestic", "unknown", "foreign"],
            "origin_pred": ["unknown", "unknown", None],
            "gender": ["male", "", "female"],
            "gender_pred": ["male", "", None],
            "is_anonymous": [False, False, False],
            "is_anonymous_pred": [False, True, None],
        }
    )
    got = ev.scores(table).set_index("measure")
    # 2 of 3 matched; on those 2: entity 1, type 2, origin 1, anonymity 1 right;
    # gender is scored on the 1 matched person only
    assert got.loc["coverage", ["n", "correct"]].tolist() == [3, 2]
    assert got.loc["entity", "share"] == pytest.approx(0.5)
    assert got.loc["source_type", "share"] == pytest.approx(1.0)
    assert got.loc["origin", "share"] == pytest.approx(0.5)
    assert got.loc["gender", ["n", "correct"]].tolist() == [1, 1]
    assert got.loc["is_anonymous", "share"] == pytest.approx(0.5)


def test_origin_confusion_counts_wrong_directions_by_hand():
    table = pd.DataFrame(
        {
            "matched": [True, True, True, True, False],
            "origin": ["domestic", "domestic", "foreign", "unknown", "foreign"],
            "origin_pred": ["foreign", "unknown", "foreign", "domestic", None],
        }
    )
    got = ev.origin_confusion(table).set_index(["origin", "origin_pred"])
    # 4 matched rows; only domestic->foreign is a wrong direction (unknown either way is not)
    assert len(got) == 9 and got["n"].sum() == 4
    assert got.loc[got["is_wrong_direction"], "n"].sum() == 1
    assert got.loc[("domestic", "foreign"), "is_wrong_direction"]
    assert not got.loc[("unknown", "domestic"), "is_wrong_direction"]


def test_missing_column_names_file_and_problem(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("article_id,speaker\na,b\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"labels\.csv: missing column\(s\) \['country'"):
        ev.read_labels(path)


def test_missing_files_and_articles_are_reported(tmp_path):
    with pytest.raises(CorpusError, match=r"nothing\.csv: labels file not found"):
        ev.read_labels(tmp_path / "nothing.csv")
    articles = tmp_path / "a.jsonl"
    articles.write_text('{"id": "x", "text": "t"}\nnot json\n', encoding="utf-8")
    with pytest.raises(CorpusError, match=r"a\.jsonl:2: not JSON"):
        ev.read_articles(articles, {"y"})
    articles.write_text('{"id": "x", "text": "t"}\n', encoding="utf-8")
    with pytest.raises(CorpusError, match=r"1 labelled article\(s\) not found: \['y'\]"):
        ev.read_articles(articles, {"y"})


def test_command_prints_every_measure(wikinews_path, capsys):
    status = ev.main(
        [
            "--labels",
            str(LABELS),
            "--articles",
            str(wikinews_path),
            "--given-speakers",
            "--split",
            "dev",
        ]
    )
    out = capsys.readouterr().out
    assert status == 0
    for measure in ("coverage", *ev.DIMENSIONS):
        assert measure in out


def test_dev_scores_do_not_fall_below_what_was_measured(labels, wikinews_path):
    """Regression guard on the dev labels with given speakers (figures in the README)."""
    texts = ev.read_articles(wikinews_path, set(labels["article_id"]))
    table = ev.evaluate(labels.loc[labels["split"] == "dev"], texts, given=True)
    share = ev.scores(table).set_index("measure")["share"]
    assert share["entity"] >= 0.95
    assert share["source_type"] >= 0.92
    assert share["origin"] >= 0.58
    assert share["gender"] >= 0.9
    assert share["is_anonymous"] >= 0.95


# --------------------------------------------------------------------------- identity across articles

IDENTITY = Path(__file__).parent / "data" / "source_labels" / "identity.csv"


def test_identity_labels_cover_the_labelled_speakers(labels):
    identity = ev.read_identity(IDENTITY)
    merged = labels.merge(identity, on=["article_id", "speaker"], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all()
    # anonymous speakers and groups are no one else; every named one has an identity
    assert (merged.loc[merged["is_anonymous"], "identity"] == "").all()
    assert (merged.loc[~merged["is_anonymous"], "identity"] != "").all()


def test_identity_scores_count_pairs_by_hand():
    table = pd.DataFrame(
        {
            "article_id": ["a1", "a2", "a3", "a1", "a2", "a3"],
            "speaker": ["Trump", "Donald Trump", "Mr Trump", "police", "police", "Ann Lee"],
            "matched": [True, True, True, True, True, False],
            "speaker_id": ["t", "t", "x", "p", "p", None],
        }
    )
    identity = pd.DataFrame(
        {
            "article_id": ["a1", "a2", "a3", "a1", "a2", "a3"],
            "speaker": ["Trump", "Donald Trump", "Mr Trump", "police", "police", "Ann Lee"],
            "identity": ["DT", "DT", "DT", "", "", "AL"],
        }
    )
    got = ev.identity_scores(table, identity)
    # 5 matched speakers; cross-article pairs: a1-a2 4, a1-a3 2, a2-a3 2 = 8
    # true: (Trump, Donald Trump), (Trump, Mr Trump), (Donald Trump, Mr Trump) = 3
    # predicted: (Trump, Donald Trump), (police, police) = 2, of which 1 correct
    assert got["n_speakers"] == 5 and got["n_pairs"] == 8
    assert (got["true_pairs"], got["predicted_pairs"], got["correct_pairs"]) == (3, 2, 1)
    assert got["precision"] == pytest.approx(0.5)
    assert got["recall"] == pytest.approx(1 / 3)
    assert got["anonymous_merged"] == 1


def test_identity_on_the_labelled_articles(labels, wikinews_path):
    """Regression guard (figures in the README): no false merge, no anonymous merge."""
    texts = ev.read_articles(wikinews_path, set(labels["article_id"]))
    table = ev.evaluate(labels, texts)
    got = ev.identity_scores(table, ev.read_identity(IDENTITY))
    assert got["anonymous_merged"] == 0
    assert got["precision"] >= 0.98
    assert got["recall"] >= 0.95

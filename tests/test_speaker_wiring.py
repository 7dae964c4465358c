"""The command-line run links speakers across the corpus and applies corrections, like
``analyze``: one person named differently in two articles is one ``speaker_id``, a group
("police") in two articles stays two, and a corrections file beside the corpus is the last
step of every run."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.aggregate import article_counts, balance_from_counts
from analysis.cli import main
from analysis.corpus import load_corpus
from analysis.pipeline import analyze
from analysis.runner import read_results, run_corpus
from analysis.speakers import find_corrections

TEXTS = {
    "a1": (
        "Budget passes\n\n“The budget protects every school,” said President Ada Lang on "
        "Monday.\n\n“We expect calm streets tonight,” police said.\n"
    ),
    "a2": (
        "Budget reaction\n\n“I will sign it next week,” Lang said.\n\n“Two people were "
        "arrested,” police said.\n\n“This is a good day,” Lang said.\n"
    ),
    "a3": "Harbor\n\n“The water is rising fast,” said Tom Reyes, a fisherman.\n",
}


def write_corpus(folder: Path, ids=tuple(TEXTS)) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for path in folder.glob("*.txt"):
        path.unlink()
    for article_id in ids:
        (folder / f"{article_id}.txt").write_text(TEXTS[article_id], encoding="utf-8")
    return folder


def assert_same_as_analyze(out: Path, corpus: Path) -> None:
    saved = read_results(out)
    direct = analyze(load_corpus(corpus), sentiment=False, corrections=find_corrections(corpus))
    pd.testing.assert_frame_equal(saved.quotes, direct.quotes)
    pd.testing.assert_frame_equal(saved.speakers, direct.speakers)
    pd.testing.assert_frame_equal(saved.articles, direct.articles[saved.articles.columns])
    balance = pd.read_parquet(out / "balance.parquet")
    expected = balance_from_counts(direct.articles, article_counts(direct), by="outlet")
    pd.testing.assert_frame_equal(
        balance.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False
    )


@pytest.mark.parametrize("chunk_size", [1, 2])
def test_cli_tables_are_linked_across_articles_like_analyze(tmp_path, chunk_size):
    corpus = write_corpus(tmp_path / "corpus")
    out = tmp_path / "out"
    run_corpus(corpus, out, jobs=1, chunk_size=chunk_size, sentiment=False)
    assert_same_as_analyze(out, corpus)
    quotes = pd.read_csv(out / "quotes.csv", keep_default_na=False)
    by_quote = quotes.set_index("quote_id")
    # "Lang" in a2 is President Ada Lang of a1: one id, and a1's description lent to a2
    assert by_quote.loc[["a1:1", "a2:1", "a2:3"], "speaker_id"].tolist() == ["ada lang"] * 3
    assert by_quote.loc["a2:1", "source_type"] == "official"
    assert by_quote.loc["a2:1", "type_basis"] == "another article"
    assert by_quote.loc["a1:1", "type_basis"] == "this article"
    # "police" in two articles are two speakers
    assert by_quote.loc[["a1:2", "a2:2"], "speaker_id"].tolist() == ["a1/police", "a2/police"]
    speakers = pd.read_csv(out / "speakers.csv", keep_default_na=False)
    lang = speakers.loc[speakers["speaker"] == "Lang"].iloc[0]
    assert (lang["speaker_id"], lang["aliases"]) == ("ada lang", "Ada Lang | Lang")
    # the report's top speakers count by speaker_id: Ada Lang has her 3 quotes, 2 articles
    top = pd.read_csv(out / "figures" / "top_speakers.csv", keep_default_na=False)
    assert top[["speaker", "speaker_id", "n_articles", "n_quotes"]].head(1).values.tolist() == [
        ["Ada Lang", "ada lang", 2, 3]
    ]
    police = top.loc[top["speaker"] == "police"]
    assert sorted(police["speaker_id"]) == ["a1/police", "a2/police"]
    assert police["n_quotes"].tolist() == [1, 1]


def test_linking_is_redone_on_every_run_not_cached_per_chunk(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", ["a2", "a3"])
    out = tmp_path / "out"
    run_corpus(corpus, out, jobs=1, chunk_size=1, sentiment=False)
    speakers = read_results(out).speakers.set_index("speaker")
    # nothing in this corpus says who "Lang" is
    assert speakers.loc["Lang", "speaker_id"] == "lang"
    assert speakers.loc["Lang", "source_type"] == "unknown"

    write_corpus(corpus, ["a1", "a2", "a3"])  # the article that describes her arrives
    summary = run_corpus(corpus, out, jobs=1, chunk_size=1, sentiment=False)
    assert (summary.n_analysed, summary.n_reused) == (1, 2)  # a2 is not analysed again...
    speakers = read_results(out).speakers.set_index("speaker")
    assert speakers.loc["Lang", "speaker_id"] == "ada lang"  # ...but it is linked again
    assert speakers.loc["Lang", "source_type"] == "official"
    assert_same_as_analyze(out, corpus)

    write_corpus(corpus, ["a2", "a3"])  # and leaves again
    run_corpus(corpus, out, jobs=1, chunk_size=1, sentiment=False)
    speakers = read_results(out).speakers.set_index("speaker")
    assert speakers.loc["Lang", "speaker_id"] == "lang"
    assert speakers.loc["Lang", "type_basis"] == ""
    assert_same_as_analyze(out, corpus)


CORRECTIONS = """\
- not_attribution: a2:3
- speaker: Tom Reyes
  type: expert
"""


def test_corrections_are_the_last_step_of_every_run(tmp_path):
    corpus = write_corpus(tmp_path / "corpus")
    out = tmp_path / "out"
    run_corpus(corpus, out, jobs=1, chunk_size=2, sentiment=False)
    applied = pd.read_csv(out / "corrections.csv")
    assert applied.empty  # written, empty, without a corrections file
    assert "None applied" in (out / "report.html").read_text(encoding="utf-8")

    (corpus / "corrections.yaml").write_text(CORRECTIONS, encoding="utf-8")
    summary = run_corpus(corpus, out, jobs=1, chunk_size=2, sentiment=False)
    assert summary.n_analysed == 0  # corrections re-apply; no article is analysed again
    assert summary.n_corrections == 2
    assert_same_as_analyze(out, corpus)
    quotes = read_results(out).quotes.set_index("quote_id")
    assert pd.isna(quotes.loc["a2:3", "speaker"])  # no longer an attribution
    assert quotes.loc["a2:1", "speaker"] == "Lang"
    assert quotes.loc["a3:1", "source_type"] == "expert"
    assert quotes.loc["a3:1", "type_basis"] == "correction"
    speakers = read_results(out).speakers.set_index("speaker")
    assert speakers.loc["Lang", "n_quotes"] == 1  # was 2
    applied = pd.read_csv(out / "corrections.csv", keep_default_na=False)
    assert applied[["line", "action", "target", "n_speaker_rows", "n_quotes"]].to_dict(
        "records"
    ) == [
        {
            "line": 1,
            "action": "not_attribution",
            "target": "a2:3",
            "n_speaker_rows": 1,
            "n_quotes": 1,
        },
        {"line": 2, "action": "speaker", "target": "Tom Reyes", "n_speaker_rows": 1, "n_quotes": 1},
    ]
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "None applied" not in report
    assert "not_attribution" in report and "type=expert" in report

    (corpus / "corrections.yaml").unlink()  # removing the file undoes the corrections
    run_corpus(corpus, out, jobs=1, chunk_size=2, sentiment=False)
    assert read_results(out).quotes.set_index("quote_id").loc["a2:3", "speaker"] == "Lang"
    assert pd.read_csv(out / "corrections.csv").empty


def test_the_command_says_how_many_corrections_it_applied(tmp_path, capsys):
    corpus = write_corpus(tmp_path / "corpus")
    out = tmp_path / "out"
    assert main(["analyze", str(corpus), "--out", str(out), "--no-sentiment", "--quiet"]) == 0
    assert "corrections" not in capsys.readouterr().out  # no file, nothing said
    (corpus / "corrections.yaml").write_text(CORRECTIONS, encoding="utf-8")
    assert main(["analyze", str(corpus), "--out", str(out), "--no-sentiment", "--quiet"]) == 0
    assert "2 speaker corrections applied" in capsys.readouterr().out


def test_a_bad_corrections_row_stops_the_run_before_writing(tmp_path, capsys):
    corpus = write_corpus(tmp_path / "corpus")
    (corpus / "corrections.yaml").write_text(
        "- speaker: Tom Reyes\n  type: expert\n- speaker: Lang\n  type: wizard\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert main(["analyze", str(corpus), "--out", str(out), "--no-sentiment", "--quiet"]) == 2
    error = capsys.readouterr().err
    assert "corrections.yaml:3" in error and "wizard" in error
    assert not out.exists()


def test_merge_and_organisation_corrections_reach_the_quotes(tmp_path):
    corpus = write_corpus(tmp_path / "corpus")
    (corpus / "corrections.yaml").write_text(
        "- merge: [Tom Reyes, Ada Lang]\n- organisation: police\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    run_corpus(corpus, out, jobs=1, chunk_size=2, sentiment=False)
    assert_same_as_analyze(out, corpus)
    quotes = read_results(out).quotes.set_index("quote_id")
    assert quotes.loc[["a1:1", "a2:1", "a3:1"], "speaker_id"].tolist() == ["ada lang"] * 3
    speakers = read_results(out).speakers.set_index(["article_id", "speaker"])
    assert speakers.loc[("a1", "police"), "entity"] == "organisation"
    assert speakers.loc[("a1", "police"), "speaker_id"] == "a1/police"  # still not merged
    applied = pd.read_csv(out / "corrections.csv")
    assert applied[["action", "n_speaker_rows", "n_quotes"]].values.tolist() == [
        ["merge", 3, 4],
        ["organisation", 2, 2],
    ]


def test_a_speaker_left_without_quotes_leaves_the_tables(tmp_path):
    corpus = write_corpus(tmp_path / "corpus")
    out = tmp_path / "out"
    run_corpus(corpus, out, jobs=1, chunk_size=2, sentiment=False)
    assert read_results(out).articles.set_index("article_id").loc["a3", "n_speakers"] == 1
    (corpus / "corrections.yaml").write_text("- not_attribution: [a3:1]\n", encoding="utf-8")
    run_corpus(corpus, out, jobs=1, chunk_size=2, sentiment=False)
    assert_same_as_analyze(out, corpus)
    saved = read_results(out)
    assert "Tom Reyes" not in set(saved.speakers["speaker"])  # his only quote is gone
    assert saved.articles.set_index("article_id")["n_speakers"].to_dict() == {
        "a1": 2,
        "a2": 2,
        "a3": 0,
    }
    assert pd.isna(saved.quotes.set_index("quote_id").loc["a3:1", "speaker_id"])
    assert pd.read_csv(out / "articles.csv").set_index("article_id").loc["a3", "n_speakers"] == 0

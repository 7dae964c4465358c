"""The command line: ``newsroom-workbook analyze CORPUS --out DIR``.

Corpora are built in tmp folders from short articles invented for these tests; the
expected quotes are read off those texts by hand (the words between “ and ”).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main
from analysis.corpus import load_corpus

REPO = Path(__file__).resolve().parents[1]

ARTICLES = {
    "a1.txt": "Bridge Works Begin\n\n“We will rebuild the bridge by spring,” said Mayor Jane "
    "Okafor.\n\nResidents welcomed the plan. “It has been a long wait,” said Tom Reyes, a shop "
    "owner.\n",
    "a2.txt": "Port Strike Ends\n\nDock workers returned on Monday. “The deal is fair,” union "
    "leader Ana Silva told reporters.\n",
    "a3.txt": "Quiet Day\n\nNothing happened in the harbour today.\n",
}
FINAL = [
    f"{t}.{ext}"
    for t in ("quotes", "speakers", "articles", "balance", "problems")
    for ext in ("parquet", "csv")
]


def write_corpus(folder: Path, articles: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        (folder / name).write_bytes(data)
    return folder


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob(".tmp-*"))


def test_quickstart_on_the_bundled_corpus(tmp_path, capsys):
    out = tmp_path / "results"
    assert main(["analyze", str(REPO / "corpus"), "--out", str(out), "--jobs", "1"]) == 0
    for name in [*FINAL, "report.html", "figures/source_types.png", "figures/top_speakers.png"]:
        assert (out / name).is_file(), name
    articles = pd.read_csv(out / "articles.csv", keep_default_na=False)
    assert articles["article_id"].tolist() == ["000_b1a77089e6833a8a"]
    assert articles["outlet"].tolist() == ["Libyan Gazette"]  # from the file's front matter
    # every quote's text is what its offsets cut out of the article body
    text = load_corpus(REPO / "corpus").articles.loc[0, "text"]
    quotes = pd.read_parquet(out / "quotes.parquet")
    assert len(quotes) > 0
    for row in quotes.itertuples():
        assert " ".join(text[s:e] for s, e in row.fragments) == row.text
    printed = capsys.readouterr()
    assert "1 articles (1 analysed" in printed.out
    assert printed.err == ""  # no progress bar: stderr is not a terminal under pytest


def test_tables_hold_the_hand_read_quotes(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", ARTICLES)
    out = tmp_path / "out"
    assert main(["analyze", str(corpus), "--out", str(out), "--quiet", "--jobs", "1"]) == 0
    quotes = pd.read_csv(out / "quotes.csv", keep_default_na=False)
    direct = set(quotes.loc[quotes["kind"] == "direct", "text"])
    # the three passages between curly quotation marks, commas inside the marks
    assert {
        "We will rebuild the bridge by spring,",
        "It has been a long wait,",
        "The deal is fair,",
    } <= direct
    articles = pd.read_csv(out / "articles.csv", keep_default_na=False)
    assert articles["article_id"].tolist() == ["a1", "a2", "a3"]
    assert articles.set_index("article_id").loc["a3", "n_quotes"] == 0  # no quotation, no cue
    assert pd.read_csv(out / "problems.csv").empty


def test_min_confidence_lists_unsure_quotes_without_counting_them(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", ARTICLES)
    out = tmp_path / "out"
    args = ["analyze", str(corpus), "--out", str(out), "--quiet", "--jobs", "1"]
    assert main([*args, "--min-confidence", "1.01"]) == 0  # no quote is that sure
    quotes = pd.read_csv(out / "quotes.csv", keep_default_na=False)
    assert len(quotes) >= 3  # the three quotations are still listed ...
    assert not quotes["is_counted"].any()  # ... but none counts
    articles = pd.read_csv(out / "articles.csv", keep_default_na=False)
    assert articles["n_quotes"].tolist() == [0, 0, 0]
    assert pd.read_csv(out / "speakers.csv").empty


def test_bad_files_are_listed_and_the_rest_is_analysed(tmp_path, capsys):
    corpus = write_corpus(
        tmp_path / "corpus",
        {
            **ARTICLES,
            "binary.txt": b"\x00\x01\x02\x03binary",
            "empty.txt": b"",
            "notes.pdf": b"%PDF",
        },
    )
    out = tmp_path / "out"
    assert main(["analyze", str(corpus), "--out", str(out), "--quiet", "--jobs", "1"]) == 0
    problems = pd.read_csv(out / "problems.csv")
    assert problems["source"].tolist() == ["binary.txt", "empty.txt", "notes.pdf"]  # file order
    assert problems["error"].tolist() == [
        "BinaryArticleError",
        "EmptyArticleError",
        "UnsupportedFileError",
    ]
    assert pd.read_csv(out / "articles.csv")["article_id"].tolist() == ["a1", "a2", "a3"]
    printed = capsys.readouterr().out
    assert "3 problems" in printed
    assert "problem: binary.txt: binary data" in printed
    assert leftovers(out) == []


def test_missing_corpus_exits_2_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["analyze", str(tmp_path / "nowhere"), "--out", str(out)]) == 2
    assert "nowhere: no such file or folder" in capsys.readouterr().err
    assert not out.exists()


def test_corpus_without_usable_articles_exits_2_naming_the_files(tmp_path, capsys):
    corpus = write_corpus(tmp_path / "corpus", {"blank.txt": "   \n\n", "empty.txt": b""})
    out = tmp_path / "out"
    assert main(["analyze", str(corpus), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "no usable articles" in err
    assert "blank.txt: only white space" in err
    assert "empty.txt: empty file" in err
    assert not out.exists()


def test_refuses_a_non_empty_folder_it_did_not_create(tmp_path, capsys):
    corpus = write_corpus(tmp_path / "corpus", ARTICLES)
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_bytes(b"precious")
    assert main(["analyze", str(corpus), "--out", str(out), "--quiet"]) == 2
    assert "--force" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["thesis.docx"]
    # with --force it writes its files beside the foreign one and leaves that one alone
    assert (
        main(["analyze", str(corpus), "--out", str(out), "--quiet", "--force", "--jobs", "1"]) == 0
    )
    assert (out / "thesis.docx").read_bytes() == b"precious"
    assert (out / "quotes.parquet").is_file()


def test_refuses_an_output_folder_inside_the_corpus(tmp_path, capsys):
    corpus = write_corpus(tmp_path / "corpus", ARTICLES)
    assert main(["analyze", str(corpus), "--out", str(corpus / "results")]) == 2
    assert "inside the corpus folder" in capsys.readouterr().err
    assert not (corpus / "results").exists()


def test_another_corpus_into_the_same_folder_is_refused_unless_replace(tmp_path, capsys):
    first = write_corpus(tmp_path / "first", ARTICLES)
    second = write_corpus(tmp_path / "second", {"b1.txt": ARTICLES["a2.txt"]})
    out = tmp_path / "results"
    argv = ["--out", str(out), "--quiet", "--jobs", "1", "--no-sentiment"]
    assert main(["analyze", str(first), *argv]) == 0
    before = (out / "articles.csv").read_bytes()
    capsys.readouterr()
    assert main(["analyze", str(second), *argv]) == 2
    error = capsys.readouterr().err
    assert error == (
        f"error: {out}: holds the results of 3 articles of another corpus, {first.resolve()}; "
        "choose another --out, or pass --replace to replace them\n"
    )
    assert (out / "articles.csv").read_bytes() == before
    assert main(["analyze", str(second), *argv, "--replace"]) == 0
    assert "1 articles (1 analysed, 0 reused from an earlier run, 3 earlier results dropped)" in (
        capsys.readouterr().out
    )
    assert pd.read_csv(out / "articles.csv")["article_id"].tolist() == ["b1"]


def test_rerun_into_its_own_folder_reuses_everything(tmp_path, capsys):
    corpus = write_corpus(tmp_path / "corpus", ARTICLES)
    out = tmp_path / "out"
    assert main(["analyze", str(corpus), "--out", str(out), "--quiet", "--jobs", "1"]) == 0
    assert main(["analyze", str(corpus), "--out", str(out), "--quiet", "--jobs", "1"]) == 0
    assert "3 articles (0 analysed, 3 reused" in capsys.readouterr().out.splitlines()[-2]


@pytest.mark.slow
def test_job_count_does_not_change_a_byte(tmp_path):
    articles = {
        f"b{i:02d}.txt": f"Story {i}\n\n“Plan number {i} is ready,” said Minister Lee Park.\n"
        for i in range(7)
    }
    corpus = write_corpus(tmp_path / "corpus", {**ARTICLES, **articles})
    one, two = tmp_path / "one", tmp_path / "two"
    common = ["--quiet", "--chunk-size", "3"]
    assert main(["analyze", str(corpus), "--out", str(one), "--jobs", "1", *common]) == 0
    assert main(["analyze", str(corpus), "--out", str(two), "--jobs", "2", *common]) == 0
    for name in [*FINAL, "report.html"]:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


@pytest.mark.parametrize(
    "argv",
    [["--jobs", "0"], ["--chunk-size", "-1"], ["--max-bytes", "many"]],
    ids=["zero-jobs", "negative-chunk", "non-number"],
)
def test_bad_options_are_usage_errors(tmp_path, argv, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["analyze", str(REPO / "corpus"), "--out", str(tmp_path / "o"), *argv])
    assert stop.value.code == 2
    assert "expected" in capsys.readouterr().err


def test_import_table_then_analyze_reads_what_was_imported(tmp_path, capsys):
    # two invented rows; the CSV columns are mapped to corpus fields with --*-column
    table = tmp_path / "export.csv"
    table.write_text(
        "Headline,Body,Paper,Day\n"
        'Ferry Returns,"“The ferry runs again today,” said Captain Rosa Lind.",Harbour Post,'
        "2021-03-04\n"
        'Rain Again,"It rained all week in the valley.",Valley News,2021-03-05\n',
        encoding="utf-8",
    )
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    argv = ["import", "table", str(table), "--into", str(corpus), "--text-column", "Body"]
    argv += ["--title-column", "Headline", "--outlet-column", "Paper", "--date-column", "Day"]
    assert main(argv) == 0
    assert len(list(corpus.glob("*.txt"))) == 2  # one corpus file per row
    assert main(["analyze", str(corpus), "--out", str(out), "--quiet", "--jobs", "1"]) == 0
    articles = pd.read_csv(out / "articles.csv", keep_default_na=False).sort_values("title")
    # the mapped metadata came through the corpus files into the articles table
    assert articles["title"].tolist() == ["Ferry Returns", "Rain Again"]
    assert articles["outlet"].tolist() == ["Harbour Post", "Valley News"]
    assert articles["date"].tolist() == ["2021-03-04", "2021-03-05"]
    # one quotation, between the curly marks of the first row; the second row has none
    assert articles["n_quotes"].tolist() == [1, 0]
    quotes = pd.read_csv(out / "quotes.csv", keep_default_na=False)
    assert quotes["text"].tolist() == ["The ferry runs again today,"]


def test_import_with_a_missing_source_exits_1(tmp_path, capsys):
    missing = tmp_path / "nowhere.csv"
    assert main(["import", "table", str(missing), "--into", str(tmp_path / "corpus")]) == 1
    assert "nowhere.csv" in capsys.readouterr().err


# ---- newsroom-workbook evaluate -------------------------------------------------------------

QUOTE_GOLD = {
    # offsets by hand: “We will win,” -> "We will win," is 1..13; "Ann Lee" is 20..27
    "text": "“We will win,” said Ann Lee.",
    "quotes": [
        {"start": 1, "end": 13, "speaker": "Ann Lee", "kind": "direct",
         "speaker_fragments": [[20, 27]]},
    ],
}  # fmt: skip


def test_evaluate_quotes_scores_the_gold_file_given(tmp_path, capsys):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(QUOTE_GOLD) + "\n", encoding="utf-8")
    assert main(["evaluate", "quotes", str(gold), "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    # one quote, found with its speaker, at both thresholds
    assert [(r["threshold"], r["gold"], r["tp"], r["speaker_acc"]) for r in rows] == [
        (0.3, 1, 1, 1.0),
        (0.8, 1, 1, 1.0),
    ]


def test_evaluate_quotes_needs_a_gold_file(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["evaluate", "quotes"])
    assert exit_info.value.code == 2
    assert "give a gold JSONL file or --seed" in capsys.readouterr().err


def test_evaluate_sources_reads_the_paths_given(tmp_path, capsys):
    # the paths reach the evaluation: a missing labels file is named in the error
    missing = tmp_path / "no-labels.csv"
    assert main(["evaluate", "sources", str(missing), str(tmp_path / "a.jsonl")]) == 2
    assert "no-labels.csv" in capsys.readouterr().err


def test_evaluate_sentiment_scores_the_gold_file_given(tmp_path, capsys):
    records = [
        {"id": "1", "dataset": "hand", "level": "sentence", "text": "A wonderful, happy day.",
         "gold_label": "positive"},
        {"id": "2", "dataset": "hand", "level": "sentence", "text": "A terrible, awful loss.",
         "gold_label": "negative"},
    ]  # fmt: skip
    gold = tmp_path / "sentiment.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert main(["evaluate", "sentiment", str(gold)]) == 0
    assert "2 records from sentiment.jsonl" in capsys.readouterr().out


def test_evaluate_without_a_stage_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["evaluate"])
    assert exit_info.value.code == 2
    assert "STAGE" in capsys.readouterr().err

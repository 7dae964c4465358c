"""Table and web-page importers, the corpus writer and the import command.

Inputs are hand-made files in tests/data/importers: a semicolon CSV from an imaginary
monitoring platform (monitoring_export.csv) and three saved pages (pages/).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from analysis.corpus import load_corpus
from analysis.errors import MetadataError, OutputError, RecordFormatError, UnreadableError
from analysis.importers import (
    ImportedArticle,
    import_table,
    import_webpages,
    render_article,
    safe_article_id,
    write_article,
)
from analysis.importers.cli import main
from analysis.importers.writer import normalize_body, normalize_country, normalize_date, slugify

DATA = Path(__file__).parent / "data" / "importers"
CSV = DATA / "monitoring_export.csv"
PAGES = DATA / "pages"
CSV_MAPPING = {
    "text_column": "Body text",
    "title_column": "Headline",
    "id_column": "Story ID",
    "date_column": "Publication date",
    "outlet_column": "Media outlet",
    "url_column": "Link",
    "author_column": "By-line",
    "country_column": "Land",
}


def read_article(path: Path) -> tuple[dict, str]:
    """Front matter and body of a written corpus file."""
    front, body = path.read_text(encoding="utf-8")[4:].split("\n---\n", 1)
    return yaml.safe_load(front), body


# ---------------------------------------------------------------- tables


def test_csv_with_unusual_column_names(tmp_path):
    report = import_table(CSV, tmp_path, **CSV_MAPPING)
    # rows: MX-001 ok, MX-002 empty body, MX-003 ok, MX-001 again, MX-005 ok
    assert list(report.written["article_id"]) == ["MX-001", "MX-003", "MX-005"]
    meta, body = read_article(tmp_path / "MX-001.txt")
    assert meta == {
        "article_id": "MX-001",
        "title": "Port authority hires new pilots",
        "outlet": "Coastal Monitor",
        "country": "ES",  # "Spain"
        "date": "2021-03-09",  # "9 March 2021"
        "url": "https://monitor.example.com/mx-001",
        "author": "Ana Ruiz",
        "license": "",
    }
    # the quoted cell spans three lines: two paragraphs, doubled quotes undone
    assert body == (
        "The port authority said on Tuesday it had hired six new pilots.\n\n"
        '"Demand has doubled since last spring," the authority\'s director said.\n'
    )


def test_csv_row_problems_are_reported_per_row(tmp_path):
    report = import_table(CSV, tmp_path, **CSV_MAPPING)
    skipped = report.skipped.set_index("source")
    # MX-002 starts on line 5, the repeated MX-001 on line 7 (MX-001's cell spans 2-4)
    assert skipped.loc[f"{CSV}:5", "kind"] == "no_text"
    assert skipped.loc[f"{CSV}:5", "problem"] == "column 'Body text' is empty"
    assert skipped.loc[f"{CSV}:7", "kind"] == "duplicate"
    assert f"{CSV}:2" in skipped.loc[f"{CSV}:7", "problem"]
    notes = report.written.set_index("article_id")["note"]
    # "Deutschland" is not an ISO name; "someday" is not a date: kept, noted, field empty
    assert "country_original" in notes["MX-003"]
    assert "date_original" in notes["MX-005"]
    meta, _ = read_article(tmp_path / "MX-003.txt")
    assert (meta["country"], meta["country_original"]) == ("", "Deutschland")
    assert meta["date"] == "2021-03-11"  # ISO datetime 2021-03-11T17:45:00Z keeps its day
    meta, _ = read_article(tmp_path / "MX-005.txt")
    assert (meta["date"], meta["date_original"], meta["country"]) == ("", "someday", "PT")


def test_missing_mapped_column_names_file_column_and_columns_found(tmp_path):
    with pytest.raises(RecordFormatError) as caught:
        import_table(CSV, tmp_path / "corpus", text_column="Body", title_column="Headline")
    message = str(caught.value)
    assert message.startswith(f"{CSV}: no column 'Body'")
    assert "columns found: Story ID, Headline, Publication date" in message
    assert not (tmp_path / "corpus").exists() or not any((tmp_path / "corpus").iterdir())


def test_jsonl_bad_lines_are_reported_and_the_rest_imported(tmp_path):
    export = tmp_path / "export.jsonl"
    lines = [
        json.dumps({"uid": 7, "body": "First story text.", "headline": "One"}),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"uid": 8, "body": ["not", "text"], "headline": "Two"}),
        "",
        json.dumps({"uid": 9, "body": "Third story text.", "headline": None}),
    ]
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_table(
        export, tmp_path / "corpus", text_column="body", id_column="uid", title_column="headline"
    )
    assert list(report.written["article_id"]) == ["7", "9"]  # numbers become ids as text
    problems = dict(zip(report.skipped["source"], report.skipped["problem"], strict=True))
    assert problems[f"{export}:2"].startswith("not valid JSON")
    assert problems[f"{export}:3"] == "a JSON list, expected an object"
    assert problems[f"{export}:4"] == "column 'body' holds a JSON list, expected text"
    meta, body = read_article(tmp_path / "corpus" / "9.txt")
    assert (meta["title"], body) == ("", "Third story text.\n")


def test_table_defaults_and_derived_ids(tmp_path):
    export = tmp_path / "plain.csv"
    export.write_text("text,section\nOne line.,Local\nTwo line.,\n", encoding="utf-8")
    report = import_table(
        export,
        tmp_path / "corpus",
        extra_columns=["section"],
        defaults={"outlet": "Daily Example", "country": "fr", "language": "en"},
    )
    # no id column: <file stem>-<row number>
    assert list(report.written["article_id"]) == ["plain-000001", "plain-000002"]
    meta, _ = read_article(tmp_path / "corpus" / "plain-000001.txt")
    assert (meta["outlet"], meta["country"], meta["section"]) == ("Daily Example", "FR", "Local")
    assert meta["language"] == "en"


def test_wikinews_candidates_jsonl_yields_150_articles(tmp_path, wikinews_path):
    report = import_table(
        wikinews_path,
        tmp_path,
        id_column="id",
        title_column="title",
        date_column="date",
        outlet_column="outlet",
        url_column="url",
        license_column="license",
    )
    assert report.n_written == 150
    assert report.n_skipped == 0
    assert len(list(tmp_path.glob("*.txt"))) == 150


def test_imported_files_load_with_the_corpus_loader(tmp_path, wikinews_path):
    import_table(wikinews_path, tmp_path / "wn", id_column="id", title_column="title")
    import_table(CSV, tmp_path / "csv", **CSV_MAPPING)
    loaded = load_corpus(tmp_path / "wn")
    assert len(loaded.articles) == 150 and loaded.problems.empty
    loaded = load_corpus(tmp_path / "csv")
    assert sorted(loaded.articles["article_id"]) == ["MX-001", "MX-003", "MX-005"]
    assert loaded.problems.empty


# ---------------------------------------------------------------- web pages


def test_saved_pages(tmp_path):
    report = import_webpages(PAGES, tmp_path)
    assert list(report.written["article_id"]) == ["cafe_du_port", "harbour_bridge"]
    meta, body = read_article(tmp_path / "harbour_bridge.txt")
    # og:title, og:site_name, canonical link, meta author and article:published_time
    assert meta["title"] == "Council votes to repair harbour bridge"
    assert meta["outlet"] == "The Tidewater Courier"
    assert meta["url"] == "https://courier.example.org/2021/03/harbour-bridge"
    assert meta["author"] == "Mara Lindqvist"
    assert meta["date"] == "2021-03-09"
    # three <p> of the article; nav, the h1, the byline, "Most read" and footer left out
    paragraphs = body.strip().split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("The town council voted on Monday")
    assert paragraphs[1].startswith("“We cannot leave the fishing fleet")
    assert paragraphs[2].endswith("while the piers are rebuilt.")
    assert "Most read" not in body and "Copyright" not in body and "Home" not in body


def test_windows_1252_page_with_json_ld(tmp_path):
    import_webpages([PAGES / "cafe_du_port.html"], tmp_path, country="France")
    meta, body = read_article(tmp_path / "cafe_du_port.txt")
    # JSON-LD headline, author and datePublished; the page is windows-1252, é decoded
    assert meta["title"] == "Le café du port rouvre ses portes"
    assert meta["author"] == "Hélène Marchetti"
    assert meta["date"] == "2022-06-14"
    assert meta["outlet"] == "Gazette de Lune"
    assert meta["country"] == "FR"
    # 3 paragraphs and the blockquote; the h2 subheading dropped
    paragraphs = body.strip().split("\n\n")
    assert len(paragraphs) == 4
    assert (
        paragraphs[2] == "Nous voulions garder le comptoir tel qu’il était, a expliqué l’un d’eux."
    )
    assert "Une clientèle fidèle" not in body


def test_page_with_no_text_is_reported(tmp_path):
    report = import_webpages(PAGES, tmp_path, outlet="Courier archive")
    row = report.skipped.set_index("article_id").loc["empty_gallery"]
    assert (row["kind"], row["problem"]) == ("no_text", "no main text found in the page")
    assert row["source"].endswith("empty_gallery.html")
    meta, _ = read_article(tmp_path / "harbour_bridge.txt")
    assert meta["outlet"] == "Courier archive"  # the argument wins over og:site_name


def test_unknown_country_and_missing_folder_are_clear_errors(tmp_path):
    with pytest.raises(MetadataError, match=r"country argument: 'Atlantis' is not"):
        import_webpages(PAGES, tmp_path, country="Atlantis")
    with pytest.raises(UnreadableError, match=r"no_pages: no such file or folder"):
        import_webpages(tmp_path / "no_pages", tmp_path)


def test_missing_file_in_a_list_is_reported(tmp_path):
    report = import_webpages([PAGES / "harbour_bridge.html", tmp_path / "gone.html"], tmp_path)
    assert report.n_written == 1
    assert report.skipped["problem"].iloc[0].startswith("cannot read the file")


# ---------------------------------------------------------------- writer


def test_render_article_layout():
    article = ImportedArticle(
        article_id="a-1", body="One.\n\nTwo.", title="T: a title", date="2020-01-02",
        extra={"country_inferred": True},
    )  # fmt: skip
    assert render_article(article) == (
        "---\narticle_id: a-1\ntitle: 'T: a title'\noutlet: ''\ncountry: ''\n"
        "date: '2020-01-02'\nurl: ''\nauthor: ''\nlicense: ''\ncountry_inferred: true\n"
        "---\nOne.\n\nTwo.\n"
    )


def test_write_article_refuses_to_overwrite(tmp_path):
    article = ImportedArticle(article_id="x", body="Text.")
    write_article(article, tmp_path)
    with pytest.raises(OutputError, match=r"x\.txt: already exists"):
        write_article(article, tmp_path)
    assert not list(tmp_path.glob(".*partial"))


def test_into_that_is_a_file_is_an_output_error(tmp_path):
    (tmp_path / "corpus").write_text("not a folder")
    with pytest.raises(OutputError, match=r"corpus: exists and is not a folder"):
        import_table(CSV, tmp_path / "corpus", **CSV_MAPPING)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("MX-001", "MX-001"),
        ("Le Monde / 2021: été", "Le-Monde-2021-ete"),
        ("../../etc/passwd", "etc-passwd"),
        ("...", "article"),
        ("a" * 200, "a" * 120),
    ],
    ids=["already-safe", "slash-colon-accent", "no-path-escape", "nothing-left", "cut-to-120"],
)
def test_safe_article_id(raw, expected):
    assert safe_article_id(raw) == expected


@given(st.text(max_size=300))
def test_safe_article_id_is_always_a_plain_file_name(raw):
    safe = safe_article_id(raw)
    assert re.fullmatch(r"[A-Za-z0-9._-]{1,120}", safe)
    assert not safe.startswith(".")


@given(st.text(max_size=80), st.text(max_size=200))
def test_front_matter_round_trips_any_title(title, body):
    article = ImportedArticle(article_id="a", body=body, title=title)
    text = render_article(article)
    front = text[4:].split("\n---\n", 1)[0]
    assert yaml.safe_load(front)["title"] == " ".join(title.split())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A\r\nstill A\r\n\r\n\r\nB  \t b", "A\nstill A\n\nB b"),
        ("one\ntwo\nthree", "one\n\ntwo\n\nthree"),
        ("\n\n  only  \n\n", "only"),
    ],
    ids=["crlf-and-blank-runs", "no-blank-line-means-line-per-paragraph", "padding-stripped"],
)
def test_normalize_body(text, expected):
    assert normalize_body(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-03-09", "2021-03-09"),
        ("2021-03-09T23:30:00-05:00", "2021-03-09"),
        ("March 9, 2021", "2021-03-09"),
        ("Tuesday, 9 March 2021", "2021-03-09"),
        ("", ""),
    ],
    ids=["iso", "iso-datetime-keeps-its-day", "us-words", "weekday-and-day-first", "empty"],
)
def test_normalize_date(value, expected):
    assert normalize_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("fr", "FR"), ("DEU", "DE"), ("Viet Nam", "VN"), ("UK", "GB"), ("russia", "RU")],
    ids=["alpha2-lower", "alpha3", "iso-name", "short-name-alias", "alias-case-free"],
)
def test_normalize_country(value, expected):
    assert normalize_country(value) == expected


def test_slugify_cuts_after_a_whole_word():
    assert slugify("Café opens, 24 hours a day", max_chars=18) == "cafe-opens-24"


# ---------------------------------------------------------------- command line


def test_command_imports_and_prints_a_summary(tmp_path, capsys):
    report_csv = tmp_path / "report.csv"
    args = ["table", str(CSV), "--into", str(tmp_path / "c"), "--text-column", "Body text"]
    args += ["--id-column", "Story ID", "--report", str(report_csv)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "wrote 3 article(s)" in out and "skipped 2: 1 duplicate, 1 no_text" in out
    assert f"skipped {CSV}:5: column 'Body text' is empty" in out
    assert report_csv.read_text().splitlines()[0] == (
        "status,source,article_id,path,kind,problem,note"
    )
    # same command again: every row now exists, nothing overwritten
    assert main(["import", *args]) == 0
    assert "wrote 0 article(s)" in capsys.readouterr().out


def test_command_wikinews_and_webpages(tmp_path, capsys):
    assert main(["wikinews", str(DATA / "wikinews_export.xml"), "--into", str(tmp_path),
                 "--category", "Ireland"]) == 0  # fmt: skip
    assert "wrote 1 article(s)" in capsys.readouterr().out
    assert main(["webpages", str(PAGES), "--into", str(tmp_path), "--country", "GB"]) == 0
    assert "wrote 2 article(s)" in capsys.readouterr().out


def test_command_reports_unmapped_column_and_returns_1(tmp_path, capsys):
    assert main(["table", str(CSV), "--into", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"import failed: {CSV}: no column 'text'" in err


def test_import_command_plugs_into_another_parser(tmp_path, capsys):
    import argparse

    from analysis.importers import add_import_arguments

    parser = argparse.ArgumentParser(prog="newsroom-workbook")
    add_import_arguments(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["import", "webpages", str(PAGES), "--into", str(tmp_path)])
    assert args.run(args) == 0  # the main CLI calls args.run
    assert "wrote 2 article(s)" in capsys.readouterr().out


# ---------------------------------------------------------------- hostile input (issue 19)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("CON", "CON_"), ("com1", "com1_"), ("nul.backup", "nul.backup_"), ("LPT9", "LPT9_"),
     ("CONSOLE", "CONSOLE"), ("CON" + "x" * 200, "CON" + "x" * 117)],
)  # fmt: skip
def test_windows_reserved_names_are_never_written(raw, expected):
    assert safe_article_id(raw) == expected


def test_distinct_ids_that_clean_to_one_name_are_both_written(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text(
        "id,text\na/b,First text.\na:b,Second text.\nA-B,Third text.\na/b,Same id again.\n",
        encoding="utf-8",
    )
    report = import_table(table, tmp_path / "into", id_column="id")
    assert report.n_written == 3
    ids = report.written["article_id"].tolist()
    assert ids[0] == "a-b" and all(i.startswith(("a-b-", "A-B-")) for i in ids[1:])
    assert len({i.casefold() for i in ids}) == 3  # distinct on a case-blind disk too
    assert "cleans to the file name of the earlier id 'a/b'" in report.written.loc[1, "note"]
    assert report.skipped[["source", "kind"]].values.tolist() == [[f"{table}:5", "duplicate"]]
    bodies = sorted(read_article(tmp_path / "into" / f"{i}.txt")[1] for i in ids)
    assert bodies == ["First text.\n", "Second text.\n", "Third text.\n"]


def test_a_lone_surrogate_in_jsonl_is_written_as_a_replacement_character(tmp_path):
    table = tmp_path / "t.jsonl"
    table.write_text(
        '{"id": "a", "title": "Smile \\ud83d", "text": "Broken emoji \\ud83d here."}\n'
        '{"id": "b", "text": "The next row."}\n',
        encoding="utf-8",
    )
    report = import_table(table, tmp_path / "into", id_column="id", title_column="title")
    assert report.written["article_id"].tolist() == ["a", "b"]
    meta, body = read_article(tmp_path / "into" / "a.txt")
    assert (meta["title"], body) == ("Smile \ufffd", "Broken emoji \ufffd here.\n")
    assert sorted(p.name for p in (tmp_path / "into").iterdir()) == ["a.txt", "b.txt"]


def test_import_webpages_skips_a_named_pipe_instead_of_hanging(tmp_path):
    import os

    folder = tmp_path / "pages"
    folder.mkdir()
    for page in PAGES.iterdir():
        (folder / page.name).write_bytes(page.read_bytes())
    os.mkfifo(folder / "pipe.html")
    report = import_webpages(folder, tmp_path / "into")
    assert report.skipped.loc[
        report.skipped["source"].str.endswith("pipe.html"), "problem"
    ].tolist() == ["not a regular file (a named pipe, device or socket)"]
    assert report.n_written >= 1

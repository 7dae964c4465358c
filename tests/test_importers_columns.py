"""`import table` maps the usual column names to corpus metadata without flags."""

from __future__ import annotations

import json

import pytest
import yaml

from analysis.cli import main
from analysis.importers.tabular import import_table, map_columns


def front_matter(path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (["title", "text"], {"title": "title", "text": "text"}),
        (["Headline", "Body", "Link"], {"title": "Headline", "text": "Body", "url": "Link"}),
        (
            ["PUBLISHER", "byline", "Licence"],
            {"outlet": "PUBLISHER", "author": "byline", "license": "Licence"},
        ),
        # "source" is an outlet only when no better name is there
        (["source", "content"], {"outlet": "source", "text": "content"}),
        (["outlet", "source", "content"], {"outlet": "outlet", "text": "content"}),
        (
            ["Publish Date", "country_code", "ID"],
            {"date": "Publish Date", "country": "country_code", "article_id": "ID"},
        ),
        (["notes", "score"], {}),
    ],
    ids=[
        "plain",
        "headline-body-link",
        "publisher-byline-licence",
        "source-as-outlet",
        "outlet-beats-source",
        "spaces-and-case",
        "nothing-known",
    ],
)
def test_usual_column_names_are_mapped(header, expected):
    mapped = {k: v for k, v in map_columns(header, {}).items() if v is not None}
    assert mapped == expected


def test_a_flag_overrides_the_guess_and_a_column_serves_one_key():
    mapped = map_columns(["headline", "title", "body"], {"title": "headline"})
    assert mapped["title"] == "headline"
    # "title" is not taken by another key just because it is free
    assert "title" not in {v for k, v in mapped.items() if k != "title"}


def test_csv_with_usual_names_keeps_its_metadata_and_reports_columns(tmp_path, capsys):
    export = tmp_path / "export.csv"
    export.write_text(
        "Headline,Body,Link,Publisher,Byline,Licence,Published,Country,Score\n"
        'Dam opens,"“It works,” said Ada Lang.",https://example.org/1,Daily,Ann Bee,CC-BY-4.0,2021-03-04,France,7\n',
        encoding="utf-8",
    )
    assert main(["import", "table", str(export), "--into", str(tmp_path / "imported")]) == 0
    out = capsys.readouterr().out
    assert "title <- 'Headline'" in out and "license <- 'Licence'" in out
    assert "columns dropped: Score" in out
    (written,) = sorted((tmp_path / "imported").glob("*.txt"))
    meta = front_matter(written)
    assert meta == {
        "article_id": "export-000001",
        "title": "Dam opens",
        "outlet": "Daily",
        "country": "FR",
        "date": "2021-03-04",
        "url": "https://example.org/1",
        "author": "Ann Bee",
        "license": "CC-BY-4.0",
    }


def test_missing_text_column_still_names_the_columns_found(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text("headline,notes\nA,B\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"no column 'text'.*headline, notes"):
        import_table(export, tmp_path / "imported")


def test_wikinews_sample_imports_with_titles_dates_urls_and_licences(wikinews_path, tmp_path):
    report = import_table(wikinews_path, tmp_path / "imported")
    assert report.n_written == 150
    records = [json.loads(line) for line in wikinews_path.read_text(encoding="utf-8").splitlines()]
    by_id = {r["id"]: r for r in records}
    for path in sorted((tmp_path / "imported").glob("*.txt")):
        meta = front_matter(path)
        record = by_id[meta["article_id"]]
        assert (meta["title"], meta["date"], meta["url"], meta["license"], meta["outlet"]) == (
            record["title"],
            record["date"],
            record["url"],
            record["license"],
            record["outlet"],
        )
    assert any("columns dropped: topic_guess, n_direct_quotes, source" in n for n in report.notes)

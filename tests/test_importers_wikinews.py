"""Wikinews XML importer, checked against tests/data/importers/wikinews_export.xml by hand.

The export (written for these tests) holds five pages:
101 a published article dense with markup to strip, 102 a redirect, 103 a template,
104 an archived article with two revisions and no {{date}}, 105 a {{develop}} draft.
"""

from __future__ import annotations

import bz2
from pathlib import Path

import pytest
import yaml

from analysis.errors import MetadataError, UnreadableError
from analysis.importers import clean_wikitext, import_wikinews, infer_country
from analysis.importers.wikinews import page_url

DATA = Path(__file__).parent / "data" / "importers"
EXPORT = DATA / "wikinews_export.xml"
FERRY_ID = "wikinews-2021-03-08-ferry-service-resumes-between-tallinn-and-helsinki-after"
CORK_ID = "wikinews-2019-11-04-library-in-cork-extends-opening-hours"
WIND_ID = "wikinews-2021-05-30-wind-farm-plan-draws-objections"


def read_article(path: Path) -> tuple[dict, str]:
    """Front matter and body of a written corpus file."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    front, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(front), body


def test_export_writes_the_three_main_namespace_articles(tmp_path):
    report = import_wikinews(EXPORT, tmp_path)
    # pages 101, 104, 105 are articles; 102 redirects and 103 is in namespace 10
    assert sorted(report.written["article_id"]) == [CORK_ID, FERRY_ID, WIND_ID]
    assert sorted(p.name for p in tmp_path.glob("*.txt")) == sorted(
        f"{i}.txt" for i in [CORK_ID, FERRY_ID, WIND_ID]
    )
    skipped = report.skipped.set_index("source")
    assert skipped.loc["Tallinn", "kind"] == "not_article"
    assert "redirect" in skipped.loc["Tallinn", "problem"]
    assert skipped.loc["Template:Haveyoursay", "problem"] == "namespace 10, not an article"


def test_ferry_body_keeps_only_article_paragraphs(tmp_path):
    import_wikinews(EXPORT, tmp_path)
    _, body = read_article(tmp_path / f"{FERRY_ID}.txt")
    # By hand: {{date}}, the infobox, the image with its caption, __NOTOC__, the <ref> and
    # the comment go; [[w:Tallinn|Tallinn]], {{w|Helsinki}} and [[Estonia]] keep their text,
    # {{w|Reuters|reporters}} shows "reporters"; the Background heading goes but its
    # sentence stays; the table goes; Related news, Sources and External links go whole,
    # with the {{haveyoursay}}, {{publish}}, categories and the fr: link inside the last one.
    assert body == (
        "Ferries between Tallinn and Helsinki sailed again on Monday after dock workers in "
        "Estonia ended a five-day strike.\n\n"
        'The operator said about 9,000 passengers had been stranded. "We are glad the ships '
        'are moving," a spokesperson told reporters.\n\n'
        "Talks had broken down over night-shift pay.\n"
    )


def test_ferry_front_matter(tmp_path):
    import_wikinews(EXPORT, tmp_path)
    meta, _ = read_article(tmp_path / f"{FERRY_ID}.txt")
    assert list(meta)[:8] == [
        "article_id", "title", "outlet", "country", "date", "url", "author", "license",
    ]  # fmt: skip
    assert meta["article_id"] == FERRY_ID
    assert meta["title"] == "Ferry service resumes between Tallinn and Helsinki after strike"
    assert meta["date"] == "2021-03-08"  # {{date|March 8, 2021}}, not the 2021-03-10 revision
    assert meta["url"] == (
        "https://en.wikinews.org/wiki/"
        "Ferry_service_resumes_between_Tallinn_and_Helsinki_after_strike"
    )
    assert meta["license"] == "CC-BY-2.5"
    assert meta["outlet"] == "Wikinews"
    # title names no country; the lead's first country is Estonia (Tallinn is a city)
    assert meta["country"] == "EE"
    assert meta["country_inferred"] is True
    assert meta["categories"] == ["Estonia", "Finland", "Transport"]
    assert meta["url"] in meta["attribution"] and "CC BY 2.5" in meta["attribution"]
    assert "date_from_revision" not in meta


def test_article_without_date_template_uses_latest_revision(tmp_path):
    import_wikinews(EXPORT, tmp_path)
    meta, body = read_article(tmp_path / f"{CORK_ID}.txt")
    # no {{date}}: the later of the two revisions is 2019-11-04T16:45:00Z
    assert meta["date"] == "2019-11-04"
    assert meta["date_from_revision"] is True
    assert meta["revision_id"] == "9011"
    assert meta["country"] == "IE"  # "Cork, [[Ireland]]" in the lead
    # the line break inside the first paragraph joins with a space; list items stand alone
    assert body == (
        "The city library in Cork, Ireland, will stay open until ten at night from next "
        "month, the council announced on Friday.\n\n"
        "The change follows a petition signed by students:\n\n"
        "weekday hours extended by three hours\n\n"
        "Sunday opening added\n"
    )


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"since": "2021-01-01"}, [FERRY_ID, WIND_ID]),
        ({"until": "2020-12-31"}, [CORK_ID]),
        ({"since": "2021-03-01", "until": "2021-04-01"}, [FERRY_ID]),
        ({"categories": ["transport"]}, [FERRY_ID]),
        ({"categories": ["Denmark", "Ireland"]}, [CORK_ID, WIND_ID]),
        ({"published_only": True}, [CORK_ID, FERRY_ID]),
    ],
    ids=[
        "since-2021-drops-cork",
        "until-2020-only-cork",
        "march-2021-only-ferry",
        "category-case-free",
        "any-of-two-categories",
        "published-only-drops-develop-draft",
    ],
)
def test_filters(tmp_path, options, expected):
    report = import_wikinews(EXPORT, tmp_path, **options)
    assert sorted(report.written["article_id"]) == expected
    n_filtered = (report.skipped["kind"] == "filtered").sum()
    assert n_filtered == 3 - len(expected)


def test_bad_date_argument_is_a_clear_error(tmp_path):
    with pytest.raises(MetadataError, match=r"since argument: .*'last week'"):
        import_wikinews(EXPORT, tmp_path, since="last week")


def test_missing_export_names_the_file(tmp_path):
    with pytest.raises(UnreadableError, match=r"nowhere\.xml: no such file"):
        import_wikinews(tmp_path / "nowhere.xml", tmp_path / "corpus")


def test_bz2_export_gives_the_same_articles(tmp_path):
    packed = tmp_path / "export.xml.bz2"
    packed.write_bytes(bz2.compress(EXPORT.read_bytes()))
    report = import_wikinews(packed, tmp_path / "corpus")
    assert sorted(report.written["article_id"]) == [CORK_ID, FERRY_ID, WIND_ID]
    import_wikinews(EXPORT, tmp_path / "plain")
    for name in report.written["path"]:
        assert (tmp_path / "corpus" / name).read_text() == (tmp_path / "plain" / name).read_text()


def test_truncated_export_keeps_pages_read_before(tmp_path):
    text = EXPORT.read_text(encoding="utf-8")
    cut = tmp_path / "cut.xml"
    # cut inside page 104's text: pages 101-103 are complete, 104 and 105 are lost
    cut.write_text(text[: text.index("The change follows")], encoding="utf-8")
    report = import_wikinews(cut, tmp_path / "corpus")
    assert list(report.written["article_id"]) == [FERRY_ID]
    truncated = report.skipped.loc[lambda d: d["kind"] == "truncated"]
    assert len(truncated) == 1
    assert truncated["source"].iloc[0] == str(cut)
    assert "kept the 3 page(s) read before" in truncated["problem"].iloc[0]


def test_truncated_bz2_is_reported(tmp_path):
    packed = bz2.compress(EXPORT.read_bytes())
    cut = tmp_path / "cut.xml.bz2"
    cut.write_bytes(packed[: len(packed) - 40])
    report = import_wikinews(cut, tmp_path / "corpus")
    assert (report.skipped["kind"] == "truncated").sum() == 1


def test_existing_files_are_not_overwritten(tmp_path):
    import_wikinews(EXPORT, tmp_path)
    mine = tmp_path / f"{FERRY_ID}.txt"
    mine.write_text("---\ntitle: edited by hand\n---\nMy corrections.\n", encoding="utf-8")
    again = import_wikinews(EXPORT, tmp_path)
    assert again.n_written == 0
    assert (again.skipped["kind"] == "exists").sum() == 3
    assert mine.read_text(encoding="utf-8").endswith("My corrections.\n")
    replaced = import_wikinews(EXPORT, tmp_path, overwrite=True)
    assert replaced.n_written == 3
    assert "My corrections" not in mine.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("wikitext", "expected"),
    [
        ("[[File:A.jpg|thumb|A caption]]Text.", "Text."),
        ("[[Image:B.png|left|Caption with [[a link]]]]\nText.", "Text."),
        ("Text.\n[[Category:Sport]]", "Text."),
        ("Text.\n[[de:Text auf Deutsch]]", "Text."),
        ("See [[:Category:Sport|sport news]].", "See sport news."),
        ("Said {{w|Jane Roe|Roe}} and [[w:John Doe]].", "Said Roe and John Doe."),
        ("A [[Portal:Europe|European]] story.", "A European story."),
        ("Cost rose.<ref name=a>Source.</ref>", "Cost rose."),
        ("Cost rose.<ref name=b />", "Cost rose."),
        ("'''Bold''' and ''italic''.", "Bold and italic."),
        ("A.\n== Sources ==\n* x\n== Background ==\nB.", "A.\n\nB."),
        ("A.\n== Sources ==\n=== Print ===\nx\n\nB would be lost.", "A."),
        ("A.\n{| class=x\n| cell\n|}\nB.", "A.\n\nB."),
        ("Visit [https://example.org the site], [https://example.org/2].", "Visit the site, ."),
        ("Read https://example.org today.", "Read https://example.org today."),
        ("A&nbsp;B &amp; C.", "A B & C."),
        ("{{Infobox|name=X}}{{date|June 2, 2020}}", ""),
    ],
    ids=[
        "file-link-and-caption-dropped",
        "image-caption-with-nested-link-dropped",
        "category-tag-dropped",
        "interlanguage-link-dropped",
        "colon-category-link-shows-text",
        "w-template-and-w-interwiki-show-text",
        "portal-link-shows-text",
        "ref-dropped",
        "self-closing-ref-dropped",
        "bold-italic-markup-stripped",
        "sources-section-dropped-later-section-kept",
        "subsections-of-sources-dropped",
        "table-dropped",
        "external-link-title-kept-numbered-link-dropped",
        "bare-url-shown-as-itself",
        "entities-decoded-nbsp-becomes-space",
        "templates-only-page-is-empty",
    ],
)
def test_clean_wikitext_hand_checked(wikitext, expected):
    assert clean_wikitext(wikitext).body == expected


def test_clean_wikitext_reads_date_categories_and_publish_mark():
    page = clean_wikitext("{{date|June 2, 2020}}\nText.\n{{publish}}\n[[Category:Sport|x]]")
    assert page.date_text == "June 2, 2020"
    assert page.categories == ("Sport",)
    assert page.is_published


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Floods in New Mexico close roads", "US"),
        ("Bushfires in New South Wales; UK sends aid", "AU"),
        ("Britain and France sign deal", "GB"),
        ("Talks in Viet Nam end", "VN"),
        ("U.S. envoy visits Kenya", "US"),
        ("Election results in Bolivia", "BO"),
        ("Russian troops leave base", ""),
        ("Storm closes schools", ""),
        ("Mexico City mayor resigns", "MX"),
    ],
    ids=[
        "us-state-containing-mexico-is-us",
        "australian-state-before-uk",
        "first-named-wins",
        "iso-name",
        "dotted-short-name",
        "pycountry-common-name",
        "adjective-not-a-name",
        "no-country",
        "city-containing-country-name",
    ],
)
def test_infer_country(text, expected):
    assert infer_country(text) == expected


def test_page_url_keeps_mediawiki_safe_characters():
    assert page_url("Storm hits Chile, Peru (update)") == (
        "https://en.wikinews.org/wiki/Storm_hits_Chile,_Peru_(update)"
    )
    assert page_url("Café reopens?") == "https://en.wikinews.org/wiki/Caf%C3%A9_reopens%3F"


def test_importer_lexicons_load_have_headers_and_valid_codes():
    import importlib.resources

    import pycountry

    from analysis.lexicons import available_lexicons, load_lines

    names = [n for n in available_lexicons() if n.startswith("importer_")]
    assert len(names) == 5
    folder = importlib.resources.files("analysis") / "lexicons"
    for name in names:
        assert load_lines(name), name
        assert (folder / f"{name}.txt").read_text(encoding="utf-8").startswith("#"), name
    for line in load_lines("importer_country_aliases"):
        alias, _, code = line.rpartition("|")
        assert alias and pycountry.countries.get(alpha_2=code) is not None, line


# --- hostile exports (issue 19) ------------------------------------------------------------


def one_page_export(folder: Path, *, title: str, page_id: str, timestamp: str) -> Path:
    """A minimal MediaWiki export of one main-namespace page with one revision."""
    text = "{{date|}}\nThe council met on Monday, a spokeswoman said.\n"
    path = folder / "export.xml"
    path.write_text(
        '<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/"><page>'
        f"<title>{title}</title><ns>0</ns><id>{page_id}</id>"
        f"<revision><id>1</id><timestamp>{timestamp}</timestamp>"
        f"<text>{text}</text></revision></page></mediawiki>",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("page_id", ["../../outside/evil", "a/b", "/etc/x", "CON"])
def test_a_page_id_never_names_a_file_outside_into(tmp_path, page_id):
    export = one_page_export(
        tmp_path, title="!!!", page_id=page_id, timestamp="2020-01-02T00:00:00Z"
    )
    (tmp_path / "outside").mkdir()
    into = tmp_path / "deep" / "into"
    (into / ".." / ".." / "outside").mkdir(parents=True, exist_ok=True)
    report = import_wikinews(export, into)
    assert report.n_written == 1
    written = [p.relative_to(into).as_posix() for p in into.rglob("*") if p.is_file()]
    assert written == [f"{report.written.loc[0, 'article_id']}.txt"]
    assert "/" not in report.written.loc[0, "article_id"]
    assert not any((tmp_path / "outside").iterdir())


def test_a_link_planted_at_the_temporary_name_is_not_written_through(tmp_path):
    export = one_page_export(
        tmp_path, title="Council meets", page_id="7", timestamp="2020-01-02T00:00:00Z"
    )
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    into = tmp_path / "into"
    into.mkdir()
    article_id = "wikinews-2020-01-02-council-meets"
    (into / f".{article_id}.txt.partial").symlink_to(victim)  # the old, predictable name
    report = import_wikinews(export, into)
    assert report.written["article_id"].tolist() == [article_id]
    assert victim.read_text() == "keep"
    assert (into / f"{article_id}.txt").read_text(encoding="utf-8").startswith("---\n")


def test_a_bad_revision_timestamp_costs_only_the_date(tmp_path):
    export = one_page_export(
        tmp_path, title="Council meets", page_id="7", timestamp="yesterday-ish"
    )
    report = import_wikinews(export, tmp_path / "into")
    assert report.written["article_id"].tolist() == ["wikinews-council-meets"]
    meta, _ = read_article(tmp_path / "into" / "wikinews-council-meets.txt")
    assert meta["date"] == ""

"""The corpus loader: formats, metadata, the bundled article, and every kind of bad input."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.corpus import ARTICLE_COLUMNS, PROBLEM_COLUMNS, load_corpus, split_furniture
from analysis.errors import (
    ArticleEncodingError,
    BinaryArticleError,
    CorpusError,
    DuplicateArticleError,
    EmptyArticleError,
    MetadataError,
    OversizeArticleError,
    RecordFormatError,
    UnsupportedFileError,
)

REPO = Path(__file__).resolve().parents[1]
GOOD = "First paragraph of the story.\n\nSecond paragraph, said a source."


def problems_of(folder: Path) -> list[tuple[str, str, str]]:
    return [
        tuple(row) for row in load_corpus(folder).problems[PROBLEM_COLUMNS].itertuples(index=False)
    ]


# --- the bundled corpus ---------------------------------------------------------------


def test_bundled_case_study_metadata_and_body(seed_text_path):
    corpus = load_corpus(REPO / "corpus")
    assert corpus.problems.empty
    assert len(corpus.articles) == 1
    article = corpus.articles.iloc[0]
    assert article["article_id"] == "000_b1a77089e6833a8a"
    assert article["title"] == "US Warns of Potential ISIS Regrouping in Libya"
    assert article["author"] == "Libyan Gazette Editorial Staff"  # the "(Author: ...)" line
    assert (article["outlet"], article["country"], article["date"]) == ("Libyan Gazette", "LY", "")
    assert article["source"] == "000_b1a77089e6833a8a.txt"
    # body: from the first paragraph after the author line to the end of Porter's quote
    assert article["text"].startswith("The US Department of State is “watching very carefully”")
    assert article["text"].endswith("It can’t do that anymore.”")
    # the two related-article headlines are furniture: removed from the text, kept aside
    assert article["furniture"] == (
        "EU: Libyan Cities Profiting Millions from Smuggling Business\n"
        "Benghazi Medical Centre Targeted by Terrorist Attacks"
    )
    # the body is the seed file's text between the author line and the furniture
    seed = seed_text_path.read_text(encoding="utf-8")
    assert article["text"] in seed


def test_plain_txt_without_front_matter(tmp_path):
    (tmp_path / "story.txt").write_text(
        "\n\nA Headline\n\nBy Jane Doe\n\n" + GOOD + "\n", encoding="utf-8"
    )
    article = load_corpus(tmp_path).articles.iloc[0]
    assert (article["article_id"], article["title"], article["author"]) == (
        "story",
        "A Headline",
        "Jane Doe",
    )
    assert article["text"] == GOOD


def test_front_matter_keys_aliases_and_extras(tmp_path):
    (tmp_path / "a.txt").write_text(
        "---\nid: x1\ntitle: T\npublisher: Daily\ncountry: gb\ndate: 2016-09-12\ntopic: war\n---\n"
        + GOOD,
        encoding="utf-8",
    )
    row = load_corpus(tmp_path).articles.iloc[0]
    assert (row["article_id"], row["outlet"], row["country"], row["date"]) == (
        "x1",
        "Daily",
        "GB",
        "2016-09-12",
    )
    assert row["topic"] == "war"  # unknown keys are kept as extra columns
    assert row["text"] == GOOD  # the title came from front matter, so no line is taken


def test_folder_defaults_apply_below_and_article_wins(tmp_path):
    (tmp_path / "corpus.yaml").write_text("outlet: Gazette\ncountry: LY\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text(
        "---\ncountry: TN\n---\nTitle\n\n" + GOOD, encoding="utf-8"
    )
    (tmp_path / "a.txt").write_text("Title\n\n" + GOOD, encoding="utf-8")
    table = load_corpus(tmp_path).articles.set_index("article_id")
    assert table.loc["a", ["outlet", "country"]].tolist() == ["Gazette", "LY"]
    assert table.loc["sub/b", ["outlet", "country"]].tolist() == ["Gazette", "TN"]


def test_mixed_folder_sorted_and_deterministic(tmp_path):
    (tmp_path / "b.txt").write_text("B title\n\n" + GOOD, encoding="utf-8")
    (tmp_path / "a.jsonl").write_text(
        json.dumps({"id": "z9", "text": GOOD, "title": "J"})
        + "\n"
        + json.dumps({"text": GOOD})
        + "\n",
        encoding="utf-8",
    )
    (tmp_path / "c.csv").write_text(
        'article_id,title,text\nc1,"Quoted, title","Line one.\n\nLine two."\n', encoding="utf-8"
    )
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert corpus.problems.empty
    # sorted by article_id; a JSONL record without an id is "<file>:<line>"
    assert corpus.articles["article_id"].tolist() == ["a:2", "b", "c1", "z9"]
    assert corpus.articles["source"].tolist() == ["a.jsonl:2", "b.txt", "c.csv:2", "a.jsonl:1"]
    assert corpus.articles.set_index("article_id").loc["c1", "text"] == "Line one.\n\nLine two."
    assert list(corpus.articles.columns[: len(ARTICLE_COLUMNS)]) == ARTICLE_COLUMNS
    pd_equal = load_corpus(tmp_path).articles.equals(corpus.articles)
    assert pd_equal


def test_single_file_path(tmp_path):
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps({"article_id": "k", "text": GOOD}) + "\n", encoding="utf-8")
    assert load_corpus(path).articles["article_id"].tolist() == ["k"]


def test_wikinews_sample_loads_without_problems(wikinews_path):
    corpus = load_corpus(wikinews_path)
    assert corpus.problems.empty
    assert len(corpus.articles) == 150
    assert corpus.articles["article_id"].is_unique
    assert set(corpus.articles["outlet"]) == {"Wikinews"}
    assert (corpus.articles["furniture"] == "").all()  # clean texts lose nothing


def test_missing_path_is_an_error():
    with pytest.raises(CorpusError, match=r"no-such-folder: no such file or folder"):
        load_corpus("no-such-folder")


# --- bad input: each becomes a problem row naming the file and the problem ------------

BAD_FILES = [
    ("empty.txt", b"", "EmptyArticleError", "empty file"),
    ("blank.txt", b"  \n\t\n", "EmptyArticleError", "only white space, no text"),
    (
        "title-only.txt",
        b"Just a title\n",
        "EmptyArticleError",
        "no article text after the metadata and title",
    ),
    (
        "binary.txt",
        b"GIF89a\x00\x01\x02\x03",
        "BinaryArticleError",
        "binary data, not text (NUL byte at offset 6)",
    ),
    (
        "control.txt",
        bytes(range(1, 9)) * 20,
        "BinaryArticleError",
        "binary data, not text (160 control characters)",
    ),
    (
        "open.txt",
        b"---\ntitle: x\n" + GOOD.encode(),
        "MetadataError",
        "front matter opened with '---' on line 1 is never closed by a '---' line",
    ),
    (
        "yaml.txt",
        b"---\ntitle: [unclosed\n---\n" + GOOD.encode(),
        "MetadataError",
        "front matter is not valid YAML: expected ',' or ']', but got '<stream end>' at line 2",
    ),
    (
        "list.txt",
        b"---\n- a\n- b\n---\n" + GOOD.encode(),
        "MetadataError",
        "front matter must be 'key: value' lines, found a list",
    ),
    (
        "date.txt",
        b"---\ndate: 2016-13-01\n---\nT\n\n" + GOOD.encode(),
        "MetadataError",
        "metadata 'date' is '2016-13-01', not a date written YYYY-MM-DD",
    ),
    (
        "country.txt",
        b"---\ncountry: Libya\n---\nT\n\n" + GOOD.encode(),
        "MetadataError",
        "metadata 'country' is 'Libya', expected an ISO 3166-1 alpha-2 code (for Libya, 'LY')",
    ),
    (
        "type.txt",
        b"---\ntitle: [a, b]\n---\n" + GOOD.encode(),
        "MetadataError",
        "metadata 'title' is a list, expected text",
    ),
    (
        "page.html",
        b"<html></html>",
        "UnsupportedFileError",
        "not a corpus file: '.html' is not one of .txt, .jsonl, .csv",
    ),
]


@pytest.mark.parametrize(
    ("name", "data", "error", "problem"), BAD_FILES, ids=[case[0] for case in BAD_FILES]
)
def test_bad_file_is_a_problem_and_the_rest_loads(tmp_path, name, data, error, problem):
    (tmp_path / "good.txt").write_text("Good\n\n" + GOOD, encoding="utf-8")
    (tmp_path / name).write_bytes(data)
    corpus = load_corpus(tmp_path)
    assert corpus.articles["article_id"].tolist() == ["good"]
    assert problems_of(tmp_path) == [(name, error, problem)]


def test_oversize_file(tmp_path):
    (tmp_path / "big.txt").write_bytes(b"T\n\n" + b"word " * 500)
    (tmp_path / "small.txt").write_text("T\n\n" + GOOD, encoding="utf-8")
    corpus = load_corpus(tmp_path, max_bytes=1000)
    assert corpus.articles["article_id"].tolist() == ["small"]
    assert problems_of_table(corpus) == [
        # 3 bytes of title and blank line, then 500 x 5 bytes of "word "
        ("big.txt", "OversizeArticleError", "2,503 bytes, over the 1,000 bytes limit (max_bytes)")
    ]


def problems_of_table(corpus):
    return [tuple(row) for row in corpus.problems[PROBLEM_COLUMNS].itertuples(index=False)]


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("cp1252", "cp1252"),
        ("utf-16", "utf-16"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16-le", "utf-16-le"),
    ],
    ids=["windows-1252", "utf16-bom", "utf8-bom", "utf16-no-bom"],
)
def test_other_encodings_are_decoded_and_recorded(tmp_path, encoding, expected):
    text = "Café talks\n\nThe minister said the talks in Zürich were “très difficiles” for everyone involved."
    (tmp_path / "a.txt").write_bytes(text.encode(encoding))
    article = load_corpus(tmp_path).articles.iloc[0]
    assert (article["title"], article["encoding"]) == ("Café talks", expected)
    assert article["text"] == text.split("\n\n", 1)[1]


def test_mixed_line_endings_become_newlines(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"Title\r\n\r\nOne line.\rTwo line.\r\n\r\nThree.")
    assert load_corpus(tmp_path).articles.iloc[0]["text"] == "One line.\nTwo line.\n\nThree."


def test_jsonl_bad_lines_are_problems_and_good_lines_load(tmp_path):
    lines = [
        json.dumps({"id": "ok1", "text": GOOD}),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"id": "notext", "body_text": GOOD}),
        json.dumps({"id": "ok1", "text": GOOD}),
        "",
        json.dumps({"id": "ok2", "text": GOOD})[:-5],  # truncated last line, no newline
    ]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines), encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert corpus.articles["article_id"].tolist() == ["ok1"]
    assert problems_of_table(corpus) == [
        (
            "feed.jsonl:2",
            "RecordFormatError",
            "not valid JSON: Expecting property name enclosed in double quotes (column 2)",
        ),
        (
            "feed.jsonl:3",
            "RecordFormatError",
            "a JSON list, expected an object with a 'text' field",
        ),
        ("feed.jsonl:4", "RecordFormatError", "no 'text' field (fields: article_id, body_text)"),
        (
            "feed.jsonl:5",
            "DuplicateArticleError",
            "duplicate article_id 'ok1' (first used by feed.jsonl:1)",
        ),
        (
            "feed.jsonl:7",
            "RecordFormatError",
            "not valid JSON: Unterminated string starting at (column 23) (the file may be truncated)",
        ),
    ]


def test_csv_without_text_column(tmp_path):
    (tmp_path / "export.csv").write_text("id,content\n1,hello\n", encoding="utf-8")
    (tmp_path / "good.txt").write_text("Good\n\n" + GOOD, encoding="utf-8")
    assert problems_of(tmp_path) == [
        ("export.csv", "RecordFormatError", "no 'text' column (columns: id, content)")
    ]


def test_csv_bad_rows_and_bad_quoting(tmp_path):
    (tmp_path / "export.csv").write_text(
        'id,text\n1,"Fine text."\n2,"a","extra"\n3,"broken "quote" here"\n4,"still read"\n',
        encoding="utf-8",
    )
    corpus = load_corpus(tmp_path)
    # line 4 is dropped at the stray quote; reading resumes at line 5, so row 4 is kept
    assert corpus.articles["article_id"].tolist() == ["1", "4"]
    assert problems_of_table(corpus) == [
        ("export.csv:3", "RecordFormatError", "3 fields, the header has 2"),
        (
            "export.csv:4",
            "RecordFormatError",
            "bad CSV (',' expected after '\"'); line 4 skipped, reading went on after it",
        ),
    ]


def test_duplicate_ids_across_files_keep_the_first(tmp_path):
    (tmp_path / "a.txt").write_text("---\nid: same\n---\n" + GOOD, encoding="utf-8")
    (tmp_path / "b.txt").write_text("---\nid: same\n---\n" + GOOD, encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert corpus.articles["source"].tolist() == ["a.txt"]
    assert problems_of_table(corpus) == [
        ("b.txt", "DuplicateArticleError", "duplicate article_id 'same' (first used by a.txt)")
    ]


def test_malformed_folder_defaults_are_a_problem_and_articles_still_load(tmp_path):
    (tmp_path / "corpus.yaml").write_text("outlet: [oops\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("T\n\n" + GOOD, encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert corpus.articles["article_id"].tolist() == ["a"]
    assert corpus.problems["source"].tolist() == ["corpus.yaml"]
    assert corpus.problems["problem"].iloc[0].startswith("corpus defaults is not valid YAML")


@pytest.mark.parametrize(
    ("name", "data", "error_class", "message"),
    [
        ("e.txt", b"", EmptyArticleError, r"e\.txt: empty file"),
        ("b.txt", b"\x00\x01abc", BinaryArticleError, r"b\.txt: binary data"),
        (
            "m.txt",
            b"---\ndate: soon\n---\nT\n\nx",
            MetadataError,
            r"m\.txt: metadata 'date' is 'soon'",
        ),
        ("r.jsonl", b"[1]\n", RecordFormatError, r"r\.jsonl:1: a JSON list"),
        ("u.doc", b"x", UnsupportedFileError, r"u\.doc: not a corpus file"),
    ],
    ids=["empty", "binary", "metadata", "record", "unsupported"],
)
def test_strict_mode_raises_the_problem(tmp_path, name, data, error_class, message):
    (tmp_path / name).write_bytes(data)
    with pytest.raises(error_class, match=message):
        load_corpus(tmp_path, strict=True)


def test_strict_mode_oversize_and_encoding(tmp_path):
    (tmp_path / "big.txt").write_bytes(b"x" * 50)
    with pytest.raises(OversizeArticleError, match=r"big\.txt: .*limit \(max_bytes\)"):
        load_corpus(tmp_path, strict=True, max_bytes=10)
    (tmp_path / "big.txt").unlink()
    (tmp_path / "dup.jsonl").write_text(
        '{"id": 1, "text": "a b"}\n{"id": 1, "text": "c d"}\n', encoding="utf-8"
    )
    with pytest.raises(DuplicateArticleError, match=r"dup\.jsonl:2: duplicate article_id '1'"):
        load_corpus(tmp_path, strict=True)
    (tmp_path / "dup.jsonl").unlink()
    (tmp_path / "bad.jsonl").write_bytes(b'{"text": "caf\xe9"}\n')
    with pytest.raises(
        ArticleEncodingError, match=r"bad\.jsonl:1: not UTF-8 \(byte 0xe9 at column 14\)"
    ):
        load_corpus(tmp_path, strict=True)


def test_split_furniture_keeps_sentences():
    body = "He spoke.\n\nShe replied, “No.”\n\nRead more: Another Story\nSecond Line"
    assert split_furniture(body) == (body, "")  # a two-line last paragraph is not a headline
    assert split_furniture("Only Paragraph Without Period") == ("Only Paragraph Without Period", "")


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".txt", ".jsonl", ".csv"]))
def test_any_bytes_never_crash_the_loader(data, suffix):
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / f"any{suffix}").write_bytes(data)
        corpus = load_corpus(folder)
    n_rows = len(corpus.articles) + len(corpus.problems)
    assert n_rows == 1 if suffix == ".txt" else n_rows >= 1  # every file is an article or a problem
    assert all(corpus.problems["source"].str.startswith("any"))


def test_an_explicit_empty_title_takes_no_line_from_the_body(tmp_path):
    # an importer with no title column writes "title: ''": the first paragraph is text
    (tmp_path / "x.txt").write_text(
        "---\ntitle: ''\n---\nFirst paragraph.\n\nSecond.", encoding="utf-8"
    )
    article = load_corpus(tmp_path).articles.iloc[0]
    assert (article["title"], article["text"]) == ("", "First paragraph.\n\nSecond.")


@pytest.mark.parametrize(
    ("last_line", "is_furniture"),
    [
        ("Benghazi Medical Centre Targeted by Terrorist Attacks", True),  # headline capitals
        ("Read more: Another Story", True),  # Read, Another, Story of 4 long words
        ("Sunday opening added", False),  # a list item in sentence case stays text
        ("and the minister agreed", False),
    ],
    ids=["headline", "read-more", "sentence-case-list-item", "lowercase"],
)
def test_furniture_needs_headline_capitals(last_line, is_furniture):
    body = f"He said it.\n\n{last_line}"
    assert split_furniture(body) == (("He said it.", last_line) if is_furniture else (body, ""))

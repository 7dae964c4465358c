"""Chunked, resumable runs: resume after a kill, incremental re-runs, atomic and confined writes."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import analysis.runner as runner
from analysis.corpus import load_corpus
from analysis.errors import OutputError
from analysis.pipeline import analyze
from analysis.runner import read_results, run_corpus
from analysis.store import (
    MANIFEST,
    atomic_path,
    content_hash,
    prepare_out_dir,
    write_bytes_atomic,
)

TABLES = [f"{t}.csv" for t in ("quotes", "speakers", "articles", "balance", "problems")]


def article(i: int) -> str:
    return f"Story {i}\n\n“Plan {i} is ready,” said Minister Lee Park.\n\nMore details later.\n"


def write_corpus(folder: Path, ids: range) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in ids:
        (folder / f"s{i:02d}.txt").write_text(article(i), encoding="utf-8")
    return folder


def same_tables(a: Path, b: Path) -> None:
    for name in TABLES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def kill_after_chunks(monkeypatch, n: int) -> None:
    """Make the in-process run (jobs=1) stop like a killed one once ``n`` chunks are done."""
    analyze_chunk = runner._analyze_chunk
    done = []

    def analyze_or_die(*args):
        if len(done) >= n:
            raise KeyboardInterrupt
        done.append(args[1])
        return analyze_chunk(*args)

    monkeypatch.setattr(runner, "_analyze_chunk", analyze_or_die)


def test_an_interrupted_run_resumes_without_redoing_finished_chunks(tmp_path, monkeypatch):
    corpus = write_corpus(tmp_path / "corpus", range(6))
    out = tmp_path / "out"
    kill_after_chunks(monkeypatch, 1)
    with pytest.raises(KeyboardInterrupt):
        run_corpus(corpus, out, jobs=1, chunk_size=2)
    monkeypatch.undo()
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["chunks"] == ["c000001"] and manifest["complete"] is False
    assert not (out / "quotes.parquet").exists()  # no half-built final table

    summary = run_corpus(corpus, out, jobs=1, chunk_size=2)
    # 6 articles in chunks of 2: the first chunk (s00, s01) was done before the "kill"
    assert (summary.n_reused, summary.n_analysed) == (2, 4)
    fresh = tmp_path / "fresh"
    run_corpus(corpus, fresh, jobs=1, chunk_size=2)
    same_tables(out, fresh)


def test_a_grown_corpus_only_analyses_the_new_articles(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", range(4))
    out = tmp_path / "out"
    assert run_corpus(corpus, out, jobs=1, chunk_size=3).n_analysed == 4
    write_corpus(corpus, range(4, 6))
    summary = run_corpus(corpus, out, jobs=1, chunk_size=3)
    assert (summary.n_articles, summary.n_analysed, summary.n_reused) == (6, 2, 4)
    fresh = tmp_path / "fresh"
    run_corpus(corpus, fresh, jobs=1, chunk_size=3)
    same_tables(out, fresh)  # same tables as analysing the grown corpus from scratch


def test_changed_and_removed_articles_replace_their_old_rows(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", range(4))
    out = tmp_path / "out"
    run_corpus(corpus, out, jobs=1, chunk_size=2)
    (corpus / "s01.txt").write_text(
        "Story 1\n\n“Plan 1 was dropped,” said Minister Lee Park.\n", encoding="utf-8"
    )
    (corpus / "s03.txt").unlink()
    summary = run_corpus(corpus, out, jobs=1, chunk_size=2)
    # s01 changed (re-analysed, old rows dropped), s03 left (dropped), s00 and s02 kept
    assert (summary.n_analysed, summary.n_reused, summary.n_dropped) == (1, 2, 2)
    quotes = pd.read_csv(out / "quotes.csv")
    assert quotes.loc[quotes["article_id"] == "s01", "text"].tolist() == ["Plan 1 was dropped,"]
    assert pd.read_csv(out / "articles.csv")["article_id"].tolist() == ["s00", "s01", "s02"]
    fresh = tmp_path / "fresh"
    run_corpus(corpus, fresh, jobs=1, chunk_size=2)
    same_tables(out, fresh)


def test_saved_tables_read_back_equal_the_in_memory_analysis(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", range(5))
    out = tmp_path / "out"
    run_corpus(corpus, out, jobs=1, chunk_size=2)
    saved = read_results(out)
    direct = analyze(load_corpus(corpus))
    pd.testing.assert_frame_equal(saved.quotes, direct.quotes)
    pd.testing.assert_frame_equal(saved.speakers, direct.speakers)
    pd.testing.assert_frame_equal(
        saved.articles, direct.articles[saved.articles.columns]
    )  # extra metadata columns are in name order on disk


def test_content_hash_changes_with_text_metadata_and_salt():
    row = {"article_id": "a", "title": "T", "text": "Body."}
    assert content_hash(row) == content_hash(dict(reversed(row.items())))  # key order
    assert content_hash(row) != content_hash({**row, "text": "Body!"})
    assert content_hash(row) != content_hash({**row, "title": "U"})
    assert content_hash(row) != content_hash(row, salt="other settings")


def test_a_failed_write_leaves_the_previous_file(tmp_path):
    write_bytes_atomic(tmp_path, "table.csv", b"good\n")
    with pytest.raises(RuntimeError), atomic_path(tmp_path, "table.csv") as temporary:
        temporary.write_bytes(b"half")
        raise RuntimeError("crash mid-write")
    assert (tmp_path / "table.csv").read_bytes() == b"good\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table.csv"]


@pytest.mark.parametrize(
    "relative", ["../escape.txt", "sub/../../escape.txt"], ids=["parent", "climbs-out"]
)
def test_never_writes_outside_the_output_folder(tmp_path, relative):
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(OutputError, match="outside the output folder"):
        write_bytes_atomic(out, relative, b"x")
    assert not (tmp_path / "escape.txt").exists()


def test_a_symlinked_subfolder_pointing_outside_is_refused(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "figures").symlink_to(outside, target_is_directory=True)
    with pytest.raises(OutputError, match="outside the output folder"):
        write_bytes_atomic(out, "figures/a.png", b"x")
    assert list(outside.iterdir()) == []


def test_a_symlinked_file_is_replaced_not_written_through(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.html").symlink_to(victim)
    write_bytes_atomic(out, "report.html", b"<html>")
    assert victim.read_text() == "keep"
    assert (out / "report.html").read_bytes() == b"<html>"
    assert not (out / "report.html").is_symlink()


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda out: out.write_text("a file"), "is not a folder"),
        (lambda out: (out.mkdir(), (out / "x.csv").write_text("1")), "was not written by"),
        (lambda out: (out.mkdir(), (out / MANIFEST).write_text("{broken")), "unreadable manifest"),
        (lambda out: (out.mkdir(), (out / MANIFEST).write_text("[]")), "not a newsroom-workbook"),
    ],
    ids=["a-file", "foreign-folder", "broken-manifest", "other-json"],
)
def test_output_folders_that_are_refused(tmp_path, setup, message):
    out = tmp_path / "out"
    setup(out)
    with pytest.raises(OutputError, match=message):
        prepare_out_dir(out)


def test_an_empty_existing_folder_is_adopted(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    assert prepare_out_dir(out) is None
    corpus = write_corpus(tmp_path / "corpus", range(2))
    run_corpus(corpus, out, jobs=1)
    assert json.loads((out / MANIFEST).read_text())["complete"] is True


def test_leftover_temporary_and_orphan_files_are_cleaned(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", range(3))
    out = tmp_path / "out"
    run_corpus(corpus, out, jobs=1, chunk_size=2)
    (out / ".tmp-crashed.parquet").write_bytes(b"half")
    (out / "parts" / "c000099-quotes.parquet").write_bytes(b"never registered")
    run_corpus(corpus, out, jobs=1, chunk_size=2)
    assert not (out / ".tmp-crashed.parquet").exists()
    assert not (out / "parts" / "c000099-quotes.parquet").exists()


def test_written_files_follow_the_umask_of_the_moment(tmp_path):
    # the mode comes from the process umask when the file is written (no import-time umask)
    import os

    previous = os.umask(0o027)
    try:
        write_bytes_atomic(tmp_path, "table.csv", b"x\n")
    finally:
        os.umask(previous)
    assert (tmp_path / "table.csv").stat().st_mode & 0o777 == 0o640

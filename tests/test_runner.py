"""Chunked, resumable runs: resume after a kill, incremental re-runs, atomic and confined writes."""

from __future__ import annotations

import json
import os
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

    def analyze_or_die(*args, **options):
        if len(done) >= n:
            raise KeyboardInterrupt
        done.append(args[1])
        return analyze_chunk(*args, **options)

    monkeypatch.setattr(runner, "_analyze_chunk", analyze_or_die)


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
def test_leftover_temporary_and_orphan_files_are_cleaned(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", range(3))
    out = tmp_path / "out"
    run_corpus(corpus, out, jobs=1, chunk_size=2)
    (out / ".tmp-0123456789abcdef.parquet").write_bytes(b"half")  # a killed write's
    (out / "parts" / "c000099-quotes.parquet").write_bytes(b"never registered")
    (out / ".tmp-my-notes.txt").write_text("the user's")  # not named like ours: kept
    (out / "parts" / "c1-my-copy.parquet").write_text("the user's")
    run_corpus(corpus, out, jobs=1, chunk_size=2)
    assert not (out / ".tmp-0123456789abcdef.parquet").exists()
    assert not (out / "parts" / "c000099-quotes.parquet").exists()
    assert (out / ".tmp-my-notes.txt").read_text() == "the user's"
    assert (out / "parts" / "c1-my-copy.parquet").read_text() == "the user's"


def test_written_files_follow_the_umask_of_the_moment(tmp_path):
    # the mode comes from the process umask when the file is written (no import-time umask)
    import os

    previous = os.umask(0o027)
    try:
        write_bytes_atomic(tmp_path, "table.csv", b"x\n")
    finally:
        os.umask(previous)
    assert (tmp_path / "table.csv").stat().st_mode & 0o777 == 0o640


# --- issue 19 and 18: nothing deleted or overwritten unasked, one run per folder -----------


def test_force_into_a_users_folder_deletes_and_overwrites_nothing(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", range(2))
    out = tmp_path / "mine"
    out.mkdir()
    files = {
        ".tmp-draft.txt": "my draft",
        ".tmp-0123456789abcdef.parquet": "named like a temporary of ours",
        "notes.csv": "a,b",
    }
    for name, text in files.items():
        (out / name).write_text(text)
    run_corpus(corpus, out, jobs=1, force=True)
    assert {name: (out / name).read_text() for name in files} == files
    assert (out / "articles.csv").is_file()


@pytest.mark.parametrize("name", ["quotes.csv", "report.html", "parts", "figures"])
def test_force_refuses_a_users_folder_holding_a_name_the_run_writes(tmp_path, name):
    corpus = write_corpus(tmp_path / "corpus", range(2))
    out = tmp_path / "mine"
    out.mkdir()
    if name in ("parts", "figures"):
        (out / name).mkdir()
        (out / name / "c000001-quotes.parquet").write_text("mine")
    else:
        (out / name).write_text("mine")
    with pytest.raises(OutputError, match=f"holds {name}, which a run would overwrite"):
        run_corpus(corpus, out, jobs=1, force=True)
    assert sorted(p.name for p in out.iterdir()) == [name]


def test_results_of_another_corpus_are_kept_unless_replace(tmp_path):
    first = write_corpus(tmp_path / "first", range(3))
    second = write_corpus(tmp_path / "second", range(10, 12))
    out = tmp_path / "out"
    run_corpus(first, out, jobs=1)
    before = (out / "articles.csv").read_bytes()
    with pytest.raises(OutputError) as refused:
        run_corpus(second, out, jobs=1)
    message = str(refused.value)
    assert f"holds the results of 3 articles of another corpus, {first.resolve()}" in message
    assert "--replace" in message
    assert (out / "articles.csv").read_bytes() == before
    run_corpus(first, out, jobs=1)  # the same corpus (grown or not) is no other corpus
    summary = run_corpus(second, out, jobs=1, replace=True)
    assert (summary.n_articles, summary.n_dropped) == (2, 3)
    assert pd.read_csv(out / "articles.csv")["article_id"].tolist() == ["s10", "s11"]


def hold_lock(folder: Path):
    """A separate process that holds the lock on ``folder`` until it is killed."""
    import subprocess
    import sys
    import time

    code = (
        "import sys, time, pathlib; from analysis.store import locked\n"
        "with locked(pathlib.Path(sys.argv[1])):\n"
        "    print('held', flush=True); time.sleep(120)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(folder)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "held"
    time.sleep(0.05)
    return holder


def test_a_folder_another_run_is_writing_into_is_refused_with_its_pid(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", range(2))
    out = tmp_path / "out"
    run_corpus(corpus, out, jobs=1)
    before = (out / "articles.csv").read_bytes()
    holder = hold_lock(out)
    try:
        with pytest.raises(
            OutputError, match=rf"another newsroom-workbook run \(process {holder.pid} on "
        ):
            run_corpus(corpus, out, jobs=1)
    finally:
        holder.kill()
        holder.communicate()
    assert (out / "articles.csv").read_bytes() == before
    # the holder was killed (-9): its lock died with it, so the next run goes ahead
    assert run_corpus(corpus, out, jobs=1).n_reused == 2


def test_a_lock_file_left_by_a_dead_process_does_not_block(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", range(2))
    out = tmp_path / "out"
    out.mkdir()
    (out / ".newsroom-workbook.lock").write_text(json.dumps({"pid": 999_999_999, "host": "x"}))
    assert run_corpus(corpus, out, jobs=1).n_analysed == 2


# --- crashed workers, killed runs, concurrent runs, damaged folders -------------------------

WORKER_HELPER = '''
import os, signal, time
from pathlib import Path
import analysis.runner


def die_on_marks(out, name, records, hashes, **options):
    """Kill this worker (as the OOM killer would) on a chunk holding DIE-ALWAYS, and once
    on a chunk holding DIE-ONCE; otherwise analyse the chunk."""
    texts = " ".join(r["title"] for r in records)
    once = Path(out).parent / "died-once"
    if "DIE-ALWAYS" in texts or ("DIE-ONCE" in texts and not once.exists()):
        once.touch()
        os.kill(os.getpid(), signal.SIGKILL)
    return analysis.runner._analyze_chunk(out, name, records, hashes, **options)


def hang(out, name, records, hashes, **options):
    """Write this worker's pid, then hang."""
    (Path(out).parent / f"worker-{os.getpid()}").touch()
    time.sleep(300)
'''


@pytest.fixture
def worker_helper(tmp_path, monkeypatch):
    """A module the spawned workers can import (sys.path is passed on to them)."""
    import importlib
    import sys

    folder = tmp_path / "helper"
    folder.mkdir()
    (folder / "worker_helper_19.py").write_text(WORKER_HELPER)
    monkeypatch.syspath_prepend(str(folder))
    sys.modules.pop("worker_helper_19", None)
    return importlib.import_module("worker_helper_19")


@pytest.mark.slow
def test_a_killed_worker_costs_only_the_chunk_that_kills_it_twice(
    tmp_path, monkeypatch, worker_helper
):
    corpus = write_corpus(tmp_path / "corpus", range(6))
    (corpus / "s02.txt").write_text("DIE-ONCE " + article(2), encoding="utf-8")  # in the title
    (corpus / "s04.txt").write_text("DIE-ALWAYS " + article(4), encoding="utf-8")
    out = tmp_path / "out"
    monkeypatch.setattr(runner, "_analyze_chunk", worker_helper.die_on_marks)
    summary = run_corpus(corpus, out, jobs=2, chunk_size=1, sentiment=False)
    # s02's worker was killed once: retried and analysed; s04's was killed twice: a problem
    assert (summary.n_articles, summary.n_analysed) == (6, 5)
    assert summary.problems == (("s04.txt", runner._LOST),)
    assert pd.read_csv(out / "articles.csv")["article_id"].tolist() == [
        "s00",
        "s01",
        "s02",
        "s03",
        "s05",
    ]
    monkeypatch.undo()
    # the next run analyses only the lost article, and writes what a fresh run writes
    assert run_corpus(corpus, out, jobs=1, chunk_size=1, sentiment=False).n_analysed == 1
    fresh = tmp_path / "fresh"
    run_corpus(corpus, fresh, jobs=1, chunk_size=1, sentiment=False)
    same_tables(out, fresh)


@pytest.mark.slow
def test_workers_do_not_outlive_a_killed_main_process(tmp_path, worker_helper):
    import signal
    import subprocess
    import sys
    import time

    corpus = write_corpus(tmp_path / "corpus", range(4))
    code = (
        "import sys; import analysis.runner as r; import worker_helper_19 as h\n"
        "r._analyze_chunk = h.hang\n"
        "r.run_corpus(sys.argv[1], sys.argv[2], jobs=2, chunk_size=1, sentiment=False)\n"
    )
    main_process = subprocess.Popen(
        [sys.executable, "-c", code, str(corpus), str(tmp_path / "out")],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("worker-*"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    workers = [int(p.name.split("-")[1]) for p in tmp_path.glob("worker-*")]
    assert len(workers) == 2
    main_process.send_signal(signal.SIGKILL)
    main_process.wait()
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in workers)


def alive(pid: int) -> bool:
    """The process runs (a zombie, ended but not yet reaped, does not count)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


@pytest.mark.slow
def test_two_runs_into_one_folder_at_once(tmp_path):
    import subprocess
    import sys

    first = write_corpus(tmp_path / "first", range(30))
    second = write_corpus(tmp_path / "second", range(50, 80))
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "analysis.cli",
                "analyze",
                str(corpus),
                "--out",
                str(out),
                "--jobs",
                "1",
                "--quiet",
                "--no-sentiment",
                "--replace",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for corpus in (first, second)
    ]
    finished = [(run.communicate()[1], run.returncode)[::-1] for run in runs]
    for status, error in finished:
        assert status == 0 or (status == 2 and "another newsroom-workbook run (process" in error), (
            error
        )
    assert 0 in [status for status, _ in finished]
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["complete"] is True
    winner = first if manifest["corpus"] == str(first.resolve()) else second
    fresh = tmp_path / "fresh"
    run_corpus(winner, fresh, jobs=1, sentiment=False)
    same_tables(out, fresh)


def test_truncated_and_missing_parts_are_rebuilt(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", range(6))
    out = tmp_path / "out"
    run_corpus(corpus, out, jobs=1, chunk_size=2)
    quotes = out / "parts" / "c000001-quotes.parquet"
    quotes.write_bytes(quotes.read_bytes()[: quotes.stat().st_size // 2])
    (out / "parts" / "c000002-counts.parquet").unlink()
    summary = run_corpus(corpus, out, jobs=1, chunk_size=2)
    assert (summary.n_analysed, summary.n_reused) == (4, 2)  # the two damaged chunks
    fresh = tmp_path / "fresh"
    run_corpus(corpus, fresh, jobs=1, chunk_size=2)
    same_tables(out, fresh)


def test_a_crash_inside_the_stale_row_cleanup_leaves_a_usable_folder(tmp_path, monkeypatch):
    import analysis.store as store

    corpus = write_corpus(tmp_path / "corpus", range(4))
    out = tmp_path / "out"
    run_corpus(corpus, out, jobs=1, chunk_size=2)
    (corpus / "s01.txt").unlink()

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "write_manifest", full_disk)  # the cleanup's own manifest write
    with pytest.raises(OSError, match="No space left"):
        run_corpus(corpus, out, jobs=1, chunk_size=2)
    monkeypatch.undo()
    summary = run_corpus(corpus, out, jobs=1, chunk_size=2)
    assert (summary.n_analysed, summary.n_dropped) == (0, 1)
    fresh = tmp_path / "fresh"
    run_corpus(corpus, fresh, jobs=1, chunk_size=2)
    same_tables(out, fresh)

"""The Dask path on a local cluster: the same tables as the single-machine run."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.distributed import analyze_with_dask, read_dask_results
from analysis.errors import CorpusError, OutputError
from analysis.runner import read_results, run_corpus

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    )
    with distributed.Client(cluster) as connected:
        yield connected
    cluster.close()


def write_corpus(folder, n):
    folder.mkdir()
    for i in range(n):
        (folder / f"d{i:02d}.txt").write_text(
            f"Story {i}\n\n“Plan {i} is ready,” said Minister Lee Park.\n", encoding="utf-8"
        )
    (folder / "broken.txt").write_bytes(b"")
    (folder / "extra.jsonl").write_text(
        '{"id": "j1", "text": "“All clear,” a spokesman said.", "desk": "metro"}\n',
        encoding="utf-8",
    )
    return folder


def test_dask_run_equals_the_single_machine_run(tmp_path, client):
    corpus = write_corpus(tmp_path / "corpus", 7)
    summary = analyze_with_dask(
        corpus, tmp_path / "dask", client=client, partition_size=3, window=2
    )
    # 8 articles (7 .txt + 1 JSONL line) in partitions of 3: 3 + 3 + 2
    assert (summary.n_articles, summary.n_partitions) == (8, 3)
    assert sorted(p.name for p in (tmp_path / "dask" / "quotes").iterdir()) == [
        "part-000001.parquet",
        "part-000002.parquet",
        "part-000003.parquet",
    ]
    run_corpus(corpus, tmp_path / "local", jobs=1, chunk_size=5)
    on_dask, local = read_dask_results(tmp_path / "dask"), read_results(tmp_path / "local")
    pd.testing.assert_frame_equal(on_dask.quotes, local.quotes)
    pd.testing.assert_frame_equal(on_dask.speakers, local.speakers)
    pd.testing.assert_frame_equal(on_dask.articles, local.articles)
    assert on_dask.problems["source"].tolist() == ["broken.txt"]  # the empty file


def test_dask_refuses_a_foreign_folder_and_a_missing_corpus(tmp_path, client):
    corpus = write_corpus(tmp_path / "corpus", 1)
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("mine")
    with pytest.raises(OutputError, match="not written by newsroom-workbook"):
        analyze_with_dask(corpus, foreign, client=client)
    assert sorted(p.name for p in foreign.iterdir()) == ["keep.txt"]
    with pytest.raises(CorpusError, match="no such file"):
        analyze_with_dask(tmp_path / "nowhere", tmp_path / "out", client=client)


def test_force_into_a_folder_of_the_users_deletes_nothing(tmp_path, client):
    corpus = write_corpus(tmp_path / "corpus", 2)
    mine = tmp_path / "mine"
    for name in ("articles", "quotes", "speakers"):
        (mine / name).mkdir(parents=True)
        (mine / name / "part-000001.parquet").write_bytes(b"my own file")
        (mine / name / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="holds articles, quotes, speakers, which a run would"):
        analyze_with_dask(corpus, mine, client=client, force=True)
    for name in ("articles", "quotes", "speakers"):
        assert (mine / name / "part-000001.parquet").read_bytes() == b"my own file"
        assert (mine / name / "notes.txt").read_text() == "mine"


def test_a_rerun_replaces_only_its_own_part_files(tmp_path, client):
    corpus = write_corpus(tmp_path / "corpus", 5)
    out = tmp_path / "out"
    analyze_with_dask(corpus, out, client=client, partition_size=2)  # 6 articles: 3 parts
    (out / "quotes" / "notes.txt").write_text("kept")
    for path in sorted(corpus.glob("d0[2-4].txt")):
        path.unlink()
    analyze_with_dask(corpus, out, client=client, partition_size=2)  # 3 articles: 2 parts
    assert sorted(p.name for p in (out / "quotes").iterdir()) == [
        "notes.txt",
        "part-000001.parquet",
        "part-000002.parquet",
    ]
    assert read_dask_results(out).articles["article_id"].tolist() == ["d00", "d01", "j1"]


def test_a_killed_dask_run_is_read_back_with_a_warning(tmp_path, client, monkeypatch):
    import analysis.distributed as dask_path

    corpus = write_corpus(tmp_path / "corpus", 5)
    out = tmp_path / "out"
    analyze_with_dask(corpus, out, client=client, partition_size=2)
    write_partition = dask_path._write_partition

    def die_on_the_second(results, out_dir, number, sentiment):
        if number == 2:
            raise MemoryError("worker killed")
        return write_partition(results, out_dir, number, sentiment)

    monkeypatch.setattr(dask_path, "_write_partition", die_on_the_second)
    with pytest.raises(MemoryError):
        analyze_with_dask(corpus, out, client=client, partition_size=2)
    with pytest.warns(dask_path.PartialResultsWarning, match="did not finish"):
        partial = read_dask_results(out)
    assert len(partial.articles) < 6


def test_metadata_named_fragments_on_the_dask_path(tmp_path, client):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.jsonl").write_text(
        '{"id": "a", "text": "“All clear,” a spokesman said.", "fragments": "x", "speaker": "y"}\n',
        encoding="utf-8",
    )
    analyze_with_dask(corpus, tmp_path / "out", client=client)
    results = read_dask_results(tmp_path / "out")
    assert results.articles.loc[0, ["fragments", "speaker"]].tolist() == ["x", "y"]
    assert results.quotes.loc[0, "fragments"] == ((1, 11),)


def test_dask_refuses_another_corpus_unless_replace(tmp_path, client):
    first = write_corpus(tmp_path / "first", 1)
    second = tmp_path / "second"
    second.mkdir()
    (second / "x.txt").write_text("X\n\n“Fine,” said Ann Lee.\n", encoding="utf-8")
    out = tmp_path / "out"
    analyze_with_dask(first, out, client=client)
    with pytest.raises(OutputError, match="holds the results of another corpus"):
        analyze_with_dask(second, out, client=client)
    assert read_dask_results(out).articles["article_id"].tolist() == ["d00", "j1"]
    analyze_with_dask(second, out, client=client, replace=True)
    assert read_dask_results(out).articles["article_id"].tolist() == ["x"]


def test_a_run_killed_before_any_quotes_part_reads_back_empty_tables(tmp_path, client, monkeypatch):
    import analysis.distributed as dask_path

    corpus = write_corpus(tmp_path / "corpus", 3)
    out = tmp_path / "out"

    def die_at_once(results, out_dir, number, sentiment):
        raise MemoryError("worker killed")

    monkeypatch.setattr(dask_path, "_write_partition", die_at_once)
    with pytest.raises(MemoryError):
        analyze_with_dask(corpus, out, client=client, partition_size=2)
    with pytest.warns(dask_path.PartialResultsWarning, match="did not finish"):
        partial = read_dask_results(out)
    # no partition was written: empty tables with their columns, not a KeyError
    assert partial.quotes.empty and "article_id" in partial.quotes.columns
    assert partial.speakers.empty and partial.articles.empty


def test_dask_results_are_linked_and_corrected_like_analyze(tmp_path, client):
    from test_speaker_wiring import CORRECTIONS, TEXTS

    from analysis.corpus import load_corpus
    from analysis.pipeline import analyze
    from analysis.speakers import find_corrections

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for article_id, text in TEXTS.items():
        (corpus / f"{article_id}.txt").write_text(text, encoding="utf-8")
    (corpus / "corrections.yaml").write_text(CORRECTIONS, encoding="utf-8")
    out = tmp_path / "dask"
    analyze_with_dask(corpus, out, client=client, partition_size=1, sentiment=False)
    on_dask = read_dask_results(out)
    direct = analyze(load_corpus(corpus), sentiment=False, corrections=find_corrections(corpus))
    pd.testing.assert_frame_equal(on_dask.quotes, direct.quotes)
    pd.testing.assert_frame_equal(on_dask.speakers, direct.speakers)
    pd.testing.assert_frame_equal(on_dask.articles, direct.articles[on_dask.articles.columns])
    pd.testing.assert_frame_equal(on_dask.corrections, direct.corrections)
    quotes = on_dask.quotes.set_index("quote_id")
    # Lang (a2) is Ada Lang (a1), in partitions of their own; police stay two speakers
    assert quotes.loc[["a1:1", "a2:1"], "speaker_id"].tolist() == ["ada lang", "ada lang"]
    assert quotes.loc[["a1:2", "a2:2"], "speaker_id"].tolist() == ["a1/police", "a2/police"]
    assert pd.isna(quotes.loc["a2:3", "speaker"])  # the correction is applied
    assert on_dask.corrections["action"].tolist() == ["not_attribution", "speaker"]
    # the folder keeps the corrections it was run with; a run without the file drops them
    assert (out / "corrections.yaml").read_text(encoding="utf-8") == CORRECTIONS
    (corpus / "corrections.yaml").unlink()
    analyze_with_dask(corpus, out, client=client, partition_size=1, sentiment=False)
    assert not (out / "corrections.yaml").exists()
    assert read_dask_results(out).quotes.set_index("quote_id").loc["a2:3", "speaker"] == "Lang"


def test_dask_refuses_a_bad_corrections_row_before_writing(tmp_path, client):
    from analysis.errors import CorrectionsError

    corpus = write_corpus(tmp_path / "corpus", 1)
    (corpus / "corrections.yaml").write_text("- merge: [Lee Park]\n", encoding="utf-8")
    with pytest.raises(CorrectionsError, match=r"corrections\.yaml:1.*two names or more"):
        analyze_with_dask(corpus, tmp_path / "out", client=client)
    assert not (tmp_path / "out").exists()

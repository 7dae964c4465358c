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

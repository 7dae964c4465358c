"""Every code block of README.md runs as written.

Python blocks run in a fresh interpreter each, bash blocks in ``bash -euo pipefail``, both
in a temporary folder that holds a copy of ``corpus/`` (and the inputs a block names, such
as ``export.csv`` and ``saved_pages/``), with this checkout's ``src`` first on the path and
its ``newsroom-workbook`` command on ``PATH``. Blocks that install, download or benchmark
are not run here; :data:`NOT_RUN` says why, and a test checks that nothing else is skipped.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
SHARED = REPO.parent / "shared"
FENCE = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```", re.M | re.S)

NOT_RUN = {
    "pip install": "creates a virtual environment and installs: what .ci/run does",
    "source .venv/bin/activate": "activates the venv of an interactive shell",
    "curl ": "downloads the Wikinews dump (no network in tests)",
    "benchmarks/": "benchmarks take minutes; benchmarks/README.md",
}
"""A bash block containing one of these is not run, for the reason given."""

SLOW = ("LocalCluster", "evaluation.sources", "articles.jsonl", "analyze(corpus)")
"""Blocks containing one of these take more than a few seconds: marked slow."""


def blocks(language: str) -> list[str]:
    return [
        code for lang, code in FENCE.findall(README.read_text(encoding="utf-8")) if lang == language
    ]


def reason_not_run(code: str) -> str | None:
    return next((why for needle, why in NOT_RUN.items() if needle in code), None)


def params(language: str) -> list:
    out = []
    for i, code in enumerate(blocks(language)):
        marks = [pytest.mark.slow] if any(s in code for s in SLOW) else []
        first = code.strip().splitlines()[0][:50]
        out.append(pytest.param(code, marks=marks, id=f"{language}-{i}-{first}"))
    return out


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A folder like the repository root: corpus/ and notebooks/data/ copied, the inputs blocks name written."""
    shutil.copytree(REPO / "corpus", tmp_path / "corpus")
    shutil.copytree(REPO / "notebooks" / "data", tmp_path / "notebooks" / "data")
    shutil.copytree(REPO / "tests" / "data", tmp_path / "tests" / "data")
    (tmp_path / "export.csv").write_text(
        "Story ID,Headline,Body text,Media outlet,By-line,Land,Published,Section,Link\n"
        's1,Dam opens,"“We are ready,” said Governor Ada Lang.",Daily,Ann Bee,France,'
        "2021-03-04,News,https://example.org/s1\n",
        encoding="utf-8",
    )
    pages = tmp_path / "saved_pages"
    pages.mkdir()
    paragraph = "“The dam is safe and the water is clean,” said Governor Ada Lang on Monday. " * 6
    (pages / "dam.html").write_text(
        "<html><head><title>Dam opens</title></head><body><article><h1>Dam opens</h1>"
        f"<p>{paragraph}</p><p>{paragraph}</p></article></body></html>",
        encoding="utf-8",
    )
    # the README's paths to the shared data are relative to the repository root
    if SHARED.is_dir():
        (tmp_path.parent / "shared").mkdir(exist_ok=True)
        link = tmp_path.parent / "shared" / "corpus-candidates"
        if not link.exists():
            link.symlink_to(SHARED / "corpus-candidates")
    return tmp_path


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), env.get("PYTHONPATH", "")])
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["MPLBACKEND"] = "Agg"
    return env


def run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        argv, cwd=cwd, env=environment(), capture_output=True, text=True, timeout=900, check=False
    )


@pytest.mark.parametrize("code", params("python"))
def test_python_block_runs_as_written(code, workdir):
    script = workdir / "block.py"
    script.write_text(textwrap.dedent(code), encoding="utf-8")
    result = run([sys.executable, str(script)], workdir)
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.mark.parametrize("code", params("bash"))
def test_bash_block_runs_as_written(code, workdir):
    why = reason_not_run(code)
    if why:
        pytest.skip(f"not run here: {why}")
    if "../shared" in code and not SHARED.is_dir():
        pytest.skip("needs ../shared")
    result = run(["bash", "-euo", "pipefail", "-c", code], workdir)
    assert result.returncode == 0, (result.stdout[-2000:], result.stderr[-3000:])


def test_only_install_download_and_benchmark_blocks_are_not_run():
    skipped = [code for code in blocks("bash") if reason_not_run(code)]
    # the two quickstart installs, the activation, the dump download, the benchmarks
    assert len(skipped) == 5, skipped
    assert all(
        any(n in code for n in ("pip install", "activate", "curl", "benchmarks/"))
        for code in skipped
    )
    assert len(blocks("python")) >= 4


def test_importer_examples_write_to_a_new_folder_not_the_case_study():
    for code in blocks("bash"):
        for target in re.findall(r"--into\s+(\S+)", code):
            assert not target.startswith("corpus"), code

"""Shared fixtures: paths to the real data in ../shared, skipped cleanly when absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSROOM_SHARED", REPO.parent / "shared"))
SEED_NAME = "000_b1a77089e6833a8a"


def shared_file(relative: str) -> Path:
    """Path of a file under ../shared, or skip the test when it is absent."""
    path = SHARED / relative
    if not path.is_file():
        pytest.skip(f"{relative} not found under {SHARED}")
    return path


@pytest.fixture
def seed_text_path() -> Path:
    """The case-study article exactly as shipped in ../shared/seeds."""
    return shared_file(f"seeds/{SEED_NAME}.txt")


@pytest.fixture
def seed_gold_path() -> Path:
    """Hand-checked gold quotes, speakers and sources of the case study."""
    return shared_file(f"seeds/{SEED_NAME}.gold.json")


@pytest.fixture
def dev_path() -> Path:
    """PolNeAR development set (84 articles with gold attributions)."""
    return shared_file("eval/dev.jsonl")


@pytest.fixture
def wikinews_path() -> Path:
    """150 Wikinews articles (CC BY 2.5)."""
    return shared_file("corpus-candidates/articles.jsonl")


@pytest.fixture
def sentiment_dev_path() -> Path:
    """Human sentiment labels on news sentences and headlines."""
    return shared_file("eval/sentiment_dev.jsonl")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the notebooks' cells ``slow``: nbval re-executes each notebook (several seconds)."""
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.slow)

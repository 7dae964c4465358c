"""Measured validity of each sentiment scorer, for the captions of tone tables and charts.

The figures live in ``analysis/sentiment/validity.json``, written by
``python -m analysis.evaluation.sentiment ../shared/eval/sentiment_dev.jsonl --out
src/analysis/sentiment/validity.json`` (human labels on news text: NewsMTSC tone toward a
mention, SemEval-2007 headlines). Captions are built from that file, never typed by hand.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from analysis.errors import AnalysisError

SCORER_NAMES = {
    "textblob": "TextBlob polarity",
    "vader": "VADER compound",
    "tone": "tone_toward (trained on NewsMTSC)",
}
LEVEL_NAMES = {
    "target": "the tone toward a person or group mentioned in a news sentence",
    "headline": "news headlines",
}
VALIDITY_FILE = "validity.json"


@functools.cache
def load_validity() -> dict[str, Any]:
    """The figures written by the validation command (the shipped ``validity.json``)."""
    path = resources.files("analysis.sentiment") / VALIDITY_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise AnalysisError(f"analysis/sentiment/{VALIDITY_FILE}: cannot read it ({err})") from err


def validity_row(scorer: str, level: str = "target") -> dict[str, Any]:
    """The measured figures of ``scorer`` (textblob, vader, tone) at ``level`` (target, headline).

    Raises
    ------
    AnalysisError
        When the file holds no such row; the message lists the rows it holds.
    """
    rows = load_validity()["rows"]
    for row in rows:
        if row["scorer"] == scorer and row["level"] == level:
            return row
    held = sorted({(row["scorer"], row["level"]) for row in rows})
    raise AnalysisError(
        f"analysis/sentiment/{VALIDITY_FILE}: no figures for scorer {scorer!r} at level "
        f"{level!r}; it holds {held}"
    )


def validity_caption(scorer: str, level: str = "target") -> str:
    """One sentence stating how well ``scorer`` agrees with human labels at ``level``.

    Examples
    --------
    >>> validity_caption("textblob")  # doctest: +ELLIPSIS
    'TextBlob polarity: macro-F1 ..., accuracy ... against human labels of the tone toward ...'
    """
    row = validity_row(scorer, level)
    baseline = validity_row("always_neutral", level)
    return (
        f"{SCORER_NAMES.get(scorer, scorer)}: macro-F1 {row['macro_f1']:.2f}, accuracy "
        f"{row['accuracy']:.2f} against human labels of {LEVEL_NAMES.get(level, level)} "
        f"({row['dataset']}, n = {row['n']}; always-neutral baseline macro-F1 "
        f"{baseline['macro_f1']:.2f}, accuracy {baseline['accuracy']:.2f}). "
        f"Measured by `python -m analysis.evaluation.sentiment`, see the README, section Sentiment."
    )

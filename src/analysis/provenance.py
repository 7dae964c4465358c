"""Where a run's numbers come from: package version, model hashes, corpus checksum, method card.

A report a researcher cites must say which code, which models and which corpus produced
it, and how accurate each stage was measured to be. This module gathers those facts; it
computes no analysis and reads nothing outside the installed package except what it is given.

- :func:`package_version`: the installed ``newsroom-workbook`` version.
- :func:`model_files`: every file under a ``models/`` folder of the package, with its sha256.
- :func:`article_digest` and :func:`corpus_checksum`: one sha256 over every article (metadata
  and text), independent of file order, settings and code, so the same corpus always gives
  the same checksum.
- :func:`run_date`: today (UTC), or the date of ``SOURCE_DATE_EPOCH`` when it is set (the
  reproducible-builds convention), so a rerun can reproduce the report byte for byte.
- :func:`method_card`: the measured accuracy of each stage, read from the files the
  evaluation commands write (:data:`EVALUATION_FILES`); a stage whose file is absent or
  unreadable is "not measured", with the reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import importlib.resources
import json
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = [
    "EVALUATION_FILES",
    "METHOD_COLUMNS",
    "Provenance",
    "article_digest",
    "corpus_checksum",
    "method_card",
    "model_files",
    "package_version",
    "run_date",
]

PACKAGE = "newsroom-workbook"

EVALUATION_FILES: dict[str, tuple[str, tuple[str, ...]]] = {
    "quotes": (
        "Quote extraction and speaker attribution",
        (
            "evaluation/quotes.json",
            "quotes/models/card.json",
            "quotes/models/*.card.json",
            "quote_accuracy.json",
            "quotes/models/*.md",
        ),
    ),
    "sources": (
        "Source type, origin, gender, anonymity",
        ("evaluation/sources.json", "sources_accuracy.json", "source_accuracy.json"),
    ),
    "sentiment": (
        "Tone (TextBlob polarity, VADER compound)",
        (
            "sentiment/validity.json",
            "sentiment_validity.json",
            "evaluation/sentiment.json",
            "sentiment/models/card.json",
            "sentiment/models/*.card.json",
            "sentiment/models/*.md",
        ),
    ),
}
"""Stage -> (what it measures, candidate files relative to the ``analysis`` package folder).

The first candidate that exists is read (``*`` globs, matches in name order). A ``.json`` is
a JSON object; :func:`method_card` shows its ``metrics`` (or ``figures``, or ``results``)
entry, or else every number in it, and its ``data`` and ``command`` entries when present. A
``.md`` model card is shown by the rows of its tables that hold numbers."""

METHOD_COLUMNS = ["stage", "what", "status", "figures", "data", "command", "file"]

_PREFERRED = ("metrics", "figures", "results", "scores")
_MAX_FIGURES = 12


@dataclass(frozen=True, slots=True)
class Provenance:
    """What produced a report.

    Attributes
    ----------
    package_version : str
        The installed ``newsroom-workbook`` version.
    run_date : str
        ``YYYY-MM-DD`` (UTC) of the run.
    corpus : str
        The corpus as named on the command line.
    corpus_checksum : str
        :func:`corpus_checksum` of its usable articles.
    settings : tuple of (str, str)
        The run's settings, as label and value.
    models : tuple of (str, str, int)
        ``(path, sha256, bytes)`` of each model file (:func:`model_files`).
    """

    package_version: str
    run_date: str
    corpus: str
    corpus_checksum: str
    settings: tuple[tuple[str, str], ...] = ()
    models: tuple[tuple[str, str, int], ...] = ()


def package_version() -> str:
    """The installed package's version, or "unknown (not installed)"."""
    try:
        return importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return "unknown (not installed)"


def _package_root(root: str | os.PathLike[str] | None) -> Path:
    return Path(root) if root is not None else Path(str(importlib.resources.files("analysis")))


def model_files(root: str | os.PathLike[str] | None = None) -> tuple[tuple[str, str, int], ...]:
    """Every file under a ``models/`` folder of the package, with its sha256 and size.

    Parameters
    ----------
    root : path, optional
        The package folder (default: the installed ``analysis`` package).

    Returns
    -------
    tuple of (str, str, int)
        ``(path relative to root, sha256 hex, bytes)``, sorted by path; empty when the
        package ships no model.
    """
    base = _package_root(root)
    found = []
    for path in sorted(base.glob("**/models/**/*")):
        if path.is_file() and "__pycache__" not in path.parts:
            data = path.read_bytes()
            found.append(
                (path.relative_to(base).as_posix(), hashlib.sha256(data).hexdigest(), len(data))
            )
    return tuple(found)


def article_digest(row: Mapping[str, Any]) -> str:
    """sha256 of an article row (metadata and text): the same article, the same digest."""
    payload = json.dumps(dict(row), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


def corpus_checksum(digests: Iterable[str]) -> str:
    """One sha256 over the article digests, in sorted order (file order does not matter).

    Examples
    --------
    >>> corpus_checksum(["b", "a"]) == corpus_checksum(["a", "b"])
    True
    """
    total = hashlib.sha256()
    for digest in sorted(digests):
        total.update(digest.encode("ascii", "replace") + b"\n")
    return total.hexdigest()


def run_date(now: dt.datetime | None = None) -> str:
    """``YYYY-MM-DD`` in UTC: of ``SOURCE_DATE_EPOCH`` when set, else of ``now`` (or today)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date().isoformat()
    return (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).date().isoformat()


def _numbers(value: Any, prefix: str = "") -> list[tuple[str, float]]:
    """Numeric leaves of a JSON value as (dotted key, number), in document order."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        return [(prefix, float(value))] if math.isfinite(float(value)) else []
    if isinstance(value, Mapping):
        out = []
        for key, item in value.items():
            out += _numbers(item, f"{prefix}.{key}" if prefix else str(key))
        return out
    if isinstance(value, list):
        out = []
        for i, item in enumerate(value):
            label = None
            if isinstance(item, Mapping):  # a named row, or a row of sentiment/validity.json
                keys = [str(item[k]) for k in ("dataset", "level", "scorer") if k in item]
                label = item.get("name") or "/".join(keys) or None
            out += _numbers(item, f"{prefix}[{label or i}]")
        return out
    return []


def _figures(document: Mapping[str, Any]) -> str:
    chosen = next((document[k] for k in _PREFERRED if k in document), document)
    pairs = [(k, v) for k, v in _numbers(chosen) if k]
    shown = [f"{k} {v:.3f}".rstrip("0").rstrip(".") if v % 1 else f"{k} {int(v)}" for k, v in pairs]
    more = len(shown) - _MAX_FIGURES
    text = "; ".join(shown[:_MAX_FIGURES])
    return text + (f"; … {more} more in the file" if more > 0 else "")


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return "" if value is None else str(value)


def _card_row(path: Path) -> dict[str, str]:
    """Figures of a markdown model card: its table rows that hold a number."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        return {"status": f"unreadable: {err}"}
    rows = [
        " ".join(cell.strip() for cell in line.strip().strip("|").split("|") if cell.strip())
        for line in lines
        if line.lstrip().startswith("|")
        and any(ch.isdigit() for ch in line)
        and not set(line.strip()) <= set("|-: ")
    ]
    more = len(rows) - _MAX_FIGURES
    figures = "; ".join(rows[:_MAX_FIGURES]) + (f"; … {more} more in the card" if more > 0 else "")
    if not figures:
        return {"status": "not measured (no figures in the model card)"}
    return {"status": "measured", "figures": figures}


def method_card(
    root: str | os.PathLike[str] | None = None,
    files: Mapping[str, tuple[str, tuple[str, ...]]] = EVALUATION_FILES,
) -> pd.DataFrame:
    """The measured accuracy of each stage, read from the evaluation commands' files.

    Parameters
    ----------
    root : path, optional
        The package folder the candidate paths are relative to (default: the installed
        ``analysis`` package).
    files : mapping, optional
        Stage -> (what it measures, candidate paths); default :data:`EVALUATION_FILES`.

    Returns
    -------
    pandas.DataFrame
        One row per stage, in the order of ``files``: ``stage``, ``what``, ``status``
        ("measured", "not measured" or "unreadable: <reason>"), ``figures`` (the numbers,
        "name value; ..."), ``data`` and ``command`` (as the file states them), ``file``
        (relative to the package; "" when none was found). Never raises on a bad file.
    """
    base = _package_root(root)
    rows = []
    for stage, (what, candidates) in files.items():
        row = dict.fromkeys(METHOD_COLUMNS, "")
        row.update(stage=stage, what=what, status="not measured")
        path = next(
            (p for pattern in candidates for p in sorted(base.glob(pattern)) if p.is_file()),
            None,
        )
        if path is not None:
            row["file"] = path.relative_to(base).as_posix()
            if path.suffix == ".md":
                row.update(_card_row(path))
                rows.append(row)
                continue
            try:
                document = json.loads(path.read_text(encoding="utf-8"))
                if not isinstance(document, Mapping):
                    raise ValueError(f"a JSON {type(document).__name__}, not an object")
            except (OSError, ValueError) as err:
                row["status"] = f"unreadable: {err}"
            else:
                figures = _figures(document)
                row.update(
                    status="measured" if figures else "not measured (no figures in the file)",
                    figures=figures,
                    data=_text(document.get("data", document.get("dataset", ""))),
                    command=_text(document.get("command", "")),
                )
        rows.append(row)
    return pd.DataFrame(rows, columns=METHOD_COLUMNS).astype("str")

"""Reading the JSON-lines files that evaluations use (gold quotes, sentiment labels,
labelled articles), read by path from ``../shared``; corpora go through ``analysis.corpus``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from analysis.errors import RecordFormatError


def read_json_objects(path: str | Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``("file:line", object)`` for each non-blank line of a JSON-lines file.

    Raises
    ------
    RecordFormatError
        Naming the file when it cannot be read as UTF-8, or ``file:line`` for a line that
        is not JSON or not a JSON object.
    """
    path = Path(path)
    try:
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                where = f"{path}:{number}"
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as err:
                    raise RecordFormatError(where, f"not valid JSON ({err.msg})") from err
                if not isinstance(record, dict):
                    kind = type(record).__name__
                    raise RecordFormatError(where, f"expected a JSON object, found {kind}")
                yield where, record
    except (OSError, UnicodeDecodeError) as err:
        raise RecordFormatError(str(path), f"cannot read it as UTF-8 text ({err})") from err

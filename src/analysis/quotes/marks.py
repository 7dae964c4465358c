"""Quotation marks paired inside a paragraph.

Straight, curly, doubled (``''``/````), guillemets and single marks outside double
ones; an opening mark that is never closed runs to the end of the span (the
multi-paragraph convention). A closing mark at the very start of a paragraph opens it
(scraped text often misuses it).
"""

from __future__ import annotations

import re

__all__ = ["QUOTE_CHARS", "quote_spans"]

_MARKS = re.compile(r"''|``|[\"“”«»„‟‹›‘’']")
_DOUBLE_OPEN = frozenset({"“", "«", "„", "``", "‹"})
_DOUBLE_CLOSE = frozenset({"”", "»", "‟", "›"})
_DOUBLE_BOTH = frozenset({'"', "''"})
_QUOTE_CHARS = frozenset("\"'“”‘’«»„‟‹›`")
_DOUBLE_MARK = re.compile(r"[\"“”‘«»„‟‹›`]|''")  # quotation marks other than apostrophes
_SPACE = frozenset(" \t\r\n\u00a0")
QUOTE_CHARS = _QUOTE_CHARS


def quote_spans(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """Paired quotation marks in ``text[start:end]`` as (content_start, content_end, closed)."""
    spans: list[tuple[int, int, bool]] = []
    opened: re.Match[str] | None = None
    single: re.Match[str] | None = None
    for m in _MARKS.finditer(text, start, end):
        mark = m.group()
        if mark in ("‘", "’", "'"):
            if opened is not None:
                continue
            before = text[m.start() - 1] if m.start() > start else " "
            after = text[m.end()] if m.end() < end else " "
            if single is None:
                if (before in _SPACE or before in "([—-") and after.isalnum():
                    single = m
            elif not before.isspace() and not after.isalnum():
                if m.start() > single.end():
                    spans.append((single.end(), m.start(), True))
                single = None
            continue
        if opened is None:
            if mark in _DOUBLE_OPEN or mark in _DOUBLE_BOTH:
                opened, single = m, None
            elif mark in _DOUBLE_CLOSE and m.start() == start:
                opened, single = m, None  # a closing mark misused to open a paragraph
        elif mark in _DOUBLE_CLOSE or mark in _DOUBLE_BOTH:
            if m.start() > opened.end():
                spans.append((opened.end(), m.start(), True))
            opened = None
    if opened is not None and end > opened.end():
        spans.append((opened.end(), end, False))
    spans.sort()
    return spans

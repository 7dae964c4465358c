"""extract_quotes: the rules, the trained tagger, or both, into one list of Quote."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from analysis.quotes import model as crf
from analysis.quotes import rules
from analysis.quotes.marks import quote_spans
from analysis.quotes.rules import Quote

__all__ = ["METHODS", "MIN_CONFIDENCE", "extract_quotes"]

METHODS = ("union", "model", "rules")
DEFAULT_METHOD = "union"

MIN_CONFIDENCE = 0.5
"""Default floor for what the tables count: a quote whose ``confidence`` is below it stays
in the quotes table with ``is_counted`` False and is left out of every count and share
(chosen on the development set: counted quotes are more likely right than wrong; it
gives the best F1 at overlap 0.8 and within 0.005 of the best at 0.3; see the README)."""


def _model_drafts(
    text: str,
    rule_quotes: list[Quote],
    tagger: Any,
    table: tuple[Sequence[float], Sequence[float]],
) -> list[rules._Draft]:
    drafts: list[rules._Draft] = []
    breaks = [m.start() for m in _NEWLINE.finditer(text)]
    spans_by_line: dict[int, list[tuple[int, int, bool]]] = {}

    def line_of(pos: int) -> int:
        return bisect.bisect_left(breaks, pos)

    def line_quotes(pos: int) -> list[tuple[int, int, bool]]:
        """The paired quotation marks of the line holding ``pos``, computed once a line."""
        n = line_of(pos)
        if n not in spans_by_line:
            start = breaks[n - 1] + 1 if n else 0
            end = breaks[n] if n < len(breaks) else len(text)
            spans_by_line[n] = quote_spans(text, start, end)
        return spans_by_line[n]

    for att in crf.tag_article(text, rule_quotes, tagger):
        frags = [
            piece
            for s, e in att.fragments
            for piece in _within_quotations(text, s, e, line_quotes(s))
        ]
        if not frags:
            continue
        line = line_of(frags[0][0])
        follows = None
        if att.source is None:
            follows = next(
                (
                    d
                    for d in reversed(drafts)
                    if d.paragraph >= line - 2 and (d.speaker or d.follows)
                ),
                None,
            )
        drafts.append(
            rules._Draft(
                frags=frags,
                speaker=_mention_head(text, att.source),
                cue=att.cue,
                cue_text=text[att.cue[0] : att.cue[1]] if att.cue else None,
                paragraph=line,
                follows=follows,
                method="model",
                confidence=round(crf.calibrate(att.probability, table), 3),
            )
        )
    return drafts


def _mention_head(text: str, span: tuple[int, int] | None) -> tuple[int, int] | None:
    """A tagged source without its appositive: "Ann Lee, a senator" -> "Ann Lee"."""
    if span is None:
        return None
    s, e = span
    cut = min((i for i in (text.find(",", s, e), text.find(" (", s, e)) if i > s), default=e)
    return (s, cut)


_EDGE = frozenset(" \t\r\n\u00a0") | rules._QUOTE_CHARS


def _strip_marks(text: str, s: int, e: int) -> tuple[int, int]:
    """A tagged content without the quotation marks and spaces at its edges (as the rules)."""
    while s < e and text[s] in _EDGE:
        s += 1
    while e > s and text[e - 1] in _EDGE:
        e -= 1
    return s, e


def _within_quotations(
    text: str, s: int, e: int, quotes: list[tuple[int, int, bool]]
) -> list[tuple[int, int]]:
    """A tagged content cut where it crosses a quotation's mark without holding both.

    A content may hold whole quotations ('the plan was “crazy” and wrong') but not run
    from inside one quotation out of it ('0”1“0' -> '0', '1', '0'): the part inside the
    quotation it starts in, the part inside the quotation it ends in, and what lies
    between (marks and spaces at the cuts dropped) become separate fragments. ``quotes``
    are the paired quotation marks of the content's line
    (:func:`analysis.quotes.marks.quote_spans`); two binary searches, so linear overall.
    """
    s, e = _strip_marks(text, s, e)
    if e <= s:
        return []
    k = _first_end_after(quotes, s)
    first = quotes[k] if k < len(quotes) and quotes[k][0] <= s else None
    if first is not None and e <= first[1]:
        return [(s, e)]  # inside one quotation
    m = _first_end_after(quotes, e) if quotes else 0  # quotations ending at or before e: < m
    last = quotes[m] if m < len(quotes) and s < quotes[m][0] < e else None
    if last is None and m > 0 and quotes[m - 1][1] == e and s < quotes[m - 1][0]:
        last = quotes[m - 1]  # ends right at a quotation's content end, its mark left out
    if first is None and last is None:
        return [(s, e)]
    pieces = []
    left, right = s, e
    if first is not None:
        pieces.append((s, first[1]))
        left = first[1] + (2 if text.startswith("''", first[1]) else 1)
    if last is not None:
        right = last[0] - (2 if text[max(last[0] - 2, 0) : last[0]] in ("``", "''") else 1)
    while left < right and text[left] in _SPACES:
        left += 1
    while right > left and text[right - 1] in _SPACES:
        right -= 1
    if right > left and any(c.isalnum() for c in text[left:right]):
        pieces.append((left, right))
    if last is not None:
        pieces.append((last[0], e))
    return [(a, b) for a, b in pieces if b > a]


_SPACES = frozenset(" \t\r\n\u00a0")


def _first_end_after(quotes: list[tuple[int, int, bool]], pos: int) -> int:
    """Index of the first quotation that ends after ``pos`` (they are disjoint, in order)."""
    lo, hi = 0, len(quotes)
    while lo < hi:
        mid = (lo + hi) // 2
        if quotes[mid][1] <= pos:
            lo = mid + 1
        else:
            hi = mid
    return lo


_NEWLINE = re.compile("\n")


MAX_TAGGED_CHARS = 2_000_000
"""Longer texts (no news article is; a dump or a runaway file is) get the rules alone: the
tagger reads about 300,000 characters a second, the rules 2,000,000."""

IDENTITY: dict = {"tagger": {}, "rules": {}}
"""A calibration table that leaves tag probabilities as they are (for fitting one)."""


def extract_quotes(
    text: str, *, method: str = DEFAULT_METHOD, model_path: str | None = None
) -> list[Quote]:
    """Find the attributions of an article: content, speaker, cue, method and confidence.

    Parameters
    ----------
    text : str
        Article text (any string; offsets in the result index into it).
    method : {"union", "model", "rules"}
        ``"union"`` (default, the best on the development set): the rules' quotes plus
        the trained tagger's quotes that overlap none of them. ``"model"``: the tagger
        alone (:mod:`analysis.quotes.model`; it reads the rules' output among its
        features), with the rules' speaker where both found the attribution.
        ``"rules"``: the rules alone (:mod:`analysis.quotes.rules`).
    model_path : str, optional
        A model file other than the shipped one.

    Returns
    -------
    list of Quote
        In text order. ``method`` names the rule or ``"model"``; ``confidence`` is the
        share of such quotes right on the development set (see the README's reliability
        table). Never raises on odd text; time is linear in its length. A text longer
        than :data:`MAX_TAGGED_CHARS` gets the rules alone.

    Examples
    --------
    >>> [(q.text, q.speaker) for q in extract_quotes("“We are confident,” said Marie Richards.")]
    [('We are confident,', 'Marie Richards')]
    """
    if method not in METHODS:
        raise ValueError(f"method {method!r}: expected one of {', '.join(METHODS)}")
    return extract_with(text, method, model_path, crf.load_calibration())


def extract_with(text: str, method: str, model_path: str | None, table: dict) -> list[Quote]:
    """:func:`extract_quotes` with an explicit calibration ``table`` (fitting uses identity)."""
    rule_quotes = rules.extract_quotes(text)
    rates = table.get("rules", {})
    if rates:
        overall = table.get("rules_overall", 1.0)
        rule_quotes = [replace(q, confidence=rates.get(q.method, overall)) for q in rule_quotes]
    if method == "rules" or not isinstance(text, str) or not text.strip():
        return rule_quotes
    if len(text) > MAX_TAGGED_CHARS:
        return rule_quotes  # runaway input: the rules alone (linear and 6 times faster)
    tagger = crf.load_tagger(model_path)
    curve = table["tagger"].get(method, {"x": [0.0, 1.0], "y": [0.0, 1.0]})
    drafts = _model_drafts(text, rule_quotes, tagger, (curve["x"], curve["y"]))
    if method == "union":
        taken = _Intervals([f for q in rule_quotes for f in q.fragments])
        drafts = [d for d in drafts if not any(taken.overlaps(s, e) for s, e in d.frags)]
        if not drafts:
            return rule_quotes
        return sorted([*rule_quotes, *rules._finish(text, drafts)], key=lambda q: q.start)
    return _rule_speakers(rules._finish(text, drafts), rule_quotes)


class _Intervals:
    """Disjoint-ish character spans, asked in O(log n) whether any overlaps a span."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]
        # the largest end among the spans up to each index (spans may nest)
        self.reach = list(itertools.accumulate((e for _, e in self.spans), max))

    def overlaps(self, s: int, e: int) -> bool:
        k = bisect.bisect_left(self.starts, e)  # spans starting before e: indices < k
        return k > 0 and self.reach[k - 1] > s


def _overlap(a: Quote, b: Quote) -> int:
    return sum(max(0, min(e, f) - max(s, t)) for s, e in a.fragments for t, f in b.fragments)


def _rule_speakers(quotes: list[Quote], rule_quotes: list[Quote]) -> list[Quote]:
    """Give each tagged quote the speaker of the rule quote it overlaps most, if any.

    The rules resolve speakers across sentences and paragraphs (pronouns, relative "who",
    continuations) better than the tagger's nearest-mention choice (dev speaker accuracy
    0.94 against 0.75), so where both found an attribution the rules name the speaker.
    """
    if not rule_quotes:
        return quotes
    out = []
    k = 0
    for q in quotes:
        while k < len(rule_quotes) and rule_quotes[k].end <= q.start:
            k += 1
        best, best_overlap = None, 0
        j = max(k - 1, 0)
        while j < len(rule_quotes) and rule_quotes[j].start < q.end:
            ov = _overlap(q, rule_quotes[j])
            if ov > best_overlap:
                best, best_overlap = rule_quotes[j], ov
            j += 1
        if best is not None and best.speaker is not None:
            q = replace(
                q,
                speaker=best.speaker,
                speaker_start=best.speaker_start,
                speaker_end=best.speaker_end,
            )
        out.append(q)
    return out

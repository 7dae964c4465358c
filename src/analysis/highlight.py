"""An article as HTML with its quotes coloured by speaker and their cues marked.

:func:`highlight_article` takes the article text and its quotes (the
:class:`analysis.quotes.Quote` records of :func:`analysis.quotes.extract_quotes`, the rows of
``Results.quotes``, or plain mappings) and returns a :class:`Highlighted` article that
Jupyter displays as HTML (``_repr_html_``) and that prints as a one-line summary.

Markup, fixed so the same input always gives the same bytes:

- the text is HTML-escaped and kept with its line breaks (``white-space: pre-wrap``);
- each quote's content (every fragment of a split quote) has the background colour of its
  speaker; speakers get colours in order of their first quote in the text, cycling through
  :data:`SPEAKER_COLORS`; quotes without a speaker are grey with a dashed outline;
- the speaker mention of each attribution is bold with an underline in the speaker's
  colour, and the cue (the reporting verb or phrase) is italic with a dotted underline;
- a legend above the text lists the speakers with their colour and number of quotes;
- each coloured piece has a ``title`` (tooltip) naming the quote number, its kind and its
  speaker;
- with ``label_speakers=True`` the speaker's name is also printed in front of each quote
  (a small bold label edged in the speaker's colour), so a printed page or a PDF, where
  tooltips do not exist and backgrounds may be dropped, still says who speaks; colours are
  asked to print (``print-color-adjust: exact``).

The text is cut into runs where every character has the same marks, so overlapping
spans (a cue inside a mixed quote, two quotes that overlap) never produce broken nesting.
The runs are found in one sweep over the sorted span ends, so the time grows with the
text and the number of spans, not their product.
"""

from __future__ import annotations

import html
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, is_dataclass
from typing import Any

import pandas as pd

from analysis.errors import AnalysisError

__all__ = ["SPEAKER_COLORS", "Highlighted", "highlight_article"]

SPEAKER_COLORS = (
    "#aec7e8",
    "#ffbb78",
    "#98df8a",
    "#ff9896",
    "#c5b0d5",
    "#c49c94",
    "#f7b6d2",
    "#dbdb8d",
    "#9edae5",
    "#e0c8a0",
)
"""Background colours of speakers, in order of first quote (light, so text stays readable)."""

UNATTRIBUTED_COLOR = "#e5e5e5"
"""Background of quotes without a speaker."""

_BOX = "font-family: Georgia, 'Times New Roman', serif; font-size: 15px; line-height: 1.65; max-width: 48em"
_LEGEND = "font-family: sans-serif; font-size: 13px; line-height: 2; margin-bottom: 0.6em"
_CHIP = "padding: 1px 6px; border-radius: 3px; margin-right: 6px; white-space: nowrap"
_PRINT = "-webkit-print-color-adjust: exact; print-color-adjust: exact"
_LABEL = (
    "font-family: sans-serif; font-size: 0.75em; font-weight: bold; font-style: normal; "
    "padding: 0 4px; margin-right: 2px; border-radius: 3px; background: #ffffff; "
    "color: #222222; border: 2px solid"
)


@dataclass(frozen=True, slots=True, repr=False)
class Highlighted:
    """A highlighted article: HTML for Jupyter, a short summary as its repr.

    Attributes
    ----------
    html : str
        The markup (a ``<div>``): legend, then the article text.
    n_quotes : int
        Quotes drawn.
    speakers : tuple of str
        Speakers in order of their first quote (their colour order).
    """

    html: str
    n_quotes: int
    speakers: tuple[str, ...]

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"<highlighted article: {self.n_quotes} quotes, {len(self.speakers)} speakers>"

    def __str__(self) -> str:
        return self.html


def _get(quote: Any, name: str) -> Any:
    value = quote.get(name) if isinstance(quote, Mapping) else getattr(quote, name, None)
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def _records(quotes: Any) -> list[Any]:
    if isinstance(quotes, pd.DataFrame):
        return quotes.to_dict("records")
    if is_dataclass(quotes) or isinstance(quotes, Mapping | str):
        raise AnalysisError(
            f"highlight_article: expected a list of quotes or a quotes table, got {type(quotes).__name__}"
        )
    return list(quotes)


def _span(quote: Any, number: int, length: int, first: str, second: str) -> tuple[int, int] | None:
    start, end = _get(quote, first), _get(quote, second)
    if start is None or end is None:
        return None
    return _checked((start, end), number, length, first.removesuffix("_start") or "content")


def _checked(pair: Any, number: int, length: int, what: str) -> tuple[int, int]:
    try:
        start, end = (int(x) for x in pair)
    except (TypeError, ValueError) as err:
        raise AnalysisError(
            f"highlight_article: quote {number}: {what} span {pair!r} is not a (start, end) pair"
        ) from err
    if not 0 <= start <= end <= length:
        raise AnalysisError(
            f"highlight_article: quote {number}: {what} span ({start}, {end}) lies outside "
            f"the article text (0..{length})"
        )
    return start, end


def _fragments(quote: Any, number: int, length: int) -> list[tuple[int, int]]:
    pieces = _get(quote, "fragments")
    if pieces is None or len(pieces) == 0:
        start, end = _get(quote, "start"), _get(quote, "end")
        if start is None or end is None:
            raise AnalysisError(f"highlight_article: quote {number}: no start/end nor fragments")
        pieces = [(start, end)]
    return [_checked(piece, number, length, "content") for piece in pieces]


def highlight_article(
    text: str, quotes: Any, *, title: str | None = None, label_speakers: bool = False
) -> Highlighted:
    """Mark an article's quotes (coloured by speaker), speaker mentions and cues in HTML.

    Parameters
    ----------
    text : str
        The article text the quotes' offsets point into.
    quotes : list of Quote, pandas.DataFrame or list of mappings
        Each with ``fragments`` (or ``start``/``end``), ``speaker`` (None/empty when
        unattributed), and optionally ``kind``, ``speaker_start``/``speaker_end`` and
        ``cue_start``/``cue_end`` (the marks are drawn only when the offsets are there).
    title : str, optional
        A heading shown above the legend (escaped).
    label_speakers : bool, optional
        Print the speaker's name (or "no speaker found") in front of each quote, for print.

    Returns
    -------
    Highlighted
        Displays as HTML in Jupyter; ``.html`` is the markup.

    Raises
    ------
    AnalysisError
        When ``text`` is not a string or a span lies outside the text (the message names
        the quote by its 1-based number in the list).

    Examples
    --------
    >>> quote = {"start": 1, "end": 4, "speaker": "Ann", "speaker_start": 11, "speaker_end": 14}
    >>> highlight_article("“Yes,” said Ann.", [quote])
    <highlighted article: 1 quotes, 1 speakers>
    """
    if not isinstance(text, str):
        raise AnalysisError(
            f"highlight_article: text should be a string, got {type(text).__name__}"
        )
    records = _records(quotes)
    length = len(text)
    order: dict[str, int] = {}
    counts: dict[str | None, int] = {}
    marks: list[tuple[int, int, str, int]] = []  # (start, end, layer, quote index)
    prepared = []
    for number, quote in enumerate(records, start=1):
        speaker = _get(quote, "speaker") or None
        fragments = _fragments(quote, number, length)
        prepared.append((min(f[0] for f in fragments), number, quote, speaker, fragments))
    prepared.sort(key=lambda item: (item[0], item[1]))
    for _, number, quote, speaker, fragments in prepared:
        if speaker is not None:
            order.setdefault(str(speaker), len(order))
        counts[speaker] = counts.get(speaker, 0) + 1
        marks.extend((s, e, "quote", number) for s, e in fragments)
        mention = _span(quote, number, length, "speaker_start", "speaker_end")
        if mention is not None:
            marks.append((*mention, "speaker", number))
        cue = _span(quote, number, length, "cue_start", "cue_end")
        if cue is not None:
            marks.append((*cue, "cue", number))
    by_number = {number: (quote, speaker) for _, number, quote, speaker, _ in prepared}

    def color(speaker: str | None) -> str:
        if speaker is None:
            return UNATTRIBUTED_COLOR
        return SPEAKER_COLORS[order[str(speaker)] % len(SPEAKER_COLORS)]

    labels_at: dict[int, list[int]] = {}
    if label_speakers:
        for first, number, *_ in prepared:
            labels_at.setdefault(first, []).append(number)
    cuts = sorted({0, length, *(m[0] for m in marks), *(m[1] for m in marks)})
    by_start = sorted(marks, key=lambda m: m[0])
    by_end = sorted(marks, key=lambda m: m[1])
    covering: dict[str, dict[int, int]] = {"quote": {}, "speaker": {}, "cue": {}}
    opened = closed = 0
    body = []
    for a, b in itertools.pairwise(cuts):
        # a mark covers [a, b) when it starts at or before a and ends after a (every end is
        # a cut, so it then ends at or after b)
        while opened < len(by_start) and by_start[opened][0] <= a:
            _, _, layer, n = by_start[opened]
            covering[layer][n] = covering[layer].get(n, 0) + 1
            opened += 1
        while closed < len(by_end) and by_end[closed][1] <= a:
            _, _, layer, n = by_end[closed]
            covering[layer][n] -= 1
            if not covering[layer][n]:
                del covering[layer][n]
            closed += 1
        for number in labels_at.get(a, ()):
            _, speaker = by_number[number]
            name = html.escape(str(speaker)) if speaker is not None else "no speaker found"
            body.append(
                f'<span class="who" style="{_LABEL} {color(speaker)}; {_PRINT}">{name}</span>'
            )
        piece = html.escape(text[a:b], quote=False)
        # the lowest quote number wins where spans of one layer overlap
        active = {layer: min(numbers) for layer, numbers in covering.items() if numbers}
        if not active:
            body.append(piece)
            continue
        style, tips = [_PRINT] if label_speakers else [], []
        if "quote" in active:
            quote, speaker = by_number[active["quote"]]
            kind = _get(quote, "kind") or "quote"
            style.append(f"background: {color(speaker)}")
            if speaker is None:
                style.append("outline: 1px dashed #888888")
            tips.append(f"quote {active['quote']} ({kind}): {speaker or 'no speaker found'}")
        if "speaker" in active:
            _, speaker = by_number[active["speaker"]]
            style.append(f"font-weight: bold; border-bottom: 3px solid {color(speaker)}")
            tips.append(f"speaker of quote {active['speaker']}")
        if "cue" in active:
            style.append("font-style: italic; text-decoration: underline dotted")
            tips.append(f"cue of quote {active['cue']}")
        body.append(
            f'<span style="{"; ".join(style)}" title="{html.escape("; ".join(tips))}">{piece}</span>'
        )

    legend = []
    for speaker in order:
        n = counts[speaker]
        legend.append(
            f'<span style="{_CHIP}; background: {color(speaker)}">'
            f"{html.escape(speaker)} ({n} quote{'s' if n != 1 else ''})</span>"
        )
    if None in counts:
        n = counts[None]
        legend.append(
            f'<span style="{_CHIP}; background: {UNATTRIBUTED_COLOR}; outline: 1px dashed #888888">'
            f"no speaker found ({n} quote{'s' if n != 1 else ''})</span>"
        )
    if not records:
        legend.append("<span>No quotes found in this article.</span>")
    key = (
        '<span style="color: #555555">speaker mention in <b>bold</b>, '
        'cue in <i><u style="text-decoration-style: dotted">dotted italics</u></i></span>'
    )
    heading = f"<h4>{html.escape(title)}</h4>\n" if title else ""
    markup = (
        f'<div class="newsroom-highlight" style="{_BOX}">\n{heading}'
        f'<div style="{_LEGEND}">{" ".join(legend)}<br>{key}</div>\n'
        f'<div style="white-space: pre-wrap">{"".join(body)}</div>\n</div>'
    )
    return Highlighted(markup, len(records), tuple(order))

"""A self-contained HTML report of a corpus run: one file, no scripts, no external links.

:func:`render_report` turns tables that are already computed (the run's summary, the
sourcing balance, the top speakers, the problems and a few sample articles with their
quotes) and PNG figures into one HTML page. Figures are embedded as base64 ``data:`` URIs,
so the page can be mailed or archived as it is.

Every string that comes from the corpus (titles, outlets, article text, quotes, speaker
names, problem messages, table cells) goes through :func:`html.escape`, so markup or a
``<script>`` in an article is shown as text and never run.

:func:`standard_figures` draws the run's standard charts with :mod:`analysis.plots`.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from analysis.aggregate import top_speakers
from analysis.plots import plot_bars, plot_message, plot_stacked_shares

_CSS = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; color: #222; line-height: 1.45; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.2rem 0.6rem; text-align: left;
         vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
img { max-width: 100%; }
mark { background: #fde9a9; }
.article { white-space: pre-wrap; border-left: 3px solid #ccc; padding-left: 1rem; }
.meta { color: #666; font-size: 0.9rem; }
"""


@dataclass(frozen=True, slots=True)
class SampleArticle:
    """One article shown in full in the report, with its quotes highlighted.

    Attributes
    ----------
    article_id, title, outlet : str
        Shown as the heading.
    text : str
        The article body.
    quotes : tuple of (int, int, str)
        ``(start, end, speaker)`` of each quoted span (a fragment of a quote), offsets
        into ``text``; ``speaker`` is "" when unattributed.
    """

    article_id: str
    title: str
    outlet: str
    text: str
    quotes: tuple[tuple[int, int, str], ...] = ()


def _e(value: Any) -> str:
    """Escape any value for HTML text or an attribute."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return html.escape(str(value), quote=True)


def table_html(table: pd.DataFrame, *, max_rows: int = 50, digits: int = 3) -> str:
    """An HTML table of a DataFrame, every cell escaped; at most ``max_rows`` rows."""
    shown = table.head(max_rows)
    head = "".join(f"<th>{_e(c)}</th>" for c in shown.columns)
    rows = []
    for values in shown.itertuples(index=False, name=None):
        cells = []
        for value in values:
            if isinstance(value, float):
                cells.append(
                    f'<td class="num">{"" if value != value else f"{value:.{digits}f}"}</td>'
                )
            elif isinstance(value, int) and not isinstance(value, bool):
                cells.append(f'<td class="num">{value:,}</td>')
            else:
                cells.append(f"<td>{_e(value)}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    note = ""
    if len(table) > max_rows:
        note = f'<p class="meta">First {max_rows:,} of {len(table):,} rows.</p>'
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{note}"


def highlight_quotes(text: str, spans: Sequence[tuple[int, int, str]]) -> str:
    """The text escaped, with each quoted span wrapped in ``<mark title="speaker">``.

    Overlapping or out-of-range spans are clipped, so any input gives valid HTML.

    Examples
    --------
    >>> highlight_quotes("He said <b>yes</b>.", [(8, 18, "Ann")])
    'He said <mark title="Ann">&lt;b&gt;yes&lt;/b&gt;</mark>.'
    """
    pieces, position = [], 0
    for start, end, speaker in sorted(spans):
        start, end = max(start, position), min(end, len(text))
        if start >= end:
            continue
        pieces.append(_e(text[position:start]))
        pieces.append(f'<mark title="{_e(speaker or "unattributed")}">{_e(text[start:end])}</mark>')
        position = end
    pieces.append(_e(text[position:]))
    return "".join(pieces)


def figure_png(figure: Figure) -> bytes:
    """A figure as PNG bytes (no metadata, so the same figure gives the same bytes)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    return buffer.getvalue()


def standard_figures(
    results: Any, balance: pd.DataFrame, *, top: pd.DataFrame | None = None
) -> dict[str, Figure]:
    """The run's standard charts.

    Parameters
    ----------
    results : Results-like or None
        ``quotes``, ``speakers`` and ``articles`` tables (as :func:`top_speakers` needs);
        not read when ``top`` is given.
    balance : pandas.DataFrame
        From :func:`analysis.aggregate.sourcing_balance` grouped by ``outlet``.
    top : pandas.DataFrame, optional
        The most quoted speakers, as ``top_speakers(results, n=15)`` gives them.

    Returns
    -------
    dict of str to Figure
        ``source_types``, ``origin``, ``gender`` (share of quotes per outlet) and
        ``top_speakers`` (most quoted named speakers).
    """
    figures: dict[str, Figure] = {}
    titles = {
        "source_type": "Share of quotes by source type",
        "origin": "Share of quotes by origin of the source",
        "gender": "Share of quotes by persons, by gender",
    }
    names = {"source_type": "source_types", "origin": "origin", "gender": "gender"}
    for dimension, title in titles.items():
        rows = balance.loc[
            lambda d, dim=dimension: (d["dimension"] == dim) & (d["measure"] == "quotes")
        ].assign(outlet=lambda d: d["outlet"].replace("", "(no outlet)"))
        if rows.empty or not rows["total"].gt(0).any():
            figures[names[dimension]] = plot_message("No quotes to count.", title=title)
            continue
        figures[names[dimension]] = plot_stacked_shares(
            rows,
            group="outlet",
            category="category",
            share="share",
            n="total",  # the outlet's quotes (gender: by persons), not one category's
            title=title,
            noun="outlets",
        )
    if top is None:
        top = top_speakers(results, n=15)
    figures["top_speakers"] = plot_bars(
        top,
        label="speaker",
        value="n_quotes",
        title="Most quoted named speakers",
        xlabel="quotes",
        noun="speakers",
    )
    return figures


def render_report(
    *,
    title: str,
    summary: Mapping[str, Any],
    balance: pd.DataFrame,
    top: pd.DataFrame,
    problems: pd.DataFrame,
    samples: Sequence[SampleArticle] = (),
    figures: Mapping[str, bytes] | None = None,
    max_problems: int = 200,
) -> str:
    """The report as one HTML page.

    Parameters
    ----------
    title : str
        The page heading (e.g. the corpus name).
    summary : mapping
        Label -> value lines of the run's summary ("articles": 150, ...).
    balance : pandas.DataFrame
        The sourcing balance to show (any columns).
    top : pandas.DataFrame
        The most quoted speakers (any columns).
    problems : pandas.DataFrame
        ``source``, ``error``, ``problem``; the first ``max_problems`` are listed.
    samples : sequence of SampleArticle
        Articles shown in full with their quotes highlighted.
    figures : mapping of str to bytes, optional
        Name -> PNG bytes, embedded in order.

    Returns
    -------
    str
        The HTML document; every corpus string in it is escaped.
    """
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        "<h2>Summary</h2><table><tbody>",
        *(
            f'<tr><th>{_e(k)}</th><td class="num">{_e(f"{v:,}" if isinstance(v, int) else v)}</td></tr>'
            for k, v in summary.items()
        ),
        "</tbody></table>",
    ]
    for name, png in (figures or {}).items():
        data = base64.b64encode(png).decode("ascii")
        parts.append(f'<figure><img alt="{_e(name)}" src="data:image/png;base64,{data}"></figure>')
    parts += ["<h2>Sourcing balance</h2>", table_html(balance, max_rows=200)]
    parts += ["<h2>Most quoted speakers</h2>", table_html(top)]
    parts.append(f"<h2>Problems ({len(problems):,})</h2>")
    if problems.empty:
        parts.append("<p>None: every file was read and analysed.</p>")
    else:
        parts.append(table_html(problems, max_rows=max_problems))
    if samples:
        parts.append("<h2>Articles</h2>")
        parts.append(
            '<p class="meta">Quoted text is highlighted; hover a highlight to see the speaker.</p>'
        )
    for sample in samples:
        parts += [
            f"<h3>{_e(sample.title or sample.article_id)}</h3>",
            f'<p class="meta">{_e(sample.article_id)} · {_e(sample.outlet)} · '
            f"{len(sample.quotes)} quoted span(s)</p>",
            f'<div class="article">{highlight_quotes(sample.text, sample.quotes)}</div>',
        ]
    parts.append("</body></html>\n")
    return "\n".join(parts)


__all__ = [
    "SampleArticle",
    "figure_png",
    "highlight_quotes",
    "render_report",
    "standard_figures",
    "table_html",
]

"""A self-contained HTML report of a corpus run: one offline file a researcher can cite.

:func:`render_report` turns tables that are already computed (by :mod:`analysis.aggregate`,
:mod:`analysis.provenance` and the runner) and PNG figures into one HTML page. It computes
nothing: every number on the page is a cell of a table it was given. The page has, in order:

1. **Summary and provenance**: package version, model files and their sha256, the corpus
   checksum, the settings and the run date, and the run's counts; a suggested citation.
2. **Method card**: the measured accuracy of each stage, as the evaluation commands wrote
   it (:func:`analysis.provenance.method_card`); "not measured" when no file was found.
3. **Sourcing balance**: shares of quotes per source type, origin, gender and anonymity,
   with their 95% intervals, as tables with drawn error bars and as charts; the same per
   outlet. Groups with fewer than ``min_n`` quotes are marked "few".
4. **Tone**: mean tone of the quotes per source type with its interval, and how valid the
   tone scores were measured to be (from the method card, never typed in).
5. **Top speakers**, then **corrections** and **problems**.
6. **Articles**: every article given, with its quotes coloured by speaker and the speaker's
   name printed at each quote (readable printed or as PDF), searchable and filterable by
   outlet, speaker, source type and date with a few lines of plain JavaScript in the page
   (no network, no library; without JavaScript every article is simply shown).

Figures are embedded as base64 ``data:`` URIs, so the page can be mailed or archived as it
is. Every string that comes from the corpus (titles, outlets, article text, quotes, speaker
names, problem messages, table cells) goes through :func:`html.escape`, so markup or a
``<script>`` in an article is shown as text and never run; the page's one script is its own.

:func:`standard_figures` draws the run's standard charts with :mod:`analysis.plots` from
tables it is given.
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

from analysis.errors import AnalysisError
from analysis.highlight import highlight_article
from analysis.plots import (
    MIN_QUOTES,
    category_color,
    plot_bars,
    plot_message,
    plot_stacked_shares,
)
from analysis.provenance import Provenance

__all__ = [
    "ReportArticle",
    "SampleArticle",
    "figure_png",
    "highlight_quotes",
    "no_country_note",
    "render_report",
    "standard_figures",
    "table_html",
]

_CSS = """
body { font-family: system-ui, sans-serif; max-width: 62rem; margin: 2rem auto;
       padding: 0 1rem; color: #222; line-height: 1.45; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.2rem 0.6rem; text-align: left;
         vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.few td { color: #777; font-style: italic; }
img { max-width: 100%; }
mark { background: #fde9a9; }
code { background: #f3f3f3; padding: 0 0.2em; }
.meta { color: #555; font-size: 0.9rem; }
.note { border-left: 4px solid #e9a23b; background: #fff7e8; padding: 0.4rem 0.8rem; }
.bar { position: relative; width: 12rem; height: 0.9rem; background: #f1f1f1; }
.bar .fill { position: absolute; left: 0; top: 0; bottom: 0; }
.bar .whisker { position: absolute; top: 0.42rem; height: 2px; background: #222; }
.bar .whisker::before, .bar .whisker::after { content: ""; position: absolute; top: -0.3rem;
       width: 2px; height: 0.7rem; background: #222; }
.bar .whisker::before { left: 0; } .bar .whisker::after { right: 0; }
.bar.few .fill { opacity: 0.4; background-image: repeating-linear-gradient(45deg,
       transparent 0 3px, rgba(255,255,255,0.8) 3px 6px); }
.controls { position: sticky; top: 0; background: #fff; padding: 0.5rem 0;
            border-bottom: 1px solid #ccc; display: flex; flex-wrap: wrap; gap: 0.5rem; }
.controls label { font-size: 0.85rem; }
.doc { border-top: 1px solid #ccc; padding: 0.4rem 0 1rem; }
.doc h3 { margin: 0.3rem 0; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
@media print {
  .controls, #shown { display: none; }
  body { max-width: none; margin: 0; }
  .doc { break-inside: auto; }
  figure, table { break-inside: avoid; }
}
"""

# The page's own script: filters the article list; reads nothing but the page.
_SCRIPT = """
(function () {
  var docs = Array.prototype.slice.call(document.querySelectorAll('.doc'));
  var text = docs.map(function (d) { return d.textContent.toLowerCase(); });
  var get = function (id) { return document.getElementById(id); };
  function apply() {
    var q = get('q').value.trim().toLowerCase();
    var outlet = get('outlet').value, type = get('type').value;
    var who = get('speaker').value.trim().toLowerCase();
    var from = get('from').value, to = get('to').value, shown = 0;
    docs.forEach(function (d, i) {
      var date = d.getAttribute('data-date');
      var ok = (!q || text[i].indexOf(q) >= 0)
        && (!outlet || d.getAttribute('data-outlet') === outlet)
        && (!type || d.getAttribute('data-types').split('\\n').indexOf(type) >= 0)
        && (!who || d.getAttribute('data-speakers').toLowerCase().indexOf(who) >= 0)
        && (!from || (date && date >= from)) && (!to || (date && date <= to));
      d.hidden = !ok;
      if (ok) { shown += 1; }
    });
    get('shown').textContent = shown + ' of ' + docs.length + ' articles shown';
  }
  ['q', 'outlet', 'type', 'speaker', 'from', 'to'].forEach(function (id) {
    get(id).addEventListener('input', apply);
  });
  get('reset').addEventListener('click', function () {
    ['q', 'outlet', 'type', 'speaker', 'from', 'to'].forEach(function (id) {
      get(id).value = '';
    });
    apply();
  });
  // a link such as report.html#filter:speaker=Putin&from=2020-01-01 opens a filtered view
  var hash = decodeURIComponent(location.hash.slice(1));
  if (hash.indexOf('filter:') === 0) {
    hash.slice(7).split('&').forEach(function (pair) {
      var cut = pair.indexOf('='), key = pair.slice(0, cut), value = pair.slice(cut + 1);
      var field = ['q', 'outlet', 'type', 'speaker', 'from', 'to'].indexOf(key) >= 0 && get(key);
      if (field) { field.value = value; }
    });
    apply();
    get('articles').scrollIntoView();
  } else {
    apply();
  }
})();
"""

_UNIT = "\n"  # separates values in data- attributes (names are one line each)


@dataclass(frozen=True, slots=True)
class ReportArticle:
    """One article of the report's article browser.

    Attributes
    ----------
    article_id, title, outlet : str
        Shown as the heading.
    text : str or None
        The article body; None when the report lists the article without its text.
    quotes : tuple
        Its quotes, as :func:`analysis.highlight.highlight_article` takes them (mappings
        with ``fragments`` or ``start``/``end``, ``speaker`` and optionally ``kind``,
        ``speaker_start``/``speaker_end``, ``source_type``), or ``(start, end, speaker)``
        triples.
    date, country, url, license, author : str
        Metadata shown under the heading ("" when unknown).
    """

    article_id: str
    title: str
    outlet: str
    text: str | None
    quotes: tuple[Any, ...] = ()
    date: str = ""
    country: str = ""
    url: str = ""
    license: str = ""
    author: str = ""


SampleArticle = ReportArticle
"""The former name of :class:`ReportArticle`."""


def _e(value: Any) -> str:
    """Escape any value for HTML text or an attribute."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    return html.escape(str(value), quote=True)


def _percent(value: Any) -> str:
    if value is None or value is pd.NA or value != value:
        return ""
    return f"{100 * float(value):.1f}%"


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


def no_country_note(n_without: int, n_articles: int) -> str | None:
    """Why origins are unknown, and how to fix it; None when every article has a country.

    Examples
    --------
    >>> no_country_note(0, 3) is None
    True
    >>> no_country_note(3, 3).split(":")[0]
    '3 of 3 articles have no country'
    """
    if n_without <= 0:
        return None
    return (
        f"{n_without:,} of {n_articles:,} articles have no country: the origin of their "
        "sources (domestic or foreign) cannot be judged and is counted as unknown. Set the "
        "country with `newsroom-workbook analyze CORPUS --country GB` (for every article "
        "without one), or `country: GB` in a corpus.yaml beside the articles, or a "
        "`country` field in each article's metadata (in Python: "
        "`load_corpus(path, defaults={'country': 'GB'})`)."
    )


_TITLES = {
    "source_type": "Share of quotes by source type",
    "origin": "Share of quotes by origin of the source",
    "gender": "Share of quotes by persons, by gender",
}
_FIGURE_NAMES = {"source_type": "source_types", "origin": "origin", "gender": "gender"}


def standard_figures(
    balance: pd.DataFrame,
    *,
    top: pd.DataFrame,
    overall: pd.DataFrame | None = None,
    tone: pd.DataFrame | None = None,
    origin_note: str | None = None,
    min_n: int = MIN_QUOTES,
) -> dict[str, Figure]:
    """The run's standard charts, drawn from the tables given.

    Parameters
    ----------
    balance : pandas.DataFrame
        :func:`analysis.aggregate.sourcing_balance` grouped by ``outlet``.
    top : pandas.DataFrame
        The most quoted speakers (:func:`analysis.aggregate.top_speakers`).
    overall : pandas.DataFrame, optional
        The balance of the whole corpus (no grouping): adds ``shares`` (source-type shares
        of quotes with their 95% intervals as whiskers).
    tone : pandas.DataFrame, optional
        :func:`analysis.aggregate.tone_by_group` by ``source_type``: adds ``tone``.
    origin_note : str, optional
        Why origins are unknown (:func:`no_country_note`), printed under the origin chart.
    min_n : int, optional
        Groups with fewer quotes are hatched and marked "few".

    Returns
    -------
    dict of str to Figure
        ``source_types``, ``origin``, ``gender`` (share of quotes per outlet),
        ``top_speakers``, and ``shares`` and ``tone`` when their tables are given.
    """
    figures: dict[str, Figure] = {}
    if overall is not None:
        rows = overall.loc[
            (overall["dimension"] == "source_type") & (overall["measure"] == "quotes")
        ]
        figures["shares"] = plot_bars(
            rows,
            label="category",
            value="share",
            low="ci_low",
            high="ci_high",
            n="total",
            min_n=min_n,
            title="Share of quotes by source type, with 95% intervals",
            xlabel="share of quotes",
            percent=True,
            xlim=(0, 1),
            value_format="{:.0%}",
            top=None,
            noun="source types",
        )
    for dimension, title in _TITLES.items():
        rows = balance.loc[
            lambda d, dim=dimension: (d["dimension"] == dim) & (d["measure"] == "quotes")
        ].assign(outlet=lambda d: d["outlet"].replace("", "(no outlet)"))
        note = origin_note if dimension == "origin" else None
        if rows.empty or not rows["total"].gt(0).any():
            message = "No quotes to count." + (f" {note}" if note else "")
            figures[_FIGURE_NAMES[dimension]] = plot_message(message, title=title)
            continue
        figures[_FIGURE_NAMES[dimension]] = plot_stacked_shares(
            rows,
            group="outlet",
            category="category",
            share="share",
            n="total",  # the outlet's quotes (gender: by persons), not one category's
            title=title,
            noun="outlets",
            min_n=min_n,
            note=note,
        )
    figures["top_speakers"] = plot_bars(
        top,
        label="speaker",
        value="n_quotes",
        title="Most quoted named speakers",
        xlabel="quotes",
        noun="speakers",
        min_n=None,
    )
    if tone is not None:
        figures["tone"] = plot_bars(
            tone,
            label="source_type",
            value="mean",
            low="ci_low",
            high="ci_high",
            n="n",
            min_n=min_n,
            title="Mean tone of quotes by source type (VADER compound), 95% intervals",
            xlabel="mean VADER compound (-1 negative ... +1 positive)",
            value_format="{:+.2f}",
            xlim=(-1, 1),
            top=None,
            noun="source types",
        )
    return figures


# --- page sections ---------------------------------------------------------------------------


def _share_bar(share: Any, low: Any, high: Any, color: str, few: bool) -> str:
    """A drawn share with its interval as a whisker (pure CSS, prints as it shows)."""
    if share is None or share != share:
        return ""
    parts = [f'<span class="fill" style="width: {100 * float(share):.1f}%; background: {color}">']
    parts.append("</span>")
    if low == low and high == high and low is not None and high is not None:
        parts.append(
            f'<span class="whisker" style="left: {100 * float(low):.1f}%; '
            f'width: {max(0.0, 100 * (float(high) - float(low))):.1f}%"></span>'
        )
    return f'<div class="bar{" few" if few else ""}">{"".join(parts)}</div>'


def _balance_section(
    rows: pd.DataFrame, *, group: str | None, min_n: int, measure: str = "quotes"
) -> str:
    """Shares with intervals, one table per dimension (and group)."""
    rows = rows.loc[rows["measure"] == measure]
    if rows.empty:
        return "<p>No quotes to count.</p>"
    out = []
    header = (
        "<tr>"
        + (f"<th>{_e(group)}</th>" if group else "")
        + "<th>category</th><th>quotes</th><th>of</th><th>share</th>"
        "<th>95% interval</th><th></th><th></th></tr>"
    )
    for dimension, part in rows.groupby("dimension", sort=False):
        body = []
        for row in part.itertuples(index=False):
            total = int(row.total)
            few = total < min_n
            flag = f"few quotes ({total} &lt; {min_n})" if few else ""
            body.append(
                f'<tr class="{"few" if few else ""}">'
                + (f"<td>{_e(getattr(row, group) or '(none)')}</td>" if group else "")
                + f"<td>{_e(row.category)}</td>"
                f'<td class="num">{int(row.n):,}</td><td class="num">{total:,}</td>'
                f'<td class="num">{_percent(row.share)}</td>'
                f'<td class="num">{_percent(row.ci_low)} – {_percent(row.ci_high)}</td>'
                f"<td>{_share_bar(row.share, row.ci_low, row.ci_high, category_color(row.category), few)}</td>"
                f"<td>{flag}</td></tr>"
            )
        out.append(
            f"<h4>{_e(dimension)}</h4><table><thead>{header}</thead>"
            f"<tbody>{''.join(body)}</tbody></table>"
        )
    return "".join(out)


def _tone_section(tone: pd.DataFrame | None, validity: Mapping[str, str] | None, min_n: int) -> str:
    parts = []
    if validity is not None:
        if validity.get("status") == "measured":
            parts.append(
                "<p><b>Validity, as measured</b> "
                f"(<code>{_e(validity.get('file'))}</code>"
                + (f"; data: {_e(validity.get('data'))}" if validity.get("data") else "")
                + (
                    f"; reproduce with <code>{_e(validity.get('command'))}</code>"
                    if validity.get("command")
                    else ""
                )
                + f"): {_e(validity.get('figures'))}</p>"
            )
        else:
            parts.append(
                f'<p class="note"><b>Validity: {_e(validity.get("status") or "not measured")}.</b> '
                "No evaluation file of the tone scores was found with this installation, so "
                "how well these scores match human judgements of news text is not stated "
                "here; read them as lexicon scores, not as measured tone.</p>"
            )
    if tone is None:
        parts.append("<p>Tone was not scored in this run (<code>--no-sentiment</code>).</p>")
        return "".join(parts)
    parts.append(
        '<p class="meta">Mean VADER compound of the quotes (−1 negative … +1 positive) with a '
        "normal 95% interval (quotes treated as independent: too narrow when one article "
        "quotes one source often), and the shares labelled negative, neutral and positive "
        "(|score| ≤ 0.05 is neutral).</p>"
    )
    body = []
    for row in tone.itertuples(index=False):
        n = int(row.n)
        few = n < min_n
        body.append(
            f'<tr class="{"few" if few else ""}"><td>{_e(row[0])}</td>'
            f'<td class="num">{n:,}</td><td class="num">{_e(f"{row.mean:+.3f}" if row.mean == row.mean else "")}</td>'
            f'<td class="num">{_e(f"{row.ci_low:+.3f} – {row.ci_high:+.3f}" if row.ci_low == row.ci_low else "")}</td>'
            f'<td class="num">{_percent(row.share_negative)}</td>'
            f'<td class="num">{_percent(row.share_neutral)}</td>'
            f'<td class="num">{_percent(row.share_positive)}</td>'
            f"<td>{f'few quotes ({n} &lt; {min_n})' if few else ''}</td></tr>"
        )
    parts.append(
        f"<table><thead><tr><th>{_e(tone.columns[0])}</th><th>quotes</th><th>mean</th>"
        "<th>95% interval</th><th>negative</th><th>neutral</th><th>positive</th><th></th>"
        f"</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
    return "".join(parts)


def _method_section(method: pd.DataFrame | None) -> str:
    if method is None or method.empty:
        return "<p>No method card was given.</p>"
    rows = []
    for row in method.itertuples(index=False):
        measured = row.status == "measured"
        detail = _e(row.figures) if measured else _e(row.status)
        source = []
        if row.data:
            source.append(f"data: {_e(row.data)}")
        if row.command:
            source.append(f"reproduce: <code>{_e(row.command)}</code>")
        if row.file:
            source.append(f"file: <code>{_e(row.file)}</code>")
        rows.append(
            f"<tr><td>{_e(row.what)}</td><td>{'' if measured else '<b>'}{detail}"
            f"{'' if measured else '</b>'}</td><td>{'; '.join(source)}</td></tr>"
        )
    return (
        "<table><thead><tr><th>stage</th><th>measured accuracy</th><th>source</th></tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table>"
        '<p class="meta">Figures are read from the files the evaluation commands write, '
        "never typed in; a stage without such a file is “not measured”. Known limits: the "
        "extractor finds quotes by punctuation and reporting verbs, the source types come "
        "from word lists, tone from general-purpose lexicons (TextBlob, VADER).</p>"
    )


def _provenance_rows(provenance: Provenance | None, summary: Mapping[str, Any]) -> str:
    rows = []
    if provenance is not None:
        models = (
            "".join(
                f"<div><code>{_e(path)}</code> sha256 <code>{_e(digest)}</code> "
                f"({size:,} bytes)</div>"
                for path, digest, size in provenance.models
            )
            or "none shipped (rules and lexicons only)"
        )
        rows += [
            ("newsroom-workbook version", _e(provenance.package_version)),
            ("model files", models),
            ("corpus", _e(provenance.corpus)),
            ("corpus checksum (sha256)", f"<code>{_e(provenance.corpus_checksum)}</code>"),
            *((_e(k), _e(v)) for k, v in provenance.settings),
            ("run date (UTC)", _e(provenance.run_date)),
        ]
    rows += [
        (_e(k), _e(f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else v))
        for k, v in summary.items()
    ]
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f"<table><tbody>{body}</tbody></table>"


def _citation(provenance: Provenance | None, title: str) -> str:
    if provenance is None:
        return ""
    return (
        '<p class="meta">Cite as: ' + _e(title) + f", computed with newsroom-workbook "
        f"{_e(provenance.package_version)} on {_e(provenance.run_date)}, corpus sha256 "
        f"{_e(provenance.corpus_checksum[:16])}….</p>"
    )


def _records(quotes: Sequence[Any]) -> list[Any]:
    return [
        {"start": q[0], "end": q[1], "speaker": q[2] or None} if isinstance(q, tuple) else q
        for q in quotes
    ]


def _article_html(article: ReportArticle) -> tuple[str, set[str], set[str], set[str]]:
    """One article of the browser; also its speakers, source types and outlet."""
    quotes = _records(article.quotes)
    speakers = {" ".join(str(q.get("speaker")).split()) for q in quotes if q.get("speaker")}
    types = {str(q.get("source_type")) for q in quotes if q.get("source_type")}
    meta = [
        _e(article.article_id),
        _e(article.outlet or "(no outlet)"),
        _e(article.date or "no date"),
    ]
    if article.country:
        meta.append(_e(article.country))
    if article.author:
        meta.append(f"by {_e(article.author)}")
    if article.license:
        meta.append(f"licence {_e(article.license)}")
    meta.append(f"{len(quotes)} quote{'s' if len(quotes) != 1 else ''}")
    url = f'<div class="meta">{_e(article.url)}</div>' if article.url else ""
    if article.text is None:
        body = '<p class="meta">Text not included in this report (see the note above).</p>'
    else:
        try:
            body = highlight_article(article.text, quotes, label_speakers=True).html
        except AnalysisError as err:  # spans that do not fit the text: show it plain
            body = (
                f'<p class="meta">Quotes not marked: {_e(err)}</p>'
                f'<div style="white-space: pre-wrap">{_e(article.text)}</div>'
            )
    attributes = (
        f'data-outlet="{_e(article.outlet)}" data-date="{_e(article.date)}" '
        f'data-speakers="{_e(_UNIT.join(sorted(speakers)))}" '
        f'data-types="{_e(_UNIT.join(sorted(types)))}"'
    )
    markup = (
        f'<article class="doc" {attributes}><h3>{_e(article.title or article.article_id)}</h3>'
        f'<div class="meta">{" · ".join(meta)}</div>{url}{body}</article>'
    )
    return markup, speakers, types, {article.outlet}


def _browser(articles: Sequence[ReportArticle], note: str | None) -> str:
    pieces, speakers, types, outlets = [], set(), set(), set()
    for article in articles:
        markup, who, kinds, outlet = _article_html(article)
        pieces.append(markup)
        speakers |= who
        types |= kinds
        outlets |= outlet

    def options(values: set[str], empty: str) -> str:
        return f'<option value="">{empty}</option>' + "".join(
            f'<option value="{_e(v)}">{_e(v or "(no outlet)")}</option>' for v in sorted(values)
        )

    controls = (
        '<div class="controls" role="search">'
        '<label>search <input id="q" type="search" placeholder="any word"></label>'
        f'<label>outlet <select id="outlet">{options(outlets, "all outlets")}</select></label>'
        f'<label>speaker <input id="speaker" list="speakers" placeholder="any speaker"></label>'
        f'<datalist id="speakers">{"".join(f"<option value={chr(34)}{_e(s)}{chr(34)}>" for s in sorted(speakers))}</datalist>'
        f'<label>source type <select id="type">{options(types, "all types")}</select></label>'
        '<label>from <input id="from" type="date"></label>'
        '<label>to <input id="to" type="date"></label>'
        '<button id="reset" type="button">show all</button>'
        f'<span id="shown" class="meta">{len(articles):,} articles</span></div>'
    )
    header = (
        '<p class="meta">Every article of the corpus. Each speaker\'s quotes have their own '
        "colour within an article, and the speaker's name is printed at each quote "
        "(“no speaker found” when the extractor found none); the speaker mention is bold, the "
        "reporting verb in dotted italics. Filters need JavaScript; printing prints the "
        "articles shown.</p>"
    )
    extra = f'<p class="note">{_e(note)}</p>' if note else ""
    return header + extra + controls + "".join(pieces)


def render_report(
    *,
    title: str,
    summary: Mapping[str, Any],
    balance: pd.DataFrame,
    top: pd.DataFrame,
    problems: pd.DataFrame,
    samples: Sequence[ReportArticle] = (),
    figures: Mapping[str, bytes] | None = None,
    max_problems: int = 200,
    overall: pd.DataFrame | None = None,
    tone: pd.DataFrame | None = None,
    method: pd.DataFrame | None = None,
    provenance: Provenance | None = None,
    notes: Sequence[str] = (),
    corrections: pd.DataFrame | None = None,
    articles_note: str | None = None,
    min_n: int = MIN_QUOTES,
) -> str:
    """The report as one HTML page.

    Parameters
    ----------
    title : str
        The page heading (e.g. the corpus name).
    summary : mapping
        Label -> value lines of the run's summary ("articles": 150, ...).
    balance : pandas.DataFrame
        The sourcing balance per group (:func:`analysis.aggregate.sourcing_balance` by
        ``outlet``: its ``dimension``, ``category``, ``measure``, ``n``, ``total``,
        ``share``, ``ci_low``, ``ci_high`` columns); any other table is shown as it is.
    top : pandas.DataFrame
        The most quoted speakers (any columns).
    problems : pandas.DataFrame
        ``source``, ``error``, ``problem``; the first ``max_problems`` are listed.
    samples : sequence of ReportArticle
        The articles of the article browser (every article of the corpus).
    figures : mapping of str to bytes, optional
        Name -> PNG bytes, embedded in order (``shares`` and ``tone`` in their sections).
    max_problems : int, optional
        Problems listed.
    overall : pandas.DataFrame, optional
        The balance of the whole corpus (no grouping), shown first.
    tone : pandas.DataFrame, optional
        :func:`analysis.aggregate.tone_by_group` by source type; None when not scored.
    method : pandas.DataFrame, optional
        :func:`analysis.provenance.method_card`; its ``sentiment`` row is the tone's validity.
    provenance : Provenance, optional
        What produced the run.
    notes : sequence of str
        Warnings shown under the summary (e.g. :func:`no_country_note`).
    corrections : pandas.DataFrame, optional
        Corrections applied, e.g. the speaker corrections of the corpus's
        ``corrections.yaml`` (:data:`analysis.speakers.APPLIED_COLUMNS`: file line, action,
        target, value, speaker rows and quotes changed); None: none applied.
    articles_note : str, optional
        A note above the article browser (e.g. texts left out of a very large corpus).
    min_n : int, optional
        Groups with fewer quotes are marked "few" (default :data:`analysis.plots.MIN_QUOTES`).

    Returns
    -------
    str
        The HTML document; every corpus string in it is escaped.
    """
    figures = dict(figures or {})
    sections = ["summary", "method", "balance", "tone", "speakers", "corrections", "problems"]
    names = {
        "summary": "Summary and provenance",
        "method": "Method card",
        "balance": "Sourcing balance",
        "tone": "Tone",
        "speakers": "Most quoted speakers",
        "corrections": "Corrections",
        "problems": f"Problems ({len(problems):,})",
        "articles": f"Articles ({len(samples):,})",
    }
    if samples:
        sections.append("articles")
    toc = " · ".join(f'<a href="#{s}">{_e(names[s])}</a>' for s in sections)

    def image(name: str) -> str:
        png = figures.pop(name, None)
        if png is None:
            return ""
        data = base64.b64encode(png).decode("ascii")
        return f'<figure><img alt="{_e(name)}" src="data:image/png;base64,{data}"></figure>'

    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<nav class="meta">{toc}</nav>',
        '<h2 id="summary">Summary and provenance</h2>',
        _provenance_rows(provenance, summary),
        _citation(provenance, title),
        *(f'<p class="note">{_e(note)}</p>' for note in notes),
        '<h2 id="method">Method card</h2>',
        _method_section(method),
        '<h2 id="balance">Sourcing balance</h2>',
        '<p class="meta">Share of quotes in each category with its 95% interval (article-level '
        "cluster bootstrap: whole articles are resampled, so an article quoting one official "
        f"ten times counts as one draw). Rows and bars resting on fewer than {min_n} quotes "
        "are greyed, hatched and marked “few”: their shares say little.</p>",
    ]
    if overall is not None:
        parts += [
            "<h3>Whole corpus</h3>",
            image("shares"),
            _balance_section(overall, group=None, min_n=min_n),
        ]
    if {"dimension", "measure", "share"} <= set(balance.columns):
        group = next((c for c in balance.columns if c not in ("dimension", "category")), None)
        parts += [
            f"<h3>By {_e(group)}</h3>",
            _balance_section(balance, group=group, min_n=min_n),
        ]
    else:
        parts.append(table_html(balance, max_rows=200))
    for name in ("source_types", "origin", "gender"):
        parts.append(image(name))
    validity = None
    if method is not None and "stage" in method.columns:
        row = method.loc[method["stage"] == "sentiment"]
        validity = row.iloc[0].to_dict() if len(row) else None
    parts += ['<h2 id="tone">Tone</h2>', _tone_section(tone, validity, min_n), image("tone")]
    parts += ['<h2 id="speakers">Most quoted speakers</h2>', image("top_speakers"), table_html(top)]
    parts.append('<h2 id="corrections">Corrections</h2>')
    if corrections is None or corrections.empty:
        parts.append(
            "<p>None applied: the shares above are as the extractor and the classifiers "
            "measured them, with the accuracy stated in the method card.</p>"
        )
    else:
        parts.append(
            "<p>Applied as the last step of the run, before every table and figure above: "
            "one row per row of the corrections file, with the speaker rows and quotes it "
            "changed (0: its names match nothing in this corpus).</p>"
        )
        parts.append(table_html(corrections, max_rows=200))
    parts.append(f'<h2 id="problems">Problems ({len(problems):,})</h2>')
    if problems.empty:
        parts.append("<p>None: every file was read and analysed.</p>")
    else:
        parts.append(table_html(problems, max_rows=max_problems))
    for name in list(figures):  # any other figure given
        parts.append(image(name))
    if samples:
        parts += [
            f'<h2 id="articles">Articles ({len(samples):,})</h2>',
            _browser(samples, articles_note),
        ]
        parts.append(f"<script>{_SCRIPT}</script>")
    parts.append("</body></html>\n")
    return "\n".join(parts)

"""Tidy table -> matplotlib Figure: the workbook's charts. Computes nothing.

Every function takes a tidy table whose numbers are already computed (by
:mod:`analysis.aggregate`, :mod:`analysis.sentiment`, ...) and the names of the columns to
draw, and returns a :class:`matplotlib.figure.Figure` built without ``pyplot`` (so no
global figure state; notebooks display the returned Figure, scripts call ``savefig``).

Conventions shared by all functions:

- The title says what is shown; when categories are capped (``top``), a note under the
  title says how many of how many are drawn.
- Names go on horizontal bars, wrapped at ``wrap`` characters (two lines at most, then
  shortened with "…"), so long speaker names and outlets never overlap.
- A table with nothing to draw (no rows, only missing values, a single period for a trend)
  gives a figure that says so in words instead of empty axes (:func:`plot_message`).
- Row order is the table's order unless ``sort=True``; a Figure's content depends only on
  the table, so re-running a notebook redraws the same chart.
- Every string is drawn as literal text: a ``$`` in an outlet or speaker name ("The $$
  Show") is escaped, never read as matplotlib mathtext (:func:`literal`).
- One colour per category in every chart: a category of the workbook's tables (source
  type, origin, gender, anonymity, tone label, quote kind, measure) always has the colour
  :data:`CATEGORY_COLORS` gives it, "unknown" is always grey; other values (outlets,
  speakers) take :data:`COLORS` in order (:func:`category_color`).
- Groups resting on fewer than ``min_n`` quotes (default :data:`MIN_QUOTES`, 30) are
  marked, not drawn as if solid: hatched and faded bars, hollow points, "(n=7, few)" in the
  label and a note under the chart. With 30 quotes, the 95% interval of a share near 50%
  is already about ±17 points wide; below that a share or a mean says little.

Call :func:`use_workbook_style` once (a notebook's setup cell) for the fixed rcParams:
font sizes, no SVG hash salt drift, no metadata dates.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.schema import check_columns

__all__ = [
    "CATEGORY_COLORS",
    "COLORS",
    "MIN_QUOTES",
    "category_color",
    "literal",
    "plot_bars",
    "plot_cumulative_share",
    "plot_grouped_bars",
    "plot_lines",
    "plot_message",
    "plot_scatter",
    "plot_stacked_shares",
    "use_workbook_style",
]

COLORS = (
    "#4c72b0",
    "#dd8452",
    "#55a868",
    "#c44e52",
    "#8172b3",
    "#937860",
    "#da8bc3",
    "#8c8c8c",
    "#ccb974",
    "#64b5cd",
)
"""Colours of values that are not workbook categories (outlets, series), in order
(colour-blind-friendly "deep" palette)."""

UNKNOWN_COLOR = "#b0b0b0"

CATEGORY_COLORS: dict[str, str] = {
    # source types
    "official": "#4c72b0",
    "military": "#8172b3",
    "expert": "#55a868",
    "civilian": "#dd8452",
    "business": "#937860",
    "other": "#da8bc3",
    # origin
    "domestic": "#2a9d8f",
    "foreign": "#e9c46a",
    # gender
    "female": "#c44e52",
    "male": "#64b5cd",
    # anonymity
    "named": "#3d5a80",
    "anonymous": "#ee6c4d",
    "unattributed": "#d9d9d9",
    # tone labels
    "negative": "#b2182b",
    "neutral": "#999999",
    "positive": "#2166ac",
    # quote kinds
    "direct": "#1b7837",
    "mixed": "#a6dba0",
    "indirect": "#762a83",
    # measures
    "quotes": "#4c72b0",
    "words": "#ccb974",
    "speakers": "#8c564b",
    # missing
    "unknown": UNKNOWN_COLOR,
}
"""The one colour of each category of the workbook's tables, the same in every chart."""

MIN_QUOTES = 30
"""Groups with fewer quotes than this are marked as resting on too few (see the notes)."""

WIDTH = 8.0
"""Figure width in inches."""

_STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "font.family": "DejaVu Sans",
    "svg.hashsalt": "newsroom-workbook",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "image.cmap": "viridis",
}


def use_workbook_style() -> None:
    """Set matplotlib's rcParams to the workbook's fixed, deterministic style.

    Fonts and sizes, white backgrounds, no top/right spines, a fixed ``svg.hashsalt`` (so
    SVG ids do not change between runs). Call it once before drawing.
    """
    mpl.rcParams.update(_STYLE)


def literal(text: object) -> str:
    """``text`` as a string matplotlib draws literally: every ``$`` escaped (no mathtext).

    Examples
    --------
    >>> print(literal("The $$ Show"))
    The \\$\\$ Show
    """
    return str(text).replace("$", r"\$")


def category_color(value: object, position: int = 0) -> str:
    """The colour of a category: its :data:`CATEGORY_COLORS` entry, else ``COLORS[position]``.

    Examples
    --------
    >>> category_color("unknown") == category_color("Unknown", 3) == UNKNOWN_COLOR
    True
    """
    return CATEGORY_COLORS.get(str(value).strip().lower(), COLORS[position % len(COLORS)])


def _colors(values: Sequence[object]) -> list[str]:
    """One colour per value: categories their own, the rest the unused palette in order."""
    taken = {
        CATEGORY_COLORS[str(v).strip().lower()]
        for v in values
        if str(v).strip().lower() in CATEGORY_COLORS
    }
    free = [c for c in COLORS if c not in taken] or list(COLORS)
    out, i = [], 0
    for value in values:
        key = str(value).strip().lower()
        if key in CATEGORY_COLORS:
            out.append(CATEGORY_COLORS[key])
        else:
            out.append(free[i % len(free)])
            i += 1
    return out


def _thin(counts: Sequence[float] | np.ndarray | None, min_n: int | None, size: int) -> np.ndarray:
    """True where a group's count is known and below ``min_n``."""
    if counts is None or min_n is None:
        return np.zeros(size, dtype=bool)
    values = np.asarray(pd.to_numeric(pd.Series(list(counts)), errors="coerce"), dtype=float)
    return ~np.isnan(values) & (values < min_n)


def _thin_note(n_thin: int, min_n: int | None, noun: str) -> str | None:
    if not n_thin or min_n is None:
        return None
    return (
        f"Hatched, faded: {n_thin} {noun} with fewer than {min_n} quotes "
        "(too few for a reliable share)."
    )


def _wrap(label: object, width: int) -> str:
    """A label on at most two lines of ``width`` characters, shortened with "…"."""
    text = (
        "(none)"
        if label is None or (isinstance(label, float) and math.isnan(label))
        else str(label)
    )
    text = " ".join(text.split()) or "(empty)"
    lines = textwrap.wrap(text, width=width, break_long_words=True) or [text]
    if len(lines) > 2:
        lines = [lines[0], lines[1][: width - 1].rstrip() + "…"]
    return literal("\n".join(lines))


def _figure(height: float) -> tuple[Figure, object]:
    fig = Figure(figsize=(WIDTH, max(2.2, min(height, 14.0))), layout="constrained")
    return fig, fig.add_subplot()


def _titles(ax, fig: Figure, title: str, note: str | None) -> None:
    ax.set_title(literal(title), loc="left")
    if note:
        fig.supxlabel(
            literal(textwrap.fill(note, 110)), fontsize=8.5, color="#555555", x=0.01, ha="left"
        )


def plot_message(message: str, *, title: str | None = None) -> Figure:
    """A figure that states, in words, why there is nothing to draw.

    Parameters
    ----------
    message : str
        The sentence to show ("No quotes with a date: a trend needs at least two periods.").
    title : str, optional
        The title the chart would have had.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = Figure(figsize=(WIDTH, 1.8), layout="constrained")
    ax = fig.add_subplot()
    ax.set_axis_off()
    if title:
        ax.set_title(literal(title), loc="left")
    ax.text(
        0.5,
        0.45,
        literal(textwrap.fill(message, width=80)),
        ha="center",
        va="center",
        fontsize=10.5,
        color="#333333",
        transform=ax.transAxes,
    )
    return fig


def _capped(table: pd.DataFrame, top: int | None, noun: str) -> tuple[pd.DataFrame, str | None]:
    if top is not None and len(table) > top:
        return table.head(top), f"The first {top} of {len(table)} {noun} are shown."
    return table, None


def _errors(values: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    below = np.clip(values - low, 0, None)
    above = np.clip(high - values, 0, None)
    return np.nan_to_num(np.vstack([below, above]))


def plot_bars(
    table: pd.DataFrame,
    *,
    label: str,
    value: str,
    title: str,
    xlabel: str,
    low: str | None = None,
    high: str | None = None,
    top: int | None = 15,
    sort: bool = False,
    wrap: int = 34,
    xlim: tuple[float, float] | None = None,
    value_format: str = "{:.0f}",
    percent: bool = False,
    noun: str = "rows",
    n: str | None = None,
    min_n: int | None = MIN_QUOTES,
) -> Figure:
    """Horizontal bars, one per row, first row on top; optional confidence-interval whiskers.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per bar.
    label, value : str
        Columns with the bar's name and length.
    title, xlabel : str
        What the chart shows and the unit of the bars.
    low, high : str, optional
        Columns with the interval's ends (drawn as whiskers).
    top : int, optional
        Draw at most this many rows (the first ones; a note says how many were left out).
    sort : bool, optional
        Sort by ``value`` descending (ties by label) before capping.
    wrap : int, optional
        Characters per label line.
    xlim : (float, float), optional
        Fixed axis range (e.g. ``(0, 1)`` for shares).
    value_format : str, optional
        Format of the number printed at the end of each bar.
    percent : bool, optional
        Label the axis in percent (values are shares in [0, 1]).
    noun : str, optional
        What a row is, for the note ("speakers").
    n : str, optional
        Column with the number of quotes behind each bar: bars with fewer than ``min_n``
        are hatched and faded, and their label says "(n=7, few)".
    min_n : int, optional
        The threshold (default :data:`MIN_QUOTES`); None marks nothing.

    Returns
    -------
    matplotlib.figure.Figure
        Or a :func:`plot_message` figure when no row has a value.

    Raises
    ------
    AnalysisError
        When a named column is missing.
    """
    check_columns(table, [label, value, low, high, n], "plot_bars")
    data = table.loc[table[value].notna()]
    if data.empty:
        return plot_message(f"Nothing to plot: no {noun} with a value for '{value}'.", title=title)
    if sort:
        data = data.sort_values([value, label], ascending=[False, True], kind="stable")
    data, note = _capped(data, top, noun)
    size = len(data)
    fig, ax = _figure(1.0 + 0.38 * size)
    positions = np.arange(size)
    values = data[value].to_numpy(dtype=float)
    xerr = None
    if low is not None and high is not None:
        xerr = _errors(values, data[low].to_numpy(dtype=float), data[high].to_numpy(dtype=float))
    thin = _thin(None if n is None else data[n], min_n, size)
    colors = [CATEGORY_COLORS.get(str(v).strip().lower(), COLORS[0]) for v in data[label]]
    bars = ax.barh(positions, values, color=colors, xerr=xerr, capsize=3 if xerr is not None else 0)
    for bar, is_thin in zip(bars, thin, strict=True):
        if is_thin:
            bar.set_alpha(0.4)
            bar.set_hatch("///")
    labels = [str(v) for v in data[label]]
    if n is not None:
        labels = [
            f"{v} (n={int(c)}, few)" if t else v
            for v, c, t in zip(labels, data[n].fillna(0), thin, strict=True)
        ]
    note = " ".join(x for x in (note, _thin_note(int(thin.sum()), min_n, noun)) if x) or None
    ax.set_yticks(positions, [_wrap(v, wrap) for v in labels])
    ax.invert_yaxis()
    ax.set_xlabel(literal(xlabel))
    if xlim is not None:
        ax.set_xlim(*xlim)
    else:
        ax.set_xlim(min(0.0, float(np.nanmin(values)) * 1.1), None)
    right = values if xerr is None else values + xerr[1]
    for y, (x, v) in enumerate(zip(right, values, strict=True)):
        ax.annotate(
            value_format.format(v),
            (max(x, 0.0), y),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=8.5,
        )
    ax.margins(x=0.12)
    if percent:
        ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
    elif pd.api.types.is_integer_dtype(data[value]):  # counts: no ticks at 0.5, 1.5, ...
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    _titles(ax, fig, title, note)
    return fig


def plot_grouped_bars(
    table: pd.DataFrame,
    *,
    label: str,
    group: str,
    value: str,
    title: str,
    xlabel: str,
    low: str | None = None,
    high: str | None = None,
    top: int | None = 12,
    wrap: int = 28,
    xlim: tuple[float, float] | None = None,
    percent: bool = False,
    skip_zero: bool = False,
    noun: str = "categories",
    n: str | None = None,
    min_n: int | None = MIN_QUOTES,
) -> Figure:
    """Horizontal bars side by side: one cluster per ``label``, one bar per ``group`` in it.

    For example shares of quotes, of words and of speakers (``group``) for each source type
    (``label``). Labels and groups keep the order they first appear in (or their categorical
    order).

    Parameters
    ----------
    table : pandas.DataFrame
        Long table: one row per (label, group).
    label, group, value : str
        Columns naming the cluster, the bar within it, and the bar's length.
    title, xlabel : str
        What the chart shows; the unit.
    low, high : str, optional
        Interval columns, drawn as whiskers.
    top : int, optional
        At most this many clusters (the first ones).
    wrap : int, optional
        Characters per label line.
    xlim : (float, float), optional
        Fixed axis range.
    percent : bool, optional
        Label the axis in percent (values are shares in [0, 1]).
    skip_zero : bool, optional
        Leave out clusters whose values are all zero (a note says how many).
    noun : str, optional
        What a cluster is, for the note.
    n : str, optional
        Column with the quotes behind each bar; bars below ``min_n`` are hatched and faded.
    min_n : int, optional
        The threshold (default :data:`MIN_QUOTES`); None marks nothing.

    Returns
    -------
    matplotlib.figure.Figure
        Or a :func:`plot_message` figure when no row has a value.
    """
    check_columns(table, [label, group, value, low, high, n], "plot_grouped_bars")
    data = table.loc[table[value].notna()]
    if data.empty:
        return plot_message(f"Nothing to plot: no {noun} with a value for '{value}'.", title=title)
    labels = _order(data[label])
    groups = _order(data[group])
    notes = []
    if skip_zero:
        nonzero = set(data.loc[data[value] != 0, label])
        zero = [v for v in labels if v not in nonzero]
        labels = [v for v in labels if v in nonzero]
        if zero:
            notes.append(f"Left out, all zero: {', '.join(map(str, zero))}.")
        if not labels:
            return plot_message(f"Nothing to plot: every value of '{value}' is zero.", title=title)
    if top is not None and len(labels) > top:
        notes.insert(0, f"The first {top} of {len(labels)} {noun} are shown.")
        labels = labels[:top]
    k = len(groups)
    height = 0.8 / k
    fig, ax = _figure(1.2 + 0.28 * len(labels) * k + 0.3)
    colors = _colors(groups)
    n_thin = 0
    for i, g in enumerate(groups):
        part = data.loc[data[group] == g].drop_duplicates(label).set_index(label)
        part = part.reindex(labels)
        values = part[value].to_numpy(dtype=float)
        xerr = None
        if low is not None and high is not None:
            xerr = _errors(
                values, part[low].to_numpy(dtype=float), part[high].to_numpy(dtype=float)
            )
        y = np.arange(len(labels)) + (i - (k - 1) / 2) * height
        bars = ax.barh(
            y,
            np.nan_to_num(values),
            height=height,
            color=colors[i],
            label=literal(g),
            xerr=xerr,
            capsize=2 if xerr is not None else 0,
            error_kw={"ecolor": "#444444", "elinewidth": 0.9},
        )
        thin = _thin(None if n is None else part[n], min_n, len(labels))
        n_thin += int(thin.sum())
        for bar, is_thin in zip(bars, thin, strict=True):
            if is_thin:
                bar.set_alpha(0.4)
                bar.set_hatch("///")
    notes.append(_thin_note(n_thin, min_n, "bars") or "")
    note = " ".join(x for x in notes if x) or None
    ax.set_yticks(np.arange(len(labels)), [_wrap(v, wrap) for v in labels])
    ax.invert_yaxis()
    ax.set_xlabel(literal(xlabel))
    if xlim is not None:
        ax.set_xlim(*xlim)
    if percent:
        ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    _titles(ax, fig, title, note)
    return fig


def _order(column: pd.Series) -> list:
    """Distinct values in categorical order when categorical, else in order of appearance."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        present = set(column.dropna())
        return [c for c in column.cat.categories if c in present]
    return list(dict.fromkeys(column.dropna()))


def plot_stacked_shares(
    table: pd.DataFrame,
    *,
    group: str,
    category: str,
    share: str,
    title: str,
    n: str | None = None,
    top: int | None = 12,
    wrap: int = 26,
    noun: str = "groups",
    min_n: int | None = MIN_QUOTES,
    note: str | None = None,
) -> Figure:
    """One 100 % bar per group (e.g. outlet), split into categories (e.g. source types).

    Parameters
    ----------
    table : pandas.DataFrame
        Long table: one row per (group, category) with the category's share of the group.
    group, category, share : str
        Columns: the bar, the segment, the segment's share in [0, 1].
    title : str
        What the chart shows.
    n : str, optional
        Column with the group's total count, printed in the label ("Libyan Gazette (n=8)");
        a group with fewer than ``min_n`` is hatched and faded and says "(n=8, few)".
    top : int, optional
        At most this many groups (the first ones).
    wrap : int, optional
        Characters per label line.
    noun : str, optional
        What a group is, for the note.
    min_n : int, optional
        The threshold (default :data:`MIN_QUOTES`); None marks nothing.
    note : str, optional
        A sentence printed under the chart (e.g. why a category is unknown).

    Returns
    -------
    matplotlib.figure.Figure
        Or a :func:`plot_message` figure when there are no shares.
    """
    extra = note
    check_columns(table, [group, category, share, n], "plot_stacked_shares")
    data = table.loc[table[share].notna()]
    if data.empty:
        return plot_message(f"Nothing to plot: no {noun} with shares.", title=title)
    groups = _order(data[group])
    categories = [
        c for c in _order(data[category]) if data.loc[data[category] == c, share].sum() > 0
    ]
    note = None
    if top is not None and len(groups) > top:
        note = f"The first {top} of {len(groups)} {noun} are shown."
        groups = groups[:top]
    wide = (
        data.pivot_table(index=group, columns=category, values=share, aggfunc="sum", observed=True)
        .reindex(index=groups, columns=categories)
        .fillna(0.0)
    )
    labels = [str(g) for g in groups]
    thin = np.zeros(len(groups), dtype=bool)
    if n is not None:
        totals = data.drop_duplicates(group).set_index(group)[n].reindex(groups)
        thin = _thin(totals, min_n, len(groups))
        labels = [
            f"{g} (n={int(t)}{', few' if is_thin else ''})"
            for g, t, is_thin in zip(groups, totals.fillna(0), thin, strict=True)
        ]
        note = " ".join(x for x in (note, _thin_note(int(thin.sum()), min_n, noun)) if x) or None
    fig, ax = _figure(1.6 + 0.42 * len(groups))
    y = np.arange(len(groups))
    left = np.zeros(len(groups))
    colors = _colors(categories)
    for i, c in enumerate(categories):
        widths = wide[c].to_numpy(dtype=float)
        bars = ax.barh(y, widths, left=left, color=colors[i], label=literal(c), height=0.7)
        for bar, is_thin in zip(bars, thin, strict=True):
            if is_thin:
                bar.set_alpha(0.4)
                bar.set_hatch("///")
        for yi, (x0, w) in enumerate(zip(left, widths, strict=True)):
            if w >= 0.08:
                ax.text(
                    x0 + w / 2, yi, f"{w:.0%}", ha="center", va="center", fontsize=8, color="white"
                )
        left += widths
    ax.set_yticks(y, [_wrap(v, wrap) for v in labels])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
    ax.set_xlabel("share")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    note = " ".join(x for x in (note, extra) if x) or None
    _titles(ax, fig, title, note)
    return fig


def plot_lines(
    table: pd.DataFrame,
    *,
    x: str,
    value: str,
    title: str,
    ylabel: str,
    series: str | None = None,
    low: str | None = None,
    high: str | None = None,
    top: int | None = 6,
    ylim: tuple[float, float] | None = None,
    noun: str = "series",
    n: str | None = None,
    min_n: int | None = MIN_QUOTES,
) -> Figure:
    """A trend: ``value`` against ``x`` (a period), one line per ``series``.

    Needs at least two distinct ``x`` values; otherwise (one article, one month, no dates)
    it returns a figure saying so.

    Parameters
    ----------
    table : pandas.DataFrame
        Long table: one row per (x, series).
    x, value : str
        Columns: the period (sortable: "2016-08", a Period, a date) and the value.
    title, ylabel : str
        What the chart shows; the unit.
    series : str, optional
        Column splitting the lines (e.g. source type); the first ``top`` series in order.
    low, high : str, optional
        Interval columns, drawn as a band.
    top : int, optional
        At most this many series.
    ylim : (float, float), optional
        Fixed axis range.
    noun : str, optional
        What a series is, for the note.
    n : str, optional
        Column with the quotes behind each point: points with fewer than ``min_n`` are
        drawn hollow and a note says how many.
    min_n : int, optional
        The threshold (default :data:`MIN_QUOTES`); None marks nothing.

    Returns
    -------
    matplotlib.figure.Figure
    """
    check_columns(table, [x, value, series, low, high, n], "plot_lines")
    data = table.loc[table[value].notna() & table[x].notna()]
    if not pd.api.types.is_numeric_dtype(data[x]):
        data = data.loc[data[x].astype(str).str.strip() != ""]
    periods = sorted(data[x].unique())
    if len(periods) < 2:
        found = "no dated rows" if not periods else f"only one period ({periods[0]})"
        return plot_message(
            f"No trend to draw: {found}; a trend needs at least two periods.", title=title
        )
    names = _order(data[series]) if series is not None else [None]
    note = None
    if top is not None and len(names) > top:
        note = f"The first {top} of {len(names)} {noun} are shown."
        names = names[:top]
    fig, ax = _figure(4.2)
    positions = {p: i for i, p in enumerate(periods)}
    colors = _colors(names) if series is not None else [COLORS[0]]
    n_thin = 0
    for i, name in enumerate(names):
        part = data if name is None else data.loc[data[series] == name]
        part = part.assign(_pos=part[x].map(positions)).sort_values("_pos")
        color = colors[i]
        ax.plot(
            part["_pos"],
            part[value],
            marker="o",
            color=color,
            label=None if name is None else literal(name),
        )
        thin = _thin(None if n is None else part[n], min_n, len(part))
        if thin.any():
            n_thin += int(thin.sum())
            ax.plot(
                part["_pos"].to_numpy()[thin],
                part[value].to_numpy(dtype=float)[thin],
                linestyle="none",
                marker="o",
                markerfacecolor="white",
                markeredgecolor=color,
                zorder=3,
            )
        if low is not None and high is not None:
            ax.fill_between(
                part["_pos"], part[low], part[high], color=color, alpha=0.15, linewidth=0
            )
    step = max(1, math.ceil(len(periods) / 12))
    ticks = list(range(0, len(periods), step))
    ax.set_xticks(ticks, [str(periods[t]) for t in ticks], rotation=45, ha="right")
    ax.set_ylabel(literal(ylabel))
    if ylim is not None:
        ax.set_ylim(*ylim)
    if series is not None:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    if n_thin:
        few = (
            f"Hollow points: {n_thin} resting on fewer than {min_n} quotes "
            "(too few for a reliable value)."
        )
        note = f"{note} {few}" if note else few
    _titles(ax, fig, title, note)
    return fig


def plot_scatter(
    table: pd.DataFrame,
    *,
    x: str,
    y: str,
    title: str,
    xlabel: str,
    ylabel: str,
    limits: tuple[float, float] | None = (-1.0, 1.0),
    diagonal: bool = True,
    band: float | None = None,
) -> Figure:
    """One dot per row, e.g. a quote's TextBlob polarity against its VADER compound.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per point; rows with a missing coordinate are left out (and counted in the
        note).
    x, y : str
        Coordinate columns.
    title, xlabel, ylabel : str
        What the chart shows; the axes.
    limits : (float, float), optional
        The same range on both axes (default -1 to 1, the range of both sentiment scores).
    diagonal : bool, optional
        Draw the line ``y = x`` (where two scores on the same scale agree).
    band : float, optional
        Shade the neutral band ``|score| <= band`` on both axes.

    Returns
    -------
    matplotlib.figure.Figure
        Or a :func:`plot_message` figure when no row has both coordinates.
    """
    check_columns(table, [x, y], "plot_scatter")
    data = table.loc[table[x].notna() & table[y].notna()]
    if data.empty:
        return plot_message("Nothing to plot: no rows with both scores.", title=title)
    fig = Figure(figsize=(WIDTH * 0.7, WIDTH * 0.62), layout="constrained")
    ax = fig.add_subplot()
    if band is not None:
        ax.axvspan(-band, band, color="#eeeeee", zorder=0)
        ax.axhspan(-band, band, color="#eeeeee", zorder=0)
    if limits is not None:
        ax.set_xlim(*limits)
        ax.set_ylim(*limits)
        if diagonal:
            ax.plot(limits, limits, color="#999999", linewidth=0.8, linestyle="--", zorder=1)
    ax.axhline(0, color="#bbbbbb", linewidth=0.6, zorder=1)
    ax.axvline(0, color="#bbbbbb", linewidth=0.6, zorder=1)
    alpha = 0.8 if len(data) < 200 else 0.35
    ax.scatter(data[x], data[y], s=22, color=COLORS[0], alpha=alpha, zorder=2, linewidths=0)
    ax.set_xlabel(literal(xlabel))
    ax.set_ylabel(literal(ylabel))
    if limits is not None:
        ax.set_aspect("equal")
    dropped = len(table) - len(data)
    rows = "row" if dropped == 1 else "rows"
    note = f"{len(data)} points" + (
        f"; {dropped} {rows} without both scores left out." if dropped else "."
    )
    _titles(ax, fig, title, note)
    return fig


def plot_cumulative_share(
    table: pd.DataFrame,
    *,
    rank: str,
    share: str,
    title: str,
    xlabel: str = "speakers, most quoted first",
    ylabel: str = "cumulative share of quotes",
    mark: int | None = 10,
) -> Figure:
    """How concentrated the voices are: cumulative share held by the top-``rank`` speakers.

    The dashed line is what equal voice would look like: the same final share, spread
    evenly over the speakers. The further the curve bows above it, the more a few speakers
    dominate.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per rank (1 = most quoted), with the cumulative share in [0, 1].
    rank, share : str
        Columns: the rank and the cumulative share up to it.
    title, xlabel, ylabel : str
        What the chart shows; the axes.
    mark : int, optional
        Mark and label the share at this rank (e.g. the top 10), when the table reaches it.

    Returns
    -------
    matplotlib.figure.Figure
        Or a :func:`plot_message` figure when there are fewer than two speakers.
    """
    check_columns(table, [rank, share], "plot_cumulative_share")
    data = table.loc[table[share].notna()].sort_values(rank)
    if len(data) < 2:
        who = "no speaker" if data.empty else "a single speaker"
        return plot_message(
            f"No concentration curve: the corpus has {who}; the curve needs at least two.",
            title=title,
        )
    fig, ax = _figure(4.0)
    ranks = data[rank].to_numpy(dtype=float)
    values = data[share].to_numpy(dtype=float)
    ax.plot(
        np.concatenate([[0], ranks]),
        np.concatenate([[0], values]),
        color=COLORS[0],
        marker="o" if len(ranks) <= 40 else None,
        markersize=3,
        label="observed",
    )
    ax.plot(
        [0, ranks[-1]],
        [0, values[-1]],
        color="#999999",
        linestyle="--",
        linewidth=0.8,
        label="equal voice (same total, spread evenly)",
    )
    if mark is not None and ranks[-1] >= mark:
        at = float(values[ranks <= mark][-1])
        ax.plot([mark], [at], marker="o", color=COLORS[3])
        ax.annotate(
            f"top {mark}: {at:.0%}",
            (mark, at),
            xytext=(6, -12),
            textcoords="offset points",
            fontsize=9,
        )
    ax.set_xlim(0, ranks[-1])
    ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
    ax.set_xlabel(literal(xlabel))
    ax.set_ylabel(literal(ylabel))
    ax.legend(loc="lower right")
    _titles(ax, fig, title, None)
    return fig

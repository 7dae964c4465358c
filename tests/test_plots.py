import io

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest

from analysis import plots
from analysis.errors import AnalysisError


def texts(fig) -> list[str]:
    """Every piece of text drawn on the figure (titles, notes, labels, annotations)."""
    return [t.get_text() for t in fig.findobj(mpl.text.Text) if t.get_text()]


def is_message(fig) -> bool:
    """A plot_message figure: one axes, switched off, with no bars or lines."""
    (ax,) = fig.axes
    return not ax.axison and not ax.patches and not ax.lines


def ytick_labels(ax) -> list[str]:
    return [t.get_text() for t in ax.get_yticklabels()]


SPEAKERS = pd.DataFrame(
    {
        "speaker": ["Marie Richards", "Geoff Porter", "Asruf el Qat", "a Libyan commander"],
        "n_quotes": [4, 1, 2, 1],
    }
)


def test_bars_one_per_row_in_table_order_first_on_top():
    fig = plots.plot_bars(
        SPEAKERS, label="speaker", value="n_quotes", title="Quotes per speaker", xlabel="quotes"
    )
    ax = fig.axes[0]
    assert [p.get_width() for p in ax.patches] == [4, 1, 2, 1]
    assert ytick_labels(ax) == list(SPEAKERS["speaker"])
    assert ax.yaxis_inverted()  # row 0 at the top
    assert "Quotes per speaker" in texts(fig) and ax.get_xlabel() == "quotes"


def test_bars_sorted_and_capped_say_how_many_were_left_out():
    fig = plots.plot_bars(
        SPEAKERS,
        label="speaker",
        value="n_quotes",
        title="t",
        xlabel="quotes",
        sort=True,
        top=2,
        noun="speakers",
    )
    ax = fig.axes[0]
    # sorted by n_quotes descending: Richards (4), el Qat (2); the two with 1 quote are cut
    assert ytick_labels(ax) == ["Marie Richards", "Asruf el Qat"]
    assert "The first 2 of 4 speakers are shown." in texts(fig)


def test_bars_ties_broken_by_label_when_sorted():
    fig = plots.plot_bars(
        SPEAKERS, label="speaker", value="n_quotes", title="t", xlabel="x", sort=True
    )
    # Geoff Porter and a Libyan commander both have 1 quote: "Geoff" sorts before "a" (capitals first)
    assert ytick_labels(fig.axes[0])[2:] == ["Geoff Porter", "a Libyan commander"]


def test_bar_whiskers_span_the_interval():
    table = pd.DataFrame(
        {"type": ["official", "expert"], "share": [0.5, 0.2], "lo": [0.3, 0.1], "hi": [0.8, 0.25]}
    )
    fig = plots.plot_bars(
        table, label="type", value="share", low="lo", high="hi", title="t", xlabel="share"
    )
    segments = (
        next(c for c in fig.axes[0].containers if isinstance(c, mpl.container.ErrorbarContainer))
        .lines[2][0]
        .get_segments()
    )
    assert [(s[0][0], s[1][0]) for s in segments] == [
        pytest.approx((0.3, 0.8)),
        pytest.approx((0.1, 0.25)),
    ]


def test_long_labels_wrap_to_two_lines_and_are_shortened():
    name = "Dr. Alexandrina Konstantinopoulou of the National Institute for Strategic Studies"
    table = pd.DataFrame({"speaker": [name], "n_quotes": [3]})
    fig = plots.plot_bars(table, label="speaker", value="n_quotes", title="t", xlabel="x", wrap=20)
    (label,) = ytick_labels(fig.axes[0])
    lines = label.split("\n")
    assert len(lines) == 2 and all(len(line) <= 20 for line in lines)
    assert lines[0] == "Dr. Alexandrina" and lines[1].endswith("…")


@pytest.mark.parametrize(
    "table",
    [
        pd.DataFrame({"speaker": [], "n_quotes": []}),
        pd.DataFrame({"speaker": ["x"], "n_quotes": [np.nan]}),
    ],
    ids=["no-rows", "only-missing-values"],
)
def test_nothing_to_draw_gives_a_sentence_not_empty_axes(table):
    fig = plots.plot_bars(
        table, label="speaker", value="n_quotes", title="Quotes per speaker", xlabel="q"
    )
    assert is_message(fig)
    assert any(t.startswith("Nothing to plot") for t in texts(fig))
    assert "Quotes per speaker" in texts(fig)


def test_missing_column_names_the_column():
    with pytest.raises(AnalysisError, match=r"plot_bars: missing column\(s\) \['n_words'\]"):
        plots.plot_bars(SPEAKERS, label="speaker", value="n_words", title="t", xlabel="x")


def test_not_a_table_is_an_error():
    with pytest.raises(AnalysisError, match="expected a pandas DataFrame, got list"):
        plots.plot_bars([1, 2], label="a", value="b", title="t", xlabel="x")


BALANCE = pd.DataFrame(
    {
        "category": pd.Categorical(
            ["military", "official"] * 2, categories=["official", "military"], ordered=True
        ),
        "measure": ["quotes", "quotes", "words", "words"],
        "share": [0.25, 0.75, 0.4, 0.6],
    }
)


def test_grouped_bars_cluster_by_label_in_categorical_order():
    fig = plots.plot_grouped_bars(
        BALANCE, label="category", group="measure", value="share", title="t", xlabel="share"
    )
    ax = fig.axes[0]
    assert ytick_labels(ax) == ["official", "military"]  # categorical order, not row order
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["quotes", "words"]
    # bars are drawn group by group: quotes (official 0.75, military 0.25), then words
    assert [p.get_width() for p in ax.patches] == [0.75, 0.25, 0.6, 0.4]


def test_stacked_shares_fill_each_bar_and_print_n():
    table = pd.DataFrame(
        {
            "outlet": ["A", "A", "B", "B"],
            "category": ["official", "expert", "official", "expert"],
            "share": [0.75, 0.25, 0.0, 1.0],
            "n": [8, 8, 3, 3],
        }
    )
    fig = plots.plot_stacked_shares(
        table, group="outlet", category="category", share="share", n="n", title="t", min_n=None
    )
    ax = fig.axes[0]
    assert ytick_labels(ax) == ["A (n=8)", "B (n=3)"]
    widths = [p.get_width() for p in ax.patches]
    # official segments (A 0.75, B 0) then expert segments (A 0.25, B 1): each bar sums to 1
    assert widths == [0.75, 0.0, 0.25, 1.0]
    assert "75%" in texts(fig) and "100%" in texts(fig)


def test_stacked_shares_leave_out_categories_nobody_has():
    table = pd.DataFrame(
        {"outlet": ["A", "A"], "category": ["official", "civilian"], "share": [1.0, 0.0]}
    )
    fig = plots.plot_stacked_shares(
        table, group="outlet", category="category", share="share", title="t"
    )
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["official"]


TREND = pd.DataFrame(
    {
        "period": ["2016-08", "2016-09", "2016-10", "2016-08", "2016-10"],
        "type": ["official", "official", "official", "expert", "expert"],
        "share": [0.5, 0.6, 0.4, 0.2, 0.3],
    }
)


def test_lines_one_per_series_over_sorted_periods():
    fig = plots.plot_lines(
        TREND.iloc[::-1], x="period", value="share", series="type", title="t", ylabel="share"
    )
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.lines}
    assert sorted(lines) == ["expert", "official"]
    # periods sorted whatever the row order: 08 -> 0, 09 -> 1, 10 -> 2; expert has no 09
    assert list(lines["official"].get_xdata()) == [0, 1, 2]
    assert list(lines["official"].get_ydata()) == [0.5, 0.6, 0.4]
    assert list(lines["expert"].get_xdata()) == [0, 2]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2016-08", "2016-09", "2016-10"]


@pytest.mark.parametrize(
    ("periods", "message"),
    [
        (["2016-08", "2016-08"], "only one period (2016-08)"),
        (["", ""], "no dated rows"),
    ],
    ids=["one-period", "no-dates"],
)
def test_lines_need_two_periods(periods, message):
    table = pd.DataFrame({"period": periods, "share": [0.5, 0.7]})
    fig = plots.plot_lines(table, x="period", value="share", title="t", ylabel="share")
    assert is_message(fig)
    assert any(message in t for t in texts(fig))


def test_scatter_drops_rows_without_both_scores_and_says_so():
    table = pd.DataFrame({"p": [0.8, -0.1, np.nan], "v": [-0.58, 0.2, 0.1]})
    fig = plots.plot_scatter(table, x="p", y="v", title="t", xlabel="TextBlob", ylabel="VADER")
    (points,) = fig.axes[0].collections
    assert points.get_offsets().tolist() == [[0.8, -0.58], [-0.1, 0.2]]
    assert "2 points; 1 row without both scores left out." in texts(fig)


def test_scatter_with_no_complete_row_is_a_message():
    table = pd.DataFrame({"p": [np.nan], "v": [0.3]})
    assert is_message(plots.plot_scatter(table, x="p", y="v", title="t", xlabel="a", ylabel="b"))


def test_cumulative_share_marks_the_top_k():
    # four speakers holding 5, 3, 1, 1 of 10 quotes: cumulative 0.5, 0.8, 0.9, 1.0
    table = pd.DataFrame({"k": [1, 2, 3, 4], "share": [0.5, 0.8, 0.9, 1.0]})
    fig = plots.plot_cumulative_share(table, rank="k", share="share", title="t", mark=2)
    curve = fig.axes[0].lines[0]
    assert list(curve.get_xdata()) == [0, 1, 2, 3, 4]
    assert list(curve.get_ydata()) == [0, 0.5, 0.8, 0.9, 1.0]
    assert "top 2: 80%" in texts(fig)


def test_cumulative_share_of_one_speaker_is_a_message():
    table = pd.DataFrame({"k": [1], "share": [1.0]})
    fig = plots.plot_cumulative_share(table, rank="k", share="share", title="t")
    assert is_message(fig)
    assert any("a single speaker" in t for t in texts(fig))


def svg(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def test_same_table_same_drawing():
    plots.use_workbook_style()
    assert mpl.rcParams["svg.hashsalt"] == "newsroom-workbook"

    def draw():
        return plots.plot_bars(SPEAKERS, label="speaker", value="n_quotes", title="t", xlabel="x")

    assert svg(draw()) == svg(draw())


def test_grouped_bars_can_leave_out_all_zero_clusters_and_say_which():
    table = pd.DataFrame(
        {
            "category": ["official", "civilian", "official", "civilian"],
            "measure": ["quotes", "quotes", "words", "words"],
            "share": [1.0, 0.0, 1.0, 0.0],
        }
    )
    fig = plots.plot_grouped_bars(
        table,
        label="category",
        group="measure",
        value="share",
        title="t",
        xlabel="x",
        skip_zero=True,
    )
    assert ytick_labels(fig.axes[0]) == ["official"]
    assert "Left out, all zero: civilian." in texts(fig)
    only_zero = table.assign(share=0.0)
    fig = plots.plot_grouped_bars(
        only_zero,
        label="category",
        group="measure",
        value="share",
        title="t",
        xlabel="x",
        skip_zero=True,
    )
    assert is_message(fig)


def test_counts_get_whole_number_ticks():
    from analysis.plots import plot_bars

    counts = pd.DataFrame({"speaker": ["A", "B", "C"], "n_quotes": [4, 2, 1]})
    fig = plot_bars(counts, label="speaker", value="n_quotes", title="t", xlabel="quotes")
    ticks = fig.axes[0].get_xticks()
    assert all(float(t).is_integer() for t in ticks)  # 4 quotes never read as 3.5


# --- literal text, one colour per category, groups with too few quotes ----------------------


HOSTILE_NAMES = ["The $$ Show", "$x^2$ Daily", "Price: $5 and $6", "back\\slash $\\alpha$"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_corpus_strings_are_drawn_literally_not_as_mathtext(name):
    # "The $$ Show" made matplotlib parse mathtext and crash at savefig; every chart that
    # prints a corpus string must draw it as typed
    bars = plots.plot_bars(
        pd.DataFrame({"outlet": [name], "n": [3]}),
        label="outlet",
        value="n",
        title=name,
        xlabel="n",
    )
    stacked = plots.plot_stacked_shares(
        pd.DataFrame({"outlet": [name], "category": [name], "share": [1.0], "n": [3]}),
        group="outlet",
        category="category",
        share="share",
        n="n",
        title=name,
    )
    lines = plots.plot_lines(
        pd.DataFrame({"month": ["2020-01", "2020-02"], "v": [1.0, 2.0], "s": [name, name]}),
        x="month",
        value="v",
        series="s",
        title=name,
        ylabel=name,
    )
    message = plots.plot_message(f"Nothing for {name}", title=name)
    for fig in (bars, stacked, lines, message):
        fig.savefig(io.BytesIO(), format="png")  # raised ValueError (mathtext) before
        assert name.replace("$", r"\$") in " ".join(texts(fig))


def test_literal_escapes_only_dollars():
    assert plots.literal("The $$ Show") == r"The \$\$ Show"
    assert plots.literal("Marie Richards") == "Marie Richards"


def test_a_category_has_one_colour_in_every_chart():
    share = pd.DataFrame(
        {
            "outlet": ["A", "A", "B"],
            "category": ["expert", "unknown", "unknown"],
            "share": [0.5, 0.5, 1.0],
        }
    )
    stacked = plots.plot_stacked_shares(
        share, group="outlet", category="category", share="share", title="t"
    )
    trend = pd.DataFrame(
        {
            "month": ["2020-01", "2020-02"] * 2,
            "type": ["unknown"] * 2 + ["expert"] * 2,
            "v": [1, 2, 3, 4],
        }
    )
    lines = plots.plot_lines(trend, x="month", value="v", series="type", title="t", ylabel="v")
    bars = plots.plot_bars(
        pd.DataFrame({"type": ["expert", "unknown"], "v": [1, 2]}),
        label="type",
        value="v",
        title="t",
        xlabel="v",
    )
    to_hex = mpl.colors.to_hex
    legend = {
        t.get_text(): to_hex(h.get_facecolor())
        for t, h in zip(
            stacked.axes[0].get_legend().get_texts(),
            stacked.axes[0].get_legend().legend_handles,
            strict=True,
        )
    }
    line_colour = {
        line.get_label(): to_hex(line.get_color())
        for line in lines.axes[0].get_lines()
        if not line.get_label().startswith("_")
    }
    bar_colour = [to_hex(p.get_facecolor()) for p in bars.axes[0].patches]
    # expert is green, unknown grey, whatever order or chart they come in
    assert legend == {"expert": "#55a868", "unknown": plots.UNKNOWN_COLOR}
    assert line_colour == {"unknown": plots.UNKNOWN_COLOR, "expert": "#55a868"}
    assert bar_colour == ["#55a868", plots.UNKNOWN_COLOR]


def test_groups_with_too_few_quotes_are_marked_in_bars_and_labels():
    table = pd.DataFrame({"outlet": ["Big", "Small"], "share": [0.5, 0.9], "n": [120, 7]})
    fig = plots.plot_bars(table, label="outlet", value="share", n="n", title="t", xlabel="share")
    ax = fig.axes[0]
    # 7 < 30 quotes: hatched, faded and labelled; 120 is drawn solid
    assert ytick_labels(ax) == ["Big", "Small (n=7, few)"]
    assert [p.get_hatch() for p in ax.patches] == [None, "///"]
    assert [p.get_alpha() for p in ax.patches] == [None, 0.4]
    assert any("fewer than 30 quotes" in t for t in texts(fig))


def test_stacked_shares_mark_thin_groups_and_the_threshold_can_change():
    table = pd.DataFrame(
        {
            "outlet": ["A", "A", "B", "B"],
            "category": ["official", "expert"] * 2,
            "share": [0.5] * 4,
            "n": [40, 40, 12, 12],
        }
    )
    fig = plots.plot_stacked_shares(
        table, group="outlet", category="category", share="share", n="n", title="t"
    )
    assert ytick_labels(fig.axes[0]) == ["A (n=40)", "B (n=12, few)"]
    assert [p.get_hatch() for p in fig.axes[0].patches] == [None, "///", None, "///"]
    lower = plots.plot_stacked_shares(
        table, group="outlet", category="category", share="share", n="n", title="t", min_n=10
    )
    assert ytick_labels(lower.axes[0]) == ["A (n=40)", "B (n=12)"]


def test_trend_points_on_few_quotes_are_hollow():
    trend = pd.DataFrame(
        {"month": ["2020-01", "2020-02", "2020-03"], "v": [0.1, 0.2, 0.3], "n": [50, 7, 31]}
    )
    fig = plots.plot_lines(trend, x="month", value="v", n="n", title="t", ylabel="v")
    hollow = [line for line in fig.axes[0].get_lines() if line.get_markerfacecolor() == "white"]
    assert len(hollow) == 1 and list(hollow[0].get_xdata()) == [1]  # only February (7 quotes)
    assert any("1 resting on fewer than 30 quotes" in t for t in texts(fig))


def test_min_quotes_matches_the_aggregate_threshold():
    from analysis.aggregate import MIN_QUOTES

    assert plots.MIN_QUOTES == MIN_QUOTES

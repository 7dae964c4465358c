"""The HTML report: every corpus string escaped, figures embedded, nothing fetched, every
article in a browser that works in a real (headless) Chromium."""

from __future__ import annotations

import base64
import json
import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from analysis.aggregate import sourcing_balance, tone_by_group, top_speakers
from analysis.provenance import Provenance, method_card
from analysis.report import (
    ReportArticle,
    SampleArticle,
    highlight_quotes,
    no_country_note,
    render_report,
    standard_figures,
    table_html,
)
from analysis.runner import run_corpus

REPO = Path(__file__).resolve().parents[1]
EVIL = "<script>alert('x')</script>"
CHROMIUM = Path("/usr/bin/chromium")
SCRIPT = re.compile(r"<script\b", re.I)


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        ("a “b” c", [(3, 4, "Ann")], 'a “<mark title="Ann">b</mark>” c'),
        ("x <i>y</i>", [], "x &lt;i&gt;y&lt;/i&gt;"),
        (
            "abcdef",
            [(1, 3, ""), (2, 5, "B")],
            'a<mark title="unattributed">bc</mark><mark title="B">de</mark>f',
        ),
        ("abc", [(2, 99, 'a"b')], 'ab<mark title="a&quot;b">c</mark>'),
    ],
    ids=["one-span", "markup-escaped", "overlap-clipped", "past-the-end-and-quote-in-name"],
)
def test_highlight_quotes_hand_checked(text, spans, expected):
    assert highlight_quotes(text, spans) == expected


def test_table_cells_are_escaped():
    page = table_html(pd.DataFrame({"speaker": [EVIL], "n_quotes": [3], "share": [0.5]}))
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert '<td class="num">3</td>' in page and '<td class="num">0.500</td>' in page


def balance_rows(outlet: str, official: int, unknown: int) -> pd.DataFrame:
    total = official + unknown
    return pd.DataFrame(
        {
            "outlet": [outlet, outlet],
            "dimension": ["source_type", "source_type"],
            "category": ["official", "unknown"],
            "measure": ["quotes", "quotes"],
            "n": [official, unknown],
            "total": [total, total],
            "share": [official / total, unknown / total],
            "ci_low": [0.1, 0.2],
            "ci_high": [0.9, 0.8],
        }
    )


def evil_page(**extra) -> str:
    text = f"Body {EVIL} “hi”"
    start = text.index("hi")
    return render_report(
        title=f"corpus {EVIL}",
        summary={"articles": 1, EVIL: "x"},
        balance=balance_rows(EVIL, 3, 1),
        top=pd.DataFrame({"speaker": [EVIL]}),
        problems=pd.DataFrame({"source": [f"{EVIL}.txt"], "error": ["E"], "problem": [EVIL]}),
        samples=[SampleArticle("id<1>", EVIL, EVIL, text, ((start, start + 2, EVIL),), date=EVIL)],
        figures={"f": b"\x89PNG fake"},
        notes=[EVIL],
        provenance=Provenance("0.1.0", "2026-01-02", EVIL, "ab" * 32, ((EVIL, EVIL),)),
        **extra,
    )


def test_render_report_escapes_every_corpus_string():
    page = evil_page()
    # the page's own script is the only one; every injected one is shown as text
    assert len(SCRIPT.findall(page)) == 1
    assert "alert(" not in page.split("<script>")[-1]
    assert "<script>alert(" not in page
    assert "id&lt;1&gt;" in page
    escaped = EVIL.replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#x27;")
    # the speaker's name is printed at the quote, escaped, right before the quoted words
    assert re.search(
        rf'<span class="who" style="[^"]*">{re.escape(escaped)}</span><span[^>]*>hi</span>', page
    )
    assert f'data-date="{escaped}"' in page
    assert "data:image/png;base64," + base64.b64encode(b"\x89PNG fake").decode() in page
    # self-contained: nothing is fetched
    assert not re.search(r'(src|href)="(https?:)?//', page) and "<link" not in page


def test_balance_table_shows_shares_intervals_and_marks_few_quotes():
    balance = pd.concat([balance_rows("Big", 30, 10), balance_rows("Small", 6, 2)])
    page = render_report(
        title="t", summary={}, balance=balance, top=pd.DataFrame(), problems=pd.DataFrame()
    )
    # Big: 30 of 40 quotes official = 75.0%; interval printed as given (10% - 90%)
    assert re.search(r"<td>Big</td><td>official</td>.*?75\.0%.*?10\.0% – 90\.0%", page)
    # Small has 8 quotes, under 30: its rows are marked, Big's are not
    small = re.findall(r'<tr class="(\w*)"><td>Small</td>', page)
    big = re.findall(r'<tr class="(\w*)"><td>Big</td>', page)
    assert small == ["few", "few"] and big == ["", ""]
    assert "few quotes (8 &lt; 30)" in page
    # the interval is drawn as a whisker from 10% wide 80%
    assert '<span class="whisker" style="left: 10.0%; width: 80.0%">' in page


def test_method_card_says_not_measured_and_reads_a_file_when_there(tmp_path):
    empty = method_card(tmp_path)
    assert empty["status"].tolist() == ["not measured"] * 3
    (tmp_path / "sentiment_validity.json").write_text(
        json.dumps(
            {
                "data": "sentiment_dev.jsonl (NewsMTSC, SemEval-2007)",
                "command": "python -m analysis.validate_sentiment",
                "metrics": {"vader": {"macro_f1": 0.512}, "textblob": {"macro_f1": 0.431}},
            }
        ),
        encoding="utf-8",
    )
    (tmp_path / "evaluation").mkdir()
    (tmp_path / "evaluation" / "quotes.json").write_text("[1, 2", encoding="utf-8")
    card = method_card(tmp_path).set_index("stage")
    assert card.loc["sentiment", "status"] == "measured"
    assert card.loc["sentiment", "figures"] == "vader.macro_f1 0.512; textblob.macro_f1 0.431"
    assert card.loc["quotes", "status"].startswith("unreadable: ")
    assert card.loc["sources", "status"] == "not measured"
    page = render_report(
        title="t",
        summary={},
        balance=pd.DataFrame(),
        top=pd.DataFrame(),
        problems=pd.DataFrame(),
        method=card.reset_index(),
        tone=pd.DataFrame(
            {
                "source_type": ["official"],
                "n": [3],
                "mean": [0.1],
                "ci_low": [-0.2],
                "ci_high": [0.4],
                "share_negative": [0.0],
                "share_neutral": [0.5],
                "share_positive": [0.5],
            }
        ),
    )
    # the tone section quotes the validity read from the file, never a typed-in figure
    tone = page.split('id="tone"')[1].split('id="speakers"')[0]
    assert "vader.macro_f1 0.512" in tone and "python -m analysis.validate_sentiment" in tone
    assert "+0.100" in tone and "-0.200 – +0.400" in tone and "few quotes (3 &lt; 30)" in tone


def test_method_card_reads_a_markdown_model_card(tmp_path):
    models = tmp_path / "quotes" / "models"
    models.mkdir(parents=True)
    (models / "CARD.md").write_text(
        "# Attribution tagger\n\n| split | precision | recall |\n|---|---|---|\n"
        "| dev | 0.91 | 0.84 |\n\nTrained on 60 articles.\n",
        encoding="utf-8",
    )
    card = method_card(tmp_path).set_index("stage")
    assert card.loc["quotes", "status"] == "measured"
    assert card.loc["quotes", "figures"] == "dev 0.91 0.84"  # the header row has no number
    assert card.loc["quotes", "file"] == "quotes/models/CARD.md"


def test_tone_without_validity_file_says_so():
    page = evil_page(method=method_card(Path("/nonexistent-folder")))
    tone = page.split('id="tone"')[1]
    assert "Validity: not measured." in tone and "not scored in this run" in tone


def test_no_country_note_names_both_ways_to_set_one():
    note = no_country_note(149, 150)
    assert note.startswith("149 of 150 articles have no country")
    assert "--country" in note and "corpus.yaml" in note
    assert no_country_note(0, 150) is None


def test_outlet_figures_label_each_outlet_with_its_quote_total():
    # the bundled article: 9 quotes, 8 of them by persons (the ninth is the State Department)
    from analysis.corpus import load_corpus
    from analysis.pipeline import analyze

    results = analyze(load_corpus(REPO / "corpus"), sentiment=False)
    balance = sourcing_balance(results, by="outlet")
    figures = standard_figures(balance, top=top_speakers(results), min_n=5)
    label = figures["source_types"].axes[0].get_yticklabels()[0].get_text()
    assert label == "Libyan Gazette (n=9)"
    label = figures["gender"].axes[0].get_yticklabels()[0].get_text()
    assert label == "Libyan Gazette (n=8)"
    # with the default threshold (30) nine quotes are too few, and the chart says so
    few = standard_figures(balance, top=top_speakers(results))["source_types"]
    assert few.axes[0].get_yticklabels()[0].get_text() == "Libyan Gazette (n=9, few)"


def test_origin_chart_says_why_origin_is_unknown():
    from analysis.corpus import load_corpus
    from analysis.pipeline import analyze

    results = analyze(load_corpus(REPO / "corpus"), sentiment=False)
    balance = sourcing_balance(results, by="outlet")
    figure = standard_figures(
        balance, top=top_speakers(results), origin_note=no_country_note(1, 1)
    )["origin"]
    drawn = " ".join(t.get_text() for t in figure.findobj(lambda a: hasattr(a, "get_text")))
    assert "1 of 1 articles have no country" in drawn.replace("\n", " ")


def test_standard_figures_draw_the_tables_given_and_compute_nothing():
    # report no longer computes top speakers: the table given is the table drawn
    top = pd.DataFrame({"speaker": ["Zed Zee", "Amy Ay"], "n_quotes": [1, 7]})
    balance = balance_rows("Daily", 3, 1)
    figure = standard_figures(balance, top=top)["top_speakers"]
    assert [t.get_text() for t in figure.axes[0].get_yticklabels()] == ["Zed Zee", "Amy Ay"]


CORPUS = {
    "a1.txt": (
        "---\ntitle: Budget passes\noutlet: Daily Planet\ndate: 2020-01-05\ncountry: GB\n---\n"
        "The vote was close.\n\n“We are ready,” said Minister Ada Lang.\n\n"
        "“It is a disgrace,” said Tom Reed, a farmer.\n"
    ),
    "a2.txt": (
        "---\ntitle: Storm hits coast\noutlet: The $$ Show\ndate: 2020-03-09\n---\n"
        f"Winds rose. {EVIL}\n\n“The roads are closed,” said Police Chief Ben Ode.\n"
    ),
    "a3.txt": (
        "---\ntitle: Harvest report\noutlet: Daily Planet\ndate: 2021-07-01\ncountry: GB\n---\n"
        "Yields were up.\n\n“A fine year,” said Tom Reed.\n"
    ),
}


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory) -> Path:
    corpus = tmp_path_factory.mktemp("corpus")
    for name, text in CORPUS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    out = tmp_path_factory.mktemp("run") / "out"
    summary = run_corpus(corpus, out, jobs=1)
    assert summary.n_without_country == 1  # a2 has none
    return out


def test_report_of_a_run_holds_every_article_with_its_quotes_named(report_dir):
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    assert len(SCRIPT.findall(page)) == 1 and "<script>alert(" not in page
    assert "Winds rose. &lt;script&gt;alert(" in page
    assert page.count('<article class="doc"') == 3
    # each quote is preceded by its speaker's name, printed (not only a tooltip)
    names = re.findall(r'<span class="who" style="[^"]*">([^<]*)</span>', page)
    assert sorted(n.removeprefix("Police Chief ") for n in names) == [
        "Ada Lang",
        "Ben Ode",
        "Tom Reed",
        "Tom Reed",
    ]
    # the outlet with "$$" reached the figures without crashing matplotlib
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == 6
    assert all(base64.b64decode(i)[:8] == b"\x89PNG\r\n\x1a\n" for i in images)
    # provenance: version, checksum and run date; the missing country is explained
    assert re.search(r"corpus checksum \(sha256\)</th><td><code>[0-9a-f]{64}</code>", page)
    assert re.search(r"run date \(UTC\)</th><td>\d{4}-\d\d-\d\d</td>", page)
    assert "1 of 3 articles have no country" in page


def test_command_summary_says_why_origin_is_unknown(tmp_path, capsys):
    from analysis.cli import main

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(CORPUS["a2.txt"], encoding="utf-8")
    assert (
        main(["analyze", str(corpus), "--out", str(tmp_path / "out"), "--quiet", "--jobs", "1"])
        == 0
    )
    err = capsys.readouterr().err  # a note beside the summary, on stderr
    assert "1 of 1 articles have no country" in err and "--country" in err
    # --country fills it: no note, and the quote's source is judged against it
    assert (
        main(
            [
                "analyze",
                str(corpus),
                "--out",
                str(tmp_path / "gb"),
                "--quiet",
                "--jobs",
                "1",
                "--country",
                "GB",
            ]
        )
        == 0
    )
    assert "no country" not in capsys.readouterr().err
    articles = pd.read_parquet(tmp_path / "gb" / "articles.parquet")
    assert articles["country"].tolist() == ["GB"]


def test_report_is_the_same_corpus_checksum_whatever_the_file_order(report_dir, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i, (name, text) in enumerate(reversed(CORPUS.items())):
        (corpus / f"{9 - i}_{name}").write_text(text, encoding="utf-8")
    first = run_corpus(corpus, tmp_path / "one", jobs=1)
    (corpus / "9_a3.txt").write_text(CORPUS["a3.txt"] + "More.\n", encoding="utf-8")
    second = run_corpus(corpus, tmp_path / "two", jobs=1)
    assert len(first.corpus_checksum) == 64 and first.corpus_checksum != second.corpus_checksum


def chromium(page: Path, profile: Path, *args: str) -> str:
    """Run headless Chromium on a file URL; return what it printed on stdout."""
    result = subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            *args,
            page.as_uri() if "#" not in str(page) else f"file://{page}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium not installed (.ci/run installs it)")
def test_report_renders_and_filters_in_headless_chromium(report_dir, tmp_path):
    page = report_dir / "report.html"
    shot = tmp_path / "report.png"
    chromium(page, tmp_path / "profile", "--window-size=1100,6000", f"--screenshot={shot}")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"  # for review: tmp_path/report.png
    dom = chromium(page, tmp_path / "profile", "--dump-dom")
    # the script ran: it counted the articles, and none is hidden without a filter
    assert "3 of 3 articles shown" in dom
    assert ' hidden=""' not in dom
    # the injected script is text, never an element: the DOM has exactly the page's own
    assert len(SCRIPT.findall(dom)) == 1
    # a filtered link: Tom Reed is quoted in a1 and a3 only
    speaker = chromium(Path(f"{page}#filter:speaker=tom reed"), tmp_path / "profile", "--dump-dom")
    assert "2 of 3 articles shown" in speaker
    shown = re.findall(r'<article class="doc"[^>]*?( hidden="")?>\s*<h3>([^<]*)</h3>', speaker)
    assert [(bool(h), t) for h, t in shown] == [
        (False, "Budget passes"),
        (True, "Storm hits coast"),
        (False, "Harvest report"),
    ]
    # outlet and dates together: Daily Planet in 2021 is a3 alone
    dated = chromium(
        Path(f"{page}#filter:outlet=Daily Planet&from=2021-01-01"),
        tmp_path / "profile",
        "--dump-dom",
    )
    assert "1 of 3 articles shown" in dated
    # the source-type filter and a free-text search
    search = chromium(Path(f"{page}#filter:q=roads are closed"), tmp_path / "profile", "--dump-dom")
    assert "1 of 3 articles shown" in search
    # the source-type filter shows the articles with a quote of that type (types read from
    # the run's own quotes table: this checks the filter, not the classifier)
    quotes = pd.read_parquet(report_dir / "quotes.parquet")
    kind = str(quotes.loc[quotes["article_id"] == "a2", "source_type"].iloc[0])
    expected = quotes.loc[quotes["source_type"].astype(str) == kind, "article_id"].nunique()
    typed = chromium(Path(f"{page}#filter:type={kind}"), tmp_path / "profile", "--dump-dom")
    assert f"{expected} of 3 articles shown" in typed
    shot_filtered = tmp_path / "report-filtered.png"
    chromium(
        Path(f"{page}#filter:speaker=tom reed"),
        tmp_path / "profile",
        "--window-size=1100,6000",
        f"--screenshot={shot_filtered}",
    )
    assert shot_filtered.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # printed as PDF (for review: tmp_path/report.pdf): names at the quotes, controls hidden
    pdf = tmp_path / "report.pdf"
    chromium(page, tmp_path / "profile", "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 20_000


@pytest.mark.slow
def test_wikinews_report_lists_all_150_articles(wikinews_path, tmp_path):
    summary = run_corpus(wikinews_path, tmp_path / "out", jobs=1, sentiment=False)
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert page.count('<article class="doc"') == summary.n_articles == 150
    assert "150 of 150 articles have no country" in page
    assert "Tone was not scored in this run" in page


def test_tone_by_group_by_hand():
    quotes = pd.DataFrame(
        {"source_type": ["official", "official", "expert"], "vader_compound": [0.6, -0.2, 0.03]}
    )
    table = tone_by_group(quotes).set_index("source_type")
    # official: mean (0.6 - 0.2) / 2 = 0.2; sd = 0.5657; half-width 1.96 * 0.5657 / sqrt(2) = 0.784
    assert table.loc["official", "mean"] == pytest.approx(0.2)
    assert table.loc["official", "ci_high"] - 0.2 == pytest.approx(0.784, abs=1e-3)
    assert table.loc["official", "share_negative"] == 0.5
    # expert: one quote, |0.03| <= 0.05 is neutral; no interval from one value
    assert table.loc["expert", "share_neutral"] == 1.0 and pd.isna(table.loc["expert", "ci_low"])


def test_report_article_keeps_metadata():
    article = ReportArticle("x", "T", "O", "text", date="2020-01-01", license="CC-BY-2.5")
    page = render_report(
        title="t",
        summary={},
        balance=pd.DataFrame(),
        top=pd.DataFrame(),
        problems=pd.DataFrame(),
        samples=[article],
    )
    assert "licence CC-BY-2.5" in page and 'data-date="2020-01-01"' in page

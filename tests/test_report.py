"""The HTML report: every corpus string escaped, figures embedded, nothing fetched."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.report import SampleArticle, highlight_quotes, render_report, table_html
from analysis.runner import run_corpus

EVIL = "<script>alert('x')</script>"


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


def test_render_report_escapes_every_corpus_string():
    page = render_report(
        title=f"corpus {EVIL}",
        summary={"articles": 1, EVIL: "x"},
        balance=pd.DataFrame({"outlet": [EVIL]}),
        top=pd.DataFrame({"speaker": [EVIL]}),
        problems=pd.DataFrame({"source": [f"{EVIL}.txt"], "error": ["E"], "problem": [EVIL]}),
        samples=[
            SampleArticle(
                "id<1>",
                EVIL,
                EVIL,
                f"Body {EVIL} “hi”",
                ((len("Body ") + len(EVIL) + 2, len("Body ") + len(EVIL) + 4, EVIL),),
            )
        ],
        figures={"f": b"\x89PNG fake"},
    )
    assert re.search(r"<script", page, re.I) is None
    assert "id&lt;1&gt;" in page
    assert (
        f'<mark title="{EVIL.replace("<", "&lt;").replace(">", "&gt;").replace(chr(39), "&#x27;")}">hi</mark>'
        in page
    )
    assert "data:image/png;base64," + base64.b64encode(b"\x89PNG fake").decode() in page
    assert "http://" not in page and "https://" not in page  # self-contained


def test_report_of_a_run_with_script_in_title_and_text(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "evil.txt").write_text(
        f'---\ntitle: "Breaking {EVIL}"\noutlet: <b>Daily</b>\n---\n'
        f"Officials met. {EVIL}\n\n“We are ready,” said Governor Ada Lang.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    run_corpus(corpus, out, jobs=1)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert re.search(r"<script", page, re.I) is None
    assert "Breaking &lt;script&gt;" in page
    assert "&lt;b&gt;Daily&lt;/b&gt;" in page
    assert '">We are ready,</mark>' in page  # the quote between the marks, highlighted
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == 4 and all(base64.b64decode(i)[:8] == b"\x89PNG\r\n\x1a\n" for i in images)
    assert Path(out / "figures" / "source_types.png").read_bytes()[:4] == b"\x89PNG"


def test_outlet_figures_label_each_outlet_with_its_quote_total():
    from analysis.aggregate import sourcing_balance
    from analysis.corpus import load_corpus
    from analysis.pipeline import analyze
    from analysis.report import standard_figures

    # the bundled article: 9 quotes, 8 of them by persons (the ninth is the State Department)
    results = analyze(load_corpus(Path(__file__).resolve().parents[1] / "corpus"), sentiment=False)
    balance = sourcing_balance(results, by="outlet")
    figures = standard_figures(results, balance)
    label = figures["source_types"].axes[0].get_yticklabels()[0].get_text()
    assert label == "Libyan Gazette (n=9)"
    label = figures["gender"].axes[0].get_yticklabels()[0].get_text()
    assert label == "Libyan Gazette (n=8)"

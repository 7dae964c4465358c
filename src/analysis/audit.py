"""Audit sample -> measured error -> corrected shares.

Every share the workbook reports inherits the extractor's and classifiers' errors, and
those errors differ by group. This module lets a researcher measure them on their own
corpus and correct the shares for them, in three steps:

1. :func:`sample_audit` draws a stratified random sample of the extracted quotes (strata:
   the system's source_type, gender, kind and confidence band) and of the sentences where
   nothing was extracted (to estimate misses), with the sampling weights recorded;
   :func:`write_audit` writes it as ``audit.csv`` (columns to fill), ``audit.html`` (the
   same form, offline, each item in its article context) and ``design.csv`` (the sampling
   frame: units per article and stratum).
2. A person fills in the judgements; :func:`read_audit` checks every row and names each
   bad one by its line (a blank cell means "not checked", never "same as the system").
3. :func:`audit_scores` measures precision, recall, the miss rate and the confusion of each
   dimension on the corpus; :func:`corrected_balance` (also
   ``sourcing_balance(results, audit=...)``) gives each raw share an error-corrected share
   with an interval; :func:`krippendorff_alpha` measures agreement between two auditors.

The estimator (documented in the README, "Auditing your own corpus")
---------------------------------------------------------------------
The target is the share of *true* attributions (quotes a careful reader would count) whose
*true* category is ``c``: ``theta_c = T_c / sum(T)``. Every unit of the corpus, extracted
quote or no-quote sentence, falls in one cell ``(stratum h, system category j)``. Within a
cell the audit is a simple random sample, so the audited share of units that are true
attributions of true category ``c``, ``p_hjc``, estimates that share among all ``N_hj``
units of the cell, and ``T_c = sum_hj N_hj p_hjc``. This is the *calibration* (reverse
classification, P(true | observed)) estimator for misclassified categories with an
internal validation sample (Tenenbein 1970, "A double sampling scheme for estimating from
binomial data with misclassifications", JASA 65:1350-1361; Buonaccorsi 2010, *Measurement
Error: Models, Methods, and Applications*, the chapter on misclassification in estimating a
proportion, internal validation data), extended with a category "not an
attribution" (the extractor's measured precision: false quotes drop out) and with the
no-quote sentence stratum (missed attributions come in). Units are weighted by the
inverse of their inclusion probability (``N_h / n_h``), so the estimator is
design-unbiased for the totals whatever the allocation; the share, a ratio of totals, is
consistent. A cell with fewer than 2 checked items (and not audited in full) borrows the
rate of all checked items with the same system answer, in any stratum (each borrowing is
reported by ``audit score``).

The interval joins both sources of uncertainty in one bootstrap. Each replicate (1) draws
the corpus's articles with replacement, as the raw balance's cluster bootstrap does, which
redraws the units in every cell (first phase: article sampling), and (2) redraws every
sampled cell's rates from their posterior given the audited items, a Dirichlet with the
Jeffreys pseudo-count 1/2 per outcome, shifted to be centred on the audited rates (second phase:
audit sampling; a Bayesian bootstrap, Rubin 1981, *Ann. Statist.* 9:130-134, smoothed so
that a rate estimated as 0 from few items still varies). The 2.5th and 97.5th
percentiles of the replicated shares are the interval. A cell whose every unit was
checked (a census) has no audit error: its articles carry their true counts into the
article bootstrap, so a fully audited corpus gets the raw balance's interval computed on
the true labels. On simulated corpora with known truth (``python -m
analysis.audit_simulation``: 100 corpora of 300 articles, 200 audited quotes and 60
sentences each) the corrected shares are unbiased and the 95% intervals cover the truth in
about 96% of runs, conservatively (93-100% per category). Without the pseudo-count, or with
linearised residuals (an ultimate-cluster bootstrap) in place of the posterior draws,
coverage was 86-89%: a rare misclassification seen 0 times in a cell gave no variance.

Assumptions: the error rates measured on the audit hold for the whole corpus (pooled over
outlets when the balance is split by outlet); a no-quote sentence holds at most one
missed attribution; misses inside sentences that have an extracted quote are not
estimated.
"""

from __future__ import annotations

import csv
import io
import math
import os
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.aggregate import CATEGORIES, sourcing_balance
from analysis.errors import AnalysisError, AuditError, OutputError
from analysis.segment import split_paragraphs, split_sentences

__all__ = [
    "AUDIT_COLUMNS",
    "FILL_COLUMNS",
    "Audit",
    "AuditSample",
    "audit_frame",
    "audit_from_table",
    "audit_scores",
    "confidence_band",
    "confusion_table",
    "corrected_balance",
    "corrected_shares",
    "draw_sample",
    "gender_bounds",
    "krippendorff_alpha",
    "label_agreement",
    "merge_labels",
    "read_audit",
    "sample_audit",
    "score_audit",
    "write_audit",
]

SYSTEM_COLUMNS = ["text", "kind", "speaker", "source_type", "gender", "origin", "is_anonymous"]
"""The system's answers, under the quotes table's own column names."""

OPTIONAL_COLUMNS = ["confidence", "method", "gender_basis", "type_basis", "speaker_id"]
"""Quote columns copied when the run has them (empty cells otherwise)."""

FILL_COLUMNS = [
    "is_attribution",
    "speaker_ok",
    "true_speaker",
    "true_source_type",
    "true_gender",
    "true_origin",
    "true_is_anonymous",
    "notes",
]
"""The columns an auditor fills; blank means "not checked"."""

AUDIT_COLUMNS = [
    "item_id",
    "unit",
    "article_id",
    "quote_id",
    "sentence_id",
    "start",
    "end",
    *SYSTEM_COLUMNS,
    *OPTIONAL_COLUMNS,
    "stratum",
    "weight",
    *FILL_COLUMNS,
]
"""Columns of ``audit.csv``, in order."""

DESIGN_COLUMNS = [
    "article_id",
    "stratum",
    "unit",
    "source_type",
    "gender",
    "origin",
    "is_anonymous",
    "n_units",
]
"""Columns of ``design.csv``: units of the sampling frame per article, stratum and system
answer (categories as in :data:`analysis.aggregate.CATEGORIES`; gender ``none`` for
non-persons; all empty for sentences)."""

DIMENSIONS = ("source_type", "origin", "gender", "is_anonymous")
TRUE_VALUES: dict[str, tuple[str, ...]] = {
    "source_type": CATEGORIES["source_type"],
    "origin": CATEGORIES["origin"],
    "gender": (*CATEGORIES["gender"], "none"),
    "is_anonymous": CATEGORIES["is_anonymous"],
}
"""Values accepted in ``true_<dimension>``; gender ``none``: not a person (organisation,
group, or no speaker), left out of gender shares as the raw balance does."""

_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}
_ANONYMOUS_ALIASES = {"yes": "anonymous", "true": "anonymous", "no": "named", "false": "named"}

CONFIDENCE_CUTS = (0.5, 0.8)
"""Confidence bands: low below 0.5, mid below 0.8, high from 0.8; ``none`` when missing."""

STRATUM_LEVELS = (
    ("source_type", "gender", "kind", "band"),
    ("source_type", "gender", "kind"),
    ("source_type", "gender"),
    ("source_type",),
    (),
)
"""Stratifications tried in order: the finest that gives every stratum 5 audited quotes."""

SENTENCE_STRATUM = "sentence"
COLLAPSED = "*"
_MIN_PER_STRATUM = 5


# --- the sampling frame -----------------------------------------------------------------


def confidence_band(confidence: pd.Series) -> pd.Series:
    """Band of each confidence: ``low`` (< 0.5), ``mid`` (< 0.8), ``high``, or ``none``.

    Examples
    --------
    >>> confidence_band(pd.Series([0.2, 0.5, 0.95, None])).tolist()
    ['low', 'mid', 'high', 'none']
    """
    values = pd.to_numeric(confidence, errors="coerce")
    low, high = CONFIDENCE_CUTS
    band = np.select([values < low, values < high, values >= high], ["low", "mid", "high"], "none")
    return pd.Series(band, index=confidence.index, dtype="str")


def _system_categories(quotes: pd.DataFrame) -> pd.DataFrame:
    """The balance categories of each quote's system answers, as strings."""
    anonymous = quotes["is_anonymous"].astype("boolean")
    return pd.DataFrame(
        {
            "source_type": quotes["source_type"].astype("str"),
            "gender": quotes["gender"].astype("object").fillna("none").astype("str"),
            "origin": quotes["origin"].astype("str"),
            "is_anonymous": np.where(
                anonymous.isna(),
                "unattributed",
                np.where(anonymous.fillna(False), "anonymous", "named"),
            ),
        },
        index=quotes.index,
    )


def _cell(value: Any) -> str:
    """A table value as a CSV cell: NA -> "", booleans lowercase, floats to 3 places."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        return f"{float(value):.3f}"
    return str(value)


def _quote_spans(quote: Mapping[str, Any]) -> list[tuple[int, int]]:
    fragments = quote.get("fragments")
    spans = (
        [(int(a), int(b)) for a, b in fragments] if fragments is not None and len(fragments) else []
    )
    return spans or [(int(quote["start"]), int(quote["end"]))]


def _with_speaker_columns(quotes: pd.DataFrame, speakers: pd.DataFrame) -> pd.DataFrame:
    """Quotes with the optional columns only the speakers table has (by article and speaker)."""
    wanted = [c for c in OPTIONAL_COLUMNS if c not in quotes.columns and c in speakers.columns]
    if not wanted or not {"article_id", "speaker"} <= set(speakers.columns):
        return quotes
    extra = speakers[["article_id", "speaker", *wanted]].drop_duplicates(["article_id", "speaker"])
    keys = ["article_id", "speaker"]
    merged = quotes.astype({k: "str" for k in keys}).merge(
        extra.astype({k: "str" for k in keys}), on=keys, how="left"
    )
    return merged.set_axis(quotes.index)


def audit_frame(results: Any, texts: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Every unit an audit may draw: extracted quotes, and sentences with nothing extracted.

    Parameters
    ----------
    results : Results
        ``quotes`` (``confidence``, ``method``, ``gender_basis``, ``type_basis`` and
        ``speaker_id`` are used when present, from the speakers table when only it has
        them) and ``articles``.
    texts : mapping of str to str, optional
        Article text by article_id (as analysed). Without it there are no sentence units.

    Returns
    -------
    pandas.DataFrame
        One row per unit, sorted by (article_id, start): ``unit`` ("quote" or "sentence"),
        ``article_id``, ``quote_id``, ``sentence_id`` (``"<article_id>:s<n>"``, n counting
        all the article's sentences from 1), ``start``, ``end``, the columns of
        :data:`SYSTEM_COLUMNS` and :data:`OPTIONAL_COLUMNS` as CSV cells, ``band``
        (confidence band), and the system's categories ``sys_source_type``,
        ``sys_gender``, ``sys_origin``, ``sys_is_anonymous`` ("" for sentences).

    Raises
    ------
    AuditError
        When a text does not match the quotes (the corpus changed since the analysis).
    """
    quotes = _with_speaker_columns(results.quotes.reset_index(drop=True), results.speakers)
    cells = pd.DataFrame(
        {
            "unit": "quote",
            "article_id": quotes["article_id"].astype("str"),
            "quote_id": quotes["quote_id"].astype("str"),
            "sentence_id": "",
            "start": quotes["start"].astype("int64"),
            "end": quotes["end"].astype("int64"),
        }
    )
    for name in [*SYSTEM_COLUMNS, *OPTIONAL_COLUMNS]:
        column = quotes[name] if name in quotes.columns else pd.Series([None] * len(quotes))
        cells[name] = [_cell(v) for v in column.astype("object")]
    cells["band"] = (
        confidence_band(quotes["confidence"]) if "confidence" in quotes.columns else "none"
    )
    categories = _system_categories(quotes).add_prefix("sys_")
    frame = pd.concat([cells, categories], axis=1)
    if texts is not None:
        frame = pd.concat([frame, _sentence_units(quotes, texts)], ignore_index=True)
    return frame.sort_values(["article_id", "start", "unit"], ignore_index=True, kind="stable")


def _sentence_units(quotes: pd.DataFrame, texts: Mapping[str, str]) -> pd.DataFrame:
    """Sentences that overlap no extracted quote and no speaker mention."""
    covered: dict[str, list[tuple[int, int]]] = {}
    problems = []
    for quote in quotes.to_dict("records"):
        article = str(quote["article_id"])
        text = texts.get(article)
        if text is None:
            problems.append(f"article {article}: quoted in the results but not in the corpus")
            continue
        spans = _quote_spans(quote)
        pieces = " ".join(text[a:b] for a, b in spans)  # a split quote's text joins its fragments
        if quote["text"] not in (pieces, text[int(quote["start"]) : int(quote["end"])]):
            problems.append(
                f"article {article}: quote {quote['quote_id']} is not at {quote['start']}-"
                f"{quote['end']} of the corpus text; the corpus changed since the analysis"
            )
        if pd.notna(quote.get("speaker_start")) and pd.notna(quote.get("speaker_end")):
            spans.append((int(quote["speaker_start"]), int(quote["speaker_end"])))
        covered.setdefault(article, []).extend(spans)
    if problems:
        raise AuditError("corpus", problems)
    rows = []
    for article in sorted(texts):
        spans = covered.get(article, [])
        for number, sentence in enumerate(split_sentences(texts[article]), start=1):
            if any(a < sentence.end and sentence.start < b for a, b in spans):
                continue
            rows.append(
                {
                    "unit": "sentence",
                    "article_id": article,
                    "quote_id": "",
                    "sentence_id": f"{article}:s{number}",
                    "start": sentence.start,
                    "end": sentence.end,
                    "text": sentence.text,
                }
            )
    units = pd.DataFrame(
        rows, columns=["unit", "article_id", "quote_id", "sentence_id", "start", "end", "text"]
    )
    for name in [*SYSTEM_COLUMNS[1:], *OPTIONAL_COLUMNS, "band"]:
        units[name] = ""
    for name in DIMENSIONS:
        units[f"sys_{name}"] = ""
    return units.astype({"start": "int64", "end": "int64"})


# --- drawing the sample -----------------------------------------------------------------


def _stratum_labels(quotes: pd.DataFrame, level: Sequence[str]) -> pd.Series:
    parts = {
        "source_type": quotes["sys_source_type"],
        "gender": quotes["sys_gender"],
        "kind": quotes["kind"].replace("", "none"),
        "band": quotes["band"],
    }
    columns = [
        parts[name] if name in level else pd.Series(COLLAPSED, index=quotes.index)
        for name in ("source_type", "gender", "kind", "band")
    ]
    return columns[0].str.cat(columns[1:], sep="|") if len(quotes) else pd.Series([], dtype="str")


def _allocate(sizes: np.ndarray, n: int) -> np.ndarray:
    """Audited units per stratum: at least 5 (or all), the rest in proportion to N_h.

    The minimum lets every system category be measured; the proportional rest keeps the
    weights nearly equal, so that a rare misclassification found in a large stratum does
    not carry a large weight (which made the simulated intervals less reliable).
    """
    sizes = np.asarray(sizes, dtype=np.int64)
    if n >= sizes.sum():
        return sizes.copy()
    alloc = np.minimum(sizes, _MIN_PER_STRATUM)
    if alloc.sum() > n:  # cannot happen with the chosen level, kept as a guard
        alloc = np.zeros_like(sizes)
    target = n * sizes / sizes.sum()
    while alloc.sum() < n:
        deficit = np.where(alloc < sizes, target - alloc, -np.inf)
        alloc[int(np.argmax(deficit))] += 1
    return alloc


def draw_sample(
    frame: pd.DataFrame, *, n: int = 200, n_sentences: int = 50, seed: int = 1
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Draw a stratified random sample of quotes and of no-quote sentences from a frame.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`audit_frame`.
    n : int, optional
        Quotes to audit (all of them when the corpus has fewer).
    n_sentences : int, optional
        No-quote sentences to audit, for the miss rate.
    seed : int, optional
        Seed of the draw: the same frame and seed give the same sample.

    Returns
    -------
    items : pandas.DataFrame
        The sample, one row per item, columns :data:`AUDIT_COLUMNS` (fill columns empty),
        sorted by (article_id, start); ``item_id`` counts from 1 in that order.
    design : pandas.DataFrame
        Columns :data:`DESIGN_COLUMNS`: the frame counted per article, stratum and system
        answer (what the estimator expands the audit to).

    Notes
    -----
    Quotes are stratified by the system's source_type, gender, kind and confidence band;
    when that makes more strata than ``n / 5``, the finest of :data:`STRATUM_LEVELS` that
    gives every stratum 5 audited quotes is used (collapsed parts read ``*``).
    """
    if n < 0 or n_sentences < 0:
        raise AnalysisError(
            f"sample sizes must be at least 0, got n={n}, n_sentences={n_sentences}"
        )
    rng = np.random.default_rng(seed)
    frame = frame.reset_index(drop=True)
    is_quote = frame["unit"] == "quote"
    strata = pd.Series("", index=frame.index, dtype="str")
    quotes = frame.loc[is_quote]
    for level in STRATUM_LEVELS:
        labels = _stratum_labels(quotes, level)
        if n >= len(quotes) or labels.nunique() * _MIN_PER_STRATUM <= n:
            break
    strata[is_quote] = labels
    strata[~is_quote] = SENTENCE_STRATUM
    frame = frame.assign(stratum=strata)

    chosen, weights = [], {}
    budgets = {SENTENCE_STRATUM: n_sentences}
    quote_sizes = frame.loc[is_quote, "stratum"].value_counts().sort_index()
    budgets.update(zip(quote_sizes.index, _allocate(quote_sizes.to_numpy(), n), strict=True))
    for stratum, rows in sorted(frame.groupby("stratum").indices.items()):
        take = min(int(budgets.get(stratum, 0)), len(rows))
        if take == 0:
            continue
        chosen.extend(rows[np.sort(rng.choice(len(rows), size=take, replace=False))])
        weights[stratum] = len(rows) / take
    items = frame.loc[sorted(chosen)].copy()
    items["weight"] = items["stratum"].map(weights)
    items["item_id"] = np.arange(1, len(items) + 1)
    for name in FILL_COLUMNS:
        items[name] = ""
    items = items[
        [*AUDIT_COLUMNS, "sys_source_type", "sys_gender", "sys_origin", "sys_is_anonymous"]
    ]
    return items.reset_index(drop=True), _design(frame)


def _design(frame: pd.DataFrame) -> pd.DataFrame:
    keys = ["article_id", "stratum", "unit", *(f"sys_{d}" for d in DIMENSIONS)]
    return (
        frame.groupby(keys, sort=True)
        .size()
        .rename("n_units")
        .reset_index()
        .rename(columns={f"sys_{d}": d for d in DIMENSIONS})[DESIGN_COLUMNS]
    )


@dataclass(frozen=True, eq=False)
class AuditSample:
    """A drawn audit, ready to be written.

    Attributes
    ----------
    items : pandas.DataFrame
        One row per item (:data:`AUDIT_COLUMNS`, then the system categories ``sys_*``).
    design : pandas.DataFrame
        The sampling frame counted (:data:`DESIGN_COLUMNS`).
    page : str
        ``audit.html``: the self-contained form.
    """

    items: pd.DataFrame
    design: pd.DataFrame
    page: str


def _texts_of(corpus: Any) -> dict[str, str]:
    from analysis.corpus import Corpus, load_corpus

    if isinstance(corpus, str | os.PathLike):
        corpus = load_corpus(corpus)
    table = corpus.articles if isinstance(corpus, Corpus) else corpus
    if "text" not in getattr(table, "columns", ()):
        raise AnalysisError("corpus: expected a path, a Corpus or a table with a 'text' column")
    return dict(zip(table["article_id"].astype("str"), table["text"].astype("str"), strict=True))


def sample_audit(
    results: Any,
    corpus: Any = None,
    *,
    n: int = 200,
    n_sentences: int = 50,
    seed: int = 1,
) -> AuditSample:
    """Draw an audit of an analysis: quotes to check and no-quote sentences to read.

    Parameters
    ----------
    results : Results
        From :func:`analysis.analyze` or :func:`analysis.runner.read_results`.
    corpus : path, Corpus or pandas.DataFrame, optional
        The corpus that was analysed (needed for the article context and the sentences;
        without it, only quotes are drawn and the page shows them without context).
    n, n_sentences, seed
        As in :func:`draw_sample`.

    Returns
    -------
    AuditSample
    """
    texts = _texts_of(corpus) if corpus is not None else None
    if texts is not None:
        analysed = set(results.articles["article_id"].astype("str"))
        texts = {k: v for k, v in texts.items() if k in analysed}
    items, design = draw_sample(
        audit_frame(results, texts), n=n, n_sentences=n_sentences, seed=seed
    )
    from analysis.audit_page import render_audit_page

    page = render_audit_page(items, _contexts(items, results.quotes, texts or {}))
    return AuditSample(items=items, design=design, page=page)


def _contexts(
    items: pd.DataFrame, quotes: pd.DataFrame, texts: Mapping[str, str]
) -> dict[int, list[tuple[str, list[tuple[int, int, str]]]]]:
    """Per item: the paragraphs to show, each with its highlighted (start, end, class)."""
    by_id = quotes.set_index(quotes["quote_id"].astype("str"))
    paragraphs = {a: split_paragraphs(t) for a, t in texts.items() if a in set(items["article_id"])}
    contexts = {}
    for item in items.to_dict("records"):
        text_paragraphs = paragraphs.get(item["article_id"])
        if not text_paragraphs:
            contexts[int(item["item_id"])] = [(item["text"], [(0, len(item["text"]), "q")])]
            continue
        marks = []
        if item["unit"] == "quote":
            quote = by_id.loc[item["quote_id"]]
            marks = [(a, b, "q") for a, b in _quote_spans(quote)]
            if pd.notna(quote.get("speaker_start")) and pd.notna(quote.get("speaker_end")):
                marks.append((int(quote["speaker_start"]), int(quote["speaker_end"]), "s"))
        else:
            marks = [(int(item["start"]), int(item["end"]), "m")]
        touched = [
            i
            for i, p in enumerate(text_paragraphs)
            if any(a < p.end and p.start < b for a, b, _ in marks)
        ] or [0]
        first, last = max(min(touched) - 1, 0), min(max(touched) + 1, len(text_paragraphs) - 1)
        shown = []
        for p in text_paragraphs[first : last + 1]:
            local = [
                (max(a, p.start) - p.start, min(b, p.end) - p.start, c)
                for a, b, c in marks
                if a < p.end and p.start < b
            ]
            shown.append((p.text, local))
        contexts[int(item["item_id"])] = shown
    return contexts


def _write_text(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8", newline="")
    os.replace(temporary, path)


def _refuse_overwrite(paths: Sequence[Path], force: bool) -> None:
    existing = [p for p in paths if p.exists()]
    if existing and not force:
        raise OutputError(
            f"{existing[0]}: exists; an audit or its scores are never overwritten; "
            "choose another --out or pass --force"
        )


def write_audit(
    sample: AuditSample, out_dir: str | os.PathLike[str], *, force: bool = False
) -> list[Path]:
    """Write ``audit.csv``, ``audit.html`` and ``design.csv`` into ``out_dir``.

    Raises
    ------
    OutputError
        When any of the three exists and ``force`` is false (a filled audit is never
        overwritten unasked).
    """
    out = Path(out_dir)
    paths = [out / "audit.csv", out / "audit.html", out / "design.csv"]
    _refuse_overwrite(paths, force)
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    _write_text(paths[0], _audit_csv(sample.items))
    _write_text(paths[1], sample.page)
    _write_text(paths[2], sample.design.to_csv(index=False, lineterminator="\n"))
    return paths


def _audit_csv(items: pd.DataFrame) -> str:
    table = items[AUDIT_COLUMNS].astype("object").map(_cell)
    table["weight"] = [repr(float(w)) for w in items["weight"]]
    return table.to_csv(index=False, lineterminator="\n")


# --- reading a filled audit --------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Audit:
    """A filled audit, checked: the items with parsed judgements, and the design.

    Attributes
    ----------
    items : pandas.DataFrame
        One row per item: ``item_id``, ``line`` (of the CSV), ``unit``, ``article_id``,
        ``quote_id``, ``sentence_id``, ``stratum``, ``weight``, the system categories
        ``sys_<dimension>``, ``method``, ``gender_basis``, ``band``, and the judgements:
        ``is_attribution`` and ``speaker_ok`` (boolean, NA = not checked),
        ``true_<dimension>`` (category, NA = not checked), ``true_speaker``, ``notes``.
    design : pandas.DataFrame
        :data:`DESIGN_COLUMNS`.
    source : str
        The audit file.
    """

    items: pd.DataFrame
    design: pd.DataFrame
    source: str = "audit.csv"


def _read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as err:
        raise AuditError(str(path), [f"cannot read the file ({err.strerror or err})"]) from None
    except UnicodeDecodeError as err:
        raise AuditError(str(path), [f"not UTF-8 (byte {err.start})"]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise AuditError(str(path), ["empty file; expected a header row"]) from None
    rows, line = [], reader.line_num + 1
    for row in reader:
        if any(cell.strip() for cell in row):
            rows.append((line, row))
        line = reader.line_num + 1
    return header, rows


def _yes_no(value: str) -> bool | None:
    lowered = value.strip().lower()
    return True if lowered in _YES else False if lowered in _NO else None


def read_audit(
    path: str | os.PathLike[str],
    *,
    design: str | os.PathLike[str] | pd.DataFrame | None = None,
    results: Any = None,
) -> Audit:
    """Read and check a filled ``audit.csv``.

    Parameters
    ----------
    path : str or Path
        The audit file (from ``audit.csv`` or the page's "Download CSV").
    design : str, Path or pandas.DataFrame, optional
        ``design.csv`` of the sample; default: ``design.csv`` next to ``path``.
    results : Results, optional
        When given, each quote row's system answers are checked against the run's quotes
        (an audit of another run is refused).

    Returns
    -------
    Audit

    Raises
    ------
    AuditError
        Naming the file and, for every bad row, its line and the problem: an unknown
        value, a judgement that contradicts another (``is_attribution`` no but a true
        category given; a category given while ``is_attribution`` is blank), an unknown or
        repeated item, rows missing from a stratum, answers that differ from the run.
        Blank cells are "not checked", not problems.
    """
    path = Path(path)
    header, rows = _read_rows(path)
    return _parse_audit(str(path), header, rows, _read_design(path, design), results)


def audit_from_table(
    table: pd.DataFrame, design: pd.DataFrame, *, results: Any = None, source: str = "<table>"
) -> Audit:
    """:func:`read_audit` for a filled sample held in memory (rows numbered as in a CSV).

    Parameters
    ----------
    table : pandas.DataFrame
        Columns :data:`AUDIT_COLUMNS` (e.g. :attr:`AuditSample.items` with the fill
        columns set); row ``i`` is reported as line ``i + 2``.
    design : pandas.DataFrame
        :attr:`AuditSample.design`.
    results : Results, optional
        As in :func:`read_audit`.
    source : str, optional
        The name used in error messages.
    """
    missing = [c for c in AUDIT_COLUMNS if c not in table.columns]
    if missing:
        raise AuditError(source, [f"missing column(s) {missing}"])
    cells = table[AUDIT_COLUMNS].astype("object").map(_cell)
    cells["weight"] = [repr(float(w)) if str(w).strip() else "" for w in table["weight"]]
    rows = [(i + 2, list(r)) for i, r in enumerate(cells.itertuples(index=False, name=None))]
    return _parse_audit(
        source, list(AUDIT_COLUMNS), rows, _read_design(Path(source), design), results
    )


def _parse_audit(
    source: str,
    header: list[str],
    rows: list[tuple[int, list[str]]],
    design_table: pd.DataFrame,
    results: Any,
) -> Audit:
    missing = [c for c in AUDIT_COLUMNS if c not in header]
    if missing:
        raise AuditError(source, [f"missing column(s) {missing}; the header has {header}"])
    position = {name: header.index(name) for name in AUDIT_COLUMNS}
    problems, records, seen = [], [], {}
    for line, row in rows:
        if len(row) != len(header):
            problems.append(f"line {line}: {len(row)} fields, the header has {len(header)}")
            continue
        cell = {name: row[i].strip() for name, i in position.items()}
        record, row_problems = _parse_row(cell)
        problems.extend(f"line {line}: {p}" for p in row_problems)
        if cell["item_id"] in seen:
            problems.append(
                f"line {line}: item_id {cell['item_id']} repeats line {seen[cell['item_id']]}"
            )
        seen.setdefault(cell["item_id"], line)
        records.append({"line": line, **record})
    items = pd.DataFrame(records)
    if not len(items):
        problems.append("no items")
    else:
        problems.extend(_check_design(items, design_table))
        if results is not None:
            problems.extend(_check_against_results(items, rows, position, results))
            problems.extend(_check_design_against_results(design_table, results))
    if problems:
        raise AuditError(source, problems)
    return Audit(items=items.reset_index(drop=True), design=design_table, source=source)


def _read_design(path: Path, design: Any) -> pd.DataFrame:
    if isinstance(design, pd.DataFrame):
        table = design
    else:
        design_path = Path(design) if design is not None else path.with_name("design.csv")
        if not design_path.is_file():
            raise AuditError(
                str(design_path),
                [
                    "missing: the sampling design written beside audit.csv by `audit sample`; "
                    "pass it with --design (or design=...)"
                ],
            )
        table = pd.read_csv(design_path, dtype="str", keep_default_na=False)
        if "n_units" in table.columns:
            table["n_units"] = pd.to_numeric(table["n_units"], errors="coerce")
    missing = [c for c in DESIGN_COLUMNS if c not in table.columns]
    if missing or table["n_units"].isna().any():
        raise AuditError("design.csv", [f"missing column(s) {missing} or non-numeric n_units"])
    return table[DESIGN_COLUMNS].astype({"n_units": "int64"}).reset_index(drop=True)


def _parse_row(cell: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    problems = []
    unit = cell["unit"]
    if unit not in ("quote", "sentence"):
        problems.append(f"unit {unit!r}: expected 'quote' or 'sentence'")
    try:
        weight = float(cell["weight"])
        if not weight >= 1:
            raise ValueError
    except ValueError:
        problems.append(f"weight {cell['weight']!r}: expected a number of at least 1")
        weight = math.nan
    flags = {}
    for name in ("is_attribution", "speaker_ok"):
        value = cell[name]
        flags[name] = _yes_no(value) if value else None
        if value and flags[name] is None:
            problems.append(f"{name} {value!r}: expected yes or no (blank = not checked)")
    truth = {}
    for dimension in DIMENSIONS:
        value = cell[f"true_{dimension}"].lower()
        if dimension == "is_anonymous":
            value = _ANONYMOUS_ALIASES.get(value, value)
        if value and value not in TRUE_VALUES[dimension]:
            problems.append(
                f"true_{dimension} {cell[f'true_{dimension}']!r}: expected one of "
                f"{list(TRUE_VALUES[dimension])} (blank = not checked)"
            )
            value = ""
        truth[dimension] = value or None
    judged = [n for n in ("speaker_ok", "true_speaker") if cell[n]] + [
        f"true_{d}" for d in DIMENSIONS if truth[d] is not None
    ]
    if flags["is_attribution"] is None and judged and not cell["is_attribution"]:
        problems.append(f"{judged[0]} is filled but is_attribution is blank: say yes or no")
    if flags["is_attribution"] is False and judged:
        problems.append(f"is_attribution is no but {judged[0]} is filled: blank it, or say yes")
    if unit == "sentence" and cell["speaker_ok"]:
        problems.append("speaker_ok is for extracted quotes; leave it blank on a sentence row")
    system = _system_from_cells(cell) if unit == "quote" else dict.fromkeys(DIMENSIONS, "")
    record = {
        "item_id": cell["item_id"],
        "unit": unit,
        "article_id": cell["article_id"],
        "quote_id": cell["quote_id"],
        "sentence_id": cell["sentence_id"],
        "stratum": cell["stratum"],
        "weight": weight,
        **{f"sys_{d}": system[d] for d in DIMENSIONS},
        "method": cell["method"],
        "gender_basis": cell["gender_basis"],
        "band": confidence_band(pd.Series([cell["confidence"] or None])).iloc[0],
        "is_attribution": flags["is_attribution"],
        "speaker_ok": flags["speaker_ok"],
        "true_speaker": cell["true_speaker"],
        **{f"true_{d}": truth[d] for d in DIMENSIONS},
        "notes": cell["notes"],
    }
    return record, problems


def _system_from_cells(cell: Mapping[str, str]) -> dict[str, str]:
    anonymous = cell["is_anonymous"].lower()
    return {
        "source_type": cell["source_type"],
        "gender": cell["gender"] or "none",
        "origin": cell["origin"],
        "is_anonymous": "unattributed"
        if not anonymous
        else "anonymous"
        if anonymous == "true"
        else "named",
    }


def _check_design(items: pd.DataFrame, design: pd.DataFrame) -> list[str]:
    problems = []
    sizes = design.groupby("stratum")["n_units"].sum()
    for stratum, group in items.groupby("stratum", sort=True):
        lines = ", ".join(str(x) for x in group["line"].head(3))
        if stratum not in sizes.index:
            problems.append(f"line {lines}: stratum {stratum!r} is not in the design")
            continue
        weights = group["weight"].dropna().unique()
        if len(weights) != 1:
            problems.append(
                f"line {lines}: stratum {stratum!r} has different weights {sorted(weights)}"
            )
            continue
        expected = sizes[stratum] / weights[0]
        if not math.isclose(expected, len(group), rel_tol=1e-6):
            problems.append(
                f"stratum {stratum!r}: {len(group)} rows, but its weight {weights[0]:g} says "
                f"{expected:g} were drawn (rows deleted or added?)"
            )
    return problems


def _check_against_results(
    items: pd.DataFrame,
    rows: list[tuple[int, list[str]]],
    position: Mapping[str, int],
    results: Any,
) -> list[str]:
    quotes = results.quotes
    by_id = quotes.set_index(quotes["quote_id"].astype("str"))
    problems = []
    for line, row in rows:
        if len(row) <= max(position.values()) or row[position["unit"]].strip() != "quote":
            continue
        quote_id = row[position["quote_id"]].strip()
        if quote_id not in by_id.index:
            problems.append(f"line {line}: quote_id {quote_id!r} is not in the results")
            continue
        quote = by_id.loc[quote_id]
        for name in ("text", "speaker", "source_type", "gender", "origin", "is_anonymous"):
            expected = _cell(quote[name])
            if row[position[name]].strip() != expected.strip():
                problems.append(
                    f"line {line}: {name} {row[position[name]]!r} differs from the results' "
                    f"{expected!r} (an audit of another run?)"
                )
                break
    return problems


def _check_design_against_results(design: pd.DataFrame, results: Any) -> list[str]:
    """The run must still have the quotes the sample was drawn from, article by article."""
    then = design.loc[design["unit"] == "quote"].groupby("article_id")["n_units"].sum()
    now = results.quotes["article_id"].astype("str").value_counts()
    both = then.index.union(now.index)
    then, now = then.reindex(both, fill_value=0), now.reindex(both, fill_value=0)
    changed = both[then.to_numpy() != now.to_numpy()]
    if not len(changed):
        return []
    first = changed[0]
    return [
        f"design.csv: {len(changed)} article(s) have another number of quotes in the results "
        f"than when the sample was drawn (e.g. {first}: {then[first]} then, {now[first]} now); "
        "draw a new sample for this run"
    ]


def merge_labels(items: pd.DataFrame, labels: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Carry judgements from a labels table onto a freshly drawn sample.

    Parameters
    ----------
    items : pandas.DataFrame
        A sample (:attr:`AuditSample.items`).
    labels : pandas.DataFrame
        ``quote_id`` or ``sentence_id``, ``start``, ``end`` and any of
        :data:`FILL_COLUMNS` (e.g. a committed audit kept as labels only).

    Returns
    -------
    items : pandas.DataFrame
        The sample with the fill columns taken from the label of the same unit *and the
        same span*; other items stay blank (not checked).
    unmatched : list of str
        One sentence per sampled item left blank because its label was made for another
        span, and per label whose unit was not drawn.
    """
    labels = labels.fillna("").astype("str")
    labels = labels.assign(
        _unit=np.where(labels["quote_id"] != "", labels["quote_id"], labels["sentence_id"])
    )
    by_unit = labels.set_index("_unit")
    keys = np.where(items["unit"] == "quote", items["quote_id"], items["sentence_id"])
    filled, notes = items.copy(), []
    for row, key in enumerate(keys):
        if key not in by_unit.index:
            continue
        label = by_unit.loc[key]
        span = (str(items["start"].iloc[row]), str(items["end"].iloc[row]))
        if (label["start"], label["end"]) != span:
            notes.append(
                f"{key}: labelled for {label['start']}-{label['end']}, drawn as {span[0]}-{span[1]}; "
                "left blank (check it by hand)"
            )
            continue
        for name in FILL_COLUMNS:
            if name in label.index:
                filled.iloc[row, filled.columns.get_loc(name)] = label[name]
    drawn = set(keys)
    notes.extend(
        f"{key}: labelled but not in this sample" for key in by_unit.index if key not in drawn
    )
    return filled, notes


# --- estimation --------------------------------------------------------------------------


def _outcomes(items: pd.DataFrame, dimension: str) -> tuple[np.ndarray, np.ndarray]:
    """Per item: 1 in the column of its true category (0 if not an attribution), checked."""
    categories = CATEGORIES[dimension]
    attribution = items["is_attribution"]
    truth = items[f"true_{dimension}"]
    checked = attribution.notna() & ((attribution == False) | truth.notna())  # noqa: E712
    y = np.zeros((len(items), len(categories)))
    for k, category in enumerate(categories):
        y[:, k] = ((attribution == True) & (truth == category)).to_numpy(dtype=float)  # noqa: E712
    return y, checked.to_numpy(dtype=bool)


PRIOR = 0.5
"""Pseudo-count per outcome and cell of the audit-phase Bayesian bootstrap (Jeffreys)."""


@dataclass(frozen=True, eq=False)
class _Model:
    """The fitted correction of one dimension (see :func:`_fit`)."""

    rates: pd.DataFrame  # index: cell; columns: categories, then "_none" (not counted)
    n_checked: pd.Series  # checked items per cell
    census: np.ndarray  # per cell: every unit was checked (its counts are known exactly)
    design_cells: np.ndarray  # cell of each design row
    exact: pd.DataFrame  # true counts of the census cells, per article (index) and category
    notes: tuple[str, ...]


def _fit(audit: Audit, dimension: str) -> _Model:
    """Cells and audited rates of one dimension.

    A cell is (stratum, system category). Its rate is the weighted mean of its checked
    items (weights: stratum size over checked items of the stratum, so unchecked items
    are missing at random within their stratum). A cell with fewer than 2 checked items
    (and not audited in full) borrows the rate of every checked item with the same system
    category, in any stratum; with none, the rate of all checked items (each borrowing is
    a note). A cell whose every unit was checked is a census: its counts are exact. The
    last rate column, ``_none``, is the share of units that count in no category of this
    dimension (not attributions; for gender, also non-persons).
    """
    categories = list(CATEGORIES[dimension])
    items = audit.items
    y, checked = _outcomes(items, dimension)
    if not checked.any():
        raise AuditError(
            audit.source,
            [f"no item is checked for {dimension}: fill is_attribution and true_{dimension}"],
        )
    design = audit.design
    stratum_size = design.groupby("stratum")["n_units"].sum()
    strata = items["stratum"].to_numpy()
    n_checked_stratum = pd.Series(checked.astype(int), index=strata).groupby(level=0).sum()
    weight = (stratum_size.reindex(strata) / n_checked_stratum.reindex(strata)).to_numpy()
    system = items[f"sys_{dimension}"].to_numpy()
    item_cells = np.array([f"{h}\x1f{j}" for h, j in zip(strata, system, strict=True)])
    design_cells = (design["stratum"] + "\x1f" + design[dimension]).to_numpy()
    total = pd.Series(design["n_units"].to_numpy(), index=design_cells).groupby(level=0).sum()
    n = (
        pd.Series(checked.astype(int), index=item_cells)
        .groupby(level=0)
        .sum()
        .reindex(total.index, fill_value=0)
    )
    outcome = np.column_stack([y, 1.0 - y.sum(axis=1)])
    columns = [*categories, "_none"]
    weighted = pd.DataFrame(outcome * weight[:, None], columns=columns).assign(weight=weight)

    def pooled(mask: np.ndarray) -> tuple[pd.Series, int]:
        part = weighted[mask & checked]
        return part[columns].sum() / part["weight"].sum(), int((mask & checked).sum())

    rows, counts, census, borrowed, notes = {}, {}, {}, {}, []
    for cell in total.index:
        answer = cell.split("\x1f")[1]
        if n[cell] >= 2 or n[cell] >= total[cell]:
            rows[cell], counts[cell] = pooled(item_cells == cell)
            census[cell] = bool(n[cell] >= total[cell])
            continue
        same = system == answer
        key = f"*\x1f{answer}" if (same & checked).any() else "*\x1f*"
        if key not in rows:
            rows[key], counts[key] = pooled(same if key != "*\x1f*" else np.ones_like(same))
            census[key] = False
        borrowed[cell] = key
        notes.append(
            f"{dimension}: {cell.replace(chr(31), ' / ')} has {n[cell]} checked item(s) of "
            f"{total[cell]}; it borrows the rate of "
            + (
                f"all checked '{answer or 'sentence'}' items"
                if key != "*\x1f*"
                else "all checked items"
            )
        )
    rates = pd.DataFrame(rows).T[columns]
    in_census = checked & np.isin(item_cells, [c for c, flag in census.items() if flag])
    exact = (
        pd.DataFrame(y[in_census], columns=categories)
        .assign(article_id=items["article_id"].to_numpy()[in_census])
        .groupby("article_id")[categories]
        .sum()
    )
    return _Model(
        rates,
        pd.Series(counts).reindex(rates.index),
        np.array([census[c] for c in rates.index]),
        np.array([borrowed.get(c, c) for c in design_cells]),
        exact,
        tuple(notes),
    )


def _cell_matrix(
    design: pd.DataFrame, cells: np.ndarray, articles: pd.Index, order: pd.Index
) -> np.ndarray:
    """Units per (article, cell): articles in ``articles`` order, cells in ``order``."""
    matrix = np.zeros((len(articles), len(order)))
    rows = articles.get_indexer(design["article_id"])
    keep = rows >= 0
    np.add.at(
        matrix, (rows[keep], order.get_indexer(cells[keep])), design["n_units"].to_numpy()[keep]
    )
    return matrix


def _interval(
    units: list[np.ndarray],
    exact: list[np.ndarray],
    models: list[_Model],
    *,
    n_boot: int,
    level: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of each corrected share: articles resampled with replacement
    (first phase), cell rates redrawn from their centred posterior (second phase)."""
    n_articles = units[0].shape[0] if units else 0
    width = sum(m.rates.shape[1] - 1 for m in models)
    if n_articles == 0 or n_boot < 1:
        return np.full(width, np.nan), np.full(width, np.nan)
    batch = max(1, min(n_boot, 2_000_000 // max(n_articles, 1)))
    replicates = []
    for done in range(0, n_boot, batch):
        size = min(batch, n_boot - done)
        drawn = rng.integers(0, n_articles, size=(size, n_articles))
        drawn += np.arange(size)[:, None] * n_articles
        times = np.bincount(drawn.ravel(), minlength=size * n_articles).reshape(size, n_articles)
        shares = []
        for matrix, known, model in zip(units, exact, models, strict=True):
            sampled = ~model.census
            rates = model.rates.to_numpy()[sampled]
            posterior = rates * model.n_checked.to_numpy()[sampled, None] + PRIOR
            draws = rng.gamma(np.broadcast_to(posterior, (size, *posterior.shape)))
            draws /= draws.sum(axis=2, keepdims=True)
            draws += rates - posterior / posterior.sum(axis=1, keepdims=True)
            totals = np.einsum("bc,bck->bk", times @ matrix[:, sampled], draws[:, :, :-1])
            totals = np.clip(totals + times @ known, 0.0, None)
            sums = totals.sum(axis=1, keepdims=True)
            with np.errstate(invalid="ignore", divide="ignore"):
                shares.append(np.where(sums > 0, totals / sums, np.nan))
        replicates.append(np.hstack(shares))
    values = np.vstack(replicates)
    alpha = (1 - level) / 2
    low, high = np.full(width, np.nan), np.full(width, np.nan)
    valid = ~np.isnan(values).all(axis=0)
    if valid.any():
        low[valid], high[valid] = np.nanquantile(values[:, valid], [alpha, 1 - alpha], axis=0)
    return low, high


def corrected_shares(
    audit: Audit,
    articles: pd.DataFrame | None = None,
    *,
    by: str | Sequence[str] | None = None,
    dimensions: Sequence[str] = DIMENSIONS,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Error-corrected share of quotes per category, with a two-phase bootstrap interval.

    Parameters
    ----------
    audit : Audit
        From :func:`read_audit`.
    articles : pandas.DataFrame, optional
        ``article_id`` and the ``by`` columns; needed only with ``by``.
    by : str or sequence of str, optional
        Article columns to split by; the audited error rates are pooled across groups.
    dimensions : sequence of str, optional
        Any of "source_type", "origin", "gender", "is_anonymous".
    n_boot, level, seed
        Bootstrap replicates, confidence level and seed.

    Returns
    -------
    pandas.DataFrame
        One row per (group..., dimension, category): ``n_corrected`` (estimated true
        attributions), ``share_corrected``, ``ci_low_corrected``, ``ci_high_corrected``.
    """
    by = [by] if isinstance(by, str) else list(by or [])
    unknown = [d for d in dimensions if d not in DIMENSIONS]
    if unknown:
        raise AnalysisError(f"dimension(s) {unknown}: expected some of {list(DIMENSIONS)}")
    models = [_fit(audit, d) for d in dimensions]
    labels = [(d, c) for d in dimensions for c in CATEGORIES[d]]
    ids = pd.Index(sorted(set(audit.design["article_id"])))
    if by:
        if articles is None:
            raise AnalysisError("corrected_shares: pass articles= to split by " + ", ".join(by))
        keys = articles[["article_id", *by]].astype("str").drop_duplicates("article_id")
        ids = pd.Index(sorted(set(ids) | set(keys["article_id"])))
        groups = keys.set_index("article_id").reindex(ids).fillna("").groupby(by, sort=True).indices
        parts = [((k,) if len(by) == 1 else k, rows) for k, rows in groups.items()]
    else:
        parts = [((), np.arange(len(ids)))]
    units = [_cell_matrix(audit.design, m.design_cells, ids, m.rates.index) for m in models]
    exact = [m.exact.reindex(ids, fill_value=0.0).to_numpy() for m in models]
    frames = []
    for key, rows in parts:
        subset = [matrix[rows] for matrix in units]
        known = [matrix[rows] for matrix in exact]
        totals = np.concatenate(
            [
                np.clip(
                    matrix.sum(axis=0)[~m.census] @ m.rates.to_numpy()[~m.census, :-1]
                    + counts.sum(axis=0),
                    0.0,
                    None,
                )
                for matrix, counts, m in zip(subset, known, models, strict=True)
            ]
        )
        share, first = np.full(len(totals), np.nan), 0
        for dimension in dimensions:
            k = len(CATEGORIES[dimension])
            if totals[first : first + k].sum() > 0:
                share[first : first + k] = (
                    totals[first : first + k] / totals[first : first + k].sum()
                )
            first += k
        label = "\x1f".join(["corrected", *map(str, key)]).encode("utf-8")
        rng = np.random.default_rng([seed, zlib.crc32(label)])
        low, high = _interval(subset, known, models, n_boot=n_boot, level=level, rng=rng)
        frame = pd.DataFrame(labels, columns=["dimension", "category"]).assign(
            n_corrected=totals, share_corrected=share, ci_low_corrected=low, ci_high_corrected=high
        )
        for i, name in enumerate(by):
            frame.insert(i, name, key[i])
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def gender_bounds(balance: pd.DataFrame, *, share: str = "share", suffix: str = "") -> pd.DataFrame:
    """Bounds on each gender share if every ``unknown`` were female, or every one male.

    Parameters
    ----------
    balance : pandas.DataFrame
        A balance table (``dimension``, ``category``, ``measure`` when present, the group
        columns, and the ``share`` column named by ``share``).
    share : str, optional
        The share column to bound ("share", or "share_corrected").
    suffix : str, optional
        Appended to the new columns' names.

    Returns
    -------
    pandas.DataFrame
        A copy with ``share_if_unknown_female<suffix>`` and ``share_if_unknown_male<suffix>``:
        for the female row, the share plus the unknown share and the share itself; for the
        male row, the reverse; 0 for the unknown row; NaN outside the gender dimension.

    Examples
    --------
    >>> table = pd.DataFrame({"dimension": "gender", "category": ["female", "male", "unknown"],
    ...                       "share": [0.2, 0.5, 0.3]})
    >>> gender_bounds(table)[["share_if_unknown_female", "share_if_unknown_male"]].values.tolist()
    [[0.5, 0.2], [0.5, 0.8], [0.0, 0.0]]
    """
    columns = list(balance.columns)
    keys = columns[: columns.index("dimension")] + (["measure"] if "measure" in columns else [])
    table = balance.reset_index(drop=True)
    gender = (table["dimension"] == "gender").to_numpy()
    unknown = table.loc[gender & (table["category"] == "unknown").to_numpy(), [*keys, share]]
    if keys:
        extra = table[keys].merge(unknown.rename(columns={share: "_unknown"}), on=keys, how="left")
        extra = extra["_unknown"].to_numpy(dtype=float)
    else:
        extra = np.full(len(table), unknown[share].iloc[0] if len(unknown) else np.nan)
    value = table[share].to_numpy(dtype=float)
    female = np.where(
        table["category"] == "female",
        value + extra,
        np.where(table["category"] == "male", value, 0.0),
    )
    male = np.where(
        table["category"] == "male",
        value + extra,
        np.where(table["category"] == "female", value, 0.0),
    )
    table[f"share_if_unknown_female{suffix}"] = np.where(gender, female, np.nan)
    table[f"share_if_unknown_male{suffix}"] = np.where(gender, male, np.nan)
    return table


CORRECTED_COLUMNS = [
    "share_corrected",
    "ci_low_corrected",
    "ci_high_corrected",
    "share_if_unknown_female",
    "share_if_unknown_male",
    "share_if_unknown_female_corrected",
    "share_if_unknown_male_corrected",
]
"""Columns :func:`corrected_balance` adds to the balance table."""


def corrected_balance(
    results: Any,
    audit: Audit,
    *,
    by: str | Sequence[str] | None = None,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
    balance: pd.DataFrame | None = None,
    articles: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The sourcing balance with error-corrected shares of quotes beside the raw ones.

    Parameters
    ----------
    results : Results
        The run that was audited.
    audit : Audit
        From :func:`read_audit`.
    by, n_boot, level, seed
        As in :func:`analysis.aggregate.sourcing_balance`.
    balance : pandas.DataFrame, optional
        The raw balance, when already computed with the same ``by``.
    articles : pandas.DataFrame, optional
        The articles table with the ``by`` columns (default ``results.articles``).

    Returns
    -------
    pandas.DataFrame
        The balance table's rows and columns, plus :data:`CORRECTED_COLUMNS`. Corrected
        values are given for the ``quotes`` measure (the audit checks quotes; words and
        speakers get NaN). ``share_if_unknown_*`` bound each gender share by giving all
        the unknowns to one gender (from the raw share; ``..._corrected`` from the
        corrected one).
    """
    by_list = [by] if isinstance(by, str) else list(by or [])
    if balance is None:
        balance = sourcing_balance(
            results, by=by_list or None, n_boot=n_boot, level=level, seed=seed
        )
    corrected = corrected_shares(
        audit,
        results.articles if articles is None else articles,
        by=by_list,
        dimensions=[d for d in DIMENSIONS if d in set(balance["dimension"])],
        n_boot=n_boot,
        level=level,
        seed=seed,
    ).assign(measure="quotes")
    table = balance.merge(
        corrected.drop(columns="n_corrected"),
        on=[*by_list, "dimension", "category", "measure"],
        how="left",
    )
    table = gender_bounds(table)
    table = gender_bounds(table, share="share_corrected", suffix="_corrected")
    return table[[*balance.columns, *CORRECTED_COLUMNS]]


# --- scores ------------------------------------------------------------------------------


SCORE_COLUMNS = ["measure", "dimension", "category", "n_items", "estimate", "ci_low", "ci_high"]


def _weighted_ratio(
    items: pd.DataFrame,
    numerator: np.ndarray,
    denominator: np.ndarray,
    checked: np.ndarray,
    rng: np.random.Generator,
    *,
    n_boot: int,
    level: float,
) -> tuple[int, float, float, float]:
    """Weighted ratio sum(w*num)/sum(w*den), with a stratified bootstrap interval.

    ``w`` is the stratum's size over its *checked* items (items left blank for this
    measure are missing at random within their stratum). Items are resampled within
    strata; fully audited strata are held fixed, having no sampling error.
    """
    keep = denominator.astype(bool) & checked
    if not keep.any():
        return 0, math.nan, math.nan, math.nan
    strata_all = items["stratum"].to_numpy()
    drawn = pd.Series(1, index=strata_all).groupby(level=0).size()
    n_checked = pd.Series(checked.astype(int), index=strata_all).groupby(level=0).sum()
    adjust = (drawn / n_checked.replace(0, np.nan)).reindex(strata_all).to_numpy()
    strata = strata_all[keep]
    weight = (items["weight"].to_numpy(dtype=float) * adjust)[keep]
    top = numerator[keep].astype(float) * weight
    estimate = top.sum() / weight.sum()
    times = np.ones((n_boot, len(top)))
    for stratum in np.unique(strata):
        rows = np.flatnonzero(strata == stratum)
        if weight[rows[0]] <= 1.0:  # a census of the stratum: no sampling error
            continue
        draws = rng.integers(0, len(rows), size=(n_boot, len(rows)))
        counts = np.zeros((n_boot, len(rows)))
        np.add.at(counts, (np.arange(n_boot)[:, None], draws), 1.0)
        times[:, rows] = counts
    with np.errstate(invalid="ignore", divide="ignore"):
        replicates = (times @ top) / (times @ weight)
    alpha = (1 - level) / 2
    low, high = (
        np.nanquantile(replicates, [alpha, 1 - alpha])
        if np.isfinite(replicates).any()
        else (math.nan, math.nan)
    )
    return int(keep.sum()), float(estimate), float(low), float(high)


def audit_scores(
    audit: Audit, *, n_boot: int = 1000, level: float = 0.95, seed: int = 0
) -> pd.DataFrame:
    """How well the system did on this corpus, estimated from the audit.

    Every estimate is weighted by the sampling weights (a population figure, not a
    sample one) and has a percentile interval from a bootstrap of the audit items within
    strata.

    Parameters
    ----------
    audit : Audit
        From :func:`read_audit`.
    n_boot, level, seed
        Bootstrap replicates, confidence level and seed.

    Returns
    -------
    pandas.DataFrame
        One row per (measure, dimension, category), columns :data:`SCORE_COLUMNS`
        (``n_items``: the checked items the estimate rests on). Measures:

        - ``attribution_precision``: extracted quotes that are real attributions.
        - ``speaker_precision``: real attributions whose speaker is right.
        - ``miss_rate``: true attributions in sentences where nothing was extracted, as
          a share of all true attributions (NaN without sentence items).
        - ``precision`` / ``recall`` per (dimension, category): of the real attributions
          the system put in the category, the share truly in it; of those truly in it, the
          share the system put there.
        - ``extraction_recall`` per (dimension, category): true attributions of the
          category that were extracted at all (misses from the sentence sample).
        - ``attribution_precision`` by ``method`` and by confidence ``band``, and gender
          ``precision`` by ``gender_basis``, when the run recorded them.
    """
    items = audit.items
    rng = np.random.default_rng(seed)
    is_quote = (items["unit"] == "quote").to_numpy()
    attribution = items["is_attribution"]
    yes = (attribution == True).to_numpy()  # noqa: E712
    checked = attribution.notna().to_numpy()
    rows = []

    def add(
        measure: str,
        dimension: str,
        category: str,
        num: np.ndarray,
        den: np.ndarray,
        done: np.ndarray,
    ) -> None:
        n, estimate, low, high = _weighted_ratio(
            items, num & den, den, done, rng, n_boot=n_boot, level=level
        )
        rows.append((measure, dimension, category, n, estimate, low, high))

    no = (attribution == False).to_numpy()  # noqa: E712
    add("attribution_precision", "", "", yes, is_quote, checked)
    speaker = items["speaker_ok"].astype("boolean")
    speaker_done = checked & (no | speaker.notna().to_numpy())
    add("speaker_precision", "", "", speaker.fillna(False).to_numpy(), yes & is_quote, speaker_done)
    if (~is_quote).any():
        add("miss_rate", "", "", ~is_quote, yes, checked)
    for column, label in (("method", "method"), ("band", "confidence")):
        values = items[column].fillna("").astype("str")
        if (values[is_quote] != "").any() and not (values[is_quote] == "none").all():
            for value in sorted(set(values[is_quote]) - {""}):
                match = (values == value).to_numpy()
                name = f"attribution_precision_by_{label}"
                add(name, "", value, yes, is_quote & match, checked)
    for dimension in DIMENSIONS:
        truth = items[f"true_{dimension}"].astype("object")
        system = items[f"sys_{dimension}"].astype("str").to_numpy()
        done = checked & (no | truth.notna().to_numpy())
        for category in CATEGORIES[dimension]:
            is_true = yes & (truth == category).to_numpy()
            is_system = is_quote & (system == category)
            add("precision", dimension, category, is_true, yes & is_system, done)
            add("recall", dimension, category, is_system, is_true & is_quote, done)
            if (~is_quote).any():
                add("extraction_recall", dimension, category, is_quote, is_true, done)
    basis = items["gender_basis"].fillna("").astype("str")
    if (basis[is_quote] != "").any():  # the run records a basis: a blank one is "unknown"
        basis = basis.replace("", "unknown")
        truth = items["true_gender"].astype("object").to_numpy()
        system = items["sys_gender"].to_numpy()
        done = checked & (no | pd.notna(truth))
        for value in sorted(set(basis[is_quote]) - {""}):
            match = is_quote & (basis == value).to_numpy() & (system != "none")
            add("gender_precision_by_basis", "gender", value, truth == system, yes & match, done)
    return pd.DataFrame(rows, columns=SCORE_COLUMNS)


CONFUSION_COLUMNS = [
    "dimension",
    "system",
    "true",
    "n_items",
    "estimate",
    "share",
    "ci_low",
    "ci_high",
]


def confusion_table(
    audit: Audit, *, n_boot: int = 1000, level: float = 0.95, seed: int = 0
) -> pd.DataFrame:
    """Confusion of each dimension: system answer x true answer, estimated for the corpus.

    Returns
    -------
    pandas.DataFrame
        One row per (dimension, system, true) seen in the checked items, columns
        :data:`CONFUSION_COLUMNS`: ``n_items`` (audited), ``estimate`` (weighted: the
        corpus count it stands for), ``share`` of the system answer's units that are truly
        ``true`` (the calibration matrix the correction uses), with a bootstrap interval
        over the audit items. ``system`` is ``missed`` for sentence items (the share is
        then per no-quote sentence); ``true`` is ``not_attribution`` for items judged not
        to be attributions (not listed for sentences).
    """
    items = audit.items
    rng = np.random.default_rng(seed)
    strata = items["stratum"].to_numpy()
    drawn = pd.Series(1, index=strata).groupby(level=0).size()
    rows = []
    for dimension in DIMENSIONS:
        truth = items[f"true_{dimension}"].astype("object")
        attribution = items["is_attribution"]
        done = (attribution.notna() & ((attribution == False) | truth.notna())).to_numpy()  # noqa: E712
        true = np.where(attribution == True, truth.fillna(""), "not_attribution")  # noqa: E712
        system = np.where(items["unit"] == "quote", items[f"sys_{dimension}"], "missed")
        n_done = pd.Series(done.astype(int), index=strata).groupby(level=0).sum()
        weight = (
            items["weight"].to_numpy()
            * (drawn / n_done.replace(0, np.nan)).reindex(strata).to_numpy()
        )
        pairs = sorted({(a, b) for a, b in zip(system[done], true[done], strict=True)})
        for answer, actual in pairs:
            if answer == "missed" and actual == "not_attribution":
                continue
            den = system == answer
            num = den & (true == actual)
            _, share, low, high = _weighted_ratio(
                items, num, den, done, rng, n_boot=n_boot, level=level
            )
            rows.append(
                (
                    dimension,
                    answer,
                    actual,
                    int((num & done).sum()),
                    float(weight[num & done].sum()),
                    share,
                    low,
                    high,
                )
            )
    return pd.DataFrame(rows, columns=CONFUSION_COLUMNS)


def krippendorff_alpha(data: Sequence[Sequence[Any]] | np.ndarray | pd.DataFrame) -> float:
    """Krippendorff's alpha for nominal data, any number of coders, missing values allowed.

    Parameters
    ----------
    data : 2-D array-like
        One row per unit, one column per coder; ``None``/NaN/"" = no value.

    Returns
    -------
    float
        ``1 - D_o / D_e`` from the coincidence matrix (Krippendorff 2011, "Computing
        Krippendorff's alpha-reliability"): units with fewer than two values are not
        pairable and left out. NaN when fewer than two pairable values or a single value
        is ever used (no variation to agree on).

    Examples
    --------
    >>> krippendorff_alpha([["a", "a"], ["a", "b"], ["b", "b"], ["b", "b"], ["a", "a"]])
    0.64
    """
    rows = np.asarray(data, dtype=object)
    counts: dict[Any, dict[Any, float]] = {}
    for unit in rows:
        values = [
            v
            for v in unit
            if not (v is None or v == "" or (isinstance(v, float) and math.isnan(v)))
        ]
        m = len(values)
        if m < 2:
            continue
        for i, a in enumerate(values):
            for j, b in enumerate(values):
                if i != j:
                    counts.setdefault(a, {}).setdefault(b, 0.0)
                    counts[a][b] += 1.0 / (m - 1)
    values = sorted(counts, key=str)
    if not values:
        return math.nan
    o = np.array([[counts[a].get(b, 0.0) for b in values] for a in values])
    n_c = o.sum(axis=1)
    n = n_c.sum()
    disagree_observed = o.sum() - np.trace(o)
    disagree_expected = (n_c.sum() ** 2 - (n_c**2).sum()) / (n - 1) if n > 1 else 0.0
    if disagree_expected <= 0:
        return math.nan
    return round(float(1 - disagree_observed / disagree_expected), 12)


AGREEMENT_FIELDS = ("is_attribution", "speaker_ok", *(f"true_{d}" for d in DIMENSIONS))


def label_agreement(
    first: Audit, second: Audit, *, n_boot: int = 1000, level: float = 0.95, seed: int = 0
) -> pd.DataFrame:
    """Krippendorff's alpha between two audits of the same sample, per judgement.

    Returns
    -------
    pandas.DataFrame
        Rows of :data:`SCORE_COLUMNS` with measure ``krippendorff_alpha``, ``dimension``
        the judged column, ``n_items`` the items both filled, and a bootstrap interval
        over items.

    Raises
    ------
    AuditError
        When the two files do not hold the same items.
    """
    a = first.items.set_index("item_id")
    b = second.items.set_index("item_id")
    only = sorted(set(a.index) ^ set(b.index))
    if only:
        raise AuditError(
            second.source,
            [
                f"item(s) {only[:10]} are in only one of the two audits; they must audit the same sample"
            ],
        )
    b = b.reindex(a.index)
    rng = np.random.default_rng(seed)
    rows = []
    for name in AGREEMENT_FIELDS:
        pairs = np.column_stack(
            [a[name].astype("object").to_numpy(), b[name].astype("object").to_numpy()]
        )
        pairs = np.where(pd.isna(pairs), None, pairs)
        both = np.array([x is not None and y is not None for x, y in pairs])
        alpha = krippendorff_alpha(pairs[both])
        replicates = [
            krippendorff_alpha(pairs[both][rng.integers(0, both.sum(), both.sum())])
            for _ in range(n_boot if both.sum() else 0)
        ]
        finite = [r for r in replicates if not math.isnan(r)]
        low, high = (
            np.quantile(finite, [(1 - level) / 2, (1 + level) / 2])
            if finite
            else (math.nan, math.nan)
        )
        rows.append(
            ("krippendorff_alpha", name, "", int(both.sum()), alpha, float(low), float(high))
        )
    return pd.DataFrame(rows, columns=SCORE_COLUMNS)


def score_audit(
    results: Any,
    audit_paths: Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    design: str | os.PathLike[str] | None = None,
    by: str | Sequence[str] | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    force: bool = False,
) -> dict[str, Any]:
    """Score a filled audit and write ``audit_scores.csv``, ``confusion.csv`` and
    ``balance_corrected.csv`` into ``out_dir`` (what ``newsroom-workbook audit score`` does).

    Parameters
    ----------
    results : Results
        The audited run.
    audit_paths : sequence of path
        One filled audit, or two of the same sample (agreement is added; the first is
        the one scored).
    out_dir : path
        Output folder; existing score files are not overwritten unless ``force``.
    design : path, optional
        ``design.csv``; default beside the first audit (used for both audits).
    by, n_boot, seed
        As in :func:`corrected_balance`.

    Returns
    -------
    dict
        ``scores``, ``confusion``, ``balance`` (DataFrames), ``unchecked`` (lines of items
        with no judgement), ``notes`` (borrowed rates), ``paths`` (files written).
    """
    if not 1 <= len(audit_paths) <= 2:
        raise AnalysisError(f"expected one or two audit files, got {len(audit_paths)}")
    out = Path(out_dir)
    paths = [out / "audit_scores.csv", out / "confusion.csv", out / "balance_corrected.csv"]
    _refuse_overwrite(paths, force)
    design = design if design is not None else Path(audit_paths[0]).with_name("design.csv")
    audits = [read_audit(p, design=design, results=results) for p in audit_paths]
    audit = audits[0]
    scores = audit_scores(audit, n_boot=n_boot, seed=seed)
    if len(audits) == 2:
        scores = pd.concat(
            [scores, label_agreement(audits[0], audits[1], n_boot=n_boot, seed=seed)],
            ignore_index=True,
        )
    confusion = confusion_table(audit, n_boot=n_boot, seed=seed)
    balance = corrected_balance(results, audit, by=by, n_boot=n_boot, seed=seed)
    notes = [note for dimension in DIMENSIONS for note in _fit(audit, dimension).notes]
    out.mkdir(parents=True, exist_ok=True)
    for path, table in zip(paths, (scores, confusion, balance), strict=True):
        _write_text(path, table.to_csv(index=False, lineterminator="\n"))
    unchecked = audit.items.loc[audit.items["is_attribution"].isna(), "line"].tolist()
    return {
        "scores": scores,
        "confusion": confusion,
        "balance": balance,
        "unchecked": unchecked,
        "notes": notes,
        "paths": paths,
    }

"""Score :func:`analysis.quotes.extract_quotes` against gold attributions (PolNeAR JSONL).

Run ``python -m analysis.evaluation.quotes --gold ../shared/eval/dev.jsonl [--method
rules|model|union]`` (any file in that format), or ``--seed ARTICLE.txt`` to check a
hand-checked case study against its ``.gold.json``; ``--reliability`` prints how often
quotes are right by confidence, ``--calibrate OUT.json`` fits the confidence map. Quotes are scored in PolNeAR's
convention: a continuation in the same paragraph is joined to the quote before it (see
:func:`polnear_convention`); ``--as-extracted`` scores them as the extractor returns them. The figures follow the rules
of the reference scorer shipped with the evaluation set (``score.py``; see its README):

- contents are compared as sets of character positions, whitespace and quotation marks
  dropped; gold content is the union of its fragments;
- a prediction matches a gold attribution when the overlap covers at least ``threshold``
  of the larger of the two sets (0.3 loose, 0.8 strict); pairs are taken greedily by
  largest overlap, each gold and each prediction at most once;
- speaker accuracy counts matched attributions with a gold speaker: right when the
  predicted mention overlaps the gold one, or, unless the gold mention is a pronoun, when
  both names end in the same word (titles, punctuation, possessive 's and Jr/Sr dropped).
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from analysis.errors import CorpusError, RecordFormatError
from analysis.evaldata import read_json_objects
from analysis.quotes import METHODS, MIN_CONFIDENCE, Quote, extract_quotes
from analysis.quotes.extract import DEFAULT_METHOD

__all__ = [
    "check_case_study",
    "cross_fitted_outcomes",
    "evaluate_extractor",
    "evaluate_file",
    "fit_calibration",
    "load_gold",
    "main",
    "polnear_convention",
    "predictor",
    "quote_dicts",
    "quote_outcomes",
    "reliability_table",
    "score",
]

_IGNORED = frozenset(" \t\r\n\u00a0\"'“”‘’«»„‟‹›")
PRONOUNS = frozenset(
    [
        "he",
        "she",
        "they",
        "i",
        "we",
        "it",
        "who",
        "you",
        "him",
        "her",
        "them",
        "this",
        "that",
        "which",
        "his",
        "their",
    ]
)
"""Mentions the reference scorer treats as pronouns: only pointing at them scores."""
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii"})
_WORDS = re.compile(r"[\w’'-]+")
_POSSESSIVE = re.compile(r"[’']s$")
KINDS = ("direct", "mixed", "indirect")


def load_gold(path: str | Path) -> list[dict]:
    """Read a gold JSONL file: one article per line with ``text`` and ``quotes``.

    Raises
    ------
    RecordFormatError
        Naming the file when it cannot be read, or ``file:line`` when a line is not a JSON
        object or lacks ``text`` or ``quotes``.
    """
    records = []
    for where, record in read_json_objects(path):
        if not isinstance(record.get("text"), str):
            raise RecordFormatError(where, "expected an object with a 'text' string")
        if not isinstance(record.get("quotes"), list):
            raise RecordFormatError(where, "expected a 'quotes' list")
        records.append(record)
    return records


def quote_dicts(quotes: Iterable[Quote]) -> list[dict]:
    """Quotes as the plain dicts the scorer reads (``start``, ``end``, ``fragments`` ...)."""
    return [
        {
            "start": q.start,
            "end": q.end,
            "fragments": [list(f) for f in q.fragments],
            "speaker": q.speaker,
            "speaker_start": q.speaker_start,
            "speaker_end": q.speaker_end,
        }
        for q in quotes
    ]


def polnear_convention(text: str, quotes: Iterable[Quote]) -> list[Quote]:
    """Join each continuation to the quote before it, as PolNeAR's annotators did.

    ``extract_quotes`` follows the workbook's definition (issue 4): in
    ``"A," said X, a consultant. "B."`` the attribution sentence ends before the next
    quotation, so "B." is a second quote by the same speaker. PolNeAR annotates such a run
    as one attribution with two fragments (156 dev attributions span a sentence end after
    their cue). To score against it, a quote with no cue and no speaker mention of its own
    (a continuation) is joined, as a further fragment, to the previous quote when both have
    the same speaker and no line break stands between them. Quotes in other paragraphs,
    and all contents and speakers, are left as they are.

    Parameters
    ----------
    text : str
        The article the quotes were extracted from.
    quotes : iterable of Quote
        ``extract_quotes(text)``, in text order.

    Returns
    -------
    list of Quote
        Fewer or as many quotes, in text order.
    """
    out: list[Quote] = []
    for q in quotes:
        prev = out[-1] if out else None
        if (
            prev is not None
            and q.cue is None
            and q.speaker_start is None
            and q.speaker == prev.speaker
            and prev.end <= q.start
            and "\n" not in text[prev.end : q.start]
        ):
            fragments = (*prev.fragments, *q.fragments)
            out[-1] = replace(
                prev,
                text=" ".join(text[s:e] for s, e in fragments),
                end=q.end,
                fragments=fragments,
                kind=prev.kind if prev.kind == q.kind else "mixed",
            )
            continue
        out.append(q)
    return out


def _chars(text: str, spans) -> set[int]:
    n = len(text)
    return {i for s, e in spans for i in range(max(s, 0), min(e, n)) if text[i] not in _IGNORED}


def _spans(q: dict) -> list:
    return q.get("fragments") or [[q["start"], q["end"]]]


def _last_word(name: str | None) -> str:
    words = [w for w in _WORDS.findall((name or "").lower()) if w not in _SUFFIXES]
    return _POSSESSIVE.sub("", words[-1]) if words else ""


def _speaker_ok(pred: dict, gold: dict) -> bool:
    spans = gold.get("speaker_fragments") or [[gold["speaker_start"], gold["speaker_end"]]]
    ps, pe = pred.get("speaker_start"), pred.get("speaker_end")
    if ps is not None and pe is not None and any(ps < e and s < pe for s, e in spans):
        return True
    name = gold.get("speaker") or ""
    if gold.get("speaker_is_pronoun") or name.lower() in PRONOUNS:
        return False
    last = _last_word(name)
    return bool(last) and last == _last_word(pred.get("speaker"))


def _match(text: str, golds: list[dict], preds: list[dict], threshold: float):
    preds = [p for p in preds if p.get("end", 0) > p.get("start", 0)]
    gsets = [_chars(text, _spans(g)) for g in golds]
    psets = [_chars(text, _spans(p)) for p in preds]
    pairs = []
    for gi, gc in enumerate(gsets):
        for pi, pc in enumerate(psets):
            overlap = len(gc & pc)
            if overlap and overlap / max(len(gc), len(pc)) >= threshold:
                pairs.append((-overlap, gi, pi))
    pairs.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    matches = []
    for _, gi, pi in pairs:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            matches.append((golds[gi], preds[pi]))
    return matches, len(preds)


def score(
    records: list[dict],
    predict: Callable[[str], Iterable[dict]],
    threshold: float = 0.3,
) -> dict:
    """Precision, recall, F1, recall by kind and speaker accuracy of ``predict`` on gold.

    Parameters
    ----------
    records : list of dict
        Gold articles from :func:`load_gold`.
    predict : callable
        ``predict(text)`` returns quote dicts (see :func:`quote_dicts`).
    threshold : float
        Share of the larger span the overlap must cover (0.3 loose, 0.8 strict).

    Returns
    -------
    dict
        Keys ``threshold, articles, gold, pred, tp, precision, recall, f1, recall_direct,
        recall_mixed, recall_indirect, speaker_acc, chars_per_s`` (rounded to 3 places),
        the same keys and values as the reference scorer.
    """
    tp = n_pred = chars = spk_total = spk_right = 0
    gold_by_kind: Counter[str] = Counter()
    hit_by_kind: Counter[str] = Counter()
    elapsed = 0.0
    for rec in records:
        text = rec["text"]
        chars += len(text)
        t0 = time.perf_counter()
        preds = list(predict(text))
        elapsed += time.perf_counter() - t0
        gold_by_kind.update(g.get("kind", "?") for g in rec["quotes"])
        matches, n = _match(text, rec["quotes"], preds, threshold)
        n_pred += n
        tp += len(matches)
        for g, p in matches:
            hit_by_kind[g.get("kind", "?")] += 1
            if g.get("speaker"):
                spk_total += 1
                spk_right += _speaker_ok(p, g)
    n_gold = sum(gold_by_kind.values())
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0

    def share(a: int, b: int) -> float:
        return round(a / b, 3) if b else 0.0

    return {
        "threshold": threshold,
        "articles": len(records),
        "gold": n_gold,
        "pred": n_pred,
        "tp": tp,
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(2 * precision * recall / (precision + recall), 3) if tp else 0.0,
        **{f"recall_{k}": share(hit_by_kind[k], gold_by_kind[k]) for k in KINDS},
        "speaker_acc": share(spk_right, spk_total),
        "chars_per_s": int(chars / elapsed) if elapsed else 0,
    }


def check_case_study(text: str, gold: list[dict], *, cover: float = 0.8) -> list[dict]:
    """Which hand-checked gold quotes of one article are found, and with the right speaker.

    A gold quote counts as found when one fragment of a predicted quote covers at least
    ``cover`` of its span; the speaker is right when it equals the gold speaker, ignoring
    case (the seed's gold names the fullest form, as ``Quote.speaker`` does).

    Parameters
    ----------
    text : str
        The article, read as UTF-8 (the gold offsets index into it).
    gold : list of dict
        Gold quotes with ``start``, ``end``, ``text`` and ``speaker``.

    Returns
    -------
    list of dict
        One row per gold quote: ``start``, ``text``, ``speaker``, ``found``,
        ``predicted_speaker`` and ``speaker_ok``.
    """
    quotes = extract_quotes(text)
    rows = []
    for g in gold:
        length = max(g["end"] - g["start"], 1)
        hit = next(
            (
                q
                for q in quotes
                for s, e in q.fragments
                if min(e, g["end"]) - max(s, g["start"]) >= cover * length
            ),
            None,
        )
        predicted = hit.speaker if hit is not None else None
        rows.append(
            {
                "start": g["start"],
                "text": g["text"],
                "speaker": g["speaker"],
                "found": hit is not None,
                "predicted_speaker": predicted,
                "speaker_ok": (predicted or "").lower() == (g["speaker"] or "").lower(),
            }
        )
    return rows


def predictor(
    method: str = DEFAULT_METHOD, *, as_extracted: bool = False, min_confidence: float = 0.0
) -> Callable[[str], list[dict]]:
    """``predict(text)`` for :func:`score`: ``extract_quotes`` with ``method``, as scored.

    Quotes less sure than ``min_confidence`` are left out (``MIN_CONFIDENCE`` scores
    what the workbook's tables count). Unless ``as_extracted``, continuations are joined
    as PolNeAR does (:func:`polnear_convention`).
    """

    def predict(text: str) -> list[dict]:
        quotes = [q for q in extract_quotes(text, method=method) if q.confidence >= min_confidence]
        return quote_dicts(quotes if as_extracted else polnear_convention(text, quotes))

    return predict


def evaluate_file(
    path: str | Path,
    predict: Callable[[str], Iterable[dict]] | None = None,
    *,
    thresholds: tuple[float, ...] = (0.3, 0.8),
) -> list[dict]:
    """Score ``predict`` (default: the default extractor) on any gold file in dev.jsonl's format.

    Parameters
    ----------
    path : str or Path
        Gold JSONL: one article per line with ``text`` and ``quotes`` (offsets, speaker
        and cue spans as in ``../shared/eval/README.md``).
    predict : callable, optional
        ``predict(text)`` -> quote dicts; default :func:`predictor` (the default method).
    thresholds : tuple of float
        Overlap thresholds, one figures dict each.

    Returns
    -------
    list of dict
        One :func:`score` dict per threshold.
    """
    records = load_gold(path)
    predict = predict or predictor()
    return [score(records, predict, t) for t in thresholds]


def quote_outcomes(
    records: list[dict], extract: Callable[[str], list[Quote]], threshold: float = 0.3
) -> list[tuple[Quote, bool]]:
    """Every extracted quote with whether it is right at ``threshold``.

    A quote is right when the quote it belongs to after :func:`polnear_convention` (itself,
    or the joined continuation) matches a gold attribution, as :func:`score` pairs them.
    """
    out: list[tuple[Quote, bool]] = []
    for rec in records:
        text = rec["text"]
        quotes = extract(text)
        joined = polnear_convention(text, quotes)
        preds = quote_dicts(joined)
        matches, _ = _match(text, rec["quotes"], preds, threshold)
        hit = {(p["start"], p["end"]) for _, p in matches}
        right_starts = {s for q in joined if (q.start, q.end) in hit for s, _ in q.fragments}
        out.extend((q, q.fragments[0][0] in right_starts) for q in quotes)
    return out


def reliability_table(
    outcomes: list[tuple[Quote, bool]],
    edges: tuple[float, ...] = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0),
) -> list[dict]:
    """Quotes by confidence bin: ``n``, mean ``confidence`` and ``share_right``."""
    rows = []
    for lo, hi in itertools.pairwise(edges):
        inside = [
            (q.confidence, ok)
            for q, ok in outcomes
            if lo <= q.confidence < hi or (hi == edges[-1] and q.confidence == hi)
        ]
        rows.append(
            {
                "confidence": f"{lo:.1f}-{hi:.1f}",
                "n": len(inside),
                "mean_confidence": round(sum(c for c, _ in inside) / len(inside), 3)
                if inside
                else None,
                "share_right": round(sum(ok for _, ok in inside) / len(inside), 3)
                if inside
                else None,
            }
        )
    return rows


def cross_fitted_outcomes(
    records: list[dict],
    publishers: frozenset[str] = frozenset({"breitbart", "huff-post", "nyt", "politico"}),
) -> list[tuple[Quote, bool]]:
    """Quotes of the default method with confidences fitted on the *other* half of ``records``.

    The records are split by ``publisher`` (those in ``publishers`` against the rest); each
    half's quotes get the confidence :func:`fit_calibration` would give them from the other
    half alone, so :func:`reliability_table` on the result shows how the map carries to
    articles it was not fitted on.
    """
    from analysis.quotes import extract

    halves = [
        [r for r in records if r.get("publisher") in publishers],
        [r for r in records if r.get("publisher") not in publishers],
    ]
    out: list[tuple[Quote, bool]] = []
    for fit, test in ((0, 1), (1, 0)):
        table = fit_calibration(halves[fit])
        out.extend(
            quote_outcomes(
                halves[test], lambda t, tb=table: extract.extract_with(t, DEFAULT_METHOD, None, tb)
            )
        )
    return out


def fit_calibration(records: list[dict], *, model_path: str | None = None) -> dict:
    """Fit the confidence map on gold records (the development set, never training data).

    The tagger's quotes, separately as ``method="model"`` and ``"union"`` return them
    (in ``"union"`` only those the rules missed): isotonic regression of right-at-0.3 on
    the mean tag probability, stored as the regression's breakpoints. The rules' quotes:
    the share right per rule name, and over all rules (for a rule dev never fires). Returns the JSON-ready dict of
    ``models/calibration.json``.
    """
    from sklearn.isotonic import IsotonicRegression

    from analysis.quotes import extract

    tagger = {}
    for method in ("model", "union"):
        outcomes = quote_outcomes(
            records, lambda t, m=method: extract.extract_with(t, m, model_path, extract.IDENTITY)
        )
        tagged = [(q.confidence, float(ok)) for q, ok in outcomes if q.method == "model"]
        iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
        iso.fit([c for c, _ in tagged], [ok for _, ok in tagged])
        tagger[method] = {
            "n": len(tagged),
            "x": [round(float(v), 4) for v in iso.X_thresholds_],
            "y": [round(float(v), 4) for v in iso.y_thresholds_],
        }
    rules_out = quote_outcomes(records, lambda t: extract_quotes(t, method="rules"))
    per_rule: dict[str, list[bool]] = {}
    for q, ok in rules_out:
        per_rule.setdefault(q.method, []).append(ok)
    return {
        "fitted_on": f"{len(records)} articles",
        "tagger": tagger,
        "rules": {k: round(sum(v) / len(v), 3) for k, v in sorted(per_rule.items())},
        "rules_overall": round(sum(ok for _, ok in rules_out) / max(len(rules_out), 1), 3),
        "rules_n": {k: len(v) for k, v in sorted(per_rule.items())},
    }


def _seed_main(path: Path) -> int:
    gold_path = path.with_suffix(".gold.json")
    try:
        text = path.read_text(encoding="utf-8")
        gold = json.loads(gold_path.read_text(encoding="utf-8"))["quotes"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError) as exc:
        print(
            f"error: {path} / {gold_path.name}: cannot read article and gold ({exc})",
            file=sys.stderr,
        )
        return 2
    rows = check_case_study(text, gold)
    for row in rows:
        mark = "ok " if row["found"] and row["speaker_ok"] else "MISS"
        print(
            f"{mark} {row['speaker']!r:28} <- {row['predicted_speaker']!r:28} {row['text'][:50]!r}"
        )
    found = sum(r["found"] for r in rows)
    right = sum(r["found"] and r["speaker_ok"] for r in rows)
    print(
        f"{path.name}: {found}/{len(rows)} gold quotes found, {right}/{len(rows)} with the right speaker"
    )
    return 0


def evaluate_extractor(
    records: list[dict],
    *,
    as_extracted: bool = False,
    thresholds: Iterable[float] = (0.3, 0.8),
    method: str = DEFAULT_METHOD,
    min_confidence: float = MIN_CONFIDENCE,
) -> list[dict]:
    """Score :func:`analysis.quotes.extract_quotes` on gold articles at each threshold.

    What ``python -m analysis.evaluation.quotes`` prints, as data (a notebook makes a table
    of it).

    Parameters
    ----------
    records : list of dict
        Gold articles from :func:`load_gold`.
    as_extracted : bool, optional
        Score the quotes as the extractor returns them; by default a continuation is first
        joined to the quote before it, as PolNeAR annotates (:func:`polnear_convention`).
    thresholds : iterable of float, optional
        Overlaps to score at (default 0.3 loose and 0.8 strict).
    method : str, optional
        The extractor's method (see :func:`analysis.quotes.extract_quotes`).
    min_confidence : float, optional
        Leave out quotes less sure than this (default: the floor of what the workbook's
        tables count, :data:`analysis.quotes.MIN_CONFIDENCE`; see :func:`predictor`).

    Returns
    -------
    list of dict
        One :func:`score` result per threshold, in the order given.
    """
    predict = predictor(method, as_extracted=as_extracted, min_confidence=min_confidence)
    return [score(records, predict, threshold) for threshold in thresholds]


def main(argv: list[str] | None = None) -> int:
    """Command line: print the figures at overlap 0.3 and 0.8 for a gold JSONL file."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis.evaluation.quotes",
        description="Score extract_quotes on gold JSONL.",
    )
    parser.add_argument("gold", nargs="?", help="gold JSONL file, e.g. ../shared/eval/dev.jsonl")
    parser.add_argument("--gold", dest="gold_option", help="the same, as an option")
    parser.add_argument(
        "--method",
        choices=METHODS,
        default=DEFAULT_METHOD,
        help=f"extractor to score (default: {DEFAULT_METHOD})",
    )
    parser.add_argument(
        "--min-confidence",
        type=float,
        default=MIN_CONFIDENCE,
        metavar="C",
        help=f"score only quotes at least this sure (default {MIN_CONFIDENCE}, what the "
        "tables count; 0 scores every quote)",
    )
    parser.add_argument(
        "--reliability",
        action="store_true",
        help="print the share of quotes right at overlap 0.3 by confidence",
    )
    parser.add_argument(
        "--cross-fit",
        action="store_true",
        help="with --reliability: confidences fitted on the other half of the publishers",
    )
    parser.add_argument(
        "--calibrate",
        type=Path,
        metavar="OUT",
        help="fit the confidence map on the gold file and write it to OUT (JSON)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object per line")
    parser.add_argument(
        "--seed",
        type=Path,
        help="check a hand-checked article instead: ARTICLE.txt beside ARTICLE.gold.json",
    )
    parser.add_argument(
        "--as-extracted",
        action="store_true",
        help="score the quotes as extract_quotes returns them, without joining continuations "
        "to the previous quote as PolNeAR's annotators do (see polnear_convention)",
    )
    args = parser.parse_args(argv)
    if args.seed is not None:
        return _seed_main(args.seed)
    args.gold = args.gold_option or args.gold
    if args.gold is None:
        parser.error("give a gold JSONL file or --seed ARTICLE.txt")
    try:
        records = load_gold(args.gold)
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.calibrate is not None:
        if args.calibrate.exists():
            print(f"error: {args.calibrate} exists; remove it first", file=sys.stderr)
            return 2
        table = fit_calibration(records)
        args.calibrate.write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.calibrate}")
        return 0
    if args.reliability:
        outcomes = (
            cross_fitted_outcomes(records)
            if args.cross_fit
            else quote_outcomes(records, lambda t: extract_quotes(t, method=args.method))
        )
        print("| confidence | quotes | mean confidence | share right at 0.3 |")
        print("| --- | ---: | ---: | ---: |")
        for row in reliability_table(outcomes):
            print(
                f"| {row['confidence']} | {row['n']} | {row['mean_confidence']} | {row['share_right']} |"
            )
        return 0
    predict = predictor(
        args.method, as_extracted=args.as_extracted, min_confidence=args.min_confidence
    )
    for threshold in (0.3, 0.8):
        figures = score(records, predict, threshold)
        if args.json:
            print(json.dumps(figures))
            continue
        print(
            f"overlap {threshold}: precision {figures['precision']:.3f}  "
            f"recall {figures['recall']:.3f}  F1 {figures['f1']:.3f}  "
            f"(gold {figures['gold']}, predicted {figures['pred']}, matched {figures['tp']})"
        )
        print(
            f"  recall direct {figures['recall_direct']:.3f}  mixed {figures['recall_mixed']:.3f}  "
            f"indirect {figures['recall_indirect']:.3f}  speaker accuracy "
            f"{figures['speaker_acc']:.3f}  ({figures['chars_per_s']:,} chars/s)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

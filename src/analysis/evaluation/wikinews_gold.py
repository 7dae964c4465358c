"""The Wikinews attribution gold: hand-made offsets joined with the texts they index.

The gold file (``tests/data/wikinews_attributions/gold.jsonl``) holds only ids, a SHA-256
of each article's text, and character offsets with labels; the texts stay in
``../shared/corpus-candidates/articles.jsonl`` (Wikinews, CC BY 2.5) and are read by path.
:func:`load_wikinews_gold` joins the two into records in the format of PolNeAR's
``dev.jsonl`` (see ``../shared/eval/README.md``), so :func:`analysis.evaluation.quotes.score` and
the reference ``score.py`` score any predictor on them.

Run ``python -m analysis.evaluation.wikinews_gold GOLD ARTICLES`` to score the rules-only
extractor on it, exactly as ``python -m analysis.evaluation.quotes`` scores PolNeAR dev.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from analysis.errors import CorpusError, RecordFormatError
from analysis.evaldata import read_json_objects
from analysis.evaluation.quotes import PRONOUNS

__all__ = ["attribution_kind", "load_wikinews_gold", "main", "text_sha256"]

_OPENING = ('"', "“")
_CLOSING = ('"', "”")
_QUOTE_MARKS = frozenset('"“”')
_TRAILING = ".,;:!?"


def attribution_kind(fragments: list[str]) -> str:
    """``direct``, ``mixed`` or ``indirect`` by the rule of ``../shared/eval/README.md``.

    ``direct`` when every fragment opens with a quotation mark and closes with one
    (trailing punctuation allowed), ``mixed`` when some quotation mark is inside,
    ``indirect`` otherwise.

    Examples
    --------
    >>> attribution_kind(['"We will stay,"', '"It is ours."'])
    'direct'
    >>> attribution_kind(['the plan is "dead"'])
    'mixed'
    >>> attribution_kind(["prices rose"])
    'indirect'
    """
    if all(f.startswith(_OPENING) and f.rstrip(_TRAILING).endswith(_CLOSING) for f in fragments):
        return "direct"
    if any(mark in f for f in fragments for mark in _QUOTE_MARKS):
        return "mixed"
    return "indirect"


def text_sha256(text: str) -> str:
    """Hex SHA-256 of ``text`` encoded as UTF-8 (the ``text_sha256`` of a gold line)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _span(text: str, start: Any, end: Any, where: str, what: str) -> str:
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        raise RecordFormatError(
            where, f"{what} offsets {start!r}..{end!r} outside the text (length {len(text)})"
        )
    return text[start:end]


def _quote_record(text: str, gold: dict, number: int, where: str) -> dict:
    fragments = gold.get("fragments") or [[gold.get("start"), gold.get("end")]]
    pieces = [_span(text, s, e, where, f"quote {number} content") for s, e in fragments]
    start, end = fragments[0][0], fragments[-1][1]
    if (gold.get("start"), gold.get("end")) != (start, end):
        raise RecordFormatError(
            where, f"quote {number}: start/end do not span its fragments ({start}..{end})"
        )
    kind = attribution_kind(pieces)
    if gold.get("kind") != kind:
        raise RecordFormatError(
            where, f"quote {number}: kind {gold.get('kind')!r}, but its text makes it {kind!r}"
        )
    speaker = None
    if gold.get("speaker_start") is not None or gold.get("speaker_end") is not None:
        speaker = _span(
            text,
            gold.get("speaker_start"),
            gold.get("speaker_end"),
            where,
            f"quote {number} source",
        )
    cue = _span(text, gold.get("cue_start"), gold.get("cue_end"), where, f"quote {number} cue")
    record = {
        "text": text[start:end],
        "start": start,
        "end": end,
        "speaker": speaker,
        "speaker_start": gold.get("speaker_start") if speaker is not None else None,
        "speaker_end": gold.get("speaker_end") if speaker is not None else None,
        "speaker_is_pronoun": speaker is not None and speaker.strip().lower() in PRONOUNS,
        "kind": kind,
        "cue": cue,
        "cue_start": gold["cue_start"],
        "cue_end": gold["cue_end"],
        "attribution_id": f"A{number}",
    }
    if len(fragments) > 1:
        record["fragments"] = [list(f) for f in fragments]
    return record


def load_wikinews_gold(gold_path: str | Path, articles_path: str | Path) -> list[dict]:
    """Join the gold offsets with the article texts into ``dev.jsonl``-style records.

    Parameters
    ----------
    gold_path : str or Path
        ``gold.jsonl``: one line per article, ``{"id", "text_sha256", "quotes": [...]}``
        with offsets and labels only.
    articles_path : str or Path
        ``articles.jsonl`` of the Wikinews sample (``id``, ``title``, ``date``, ``text``).

    Returns
    -------
    list of dict
        One record per gold line, in the gold file's order: ``id``, ``source``,
        ``split``, ``title``, ``publisher``, ``date``, ``annotator``, ``text`` and
        ``quotes``, each quote with ``text``, ``start``, ``end``, ``speaker``,
        ``speaker_start``, ``speaker_end``, ``speaker_is_pronoun``, ``kind``, ``cue``,
        ``cue_start``, ``cue_end``, ``attribution_id`` and, when discontinuous,
        ``fragments``: the strings filled in from the text.

    Raises
    ------
    RecordFormatError
        Naming the gold file (and line) and the article id when the article is missing
        from ``articles_path``, its text's SHA-256 differs from the one recorded (the
        text changed, so the offsets no longer hold), or an offset is out of range.
    """
    articles = {record.get("id"): record for _, record in read_json_objects(articles_path)}
    records = []
    for where, gold in read_json_objects(gold_path):
        article_id = gold.get("id")
        article = articles.get(article_id)
        if article is None or not isinstance(article.get("text"), str):
            raise RecordFormatError(where, f"article {article_id!r} not found in {articles_path}")
        text = article["text"]
        if text_sha256(text) != gold.get("text_sha256"):
            raise RecordFormatError(
                where,
                f"article {article_id!r}: its text in {articles_path} has changed "
                "(SHA-256 differs from the gold's text_sha256), so the offsets no longer hold",
            )
        quotes = [
            _quote_record(text, q, number, f"{where} ({article_id})")
            for number, q in enumerate(gold.get("quotes", []), start=1)
        ]
        records.append(
            {
                "id": article_id,
                "source": "Wikinews (CC BY 2.5)",
                "split": "wikinews-gold",
                "title": article.get("title"),
                "publisher": "wikinews",
                "date": article.get("date"),
                "annotator": gold.get("annotator"),
                "text": text,
                "quotes": quotes,
            }
        )
    return records


def main(argv: list[str] | None = None) -> int:
    """Command line: score the extractor on the Wikinews gold at overlap 0.3 and 0.8."""
    from analysis.evaluation.quotes import predictor, score
    from analysis.quotes import METHODS, MIN_CONFIDENCE

    parser = argparse.ArgumentParser(
        prog="python -m analysis.evaluation.wikinews_gold",
        description="Score extract_quotes on the Wikinews attribution gold.",
    )
    parser.add_argument("gold", help="tests/data/wikinews_attributions/gold.jsonl")
    parser.add_argument("articles", help="../shared/corpus-candidates/articles.jsonl")
    parser.add_argument(
        "--as-extracted",
        action="store_true",
        help="score quotes as extract_quotes returns them (no joining of continuations)",
    )
    parser.add_argument(
        "--method", choices=sorted(METHODS), default="union", help="extractor (default union)"
    )
    parser.add_argument(
        "--min-confidence",
        type=float,
        default=MIN_CONFIDENCE,
        help=f"score only quotes at least this sure (default {MIN_CONFIDENCE}, what tables count)",
    )
    args = parser.parse_args(argv)
    try:
        records = load_wikinews_gold(args.gold, args.articles)
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    predict = predictor(
        args.method, as_extracted=args.as_extracted, min_confidence=args.min_confidence
    )
    for threshold in (0.3, 0.8):
        print(json.dumps(score(records, predict, threshold)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The trained component: a linear-chain CRF that tags sources, cues and contents.

Each line of an article (a paragraph, or a single line of scraped text) is one sequence of
tokens. Every token gets one of seven labels: ``O``, ``B-S``/``I-S`` (source mention),
``B-C``/``I-C`` (cue) and ``B-Q``/``I-Q`` (content). ``B-Q`` opens an attribution; an
``I-Q`` after a gap (``"A," he said, "B."``) is a further fragment of the attribution
before it, which is how the tagger learns whether neighbouring sentences are one
attribution or two.

Features of a token (all names are fixed templates or numbers; no word from any text is
stored in the model file): hashed word identity, lower case, suffix and word pair
(:func:`zlib.crc32` buckets), shape, quotation state (inside, opening, closing mark),
sentence and line position, distance to the nearest reporting verb or noun cue on either
side (``reporting_verbs.txt``, ``noun_cues.txt``), membership of a capitalised-name run,
title and pronoun lexicons, and the labels the rules (:mod:`analysis.quotes.rules`) gave
it, so the model learns when to trust them; then the same for the tokens up to two
places either side.

Decoding turns tags back into attributions (content fragments, cue, source mention) and
resolves mentions to names with the rules' resolution. Each attribution's confidence is
the mean marginal probability of its content tags, mapped through a calibration table
fitted on the development set (``models/calibration.json``).
"""

from __future__ import annotations

import bisect
import json
import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from analysis.quotes import rules
from analysis.quotes.marks import QUOTE_CHARS, quote_spans

__all__ = [
    "LABELS",
    "Attribution",
    "article_items",
    "calibrate",
    "decode",
    "gold_labels",
    "load_calibration",
    "load_tagger",
    "tag_article",
]

LABELS = ("O", "B-S", "I-S", "B-C", "I-C", "B-Q", "I-Q")
MODEL_FILE = "attribution.crfsuite"
CALIBRATION_FILE = "calibration.json"

_TOKEN = re.compile(r"\w+(?:[’'.-]\w+)*|[^\w\s]")
_LINE = re.compile(r"[^\n]+")
_BUCKETS = (1 << 18) - 1
_SENT_END = frozenset(".!?")
_QUOTE_CHARS = QUOTE_CHARS
_CUE_WORDS = rules._VERB_WORDS | rules._NOUN_CUES
_TITLES = rules._TITLES
_PRONOUNS = rules._PRONOUNS
_MAX_LINE_TOKENS = 4000  # longer lines are tagged in pieces (time stays linear)


def _h(prefix: str, s: str) -> str:
    return f"{prefix}{zlib.crc32(s.encode('utf-8', 'surrogatepass')) & _BUCKETS}"


def _shape(word: str) -> str:
    if word.isalpha():
        if word.islower():
            return "x"
        if word.isupper():
            return "X" if len(word) > 1 else "X1"
        return "Xx" if word[0].isupper() else "xX"
    if word.isdigit():
        return "d"
    if word[0].isalnum():
        return "Xx." if word[0].isupper() else "x."
    return "p"


@lru_cache(maxsize=1 << 16)
def _word_features(word: str) -> tuple[str, ...]:
    """Features of a token on its own, cached per distinct token text."""
    low = word.lower()
    feats = [_h("w", word), _h("l", low), _h("x", low[-3:]), "s" + _shape(word)]
    if low in _CUE_WORDS:
        feats.append("cue")
    if low in rules._VERB_WORDS:
        feats.append("verb")
    if low.rstrip(".") in _TITLES:
        feats.append("title")
    if low in _PRONOUNS:
        feats.append("pron")
    if word in _QUOTE_CHARS or word == "`":
        feats.append("qmark")
    elif not word[0].isalnum():
        feats.append("punct")
    return tuple(feats)


@lru_cache(maxsize=1 << 16)
def _neighbour_features(word: str, role: str, quoted: str) -> tuple[tuple[str, ...], ...]:
    """What the tokens 2 and 1 places after, and 1 and 2 places before, see of a token.

    Lower case, shape, the rules' label and the quotation state, each prefixed with the
    offset of this token from the one that sees it (-2, -1, 1, 2), in that order.
    """
    own = _word_features(word)
    seen = (own[1], own[3], role, "q" + quoted)
    return tuple(tuple(f"{off}{f}" for f in seen) for off in (-2, -1, 1, 2))


_COMMAS = ("cm0", "cm1", "cm2")


_DIST = ("0", "1", "2", "3", "4", "5", "6", "6", "6", "9", "9", "9", "9", "9", "9", "9")


def _dist(d: int) -> str:
    if d < 0:
        return "N"  # no cue word on that side in the sentence
    return _DIST[d] if d < len(_DIST) else "F"


@dataclass(frozen=True, slots=True)
class _Line:
    """One tagged sequence: token offsets and their feature lists."""

    spans: list[tuple[int, int]]
    items: list[list[str]]
    sentences: list[int]


def _role_intervals(quotes: Iterable[rules.Quote]) -> list[tuple[int, int, str]]:
    out = []
    for q in quotes:
        for s, e in q.fragments:
            out.append((s, e, "rQ"))
        if q.speaker_start is not None:
            out.append((q.speaker_start, q.speaker_end, "rS"))
        if q.cue_start is not None:
            out.append((q.cue_start, q.cue_end, "rC"))
    out.sort()
    return out


def _line_items(
    text: str, start: int, end: int, roles: list[tuple[int, int, str]], line_no: int
) -> _Line:
    spans = [m.span() for m in _TOKEN.finditer(text, start, end)]
    words = [text[s:e] for s, e in spans]
    n = len(words)
    quotes = quote_spans(text, start, end)
    # quotation state per token
    qstate = ["o"] * n
    qi = 0
    for i, (s, e) in enumerate(spans):
        while qi < len(quotes) and quotes[qi][1] < s:
            qi += 1
        if qi < len(quotes):
            qs, qe = quotes[qi][0], quotes[qi][1]
            if qs <= s and e <= qe:
                qstate[i] = "in"
            elif words[i] in _QUOTE_CHARS and qs - 2 <= s < qs:
                qstate[i] = "open"
            elif words[i] in _QUOTE_CHARS and qe <= s <= qe + 1:
                qstate[i] = "close"
    # the rules' labels
    rrole = ["r-"] * n
    starts = [s for s, _ in spans]
    lo = bisect.bisect_left(roles, (start, -1, ""))
    while lo > 0 and roles[lo - 1][1] > start:
        lo -= 1
    for rs, re_, role in roles[lo:]:
        if rs >= end:
            break
        if re_ <= start:
            continue
        i = max(bisect.bisect_right(starts, rs) - 1, 0)
        while i < n and spans[i][0] < re_:
            if spans[i][1] > rs:
                rrole[i] = role
            i += 1
    # sentences: starts and reporting-verb distances
    sent_start = [False] * n
    for i in range(n):
        if i == 0 or (
            words[i - 1] in _SENT_END and (words[i][0].isupper() or words[i] in _QUOTE_CHARS)
        ):
            sent_start[i] = True
    low = [w.lower() for w in words]
    is_cue = [w in _CUE_WORDS for w in low]
    # per token: distance to the nearest cue word on the left / right in its sentence, and
    # the commas since the cue on the left (", which ..." often ends a content)
    left = [-1] * n
    commas = [0] * n
    last = -1
    n_commas = 0
    for i in range(n):
        if sent_start[i]:
            last = -1
        left[i] = i - last if last >= 0 else -1
        commas[i] = n_commas
        if is_cue[i]:
            last, n_commas = i, 0
        elif words[i] == ",":
            n_commas += 1
    right = [-1] * n
    nxt = -1
    for i in range(n - 1, -1, -1):
        right[i] = nxt - i if nxt >= 0 else -1
        if is_cue[i]:
            nxt = i
        if sent_start[i]:
            nxt = -1
    # sentence-level: does the sentence hold a cue word, a quotation mark?
    sent_flags = [""] * n
    a = 0
    for i in range(1, n + 1):
        if i == n or sent_start[i]:
            has_cue = any(is_cue[a:i])
            has_q = any(q != "o" for q in qstate[a:i])
            flag = ("Sc" if has_cue else "Sn") + ("q" if has_q else "n")
            for t in range(a, i):
                sent_flags[t] = flag
            a = i
    # capitalised-name runs (two capitalised words or more)
    cap = [w[0].isupper() and w.isalpha() is not False and w[0].isalpha() for w in words]
    in_name = [False] * n
    i = 0
    while i < n:
        if cap[i]:
            j = i
            while j < n and cap[j]:
                j += 1
            if j - i >= 2:
                for t in range(i, j):
                    in_name[t] = True
            i = j
        else:
            i += 1
    line_pos = "L0" if line_no == 0 else ("L1" if line_no == 1 else "L2")
    line_q = "Lq" if quotes else "Ln"
    head = ("b", line_pos, line_q)
    seen = [_neighbour_features(w, r, q) for w, r, q in zip(words, rrole, qstate, strict=True)]
    pairs = [
        zlib.crc32(f"{low[i - 1]} {low[i]}".encode("utf-8", "surrogatepass")) & _BUCKETS
        for i in range(1, n)
    ]
    items = []
    for i in range(n):
        f = [
            *head,
            sent_flags[i],
            *_word_features(words[i]),
            "q" + qstate[i],
            rrole[i],
            "vl" + _dist(left[i]),
            "vr" + _dist(right[i]),
        ]
        if left[i] > 0:
            f.append(_COMMAS[min(commas[i], 2)])
        if sent_start[i]:
            f.append("ss")
        if in_name[i]:
            f.append("nm")
        if i == 0:
            f.append("BOL")
        elif i == n - 1:
            f.append("EOL")
        if i >= 2:
            f.extend(seen[i - 2][0])
        if i >= 1:
            f.extend(seen[i - 1][1])
            f.append(f"p{pairs[i - 1]}")
            f.append(rrole[i - 1] + rrole[i])
        if i + 1 < n:
            f.extend(seen[i + 1][2])
            f.append(f"n{pairs[i]}")
        if i + 2 < n:
            f.extend(seen[i + 2][3])
        items.append(f)
    sentence_ids = []
    sid = -1
    for flag in sent_start:
        sid += flag
        sentence_ids.append(sid)
    return _Line(spans, items, sentence_ids)


def article_items(text: str, rule_quotes: Sequence[rules.Quote]) -> Iterator[_Line]:
    """Token offsets and features for each line of ``text``, given the rules' quotes.

    Lines are made one at a time; a line of more than ``_MAX_LINE_TOKENS`` tokens (no real
    paragraph has 500) is cut into pieces of that many tokens, each read on its own, so
    memory stays bounded on runaway input.
    """
    roles = _role_intervals(rule_quotes)
    for no, m in enumerate(_LINE.finditer(text)):
        s, e = m.span()
        if not text[s:e].strip():
            continue
        for ps, pe in _pieces(text, s, e):
            yield _line_items(text, ps, pe, roles, no)


def _pieces(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of a line, or of pieces of it of at most ``_MAX_LINE_TOKENS`` tokens."""
    if end - start < _MAX_LINE_TOKENS:  # fewer characters than the limit: fewer tokens too
        yield start, end
        return
    count = 0
    for m in _TOKEN.finditer(text, start, end):
        if count == _MAX_LINE_TOKENS:
            yield start, m.start()
            start, count = m.start(), 0
        count += 1
    yield start, end


def gold_labels(spans: Sequence[tuple[int, int]], quotes: Sequence[dict]) -> list[str]:
    """The gold label of every token of a line from PolNeAR-format attributions."""
    labels = ["O"] * len(spans)
    starts = [s for s, _ in spans]

    def mark(s: int, e: int, role: str, begin: bool) -> None:
        i = max(bisect.bisect_right(starts, s) - 1, 0)
        first = True
        while i < len(spans) and spans[i][0] < e:
            if spans[i][1] > s and labels[i] == "O":
                labels[i] = ("B-" if first and begin else "I-") + role
                first = False
            i += 1

    for q in quotes:
        frags = q.get("fragments") or [[q["start"], q["end"]]]
        for k, (s, e) in enumerate(frags):
            mark(s, e, "Q", k == 0)
        if q.get("speaker_start") is not None:
            sfr = q.get("speaker_fragments") or [[q["speaker_start"], q["speaker_end"]]]
            for k, (s, e) in enumerate(sfr):
                mark(s, e, "S", k == 0)
        if q.get("cue_start") is not None:
            mark(q["cue_start"], q["cue_end"], "C", True)
    return labels


@dataclass(frozen=True, slots=True)
class Attribution:
    """A decoded attribution: content fragments, source and cue spans, tag probability."""

    fragments: tuple[tuple[int, int], ...]
    source: tuple[int, int] | None
    cue: tuple[int, int] | None
    probability: float


def _segments(tags: Sequence[str], role: str) -> list[tuple[int, int]]:
    out = []
    i, n = 0, len(tags)
    while i < n:
        if tags[i][2:] == role:
            j = i + 1
            while j < n and tags[j] == "I-" + role:
                j += 1
            out.append((i, j))
            i = j
        else:
            i += 1
    return out


def decode(
    spans: Sequence[tuple[int, int]],
    tags: Sequence[str],
    probs: Sequence[float],
    sentences: Sequence[int],
) -> list[Attribution]:
    """Tags of one line -> attributions.

    A content run that starts with ``B-Q`` opens an attribution; one that starts with
    ``I-Q`` after a gap continues the attribution before it (a further fragment). Each
    source and cue run goes to the nearest attribution (in sentences, then tokens), each
    attribution keeping the nearest one of each.
    """
    groups: list[list[tuple[int, int]]] = []
    for a, b in _segments(tags, "Q"):
        if tags[a] == "I-Q" and groups:
            groups[-1].append((a, b))
        else:
            groups.append([(a, b)])
    if not groups:
        return []

    runs = sorted((a, b, g) for g, group in enumerate(groups) for a, b in group)
    run_starts = [a for a, _, _ in runs]

    def nearest(seg: tuple[int, int]) -> tuple[int, int]:
        """(distance, group) of the content run nearest a source or cue run."""
        k = bisect.bisect_left(run_starts, seg[0])
        best = (10**9, 0)
        for a, b, g in runs[max(k - 2, 0) : k + 2]:  # runs do not overlap: look next door
            d = a - seg[1] if seg[1] <= a else seg[0] - b if b <= seg[0] else 0
            d += 1000 * min(
                abs(sentences[seg[0]] - sentences[a]), abs(sentences[seg[0]] - sentences[b - 1])
            )
            if d < best[0]:
                best = (d, g)
        return best

    source: dict[int, tuple[int, tuple[int, int]]] = {}
    cue: dict[int, tuple[int, tuple[int, int]]] = {}
    for table, role in ((source, "S"), (cue, "C")):
        for seg in _segments(tags, role):
            d, g = nearest(seg)
            if g not in table or d < table[g][0]:
                table[g] = (d, seg)
    out = []
    for g, group in enumerate(groups):
        frags = tuple((spans[a][0], spans[b - 1][1]) for a, b in group)
        ps = [probs[i] for a, b in group for i in range(a, b)]
        src = source.get(g)
        cu = cue.get(g)
        out.append(
            Attribution(
                fragments=frags,
                source=(spans[src[1][0]][0], spans[src[1][1] - 1][1]) if src else None,
                cue=(spans[cu[1][0]][0], spans[cu[1][1] - 1][1]) if cu else None,
                probability=sum(ps) / len(ps),
            )
        )
    return out


def _models_dir() -> Path:
    return Path(str(resources.files("analysis.quotes") / "models"))


@lru_cache(maxsize=4)
def load_tagger(path: str | None = None) -> Any:
    """Open the shipped model (or ``path``) once; returns a ``pycrfsuite.Tagger``."""
    import pycrfsuite

    file = Path(path) if path else _models_dir() / MODEL_FILE
    if not file.is_file():
        raise FileNotFoundError(
            f"{file}: attribution model not found (train it with python -m analysis.quotes.train)"
        )
    tagger = pycrfsuite.Tagger()
    tagger.open(str(file))
    return tagger


@lru_cache(maxsize=4)
def load_calibration(path: str | None = None) -> dict:
    """The confidence map fitted on dev.

    ``tagger``: per method ("model", "union"), the ``x``/``y`` breakpoints mapping a tag
    probability to the share right; ``rules``: the share right per rule name.
    """
    file = Path(path) if path else _models_dir() / CALIBRATION_FILE
    if not file.is_file():
        return {"tagger": {}, "rules": {}}
    return json.loads(file.read_text(encoding="utf-8"))


def calibrate(p: float, table: tuple[Sequence[float], Sequence[float]]) -> float:
    """Piecewise-linear map of a tag probability through a calibration table."""
    xs, ys = table
    if p <= xs[0]:
        return float(ys[0])
    if p >= xs[-1]:
        return float(ys[-1])
    k = bisect.bisect_right(xs, p)
    x0, x1, y0, y1 = xs[k - 1], xs[k], ys[k - 1], ys[k]
    return float(y0 + (y1 - y0) * (p - x0) / (x1 - x0)) if x1 > x0 else float(y1)


def tag_article(
    text: str, rule_quotes: Sequence[rules.Quote], tagger: Any = None
) -> list[Attribution]:
    """Run the tagger over every line of ``text``; attributions in text order."""
    tagger = tagger or load_tagger()
    out: list[Attribution] = []
    for line in article_items(text, rule_quotes):
        if not line.items:
            continue
        tags = tagger.tag(line.items)
        if not any(t.endswith("Q") for t in tags):
            continue
        probs = [tagger.marginal(t, i) if t.endswith("Q") else 1.0 for i, t in enumerate(tags)]
        out.extend(decode(line.spans, tags, probs, line.sentences))
    return out

"""Tokens of one sentence, with whether each stands inside a quotation."""

from __future__ import annotations

import bisect
import operator
import re

from analysis.quotes.marks import QUOTE_CHARS as _QUOTE_CHARS

__all__ = ["Tok", "tokens"]

_TOKEN = re.compile(r"\w[\w’'.-]*\w|\w|[^\w\s]")


class Tok(tuple):
    """One token: (start, end, text, lower-cased text, quoted), built at C speed as a tuple.

    ``quoted`` is true inside a quotation and for the quotation marks themselves.
    """

    __slots__ = ()
    start = property(operator.itemgetter(0))
    end = property(operator.itemgetter(1))
    text = property(operator.itemgetter(2))
    low = property(operator.itemgetter(3))
    quoted = property(operator.itemgetter(4))


def tokens(text: str, start: int, end: int, quotes: list[tuple[int, int, bool]]) -> list[Tok]:
    qi = bisect.bisect_left(quotes, start - 2, key=lambda q: q[1])
    if qi == len(quotes) or quotes[qi][0] - 2 >= end:  # no quotation here: the fast path
        return [
            Tok((m.start(), m.end(), w, w.lower(), False))
            for m in _TOKEN.finditer(text, start, end)
            for w in (m.group(),)
        ]
    toks = []
    n = len(quotes)
    for m in _TOKEN.finditer(text, start, end):
        s, e = m.span()
        while qi < n and quotes[qi][1] + 2 < s:
            qi += 1
        word = m.group()
        quoted = False
        if qi < n:
            qs, qe = quotes[qi][0], quotes[qi][1]
            # the marks themselves (one or two characters either side) count as quoted
            quoted = (qs <= s and e <= qe) or (word in _QUOTE_CHARS and qs - 2 <= s and e <= qe + 2)
        toks.append(Tok((s, e, word, word.lower(), quoted)))
    return toks

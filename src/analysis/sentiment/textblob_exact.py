"""TextBlob's default sentiment, re-implemented exactly, in linear time and in one pass.

``TextBlob(text).sentiment`` calls Pattern's ``Sentiment.__call__`` (``textblob/_text.py``):
it tokenises the text (``find_tokens``: contractions and quotation marks spaced out,
punctuation split from words, sentences grouped, sarcasm ``(!)`` and emoticons rejoined),
lower-cases every token and walks the tokens once (``Sentiment.assessments``): a word of the
lexicon (``en-sentiment.xml``) becomes an *assessment* (polarity, subjectivity, intensity),
an adverb before it multiplies it, a negation (``no``, ``not``, ``n't``, ``never``) before it
flips and halves its polarity, ``!`` boosts the last one, emoticons and ``(!)`` add their own.
Polarity and subjectivity are the means over the assessments.

This module does the same float operations in the same order, on a lexicon read from
TextBlob's bundled ``en-sentiment.xml`` exactly as TextBlob reads it (senses averaged per
part of speech, then over parts of speech; adjectives copied to ``-ly`` adverbs), so
:func:`textblob_scores` equals ``TextBlob(text).sentiment`` (float ``==``; tested on more
than 50,000 strings). Two things differ:

* **Linear time.** TextBlob splits leading and trailing punctuation off a token one
  character at a time, copying the rest each time, so a run of ``n`` marks such as
  ``-----`` or ``((((`` costs ``n**2``. Here the token is walked with indices.
* **One pass over an article.** A text is cut into *chunks* before every frequent function
  word (``the``, ``and``, ``said``, ...: :data:`CHUNK_WORDS`) that follows a lower-case
  letter and a space and is followed by a space. Such a cut never changes TextBlob's tokens
  (no contraction, line-break, sarcasm or emoticon rule reaches across ``"x the"``: no
  emoticon holds two lower-case letters in a row), and the word is not in the lexicon, is
  not a negation and is longer than two letters, so it clears any pending adverb or
  negation. A chunk's assessments therefore do not depend on
  what comes before it, except that a ``!`` before the chunk's first assessment boosts the
  previous chunk's last one, which is recorded and replayed. With a shared ``cache``, the
  article, the journalist's text, the quoted text and every quote reuse the chunks they
  have in common and only the chunks at their edges are scored again.

TextBlob's emoticon pattern is built from Python sets, so the order of its alternatives
(and the reading of rare strings such as ``": c )"``) depends on the process's hash seed;
the pattern is taken from TextBlob itself, so both agree within a process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from xml.etree import ElementTree

from textblob import _text as _pattern  # the tokeniser's constants, shared with TextBlob

from analysis.lexicons import load_lines

NEGATIONS = frozenset(("no", "not", "n't", "never"))
"""Words that flip the polarity of the next lexicon word (``textblob.en.sentiment``)."""

_EOS = _pattern.EOS
_PUNCTUATION = frozenset(_pattern.PUNCTUATION.replace(".", ""))
_REPLACEMENTS = dict(_pattern.replacements)
_ABBREVIATIONS = frozenset(_pattern.ABBREVIATIONS)
_ABBREVIATION_MAX = max(map(len, _ABBREVIATIONS))
_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_CONSONANTS = frozenset("bcdfghjklmnpqrstvwxz|")  # RE_ABBR3's class, "|" included
_SENTENCE_END = ("...", ".", "!", "?", _EOS)
_SENTENCE_TAIL = ("'", '"', "”", "’", "...", ".", "!", "?", ")", _EOS)
_LINEBREAK = re.compile(r"\n{2,}")
_SPACES = re.compile(r"\s+")
CHUNK_WORDS = load_lines("textblob_chunk_words")
"""Words before which :func:`chunks` cuts (``lexicons/textblob_chunk_words.txt``)."""
_CHUNK_CUT = re.compile(r"(?<=[a-z] )(?=(?:" + "|".join(map(re.escape, CHUNK_WORDS)) + r") )")

_EMOTICON_POLARITY: dict[str, float] = {}
for (_mood, _polarity), _faces in _pattern.EMOTICONS.items():
    for _face in _faces:
        _EMOTICON_POLARITY.setdefault(_face.lower(), _polarity)


def _mean(values: list[float]) -> float:
    """Pattern's ``avg``: ``sum(values) / float(len(values) or 1)``, summed left to right."""
    total = 0
    for value in values:
        total += value
    return total / float(len(values) or 1)


def _average(values: tuple[float, ...]) -> float:
    """Pattern's module-level ``avg`` (built-in ``sum``), used when loading the lexicon."""
    return sum(values) / float(len(values) or 1)


def _read_lexicon() -> dict[str, tuple[float, float, float, bool]]:
    """word -> (polarity, subjectivity, intensity, is_adverb), as TextBlob loads it."""
    path = resources.files("textblob.en") / "en-sentiment.xml"
    with path.open("rb") as stream:
        root = ElementTree.parse(stream).getroot()
    words: dict[str, dict] = {}
    for element in root.findall("word"):
        form, pos = element.attrib.get("form"), element.attrib.get("pos")
        psi = (
            float(element.attrib.get("polarity", 0.0)),
            float(element.attrib.get("subjectivity", 0.0)),
            float(element.attrib.get("intensity", 1.0)),
        )
        if form:
            words.setdefault(form, {}).setdefault(pos, []).append(psi)
    for form in words:  # average the senses of each part of speech
        words[form] = {
            pos: [_average(v) for v in zip(*psi, strict=True)] for pos, psi in words[form].items()
        }
    for form, by_pos in list(words.items()):  # then the parts of speech
        words[form][None] = [_average(v) for v in zip(*by_pos.values(), strict=True)]
    for form, by_pos in list(words.items()):  # "terrible" -> adverb "terribly"
        if "JJ" in by_pos:
            if form.endswith("y"):
                form = form[:-1] + "i"
            if form.endswith("le"):
                form = form[:-2]
            p, s, i = by_pos["JJ"]
            entry = words.setdefault(form + "ly", {})
            entry["RB"] = entry[None] = (p, s, i)
    return {
        form: (by_pos[None][0], by_pos[None][1], by_pos[None][2], "RB" in by_pos)
        for form, by_pos in words.items()
    }


_LEXICON = _read_lexicon()


def _is_abbreviation(token: str, start: int, end: int, runs: list[int]) -> bool:
    """Whether ``token[start:end]`` (ending in ".") is one of Pattern's abbreviations.

    ``runs`` holds, once computed, the lengths from ``start`` of the longest "A.b.C." prefix
    and of the consonant run after the first letter, so each test is O(1).
    """
    length = end - start
    if length <= _ABBREVIATION_MAX and token[start:end] in _ABBREVIATIONS:
        return True
    if not runs:
        alternating = 0
        while (
            start + alternating + 1 < len(token)
            and token[start + alternating] in _ASCII_LETTERS
            and token[start + alternating + 1] == "."
        ):
            alternating += 2
        consonants = 0
        while start + 1 + consonants < len(token) and token[start + 1 + consonants] in _CONSONANTS:
            consonants += 1
        runs.extend((alternating, consonants))
    alternating, consonants = runs
    if length == 2 and token[start] in _ASCII_LETTERS:  # RE_ABBR1: "T."
        return True
    if length % 2 == 0 and length <= alternating:  # RE_ABBR2: "U.S."
        return True
    # RE_ABBR3: a capital, one or more consonants, any last character: "Mr."
    return length >= 3 and token[start] in _UPPER and length - 2 <= consonants


def _split_token(token: str, out: list[str]) -> None:
    """Pattern's punctuation splitting of one white-space-free token, in linear time."""
    start, end = 0, len(token)
    while start < end and token[start] in _PUNCTUATION:
        if end - start <= 3 and token[start:end] in _REPLACEMENTS:
            break
        out.append(token[start])
        start += 1
    tail: list[str] = []
    runs: list[int] = []
    while (
        start < end
        and (token[end - 1] in _PUNCTUATION or token[end - 1] == ".")
        and not (end - start <= 3 and token[start:end] in _REPLACEMENTS)
    ):
        if token[end - 1] in _PUNCTUATION:
            tail.append(token[end - 1])
            end -= 1
        if end - start >= 3 and token.startswith("...", end - 3):
            tail.append("...")
            end -= 3
            while end > start and token[end - 1] == ".":
                end -= 1
        if end > start and token[end - 1] == ".":
            if _is_abbreviation(token, start, end, runs):
                break
            tail.append(".")
            end -= 1
    if start < end:
        out.append(token[start:end])
    out.extend(reversed(tail))


def tokenize(text: str) -> list[str]:
    """The lower-cased tokens TextBlob's Pattern sentiment assesses for ``text``.

    Equal to ``[w.lower() for w in " ".join(pattern_tokenizer(text)).split()]``. Note that
    TextBlob spaces out every straight apostrophe after splitting off ``n't``, so a
    contraction such as "isn't" never reaches its negation rule (``not`` does).

    Examples
    --------
    >>> tokenize("It isn't bad :)")
    ['it', 'is', 'n', "'", 't', 'bad', ':)']
    """
    for contraction, spaced in _REPLACEMENTS.items():
        text = re.sub(contraction, spaced, text)
    text = (
        text.replace("“", " “ ")
        .replace("”", " ” ")
        .replace("‘", " ‘ ")
        .replace("’", " ’ ")
        .replace("'", " ' ")
        .replace('"', ' " ')
    )
    text = text.replace("\r\n", "\n")
    text = _LINEBREAK.sub(f" {_EOS} ", text)
    text = _SPACES.sub(" ", text)
    tokens: list[str] = []
    for token in _pattern.TOKEN.findall(text + " "):
        _split_token(token, tokens)
    sentences: list[list[str]] = [[]]
    i = j = 0
    while j < len(tokens):
        if tokens[j] in _SENTENCE_END:
            # Pattern counts the quotation marks of a sentence list that is always empty
            # here, so a straight quotation mark always stops the sentence's tail
            while j < len(tokens) and tokens[j] in _SENTENCE_TAIL:
                if tokens[j] in ("'", '"'):
                    break
                j += 1
            sentences[-1].extend(t for t in tokens[i:j] if t != _EOS)
            sentences.append([])
            i = j
        j += 1
    sentences[-1].extend(tokens[i:j])
    words: list[str] = []
    for sentence in sentences:
        if sentence:
            joined = _pattern.RE_SARCASM.sub("(!)", " ".join(sentence))
            joined = _pattern.RE_EMOTICONS.sub(
                lambda m: m.group(1).replace(" ", "") + m.group(2), joined
            )
            words.extend(joined.lower().split())
    return words


@dataclass(frozen=True, slots=True)
class ChunkAssessments:
    """The assessments of one chunk, before the chunks after it are seen.

    Attributes
    ----------
    leading_exclamations : int
        ``!`` tokens before the chunk's first assessment (all of them when it has none):
        each boosts the previous chunk's last assessment.
    polarities, subjectivities : tuple of float
        Per assessment, polarity before the negation flip, and subjectivity.
    negated : tuple of bool
        Per assessment, whether a negation flips (and halves) its polarity.
    """

    leading_exclamations: int
    polarities: tuple[float, ...]
    subjectivities: tuple[float, ...]
    negated: tuple[bool, ...]


def assess(words: list[str]) -> ChunkAssessments:
    """Pattern's ``Sentiment.assessments`` over lower-cased tokens, from a fresh start."""
    lexicon, emoticons = _LEXICON, _EMOTICON_POLARITY
    a: list[list] = []  # [polarity, subjectivity, intensity, negated]
    leading = 0
    modifier: str | None = None
    negation: str | None = None
    for w in words:
        entry = lexicon.get(w)
        if entry is not None:
            p, s, i, is_adverb = entry
            if modifier is None:
                a.append([p, s, i, False])
            else:
                last = a[-1]
                last[0] = max(-1.0, min(p * last[2], +1.0))
                last[1] = max(-1.0, min(s * last[2], +1.0))
                last[2] = i
            if negation is not None:
                last = a[-1]
                last[2] = 1.0 / last[2]
                last[3] = True
            modifier = w if is_adverb else None
            negation = w if w in NEGATIONS else None
            continue
        if w in NEGATIONS:
            negation = w
        elif negation and len(w.strip("'")) > 1:
            negation = None
        if negation is not None and modifier is not None and modifier.endswith("ly"):
            a[-1][3] = True
            negation = None
        elif modifier and len(w) > 2:
            modifier = None
        if w == "!":
            if a:
                a[-1][0] = max(-1.0, min(a[-1][0] * 1.25, +1.0))
            else:
                leading += 1
        if w == "(!)":
            a.append([0.0, 1.0, 1.0, False])
        if w.isalpha() is False and len(w) <= 5 and w not in _pattern.PUNCTUATION:
            polarity = emoticons.get(w)
            if polarity is not None:
                a.append([polarity, 1.0, 1.0, False])
    return ChunkAssessments(
        leading,
        tuple(x[0] for x in a),
        tuple(x[1] for x in a),
        tuple(x[3] for x in a),
    )


def chunks(text: str) -> list[str]:
    """``text`` cut before each word of :data:`CHUNK_WORDS` that stands between spaces after
    a lower-case letter.

    Examples
    --------
    >>> chunks("He saw the cat and the dog.")
    ['He saw ', 'the cat ', 'and ', 'the dog.']
    """
    return _CHUNK_CUT.split(text)


_MARK = "\x00"
"""Put before the word that opens each chunk when chunks are tokenized together: the token
``"\x00the"`` passes every tokenizer rule exactly as ``"the"`` does, and marks the cut."""


def _assess_chunks(pieces: list[str], cache: dict[str, ChunkAssessments]) -> None:
    """Assess the chunks of one text that are not cached yet, tokenizing them in one call.

    The missing chunks, in text order, joined again are a text whose cuts are all of the
    kind :func:`chunks` makes (each chunk but the last ends in a lower-case letter and a
    space, each but the first starts with ``the``), so its tokens are the chunks' tokens
    in turn; the marks say where each chunk's tokens start.
    """
    missing = [piece for piece in dict.fromkeys(pieces) if piece not in cache]
    if not missing:
        return
    if len(missing) > 1 and not any(_MARK in piece for piece in missing):
        words = tokenize(missing[0] + "".join(_MARK + piece for piece in missing[1:]))
        groups: list[list[str]] = [[]]
        for word in words:
            if word.startswith(_MARK):
                groups.append([word[1:]])
            else:
                groups[-1].append(word)
        if len(groups) == len(missing):
            for piece, group in zip(missing, groups, strict=True):
                cache[piece] = assess(group)
            return
    for piece in missing:
        cache[piece] = assess(tokenize(piece))


def textblob_scores(
    text: str, *, cache: dict[str, ChunkAssessments] | None = None
) -> tuple[float, float]:
    """``TextBlob(text).sentiment`` as ``(polarity, subjectivity)``, exactly, in linear time.

    Parameters
    ----------
    text : str
        Any text.
    cache : dict, optional
        Chunk assessments already computed; pass the same dict for the texts of one article
        (the article, its parts, its quotes) so the chunks they share are assessed once.

    Returns
    -------
    (float, float)
        Polarity in [-1, 1] and subjectivity in [0, 1]; ``(0.0, 0.0)`` when no word of the
        lexicon occurs.

    Examples
    --------
    >>> textblob_scores("A great day.")
    (0.8, 0.75)
    >>> textblob_scores("Not a great day!")
    (-0.5, 0.75)
    """
    polarities: list[float] = []
    subjectivities: list[float] = []
    negated: list[bool] = []
    pieces = chunks(text)
    if cache is None:
        cache = {}
    _assess_chunks(pieces, cache)
    for piece in pieces:
        part = cache[piece]
        if polarities:
            for _ in range(part.leading_exclamations):
                polarities[-1] = max(-1.0, min(polarities[-1] * 1.25, +1.0))
        polarities.extend(part.polarities)
        subjectivities.extend(part.subjectivities)
        negated.extend(part.negated)
    final = [p * -0.5 if flip else p for p, flip in zip(polarities, negated, strict=True)]
    return _mean(final), _mean(subjectivities)

"""Tone toward one mention in a sentence: a small trained classifier (NewsMTSC).

TextBlob and VADER score the words of a whole sentence. A news sentence can be negative in
tone and still neutral toward the person it mentions ("Smith condemned the attack"), so
they answer a different question from "how does this sentence treat Smith?". This scorer
answers that one: it was trained on NewsMTSC (Hamborg & Donnay, EACL 2021), crowd labels of
the sentiment toward a target mention in sentences of US political news, and it reads the
words *around the mention*:

* the sentence's words with the mention masked (a placeholder, so names carry no weight);
* the words one to three places left and right of it, and bags of words within five;
* the words of the clause holding it (between commas, semicolons, brackets, dashes and
  quotation marks), and whether a negation stands near it;
* TextBlob polarity and VADER compound of that clause and of each side's window;
* whether the mention is the subject of a speech verb ("Smith said", "according to Smith").

Features are hashed (``sklearn.feature_extraction.FeatureHasher``, 2**18 buckets), so the
model file holds numbers only: the weights of a multinomial logistic regression, stored for
the buckets seen in training. The file, its card and the command that trains it are in
``models/`` and :mod:`analysis.sentiment.train_tone`. Measured figures (against human
labels, NewsMTSC dev records) are in the card and in ``sentiment_validity.json``.
"""

from __future__ import annotations

import functools
import hashlib
import io
import itertools
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

import numpy as np

from analysis.errors import AnalysisError
from analysis.lexicons import load_lines
from analysis.sentiment.textblob_exact import NEGATIONS, textblob_scores

TONE_LABELS = ("negative", "neutral", "positive")
N_FEATURES = 2**18
MODEL_FILE = "tone_newsmtsc.npz"
"""The shipped model, in ``analysis/sentiment/models/``."""

_WORD = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")
_CLAUSE_BREAKS = frozenset(',;:()[]—–"“”‘’')
_NEGATION_WORDS = frozenset(NEGATIONS | {"nor", "without", "nothing", "none", "n’t"})
_MASK = "<t>"


@functools.cache
def _hasher():
    """The feature hasher (scikit-learn is imported on first use only)."""
    from sklearn.feature_extraction import FeatureHasher

    return FeatureHasher(n_features=N_FEATURES, input_type="pair", alternate_sign=True)


@functools.cache
def _speech_verbs() -> frozenset[str]:
    return frozenset(
        form.lower() for line in load_lines("reporting_verbs") for form in line.split()
    )


@dataclass(frozen=True, slots=True)
class ToneModel:
    """Weights of the tone classifier.

    Attributes
    ----------
    buckets : numpy.ndarray
        Hashed feature indices that carry a weight (int64, sorted).
    weights : numpy.ndarray
        One row per bucket, one column per label of :data:`TONE_LABELS`.
    intercept : numpy.ndarray
        One value per label.
    """

    buckets: np.ndarray
    weights: np.ndarray
    intercept: np.ndarray


def _bin(value: float) -> str:
    if value <= -0.3:
        return "neg2"
    if value < -0.05:
        return "neg1"
    if value <= 0.05:
        return "zero"
    return "pos1" if value < 0.3 else "pos2"


def _lexicon_features(name: str, text: str) -> list[tuple[str, float]]:
    from analysis.sentiment import vader_analyzer

    polarity, subjectivity = textblob_scores(text)
    compound = vader_analyzer().polarity_scores(text)["compound"] if text.strip() else 0.0
    return [
        (f"{name}_tb", polarity),
        (f"{name}_tb={_bin(polarity)}", 1.0),
        (f"{name}_subj", subjectivity),
        (f"{name}_vader", compound),
        (f"{name}_vader={_bin(compound)}", 1.0),
    ]


def tone_features(text: str, start: int, end: int) -> list[tuple[str, float]]:
    """Named features of the mention ``text[start:end]`` (see the module notes).

    Returns
    -------
    list of (str, float)
        Feature names with values, before hashing; no feature names the mention itself.

    Raises
    ------
    AnalysisError
        When ``0 <= start < end <= len(text)`` does not hold.
    """
    if not isinstance(text, str) or not (0 <= start < end <= len(text)):
        raise AnalysisError(
            f"tone_toward: the mention ({start}, {end}) is not a non-empty span of the "
            f"{len(text) if isinstance(text, str) else type(text).__name__}-character text"
        )
    left_words = [w.lower() for w in _WORD.findall(text[:start])]
    right_words = [w.lower() for w in _WORD.findall(text[end:])]
    words = [*left_words, _MASK, *right_words]
    at = len(left_words)
    features: list[tuple[str, float]] = [("bias", 1.0)]
    features += [(f"w={w}", 1.0) for w in set(words) if w != _MASK]
    for k in (1, 2, 3):
        left = left_words[-k] if k <= len(left_words) else "<s>"
        right = right_words[k - 1] if k <= len(right_words) else "</s>"
        features += [(f"l{k}={left}", 1.0), (f"r{k}={right}", 1.0)]
    window_left, window_right = left_words[-5:], right_words[:5]
    features += [(f"lw={w}", 1.0) for w in set(window_left)]
    features += [(f"rw={w}", 1.0) for w in set(window_right)]
    features += [(f"lb={a}_{b}", 1.0) for a, b in itertools.pairwise(window_left)]
    features += [(f"rb={a}_{b}", 1.0) for a, b in itertools.pairwise(window_right)]
    clause_start = at
    while clause_start > 0 and words[clause_start - 1] not in _CLAUSE_BREAKS:
        clause_start -= 1
    clause_end = at + 1
    while clause_end < len(words) and words[clause_end] not in _CLAUSE_BREAKS:
        clause_end += 1
    clause = words[clause_start:clause_end]
    features += [(f"c={w}", 1.0) for w in set(clause) if w != _MASK]
    if _NEGATION_WORDS & set(clause):
        features.append(("clause_negated", 1.0))
    if _NEGATION_WORDS & set(window_left[-3:]):
        features.append(("left_negated", 1.0))
    speech = _speech_verbs()
    if any(w in speech for w in right_words[:3]):
        features.append(("speaks_after", 1.0))
    if any(w in speech for w in left_words[-2:]):
        features.append(("speaks_before", 1.0))
    if left_words[-2:] == ["according", "to"]:
        features.append(("according_to", 1.0))
    if not left_words or left_words[-1] in (".", "“", '"'):
        features.append(("sentence_start", 1.0))
    clause_text = " ".join(w for w in clause if w != _MASK)
    features += _lexicon_features("clause", clause_text)
    features += _lexicon_features("left", " ".join(window_left))
    features += _lexicon_features("right", " ".join(window_right))
    features += _lexicon_features("sentence", text[:start] + " " + text[end:])
    return features


def hashed_features(mentions: Iterable[tuple[str, int, int]]):
    """Sparse matrix of the hashed features of ``(text, start, end)`` mentions (one row each)."""
    return _hasher().transform(tone_features(t, s, e) for t, s, e in mentions)


def write_model(model: ToneModel) -> bytes:
    """The model as ``.npz`` bytes, the same bytes for the same weights (no timestamps)."""
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in ("buckets", "weights", "intercept"):
            array = io.BytesIO()
            np.save(array, getattr(model, name), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, array.getvalue())
    return stream.getvalue()


def model_bytes() -> bytes:
    """The shipped model file's bytes."""
    return (resources.files("analysis.sentiment") / "models" / MODEL_FILE).read_bytes()


def model_sha256() -> str:
    """SHA-256 of the shipped model file (the card states it; a test checks it)."""
    return hashlib.sha256(model_bytes()).hexdigest()


@functools.cache
def load_model() -> ToneModel:
    """The shipped tone model, read once per process."""
    with np.load(io.BytesIO(model_bytes()), allow_pickle=False) as arrays:
        return ToneModel(arrays["buckets"], arrays["weights"], arrays["intercept"])


def tone_probabilities(
    mentions: Iterable[tuple[str, int, int]], *, model: ToneModel | None = None
) -> np.ndarray:
    """Probability of each label of :data:`TONE_LABELS` for each ``(text, start, end)``.

    Returns
    -------
    numpy.ndarray
        One row per mention, columns negative, neutral, positive; rows sum to 1.
    """
    model = model or load_model()
    matrix = hashed_features(mentions).tocsc()[:, model.buckets]
    logits = np.asarray(matrix @ model.weights) + model.intercept
    logits -= logits.max(axis=1, keepdims=True)
    odds = np.exp(logits)
    return odds / odds.sum(axis=1, keepdims=True)


def tone_toward(text: str, start: int, end: int) -> tuple[str, float]:
    """Tone of a sentence toward the mention ``text[start:end]``.

    Parameters
    ----------
    text : str
        The sentence (or a short passage) holding the mention.
    start, end : int
        The mention's character offsets, end exclusive.

    Returns
    -------
    (str, float)
        The label (``"negative"``, ``"neutral"`` or ``"positive"``) and a score in [-1, 1]:
        P(positive) - P(negative).

    Raises
    ------
    AnalysisError
        When the offsets are not a non-empty span of ``text``.

    Examples
    --------
    >>> tone_toward("Critics accused Smith of lying to voters.", 16, 21)[0]
    'negative'
    """
    probabilities = tone_probabilities([(text, start, end)])[0]
    label = TONE_LABELS[int(np.argmax(probabilities))]
    return label, float(probabilities[2] - probabilities[0])

"""Train the tone-toward-a-mention model on NewsMTSC's training file.

Usage::

    python -m analysis.sentiment.train_tone ../shared/eval/sentiment_train.jsonl
    python -m analysis.sentiment.train_tone TRAIN.jsonl --dev ../shared/eval/sentiment_dev.jsonl --search

Reads target-level records (``text``, ``target_start``, ``target_end``, ``gold_label``; the
``sentiment_train.jsonl`` format, see ``../shared/eval/SENTIMENT.md``), fits a multinomial
logistic regression on the hashed features of :mod:`analysis.sentiment.tone` and writes the
weights of the buckets seen in training to ``--out`` (default: the shipped model file). The
same data and settings give the same bytes. An existing different file is only replaced
with ``--overwrite``.

``--search`` (needs ``--dev``) tries each setting of :data:`SEARCH` and prints the macro-F1
on the dev file's NewsMTSC records; the model is always fitted on the training file only,
never on dev. :data:`SETTINGS` holds the setting chosen that way.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from analysis.errors import AnalysisError, RecordFormatError
from analysis.evaldata import read_json_objects
from analysis.sentiment.tone import (
    MODEL_FILE,
    TONE_LABELS,
    ToneModel,
    hashed_features,
    tone_probabilities,
    write_model,
)


@dataclass(frozen=True, slots=True)
class Settings:
    """Settings of one fit: inverse regularisation ``c`` and class weighting."""

    c: float = 0.1
    balanced: bool = True


SETTINGS = Settings()
"""The setting chosen on the NewsMTSC dev records (``--search``)."""

SEARCH = [Settings(c, balanced) for c in (0.03, 0.1, 0.3, 1.0) for balanced in (False, True)]


@dataclass(frozen=True, slots=True)
class Mention:
    """One labelled mention: ``text[start:end]`` is the target."""

    text: str
    start: int
    end: int
    label: str


def read_mentions(path: str | Path, *, dataset: str = "NewsMTSC") -> list[Mention]:
    """Target-level records of ``path`` whose ``dataset`` starts with ``dataset``.

    Raises
    ------
    RecordFormatError
        ``file:line`` and the problem for a record without valid offsets or label.
    """
    mentions = []
    for where, record in read_json_objects(path):
        if not str(record.get("dataset", "")).startswith(dataset):
            continue
        text, start, end = record.get("text"), record.get("target_start"), record.get("target_end")
        label = record.get("gold_label")
        if not isinstance(text, str) or not isinstance(start, int) or not isinstance(end, int):
            raise RecordFormatError(where, "needs a string 'text' and integer target offsets")
        if not 0 <= start < end <= len(text):
            raise RecordFormatError(where, f"target ({start}, {end}) outside the text")
        if label not in TONE_LABELS:
            raise RecordFormatError(where, f"gold_label is {label!r}, expected {TONE_LABELS}")
        mentions.append(Mention(text, start, end, label))
    if not mentions:
        raise AnalysisError(f"{path}: no {dataset} target records")
    return mentions


def fit(mentions: Sequence[Mention], settings: Settings = SETTINGS) -> ToneModel:
    """Fit the classifier; deterministic for the same mentions and settings."""
    matrix = hashed_features((m.text, m.start, m.end) for m in mentions).tocsc()
    labels = np.array([TONE_LABELS.index(m.label) for m in mentions])
    model = LogisticRegression(
        C=settings.c,
        class_weight="balanced" if settings.balanced else None,
        max_iter=1000,
    ).fit(matrix, labels)
    if list(model.classes_) != [0, 1, 2]:
        raise AnalysisError("the training data must hold all three labels")
    buckets = np.flatnonzero(matrix.getnnz(axis=0)).astype(np.int64)
    return ToneModel(
        buckets=buckets,
        weights=model.coef_.T[buckets].astype(np.float32),
        intercept=model.intercept_.astype(np.float32),
    )


def scores(mentions: Sequence[Mention], model: ToneModel) -> dict[str, float]:
    """Accuracy, macro-F1 and per-label recall of ``model`` on labelled mentions."""
    probabilities = tone_probabilities([(m.text, m.start, m.end) for m in mentions], model=model)
    predicted = np.array(TONE_LABELS)[probabilities.argmax(axis=1)]
    gold = np.array([m.label for m in mentions])
    return label_scores(gold, predicted)


def label_scores(gold: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """``n``, accuracy, macro-F1 over the three labels and the recall of each label."""
    out: dict[str, float] = {"n": len(gold), "accuracy": float((gold == predicted).mean())}
    f1s = []
    for label in TONE_LABELS:
        hits = float(((gold == label) & (predicted == label)).sum())
        n_gold, n_predicted = float((gold == label).sum()), float((predicted == label).sum())
        f1s.append(2 * hits / (n_gold + n_predicted) if n_gold + n_predicted else 0.0)
        out[f"recall_{label}"] = hits / n_gold if n_gold else float("nan")
    out["macro_f1"] = float(np.mean(f1s))
    return out


def default_output() -> Path:
    return Path(str(resources.files("analysis.sentiment") / "models" / MODEL_FILE))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("train", type=Path, help="training file (sentiment_train.jsonl)")
    parser.add_argument("--dev", type=Path, help="dev file to report on (never trained on)")
    parser.add_argument("--search", action="store_true", help="try every setting on --dev")
    parser.add_argument("--out", type=Path, default=None, help="model file to write")
    parser.add_argument("--overwrite", action="store_true", help="replace a different file")
    args = parser.parse_args(argv)
    train = read_mentions(args.train)
    dev = read_mentions(args.dev) if args.dev else None
    settings = SETTINGS
    if args.search:
        if dev is None:
            parser.error("--search needs --dev")
        best = None
        for candidate in SEARCH:
            figures = scores(dev, fit(train, candidate))
            print(f"{candidate}: dev macro-F1 {figures['macro_f1']:.3f}")
            if best is None or figures["macro_f1"] > best[0]:
                best = (figures["macro_f1"], candidate)
        settings = best[1]
        print(f"chosen: {settings}")
    model = fit(train, settings)
    data = write_model(model)
    out = args.out or default_output()
    if out.exists() and out.read_bytes() != data and not args.overwrite:
        print(f"{out}: exists and differs; pass --overwrite to replace it", file=sys.stderr)
        return 1
    unchanged = out.exists() and out.read_bytes() == data
    if not unchanged:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    import hashlib

    print(
        f"{len(train)} training mentions, {settings}; {out} "
        f"{'unchanged' if unchanged else 'written'} ({len(data):,} bytes, "
        f"sha256 {hashlib.sha256(data).hexdigest()})"
    )
    if dev is not None:
        figures = scores(dev, model)
        print(
            f"dev ({figures['n']} NewsMTSC mentions): accuracy {figures['accuracy']:.3f}, "
            f"macro-F1 {figures['macro_f1']:.3f}, recall negative "
            f"{figures['recall_negative']:.3f} neutral {figures['recall_neutral']:.3f} "
            f"positive {figures['recall_positive']:.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

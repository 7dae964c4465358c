"""How the workbook's sentiment scorers agree with human sentiment labels on news text.

Run ``python -m analysis.evaluation.sentiment ../shared/eval/sentiment_dev.jsonl``; add
``--out src/analysis/sentiment/validity.json`` to write the figures that every tone table
and chart caption reads (:func:`analysis.sentiment.validity_caption`). The file (described
in ``SENTIMENT.md`` beside it) holds NewsMTSC sentences labelled for the tone toward one
target mention and SemEval-2007 headlines with six annotators' valence.

TextBlob and VADER score each text whole, exactly as stored. Their labels come from one
rule, fixed before looking at the data and not tuned: ``|score| <= 0.05`` is neutral, above
it is positive, below it negative (VADER's published threshold on ``compound``, Hutto &
Gilbert 2014, used for TextBlob's polarity as well; :data:`analysis.sentiment.NEUTRAL_BAND`).
``tone`` is :func:`analysis.sentiment.tone_toward` on records that name a target span
(NewsMTSC); its label is its own, its score P(positive) - P(negative).

Reported per (dataset, level, scorer): ``n``; ``accuracy`` and ``macro_f1`` over the three
labels (F1 of a label with no prediction and no gold counts as 0); the recall of each label;
``polar_accuracy``, the share of gold negative/positive records given the same label;
Pearson and Spearman correlation of the score with ``gold_score``. ``always_neutral`` is the
baseline that labels everything neutral. A file that is absent is skipped with a message
(exit 0).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError, RecordFormatError
from analysis.evaldata import read_json_objects
from analysis.sentiment import LABELS, NEUTRAL_BAND, correlations, polarity_label, score_texts
from analysis.sentiment.tone import TONE_LABELS, tone_probabilities

REQUIRED = {"id": str, "dataset": str, "level": str, "text": str, "gold_label": str}
SCORERS = {"textblob": "polarity", "vader": "vader_compound"}
RESULT_COLUMNS = [
    "dataset",
    "level",
    "scorer",
    "n",
    "accuracy",
    "macro_f1",
    "recall_negative",
    "recall_neutral",
    "recall_positive",
    "polar_accuracy",
    "pearson",
    "spearman",
]


def load_sentiment_records(path: Path) -> pd.DataFrame:
    """Read a sentiment evaluation file (JSONL, one labelled text per line).

    Parameters
    ----------
    path : pathlib.Path
        File in the ``sentiment_dev.jsonl`` format.

    Returns
    -------
    pandas.DataFrame
        One row per record, in file order: ``id``, ``dataset``, ``level``, ``text``,
        ``gold_label`` (ordered categorical negative < neutral < positive) and
        ``gold_score`` (float; NaN when absent), ``target_start`` and ``target_end``
        (nullable integers: the target mention's offsets, when the record names one).

    Raises
    ------
    RecordFormatError
        ``file:line`` and the problem, for a line that is not a JSON object, lacks a
        field, or has a label outside negative/neutral/positive; or when the file is empty.
    """
    rows = []
    for where, record in read_json_objects(path):
        for field, kind in REQUIRED.items():
            if not isinstance(record.get(field), kind):
                raise RecordFormatError(
                    where, f"field {field!r} should be a string, found {record.get(field)!r:.60}"
                )
        if record["gold_label"] not in LABELS.categories:
            raise RecordFormatError(
                where,
                f"gold_label is {record['gold_label']!r}, expected one of {list(LABELS.categories)}",
            )
        score = record.get("gold_score")
        if score is not None and not isinstance(score, int | float):
            raise RecordFormatError(where, f"gold_score should be a number, found {score!r:.60}")
        start, end = record.get("target_start"), record.get("target_end")
        if start is not None or end is not None:
            if not (isinstance(start, int) and isinstance(end, int)):
                raise RecordFormatError(where, "target_start/target_end should be integers")
            if not 0 <= start < end <= len(record["text"]):
                raise RecordFormatError(where, f"target ({start}, {end}) lies outside the text")
        rows.append(
            {field: record[field] for field in REQUIRED}
            | {"gold_score": score, "target_start": start, "target_end": end}
        )
    if not rows:
        raise RecordFormatError(str(path), "holds no records")
    return pd.DataFrame(rows).astype(
        {
            "gold_label": LABELS,
            "gold_score": "float64",
            "target_start": "Int64",
            "target_end": "Int64",
        }
    )


def macro_f1(gold: pd.Series, predicted: pd.Series) -> float:
    """Mean F1 over negative, neutral and positive (a label's F1 is 0 when undefined)."""
    gold, predicted = np.asarray(gold, dtype=object), np.asarray(predicted, dtype=object)
    scores = []
    for label in LABELS.categories:
        hits = float(((gold == label) & (predicted == label)).sum())
        denominator = float((gold == label).sum() + (predicted == label).sum())
        scores.append(2 * hits / denominator if denominator else 0.0)
    return float(np.mean(scores))


def _metrics(gold: pd.Series, predicted: pd.Series, gold_score, score) -> dict[str, float]:
    gold = gold.astype(str).to_numpy()
    predicted = predicted.astype(str).to_numpy()
    polar = gold != "neutral"
    _, pearson, spearman = (
        correlations(gold_score, score) if score is not None else (0, math.nan, math.nan)
    )
    recall = {
        f"recall_{label}": float((predicted[gold == label] == label).mean())
        if (gold == label).any()
        else math.nan
        for label in LABELS.categories
    }
    return {
        "n": len(gold),
        "accuracy": float((gold == predicted).mean()),
        "macro_f1": macro_f1(gold, predicted),
        **recall,
        "polar_accuracy": float((gold[polar] == predicted[polar]).mean())
        if polar.any()
        else math.nan,
        "pearson": pearson,
        "spearman": spearman,
    }


def validation_table(records: pd.DataFrame, *, band: float = NEUTRAL_BAND) -> pd.DataFrame:
    """Agreement of TextBlob, VADER, the tone model and an all-neutral baseline with gold labels.

    Parameters
    ----------
    records : pandas.DataFrame
        From :func:`load_sentiment_records`.
    band : float, optional
        Neutral band (default :data:`analysis.sentiment.NEUTRAL_BAND`; keep it: it is the
        documented rule, not a knob to fit to this file).

    Returns
    -------
    pandas.DataFrame
        One row per (dataset, level, scorer), datasets and levels sorted, scorers in the
        order textblob, vader, tone (only for groups whose records all name a target),
        always_neutral; columns :data:`RESULT_COLUMNS`.
    """
    scores = score_texts(records["text"]).set_axis(records.index)
    tone = _tone(records)
    rows = []
    for (dataset, level), part in records.groupby(["dataset", "level"], sort=True):
        gold, gold_score = part["gold_label"], part["gold_score"]
        for scorer, column in SCORERS.items():
            score = scores.loc[part.index, column]
            predicted = polarity_label(score, band=band)
            rows.append(
                {"dataset": dataset, "level": level, "scorer": scorer}
                | _metrics(gold, predicted, gold_score, score)
            )
        if part["target_start"].notna().all():
            rows.append(
                {"dataset": dataset, "level": level, "scorer": "tone"}
                | _metrics(
                    gold, tone.loc[part.index, "label"], gold_score, tone.loc[part.index, "score"]
                )
            )
        neutral = pd.Series("neutral", index=part.index)
        rows.append(
            {"dataset": dataset, "level": level, "scorer": "always_neutral"}
            | _metrics(gold, neutral, gold_score, None)
        )
    return pd.DataFrame(rows, columns=RESULT_COLUMNS)


def _tone(records: pd.DataFrame) -> pd.DataFrame:
    """``label`` and ``score`` of :func:`analysis.sentiment.tone_toward` for records with a target."""
    has_target = records["target_start"].notna()
    part = records.loc[has_target]
    out = pd.DataFrame(
        {"label": pd.Series(None, index=records.index, dtype=object), "score": math.nan}
    )
    if len(part):
        probabilities = tone_probabilities(
            zip(
                part["text"],
                part["target_start"].astype(int),
                part["target_end"].astype(int),
                strict=True,
            )
        )
        out.loc[has_target, "label"] = [TONE_LABELS[i] for i in probabilities.argmax(axis=1)]
        out.loc[has_target, "score"] = probabilities[:, 2] - probabilities[:, 0]
    return out


def validity_record(table: pd.DataFrame, *, source: str, band: float = NEUTRAL_BAND) -> dict:
    """The figures of :func:`validation_table` as the JSON object ``--out`` writes."""
    rows = [
        {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
        for row in table.astype(object).to_dict("records")
    ]
    return {
        "about": (
            "Agreement of the workbook's sentiment scorers with human labels on news text; "
            "written by the command below, read by analysis.sentiment.validity_caption."
        ),
        "command": f"python -m analysis.evaluation.sentiment {source} --out <this file>",
        "data": source,
        "neutral_band": band,
        "rows": rows,
    }


def confusion_table(records: pd.DataFrame, *, band: float = NEUTRAL_BAND) -> pd.DataFrame:
    """Counts of (gold, predicted) labels: one row per (dataset, scorer, gold_label, predicted)."""
    scores = score_texts(records["text"]).set_axis(records.index)
    parts = [
        records[["dataset", "gold_label"]].assign(
            scorer=scorer, predicted=polarity_label(scores[column], band=band)
        )
        for scorer, column in SCORERS.items()
    ]
    return (
        pd.concat(parts, ignore_index=True)
        .groupby(["dataset", "scorer", "gold_label", "predicted"], observed=False)
        .size()
        .rename("n")
        .reset_index()
    )


def _markdown(table: pd.DataFrame) -> str:
    header = "| " + " | ".join(table.columns) + " |"
    rule = "| " + " | ".join("---" for _ in table.columns) + " |"

    def cell(value) -> str:
        if isinstance(value, float):
            return "" if math.isnan(value) else f"{value:.3f}"
        return str(value)

    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.itertuples(False)]
    return "\n".join([header, rule, *body])


def main(argv: list[str] | None = None) -> int:
    """Print the validation table for a sentiment evaluation file; 0 when absent."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis.evaluation.sentiment",
        description="Agreement of TextBlob, VADER and the tone model with human sentiment labels.",
    )
    parser.add_argument("path", type=Path, help="sentiment_dev.jsonl (see SENTIMENT.md)")
    parser.add_argument("--out", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--overwrite", action="store_true", help="replace a different --out")
    args = parser.parse_args(argv)
    if not args.path.is_file():
        print(f"{args.path}: not found; nothing to validate (skipped).")
        return 0
    try:
        records = load_sentiment_records(args.path)
        table = validation_table(records)
        confusion = confusion_table(records)
    except AnalysisError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(
        f"{len(records)} records from {args.path.name}. Labels: |score| <= {NEUTRAL_BAND} neutral "
        "(VADER's published threshold, used for TextBlob and VADER; not tuned). tone: "
        "analysis.sentiment.tone_toward on records that name a target.\n"
    )
    print(_markdown(table))
    print("\nConfusion (rows: gold label; columns: predicted label)\n")
    wide = confusion.pivot_table(
        index=["dataset", "scorer", "gold_label"],
        columns="predicted",
        values="n",
        observed=False,
        aggfunc="sum",
    ).reset_index()
    wide.columns = [str(c) for c in wide.columns]
    print(_markdown(wide))
    if args.out is not None:
        record = validity_record(table, source=f"../shared/eval/{args.path.name}")
        data = json.dumps(record, indent=1, ensure_ascii=False) + "\n"
        if (
            args.out.exists()
            and args.out.read_text(encoding="utf-8") != data
            and not args.overwrite
        ):
            print(
                f"{args.out}: exists and differs; pass --overwrite to replace it", file=sys.stderr
            )
            return 1
        args.out.write_text(data, encoding="utf-8")
        print(f"\nfigures written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Score source profiles against the hand labels of 30 Wikinews articles.

Run ``python -m analysis.evaluation.sources --labels LABELS --articles ARTICLES`` (the
repository's labels are ``tests/data/source_labels/labels.csv``, the texts
``../shared/corpus-candidates/articles.jsonl``; nothing is found by itself). Then:

1. analyses each labelled article with the pipeline
   (:func:`analysis.pipeline.analyze`, the labelled ``country`` as the article's): the
   same quotes, speaker grouping and source profiles as the speakers table;
2. matches each labelled speaker to a found speaker by the last word of the name (for
   "X of Y" names, the last word before "of"), case and accents ignored;
3. prints coverage (labelled speakers found / labelled speakers) and, on the matched
   speakers, the accuracy of ``entity``, ``source_type``, ``origin``, ``gender`` (persons
   only) and ``is_anonymous``, then the origin confusion table and its count of
   wrong-direction answers (domestic read as foreign or the reverse).

With ``--given-speakers`` step 1 is skipped: each labelled speaker is profiled directly,
its mentions being the occurrences of its name's last word in the text. That scores
``profile_speaker`` alone, independent of the quote extractor.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from analysis.errors import CorpusError
from analysis.names import fold
from analysis.sources import profile_speaker

DIMENSIONS = ("entity", "source_type", "origin", "gender", "is_anonymous")
LABEL_COLUMNS = ("article_id", "country", "speaker", *DIMENSIONS, "split")
_BEFORE = re.compile(r"\s+(?:of|for|on|at)\s+", re.IGNORECASE)


def match_key(name: str) -> str:
    """The word two names of one speaker share: last word (before "of"), folded.

    Examples
    --------
    >>> match_key("Recep Tayyip Erdoğan"), match_key("Erdogan")
    ('erdogan', 'erdogan')
    >>> match_key("Members of the House of Commons")
    'members'
    """
    head = _BEFORE.split(name.strip(), maxsplit=1)[0]
    words = re.findall(r"[\w'’-]+", head)
    if not words:
        return ""
    return fold(re.sub(r"['’]s?$", "", words[-1]))


def read_labels(path: Path) -> pd.DataFrame:
    """The hand labels: one row per (article_id, speaker); gender "" for non-persons.

    Raises
    ------
    CorpusError
        When the file is missing or lacks a column.
    """
    labels = _read_hand_csv(path, LABEL_COLUMNS, "labels")
    return labels.assign(is_anonymous=lambda d: d["is_anonymous"].str.lower() == "true")


def read_articles(path: Path, ids: set[str]) -> dict[str, str]:
    """Texts of the articles whose ``id`` is in ``ids``, read from a JSONL file by path."""
    if not path.is_file():
        raise CorpusError(str(path), "articles file not found")
    texts = {}
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                raise CorpusError(f"{path}:{number}", f"not JSON ({err.msg})") from err
            if record.get("id") in ids:
                texts[record["id"]] = record.get("text") or ""
    absent = sorted(ids - set(texts))
    if absent:
        raise CorpusError(str(path), f"{len(absent)} labelled article(s) not found: {absent[:3]}")
    return texts


def _profile_row(text: str, speaker: str, mentions, country: str) -> dict[str, object]:
    profile = profile_speaker(text, speaker, mentions, country=country)
    return {
        "found_speaker": speaker,
        "entity": profile.entity,
        "source_type": profile.source_type,
        "origin": profile.origin,
        "gender": profile.gender or "",
        "is_anonymous": profile.is_anonymous,
    }


def found_speakers(texts: dict[str, str], countries: dict[str, str]) -> pd.DataFrame:
    """The pipeline's speakers table for the labelled articles (one corpus, so that
    ``speaker_id`` links them across articles), renamed for scoring."""
    from analysis.pipeline import analyze

    table = pd.DataFrame(
        {
            "article_id": list(texts),
            "text": list(texts.values()),
            "country": [countries.get(a, "") for a in texts],
        }
    )
    speakers = analyze(table, sentiment=False, strict=True).speakers
    return speakers.assign(
        found_speaker=speakers["speaker"],
        gender=speakers["gender"].astype(object).fillna(""),
        **{dim: speakers[dim].astype(object) for dim in ("entity", "source_type", "origin")},
    )


def _given(text: str, speaker: str, country: str) -> dict[str, object]:
    key = speaker.split()[-1] if speaker.split() else speaker
    spans = [(m.start(), m.end()) for m in re.finditer(rf"(?<!\w){re.escape(key)}(?!\w)", text)]
    return _profile_row(text, speaker, spans, country)


def evaluate(labels: pd.DataFrame, texts: dict[str, str], *, given: bool = False) -> pd.DataFrame:
    """One row per labelled speaker: its labels and the predicted ones (NaN when unmatched).

    Returns
    -------
    pandas.DataFrame
        Columns ``article_id, speaker, found_speaker, speaker_id, matched`` and, for every
        dimension, ``<dim>`` (label) and ``<dim>_pred``; sorted by article_id, speaker.
        ``speaker_id`` is the pipeline's corpus-level id of the found speaker (None with
        ``given`` or when unmatched).
    """
    rows = []
    countries = labels.groupby("article_id")["country"].first().to_dict()
    found = pd.DataFrame() if given else found_speakers(texts, countries)
    for article_id, group in labels.groupby("article_id", sort=True):
        text = texts[article_id]
        country = group["country"].iloc[0]
        predicted = {}
        if not given:
            mine = found.loc[found["article_id"] == article_id]
            for row in mine.sort_values("n_quotes", ascending=False).to_dict("records"):
                predicted.setdefault(match_key(str(row["found_speaker"])), row)
        for label in group.itertuples(index=False):
            if given:
                guess = _given(text, label.speaker, country)
            else:
                guess = predicted.get(match_key(label.speaker))
            out = {
                "article_id": article_id,
                "split": label.split,
                "speaker": label.speaker,
                "matched": guess is not None,
                "found_speaker": None if guess is None else guess["found_speaker"],
                "speaker_id": None if guess is None else guess.get("speaker_id"),
            }
            for dim in DIMENSIONS:
                out[dim] = getattr(label, dim)
                out[f"{dim}_pred"] = None if guess is None else guess[dim]
            rows.append(out)
    return pd.DataFrame(rows).sort_values(["article_id", "speaker"], ignore_index=True)


IDENTITY_COLUMNS = ("article_id", "speaker", "identity")


def read_identity(path: Path) -> pd.DataFrame:
    """Hand labels of who is who across articles: ``identity`` is the same for the same
    person or organisation, empty for anonymous speakers and groups (no one else).

    Raises
    ------
    CorpusError
        When the file is missing or lacks a column.
    """
    return _read_hand_csv(path, IDENTITY_COLUMNS, "identity")


def _read_hand_csv(path: Path, columns: tuple[str, ...], what: str) -> pd.DataFrame:
    """A hand-made CSV of strings; CorpusError naming the file when missing or short of a column."""
    if not path.is_file():
        raise CorpusError(str(path), f"{what} file not found")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise CorpusError(str(path), f"missing column(s) {missing}; expected {columns}")
    return table


def identity_scores(table: pd.DataFrame, identity: pd.DataFrame) -> dict[str, float]:
    """Pairwise precision and recall of ``speaker_id`` against the identity labels.

    Every pair of matched labelled speakers from two different articles is a pair; it is
    the same speaker in the labels when both have the same non-empty ``identity``, and in
    the pipeline when both were found with the same ``speaker_id``.

    Returns
    -------
    dict
        ``n_speakers`` (matched), ``n_pairs``, ``true_pairs`` (labels), ``predicted_pairs``,
        ``correct_pairs``, ``precision`` and ``recall`` (NaN when undefined), and
        ``anonymous_merged``: pairs with an anonymous or group speaker that the pipeline
        put under one id (must be 0).
    """
    rows = table.loc[table["matched"]].merge(identity, on=["article_id", "speaker"], how="left")
    rows = rows.assign(identity=rows["identity"].fillna("")).reset_index(drop=True)
    true_pairs = predicted = correct = anonymous = n_pairs = 0
    records = rows[["article_id", "identity", "speaker_id"]].to_records(index=False)
    for i, (article_a, id_a, found_a) in enumerate(records):
        for article_b, id_b, found_b in records[i + 1 :]:
            if article_a == article_b:
                continue
            n_pairs += 1
            same = bool(id_a) and id_a == id_b
            found = found_a is not None and found_a == found_b
            true_pairs += same
            predicted += found
            correct += same and found
            anonymous += found and not (id_a and id_b)
    nan = float("nan")
    return {
        "n_speakers": len(rows),
        "n_pairs": n_pairs,
        "true_pairs": true_pairs,
        "predicted_pairs": predicted,
        "correct_pairs": correct,
        "precision": correct / predicted if predicted else nan,
        "recall": correct / true_pairs if true_pairs else nan,
        "anonymous_merged": anonymous,
    }


def scores(table: pd.DataFrame) -> pd.DataFrame:
    """Coverage and accuracy per dimension: one row per measure (``n``, ``correct``, ``share``).

    ``coverage`` counts labelled speakers that were matched; every other measure is scored
    on the matched speakers only, gender on those labelled as persons.
    """
    matched = table.loc[table["matched"]]
    rows = [
        {
            "measure": "coverage",
            "n": len(table),
            "correct": int(table["matched"].sum()),
        }
    ]
    for dim in DIMENSIONS:
        part = matched.loc[matched["entity"] == "person"] if dim == "gender" else matched
        correct = int((part[dim] == part[f"{dim}_pred"]).sum())
        rows.append({"measure": dim, "n": len(part), "correct": correct})
    return pd.DataFrame(rows).assign(share=lambda d: d["correct"] / d["n"].where(d["n"] > 0))


def origin_confusion(table: pd.DataFrame) -> pd.DataFrame:
    """Labelled vs predicted origin on the matched speakers, zeros included.

    Returns
    -------
    pandas.DataFrame
        One row per (``origin``, ``origin_pred``) pair of ``domestic``/``foreign``/``unknown``
        with its count ``n`` and ``is_wrong_direction`` (domestic read as foreign or the
        reverse: the one error origin must never make, since ``unknown`` is always allowed).
    """
    from analysis.sources import ORIGINS

    dtype = pd.CategoricalDtype(ORIGINS, ordered=True)
    matched = table.loc[table["matched"], ["origin", "origin_pred"]].astype(dtype)
    return (
        matched.groupby(["origin", "origin_pred"], observed=False)
        .size()
        .rename("n")
        .reset_index()
        .assign(
            is_wrong_direction=lambda d: (
                (d["origin"] != d["origin_pred"])
                & (d["origin"] != "unknown")
                & (d["origin_pred"] != "unknown")
            )
        )
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis.evaluation.sources", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--labels", type=Path, required=True, help="labels CSV")
    parser.add_argument(
        "--articles", type=Path, required=True, help="articles JSONL (``id`` and ``text``)"
    )
    parser.add_argument(
        "--given-speakers",
        action="store_true",
        help="profile the labelled speakers directly, without the quote extractor",
    )
    parser.add_argument(
        "--split",
        choices=("dev", "test", "all"),
        default="all",
        help="labels to score: dev (used while writing the rules), test (held out), or all",
    )
    parser.add_argument("--errors", action="store_true", help="also list every disagreement")
    parser.add_argument(
        "--identity",
        type=Path,
        help="identity labels CSV (article_id, speaker, identity): also score speaker_id",
    )
    args = parser.parse_args(argv)
    try:
        labels = read_labels(args.labels)
        texts = read_articles(args.articles, set(labels["article_id"]))
    except CorpusError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    table = evaluate(labels, texts, given=args.given_speakers)
    if args.split != "all":
        table = table.loc[table["split"] == args.split]
        labels = labels.loc[labels["split"] == args.split]
    mode = (
        "labelled speakers profiled directly"
        if args.given_speakers
        else "extract_quotes + profile_speaker"
    )
    print(f"{labels['article_id'].nunique()} articles, {len(labels)} labelled speakers ({mode})")
    print(f"split: {args.split}")
    print(scores(table).round(3).to_string(index=False))
    if args.identity is not None and not args.given_speakers:
        try:
            identity = read_identity(args.identity)
        except CorpusError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        found = identity_scores(table, identity)
        print(
            "identity across articles: "
            + ", ".join(
                f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in found.items()
            )
        )
    confusion = origin_confusion(table)
    wrong = int(confusion.loc[confusion["is_wrong_direction"], "n"].sum())
    print(f"origin wrong direction (domestic <-> foreign): {wrong} of {int(confusion['n'].sum())}")
    print(
        confusion.pivot(index="origin", columns="origin_pred", values="n")
        .rename_axis(index="label \\ predicted", columns=None)
        .to_string()
    )
    if args.errors:
        for dim in DIMENSIONS:
            wrong = table.loc[table["matched"] & (table[dim] != table[f"{dim}_pred"])]
            if dim == "gender":
                wrong = wrong.loc[wrong["entity"] == "person"]
            for row in wrong.itertuples(index=False):
                print(
                    f"{dim}: {row.article_id} | {row.speaker} (found {row.found_speaker!r}): label {getattr(row, dim)!r}, predicted {getattr(row, dim + '_pred')!r}"
                )
        for row in table.loc[~table["matched"]].itertuples(index=False):
            print(f"not found: {row.article_id} | {row.speaker}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Train the attribution tagger: ``python -m analysis.quotes.train TRAIN.jsonl --out FILE``.

Reads gold articles in the evaluation format (``../shared/eval/README.md``), runs the
rules on each (their labels are features), and trains a linear-chain CRF with L-BFGS and
elastic-net regularisation (:data:`SETTINGS`, chosen on the development set). Training
is deterministic: the same file and settings give a byte-identical model. Only feature
names that are fixed templates or hashed numbers enter the model file.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

from analysis.quotes import model, rules

__all__ = ["SETTINGS", "main", "train"]

SETTINGS = {
    "c1": 0.05,
    "c2": 0.01,
    "max_iterations": 200,
    "feature.possible_transitions": True,
    "feature.minfreq": 2,
}


def training_sequences(records: Iterable[dict]):
    """Yield (features, labels) for every line of every gold article."""
    for rec in records:
        text = rec["text"]
        lines = model.article_items(text, rules.extract_quotes(text))
        for line in lines:
            if line.items:
                yield line.items, model.gold_labels(line.spans, rec["quotes"])


def train(
    records: Iterable[dict], out: Path, *, settings: dict | None = None, verbose: bool = False
) -> Path:
    """Train on gold records and write the model to ``out``; returns ``out``."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=verbose)
    trainer.set_params({**SETTINGS, **(settings or {})})
    for items, labels in training_sequences(records):
        trainer.append(items, labels)
    out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(out))
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line: train on a gold JSONL file."""
    from analysis.evaluation.quotes import load_gold

    parser = argparse.ArgumentParser(
        prog="python -m analysis.quotes.train", description=__doc__.split("\n")[0]
    )
    parser.add_argument("train", type=Path, help="gold JSONL, e.g. ../shared/eval/train.jsonl")
    parser.add_argument("--out", type=Path, required=True, help="model file to write")
    parser.add_argument("--limit", type=int, help="train on the first N articles only")
    parser.add_argument("--c1", type=float)
    parser.add_argument("--c2", type=float)
    parser.add_argument("--max-iterations", type=int)
    parser.add_argument("--force", action="store_true", help="overwrite an existing model file")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    if args.out.exists() and not args.force:
        print(f"error: {args.out} exists; pass --force to overwrite it", file=sys.stderr)
        return 2
    records = load_gold(args.train)[: args.limit]
    settings = {
        k: v
        for k, v in (("c1", args.c1), ("c2", args.c2), ("max_iterations", args.max_iterations))
        if v is not None
    }
    train(records, args.out, settings=settings, verbose=args.verbose)
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes) from {len(records)} articles")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

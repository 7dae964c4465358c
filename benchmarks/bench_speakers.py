"""CPU time of the corpus-level speaker step (link_speakers), beside a groupby baseline.

Run ``python benchmarks/bench_speakers.py``. A synthetic speakers table (random first and
last names from fixed lists, some with a title or a middle initial, some one-word
surnames, a share of anonymous descriptors, seed 0) of 10k, 40k and 160k rows is linked
with :func:`analysis.speakers.link_speakers`; the baseline, measured in the same run on the
same table, is ``groupby("speaker_key")["n_quotes"].sum()``. Linear time means the ratio
stays about flat as the table grows.
"""

from __future__ import annotations

import random
import time

import pandas as pd

from analysis.speakers import link_speakers, speaker_key

FIRST = ["Anna", "John", "Maria", "David", "Sarah", "James", "Laura", "Peter", "Nancy", "Joe"]
TITLES = ["", "", "", "President ", "Senator ", "Dr. "]


def table(n: int, seed: int = 0) -> pd.DataFrame:
    rng = random.Random(seed)
    surnames = [f"Name{i}" for i in range(n // 4)]
    rows = []
    for i in range(n):
        if rng.random() < 0.15:
            speaker, entity, anonymous = "officials", "group", True
        else:
            first, last = rng.choice(FIRST), rng.choice(surnames)
            form = rng.random()
            if form < 0.2:
                speaker = last
            elif form < 0.3:
                speaker = f"{first} Q. {last}"
            else:
                speaker = f"{rng.choice(TITLES)}{first} {last}"
            entity, anonymous = "person", False
        rows.append((f"a{i // 5}", speaker, entity, anonymous))
    frame = pd.DataFrame(rows, columns=["article_id", "speaker", "entity", "is_anonymous"])
    return frame.drop_duplicates(["article_id", "speaker"]).assign(
        speaker_key=lambda d: d["speaker"].map(speaker_key),
        n_quotes=1,
        source_type="unknown",
        origin="unknown",
        origin_country="",
        type_basis="",
        origin_basis="",
    )


def cpu(function) -> float:
    start = time.process_time()
    function()
    return time.process_time() - start


def main() -> None:
    print(f"{'rows':>8} {'link_speakers s':>16} {'groupby s':>10} {'ratio':>7}")
    for n in (10_000, 40_000, 160_000):
        speakers = table(n)
        countries = dict.fromkeys(speakers["article_id"], "US")
        linked = cpu(lambda s=speakers, c=countries: link_speakers(s, c))
        baseline = cpu(lambda s=speakers: s.groupby("speaker_key")["n_quotes"].sum())
        print(f"{len(speakers):>8} {linked:>16.2f} {baseline:>10.3f} {linked / baseline:>7.0f}")


if __name__ == "__main__":
    main()

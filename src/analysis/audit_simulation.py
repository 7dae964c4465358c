"""Synthetic corpora with known truth, to check the audit's corrected shares.

:func:`simulate_corpus` builds the sampling frame of an imaginary analysed corpus (the
table :func:`analysis.audit.audit_frame` returns) together with the truth behind every
unit, from a model with the errors real extractors make: recall that differs by gender
(as in the Gender Gap Tracker's evaluation, where female sources were recalled less
often than male ones), misclassified source types and genders (per speaker, so errors
cluster within articles), false quotes, and attributions missed in sentences where
nothing was extracted. :func:`fill_from_truth` plays a perfect auditor. The notebook
``06_validation`` and ``tests/test_audit.py`` use them to show that the corrected share
lands on the truth where the raw share does not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.aggregate import CATEGORIES
from analysis.audit import AUDIT_COLUMNS, DIMENSIONS, FILL_COLUMNS

__all__ = [
    "Simulation",
    "SimulationModel",
    "compare_shares",
    "coverage_study",
    "fill_from_truth",
    "simulate_corpus",
    "summarize_coverage",
]

_GENDERS = ("female", "male", "unknown", "none")
_TYPES = CATEGORIES["source_type"]


@dataclass(frozen=True)
class SimulationModel:
    """The generating model: true mix, extraction and classification error rates.

    Attributes
    ----------
    gender_mix : tuple of float
        Probabilities of a speaker's true gender: female, male, unknown, none (not a
        person). Each article draws its own mix around it (Dirichlet, concentration
        ``heterogeneity``), so articles differ.
    type_mix : tuple of float
        Probabilities of the true source types, in :data:`CATEGORIES` order.
    recall : tuple of float
        Chance that a true quote is extracted, by true gender (same order).
    gender_confusion : tuple of tuple of float
        Row: true gender; columns: the gender the system answers (same order).
    type_accuracy : float
        Chance that the system's source type is right; otherwise a uniform wrong one.
    false_quotes : float
        Mean number of extracted non-attributions per article.
    speakers, quotes_per_speaker, sentences : float
        Means (Poisson, at least one speaker and one quote) per article / speaker, and of
        plain sentences per article.
    heterogeneity : float
        Dirichlet concentration of each article's mix (smaller: articles differ more).
    """

    gender_mix: tuple[float, ...] = (0.3, 0.5, 0.1, 0.1)
    type_mix: tuple[float, ...] = (0.35, 0.1, 0.15, 0.2, 0.1, 0.05, 0.05)
    recall: tuple[float, ...] = (0.65, 0.8, 0.7, 0.75)
    gender_confusion: tuple[tuple[float, ...], ...] = (
        (0.85, 0.05, 0.10, 0.0),
        (0.03, 0.90, 0.07, 0.0),
        (0.10, 0.20, 0.70, 0.0),
        (0.0, 0.05, 0.0, 0.95),
    )
    type_accuracy: float = 0.8
    false_quotes: float = 0.5
    speakers: float = 2.0
    quotes_per_speaker: float = 1.0
    sentences: float = 8.0
    heterogeneity: float = 5.0


@dataclass(frozen=True, eq=False)
class Simulation:
    """A synthetic corpus: its frame, the truth behind each unit, and the true shares.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per unit, as :func:`analysis.audit.audit_frame` returns.
    truth : pandas.DataFrame
        Indexed like ``frame``: ``is_attribution`` (bool) and ``true_<dimension>``.
    articles : pandas.DataFrame
        ``article_id`` (one row per article).
    expected : dict
        The super-population share of each (dimension, category) of quotes: what an
        infinitely large corpus from the same model would give, the target of the
        corrected share's interval.
    """

    frame: pd.DataFrame
    truth: pd.DataFrame
    articles: pd.DataFrame
    expected: dict[tuple[str, str], float] = field(default_factory=dict)


def _expected(model: SimulationModel) -> dict[tuple[str, str], float]:
    persons = np.array(model.gender_mix[:3]) / sum(model.gender_mix[:3])
    shares = {("gender", g): float(p) for g, p in zip(_GENDERS[:3], persons, strict=True)}
    total = sum(model.type_mix)
    shares.update(
        {("source_type", t): p / total for t, p in zip(_TYPES, model.type_mix, strict=True)}
    )
    return shares


def simulate_corpus(
    n_articles: int, *, model: SimulationModel | None = None, seed: int = 0
) -> Simulation:
    """Draw a synthetic analysed corpus with known truth.

    Parameters
    ----------
    n_articles : int
        Articles in the corpus.
    model : SimulationModel, optional
        The generating model (defaults: the error rates in its docstring).
    seed : int, optional
        Seed: the same seed gives the same corpus.

    Returns
    -------
    Simulation
        Origin and anonymity are always right and every speaker is named (the simulation
        checks source type and gender).
    """
    model = model or SimulationModel()
    rng = np.random.default_rng(seed)
    confusion = np.array(model.gender_confusion)
    rows, truth = [], []
    for a in range(n_articles):
        article = f"a{a:05d}"
        gender_mix = rng.dirichlet(np.array(model.gender_mix) * model.heterogeneity)
        type_mix = rng.dirichlet(np.array(model.type_mix) * model.heterogeneity)
        units = []  # (system answers or None for a sentence, truth)
        for _ in range(1 + rng.poisson(model.speakers - 1)):
            gender = int(rng.choice(4, p=gender_mix))
            kind = int(rng.choice(len(_TYPES), p=type_mix))
            said_gender = int(rng.choice(4, p=confusion[gender]))
            said_type = (
                kind
                if rng.random() < model.type_accuracy
                else int(rng.choice([k for k in range(len(_TYPES)) if k != kind]))
            )
            answer = (_TYPES[said_type], _GENDERS[said_gender])
            fact = (True, _TYPES[kind], _GENDERS[gender])
            for _ in range(1 + rng.poisson(model.quotes_per_speaker)):
                found = rng.random() < model.recall[gender]
                units.append((answer if found else None, fact, rng.beta(5, 2)))
        for _ in range(rng.poisson(model.false_quotes)):
            answer = (
                _TYPES[int(rng.choice(len(_TYPES), p=model.type_mix))],
                _GENDERS[int(rng.choice(4, p=model.gender_mix))],
            )
            units.append((answer, (False, None, None), rng.beta(2, 3)))
        units.extend((None, (False, None, None), 0.0) for _ in range(rng.poisson(model.sentences)))
        order = rng.permutation(len(units))
        for position, index in enumerate(order):
            answer, fact, confidence = units[index]
            quote = answer is not None
            rows.append(
                {
                    "unit": "quote" if quote else "sentence",
                    "article_id": article,
                    "quote_id": f"{article}:{position + 1}" if quote else "",
                    "sentence_id": "" if quote else f"{article}:s{position + 1}",
                    "start": position * 100,
                    "end": position * 100 + 50,
                    "text": f"unit {position + 1}",
                    "kind": "direct" if quote else "",
                    "speaker": "Someone" if quote else "",
                    "source_type": answer[0] if quote else "",
                    "gender": ("" if answer[1] == "none" else answer[1]) if quote else "",
                    "origin": "unknown" if quote else "",
                    "is_anonymous": "false" if quote else "",
                    "confidence": f"{confidence:.3f}" if quote else "",
                    "band": ("high" if confidence >= 0.8 else "mid" if confidence >= 0.5 else "low")
                    if quote
                    else "",
                    "sys_source_type": answer[0] if quote else "",
                    "sys_gender": answer[1] if quote else "",
                    "sys_origin": "unknown" if quote else "",
                    "sys_is_anonymous": "named" if quote else "",
                }
            )
            truth.append(
                {
                    "is_attribution": fact[0],
                    "true_source_type": fact[1],
                    "true_gender": fact[2],
                    "true_origin": "unknown" if fact[0] else None,
                    "true_is_anonymous": "named" if fact[0] else None,
                }
            )
    frame = pd.DataFrame(rows)
    for name in AUDIT_COLUMNS:
        if name not in frame.columns and name not in (
            "item_id",
            "stratum",
            "weight",
            *FILL_COLUMNS,
        ):
            frame[name] = ""
    articles = pd.DataFrame({"article_id": [f"a{a:05d}" for a in range(n_articles)]})
    return Simulation(
        frame=frame, truth=pd.DataFrame(truth), articles=articles, expected=_expected(model)
    )


def fill_from_truth(items: pd.DataFrame, simulation: Simulation) -> pd.DataFrame:
    """A perfect auditor: the sample's fill columns set from the simulation's truth.

    Parameters
    ----------
    items : pandas.DataFrame
        A sample drawn from ``simulation.frame`` (:func:`analysis.audit.draw_sample`).
    simulation : Simulation

    Returns
    -------
    pandas.DataFrame
        ``items`` with ``is_attribution``, ``speaker_ok`` (quotes) and ``true_*`` filled.
    """
    key = np.where(
        simulation.frame["unit"] == "quote",
        simulation.frame["quote_id"],
        simulation.frame["sentence_id"],
    )
    truth = simulation.truth.set_axis(key)
    drawn = np.where(items["unit"] == "quote", items["quote_id"], items["sentence_id"])
    facts = truth.loc[drawn].reset_index(drop=True)
    filled = items.copy()
    filled["is_attribution"] = np.where(facts["is_attribution"], "yes", "no")
    filled["speaker_ok"] = np.where(
        (items["unit"] == "quote").to_numpy() & facts["is_attribution"].to_numpy(), "yes", ""
    )
    for dimension in DIMENSIONS:
        filled[f"true_{dimension}"] = facts[f"true_{dimension}"].fillna("").to_numpy()
    return filled


def compare_shares(simulation: Simulation, corrected: pd.DataFrame) -> pd.DataFrame:
    """Truth, raw share and corrected share side by side, for a simulated corpus.

    Parameters
    ----------
    simulation : Simulation
        The corpus (its system answers give the raw shares).
    corrected : pandas.DataFrame
        From :func:`analysis.audit.corrected_shares` on an audit of it.

    Returns
    -------
    pandas.DataFrame
        One row per (dimension, category) of ``corrected`` that the model defines:
        ``truth`` (the model's share), ``corpus_truth`` (the share among this corpus's true
        attributions), ``raw`` (the system's share, as the balance reports it),
        ``share_corrected``, ``ci_low_corrected``, ``ci_high_corrected``, ``covered``.
    """
    frame, truth = simulation.frame, simulation.truth
    quotes = frame.loc[frame["unit"] == "quote"]
    real = truth.loc[truth["is_attribution"]]
    rows = []
    for row in corrected.itertuples():
        key = (row.dimension, row.category)
        if key not in simulation.expected:
            continue
        system = quotes[f"sys_{row.dimension}"]
        actual = real[f"true_{row.dimension}"]
        if row.dimension == "gender":
            system, actual = system[system != "none"], actual[actual != "none"]
        rows.append(
            {
                "dimension": row.dimension,
                "category": row.category,
                "truth": simulation.expected[key],
                "corpus_truth": float((actual == row.category).mean()),
                "raw": float((system == row.category).mean()),
                "share_corrected": row.share_corrected,
                "ci_low_corrected": row.ci_low_corrected,
                "ci_high_corrected": row.ci_high_corrected,
                "covered": bool(
                    row.ci_low_corrected <= simulation.expected[key] <= row.ci_high_corrected
                ),
            }
        )
    return pd.DataFrame(rows)


def coverage_study(
    runs: int = 100,
    *,
    n_articles: int = 300,
    n: int = 200,
    n_sentences: int = 60,
    n_boot: int = 400,
    model: SimulationModel | None = None,
) -> pd.DataFrame:
    """Simulate, audit (perfectly) and correct ``runs`` corpora; one row per share.

    Run ``r`` uses seed ``r`` for the corpus and the draw, so the study is reproducible.

    Returns
    -------
    pandas.DataFrame
        One row per (run, dimension, category): the columns of :func:`compare_shares`
        with ``run`` first.
    """
    from analysis.audit import audit_from_table, corrected_shares, draw_sample

    frames = []
    for run in range(runs):
        simulation = simulate_corpus(n_articles, model=model, seed=run)
        items, design = draw_sample(simulation.frame, n=n, n_sentences=n_sentences, seed=run)
        checked = audit_from_table(fill_from_truth(items, simulation), design)
        shares = corrected_shares(
            checked, dimensions=["source_type", "gender"], n_boot=n_boot, seed=run
        )
        frames.append(compare_shares(simulation, shares).assign(run=run))
    table = pd.concat(frames, ignore_index=True)
    return table[["run", *table.columns.drop("run")]]


def summarize_coverage(study: pd.DataFrame) -> pd.DataFrame:
    """Per (dimension, category): truth, mean raw and corrected share, bias in standard
    errors, standard deviation, mean interval width and coverage of a :func:`coverage_study`."""
    runs = study["run"].nunique()
    return (
        study.assign(width=study["ci_high_corrected"] - study["ci_low_corrected"])
        .groupby(["dimension", "category"], sort=False)
        .agg(
            truth=("truth", "first"),
            raw=("raw", "mean"),
            corrected=("share_corrected", "mean"),
            sd=("share_corrected", "std"),
            width=("width", "mean"),
            coverage=("covered", "mean"),
        )
        .assign(bias_in_se=lambda d: (d["corrected"] - d["truth"]) / (d["sd"] / np.sqrt(runs)))
        .reset_index()
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.audit_simulation``: print a coverage study."""
    import argparse

    parser = argparse.ArgumentParser(description=coverage_study.__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--sentences", type=int, default=60)
    args = parser.parse_args(argv)
    study = coverage_study(
        args.runs, n_articles=args.articles, n=args.n, n_sentences=args.sentences
    )
    with pd.option_context("display.precision", 3, "display.width", 200):
        print(summarize_coverage(study).to_string(index=False))
    print(
        f"overall coverage of the 95% intervals: {study['covered'].mean():.3f} ({args.runs} runs)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

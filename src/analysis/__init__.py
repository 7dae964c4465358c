"""newsroom-workbook: who is quoted in the news, how often, and in what tone.

The public API, re-exported here; each name is imported from its module on first use,
so ``import analysis`` stays light (no pandas until a table is built). A notebook imports
``analysis`` and calls: loading, the analysis, the aggregate tables, the sentiment tables,
the quote evaluation, and the figures (``analysis.plots``); the table contract is
``analysis.schema``.

>>> import analysis
>>> corpus = analysis.load_corpus("corpus")          # doctest: +SKIP
>>> results = analysis.analyze(corpus)               # doctest: +SKIP
>>> analysis.sourcing_balance(results, by="outlet")  # doctest: +SKIP
>>> analysis.plots.plot_bars(...)                    # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "load_corpus": "analysis.corpus",
    "iter_corpus": "analysis.corpus",
    "Corpus": "analysis.corpus",
    "extract_quotes": "analysis.quotes",
    "Quote": "analysis.quotes",
    "analyze": "analysis.pipeline",
    "analyze_article": "analysis.pipeline",
    "combine": "analysis.pipeline",
    "concat_results": "analysis.pipeline",
    "ArticleResult": "analysis.pipeline",
    "Results": "analysis.pipeline",
    "sourcing_balance": "analysis.aggregate",
    "top_speakers": "analysis.aggregate",
    "speaker_concentration": "analysis.aggregate",
    "wilson_interval": "analysis.aggregate",
    "tone_shares": "analysis.aggregate",
    "score_text": "analysis.sentiment",
    "textblob_scores": "analysis.sentiment",
    "tone_toward": "analysis.sentiment",
    "quote_speaker_tone": "analysis.sentiment",
    "speaker_portrayals": "analysis.sentiment",
    "validity_caption": "analysis.sentiment",
    "merge_speakers": "analysis.speakers",
    "speaker_key": "analysis.speakers",
    "summarize_corpus": "analysis.corpus",
    "split_paragraphs": "analysis.segment",
    "split_sentences": "analysis.segment",
    "highlight_article": "analysis.highlight",
    "NEUTRAL_BAND": "analysis.sentiment",
    "score_texts": "analysis.sentiment",
    "quote_sentiment": "analysis.sentiment",
    "article_sentiment": "analysis.sentiment",
    "paragraph_sentiment": "analysis.sentiment",
    "sentence_sentiment": "analysis.sentiment",
    "part_sentiment": "analysis.sentiment",
    "group_sentiment": "analysis.sentiment",
    "speaker_sentiment": "analysis.sentiment",
    "lexicon_agreement": "analysis.sentiment",
    "largest_disagreements": "analysis.sentiment",
    "load_gold": "analysis.evaluation.quotes",
    "evaluate_extractor": "analysis.evaluation.quotes",
    "link_corpus": "analysis.pipeline",
    "correct_results": "analysis.pipeline",
    "find_corrections": "analysis.speakers",
    "read_corrections": "analysis.speakers",
    "corrections_fingerprint": "analysis.speakers",
    "MIN_QUOTES": "analysis.aggregate",
    "tone_by_group": "analysis.aggregate",
    "add_period": "analysis.schema",
    "no_country_note": "analysis.report",
}
_SUBMODULES = frozenset({"audit", "audit_simulation", "plots", "schema"})
"""Modules reached as attributes (``analysis.plots.plot_bars``) without importing them."""

__all__ = [
    "MIN_QUOTES",
    "NEUTRAL_BAND",
    "ArticleResult",
    "Corpus",
    "Quote",
    "Results",
    "add_period",
    "analyze",
    "analyze_article",
    "article_sentiment",
    "audit",
    "audit_simulation",
    "combine",
    "concat_results",
    "correct_results",
    "corrections_fingerprint",
    "evaluate_extractor",
    "extract_quotes",
    "find_corrections",
    "group_sentiment",
    "highlight_article",
    "iter_corpus",
    "largest_disagreements",
    "lexicon_agreement",
    "link_corpus",
    "load_corpus",
    "load_gold",
    "merge_speakers",
    "no_country_note",
    "paragraph_sentiment",
    "part_sentiment",
    "plots",
    "quote_sentiment",
    "quote_speaker_tone",
    "read_corrections",
    "schema",
    "score_text",
    "score_texts",
    "sentence_sentiment",
    "sourcing_balance",
    "speaker_concentration",
    "speaker_key",
    "speaker_portrayals",
    "speaker_sentiment",
    "split_paragraphs",
    "split_sentences",
    "summarize_corpus",
    "textblob_scores",
    "tone_by_group",
    "tone_shares",
    "tone_toward",
    "top_speakers",
    "validity_caption",
    "wilson_interval",
]

if TYPE_CHECKING:
    from analysis import audit, audit_simulation, plots, schema
    from analysis.aggregate import (
        MIN_QUOTES,
        sourcing_balance,
        speaker_concentration,
        tone_by_group,
        tone_shares,
        top_speakers,
        wilson_interval,
    )
    from analysis.corpus import Corpus, iter_corpus, load_corpus, summarize_corpus
    from analysis.evaluation.quotes import evaluate_extractor, load_gold
    from analysis.highlight import highlight_article
    from analysis.pipeline import (
        ArticleResult,
        Results,
        analyze,
        analyze_article,
        combine,
        concat_results,
        correct_results,
        link_corpus,
    )
    from analysis.quotes import Quote, extract_quotes
    from analysis.report import no_country_note
    from analysis.schema import add_period
    from analysis.segment import split_paragraphs, split_sentences
    from analysis.sentiment import (
        NEUTRAL_BAND,
        article_sentiment,
        group_sentiment,
        largest_disagreements,
        lexicon_agreement,
        paragraph_sentiment,
        part_sentiment,
        quote_sentiment,
        quote_speaker_tone,
        score_text,
        score_texts,
        sentence_sentiment,
        speaker_portrayals,
        speaker_sentiment,
        textblob_scores,
        tone_toward,
        validity_caption,
    )
    from analysis.speakers import (
        corrections_fingerprint,
        find_corrections,
        merge_speakers,
        read_corrections,
        speaker_key,
    )


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"analysis.{name}")
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])

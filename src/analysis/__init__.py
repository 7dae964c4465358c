"""newsroom-workbook: who is quoted in the news, how often, and in what tone.

The public API, re-exported here; each name is imported from its module on first use,
so ``import analysis`` stays light (no pandas until a table is built).

>>> import analysis
>>> corpus = analysis.load_corpus("corpus")          # doctest: +SKIP
>>> results = analysis.analyze(corpus)               # doctest: +SKIP
>>> analysis.sourcing_balance(results, by="outlet")  # doctest: +SKIP
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
}

__all__ = [
    "ArticleResult",
    "Corpus",
    "Quote",
    "Results",
    "analyze",
    "analyze_article",
    "combine",
    "concat_results",
    "extract_quotes",
    "iter_corpus",
    "load_corpus",
    "merge_speakers",
    "quote_speaker_tone",
    "score_text",
    "sourcing_balance",
    "speaker_concentration",
    "speaker_key",
    "speaker_portrayals",
    "textblob_scores",
    "tone_shares",
    "tone_toward",
    "top_speakers",
    "validity_caption",
    "wilson_interval",
]

if TYPE_CHECKING:
    from analysis.aggregate import (
        sourcing_balance,
        speaker_concentration,
        tone_shares,
        top_speakers,
        wilson_interval,
    )
    from analysis.corpus import Corpus, iter_corpus, load_corpus
    from analysis.pipeline import (
        ArticleResult,
        Results,
        analyze,
        analyze_article,
        combine,
        concat_results,
    )
    from analysis.quotes import Quote, extract_quotes
    from analysis.sentiment import (
        quote_speaker_tone,
        score_text,
        speaker_portrayals,
        textblob_scores,
        tone_toward,
        validity_caption,
    )
    from analysis.speakers import merge_speakers, speaker_key


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])

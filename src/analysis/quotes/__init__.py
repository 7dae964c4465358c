"""Text -> quotes: who said what, found by rules and a trained tagger.

``extract_quotes(text)`` returns one :class:`Quote` per attribution (content, speaker
mention and resolved name, cue, kind, ``method`` and ``confidence``). The modules show the
method: :mod:`~analysis.quotes.rules` (quotation marks, tokens, cue patterns, content
boundaries, speaker resolution), :mod:`~analysis.quotes.model` (the trained CRF tagger and
its features), :mod:`~analysis.quotes.train` (the command that trains it) and
:mod:`~analysis.quotes.extract` (the two combined); ``models/`` holds the shipped model,
its calibration and its card.
"""

from analysis.quotes.extract import METHODS, MIN_CONFIDENCE, extract_quotes
from analysis.quotes.rules import Quote

__all__ = ["METHODS", "MIN_CONFIDENCE", "Quote", "extract_quotes"]

"""Text -> quotes: who said what, found by rules and a trained tagger."""

from analysis.quotes.rules import Quote, extract_quotes

__all__ = ["Quote", "extract_quotes"]

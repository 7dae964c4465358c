"""Exceptions raised on purpose by the workbook: one class per kind of failure.

Every message starts with the file (and line) it is about, then says what was expected
and what was found, so that a row of ``Corpus.problems`` and a raised error read alike.
"""

from __future__ import annotations


class AnalysisError(Exception):
    """Base class for everything this package raises on purpose."""


class LexiconError(AnalysisError):
    """A word list in ``analysis/lexicons`` is missing or malformed."""


class CorpusError(AnalysisError):
    """An article or corpus file cannot be used; the message starts with its source.

    Parameters
    ----------
    source : str
        The file, or ``file:line`` for a record of a JSONL or CSV file.
    problem : str
        A sentence a person understands: what was expected and what was found.
    """

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


class EmptyArticleError(CorpusError):
    """The file or record has no text."""


class BinaryArticleError(CorpusError):
    """The file holds binary data, not text."""


class ArticleEncodingError(CorpusError):
    """The bytes are not UTF-8 and no other encoding could be detected."""


class OversizeArticleError(CorpusError):
    """The file or record is larger than the configured limit."""


class MetadataError(CorpusError):
    """Front matter, a column or a field has the wrong form or type."""


class RecordFormatError(CorpusError):
    """A JSONL line or CSV row cannot be parsed, or a required column is missing."""


class DuplicateArticleError(CorpusError):
    """Two articles share one ``article_id``; the first in sorted order is kept."""


class UnreadableError(CorpusError):
    """The operating system refused to read a file or folder."""


class OutputError(AnalysisError):
    """The output folder cannot be written safely."""


class UnsupportedFileError(CorpusError):
    """A file in the corpus folder is not an article format the loader reads."""


class LinkError(CorpusError):
    """A symbolic link leads out of the corpus folder, or to a folder; not followed unless
    asked (``--follow-links``)."""


class AuditError(AnalysisError):
    """An audit file cannot be used; the message names the file and every bad line.

    Parameters
    ----------
    source : str
        The audit file (or folder).
    problems : list of str
        One sentence per problem, each starting with ``line N:`` when it is about a row.
    """

    def __init__(self, source: str, problems: list[str]) -> None:
        shown = problems[:25]
        more = f"\n  ... and {len(problems) - 25} more" if len(problems) > 25 else ""
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(f"{source}: {len(problems)} {noun}:\n  " + "\n  ".join(shown) + more)
        self.source = source
        self.problems = list(problems)


class CorrectionsError(CorpusError):
    """A speaker corrections file cannot be used; the source is ``<file>:<line>``."""

"""Word lists shipped as data files in ``analysis/lexicons/``.

Each ``.txt`` file holds one entry per line; ``#`` starts a comment line, and each file
opens with a header saying where its entries came from.
"""

from __future__ import annotations

import functools
import importlib.resources

from analysis.errors import LexiconError


def _folder():
    return importlib.resources.files("analysis") / "lexicons"


def available_lexicons() -> list[str]:
    """Names of the lexicons shipped with the package, sorted."""
    return sorted(
        p.name.removesuffix(".txt") for p in _folder().iterdir() if p.name.endswith(".txt")
    )


@functools.cache
def load_lines(name: str) -> tuple[str, ...]:
    """Entries of ``lexicons/<name>.txt`` in file order, stripped, comments and blanks dropped.

    Raises
    ------
    LexiconError
        When no such lexicon exists; the message lists the available ones.
    """
    path = _folder() / f"{name}.txt"
    if not path.is_file():
        raise LexiconError(
            f"lexicons/{name}.txt: no such lexicon; available: {available_lexicons()}"
        )
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(s.strip() for s in lines if s.strip() and not s.lstrip().startswith("#"))


@functools.cache
def load_lexicon(name: str) -> frozenset[str]:
    """Entries of ``lexicons/<name>.txt``, lowercased, as a set."""
    return frozenset(entry.lower() for entry in load_lines(name))

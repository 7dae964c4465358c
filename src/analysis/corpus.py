"""Read a corpus of news articles: the only module that reads corpus files.

A corpus is a folder (searched recursively, in sorted order) or a single file:

- ``.txt``: one article, optionally opening with YAML front matter between ``---`` lines.
  Without a ``title`` key, the first non-empty line is the title unless it reads like a
  sentence of the body (:func:`looks_like_title`: longer than ``MAX_TITLE_CHARS``, ending
  in a full stop, or holding two sentences), in which case the article
  has no title and the line stays in the text; an ``(Author: ...)`` or ``By ...`` line
  right after it becomes ``author``.
- ``.jsonl``: one article per line, a JSON object with a ``text`` field and metadata fields.
- ``.csv``: one article per row, a header with a ``text`` column and metadata columns.
- ``corpus.yaml``: defaults (e.g. ``outlet``, ``country``) for every article in its folder
  and below; an article's own metadata wins.

Every file or record that cannot be used becomes a row of ``Corpus.problems`` naming the
file (and line) and the problem; the rest of the corpus always loads.

Bad input (``tests/test_hostile_inputs.py`` exercises each rule):

- Bytes: UTF-8 with or without BOM, UTF-16/32 with BOM (all three formats), UTF-16
  without BOM and legacy encodings (cp1252 preferred) for ``.txt``; line ends become
  ``\n``. Empty, white-space-only and binary files (a NUL byte, or over 1% control
  characters) are problems. File names that are not UTF-8 appear as ``caf\\xe9.txt``.
- Size: a ``.txt`` over ``max_bytes``, or a JSONL/CSV record whose text is, is a problem;
  reads are bounded (a JSONL line over ``4 * max_bytes + 1 MB`` is skipped unread), so a
  file with no newline cannot exhaust memory.
- YAML (front matter, ``corpus.yaml``): scalars stay text (``NO`` is Norway, ``000123``
  an id); aliases and too-deep nesting are refused.
- JSONL: invalid, truncated, over-deep or over-long-number lines are problems, each
  naming its line; lone surrogates become U+FFFD.
- CSV: a quoting error costs the bad record's first line; its other lines are read again
  (folded into the same problem unless they form good rows), so a stray quote never costs
  the next good row. A field over the size limit is one problem, skipped to its closing
  quotation mark. A byte the file's encoding cannot decode costs only its record.
- Named pipes, devices, broken links and unreadable files or folders are problems;
  nothing blocks. Symbolic links that lead out of the corpus folder, and linked folders,
  are problems and are not read unless ``follow_links=True``.
"""

from __future__ import annotations

import codecs
import collections
import csv
import datetime as dt
import io
import json
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import charset_normalizer
import pandas as pd
import pycountry
import yaml

from analysis.errors import (
    ArticleEncodingError,
    BinaryArticleError,
    CorpusError,
    DuplicateArticleError,
    EmptyArticleError,
    LinkError,
    MetadataError,
    OversizeArticleError,
    RecordFormatError,
    UnreadableError,
    UnsupportedFileError,
)
from analysis.schema import (
    CORPUS_COLUMNS,
    METADATA_COLUMNS,
    PROBLEM_COLUMNS,
    problem_row,
    sort_rows,
)

METADATA_KEYS = tuple(METADATA_COLUMNS)
ARTICLE_COLUMNS = CORPUS_COLUMNS
"""Columns of ``Corpus.articles`` before the extra metadata (:data:`analysis.schema.CORPUS_COLUMNS`)."""
ARTICLE_SUFFIXES = (".txt", ".jsonl", ".csv")
DEFAULTS_FILE = "corpus.yaml"
DEFAULT_MAX_BYTES = 20_000_000
IGNORED_SUFFIXES = (".md", ".yaml", ".yml")
_ALIASES = {"id": "article_id", "publisher": "outlet", "licence": "license", "body": "text"}
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.+\-Z]*)?")
_AUTHOR_LINE = re.compile(
    r"\(\s*(?:author|by)\s*:\s*(?P<name>[^()]+?)\s*\)|by\s+(?P<byline>[^.!?]+)", re.I
)
_SENTENCE_END = tuple(".!?\"'”’)]…:;")
_LEGACY_ENCODINGS = ("cp1252", "latin_1", "iso8859_15")
_PROVENANCE = frozenset({"source", "encoding", "furniture"})
"""Columns the loader fills itself; a metadata key of that name is kept as ``meta_<key>``."""
MAX_TITLE_CHARS = 300
"""A first line longer than this is text, not a title (a file of one enormous paragraph)."""


@dataclass(frozen=True, slots=True)
class Article:
    """One article as loaded: its metadata, body text and where it came from.

    Attributes
    ----------
    article_id, title, outlet, country, date, url, author, license : str
        Metadata; empty strings when unknown. ``country`` is an ISO 3166-1 alpha-2 code and
        ``date`` is ``YYYY-MM-DD``.
    text : str
        The body, without front matter, title, author line or page furniture; line breaks
        are ``\\n``.
    source : str
        The file, relative to the corpus path, with ``:line`` for JSONL and CSV records.
    encoding : str
        The encoding the bytes were decoded from (``utf-8``, ``utf-8-sig``, ``cp1252``, ...).
    furniture : str
        Trailing lines removed as page furniture (related-article headlines), one per line.
    extra : tuple of (str, str)
        Metadata keys beyond the standard ones, as text; a key named like a column the
        loader fills (``source``, ``encoding``, ``furniture``) is kept as ``meta_<key>``.
    """

    article_id: str
    title: str
    outlet: str
    country: str
    date: str
    url: str
    author: str
    license: str
    text: str
    source: str
    encoding: str = "utf-8"
    furniture: str = ""
    extra: tuple[tuple[str, str], ...] = ()

    def as_row(self) -> dict[str, str]:
        """The article as one row of ``Corpus.articles``."""
        row = {name: getattr(self, name) for name in ARTICLE_COLUMNS}
        row.update(self.extra)
        return row


@dataclass(frozen=True, eq=False)
class Corpus:
    """A loaded corpus.

    Attributes
    ----------
    articles : pandas.DataFrame
        One row per article, sorted by ``article_id``: the columns of ``ARTICLE_COLUMNS``,
        then any extra metadata columns in name order.
    problems : pandas.DataFrame
        One row per file or record that could not be used, in file and line order:
        ``source``, ``error`` (the exception class), ``problem`` (a sentence).
    """

    articles: pd.DataFrame
    problems: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROBLEM_COLUMNS))


def load_corpus(
    path: str | os.PathLike[str],
    *,
    strict: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    defaults: Mapping[str, Any] | None = None,
    strip_furniture: bool = True,
    follow_links: bool = False,
) -> Corpus:
    """Load every article under a folder, or in one file.

    Parameters
    ----------
    path : str or Path
        A corpus folder (searched recursively) or a single ``.txt``, ``.jsonl`` or ``.csv``.
    strict : bool, optional
        Raise the first problem as a ``CorpusError`` instead of recording it.
    max_bytes : int, optional
        Largest article (a ``.txt`` file, or one JSONL/CSV record) accepted, in bytes.
    defaults : mapping, optional
        Metadata for every article, below ``corpus.yaml`` files and the article's own.
    strip_furniture : bool, optional
        Move trailing headline-like lines (see ``split_furniture``) to ``furniture``.
    follow_links : bool, optional
        Read symbolic links that lead out of the corpus folder, and folders behind
        symbolic links. Without it, each such link is a problem row and is not read.

    Returns
    -------
    Corpus
        Articles sorted by ``article_id``, and the problems.

    Raises
    ------
    CorpusError
        When ``path`` does not exist, or with ``strict=True`` on the first problem.
    """
    articles: list[dict[str, str]] = []
    problems: list[dict[str, str]] = []
    for item in iter_corpus(
        path,
        max_bytes=max_bytes,
        defaults=defaults,
        strip_furniture=strip_furniture,
        follow_links=follow_links,
    ):
        if isinstance(item, CorpusError):
            if strict:
                raise item
            problems.append(problem_row(item))
        else:
            articles.append(item.as_row())
    table = pd.DataFrame(articles, columns=_columns(articles), dtype=object).fillna("")
    return Corpus(sort_rows(table, "corpus"), pd.DataFrame(problems, columns=PROBLEM_COLUMNS))


def _columns(rows: list[dict[str, str]]) -> list[str]:
    extra = sorted({key for row in rows for key in row} - set(ARTICLE_COLUMNS))
    return [*ARTICLE_COLUMNS, *extra]


def iter_corpus(
    path: str | os.PathLike[str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    defaults: Mapping[str, Any] | None = None,
    strip_furniture: bool = True,
    follow_links: bool = False,
) -> Iterator[Article | CorpusError]:
    """Yield each article, or the error that stopped it, in file and line order.

    The streaming form of ``load_corpus`` (same parameters): memory stays flat however
    large the corpus. Duplicate ``article_id`` values are errors naming where the id was
    first used.
    """
    root = Path(path)
    if not root.exists():
        raise CorpusError(str(path), "no such file or folder")
    base = root.parent if root.is_file() else root
    seen: dict[str, str] = {}
    folder_defaults: dict[Path, dict[str, Any]] = {}
    for file, walk_problem in _corpus_files(root, follow_links):
        relative = _readable_name(file.relative_to(base).as_posix())
        if walk_problem:
            yield walk_problem(relative)
            continue
        try:
            inherited = _defaults_for(
                file.parent, base, folder_defaults, dict(defaults or {}), follow_links
            )
        except CorpusError as err:
            yield err
            inherited = dict(defaults or {})
        records = _read_file(file, relative, inherited, max_bytes, strip_furniture)
        for item in records:
            if isinstance(item, Article):
                first = seen.setdefault(item.article_id, item.source)
                if first != item.source:
                    item = DuplicateArticleError(
                        item.source,
                        f"duplicate article_id '{item.article_id}' (first used by {first})",
                    )
            yield item


def _readable_name(name: str) -> str:
    """A file name as text that any output can hold: bytes that are not UTF-8 as ``\\xe9``.

    Python keeps such bytes as lone surrogates, which no UTF-8 file can store.
    """
    return os.fsencode(name).decode("utf-8", "backslashreplace")


_NOT_FOLLOWED = "not followed (pass --follow-links, or follow_links=True, to read it)"


def _corpus_files(
    root: Path, follow_links: bool = False
) -> Iterator[tuple[Path, Callable[[str], CorpusError] | None]]:
    """Files under ``root`` in sorted order, each with the error it is instead (or None).

    Symbolic links: a link to a file inside the corpus folder is read; a link to a file
    outside it, and a link to a folder, are problems unless ``follow_links``. With it, a
    folder reached twice (a loop, or a link to a folder of the corpus) is read once.
    """
    if root.is_file():
        yield root, None
        return
    inside = root.resolve()
    failures: list[OSError] = []
    walked: list[tuple[Path, Callable[[str], CorpusError] | None]] = []
    visited = {inside}
    for folder, subfolders, files in os.walk(
        root, onerror=failures.append, followlinks=follow_links
    ):
        kept = []
        for name in subfolders:
            if name.startswith((".", "_")):
                continue
            sub = Path(folder) / name
            if sub.is_symlink():
                real = sub.resolve()
                if not follow_links:
                    walked.append(
                        (sub, _link_error(f"a symbolic link to a folder; {_NOT_FOLLOWED}"))
                    )
                    continue
                if real in visited or inside in real.parents:
                    walked.append(
                        (sub, _link_error("a symbolic link to a folder read already; read once"))
                    )
                    continue
                visited.add(real)
            kept.append(name)
        subfolders[:] = kept
        for name in files:
            if name.startswith("."):
                continue
            path = Path(folder) / name
            error = None
            ignored = name == DEFAULTS_FILE or path.suffix.lower() in IGNORED_SUFFIXES
            if not follow_links and not ignored and path.is_symlink() and path.exists():
                real = path.resolve()
                if inside not in real.parents:
                    error = _link_error(
                        f"a symbolic link to a file outside the corpus folder; {_NOT_FOLLOWED}"
                    )
            walked.append((path, error))
    walked.extend(
        (
            Path(failure.filename or root),
            _unreadable(f"folder cannot be read: {failure.strerror or failure}"),
        )
        for failure in failures
    )
    yield from sorted(walked, key=lambda item: item[0].relative_to(root).as_posix())


def _link_error(problem: str) -> Callable[[str], CorpusError]:
    return lambda source: LinkError(source, problem)


def _unreadable(problem: str) -> Callable[[str], CorpusError]:
    return lambda source: UnreadableError(source, problem)


def _defaults_for(
    folder: Path,
    base: Path,
    cache: dict[Path, dict[str, Any]],
    top: dict[str, Any],
    follow_links: bool = False,
) -> dict[str, Any]:
    if folder in cache:
        return cache[folder]
    inherited = (
        top
        if folder == base or base not in folder.parents
        else _defaults_for(folder.parent, base, cache, top, follow_links)
    )
    merged = dict(inherited)
    cache[folder] = merged
    defaults_file = folder / DEFAULTS_FILE
    if defaults_file.is_file():
        relative = _readable_name(defaults_file.relative_to(base).as_posix())
        if (
            not follow_links
            and defaults_file.is_symlink()
            and base.resolve() not in defaults_file.resolve().parents
        ):
            raise LinkError(
                relative,
                f"a symbolic link to a file outside the corpus folder; {_NOT_FOLLOWED}",
            )
        text, _ = decode_bytes(_read_bytes(defaults_file, relative, DEFAULT_MAX_BYTES), relative)
        merged.update(_parse_yaml_mapping(text, relative, "corpus defaults"))
    return merged


def _read_bytes(path: Path, source: str, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise OversizeArticleError(
                source, f"{_megabytes(size)}, over the {_megabytes(max_bytes)} limit (max_bytes)"
            )
        with path.open("rb") as stream:
            data = _read_at_most(stream, max_bytes + 1)  # the file may have grown since stat()
    except OSError as err:
        raise UnreadableError(source, f"cannot be read: {err.strerror or err}") from None
    if len(data) > max_bytes:
        raise OversizeArticleError(
            source, f"over {_megabytes(max_bytes)}, the limit (max_bytes), when read"
        )
    return data


def _read_at_most(stream: Any, limit: int) -> bytes:
    """Up to ``limit`` bytes, read a megabyte at a time (``read(limit)`` would allocate
    ``limit`` bytes at once, and fail on a huge ``max_bytes``)."""
    blocks, total = [], 0
    while total < limit:
        block = stream.read(min(1 << 20, limit - total))
        if not block:
            break
        blocks.append(block)
        total += len(block)
    return b"".join(blocks)


def _check_regular_file(path: Path, source: str) -> None:
    """Refuse named pipes, devices and sockets (reading one may block forever)."""
    try:
        mode = path.stat().st_mode
    except OSError as err:
        raise UnreadableError(source, f"cannot be read: {err.strerror or err}") from None
    if not stat.S_ISREG(mode):
        raise UnreadableError(source, "not a regular file (a named pipe, device or socket)")


def _megabytes(n_bytes: int) -> str:
    """A size for messages: ``"61.2 MB"``, or ``"2,503 bytes"`` below one megabyte."""
    return f"{n_bytes / 1_000_000:.1f} MB" if n_bytes >= 1_000_000 else f"{n_bytes:,} bytes"


def _read_file(
    path: Path, source: str, defaults: Mapping[str, Any], max_bytes: int, strip_furniture: bool
) -> Iterator[Article | CorpusError]:
    suffix = path.suffix.lower()
    if path.name == DEFAULTS_FILE or suffix in IGNORED_SUFFIXES:
        return
    if suffix not in ARTICLE_SUFFIXES:
        yield UnsupportedFileError(
            source,
            f"not a corpus file: '{suffix or path.name}' is not one of {', '.join(ARTICLE_SUFFIXES)}",
        )
        return
    try:
        _check_regular_file(path, source)
        if suffix == ".txt":
            yield parse_txt(
                _read_bytes(path, source, max_bytes),
                source,
                defaults,
                strip_furniture=strip_furniture,
            )
        elif suffix == ".jsonl":
            yield from _read_jsonl(path, source, defaults, max_bytes, strip_furniture)
        else:
            yield from _read_csv(path, source, defaults, max_bytes, strip_furniture)
    except CorpusError as err:
        yield err
    except OSError as err:
        yield UnreadableError(source, f"cannot be read: {err.strerror or err}")


# --- decoding -------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def decode_bytes(data: bytes, source: str) -> tuple[str, str]:
    """Decode an article's bytes and report the encoding used.

    UTF-8 (with or without a byte-order mark) and UTF-16/32 with a BOM are decoded as such.
    Other bytes go to charset-normalizer; among its least chaotic candidates cp1252 (the
    usual legacy encoding of English news) is preferred. Line endings become ``\\n``.

    Raises
    ------
    EmptyArticleError, BinaryArticleError, ArticleEncodingError
        For no text, binary data, or bytes no encoding explains.
    """
    if not data.strip():
        raise EmptyArticleError(source, "empty file" if not data else "only white space, no text")
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    if encoding is None and b"\x00" in data:
        encoding = _utf16_without_bom(data)
        if encoding is None:
            raise BinaryArticleError(
                source, f"binary data, not text (NUL byte at offset {data.index(0)})"
            )
    try:
        text = data.decode(encoding or "utf-8")
        encoding = encoding or "utf-8"
    except UnicodeDecodeError as err:
        if encoding in ("utf-16-le", "utf-16-be"):
            raise BinaryArticleError(
                source, f"binary data, not text (NUL byte at offset {data.index(0)})"
            ) from None
        if encoding is not None:
            raise ArticleEncodingError(
                source, f"not valid {encoding} ({err.reason} at offset {err.start})"
            ) from None
        text, encoding = _decode_legacy(data, source, err)
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise EmptyArticleError(source, "only white space, no text")
    n_control = len(_CONTROL.findall(text, 0, 100_000))
    if n_control > max(2, len(text[:100_000]) // 100):
        raise BinaryArticleError(source, f"binary data, not text ({n_control} control characters)")
    return text, encoding


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4000]
    if len(sample) < 16:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.4 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _decode_legacy(data: bytes, source: str, err: UnicodeDecodeError) -> tuple[str, str]:
    matches = list(charset_normalizer.from_bytes(data))
    not_utf8 = f"not UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start})"
    if not matches:
        raise ArticleEncodingError(source, f"{not_utf8} and no other encoding could be detected")
    least_chaos = min(match.chaos for match in matches)
    calm = [match.encoding for match in matches if match.chaos <= least_chaos + 0.01]
    encoding = next((name for name in _LEGACY_ENCODINGS if name in calm), calm[0])
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        return str(matches[0]), matches[0].encoding


# --- metadata -------------------------------------------------------------------------


class _MetadataLoader(yaml.SafeLoader):
    """YAML's safe loader where every scalar but ``null`` stays text, and aliases are refused.

    Metadata are text: YAML 1.1 would turn ``country: NO`` (Norway) into ``False``, an id
    ``000123`` into the octal number 83 and a date into a ``datetime``. Aliases are refused
    because nested ones expand exponentially (the "billion laughs" document).
    """

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not allowed here", event.start_mark
            )
        return super().compose_node(parent, index)


def _tagged_scalar_as_text(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """An explicitly tagged scalar (``!!float abc``, ``!!binary ...``) kept as its text."""
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    raise yaml.constructor.ConstructorError(
        None, None, f"the tag {node.tag} expects a single value", node.start_mark
    )


def _set_as_sorted_list(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """``!!set`` as a sorted list: a Python set's order changes from run to run."""
    members = loader.construct_mapping(node)
    return sorted(members, key=str)


for _tag in ("bool", "int", "float", "binary", "timestamp"):
    _MetadataLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _tagged_scalar_as_text)
_MetadataLoader.add_constructor("tag:yaml.org,2002:set", _set_as_sorted_list)

_MetadataLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regex)
        for tag, regex in resolvers
        if tag in ("tag:yaml.org,2002:null", "tag:yaml.org,2002:merge")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _parse_yaml_mapping(text: str, source: str, what: str) -> dict[str, Any]:
    try:
        value = yaml.load(text, Loader=_MetadataLoader)  # a SafeLoader subclass
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        reason = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise MetadataError(source, f"{what} is not valid YAML: {reason}{where}") from None
    except RecursionError:
        raise MetadataError(source, f"{what} is nested too deeply to read") from None
    except (ValueError, TypeError, OverflowError, ArithmeticError) as err:  # a tag's constructor
        raise MetadataError(source, f"{what} has a value YAML cannot build: {err}") from None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MetadataError(
            source, f"{what} must be 'key: value' lines, found a {type(value).__name__}"
        )
    keys, items = list(value), list(value.values())
    chosen, _ = _keyed(keys)  # `id` and `article_id` both given: `article_id` wins
    return {key: items[i] for key, i in chosen.items()}


def _key(name: Any) -> str:
    """A metadata key as the loader uses it: text, lowercased, aliases resolved."""
    key = _no_surrogates(str(name)).strip().lower()
    return _ALIASES.get(key, key)


def _keyed(names: Iterable[Any]) -> tuple[dict[str, int], list[str]]:
    """Which field each loader key is read from, and a sentence per clash.

    Two fields can give one key (``body`` and ``text``, ``id`` and ``article_id``, ``Title``
    and ``title``): the one named as the key itself wins, else the first; never silently.
    """
    chosen: dict[str, int] = {}
    named: dict[str, str] = {}
    clashes = []
    for i, name in enumerate(names):
        key, plain = _key(name), _no_surrogates(str(name)).strip()
        if key not in chosen:
            chosen[key], named[key] = i, plain
            continue
        winner, loser = named[key], plain
        if plain.lower() == key and winner.lower() != key:
            winner, loser = plain, winner
            chosen[key], named[key] = i, plain
        clashes.append(
            f"'{winner}' and '{loser}' both give '{key}': '{winner}' used, '{loser}' ignored"
        )
    return chosen, clashes


def _clash_message(clashes: list[str], where: str) -> str:
    if where == "header":
        return f"{'; '.join(clashes)}, in every record (the records are loaded)"
    return f"{'; '.join(clashes)} (the record is loaded; said once per file)"


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _no_surrogates(text: str) -> str:
    """Replace lone UTF-16 surrogates (from JSON or YAML escapes) with U+FFFD.

    They cannot be written as UTF-8, so they would break every output file later.
    """
    return _SURROGATE.sub("\ufffd", text)


def clean_metadata(
    raw: Mapping[str, Any], source: str
) -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """Check and normalise metadata values: standard keys as text, extras kept.

    ``date`` becomes ``YYYY-MM-DD`` (a time part is dropped); ``country`` must be an ISO
    3166-1 alpha-2 code (any case). Lists or mappings in a standard key are errors.

    Raises
    ------
    MetadataError
        Naming the key, the value found and what was expected.
    """
    meta: dict[str, str] = {}
    for key in METADATA_KEYS:
        value = raw.get(key)
        if isinstance(value, list | dict | set | tuple):
            raise MetadataError(
                source, f"metadata '{key}' is a {type(value).__name__}, expected text"
            )
        meta[key] = "" if value is None else _as_text(value).strip()
    meta["date"] = _clean_date(raw.get("date"), meta["date"], source)
    meta["country"] = _clean_country(meta["country"], source)
    extra = tuple(
        (f"meta_{key}" if key in _PROVENANCE else key, _as_text(value))
        for key, value in sorted(raw.items())
        if key not in METADATA_KEYS and key != "text" and value is not None
    )
    return meta, extra


def _as_text(value: Any) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | dict | tuple):
        return _no_surrogates(json.dumps(value, ensure_ascii=False, default=str))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _no_surrogates(str(value))


def _clean_date(value: Any, text: str, source: str) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date) or not text:
        return text
    match = _DATE.fullmatch(text)
    try:
        if match is None:
            raise ValueError
        return dt.date(*map(int, match.groups())).isoformat()
    except ValueError:
        raise MetadataError(
            source, f"metadata 'date' is '{text}', not a date written YYYY-MM-DD"
        ) from None


def _clean_country(code: str, source: str) -> str:
    if not code:
        return ""
    if len(code) == 2 and pycountry.countries.get(alpha_2=code.upper()) is not None:
        return code.upper()
    try:
        hint = f" (for {code}, '{pycountry.countries.lookup(code).alpha_2}')"
    except LookupError:
        hint = " such as 'LY' or 'US'"
    raise MetadataError(
        source, f"metadata 'country' is '{code}', expected an ISO 3166-1 alpha-2 code{hint}"
    )


# --- formats --------------------------------------------------------------------------

_FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)


def parse_txt(
    data: bytes,
    source: str,
    defaults: Mapping[str, Any] | None = None,
    *,
    strip_furniture: bool = True,
) -> Article:
    """Parse one ``.txt`` article: front matter, title and author lines, body, furniture.

    Parameters
    ----------
    data : bytes
        The file's bytes.
    source : str
        The file named in errors and in ``Article.source``; its name without ``.txt`` is
        the default ``article_id``.
    defaults : mapping, optional
        Metadata used where the file gives none.

    Raises
    ------
    CorpusError
        A subclass naming ``source`` and the problem.
    """
    text, encoding = decode_bytes(data, source)
    raw: dict[str, Any] = {}
    if re.match(r"---[ \t]*\n", text):
        closing = _FRONT_MATTER_END.search(text, 4)
        if closing is None:
            raise MetadataError(
                source, "front matter opened with '---' on line 1 is never closed by a '---' line"
            )
        raw = _parse_yaml_mapping(text[4 : closing.start()], source, "front matter")
        text = text[closing.end() :]
    body = text.strip("\n")
    if "title" not in raw:  # an explicit empty title means "no title", not "take a line"
        title, rest = _first_line(body)
        if looks_like_title(title):
            raw["title"], body = title, rest
    if "author" not in raw:
        line, rest = _first_line(body)
        found = _AUTHOR_LINE.fullmatch(line)
        if found and (found["name"] or len(found["byline"].split()) <= 6):
            raw["author"], body = (found["name"] or found["byline"]).strip(), rest
    article_id = Path(source).with_suffix("").as_posix()
    return _build_article(
        {**(defaults or {}), "article_id": article_id, **raw},
        body,
        source,
        encoding,
        strip_furniture,
    )


_TITLE_CLOSERS = "\"'”’)]»"
_ABBREVIATION_END = re.compile(r"(?:\b(?:[A-Za-z]\.){2,}|\b(?:Inc|Ltd|Co|Corp|Jr|Sr|St|No)\.)$")
_TWO_SENTENCES = re.compile(r"\w[.!?][\"'”’)]*\s+[\"“‘(]?[A-Z]")


def looks_like_title(line: str) -> bool:
    """Whether the first line of a ``.txt`` reads as a title rather than body text.

    A line is body text, not a title, when it is longer than :data:`MAX_TITLE_CHARS`, ends
    with a full stop (after any closing quotation mark or bracket; "U.S." or "Inc." at the
    end do not count), holds two sentences ("Rain fell. Roads shut"), or is the only
    paragraph of the file (``rest`` empty). Headlines rarely end with a full stop; a
    headline that asks or exclaims ("Is the dam safe?") is still a title.

    Examples
    --------
    >>> looks_like_title("Dam opens after ten years")
    True
    >>> looks_like_title("“We are ready,” said Governor Ada Lang.")
    False
    >>> looks_like_title("Rain fell. Roads shut")
    False
    >>> looks_like_title("Fed raises rates in the U.S.")
    True
    """
    line = line.strip()
    if not line or len(line) > MAX_TITLE_CHARS:
        return False
    end = line.rstrip(_TITLE_CLOSERS)
    if end.endswith(".") and not _ABBREVIATION_END.search(end):
        return False
    return not _TWO_SENTENCES.search(line)


def _first_line(text: str) -> tuple[str, str]:
    text = text.lstrip()
    line, _, rest = text.partition("\n")
    return line.strip(), rest.lstrip("\n")


def _build_article(
    raw: Mapping[str, Any], body: str, source: str, encoding: str, strip_furniture: bool
) -> Article:
    meta, extra = clean_metadata(raw, source)
    body = _no_surrogates(body.strip())
    if not body:
        raise EmptyArticleError(source, "no article text after the metadata and title")
    if not meta["article_id"]:
        raise MetadataError(source, "metadata 'article_id' is empty")
    furniture = ""
    if strip_furniture:
        body, furniture = split_furniture(body)
    return Article(
        **meta, text=body, source=source, encoding=encoding, furniture=furniture, extra=extra
    )


def split_furniture(body: str) -> tuple[str, str]:
    """Split trailing page furniture (related-article headlines) off an article body.

    The rule: while the body has more than one paragraph, a last paragraph of one line,
    at most 20 words, in headline capitals (at least 60% of its words of four or more
    letters capitalised), that does not end like a sentence (``. ! ? : ; …``, a closing
    quotation mark or bracket) is a headline left by the web page, not article text.

    Returns
    -------
    (str, str)
        The body without the furniture, and the furniture lines joined by ``\\n``.

    Examples
    --------
    >>> split_furniture("He said it.\\n\\nRelated: Other Story Here")
    ('He said it.', 'Related: Other Story Here')
    """
    paragraphs = re.split(r"\n[ \t]*\n", body)
    removed: list[str] = []
    while len(paragraphs) > 1:
        last = paragraphs[-1].strip()
        if (
            "\n" in last
            or len(last.split()) > 20
            or last.endswith(_SENTENCE_END)
            or not _headline_capitals(last)
        ):
            break
        removed.insert(0, last)
        paragraphs.pop()
    if not removed:
        return body, ""
    return "\n\n".join(paragraphs).rstrip(), "\n".join(removed)


def _headline_capitals(line: str) -> bool:
    long_words = [word for word in re.findall(r"[^\W\d_]{4,}", line)]
    capitalised = sum(word[0].isupper() for word in long_words)
    return bool(long_words) and capitalised >= 0.6 * len(long_words)


def _record_article(
    record: Mapping[str, Any],
    source: str,
    default_id: str,
    defaults: Mapping[str, Any],
    encoding: str,
    max_bytes: int,
    strip_furniture: bool,
) -> Article:
    fields = {_key(k): v for k, v in record.items()}
    if "text" not in fields:
        raise RecordFormatError(
            source, f"no 'text' field (fields: {', '.join(sorted(fields)) or 'none'})"
        )
    text = fields.pop("text")
    if not isinstance(text, str):
        raise MetadataError(source, f"'text' is a {type(text).__name__}, expected a string")
    if len(text) > max_bytes:
        raise OversizeArticleError(
            source, f"text of {len(text):,} characters, over the max_bytes limit of {max_bytes:,}"
        )
    if not text.strip():
        raise EmptyArticleError(source, "empty 'text'")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    merged = {
        **defaults,
        "article_id": default_id,
        **{k: v for k, v in fields.items() if v not in ("", None)},
    }
    return _build_article(merged, text, source, encoding, strip_furniture)


def _read_jsonl(
    path: Path, source: str, defaults: Mapping[str, Any], max_bytes: int, strip_furniture: bool
) -> Iterator[Article | CorpusError]:
    stem = Path(source).with_suffix("").as_posix()
    any_record = False
    line_limit = _record_limit(max_bytes)
    reported: set[tuple[str, ...]] = set()  # alias clashes, each said once per file
    with path.open("rb") as stream:
        encoding = _wide_encoding(stream)
        if encoding is None:
            lines = _bounded_lines(stream, line_limit)
        else:  # UTF-16/32 with a byte-order mark: re-encoded line by line as UTF-8
            wide = io.TextIOWrapper(stream, encoding=encoding, errors="surrogateescape")
            lines = _bounded_lines(_Utf8Lines(wide), line_limit)
        number = 0
        try:
            for number, line in enumerate(lines, start=1):
                where = f"{source}:{number}"
                if line is _TOO_LONG:
                    any_record = True
                    yield OversizeArticleError(
                        where,
                        f"line of over {_megabytes(line_limit)}, too long for an article under "
                        f"the max_bytes limit of {max_bytes:,}",
                    )
                    continue
                if number == 1:
                    line = line.removeprefix(codecs.BOM_UTF8)
                if not line.strip():
                    continue
                any_record = True
                try:
                    try:
                        decoded = line.decode("utf-8")
                    except UnicodeDecodeError as err:
                        raise ArticleEncodingError(
                            where,
                            f"not UTF-8 (byte 0x{line[err.start]:02x} at column {err.start + 1})",
                        ) from None
                    try:
                        record = json.loads(decoded)
                    except json.JSONDecodeError as err:
                        truncated = (
                            " (the file may be truncated)" if not line.endswith(b"\n") else ""
                        )
                        raise RecordFormatError(
                            where, f"not valid JSON: {err.msg} (column {err.colno}){truncated}"
                        ) from None
                    except ValueError as err:  # e.g. an integer of more than 4300 digits
                        raise RecordFormatError(where, f"not usable JSON: {err}") from None
                    except RecursionError:
                        raise RecordFormatError(
                            where, "not usable JSON: nested too deeply to read"
                        ) from None
                    if not isinstance(record, dict):
                        raise RecordFormatError(
                            where,
                            f"a JSON {type(record).__name__}, expected an object with a 'text' field",
                        )
                    chosen, clashes = _keyed(record)
                    if clashes and tuple(clashes) not in reported:
                        reported.add(tuple(clashes))
                        yield MetadataError(where, _clash_message(clashes, "record"))
                    values = list(record.values())
                    yield _record_article(
                        {key: values[i] for key, i in chosen.items()},
                        where,
                        f"{stem}:{number}",
                        defaults,
                        encoding or "utf-8",
                        max_bytes,
                        strip_furniture,
                    )
                except CorpusError as err:
                    yield err
        except UnicodeDecodeError as err:  # a UTF-16/32 file cut inside a character
            any_record = True
            yield ArticleEncodingError(
                f"{source}:{number + 1}",
                f"not valid {encoding} ({err.reason}); the rest of the file was skipped",
            )
    if not any_record:
        yield EmptyArticleError(source, "empty file, no JSON lines")


_TOO_LONG = b"<line over the limit>"
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def _record_limit(max_bytes: int) -> int:
    """Longest JSONL line or CSV field read: room for escapes and metadata around the text."""
    return min(4 * max_bytes + 1_000_000, _LONGEST_RECORD)


_LONGEST_RECORD = 2**31 - 1
"""The csv module's field limit is a C long (32 bits on Windows): a JSONL line or CSV field
is never read past 2 GiB, whatever ``max_bytes`` says."""


def _wide_encoding(stream: Any) -> str | None:
    """``"utf-16"``/``"utf-32"`` when a binary stream opens with their byte-order mark.

    The stream is left at its start.
    """
    head = stream.read(4)
    stream.seek(0)
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


@dataclass(frozen=True, slots=True)
class _Utf8Lines:
    """A text stream seen as a binary one: ``readline`` returns UTF-8 bytes."""

    text: Any

    def readline(self, limit: int = -1) -> bytes:
        return self.text.readline(limit).encode("utf-8", "surrogateescape")


def _bounded_lines(stream: Any, limit: int) -> Iterator[bytes]:
    """Lines of a binary stream; a line longer than ``limit`` is skipped and yields ``_TOO_LONG``.

    Memory stays bounded by ``limit`` whatever the file holds (a file with no newline at all).
    """
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = stream.readline(1_000_000)
            yield _TOO_LONG
        else:
            yield line


class _ReplayableLines:
    """The lines of a text stream, numbered, where the lines of the record being read can
    be handed out again.

    After a CSV error, the bad record's lines but its first are read again as new records,
    so a stray quote costs its own line and never the next good row. Only the lines of the
    current record are kept (a record spans several lines only inside a quoted field, whose
    size the csv module limits).
    """

    def __init__(self, stream: Iterator[str]) -> None:
        self._stream = stream
        self._pending: collections.deque[tuple[int, str]] = collections.deque()
        self._record: list[tuple[int, str]] = []
        self._last = 0

    def __iter__(self) -> _ReplayableLines:
        return self

    def __next__(self) -> str:
        if self._pending:
            number, line = self._pending.popleft()
        else:
            line = next(self._stream)
            self._last += 1
            number = self._last
        self._record.append((number, line))
        return line

    @property
    def next_number(self) -> int:
        """The number of the line the next record starts on."""
        return self._pending[0][0] if self._pending else self._last + 1

    @property
    def record_end(self) -> int:
        """The number of the last line of the record read last."""
        return self._record[-1][0] if self._record else self._last

    def start_record(self) -> None:
        self._record = []

    def replay_all_but_first(self) -> int:
        """Hand out the current record's lines again, but its first; return its last line."""
        end = self.record_end
        self._pending.extendleft(reversed(self._record[1:]))
        self._record = []
        return end

    def skip_quoted_rest(self) -> int:
        """Drop the current record, reading on to the line that closes its open quotation
        mark (an even number of ``"`` so far); return the last line dropped."""
        quotes = sum(line.count('"') for _, line in self._record)
        self._record = []
        while quotes % 2:
            try:
                line = next(self)
            except StopIteration:
                break
            quotes += line.count('"')
            self._record = []
        return self._last if not self._pending else self._pending[0][0] - 1


def _read_csv(
    path: Path, source: str, defaults: Mapping[str, Any], max_bytes: int, strip_furniture: bool
) -> Iterator[Article | CorpusError]:
    stem = Path(source).with_suffix("").as_posix()
    with path.open("rb") as raw_stream:
        head = raw_stream.read(1_000_000)
    if not head.strip():
        yield EmptyArticleError(source, "empty file")
        return
    try:
        head.decode("utf-8")
        encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    except UnicodeDecodeError as err:
        if len(head) == 1_000_000 and err.start >= len(head) - 4:  # cut by the 1 MB sample
            encoding = "utf-8"
        else:
            _, encoding = decode_bytes(head, source)
    field_limit = max(_record_limit(max_bytes), 131_072)
    csv.field_size_limit(field_limit)

    # Undecodable bytes become lone surrogates (\udc80-\udcff), which no decoded text
    # holds otherwise: the record that contains them is a problem, the rest reads on.
    with path.open("r", encoding=encoding, errors="surrogateescape", newline="") as stream:
        lines = _ReplayableLines(stream)
        reader = csv.reader(lines, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            yield EmptyArticleError(source, "empty file")
            return
        except (csv.Error, UnicodeDecodeError) as err:
            yield RecordFormatError(source, f"the header cannot be read: {err}")
            return
        columns = [_key(name) for name in header]
        if "text" not in columns:
            names = ", ".join(_no_surrogates(name) for name in header)
            yield RecordFormatError(source, f"no 'text' column (columns: {names})")
            return
        chosen, clashes = _keyed(header)
        if clashes:
            yield MetadataError(source, _clash_message(clashes, "header"))
        bad: list[Any] | None = None  # [first line, last line, what] of a bad run of lines
        replayed_until = 0  # lines up to this one are a bad record's, read again

        def flush() -> Iterator[CorpusError]:
            nonlocal bad
            if bad is not None:
                first, last, what = bad
                span = f"line {first}" if last <= first else f"lines {first}-{last}"
                yield RecordFormatError(
                    f"{source}:{first}",
                    f"bad CSV ({what}); {span} skipped, reading went on after it",
                )
                bad = None

        def fold(first: int, last: int, what: str) -> Iterator[CorpusError]:
            """A bad line: part of the bad run being read again, or a new one."""
            nonlocal bad
            if bad is not None and first <= replayed_until:
                bad[1] = max(bad[1], last)
                return
            yield from flush()
            bad = [first, last, what]

        while True:
            start_line = lines.next_number
            where = f"{source}:{start_line}"
            lines.start_record()
            try:
                row = next(reader)
            except StopIteration:
                yield from flush()
                return
            except csv.Error as err:
                reader = csv.reader(lines, strict=True)
                if "field larger than field limit" in str(err):
                    yield from flush()
                    last = lines.skip_quoted_rest()
                    span = (
                        f"lines {start_line}-{last}" if last > start_line else f"line {start_line}"
                    )
                    yield OversizeArticleError(
                        where,
                        f"a field of over {field_limit:,} characters, too long for an article "
                        f"under the max_bytes limit of {max_bytes:,}; {span} skipped",
                    )
                    continue
                end = lines.replay_all_but_first()
                yield from fold(start_line, start_line, str(err))
                replayed_until = max(replayed_until, end)
                continue
            except UnicodeDecodeError as err:
                yield from flush()
                yield ArticleEncodingError(
                    where, f"not {encoding} ({err.reason}); the rest of the file was skipped"
                )
                return
            if not any(cell.strip() for cell in row):
                continue
            escaped = next((m for cell in row if (m := _ESCAPED_BYTE.search(cell))), None)
            if escaped is not None:
                yield from flush()
                byte = ord(escaped.group()) - 0xDC00
                yield ArticleEncodingError(
                    where, f"not {encoding} (byte 0x{byte:02x} in this record); record skipped"
                )
                continue
            if len(row) != len(columns):
                if bad is not None and start_line <= replayed_until:
                    yield from fold(start_line, lines.record_end, "")
                    continue
                yield from flush()
                yield RecordFormatError(where, f"{len(row)} fields, the header has {len(columns)}")
                continue
            yield from flush()
            try:
                yield _record_article(
                    {key: row[i] for key, i in chosen.items()},
                    where,
                    f"{stem}:{start_line}",
                    defaults,
                    encoding,
                    max_bytes,
                    strip_furniture,
                )
            except CorpusError as err:
                yield err


def summarize_corpus(corpus: Corpus) -> pd.DataFrame:
    """One row per outlet: articles, characters, date range, and the problems count.

    Returns
    -------
    pandas.DataFrame
        Columns ``outlet``, ``n_articles``, ``n_chars``, ``first_date``, ``last_date``,
        sorted by outlet (``""`` for articles without one).
    """
    articles = corpus.articles.assign(
        n_chars=lambda d: d["text"].str.len(), date=lambda d: d["date"].replace("", None)
    )
    return (
        articles.groupby("outlet", as_index=False)
        .agg(
            n_articles=("article_id", "size"),
            n_chars=("n_chars", "sum"),
            first_date=("date", "min"),
            last_date=("date", "max"),
        )
        .fillna({"first_date": "", "last_date": ""})
        .sort_values("outlet", ignore_index=True)
    )


def read_text(path: str | os.PathLike[str]) -> str:
    """Read one text file the way the loader does (encoding detection, ``\\n`` line ends)."""
    source = Path(path).name
    return decode_bytes(_read_bytes(Path(path), source, DEFAULT_MAX_BYTES), source)[0]


__all__ = [
    "ARTICLE_COLUMNS",
    "PROBLEM_COLUMNS",
    "Article",
    "Corpus",
    "clean_metadata",
    "decode_bytes",
    "iter_corpus",
    "load_corpus",
    "parse_txt",
    "read_text",
    "split_furniture",
    "summarize_corpus",
]

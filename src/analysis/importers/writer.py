"""Write articles in the corpus format and collect what each importer wrote or skipped.

The corpus format is one UTF-8 ``<article_id>.txt`` file per article: YAML front matter
between ``---`` lines (``article_id``, ``title``, ``outlet``, ``country``, ``date``, ``url``,
``author``, ``license``, then any extra keys), then the body, paragraphs separated by one
blank line. ``analysis.corpus.load_corpus`` reads it back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
import pycountry
import yaml

from analysis.errors import MetadataError, OutputError

FRONT_MATTER_KEYS = ("article_id", "title", "outlet", "country", "date", "url", "author", "license")
WRITTEN_COLUMNS = ["source", "article_id", "path", "title", "date", "note"]
SKIPPED_COLUMNS = ["source", "article_id", "kind", "problem"]
MAX_ID_CHARS = 120
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_NO_WRAP = 2**31 - 1
_RESERVED_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{port}{n}" for port in ("COM", "LPT") for n in [*"123456789", "¹", "²", "³"]]
)
"""File names Windows refuses whatever their extension."""
_SURROGATE = re.compile(r"[\ud800-\udfff]")

# kinds of skipped item, in the order the command-line summary lists them
SKIP_KINDS = (
    "exists",
    "duplicate",
    "no_text",
    "bad_record",
    "filtered",
    "not_article",
    "truncated",
)


@dataclass(frozen=True, slots=True)
class ImportedArticle:
    """One article ready to be written in the corpus format.

    Attributes
    ----------
    article_id : str
        Filesystem-safe id (see `safe_article_id`); also the file name without ``.txt``.
    body : str
        Article text, paragraphs separated by one blank line, no title line.
    title, outlet, country, date, url, author, license : str
        Front matter; empty when unknown. ``country`` is ISO 3166-1 alpha-2 and ``date``
        ``YYYY-MM-DD``.
    extra : dict
        Further front-matter keys written after the standard ones, in insertion order.
    """

    article_id: str
    body: str
    title: str = ""
    outlet: str = ""
    country: str = ""
    date: str = ""
    url: str = ""
    author: str = ""
    license: str = ""
    extra: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class ImportReport:
    """What an importer wrote and what it skipped, and why.

    Attributes
    ----------
    into : Path
        The corpus folder written to.
    written : pd.DataFrame
        One row per article file written: ``source``, ``article_id``, ``path`` (file name
        inside ``into``), ``title``, ``date``, ``note`` (metadata that could not be
        normalised and was kept under an ``*_original`` key; usually empty).
    skipped : pd.DataFrame
        One row per item not written: ``source`` (file, ``file:line`` or page title),
        ``article_id`` (empty when none was derived), ``kind`` (one of ``exists``,
        ``duplicate``, ``no_text``, ``bad_record``, ``filtered``, ``not_article``,
        ``truncated``) and ``problem`` (a sentence).
    notes : tuple of str
        Lines the summary adds (``import table``: which columns it used and dropped).
    """

    into: Path
    written: pd.DataFrame
    skipped: pd.DataFrame
    notes: tuple[str, ...] = ()

    @property
    def n_written(self) -> int:
        """Number of article files written."""
        return len(self.written)

    @property
    def n_skipped(self) -> int:
        """Number of items skipped."""
        return len(self.skipped)

    def summary(self) -> str:
        """One line: files written and skipped items counted by kind."""
        line = f"wrote {self.n_written} article(s) to {self.into}"
        if self.n_skipped:
            counts = self.skipped["kind"].value_counts()
            kinds = [k for k in SKIP_KINDS if k in counts] + sorted(
                k for k in counts.index if k not in SKIP_KINDS
            )
            line += f"; skipped {self.n_skipped}: " + ", ".join(f"{counts[k]} {k}" for k in kinds)
        return "\n".join([line, *self.notes])


@dataclass(slots=True)
class ReportRows:
    """Rows an importer collects while it runs; `finish_report` turns them into a report."""

    into: Path
    overwrite: bool = False
    written: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    ids_seen: dict[str, str] = field(default_factory=dict)
    """Source of each article id written, keyed by the id case-folded (``Abc`` and ``abc``
    are one file on Windows and macOS)."""
    raw_ids: dict[str, str] = field(default_factory=dict)
    """The raw id each written article id was cleaned from, keyed like ``ids_seen``."""

    def skip(self, source: str, kind: str, problem: str, article_id: str = "") -> None:
        """Record one skipped item."""
        self.skipped.append(
            {"source": source, "article_id": article_id, "kind": kind, "problem": problem}
        )

    def store(
        self, article: ImportedArticle, source: str, *, note: str = "", raw_id: str = ""
    ) -> bool:
        """Write `article` unless it is empty, a duplicate of this run, or already on disk.

        ``raw_id`` is the id the article's was cleaned from (`safe_article_id`): two
        distinct raw ids that clean to one name (``a/b`` and ``a:b``, ``Abc`` and ``abc``)
        are two articles, the second written as ``<id>-<8 hex digits of its raw id>``;
        the same raw id twice is a duplicate.

        Returns True when the file was written; otherwise a skipped row says why.
        """
        if not article.body.strip():
            self.skip(source, "no_text", "no article text found", article.article_id)
            return False
        key = article.article_id.casefold()
        if raw_id and key in self.raw_ids and self.raw_ids[key] != raw_id:
            digest = hashlib.sha256(raw_id.encode("utf-8", "surrogatepass")).hexdigest()[:8]
            renamed = f"{article.article_id[: MAX_ID_CHARS - 9]}-{digest}"
            clash = (
                f"id {raw_id!r} cleans to the file name of the earlier id "
                f"{self.raw_ids[key]!r}; written as {renamed}"
            )
            note = f"{note}; {clash}" if note else clash
            article = replace(article, article_id=renamed)
            key = renamed.casefold()
        first = self.ids_seen.get(key)
        if first is not None:
            self.skip(
                source,
                "duplicate",
                f"article_id {article.article_id!r} was already imported from {first}",
                article.article_id,
            )
            return False
        self.ids_seen[key] = source
        self.raw_ids[key] = raw_id or article.article_id
        path = self.into / f"{article.article_id}.txt"
        if path.exists() and not self.overwrite:
            self.skip(
                source,
                "exists",
                f"{path.name} already exists in {self.into}; not overwritten "
                "(pass overwrite=True / --overwrite to replace it)",
                article.article_id,
            )
            return False
        write_article(article, self.into, overwrite=self.overwrite)
        self.written.append(
            {
                "source": source,
                "article_id": article.article_id,
                "path": path.name,
                "title": article.title,
                "date": article.date,
                "note": note,
            }
        )
        return True


def finish_report(rows: ReportRows) -> ImportReport:
    """Freeze collected rows into an `ImportReport` (same columns even when empty)."""
    return ImportReport(
        into=rows.into,
        written=pd.DataFrame(_no_surrogates(rows.written), columns=WRITTEN_COLUMNS),
        skipped=pd.DataFrame(_no_surrogates(rows.skipped), columns=SKIPPED_COLUMNS),
    )


def prepare_folder(into: Path | str) -> Path:
    """Create the corpus folder if needed.

    Raises
    ------
    OutputError
        When `into` exists but is not a folder, or cannot be created.
    """
    into = Path(into)
    if into.exists() and not into.is_dir():
        raise OutputError(f"{into}: exists and is not a folder; cannot write articles into it")
    try:
        into.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"{into}: cannot create the corpus folder ({err.strerror})") from err
    return into


def safe_article_id(raw: str, *, fallback: str = "article") -> str:
    """Make `raw` usable as a file name on every common filesystem.

    Letters are folded to ASCII (``é`` -> ``e``), anything but letters, digits, ``.``,
    ``_`` and ``-`` becomes ``-``, runs of ``-`` collapse, leading dots and dashes are
    dropped, and the result is cut to 120 characters. An id left empty becomes `fallback`.
    A name Windows reserves (``CON``, ``NUL``, ``COM1``...) gets a trailing ``_``.

    Examples
    --------
    >>> safe_article_id("Le Monde / 2021: été")
    'Le-Monde-2021-ete'
    >>> safe_article_id("com1")
    'com1_'
    """
    ascii_text = unicodedata.normalize("NFKD", str(raw)).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_text)
    cleaned = re.sub(r"-{2,}", "-", cleaned).strip("-.")[:MAX_ID_CHARS].rstrip("-.")
    cleaned = cleaned or fallback
    if cleaned.split(".", 1)[0].upper() in _RESERVED_NAMES:  # CON.txt cannot exist on Windows
        cleaned = f"{cleaned[: MAX_ID_CHARS - 1]}_"
    return cleaned


def slugify(text: str, *, max_chars: int = 60) -> str:
    """Lowercase ASCII slug of `text` (words joined by ``-``), cut after a whole word.

    Examples
    --------
    >>> slugify("Café opens, 24 hours a day", max_chars=18)
    'cafe-opens-24'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > max_chars:
        cut = slug[: max_chars + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:max_chars]
    return slug


def normalize_body(text: str, *, lines_are_paragraphs: bool = False) -> str:
    """Clean article text into paragraphs separated by exactly one blank line.

    Parameters
    ----------
    text : str
        Raw text; ``\\r\\n`` and ``\\r`` line ends are accepted.
    lines_are_paragraphs : bool, optional
        When True every non-blank line is its own paragraph; when False (the default)
        paragraphs are separated by blank lines, and a text with no blank line at all but
        several lines is also read one paragraph per line.

    Returns
    -------
    str
        Paragraphs with runs of spaces and tabs collapsed and ends stripped; single line
        breaks inside a blank-line-separated paragraph are kept.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text)
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    if lines_are_paragraphs or "" not in _inner(lines):
        paragraphs = [line for line in lines if line]
    else:
        paragraphs, current = [], []
        for line in [*lines, ""]:
            if line:
                current.append(line)
            elif current:
                paragraphs.append("\n".join(current))
                current = []
    return "\n\n".join(paragraphs)


def _inner(lines: list[str]) -> list[str]:
    """Lines without leading and trailing blank ones."""
    start = next((i for i, line in enumerate(lines) if line), len(lines))
    end = len(lines) - next((i for i, line in enumerate(reversed(lines)) if line), len(lines))
    return lines[start:end]


def one_line(text: object) -> str:
    """A metadata value on one line: whitespace runs collapsed, ends stripped."""
    if text is None:
        return ""
    return re.sub(r"\s+", " ", str(text)).strip()


def normalize_date(value: object) -> str:
    """``YYYY-MM-DD`` of a date given as text, or ``""`` when `value` is empty.

    ISO dates and datetimes (``2021-03-09``, ``2021-03-09T08:30:00Z``) keep their calendar
    date; other forms are read by ``dateutil`` month-first (``03/04/2021`` is 4 March).

    Raises
    ------
    ValueError
        When the text is not a date.
    """
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = one_line(value)
    if not text:
        return ""
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})(?:$|[T ])", text)
    if match:
        return dt.date(*map(int, match.groups())).isoformat()
    from dateutil import parser

    try:
        return parser.parse(text, default=dt.datetime(1900, 1, 1)).date().isoformat()
    except (ValueError, OverflowError) as err:
        raise ValueError(f"{text!r} is not a date") from err


def normalize_country(value: object) -> str:
    """ISO 3166-1 alpha-2 code of a country given by code or name, ``""`` when empty.

    Accepts alpha-2 (``fr``), alpha-3 (``FRA``) and names pycountry knows (``France``,
    ``Viet Nam``), case-insensitively, plus the short names in
    ``lexicons/importer_country_aliases.txt`` (``UK``, ``Russia``).

    Raises
    ------
    ValueError
        When the text names no country.
    """
    text = one_line(value)
    if not text:
        return ""
    from analysis.importers.countries import country_aliases

    alias = country_aliases().get(text.lower())
    if alias:
        return alias
    try:
        found = pycountry.countries.lookup(text)
    except LookupError:
        raise ValueError(f"{text!r} is not an ISO 3166-1 country code or name") from None
    return found.alpha_2


def check_country_argument(value: str | None) -> str:
    """Normalise a country given as an argument, raising `MetadataError` when unknown."""
    try:
        return normalize_country(value)
    except ValueError as err:
        raise MetadataError("country argument", str(err)) from None


def render_article(article: ImportedArticle) -> str:
    """The file text of `article`: YAML front matter, a ``---`` line, the body, a newline.

    Lone UTF-16 surrogates (``\\ud83d`` from a JSON escape), which no UTF-8 file can hold,
    become U+FFFD, as the loader does.
    """
    meta: dict[str, object] = {key: one_line(getattr(article, key)) for key in FRONT_MATTER_KEYS}
    for key, value in article.extra.items():
        if key not in meta:
            meta[key] = value
    meta = _no_surrogates(meta)
    # yaml.safe_dump's settings, with libyaml's emitter when present (3x faster)
    front = yaml.dump(meta, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=_NO_WRAP)
    return f"---\n{front}---\n{_no_surrogates(article.body.strip())}\n"


def _no_surrogates(value: Any) -> Any:
    """``value`` with lone surrogates in every string (keys, lists, mappings) as U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, Mapping):
        return {_no_surrogates(k): _no_surrogates(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_no_surrogates(v) for v in value]
    return value


def write_article(article: ImportedArticle, into: Path, *, overwrite: bool = False) -> Path:
    """Write `article` as ``into/<article_id>.txt`` and return the path.

    The file is written to a temporary name first and renamed, so an interrupted import
    never leaves half an article.

    Raises
    ------
    OutputError
        When the file exists and `overwrite` is False, or it cannot be written.
    """
    if safe_article_id(article.article_id, fallback="") != article.article_id:
        raise OutputError(
            f"{article.article_id!r}: not a plain file name (see safe_article_id); not written"
        )
    path = into / f"{article.article_id}.txt"
    if path.exists() and not overwrite:
        raise OutputError(f"{path}: already exists; pass overwrite=True to replace it")
    data = render_article(article).encode("utf-8")
    temporary = None
    try:
        temporary = _new_partial(into, article.article_id)
        temporary.write_bytes(data)
        os.replace(temporary, path)  # replaces a link at `path`, never writes through it
    except OSError as err:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write ({err.strerror})") from err
    return path


def _new_partial(into: Path, article_id: str) -> Path:
    """A new, empty ``.<id>.<random>.partial`` file in `into`.

    Created with ``O_EXCL`` and ``O_NOFOLLOW`` under a random name, so a file or a symbolic
    link planted at a predictable name is never opened (nor written through).
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    while True:
        temporary = into / f".{article_id}.{secrets.token_hex(6)}.partial"
        try:
            os.close(os.open(temporary, flags, 0o666))
        except FileExistsError:
            continue
        return temporary


def iter_files(
    folder_or_files: Path | str | Iterable[Path | str], suffixes: tuple[str, ...]
) -> list[Path]:
    """Files to import: the sorted matching files of a folder, or the given files."""
    if isinstance(folder_or_files, str | os.PathLike):
        root = Path(folder_or_files)
        if root.is_dir():
            return sorted(p for p in root.iterdir() if p.suffix.lower() in suffixes)
        return [root]
    return [Path(p) for p in folder_or_files]

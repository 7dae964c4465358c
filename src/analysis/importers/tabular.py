"""Import CSV or JSONL exports of news databases, with a column mapping, into a corpus.

The file is decoded in memory, then its rows are parsed and written one at a time, so a bad
row is reported and skipped without losing the others.

Columns are mapped to metadata by their usual names without any flag (:func:`map_columns`:
``headline`` is the title, ``link`` the url, ``publisher`` or ``source`` the outlet,
``byline`` the author, ``licence`` the license, ...; the names are in
``lexicons/table_column_names.txt``); a keyword argument (``text_column="Body"``,
``title_column="Headline"``...) overrides a guess. The report says which column gave each
key and which columns were dropped (``--extra-column NAME`` keeps one). ``defaults`` fills
metadata no column gives (``{"outlet": "Le Monde", "country": "FR"}``).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from charset_normalizer import from_bytes

from analysis.errors import ArticleEncodingError, RecordFormatError, UnreadableError
from analysis.importers.writer import (
    FRONT_MATTER_KEYS,
    ImportedArticle,
    ImportReport,
    ReportRows,
    finish_report,
    normalize_body,
    normalize_country,
    normalize_date,
    one_line,
    prepare_folder,
    safe_article_id,
)
from analysis.lexicons import load_lines

COLUMNS_LEXICON = "table_column_names"
KEYS = ("text", "title", "article_id", "date", "outlet", "url", "author", "license", "country")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
CSV_SUFFIXES = (".csv", ".tsv", ".txt")


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        best = from_bytes(data).best()
        if best is None:
            raise ArticleEncodingError(
                str(path), f"not UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start}) "
                "and no other encoding could be detected",
            ) from None  # fmt: skip
        return str(best)


def _csv_records(path: Path, text: str, delimiter: str | None) -> tuple[list[str], Iterator]:
    if delimiter is None:
        if path.suffix.lower() == ".tsv":
            delimiter = "\t"
        else:
            first_line = text.lstrip("\n").split("\n", 1)[0]
            delimiter = max(",;\t|", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise RecordFormatError(str(path), "empty file: no header row") from None

    def records() -> Iterator[tuple[str, dict | str]]:
        while True:
            start = reader.line_num + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as err:
                yield f"{path}:{start}", f"row cannot be parsed as CSV ({err})"
                continue
            if not any(v.strip() for v in values):
                continue
            source = f"{path}:{start}"
            if len(values) != len(header):
                yield (
                    source,
                    (
                        f"row has {len(values)} fields, the header has {len(header)}; "
                        "check the delimiter and quoting"
                    ),
                )
                continue
            yield source, dict(zip(header, values, strict=True))

    return header, records()


def _jsonl_records(path: Path, text: str) -> tuple[list[str], Iterator]:
    lines = text.splitlines()
    header: list[str] = []
    for line in lines:
        try:
            first = json.loads(line) if line.strip() else None
        except json.JSONDecodeError:
            continue
        if isinstance(first, dict):
            header = list(first)
            break

    def records() -> Iterator[tuple[str, dict | str]]:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            source = f"{path}:{number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                yield source, f"not valid JSON ({err.msg} at column {err.colno})"
                continue
            if not isinstance(record, dict):
                yield source, f"a JSON {type(record).__name__}, expected an object"
                continue
            yield source, record

    return header, records()


def _folded(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch not in " _-")


def column_aliases() -> dict[str, tuple[str, ...]]:
    """Metadata key -> usual column names, in order of preference (from the lexicon)."""
    aliases = {}
    for line in load_lines(COLUMNS_LEXICON):
        key, _, names = line.partition("|")
        aliases[key.strip()] = tuple(n.strip() for n in names.split(",") if n.strip())
    return aliases


def map_columns(header: Iterable[str], explicit: Mapping[str, str | None]) -> dict[str, str | None]:
    """Which column of ``header`` gives each metadata key.

    Parameters
    ----------
    header : iterable of str
        The file's column names.
    explicit : mapping
        Key -> column named by the caller (None: guess it).

    Returns
    -------
    dict
        One entry per key of :data:`KEYS`: the explicit column, else the first usual name
        (:func:`column_aliases`) present in the header (compared case-insensitively,
        ignoring spaces, ``_`` and ``-``) and not already used by another key, else None.

    Examples
    --------
    >>> mapped = map_columns(["Headline", "Body", "Link", "publisher", "source"], {})
    >>> {k: v for k, v in mapped.items() if v}
    {'text': 'Body', 'title': 'Headline', 'outlet': 'publisher', 'url': 'Link'}
    """
    header = list(header)
    by_folded: dict[str, str] = {}
    for name in header:
        by_folded.setdefault(_folded(name), name)
    mapping: dict[str, str | None] = {key: explicit.get(key) for key in KEYS}
    used = {column for column in mapping.values() if column is not None}
    for key, names in column_aliases().items():
        if key not in mapping or mapping[key] is not None:
            continue
        for name in names:
            column = by_folded.get(_folded(name))
            if column is not None and column not in used:
                mapping[key] = column
                used.add(column)
                break
    return mapping


def _column_notes(
    header: list[str], mapping: Mapping[str, str | None], extra: list[str]
) -> tuple[str, ...]:
    used = [f"{key} <- {column!r}" for key, column in mapping.items() if column is not None]
    taken = {c for c in mapping.values() if c is not None} | set(extra)
    dropped = [c for c in header if c not in taken]
    missing = [key for key, column in mapping.items() if column is None]
    notes = [f"columns used: {', '.join(used)}" + (f"; extra: {', '.join(extra)}" if extra else "")]
    if missing:
        notes.append(f"no column for: {', '.join(missing)}")
    if dropped:
        notes.append(f"columns dropped: {', '.join(dropped)} (keep one with --extra-column NAME)")
    return tuple(notes)


def _cell(record: Mapping, column: str | None) -> str:
    if column is None:
        return ""
    value = record.get(column)
    if value is None:
        return ""
    if isinstance(value, list | dict):
        raise ValueError(f"column {column!r} holds a JSON {type(value).__name__}, expected text")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def import_table(
    path: Path | str,
    into: Path | str,
    *,
    text_column: str | None = None,
    title_column: str | None = None,
    id_column: str | None = None,
    date_column: str | None = None,
    outlet_column: str | None = None,
    url_column: str | None = None,
    author_column: str | None = None,
    country_column: str | None = None,
    license_column: str | None = None,
    extra_columns: Iterable[str] = (),
    defaults: Mapping[str, object] | None = None,
    delimiter: str | None = None,
    overwrite: bool = False,
) -> ImportReport:
    """Write each row of a CSV or JSONL export as a corpus file.

    Parameters
    ----------
    path : Path or str
        ``.csv``/``.tsv`` (delimiter: whichever of ``, ; tab |`` the header line holds most, unless given) or
        ``.jsonl``/``.ndjson`` (one JSON object a line). UTF-8, else detected.
    into : Path or str
        Corpus folder; created when missing.
    text_column : str, optional
        Column holding the article text (default: guessed, ``text``, ``body``, ...).
    title_column, id_column, date_column, outlet_column, url_column, author_column, \
country_column, license_column : str, optional
        Columns mapped to front-matter keys; each not given is guessed from the usual
        names (:func:`map_columns`). Without an id column the id is
        ``<file stem>-<row number>`` (``export-000001``).
    extra_columns : iterable of str, optional
        Further columns copied into the front matter under their own names.
    defaults : mapping, optional
        Front-matter values for keys no mapped column gives, or where its cell is empty.
    delimiter : str, optional
        CSV delimiter, when sniffing guesses wrong.
    overwrite : bool, optional
        Replace existing files instead of skipping them.

    Returns
    -------
    ImportReport
        Written files and skipped rows (``source`` is ``file:line``); its ``notes`` say
        which column gave each key and which columns were dropped. A row with no text,
        a duplicate id, a malformed line or a non-text cell is skipped; the rest import. A
        date or country that cannot be normalised is left empty, kept as
        ``date_original`` / ``country_original``, and noted in ``written.note``.

    Raises
    ------
    RecordFormatError
        When a mapped column is not in the file's header (CSV) or first record (JSONL);
        the message names the file and the column and lists the columns found.
    UnreadableError, ArticleEncodingError
        When the file is missing or its encoding cannot be detected.
    """
    path = Path(path)
    if not path.is_file():
        raise UnreadableError(str(path), "no such file")
    text = _decode(path)
    is_jsonl = path.suffix.lower() in JSONL_SUFFIXES
    header, records = (
        _jsonl_records(path, text) if is_jsonl else _csv_records(path, text, delimiter)
    )
    explicit = {
        "text": text_column,
        "title": title_column,
        "article_id": id_column,
        "date": date_column,
        "outlet": outlet_column,
        "url": url_column,
        "author": author_column,
        "country": country_column,
        "license": license_column,
    }
    mapping = map_columns(header, explicit)
    if mapping["text"] is None:
        mapping["text"] = "text"  # reported below as a missing column, with the columns found
    extra_columns = list(extra_columns)
    wanted = [c for c in [*mapping.values(), *extra_columns] if c is not None]
    missing = [c for c in dict.fromkeys(wanted) if c not in header]
    if missing:
        where = "header" if not is_jsonl else "first record"
        raise RecordFormatError(
            str(path),
            f"no column {', '.join(repr(c) for c in missing)} in the {where} "
            f"(columns found: {', '.join(header) or 'none'})",
        )
    defaults = dict(defaults or {})
    rows = ReportRows(prepare_folder(into), overwrite=overwrite)
    for number, (source, record) in enumerate(records, start=1):
        if isinstance(record, str):
            rows.skip(source, "bad_record", record)
            continue
        _import_record(record, source, number, path, mapping, extra_columns, defaults, rows)
    report = finish_report(rows)
    return dataclasses.replace(report, notes=_column_notes(header, mapping, extra_columns))


def _import_record(
    record: Mapping,
    source: str,
    number: int,
    path: Path,
    mapping: Mapping[str, str | None],
    extra_columns: list[str],
    defaults: Mapping[str, object],
    rows: ReportRows,
) -> None:
    try:
        values = {key: one_line(_cell(record, column)) for key, column in mapping.items()}
        values["text"] = normalize_body(_cell(record, mapping["text"]))
        extra = {column: _cell(record, column) for column in extra_columns}
    except ValueError as err:
        rows.skip(source, "bad_record", str(err))
        return
    for key in FRONT_MATTER_KEYS:
        if not values[key] and defaults.get(key) not in (None, ""):
            values[key] = one_line(defaults[key])
    raw_id = values["article_id"] or f"{path.stem}-{number:06d}"
    article_id = safe_article_id(raw_id, fallback=f"{path.stem}-{number:06d}")
    notes: list[str] = []
    for key, normalize in (("date", normalize_date), ("country", normalize_country)):
        try:
            values[key] = normalize(values[key])
        except ValueError as err:
            extra[f"{key}_original"] = values[key]
            notes.append(f"{key}: {err}; kept as {key}_original")
            values[key] = ""
    for key, value in defaults.items():
        if key not in FRONT_MATTER_KEYS and key != "text":
            extra.setdefault(key, value)
    if raw_id != article_id:
        extra["original_id"] = raw_id
    if not values["text"]:
        column = mapping["text"]
        rows.skip(source, "no_text", f"column {column!r} is empty", article_id)
        return
    article = ImportedArticle(
        article_id=article_id,
        body=values["text"],
        title=values["title"],
        outlet=values["outlet"],
        country=values["country"],
        date=values["date"],
        url=values["url"],
        author=values["author"],
        license=values["license"],
        extra=extra,
    )
    rows.store(article, source, note="; ".join(notes), raw_id=raw_id)

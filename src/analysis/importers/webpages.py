"""Import saved web pages (``.html`` files) into a corpus with trafilatura.

trafilatura finds the main text of the page (navigation, footers, comments and tables left
out) and reads its metadata (title, date, site name, canonical URL, author, licence) from
``<meta>`` tags, JSON-LD and the page itself. The importer keeps its paragraphs, block
quotes and list items as paragraphs and drops headings (the title is in the front matter).
"""

from __future__ import annotations

import re
import stat
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

import trafilatura

from analysis.errors import UnreadableError
from analysis.importers.writer import (
    ImportedArticle,
    ImportReport,
    ReportRows,
    check_country_argument,
    finish_report,
    iter_files,
    normalize_body,
    normalize_date,
    one_line,
    prepare_folder,
    safe_article_id,
)

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
TEXT_ELEMENTS = frozenset({"p", "quote", "item"})


def extract_page(html: bytes | str, *, url: str | None = None) -> tuple[str, dict[str, str]]:
    """Main text and metadata of one saved page.

    Parameters
    ----------
    html : bytes or str
        The page; bytes are decoded by trafilatura (declared or detected charset).
    url : str, optional
        The page's address, when known, to help date and site detection.

    Returns
    -------
    (str, dict)
        Body (paragraphs separated by one blank line; ``""`` when no main text was found)
        and metadata with keys ``title``, ``date``, ``outlet``, ``url``, ``author``,
        ``license`` (``""`` when absent).
    """
    xml = trafilatura.extract(
        html,
        url=url,
        output_format="xml",
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        deduplicate=False,
    )
    if not xml:
        return "", {}
    root = ET.fromstring(xml)
    main = root.find("main")
    paragraphs = []
    if main is not None:
        for element in main.iter():
            if element.tag in TEXT_ELEMENTS:
                # nested text elements (a <p> in a <quote>) are read through their parent
                if any(
                    child.tag in TEXT_ELEMENTS for child in element.iter() if child is not element
                ):
                    continue
                paragraphs.append(re.sub(r"\s+", " ", "".join(element.itertext())).strip())
    meta = {
        "title": root.get("title", ""),
        "date": root.get("date", ""),
        "outlet": root.get("sitename", ""),
        "url": root.get("url", ""),
        "author": root.get("author", ""),
        "license": root.get("license", ""),
    }
    body = normalize_body("\n".join(p for p in paragraphs if p), lines_are_paragraphs=True)
    return body, {key: one_line(value) for key, value in meta.items()}


def import_webpages(
    folder_or_files: Path | str | Iterable[Path | str],
    into: Path | str,
    *,
    outlet: str | None = None,
    country: str | None = None,
    license: str | None = None,
    overwrite: bool = False,
) -> ImportReport:
    """Write the main text of each saved web page as a corpus file.

    Parameters
    ----------
    folder_or_files : Path, str or iterable of them
        A folder (its ``.html``/``.htm``/``.xhtml`` files, sorted) or the files themselves.
    into : Path or str
        Corpus folder; created when missing.
    outlet : str, optional
        Outlet name for every page, instead of the page's site name.
    country : str, optional
        Country of every page (ISO code or name; written as alpha-2). Empty otherwise.
    license : str, optional
        Licence of every page, instead of one the page declares.
    overwrite : bool, optional
        Replace existing files instead of skipping them.

    Returns
    -------
    ImportReport
        Written files and skipped pages: a page with no main text is ``no_text``; a file
        that cannot be read is ``bad_record``. ``article_id`` is the file name without its
        suffix, made filesystem-safe.

    Raises
    ------
    UnreadableError
        When a folder given does not exist.
    MetadataError
        When `country` names no country.
    """
    if isinstance(folder_or_files, str | Path) and not Path(folder_or_files).exists():
        raise UnreadableError(str(folder_or_files), "no such file or folder")
    country_code = check_country_argument(country)
    rows = ReportRows(prepare_folder(into), overwrite=overwrite)
    for path in iter_files(folder_or_files, HTML_SUFFIXES):
        source = str(path)
        article_id = safe_article_id(path.stem)
        try:
            if not stat.S_ISREG(path.stat().st_mode):  # reading a named pipe blocks forever
                rows.skip(
                    source, "bad_record", "not a regular file (a named pipe, device or socket)",
                    article_id,
                )  # fmt: skip
                continue
            data = path.read_bytes()
        except OSError as err:
            rows.skip(source, "bad_record", f"cannot read the file ({err.strerror})", article_id)
            continue
        try:
            body, meta = extract_page(data)
        except Exception as err:  # a page trafilatura or the XML reader chokes on
            rows.skip(source, "bad_record", f"page could not be parsed ({err})", article_id)
            continue
        if not body:
            rows.skip(source, "no_text", "no main text found in the page", article_id)
            continue
        note = ""
        try:
            date = normalize_date(meta.get("date", ""))
        except ValueError:
            date, note = "", f"date {meta.get('date')!r} not understood"
        article = ImportedArticle(
            article_id=article_id,
            body=body,
            title=meta.get("title", ""),
            outlet=outlet or meta.get("outlet", ""),
            country=country_code,
            date=date,
            url=meta.get("url", ""),
            author=meta.get("author", ""),
            license=license or meta.get("license", ""),
            extra={"source_file": path.name},
        )
        rows.store(article, source, note=note, raw_id=path.stem)
    return finish_report(rows)

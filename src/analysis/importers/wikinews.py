"""Import a MediaWiki XML export of Wikinews (the public dump or chosen pages) into a corpus.

The export is streamed with ``xml.etree.ElementTree.iterparse`` and every page element is
cleared once read, so the full English dump (about 1 GB uncompressed) imports in flat
memory; ``.xml``, ``.xml.bz2`` and ``.xml.gz`` are read directly.

Wikitext becomes body text with ``mwparserfromhell``: templates are dropped (infoboxes,
``{{date}}``, ``{{source}}``, ``{{publish}}``...) except the few inline ones in
``lexicons/importer_wikinews_text_templates.txt`` (``{{w|Target|shown}}`` -> "shown");
links keep their shown text; image/file links (with their captions), category and
interlanguage links, ``<ref>`` notes, tables, galleries, comments, headings and the
sections in ``lexicons/importer_wikinews_drop_sections.txt`` (Sources, External links,
Related news, ...) are removed. Single line breaks inside a paragraph join with a space, as
MediaWiki renders them; list items become paragraphs.
"""

from __future__ import annotations

import bz2
import datetime as dt
import gzip
import re
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import mwparserfromhell
import pycountry
from mwparserfromhell.nodes import (
    Argument,
    Comment,
    ExternalLink,
    Heading,
    HTMLEntity,
    Tag,
    Template,
    Text,
    Wikilink,
)

from analysis.errors import MetadataError, UnreadableError
from analysis.importers.countries import infer_country
from analysis.importers.writer import (
    ImportedArticle,
    ImportReport,
    ReportRows,
    finish_report,
    normalize_body,
    normalize_date,
    one_line,
    prepare_folder,
    safe_article_id,
    slugify,
)
from analysis.lexicons import load_lexicon, load_lines

LICENSE = "CC-BY-2.5"
LICENSE_URL = "https://creativecommons.org/licenses/by/2.5/"
DEFAULT_WIKI = "https://en.wikinews.org/wiki/"
ATTRIBUTION = (
    "Wikinews contributors, {url}, licensed CC BY 2.5 ({license_url}). Text extracted "
    "from the page's wikitext by newsroom-workbook: templates, image captions, tables, "
    "notes and source/link sections removed."
)
DROP_TAGS = frozenset(
    {"ref", "references", "table", "gallery", "math", "score", "timeline", "imagemap",
     "syntaxhighlight", "source", "pre", "noinclude", "includeonly", "inputbox",
     "dynamicpagelist", "categorytree", "templatedata", "style", "script"}
)  # fmt: skip
LIST_MARKUP = frozenset({"*", "#", ";", ":"})


@dataclass(frozen=True, slots=True)
class WikiPage:
    """One page of a MediaWiki export, latest revision only.

    Attributes
    ----------
    title : str
    namespace : int
        0 for articles.
    page_id, revision_id : str
    timestamp : str
        Revision time, ISO 8601 (``2021-03-10T14:02:11Z``).
    redirect : str
        Target title when the page is a redirect, else ``""``.
    text : str
        The wikitext.
    """

    title: str
    namespace: int
    page_id: str
    revision_id: str
    timestamp: str
    redirect: str
    text: str


@dataclass(frozen=True, slots=True)
class CleanPage:
    """What the importer keeps from one page's wikitext."""

    body: str
    categories: tuple[str, ...]
    date_text: str
    is_published: bool


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _open(path: Path):
    name = path.name.lower()
    if name.endswith(".bz2"):
        return bz2.open(path, "rb")
    if name.endswith(".gz"):
        return gzip.open(path, "rb")
    return path.open("rb")


def iter_pages(xml_path: Path | str, *, wiki: list[str] | None = None) -> Iterator[WikiPage]:
    """Stream the pages of a MediaWiki XML export, clearing each element once read.

    Parameters
    ----------
    xml_path : Path or str
        ``.xml``, ``.xml.bz2`` or ``.xml.gz`` export.
    wiki : list of str, optional
        When given, receives the wiki's article URL prefix from ``<siteinfo><base>``
        (e.g. ``https://en.wikinews.org/wiki/``) as soon as it is read.

    Raises
    ------
    xml.etree.ElementTree.ParseError, EOFError, OSError
        When the file is not well-formed XML or ends early; pages already yielded stand.
    """
    with _open(Path(xml_path)) as stream:
        root = None
        for event, element in ET.iterparse(stream, events=("start", "end")):
            if root is None:
                root = element
            if event != "end":
                continue
            tag = _local(element.tag)
            if tag == "base" and wiki is not None and element.text:
                wiki.append(element.text.strip().rsplit("/", 1)[0] + "/")
            elif tag == "page":
                yield _read_page(element)
                element.clear()
                root.clear()


def _read_page(page: ET.Element) -> WikiPage:
    fields = {_local(child.tag): child for child in page}
    revisions = [child for child in page if _local(child.tag) == "revision"]
    latest = {_local(c.tag): c for c in revisions[-1]} if revisions else {}
    redirect = fields.get("redirect")

    def text_of(parent: dict[str, ET.Element], key: str) -> str:
        element = parent.get(key)
        return (element.text or "") if element is not None else ""

    namespace = text_of(fields, "ns").strip()
    return WikiPage(
        title=text_of(fields, "title").strip(),
        namespace=int(namespace) if namespace.lstrip("-").isdigit() else 0,
        page_id=text_of(fields, "id").strip(),
        revision_id=text_of(latest, "id").strip(),
        timestamp=text_of(latest, "timestamp").strip(),
        redirect=redirect.get("title", "?") if redirect is not None else "",
        text=text_of(latest, "text"),
    )


def _template_name(template: Template) -> str:
    return one_line(template.name.strip_code() or str(template.name)).lower().replace("_", " ")


def _text_templates() -> dict[str, tuple[str, ...]]:
    rules = {}
    for line in load_lines("importer_wikinews_text_templates"):
        name, _, positions = line.partition("|")
        rules[name.strip().lower()] = tuple(p.strip() for p in positions.split(",") if p.strip())
    return rules


def _is_language_code(prefix: str) -> bool:
    code = prefix.split("-", 1)[0]
    if not code.isalpha() or not 2 <= len(code) <= 3:
        return False
    if len(code) == 2:
        return pycountry.languages.get(alpha_2=code) is not None
    return pycountry.languages.get(alpha_3=code) is not None


def _link_kind(title: str) -> str:
    """``drop`` for file/category/interlanguage links, ``keep`` otherwise."""
    shown_colon = title.startswith(":")
    prefix, sep, _ = title.lstrip(":").partition(":")
    prefix = prefix.strip().lower()
    if not sep:
        return "keep"
    if prefix in load_lexicon("importer_wikinews_drop_link_prefixes"):
        return "keep" if shown_colon and prefix == "category" else "drop"
    if not shown_colon and _is_language_code(prefix):
        return "drop"
    return "keep"


def _render(nodes: Iterable, rules: dict[str, tuple[str, ...]]) -> str:
    out: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            out.append(str(node.value))
        elif isinstance(node, HTMLEntity):
            out.append(node.normalize())
        elif isinstance(node, Template):
            positions = rules.get(_template_name(node))
            if positions:
                for position in positions:
                    if node.has(position):
                        shown = _render(node.get(position).value.nodes, rules).strip()
                        if shown:
                            out.append(shown)
                            break
        elif isinstance(node, Wikilink):
            title = str(node.title).strip()
            if _link_kind(title) == "keep":
                if node.text is not None:
                    out.append(_render(node.text.nodes, rules))
                else:
                    shown = _render(node.title.nodes, rules).strip().lstrip(":")
                    prefix, sep, rest = shown.partition(":")
                    # [[w:Name]] shows "Name": an interwiki prefix is not shown text
                    out.append(rest if sep and " " not in prefix else shown)
        elif isinstance(node, ExternalLink):
            if node.title is not None:
                out.append(_render(node.title.nodes, rules))
            elif not node.brackets:
                out.append(str(node.url))  # a bare URL shows as itself; [URL] as "[1]"
        elif isinstance(node, Tag):
            tag = str(node.tag).strip().lower()
            if node.wiki_markup in LIST_MARKUP:
                out.append("\n\n")
            elif tag == "br":
                out.append("\n")
            elif tag not in DROP_TAGS and node.contents is not None:
                out.append(_render(node.contents.nodes, rules))
        elif isinstance(node, Heading | Comment | Argument):
            out.append("\n")
        # anything else (parser functions are templates; unknown nodes) shows nothing
    return "".join(out)


def _drop_sections(nodes: list) -> list:
    """Top-level nodes without the sections named in the drop list."""
    drop = {name.lower() for name in load_lines("importer_wikinews_drop_sections")}
    kept, dropping_level = [], None
    for node in nodes:
        if isinstance(node, Heading):
            title = one_line(node.title.strip_code()).lower()
            if dropping_level is not None and node.level > dropping_level:
                continue
            dropping_level = node.level if title in drop else None
        if dropping_level is None:
            kept.append(node)
    return kept


def clean_wikitext(wikitext: str) -> CleanPage:
    """Body text, categories, ``{{date}}`` text and publication mark of one page.

    Parameters
    ----------
    wikitext : str
        The page source.

    Returns
    -------
    CleanPage
        ``body`` has paragraphs separated by one blank line; ``categories`` are the
        ``[[Category:...]]`` names in page order; ``date_text`` is the first parameter of
        the first ``{{date|...}}`` template (or ``date=`` of ``{{byline}}``), ``""`` when
        absent; ``is_published`` tells whether a template of
        ``lexicons/importer_wikinews_published_templates.txt`` is present.

    Examples
    --------
    >>> clean_wikitext("{{date|May 1, 2020}}\\nRain in [[w:Oslo|Oslo]].<ref>x</ref>").body
    'Rain in Oslo.'
    """
    code = mwparserfromhell.parse(wikitext)
    categories: list[str] = []
    for link in code.filter_wikilinks():
        prefix, sep, name = str(link.title).strip().partition(":")
        if sep and prefix.strip().lower() == "category":
            name = one_line(name.replace("_", " "))
            if name and name not in categories:
                categories.append(name)
    date_text, is_published = "", False
    published = load_lexicon("importer_wikinews_published_templates")
    for template in code.filter_templates():
        name = _template_name(template)
        if name in published:
            is_published = True
        if not date_text and name == "date" and template.has("1"):
            date_text = one_line(template.get("1").value.strip_code())
        if not date_text and name == "byline" and template.has("date"):
            date_text = one_line(template.get("date").value.strip_code())
    text = _render(_drop_sections(code.nodes), _text_templates())
    text = re.sub(r"__[A-Z]+__", "", text)
    paragraphs = [
        " ".join(line.strip() for line in block.split("\n") if line.strip())
        for block in re.split(r"\n\s*\n", text)
    ]
    body = normalize_body("\n\n".join(p for p in paragraphs if p))
    return CleanPage(body, tuple(categories), date_text, is_published)


def page_url(title: str, wiki: str = DEFAULT_WIKI) -> str:
    """Article URL as MediaWiki writes it: spaces as ``_``, ``,:()`` and the like kept.

    Examples
    --------
    >>> page_url("Floods hit Venice, Italy")
    'https://en.wikinews.org/wiki/Floods_hit_Venice,_Italy'
    """
    return wiki + urllib.parse.quote(title.replace(" ", "_"), safe=";@$!*(),/~:")


def _as_date(value: dt.date | str | None, name: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(normalize_date(value))
    except ValueError as err:
        raise MetadataError(f"{name} argument", f"{err}; expected YYYY-MM-DD") from None


def import_wikinews(
    xml_path: Path | str,
    into: Path | str,
    *,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    categories: Iterable[str] | None = None,
    published_only: bool = False,
    overwrite: bool = False,
) -> ImportReport:
    """Write every article of a Wikinews XML export as a corpus file.

    Parameters
    ----------
    xml_path : Path or str
        MediaWiki XML export: ``.xml``, ``.xml.bz2`` or ``.xml.gz``.
    into : Path or str
        Corpus folder; created when missing.
    since, until : date or str, optional
        Keep articles dated on or after `since` and on or before `until` (``YYYY-MM-DD``).
    categories : iterable of str, optional
        Keep articles in at least one of these categories (case and ``_``/space free).
    published_only : bool, optional
        Keep only pages marked published or archived (``{{publish}}``, ``{{archived}}``),
        leaving out drafts. Off by default.
    overwrite : bool, optional
        Replace existing files instead of skipping them.

    Returns
    -------
    ImportReport
        Written files and skipped pages. Non-article pages (other namespaces, redirects)
        are skipped as ``not_article``; a file that ends early adds a ``truncated`` row and
        keeps the pages read before.

    Notes
    -----
    Each article gets ``article_id`` ``wikinews-<date>-<title slug>``, ``outlet``
    "Wikinews", ``author`` "Wikinews contributors", ``license`` ``CC-BY-2.5``, an
    ``attribution`` sentence, ``categories``, ``page_id``, ``revision_id``, and a
    ``country`` inferred by `analysis.importers.countries.infer_country` from the title
    and the first paragraph, flagged ``country_inferred: true``. The date is the
    ``{{date|...}}`` template's, else the latest revision's (flagged
    ``date_from_revision: true``).
    """
    xml_path = Path(xml_path)
    if not xml_path.is_file():
        raise UnreadableError(str(xml_path), "no such file")
    rows = ReportRows(prepare_folder(into), overwrite=overwrite)
    start, end = _as_date(since, "since"), _as_date(until, "until")
    wanted = {c.replace("_", " ").strip().lower() for c in categories} if categories else None
    wiki: list[str] = []
    n_pages = 0
    try:
        for page in iter_pages(xml_path, wiki=wiki):
            n_pages += 1
            _import_page(page, rows, wiki[0] if wiki else DEFAULT_WIKI, start, end, wanted,
                         published_only)  # fmt: skip
    except (ET.ParseError, EOFError, OSError) as err:
        where = getattr(err, "position", None)
        at = f" at line {where[0]}, column {where[1]}" if where else ""
        rows.skip(
            str(xml_path),
            "truncated",
            f"the export ends early or is not well-formed XML{at} ({err}); "
            f"kept the {n_pages} page(s) read before",
        )
    return finish_report(rows)


def _import_page(
    page: WikiPage,
    rows: ReportRows,
    wiki: str,
    start: dt.date | None,
    end: dt.date | None,
    wanted: set[str] | None,
    published_only: bool,
) -> None:
    source = page.title or f"page {page.page_id}"
    if page.namespace != 0:
        rows.skip(source, "not_article", f"namespace {page.namespace}, not an article")
        return
    if page.redirect:
        rows.skip(source, "not_article", f"redirect to {page.redirect!r}")
        return
    try:
        clean = clean_wikitext(page.text)
    except Exception as err:  # the parser is lenient; this guards one odd page only
        rows.skip(source, "bad_record", f"wikitext could not be parsed ({err})")
        return
    date, from_revision = "", False
    if clean.date_text:
        try:
            date = normalize_date(clean.date_text)
        except ValueError:
            date = ""
    if not date and page.timestamp:
        try:
            date, from_revision = normalize_date(page.timestamp), True
        except ValueError:  # a revision <timestamp> that is no date: the page has none
            date = ""
    if published_only and not clean.is_published:
        rows.skip(source, "filtered", "not marked published or archived (a draft)")
        return
    if (start or end) and not date:
        rows.skip(source, "filtered", "no date, so outside the requested date range")
        return
    day = dt.date.fromisoformat(date) if date else None
    if day and ((start and day < start) or (end and day > end)):
        rows.skip(source, "filtered", f"dated {date}, outside the requested date range")
        return
    if wanted is not None and not wanted & {c.lower() for c in clean.categories}:
        rows.skip(source, "filtered", "in none of the requested categories")
        return
    # the page <id> is text from the export: cleaned like any id before it names a file
    slug = slugify(page.title) or safe_article_id(page.page_id, fallback="page")
    article_id = f"wikinews-{date}-{slug}" if date else f"wikinews-{slug}"
    if article_id.casefold() in rows.ids_seen:
        article_id = safe_article_id(f"{article_id}-{page.page_id}")
    url = page_url(page.title, wiki)
    lead = clean.body.split("\n\n", 1)[0]
    extra: dict[str, object] = {
        "country_inferred": True,
        "attribution": ATTRIBUTION.format(url=url, license_url=LICENSE_URL),
        "categories": list(clean.categories),
        "page_id": page.page_id,
        "revision_id": page.revision_id,
    }
    if from_revision:
        extra["date_from_revision"] = True
    article = ImportedArticle(
        article_id=article_id,
        body=clean.body,
        title=page.title,
        outlet="Wikinews",
        country=infer_country(f"{page.title}\n{lead}"),
        date=date,
        url=url,
        author="Wikinews contributors",
        license=LICENSE,
        extra=extra,
    )
    rows.store(article, source)

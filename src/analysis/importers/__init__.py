"""Importers: Wikinews XML exports, saved web pages and CSV/JSONL exports -> corpus files."""

from analysis.importers.cli import add_import_arguments, run_import
from analysis.importers.countries import infer_country
from analysis.importers.tabular import import_table
from analysis.importers.webpages import extract_page, import_webpages
from analysis.importers.wikinews import clean_wikitext, import_wikinews, iter_pages
from analysis.importers.writer import (
    ImportedArticle,
    ImportReport,
    render_article,
    safe_article_id,
    write_article,
)

__all__ = [
    "ImportReport",
    "ImportedArticle",
    "add_import_arguments",
    "clean_wikitext",
    "extract_page",
    "import_table",
    "import_webpages",
    "import_wikinews",
    "infer_country",
    "iter_pages",
    "render_article",
    "run_import",
    "safe_article_id",
    "write_article",
]

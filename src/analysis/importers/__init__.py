"""Importers: Wikinews XML exports, saved web pages and CSV/JSONL exports -> corpus files."""

from analysis.importers.countries import infer_country
from analysis.importers.wikinews import clean_wikitext, import_wikinews
from analysis.importers.writer import ImportedArticle, ImportReport, render_article, write_article

__all__ = [
    "ImportReport",
    "ImportedArticle",
    "clean_wikitext",
    "import_wikinews",
    "infer_country",
    "render_article",
    "write_article",
]

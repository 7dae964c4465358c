"""The audit form: one self-contained HTML page that works offline and exports audit.csv.

:func:`render_audit_page` turns a drawn audit (:func:`analysis.audit.sample_audit`) into a
page with, for each item, its article context (the paragraph with the quote or sentence,
and the paragraphs around it), the quote and its speaker highlighted, the system's
answers, and the fields to fill. "Download CSV" writes the same columns as ``audit.csv``
(a Blob download; no server, no network); "Load CSV" reads a partly filled file back
into the form. Every corpus string is HTML-escaped; the rows are embedded as JSON with
``<``, ``>`` and ``&`` escaped, so no article text can close the script element.
"""

from __future__ import annotations

import html
import io
import itertools
import json
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from analysis.aggregate import CATEGORIES

__all__ = ["CHOICES", "render_audit_page"]

CHOICES: dict[str, tuple[str, ...]] = {
    "is_attribution": ("yes", "no"),
    "speaker_ok": ("yes", "no"),
    "true_source_type": CATEGORIES["source_type"],
    "true_gender": (*CATEGORIES["gender"], "none"),
    "true_origin": CATEGORIES["origin"],
    "true_is_anonymous": CATEGORIES["is_anonymous"],
}
"""The choices of each drop-down (an empty choice, "not checked", comes first)."""

_TEXT_FIELDS = ("true_speaker", "notes")

_STYLE = """
body { font-family: sans-serif; max-width: 60em; margin: 1em auto; padding: 0 1em; color: #222; }
.item { border: 1px solid #ccc; border-radius: 6px; padding: 0.8em 1em; margin: 1.2em 0; }
.item h2 { font-size: 1em; margin: 0 0 0.4em 0; }
.context p { font-family: Georgia, serif; line-height: 1.6; white-space: pre-wrap; margin: 0.4em 0; }
mark.q { background: #ffe08a; } mark.s { background: #a8d8ff; font-weight: bold; }
mark.m { background: #d9f2d0; }
.system { font-size: 0.9em; color: #444; margin: 0.4em 0; }
.fields label { display: inline-block; margin: 0.2em 1em 0.2em 0; font-size: 0.9em; }
.bar { position: sticky; top: 0; background: #fff; padding: 0.5em 0; border-bottom: 1px solid #ccc; }
"""

_SCRIPT = """
const COLUMNS = %(columns)s;
const FILL = %(fill)s;
const ROWS = %(rows)s;
const SYSTEM = %(system)s;
function field(id, name) { return document.getElementById("f-" + id + "-" + name); }
function csvCell(value) {
  const text = value == null ? "" : String(value);
  return /[",\\r\\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
}
function buildCsv() {
  const lines = [COLUMNS.map(csvCell).join(",")];
  for (const row of ROWS) {
    const out = Object.assign({}, row);
    for (const name of FILL) { const f = field(row.item_id, name); if (f) out[name] = f.value.trim(); }
    lines.push(COLUMNS.map(c => csvCell(out[c])).join(","));
  }
  return lines.join("\\n") + "\\n";
}
function download() {
  const blob = new Blob([buildCsv()], {type: "text/csv;charset=utf-8"});
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = "audit.csv";
  document.body.appendChild(link); link.click(); link.remove();
}
function parseCsv(text) {
  const rows = []; let row = [], cell = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") { row.push(cell); cell = ""; }
    else if (ch === "\\n" || ch === "\\r") {
      if (ch === "\\r" && text[i + 1] === "\\n") i++;
      row.push(cell); rows.push(row); row = []; cell = "";
    } else cell += ch;
  }
  if (cell !== "" || row.length) { row.push(cell); rows.push(row); }
  return rows;
}
function load(text) {
  const rows = parseCsv(text.replace(/^\\ufeff/, ""));
  const header = rows.shift();
  for (const values of rows) {
    const id = values[header.indexOf("item_id")];
    for (const name of FILL) {
      const f = field(id, name); const at = header.indexOf(name);
      if (f && at >= 0 && values[at] !== undefined) f.value = values[at];
    }
  }
}
function asSystem(id) {
  const answers = SYSTEM[id];
  field(id, "is_attribution").value = "yes"; field(id, "speaker_ok").value = "yes";
  for (const name in answers) field(id, name).value = answers[name];
}
if (typeof document !== "undefined") {
  document.getElementById("download").addEventListener("click", download);
  document.getElementById("load").addEventListener("change", event => {
    const file = event.target.files[0]; if (!file) return;
    const reader = new FileReader(); reader.onload = () => load(reader.result); reader.readAsText(file);
  });
  for (const button of document.querySelectorAll("button.same")) {
    button.addEventListener("click", () => asSystem(button.dataset.item));
  }
}
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _json(value: Any) -> str:
    """JSON safe inside ``<script>``: ``<``, ``>`` and ``&`` as unicode escapes."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _marked(text: str, marks: Sequence[tuple[int, int, str]]) -> str:
    """``text`` escaped, with each (start, end, class) span in a ``<mark>``; overlaps cut."""
    bounds = sorted(
        {0, len(text), *(max(0, min(len(text), x)) for a, b, _ in marks for x in (a, b))}
    )
    pieces = []
    for left, right in itertools.pairwise(bounds):
        classes = [c for a, b, c in marks if a <= left and right <= b]
        chunk = _e(text[left:right])
        pieces.append(f'<mark class="{classes[-1]}">{chunk}</mark>' if classes else chunk)
    return "".join(pieces)


def _select(item_id: str, name: str) -> str:
    options = "".join(f'<option value="{_e(v)}">{_e(v)}</option>' for v in CHOICES[name])
    return (
        f'<label>{_e(name)} <select id="f-{_e(item_id)}-{_e(name)}">'
        f'<option value="">(not checked)</option>{options}</select></label>'
    )


def _system_truth(row: Mapping[str, str]) -> dict[str, str]:
    """The system's answers in the vocabulary of the true_* fields (for "same as system")."""
    return {
        "true_speaker": "",
        "true_source_type": row["source_type"],
        "true_gender": row["gender"] or "none",
        "true_origin": row["origin"],
        "true_is_anonymous": {"true": "anonymous", "false": "named"}.get(
            row["is_anonymous"], "unattributed"
        ),
    }


def render_audit_page(
    items: pd.DataFrame,
    contexts: Mapping[int, Sequence[tuple[str, Sequence[tuple[int, int, str]]]]],
    *,
    title: str = "Audit",
) -> str:
    """The audit form as one HTML document.

    Parameters
    ----------
    items : pandas.DataFrame
        The sample (columns :data:`analysis.audit.AUDIT_COLUMNS`).
    contexts : mapping
        item_id -> paragraphs to show, each ``(text, [(start, end, class), ...])`` with
        offsets into the paragraph; classes ``q`` (quote), ``s`` (speaker), ``m``
        (sentence with nothing extracted).
    title : str, optional
        The page title.

    Returns
    -------
    str
        The page: no external resource, works from a file on disk.
    """
    from analysis.audit import AUDIT_COLUMNS, FILL_COLUMNS, _audit_csv

    csv_text = io.StringIO(_audit_csv(items))
    rows = pd.read_csv(csv_text, dtype="str", keep_default_na=False).to_dict("records")
    sections = []
    for row in rows:
        item_id = row["item_id"]
        paragraphs = "".join(
            f"<p>{_marked(text, marks)}</p>" for text, marks in contexts.get(int(item_id), [])
        )
        if row["unit"] == "quote":
            heading = f"Item {_e(item_id)}: quote {_e(row['quote_id'])}"
            system = (
                f"System: <b>{_e(row['kind'])}</b> quote by <b>{_e(row['speaker'] or '(none)')}</b>"
                f" · source_type {_e(row['source_type'])} · gender {_e(row['gender'] or '-')}"
                f" · origin {_e(row['origin'])} · anonymous {_e(row['is_anonymous'] or '-')}"
                + (f" · confidence {_e(row['confidence'])}" if row["confidence"] else "")
                + (f" · method {_e(row['method'])}" if row["method"] else "")
                + (f" · gender basis {_e(row['gender_basis'])}" if row["gender_basis"] else "")
            )
            question = (
                "Is the <mark class=q>highlighted passage</mark> reported speech attributed to a "
                "source? Is the <mark class=s>speaker</mark> right?"
            )
            same = f'<button type="button" class="same" data-item="{_e(item_id)}">same as system</button>'
        else:
            heading = f"Item {_e(item_id)}: sentence {_e(row['sentence_id'])} (nothing extracted)"
            system = "System: no quote in this sentence."
            question = (
                "Does the <mark class=m>sentence</mark> hold an attribution the system missed? "
                "If yes, judge its source."
            )
            same = ""
        fields = "".join(
            _select(item_id, name)
            for name in FILL_COLUMNS
            if name in CHOICES and not (row["unit"] == "sentence" and name == "speaker_ok")
        ) + "".join(
            f'<label>{_e(name)} <input type="text" id="f-{_e(item_id)}-{_e(name)}" size="24"></label>'
            for name in _TEXT_FIELDS
        )
        sections.append(
            f'<section class="item" id="item-{_e(item_id)}"><h2>{heading}</h2>'
            f'<div class="context">{paragraphs}</div><div class="system">{system}</div>'
            f"<p>{question}</p><div class=fields>{fields} {same}</div></section>"
        )
    script = _SCRIPT % {
        "columns": _json(AUDIT_COLUMNS),
        "fill": _json(FILL_COLUMNS),
        "rows": _json(rows),
        "system": _json({r["item_id"]: _system_truth(r) for r in rows if r["unit"] == "quote"}),
    }
    n_quotes = sum(r["unit"] == "quote" for r in rows)
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{_e(title)}</h1>"
        f"<p>{n_quotes} extracted quotes and {len(rows) - n_quotes} sentences where nothing "
        "was extracted, drawn at random. For each, read the context and fill what you "
        "checked; leave a field blank if you did not check it. <b>Download CSV</b> saves "
        "your answers as audit.csv (same columns as the file beside this page); "
        "<b>Load CSV</b> restores a saved file. Nothing leaves this computer.</p>"
        '<div class="bar"><button type="button" id="download">Download CSV</button> '
        '<label>Load CSV <input type="file" id="load" accept=".csv,text/csv"></label></div>'
        + "".join(sections)
        + f"<script>{script}</script></body></html>\n"
    )

"""The IT-failure contingency pack, printed in advance.

When the online form or the letters run cannot be used on the night, a
patrol can still go ahead on paper:

* ``check-form.pdf``: the paper check form, asking the Microsoft Form's own
  questions word for word (the headers in ``content/forms-columns.yaml``, one
  per records column), three cars to a sheet, and a last page saying which
  records column each answer is typed into (the typed-up file then goes
  through the normal ``handle-docs letters`` run);
* ``generic-letter-<material>.pdf``: the visit letter with a tick box beside
  each finding, blank lines for the address and a blank table for the
  vehicles, one for the letter and each of its translations;
* ``<leaflet>-a4.pdf``: every leaflet.

Everything comes from approved materials: the form (``kind: form``,
``content/contingency/check-form.yaml``: its instructions, layout and the
words around the questions), the visit letter (whose approved wording the
generic letter uses) and the leaflets.  The command applies the review gate
to all of them.  The questions themselves are the Microsoft Form's, read from
the column map, so paper and Forms can never drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handle_docs.compose.context import block_data, long_date, placeholder_values, qr_codes
from handle_docs.models import RECORD_COLUMNS, Finding
from handle_docs.outputs.leaflets import render_leaflet
from handle_docs.records import vocab
from handle_docs.records.read import load_column_map
from handle_docs.render.html import HtmlRenderer
from handle_docs.render.pdf import PdfRenderer
from handle_docs.util import atomic
from handle_docs.wording import markup
from handle_docs.wording.content import Content, Material
from handle_docs.wording.yamlfile import file_data

FORM_ID = "paper-check-form"
LETTER_ID = "visit-letter"
FORM_CSS = ["contingency/contingency.css"]
LETTER_CSS = ["letters/letter.css", "contingency/contingency.css"]
LETTER_TEMPLATE = "contingency/generic-letter.html.j2"
FORM_NAME = "check-form.pdf"
COLUMNS_FILE = "forms-columns.yaml"

PER_SHEET = 3  # cars checked on each sheet of the form
DEFAULT_SHEETS = 4
VEHICLE_ROWS = 2  # blank rows in the generic letter's vehicle table
ADDRESS_LINES = 4  # blank lines for the address

#: How each question is answered on paper: a box to write in, or yes/no ticks.
YES_NO_FIELDS = tuple(vocab.YES_NO_FIELDS)
HINTS = {
    "submitted_at": "hint_date",
    "items_on_display": "hint_items",
    "language": "hint_language",
    **{name: "hint_yes_no" for name in YES_NO_FIELDS},
}
#: Answers that need more room than one line.
TALL = {"address": "tall", "items_on_display": "tall"}
#: Filled in by Microsoft Forms itself: its column header is not a question,
#: so the paper form asks the form material's ``labels.submitted_at``.
FORMS_OWN = ("submitted_at",)


@dataclass
class PackOutput:
    files: list[str] = field(default_factory=list)  # file names in the pack folder
    pages: dict[str, int] = field(default_factory=dict)


def same_questions(columns_file: Path, approved_file: Path) -> bool:
    """Whether ``columns_file`` holds the same column map as ``approved_file``
    (the one in the form's fingerprint), however it is written."""
    if Path(columns_file).resolve() == Path(approved_file).resolve():
        return True
    approved = file_data(Path(approved_file))
    return approved is not None and file_data(Path(columns_file)) == approved


def form_questions(form: Material, columns_file: Path) -> list[dict[str, str]]:
    """One question per records column, in records order, in the words of the
    Microsoft Form (its column headers in ``columns_file``).  A column the
    Form does not ask is left off the paper form too (it then reads as "no",
    or English, exactly as for a Forms export).  Raises ProblemsError for a
    column map with mistakes."""
    labels = form.spec.labels
    headers: dict[str, str] = {}
    for header, name in load_column_map(Path(columns_file)).items():
        headers.setdefault(name, " ".join(str(header).split()))
    questions = []
    for name in RECORD_COLUMNS:
        text = labels[name] if name in FORMS_OWN else headers.get(name)
        if not text:
            continue
        questions.append(
            {
                "field": name,
                "text": text,
                "answer": "yes_no" if name in YES_NO_FIELDS else "write",
                "size": TALL.get(name, ""),
                "hint": labels[HINTS.get(name, "hint_as_written")],
            }
        )
    return questions


def form_context(content: Content, form: Material, sheets: int, columns_file: Path) -> dict[str, Any]:
    spec = form.spec
    values = placeholder_values(content)
    return {
        "lang": spec.language,
        "title": spec.title,
        "labels": dict(spec.labels),
        "force": {"name": content.operation.force.name, "team": content.operation.force.team},
        "operation": content.operation.operation.name,
        "area": content.operation.operation.area,
        "intro": block_data(form.block("intro"), values),
        "transcribe": block_data(form.block("transcribe"), values),
        "questions": form_questions(form, columns_file),
        "sheets": [
            {"number": s + 1, "checks": [s * PER_SHEET + v + 1 for v in range(PER_SHEET)]}
            for s in range(sheets)
        ],
    }


def generic_letter_context(content: Content, letter: Material, form: Material) -> dict[str, Any]:
    """The visit letter's words with tick boxes and blanks where a run would
    print what was found (the same keys as ``context.letter_context`` where
    they mean the same thing)."""
    spec = letter.spec
    op = content.operation
    values = placeholder_values(content, language=spec.language)
    labels = dict(spec.labels)
    return {
        "lang": spec.language,
        "title": spec.title,
        "material_id": spec.id,
        "date": long_date(op.operation.patrol_date, spec.language),
        "labels": labels,
        "recipient": form.spec.labels["recipient"],
        "address_lines": ADDRESS_LINES,
        "force": {
            "name": op.force.name,
            "team": op.force.team,
            "address": list(op.force.address),
            "phone": op.force.phone,
        },
        "greeting": markup.fill(letter.block("greeting").text, values).strip(),
        "opening": block_data(letter.block("opening"), values),
        "ticks": block_data(form.block("letter_ticks"), values),
        "findings": [block_data(letter.block(f"findings.{f.value}"), values) for f in Finding],
        "vehicle_rows": VEHICLE_ROWS,
        "advice": block_data(letter.block("advice"), values),
        "keep_informed": block_data(letter.block("keep_informed"), values),
        "qr_codes": qr_codes(content, letter, "letter"),
        "report": block_data(letter.block("report"), values),
        "closing": block_data(letter.block("closing"), values),
        "sign_off": markup.fill(letter.block("sign_off").text, values).strip(),
        "signatory": {"name": op.signatory.name, "role": op.signatory.role},
    }


def document_pdf(
    html: HtmlRenderer,
    pdf: PdfRenderer,
    template: str,
    context: dict[str, Any],
    stylesheets: list[str],
    watermark: str | None,
    footer_note: str | None = None,
) -> tuple[bytes, int]:
    """One of the pack's documents as PDF bytes, and its pages."""
    fragment = html.fragment(template, context)
    document = pdf.layout(
        html.document(
            [fragment],
            lang=context["lang"],
            title=context["title"],
            stylesheets=stylesheets,
            watermark=watermark,
            footer_note=footer_note,
        )
    )
    return pdf.write(document, title=context["title"], lang=context["lang"]), len(document.pages)


def form_pdf(
    html: HtmlRenderer,
    pdf: PdfRenderer,
    content: Content,
    form: Material,
    watermark: str | None,
    footer_note: str | None = None,
) -> tuple[bytes, int]:
    """The paper form (one sheet) as PDF bytes, and its pages: what a preview or proof shows."""
    context = form_context(content, form, 1, Path(content.root) / COLUMNS_FILE)
    return document_pdf(html, pdf, form.spec.template, context, FORM_CSS, watermark, footer_note)


def _write_pdf(
    html: HtmlRenderer,
    pdf: PdfRenderer,
    template: str,
    context: dict[str, Any],
    stylesheets: list[str],
    out: Path,
    watermark: str | None,
) -> int:
    data, pages = document_pdf(html, pdf, template, context, stylesheets, watermark)
    atomic.write_bytes(out, data)
    return pages


def render_pack(
    content: Content,
    out_dir: Path,
    *,
    form_id: str = FORM_ID,
    columns_file: Path | None = None,
    letter_ids: list[str] | None = None,
    leaflet_ids: list[str] | None = None,
    sheets: int = DEFAULT_SHEETS,
    watermark: str | None = None,
) -> PackOutput:
    """Render the pack into ``out_dir``; the caller has applied the gate.
    ``columns_file`` is the Forms column map (default: CONTENT/forms-columns.yaml)."""
    html = HtmlRenderer(content.templates)
    pdf = PdfRenderer(content.templates)
    out_dir = atomic.private_dir(Path(out_dir))
    result = PackOutput()
    form = content.material(form_id)

    columns_file = columns_file or content.root / COLUMNS_FILE
    context = form_context(content, form, sheets, columns_file)
    result.pages[FORM_NAME] = _write_pdf(
        html, pdf, form.spec.template, context, FORM_CSS, out_dir / FORM_NAME, watermark
    )
    result.files.append(FORM_NAME)

    for letter_id in letter_ids if letter_ids is not None else [LETTER_ID]:
        letter = content.material(letter_id)
        name = f"generic-letter-{letter_id}.pdf"
        context = generic_letter_context(content, letter, form)
        result.pages[name] = _write_pdf(
            html, pdf, LETTER_TEMPLATE, context, LETTER_CSS, out_dir / name, watermark
        )
        result.files.append(name)

    if leaflet_ids is None:
        leaflet_ids = sorted(m.id for m in content.materials.values() if m.spec.kind == "leaflet")
    for leaflet_id in leaflet_ids:
        output = render_leaflet(
            content, content.material(leaflet_id), out_dir, "a4", watermark=watermark, html=html, pdf=pdf
        )
        result.files.append(output.reading_copy)
        result.pages[output.reading_copy] = output.pages
    return result


__all__ = [
    "DEFAULT_SHEETS",
    "FORM_ID",
    "FORM_NAME",
    "LETTER_ID",
    "PER_SHEET",
    "PackOutput",
    "form_context",
    "form_questions",
    "generic_letter_context",
    "render_pack",
]

"""Word (.docx) rendering with docxtpl, from the very same context dict the
HTML templates use: one source of wording, two renderers.

* The templates (``templates/letters/visit.docx``, ``templates/leaflets/
  leaflet.docx``, built by ``scripts/make_docx_templates.py``) are Word
  documents holding docxtpl tags; each material names its own with
  ``docx_template:``.  The context is rendered in a sandboxed Jinja
  environment with autoescaping and ``StrictUndefined``, as the HTML is.
* Two helpers are offered to templates: ``body(nodes)`` turns the wording
  markup (``{'type': 'p'|'ul', …}``) into paragraphs in style Normal or List
  Bullet with bold words in character style Strong; ``qr(code, mm)`` places a
  QR code's PNG.  Nothing else is formatted here: the look is in the
  template's styles.
* After rendering: each picture gets its alt text (``wp:docPr`` ``descr``,
  which docxtpl cannot set), a large-print letter's paragraphs move to the
  "(large print)" styles, languages of the template's language family are
  set to the document's, and title, author and language go into the core
  properties.  The zip is written with fixed dates, so the same context gives
  the same bytes.

Many letters are joined into one ``batch.docx`` by
:mod:`handle_docs.render.docx_join`.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from docx.oxml.ns import qn
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage, RichText, RichTextParagraph
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree

from handle_docs.compose.context import leaflet_context
from handle_docs.compose.qr import qr_image
from handle_docs.render.ooxml import (
    LANG_ATTRS,
    PPR_ORDER,
    R_NS,
    REL_TYPE,
    RPR_ORDER,
    WP_NS,
    DocxError,
    child_in_order,
    core_datetime,
    normalise_zip,
    properties,
    w_tag,
)
from handle_docs.util import atomic
from handle_docs.util.direction import direction_of_text, text_direction
from handle_docs.util.langtag import primary_subtag
from handle_docs.wording.content import Content, Material

A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
PIC_NS = "http://schemas.openxmlformats.org/drawingml/2006/picture"

#: Style ids the markup maps to (see scripts/make_docx_templates.py).
LIST_STYLE = "ListBullet"
STRONG_STYLE = "Strong"
DEFAULT_PARA_STYLE = "Normal"
LARGE_PRINT_SUFFIX = "Large"
DEFAULT_QR_MM = 34

# Characters XML 1.0 cannot hold, and whitespace docxtpl would turn into
# breaks (\n → w:br, \a → new paragraph, \t → w:tab): all become a space.
_NOT_TEXT = re.compile("[\x00-\x1f\x7f\ufffe\uffff\ud800-\udfff]")

__all__ = [
    "DocxError",
    "render_docx",
    "render_leaflet_docx",
    "render_letter_docx",
    "template_path",
    "write_leaflet_docx",
]


# --- rendering ---------------------------------------------------------------


#: A right-to-left material uses the Word template named like its own with
#: this before the suffix (letters/visit.docx → letters/visit-rtl.docx), when
#: there is one: tables laid out from the right.  Chosen by direction, never
#: by language.
RTL_TEMPLATE_SUFFIX = "-rtl"


def template_path(content: Content, material: Material) -> Path:
    """The material's Word template, which must lie inside the templates
    folder; for a right-to-left language its ``-rtl`` twin if there is one."""
    name = material.spec.docx_template
    if not name:
        raise DocxError(f"material '{material.id}' has no docx_template in its content file")
    root = Path(content.templates).resolve()
    path = (root / name).resolve()
    if root not in path.parents or not path.is_file():
        raise DocxError(
            f"material '{material.id}': Word template '{name}' not found under the templates folder"
        )
    if text_direction(material.spec.language) == "rtl":
        twin = path.with_name(path.stem + RTL_TEMPLATE_SUFFIX + path.suffix)
        if twin.is_file():
            return twin
    return path


@lru_cache(maxsize=16)
def _template_bytes(path: str, mtime_ns: int, size: int) -> bytes:
    return Path(path).read_bytes()


def _read_template(path: Path) -> bytes:
    stat = path.stat()
    return _template_bytes(str(path), stat.st_mtime_ns, stat.st_size)


def _clean(value: Any) -> Any:
    """A copy of ``value`` whose strings hold only what a Word text run can."""
    if isinstance(value, str):
        return _NOT_TEXT.sub(" ", value)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def _runs(runs: Iterable[dict[str, Any]]) -> RichText:
    rich = RichText()
    for run in runs:
        rich.add(run["text"], style=STRONG_STYLE if run.get("bold") else None)
    return rich


def body_paragraphs(nodes: Sequence[dict[str, Any]]) -> RichTextParagraph:
    """Markup nodes as Word paragraphs: Normal, List Bullet, bold in Strong."""
    out = RichTextParagraph()
    for node in nodes:
        if node["type"] == "p":
            out.add(_runs(node["runs"]))
        else:
            for item in node["items"]:
                out.add(_runs(item), parastyle=LIST_STYLE)
    return out


def _environment() -> ImmutableSandboxedEnvironment:
    return ImmutableSandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def render_docx(
    template: Path | bytes,
    context: dict[str, Any],
    *,
    title: str,
    author: str,
    lang: str,
    large_print: bool = False,
    headings_in: dict[str, str] | None = None,
) -> bytes:
    """Render ``context`` through a docxtpl ``template``; return .docx bytes.

    ``headings_in``: a paragraph with exactly this text is in that language, not the document's
    (a heading naming a leaflet in English inside a Polish letter: compose/context.enclosed_heading)."""
    data = template if isinstance(template, bytes) else _read_template(Path(template))
    tpl = DocxTemplate(io.BytesIO(data))
    alts: dict[str, str] = {}  # sha256 of a picture's bytes -> its alt text

    def qr(code: dict[str, Any], mm: float = DEFAULT_QR_MM) -> InlineImage:
        png = qr_image(code["url"]).png
        alts[hashlib.sha256(png).hexdigest()] = code["alt"]
        return InlineImage(tpl, io.BytesIO(png), width=Mm(float(mm)))

    values = _clean(context)
    values["body"] = body_paragraphs
    values["qr"] = qr
    try:
        tpl.render(values, jinja_env=_environment(), autoescape=True)
    except DocxError:
        raise
    except (
        TemplateError,
        etree.XMLSyntaxError,
    ) as exc:  # what a record's data can cause; the type only, never the text
        raise DocxError(f"Word template could not be rendered ({type(exc).__name__})") from None

    document = tpl.docx
    _grid_from_cell_widths(document)
    _set_alt_text(document, alts)
    if large_print:
        _use_large_print_styles(document)
    _set_language(document, lang)
    _mark_runs(document, lang)
    _mark_paragraphs_in(document, headings_in or {})
    core = document.core_properties
    core.title = title
    core.author = author
    core.last_modified_by = author
    core.language = lang
    core.subject = core.keywords = core.category = core.comments = ""
    core.revision = 1
    core.created = core.modified = core_datetime()
    raw = io.BytesIO()
    document.save(raw)
    return normalise_zip(raw.getvalue())


def render_letter_docx(context: dict[str, Any], content: Content, material: Material) -> bytes:
    """One letter as .docx, from ``letter_context(letter, content, material)``."""
    return render_docx(
        template_path(content, material),
        context,
        title=f"{material.spec.title} ({context['letter_id']})",
        author=context["force"]["name"],
        lang=context["lang"],
        large_print=bool(context.get("large_print")),
        headings_in={
            _clean(block["heading"]): block["lang"]
            for block in context.values()
            if isinstance(block, dict) and block.get("lang") and block.get("heading")
        },
    )


def render_leaflet_docx(content: Content, material: Material, *, watermark: str | None = None) -> bytes:
    """One leaflet as .docx, from ``leaflet_context(content, material)``."""
    context = dict(leaflet_context(content, material))
    context["watermark"] = watermark
    return render_docx(
        template_path(content, material),
        context,
        title=material.spec.title,
        author=context["force"]["name"],
        lang=context["lang"],
    )


def write_leaflet_docx(
    content: Content, material: Material, out_dir: Path, *, watermark: str | None = None
) -> str:
    """Write ``<material-id>.docx`` (0600, atomically) into ``out_dir``; return its name."""

    atomic.private_dir(out_dir)
    name = f"{material.id}.docx"
    atomic.write_bytes(Path(out_dir) / name, render_leaflet_docx(content, material, watermark=watermark))
    return name


# --- post-processing -----------------------------------------------------------


def _story_parts(document) -> list:
    """The main document part and its headers and footers."""
    parts = [document.part]
    for rel in document.part.rels.values():
        if not rel.is_external and rel.reltype in (REL_TYPE + "header", REL_TYPE + "footer"):
            parts.append(rel.target_part)
    return parts


def _part_root(part):
    return getattr(part, "element", None)


def _set_alt_text(document, alts: dict[str, str]) -> None:
    """Give each picture whose bytes we placed its alt text (docxtpl's
    InlineImage has none).  A picture someone added to the template in Word
    keeps whatever alt text they gave it (the docx checks report one without)."""
    for part in _story_parts(document):
        root = _part_root(part)
        if root is None:
            continue
        for doc_pr in root.iter(f"{{{WP_NS}}}docPr"):
            holder = doc_pr.getparent()
            blip = next(holder.iter(f"{{{A_NS}}}blip"), None)
            rid = blip.get(f"{{{R_NS}}}embed") if blip is not None else None
            if not rid or rid not in part.rels:
                continue
            alt = alts.get(hashlib.sha256(part.rels[rid].target_part.blob).hexdigest())
            if alt is None:
                continue
            doc_pr.set("descr", alt)
            for c_nv_pr in holder.iter(f"{{{PIC_NS}}}cNvPr"):
                c_nv_pr.set("descr", alt)


def _grid_from_cell_widths(document) -> None:
    """Column widths as the template's cells give them.  docxtpl rescales a
    table's grid when a ``{%tc for %}`` loop makes more or fewer cells than
    the template row had; the cells keep their own widths, so the grid is set
    back from the row with the most cells."""
    for tbl in document.element.body.iter(qn("w:tbl")):
        grid = tbl.find(qn("w:tblGrid"))
        rows = tbl.findall(qn("w:tr"))
        if grid is None or not rows:
            continue
        cells = max((row.findall(qn("w:tc")) for row in rows), key=len)
        widths: list[int] = []
        for tc in cells:
            tcw = tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
            span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
            if tcw is None or tcw.get(qn("w:type")) != "dxa" or span is not None:
                widths = []
                break
            widths.append(tcw.get(qn("w:w")))
        if not widths:
            continue
        for col in grid.findall(qn("w:gridCol")):
            grid.remove(col)
        for width in widths:
            col = grid.makeelement(qn("w:gridCol"), {})
            col.set(qn("w:w"), width)
            grid.append(col)


def _use_large_print_styles(document) -> None:
    """Move every body paragraph in style X to "X (large print)" (id X + Large)
    where the template has one.  Paragraphs without a style are Normal."""
    style_ids = {s.get(qn("w:styleId")) for s in document.styles.element.iterfind(qn("w:style"))}
    body = document.element.body
    for p in body.iter(qn("w:p")):
        ppr = p.find(qn("w:pPr"))
        pstyle = ppr.find(qn("w:pStyle")) if ppr is not None else None
        current = pstyle.get(qn("w:val")) if pstyle is not None else DEFAULT_PARA_STYLE
        large = current + LARGE_PRINT_SUFFIX
        if large not in style_ids:
            continue
        if pstyle is None:
            if ppr is None:
                ppr = p.makeelement(qn("w:pPr"), {})
                p.insert(0, ppr)
            pstyle = ppr.makeelement(qn("w:pStyle"), {})
            ppr.insert(0, pstyle)
        pstyle.set(qn("w:val"), large)


def _set_language(document, lang: str) -> None:
    """The document's language on the defaults and every style; in the text,
    any tag of the same language family (an en-US that Word added while the
    template was edited) becomes ``lang``.  Other languages marked on purpose
    (a Welsh phrase, cy-GB) stay."""
    family = primary_subtag(lang)
    styles = document.styles.element
    template_lang = None
    defaults = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    if defaults is not None:
        template_lang = (defaults.get(qn("w:val")) or "").lower()
    roots = [styles] + [_part_root(p) for p in _story_parts(document)]
    for root in roots:
        if root is None:
            continue
        in_styles = root is styles
        for el in root.iter(qn("w:lang")):
            for attr in LANG_ATTRS:
                value = el.get(attr)
                if value is None:
                    continue
                same_family = primary_subtag(value) == family
                if same_family or (in_styles and value.lower() == template_lang):
                    el.set(attr, lang)
    settings = document.settings.element
    for el in settings.iter(qn("w:themeFontLang")):
        for attr in LANG_ATTRS:
            if el.get(attr) is not None:
                el.set(attr, lang)


def _mark_runs(document, lang: str) -> None:
    """Every run says its language and, in a right-to-left document, which way
    it runs; python-docx has no words for either.

    * every run: ``w:lang`` (``w:val`` for a left-to-right language, ``w:bidi``
      for a right-to-left one).  Fonts stay the styles' (the templates declare
      a complex-script font, ``w:rFonts w:cs``, in their defaults): a run has
      no look of its own;
    * right to left: every paragraph ``w:bidi``; every run ``w:rtl`` except a
      value that reads left to right (a registration, a phone number, a web
      address, an address line).  Word has no isolation per run, so such a
      value is held between two LEFT-TO-RIGHT MARKs (U+200E, invisible): its
      digits and spaces then stay in order inside the Arabic or Urdu line.
    Sizes are the styles' (``w:szCs`` beside every ``w:sz``: 16 pt and up)."""
    rtl = text_direction(lang) == "rtl"
    for part in _story_parts(document):
        root = _part_root(part)
        if root is None:
            continue
        for p in root.iter(qn("w:p")):
            if rtl:
                child_in_order(properties(p, "pPr"), "bidi", PPR_ORDER)
            for r in p.iter(qn("w:r")):
                text = "".join(t.text or "" for t in r.iter(qn("w:t")))
                rpr = properties(r, "rPr")
                if rtl and (direction_of_text(text) == "rtl" or not any(ch.isalnum() for ch in text)):
                    child_in_order(rpr, "rtl", RPR_ORDER)
                elif rtl:
                    _hold_left_to_right(r)
                child_in_order(rpr, "lang", RPR_ORDER).set(w_tag("bidi" if rtl else "val"), lang)


def _mark_paragraphs_in(document, languages: dict[str, str]) -> None:
    """Each paragraph whose text is a key of ``languages``: its runs in that language (``w:val``, or
    ``w:bidi`` for a right-to-left one), left to right or right to left as that language is."""
    if not languages:
        return
    for part in _story_parts(document):
        root = _part_root(part)
        if root is None:
            continue
        for p in root.iter(qn("w:p")):
            text = "".join(t.text or "" for t in p.iter(qn("w:t"))).replace(LRM, "").strip()
            lang = languages.get(text)
            if lang is None:
                continue
            rtl = text_direction(lang) == "rtl"
            for r in p.iter(qn("w:r")):
                rpr = properties(r, "rPr")
                for old in rpr.findall(qn("w:rtl")):
                    rpr.remove(old)
                if rtl:
                    child_in_order(rpr, "rtl", RPR_ORDER)
                for t in r.iter(qn("w:t")):
                    t.text = (t.text or "").replace(LRM, "")
                mark = child_in_order(rpr, "lang", RPR_ORDER)
                for attr in ("val", "bidi"):
                    mark.attrib.pop(w_tag(attr), None)
                mark.set(w_tag("bidi" if rtl else "val"), lang)


LRM = "\u200e"


def _hold_left_to_right(r) -> None:
    """A LEFT-TO-RIGHT MARK before and after the run's text (once)."""
    texts = [t for t in r.iter(qn("w:t")) if t.text]
    if not texts or texts[0].text.startswith(LRM):
        return
    texts[0].text = LRM + texts[0].text
    texts[-1].text = texts[-1].text + LRM

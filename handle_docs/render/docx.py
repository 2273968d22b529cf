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
* :func:`join_docx` streams many rendered letters into one ``batch.docx``,
  each letter its own section starting on a new page, page numbers
  restarting at 1, without holding the batch in memory.  (Not on a new
  *sheet*: Word and LibreOffice decide "odd page" by the page number, which
  restarts at 1, so an odd-page break would add no blank back.  batch.pdf is
  the duplex-safe print file.)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import posixpath
import re
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from docx.oxml.ns import qn
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage, RichText, RichTextParagraph
from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree

from handle_docs.util import atomic
from handle_docs.wording.content import Content, Material
from handle_docs.render.qr import qr_image
from handle_docs.util.reproducible import source_datetime

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
PIC_NS = "http://schemas.openxmlformats.org/drawingml/2006/picture"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
CT_HEADER = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"
CT_FOOTER = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"

#: Style ids the markup maps to (see scripts/make_docx_templates.py).
LIST_STYLE = "ListBullet"
STRONG_STYLE = "Strong"
DEFAULT_PARA_STYLE = "Normal"
LARGE_PRINT_SUFFIX = "Large"
DEFAULT_QR_MM = 34
#: Dates inside the zip: fixed, so output bytes depend on content only.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

# Characters XML 1.0 cannot hold, and whitespace docxtpl would turn into
# breaks (\n → w:br, \a → new paragraph, \t → w:tab): all become a space.
_NOT_TEXT = re.compile("[\x00-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


class DocxError(Exception):
    """A Word document could not be made; messages hold no personal data."""


# --- rendering ---------------------------------------------------------------


def template_path(content: Content, material: Material) -> Path:
    """The material's Word template, which must lie inside the templates folder."""
    name = material.spec.docx_template
    if not name:
        raise DocxError(f"material '{material.id}' has no docx_template in its content file")
    root = Path(content.templates).resolve()
    path = (root / name).resolve()
    if root not in path.parents or not path.is_file():
        raise DocxError(f"material '{material.id}': Word template '{name}' not found under the templates folder")
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


def _source_datetime() -> dt.datetime:
    """Naive UTC, as Word's core properties want: SOURCE_DATE_EPOCH, else now."""
    stamp = source_datetime() or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    return stamp.replace(tzinfo=None)


def render_docx(
    template: Path | bytes,
    context: dict[str, Any],
    *,
    title: str,
    author: str,
    lang: str,
    large_print: bool = False,
) -> bytes:
    """Render ``context`` through a docxtpl ``template``; return .docx bytes."""
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
    except Exception as exc:  # Jinja or XML fault: the type only, never the text
        raise DocxError(f"Word template could not be rendered ({type(exc).__name__})") from None

    document = tpl.docx
    _grid_from_cell_widths(document)
    _set_alt_text(document, alts)
    if large_print:
        _use_large_print_styles(document)
    _set_language(document, lang)
    core = document.core_properties
    core.title = title
    core.author = author
    core.last_modified_by = author
    core.language = lang
    core.subject = core.keywords = core.category = core.comments = ""
    core.revision = 1
    core.created = core.modified = _source_datetime()
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
    )


def render_leaflet_docx(content: Content, material: Material, *, watermark: str | None = None) -> bytes:
    """One leaflet as .docx, from ``leaflet_context(content, material)``."""
    from handle_docs.run.context import leaflet_context

    context = dict(leaflet_context(content, material))
    context["watermark"] = watermark
    return render_docx(
        template_path(content, material),
        context,
        title=material.spec.title,
        author=context["force"]["name"],
        lang=context["lang"],
    )


def write_leaflet_docx(content: Content, material: Material, out_dir: Path, *, watermark: str | None = None) -> str:
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
        widths = []
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


_LANG_ATTRS = (qn("w:val"), qn("w:eastAsia"), qn("w:bidi"))


def _set_language(document, lang: str) -> None:
    """The document's language on the defaults and every style; in the text,
    any tag of the same language family (an en-US that Word added while the
    template was edited) becomes ``lang``.  Other languages marked on purpose
    (a Welsh phrase, cy-GB) stay."""
    family = lang.split("-")[0].lower()
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
            for attr in _LANG_ATTRS:
                value = el.get(attr)
                if value is None:
                    continue
                same_family = value.split("-")[0].lower() == family
                if same_family or (in_styles and value.lower() == template_lang):
                    el.set(attr, lang)
    settings = document.settings.element
    for el in settings.iter(qn("w:themeFontLang")):
        for attr in _LANG_ATTRS:
            if el.get(attr) is not None:
                el.set(attr, lang)


def normalise_zip(data: bytes, replace: dict[str, bytes] | None = None) -> bytes:
    """Re-zip with fixed dates and [Content_Types].xml first, so the bytes
    depend only on the parts."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = sorted(src.namelist(), key=lambda n: (n != "[Content_Types].xml", n))
        for name in names:
            dst.writestr(_zip_info(name), replace.get(name, src.read(name)))
    return out.getvalue()


def _zip_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


# --- joining letters into batch.docx ---------------------------------------------


class _Letter:
    """One rendered letter, opened for joining (its document.xml parsed)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.zip = zipfile.ZipFile(self.path)
        self.names = set(self.zip.namelist())
        self.main = self._main_part()
        self.rels = self._rels(self.main)
        self.types = self._content_types()

    def close(self) -> None:
        self.zip.close()

    def read(self, name: str) -> bytes:
        return self.zip.read(name)

    def _main_part(self) -> str:
        root = etree.fromstring(self.read("_rels/.rels"), _parser())
        for rel in root:
            if rel.get("Type", "").endswith("/officeDocument"):
                return rel.get("Target").lstrip("/")
        raise DocxError("not a Word document (no main part)")

    def _rels(self, part: str) -> dict[str, tuple[str, str, bool]]:
        """rId -> (type, target part name or URL, external?) for ``part``."""
        folder, base = posixpath.split(part)
        name = posixpath.join(folder, "_rels", base + ".rels")
        if name not in self.names:
            return {}
        out = {}
        for rel in etree.fromstring(self.read(name), _parser()):
            external = rel.get("TargetMode") == "External"
            target = rel.get("Target")
            if not external:
                target = posixpath.normpath(posixpath.join(folder, target)) if not target.startswith("/") else target[1:]
            out[rel.get("Id")] = (rel.get("Type"), target, external)
        return out

    def _content_types(self) -> dict[str, str]:
        root = etree.fromstring(self.read("[Content_Types].xml"), _parser())
        types: dict[str, str] = {}
        for el in root:
            if el.tag == f"{{{CT_NS}}}Default":
                types["*." + el.get("Extension").lower()] = el.get("ContentType")
            elif el.tag == f"{{{CT_NS}}}Override":
                types[el.get("PartName").lstrip("/")] = el.get("ContentType")
        return types

    def content_type(self, name: str) -> str:
        return self.types.get(name) or self.types.get("*." + name.rsplit(".", 1)[-1].lower(), "application/octet-stream")


@lru_cache(maxsize=1)
def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=False)


def _styles_key(data: bytes) -> bytes:
    """styles.xml with every language tag blanked: letters whose styles differ
    only in language can share one batch."""
    return re.sub(rb"<w:lang\b[^>]*/>", b"<w:lang/>", data)


def _docx_lang(data: bytes) -> str | None:
    root = etree.fromstring(data, _parser())
    el = root.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    return el.get(qn("w:val")) if el is not None else None


class _Parts:
    """Parts of the batch other than document.xml: deduplicated by content."""

    def __init__(self) -> None:
        self.by_hash: dict[str, str] = {}  # sha256 of (type, bytes, rels) -> part name in the batch
        self.rels: list[str] = []  # Relationship XML for word/_rels/document.xml.rels
        self.overrides: dict[str, str] = {}  # part name -> content type
        self.defaults: dict[str, str] = {}  # extension -> content type
        self.sources: list[tuple[int, str, str]] = []  # (letter index, source name, batch name) to copy
        self.part_rels: dict[str, bytes] = {}  # batch header/footer name -> its relationships XML
        self.counters: dict[str, int] = {}
        self.next_rid = 100

    def name(self, kind: str, ext: str) -> str:
        self.counters[kind] = self.counters.get(kind, 0) + 1
        folder = "media/" if kind == "image" else ""
        return f"word/{folder}{kind}{self.counters[kind]}.{ext}"

    def rid(self) -> str:
        self.next_rid += 1
        return f"rId{self.next_rid}"


def join_docx(
    sources: Sequence[Path],
    target: Path,
    *,
    title: str,
    lang: str,
    author: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Join rendered letters (same Word template) into one document at
    ``target``: each letter its own section, starting on a new page, page
    numbers from 1 in each.

    Streams: only one letter is parsed at a time; the batch is written to a
    private temporary file beside ``target`` and renamed into place.  The
    author is the first letter's unless given.  Returns the number of letters
    joined."""
    sources = [Path(s) for s in sources]
    if not sources:
        raise DocxError("no letters to join")
    with atomic.replacing(Path(target)) as handle:
        _write_batch(sources, handle, title=title, lang=lang, author=author, progress=progress)
    return len(sources)


_SKIP_ATTRS = {
    "{http://schemas.microsoft.com/office/word/2010/wordml}paraId",
    "{http://schemas.microsoft.com/office/word/2010/wordml}textId",
}


def _write_batch(sources, handle, *, title, lang, author, progress) -> None:
    first = _Letter(sources[0])
    try:
        base_main = first.main
        base_doc = first.read(base_main)
        base_styles_name = next((t for (ty, t, ext) in first.rels.values() if ty == REL_TYPE + "styles"), None)
        base_styles = first.read(base_styles_name) if base_styles_name else b""
        base_numbering_name = next((t for (ty, t, ext) in first.rels.values() if ty == REL_TYPE + "numbering"), None)
        base_numbering = first.read(base_numbering_name) if base_numbering_name else b""
        base_lang = _docx_lang(base_styles) if base_styles else None
        if author is None:
            author = _core_creator(first)
        root = etree.fromstring(base_doc, _parser())
        base_nsmap = dict(root.nsmap)
        head, _, _ = base_doc.partition(b"<w:body")
        if not head or b"<w:document" not in head:
            raise DocxError("unexpected document.xml layout in a letter")
        # Parts shared by every letter (the template's): copied from the first.
        shared = {
            t: (ty, first.content_type(t))
            for (ty, t, ext) in first.rels.values()
            if not ext and ty.rsplit("/", 1)[-1] in ("styles", "numbering", "settings", "fontTable", "theme", "webSettings")
        }
    except BaseException:
        first.close()
        raise

    parts = _Parts()
    shared_rels = []
    for target_name, (reltype, _) in sorted(shared.items()):
        rid = parts.rid()
        shared_rels.append((rid, reltype, posixpath.relpath(target_name, posixpath.dirname(base_main))))
    first.close()

    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as out:
        info = _zip_info(base_main)
        with out.open(info, "w", force_zip64=True) as doc:
            doc.write(head)
            doc.write(b"<w:body>")
            bookmark_base = 0
            doc_pr_id = 0
            last = len(sources) - 1
            for index, path in enumerate(sources):
                letter = _Letter(path)
                try:
                    styles_name = next((t for (ty, t, ext) in letter.rels.values() if ty == REL_TYPE + "styles"), None)
                    styles = letter.read(styles_name) if styles_name else b""
                    numbering_name = next((t for (ty, t, ext) in letter.rels.values() if ty == REL_TYPE + "numbering"), None)
                    numbering = letter.read(numbering_name) if numbering_name else b""
                    if numbering != base_numbering or _styles_key(styles) != _styles_key(base_styles):
                        raise DocxError("letters made from different Word templates cannot share one batch.docx")
                    letter_lang = _docx_lang(styles) if styles != base_styles else base_lang
                    letter_root = etree.fromstring(letter.read(letter.main), _parser())
                    body = letter_root.find(qn("w:body"))
                    if body is None:
                        raise DocxError("a letter has no body")
                    rid_map = _copy_relationships(letter, index, body, parts)
                    for el in body.iter():
                        if not isinstance(el.tag, str):
                            continue
                        for attr, value in list(el.attrib.items()):
                            if attr.startswith(f"{{{R_NS}}}") and value in rid_map:
                                el.set(attr, rid_map[value])
                            elif attr in _SKIP_ATTRS:
                                del el.attrib[attr]
                        if el.tag == f"{{{WP_NS}}}docPr":
                            doc_pr_id += 1
                            el.set("id", str(doc_pr_id))
                        elif el.tag in (qn("w:bookmarkStart"), qn("w:bookmarkEnd")):
                            old = el.get(qn("w:id"))
                            if old is not None and old.isdigit():
                                el.set(qn("w:id"), str(bookmark_base + int(old)))
                    bookmark_base += 10000
                    if letter_lang and base_lang and letter_lang != base_lang:
                        _mark_language(body, letter_lang)
                    sect = body.find(qn("w:sectPr"))
                    if sect is None:
                        raise DocxError("a letter has no section properties")
                    _start_on_new_page(sect)
                    body.remove(sect)
                    if index < last:
                        _end_section(body, sect)
                    else:
                        body.append(sect)
                    doc.write(_inner_xml(body, base_nsmap))
                finally:
                    letter.close()
                if progress:
                    progress(1)
            doc.write(b"</w:body></w:document>")

        # Headers, footers and pictures, copied from their letters (second pass).
        by_letter: dict[int, list[tuple[str, str]]] = {}
        for index, source_name, batch_name in parts.sources:
            by_letter.setdefault(index, []).append((source_name, batch_name))
        for index in sorted(by_letter):
            letter = _Letter(sources[index])
            try:
                for source_name, batch_name in by_letter[index]:
                    data = letter.read(source_name)
                    if batch_name.endswith(".xml"):
                        data = _strip_ids(data)
                    out.writestr(_zip_info(batch_name), data)
                    rels = parts.part_rels.get(batch_name)
                    if rels is not None:
                        folder, base = posixpath.split(batch_name)
                        out.writestr(_zip_info(posixpath.join(folder, "_rels", base + ".rels")), rels)
            finally:
                letter.close()

        first = _Letter(sources[0])
        try:
            for name in shared:
                out.writestr(_zip_info(name), first.read(name))
                sub = _part_rels_source(first, name)
                if sub is not None:
                    out.writestr(_zip_info(sub), first.read(sub))
            if "docProps/app.xml" in first.names:
                out.writestr(_zip_info("docProps/app.xml"), first.read("docProps/app.xml"))
            overrides = {
                "/" + base_main: first.content_type(base_main),
                "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
            }
            if "docProps/app.xml" in first.names:
                overrides["/docProps/app.xml"] = first.content_type("docProps/app.xml")
            for name, (_, ctype) in shared.items():
                overrides["/" + name] = ctype
        finally:
            first.close()
        for name, ctype in parts.overrides.items():
            overrides["/" + name] = ctype

        out.writestr(_zip_info("docProps/core.xml"), _core_xml(title=title, author=author, lang=lang))
        rels = [
            f'<Relationship Id="{rid}" Type="{reltype}" Target="{_attr(target)}"/>' for rid, reltype, target in shared_rels
        ] + parts.rels
        folder, base = posixpath.split(base_main)
        out.writestr(
            _zip_info(posixpath.join(folder, "_rels", base + ".rels")),
            ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
             f'<Relationships xmlns="{PKG_REL_NS}">' + "".join(rels) + "</Relationships>").encode("utf-8"),
        )
        package_rels = [
            f'<Relationship Id="rId1" Type="{REL_TYPE}officeDocument" Target="{_attr(base_main)}"/>',
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
            'metadata/core-properties" Target="docProps/core.xml"/>',
        ]
        if "/docProps/app.xml" in overrides:
            package_rels.append(f'<Relationship Id="rId3" Type="{REL_TYPE}extended-properties" Target="docProps/app.xml"/>')
        out.writestr(
            _zip_info("_rels/.rels"),
            ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
             f'<Relationships xmlns="{PKG_REL_NS}">' + "".join(package_rels) + "</Relationships>").encode("utf-8"),
        )
        defaults = {"rels": "application/vnd.openxmlformats-package.relationships+xml", "xml": "application/xml",
                    **parts.defaults}
        types = (
            "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            f'<Types xmlns="{CT_NS}">'
            + "".join(f'<Default Extension="{ext}" ContentType="{ct}"/>' for ext, ct in sorted(defaults.items()))
            + "".join(f'<Override PartName="{_attr(n)}" ContentType="{ct}"/>' for n, ct in sorted(overrides.items()))
            + "</Types>"
        )
        out.writestr(_zip_info("[Content_Types].xml"), types.encode("utf-8"))


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _part_rels_source(letter: _Letter, name: str) -> str | None:
    folder, base = posixpath.split(name)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    return rels if rels in letter.names else None


def _copy_relationships(letter: _Letter, index: int, body, parts: _Parts) -> dict[str, str]:
    """Give the batch a relationship for each one this letter's body uses;
    identical pictures, headers and footers are stored once."""
    used = {
        value
        for el in body.iter()
        if isinstance(el.tag, str)
        for attr, value in el.attrib.items()
        if attr.startswith(f"{{{R_NS}}}")
    }
    mapping: dict[str, str] = {}
    for rid in sorted(used):
        if rid not in letter.rels:
            raise DocxError("a letter refers to a relationship it does not have")
        reltype, target, external = letter.rels[rid]
        kind = reltype.rsplit("/", 1)[-1]
        new_rid = parts.rid()
        mapping[rid] = new_rid
        if external:
            if kind != "hyperlink":
                raise DocxError(f"a letter has an external {kind} link; only web links are allowed")
            parts.rels.append(
                f'<Relationship Id="{new_rid}" Type="{reltype}" Target="{_attr(target)}" TargetMode="External"/>'
            )
            continue
        if kind not in ("image", "header", "footer"):
            raise DocxError(f"a letter uses a {kind} part, which batch.docx does not join")
        name = _add_part(letter, index, target, kind, parts)
        rel_target = posixpath.relpath(name, "word")
        parts.rels.append(f'<Relationship Id="{new_rid}" Type="{reltype}" Target="{_attr(rel_target)}"/>')
    return mapping


def _add_part(letter: _Letter, index: int, target: str, kind: str, parts: _Parts) -> str:
    """The batch's name for a letter's picture, header or footer, stored once
    however many letters hold the same bytes."""
    data = letter.read(target)
    sub_rels = _header_footer_rels(letter, index, target, parts) if kind != "image" else None
    digest = hashlib.sha256(kind.encode() + b"\0" + data + b"\0" + (sub_rels or b"")).hexdigest()
    name = parts.by_hash.get(digest)
    if name is not None:
        return name
    ext = target.rsplit(".", 1)[-1].lower()
    name = parts.name(kind, ext)
    parts.by_hash[digest] = name
    parts.sources.append((index, target, name))
    ctype = letter.content_type(target)
    if kind == "image":
        parts.defaults.setdefault(ext, ctype)
        if parts.defaults[ext] != ctype:
            parts.overrides[name] = ctype
    else:
        parts.overrides[name] = ctype
    if sub_rels is not None:
        parts.part_rels[name] = sub_rels
    return name


def _header_footer_rels(letter: _Letter, index: int, source_name: str, parts: _Parts) -> bytes | None:
    """Relationships of a header or footer (pictures, web links), pointed at
    the batch's copies of those pictures."""
    if _part_rels_source(letter, source_name) is None:
        return None
    out = []
    for rid, (reltype, target, external) in sorted(letter._rels(source_name).items()):
        kind = reltype.rsplit("/", 1)[-1]
        if external:
            if kind != "hyperlink":
                raise DocxError(f"a header or footer has an external {kind} link")
            out.append(f'<Relationship Id="{rid}" Type="{reltype}" Target="{_attr(target)}" TargetMode="External"/>')
            continue
        if kind != "image":
            raise DocxError(f"a header or footer uses a {kind} part, which batch.docx does not join")
        name = _add_part(letter, index, target, "image", parts)
        out.append(f'<Relationship Id="{rid}" Type="{reltype}" Target="{_attr(posixpath.relpath(name, "word"))}"/>')
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            f'<Relationships xmlns="{PKG_REL_NS}">' + "".join(out) + "</Relationships>").encode("utf-8")


def _strip_ids(data: bytes) -> bytes:
    return re.sub(rb'\s(?:w14:paraId|w14:textId)="[^"]*"', b"", data)


def _end_section(body, sect) -> None:
    """Put the section break in the letter's last paragraph, as Word does (an
    empty paragraph only if the letter ends with a table)."""
    last = body[-1] if len(body) else None
    if last is None or last.tag != qn("w:p"):
        last = body.makeelement(qn("w:p"), {})
        body.append(last)
    ppr = last.find(qn("w:pPr"))
    if ppr is None:
        ppr = last.makeelement(qn("w:pPr"), {})
        last.insert(0, ppr)
    change = ppr.find(qn("w:pPrChange"))
    if change is not None:
        change.addprevious(sect)
    else:
        ppr.append(sect)


def _start_on_new_page(sect) -> None:
    kind = sect.find(qn("w:type"))
    if kind is None:
        kind = sect.makeelement(qn("w:type"), {})
        # w:type comes after the header/footer references and footnote/endnote properties
        refs = [c for c in sect if c.tag in (qn("w:headerReference"), qn("w:footerReference"),
                                             qn("w:footnotePr"), qn("w:endnotePr"))]
        if refs:
            refs[-1].addnext(kind)
        else:
            sect.insert(0, kind)
    kind.set(qn("w:val"), "nextPage")
    pg = sect.find(qn("w:pgNumType"))
    if pg is None:
        pg = sect.makeelement(qn("w:pgNumType"), {})
        anchor = sect.find(qn("w:cols"))
        if anchor is not None:
            anchor.addprevious(pg)
        else:
            sect.append(pg)
    pg.set(qn("w:start"), "1")


def _mark_language(body, lang: str) -> None:
    """A letter in another language than the batch's first: say so on each run."""
    for r in body.iter(qn("w:r")):
        rpr = r.find(qn("w:rPr"))
        if rpr is None:
            rpr = r.makeelement(qn("w:rPr"), {})
            r.insert(0, rpr)
        el = rpr.find(qn("w:lang"))
        if el is None:
            el = rpr.makeelement(qn("w:lang"), {})
            rpr.append(el)
        for attr in _LANG_ATTRS:
            el.set(attr, lang)


def _inner_xml(body, nsmap: dict) -> bytes:
    """The children of ``body`` as XML without repeating the namespace
    declarations the batch's root already makes."""
    if all(nsmap.get(prefix) == uri for prefix, uri in body.nsmap.items()):
        text = etree.tostring(body, encoding="utf-8")
        start = text.index(b">") + 1
        if text[start - 2:start] == b"/>":
            return b""
        return text[start:text.rindex(b"</")]
    return b"".join(etree.tostring(child, encoding="utf-8") for child in body)


def _core_creator(letter: _Letter) -> str:
    if "docProps/core.xml" not in letter.names:
        return ""
    root = etree.fromstring(letter.read("docProps/core.xml"), _parser())
    el = root.find("{http://purl.org/dc/elements/1.1/}creator")
    return (el.text or "") if el is not None else ""


def _core_xml(*, title: str, author: str, lang: str) -> bytes:
    from xml.sax.saxutils import escape

    when = _source_datetime().strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>{escape(author)}</dc:creator>"
        f"<cp:lastModifiedBy>{escape(author)}</cp:lastModifiedBy><dc:language>{escape(lang)}</dc:language>"
        "<cp:revision>1</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode("utf-8")

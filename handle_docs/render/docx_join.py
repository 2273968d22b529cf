"""Many rendered Word letters joined into one ``batch.docx``, streamed.

Each letter becomes its own section, starting on a new page, page numbers
restarting at 1, without holding the batch in memory: one letter is parsed
at a time and written straight into the zip.  Pictures, headers and footers
that many letters share are stored once.  (Not on a new *sheet*: Word and
LibreOffice decide "odd page" by the page number, which restarts at 1, so
an odd-page break would add no blank back.  batch.pdf is the duplex-safe
print file.)  The batch's default language is the one it is given (the
force's); a letter in another language says so on each of its runs.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from docx.oxml.ns import qn
from lxml import etree

from handle_docs.render.ooxml import LANG_ATTRS, R_NS, REL_TYPE, WP_NS, DocxError, core_datetime, zip_info
from handle_docs.util import atomic

PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"

__all__ = ["join_docx", "join_docx_bytes"]


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
                target = (
                    posixpath.normpath(posixpath.join(folder, target))
                    if not target.startswith("/")
                    else target[1:]
                )
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
        return self.types.get(name) or self.types.get(
            "*." + name.rsplit(".", 1)[-1].lower(), "application/octet-stream"
        )


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


def join_docx_bytes(documents: Sequence[bytes], *, title: str, lang: str) -> bytes:
    """:func:`join_docx` for documents in memory: a bilingual letter's two
    languages, each its own section (the second marked with its language)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="handle-docs-join-") as folder:
        paths = []
        for i, data in enumerate(documents):
            paths.append(Path(folder) / f"part-{i}.docx")
            paths[-1].write_bytes(data)
        join_docx(paths, Path(folder) / "joined.docx", title=title, lang=lang)
        return (Path(folder) / "joined.docx").read_bytes()


_SKIP_ATTRS = {
    "{http://schemas.microsoft.com/office/word/2010/wordml}paraId",
    "{http://schemas.microsoft.com/office/word/2010/wordml}textId",
}


@dataclass
class _Base:
    """What the batch takes from the first letter: its main part's name and head, its styles and numbering
    (every letter must share them), its language, and the template's parts that every letter shares."""

    main: str
    head: bytes
    nsmap: dict
    styles_name: str | None
    styles: bytes
    numbering: bytes
    lang: str | None
    author: str
    shared: dict[str, tuple[str, str]]  # part name -> (relationship type, content type)


@dataclass
class _Ids:
    """Numbers that must stay unique across the letters of a batch."""

    bookmark_base: int = 0
    doc_pr: int = 0


_SHARED_PARTS = ("styles", "numbering", "settings", "fontTable", "theme", "webSettings")


def _write_batch(sources, handle, *, title, lang, author, progress) -> None:
    base = _read_base(sources[0], author)
    parts = _Parts()
    shared_rels = []
    for target_name, (reltype, _) in sorted(base.shared.items()):
        rid = parts.rid()
        shared_rels.append((rid, reltype, posixpath.relpath(target_name, posixpath.dirname(base.main))))

    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as out:
        with out.open(zip_info(base.main), "w", force_zip64=True) as doc:
            doc.write(base.head)
            doc.write(b"<w:body>")
            ids = _Ids()
            for index, path in enumerate(sources):
                doc.write(_letter_body(path, index, index == len(sources) - 1, base, parts, ids, lang))
                if progress:
                    progress(1)
            doc.write(b"</w:body></w:document>")
        _copy_letter_parts(out, sources, parts)
        overrides = _copy_shared_parts(out, sources[0], base, lang)
        for name, ctype in parts.overrides.items():
            overrides["/" + name] = ctype
        _write_package(out, base, parts, shared_rels, overrides, title=title, lang=lang)


def _part_named(letter: _Letter, kind: str) -> str | None:
    """The name of the letter's part of relationship ``kind`` (styles, numbering), if it has one."""
    return next((t for (ty, t, ext) in letter.rels.values() if ty == REL_TYPE + kind), None)


def _read_base(source, author: str | None) -> _Base:
    first = _Letter(source)
    try:
        base_main = first.main
        base_doc = first.read(base_main)
        styles_name = _part_named(first, "styles")
        styles = first.read(styles_name) if styles_name else b""
        numbering_name = _part_named(first, "numbering")
        root = etree.fromstring(base_doc, _parser())
        head, _, _ = base_doc.partition(b"<w:body")
        if not head or b"<w:document" not in head:
            raise DocxError("unexpected document.xml layout in a letter")
        return _Base(
            main=base_main,
            head=head,
            nsmap=dict(root.nsmap),
            styles_name=styles_name,
            styles=styles,
            numbering=first.read(numbering_name) if numbering_name else b"",
            lang=_docx_lang(styles) if styles else None,
            author=_core_creator(first) if author is None else author,
            # Parts shared by every letter (the template's): copied from the first.
            shared={
                t: (ty, first.content_type(t))
                for (ty, t, ext) in first.rels.values()
                if not ext and ty.rsplit("/", 1)[-1] in _SHARED_PARTS
            },
        )
    finally:
        first.close()


def _letter_body(path, index: int, is_last: bool, base: _Base, parts: _Parts, ids: _Ids, lang: str) -> bytes:
    """One letter's body as it goes into the batch's: its relationships renumbered, ids made unique, its
    language marked, and a section break after it (the last keeps the document's section properties)."""
    letter = _Letter(path)
    try:
        styles_name = _part_named(letter, "styles")
        styles = letter.read(styles_name) if styles_name else b""
        numbering_name = _part_named(letter, "numbering")
        numbering = letter.read(numbering_name) if numbering_name else b""
        if numbering != base.numbering or _styles_key(styles) != _styles_key(base.styles):
            raise DocxError("letters made from different Word templates cannot share one batch.docx")
        letter_lang = _docx_lang(styles) if styles != base.styles else base.lang
        letter_root = etree.fromstring(letter.read(letter.main), _parser())
        body = letter_root.find(qn("w:body"))
        if body is None:
            raise DocxError("a letter has no body")
        _renumber(body, _copy_relationships(letter, index, body, parts), ids)
        if letter_lang and letter_lang != lang:
            _mark_language(body, letter_lang)
        sect = body.find(qn("w:sectPr"))
        if sect is None:
            raise DocxError("a letter has no section properties")
        _start_on_new_page(sect)
        body.remove(sect)
        if is_last:
            body.append(sect)
        else:
            _end_section(body, sect)
        return _inner_xml(body, base.nsmap)
    finally:
        letter.close()


def _renumber(body, rid_map: dict[str, str], ids: _Ids) -> None:
    """Relationship ids as the batch numbers them; drawing and bookmark ids unique in the batch."""
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        for attr, value in list(el.attrib.items()):
            if attr.startswith(f"{{{R_NS}}}") and value in rid_map:
                el.set(attr, rid_map[value])
            elif attr in _SKIP_ATTRS:
                del el.attrib[attr]
        if el.tag == f"{{{WP_NS}}}docPr":
            ids.doc_pr += 1
            el.set("id", str(ids.doc_pr))
        elif el.tag in (qn("w:bookmarkStart"), qn("w:bookmarkEnd")):
            old = el.get(qn("w:id"))
            if old is not None and old.isdigit():
                el.set(qn("w:id"), str(ids.bookmark_base + int(old)))
    ids.bookmark_base += 10000


def _copy_letter_parts(out: zipfile.ZipFile, sources, parts: _Parts) -> None:
    """Headers, footers and pictures, copied from their letters (the second pass)."""
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
                out.writestr(zip_info(batch_name), data)
                rels = parts.part_rels.get(batch_name)
                if rels is not None:
                    folder, base = posixpath.split(batch_name)
                    out.writestr(zip_info(posixpath.join(folder, "_rels", base + ".rels")), rels)
        finally:
            letter.close()


def _copy_shared_parts(out: zipfile.ZipFile, source, base: _Base, lang: str) -> dict[str, str]:
    """The template's parts, copied from the first letter (its styles in the batch's language); returns the
    content types of the parts the batch has so far, by part name."""
    first = _Letter(source)
    try:
        for name in base.shared:
            data = first.read(name)
            if name == base.styles_name and base.lang and base.lang != lang:
                data = _restyle_language(data, base.lang, lang)
            out.writestr(zip_info(name), data)
            sub = _part_rels_source(first, name)
            if sub is not None:
                out.writestr(zip_info(sub), first.read(sub))
        if "docProps/app.xml" in first.names:
            out.writestr(zip_info("docProps/app.xml"), first.read("docProps/app.xml"))
        overrides = {
            "/" + base.main: first.content_type(base.main),
            "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
        }
        if "docProps/app.xml" in first.names:
            overrides["/docProps/app.xml"] = first.content_type("docProps/app.xml")
        for name, (_, ctype) in base.shared.items():
            overrides["/" + name] = ctype
        return overrides
    finally:
        first.close()


def _relationships(rels: list[str]) -> bytes:
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f'<Relationships xmlns="{PKG_REL_NS}">' + "".join(rels) + "</Relationships>"
    ).encode("utf-8")


def _write_package(
    out: zipfile.ZipFile,
    base: _Base,
    parts: _Parts,
    shared_rels,
    overrides: dict[str, str],
    *,
    title: str,
    lang: str,
) -> None:
    """The package's own parts: core properties, the main part's and the package's relationships, and the
    content types."""
    out.writestr(zip_info("docProps/core.xml"), _core_xml(title=title, author=base.author, lang=lang))
    rel_lines = [
        f'<Relationship Id="{rid}" Type="{reltype}" Target="{_attr(target)}"/>'
        for rid, reltype, target in shared_rels
    ] + parts.rels
    folder, name = posixpath.split(base.main)
    out.writestr(zip_info(posixpath.join(folder, "_rels", name + ".rels")), _relationships(rel_lines))
    package_rels = [
        f'<Relationship Id="rId1" Type="{REL_TYPE}officeDocument" Target="{_attr(base.main)}"/>',
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
        'metadata/core-properties" Target="docProps/core.xml"/>',
    ]
    if "/docProps/app.xml" in overrides:
        package_rels.append(
            f'<Relationship Id="rId3" Type="{REL_TYPE}extended-properties" Target="docProps/app.xml"/>'
        )
    out.writestr(zip_info("_rels/.rels"), _relationships(package_rels))
    defaults = {
        "rels": "application/vnd.openxmlformats-package.relationships+xml",
        "xml": "application/xml",
        **parts.defaults,
    }
    types = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f'<Types xmlns="{CT_NS}">'
        + "".join(f'<Default Extension="{ext}" ContentType="{ct}"/>' for ext, ct in sorted(defaults.items()))
        + "".join(
            f'<Override PartName="{_attr(n)}" ContentType="{ct}"/>' for n, ct in sorted(overrides.items())
        )
        + "</Types>"
    )
    out.writestr(zip_info("[Content_Types].xml"), types.encode("utf-8"))


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
            out.append(
                f'<Relationship Id="{rid}" Type="{reltype}" Target="{_attr(target)}" TargetMode="External"/>'
            )
            continue
        if kind != "image":
            raise DocxError(f"a header or footer uses a {kind} part, which batch.docx does not join")
        name = _add_part(letter, index, target, "image", parts)
        out.append(
            f'<Relationship Id="{rid}" Type="{reltype}" Target="{_attr(posixpath.relpath(name, "word"))}"/>'
        )
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f'<Relationships xmlns="{PKG_REL_NS}">' + "".join(out) + "</Relationships>"
    ).encode("utf-8")


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
        refs = [
            c
            for c in sect
            if c.tag
            in (qn("w:headerReference"), qn("w:footerReference"), qn("w:footnotePr"), qn("w:endnotePr"))
        ]
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


def _restyle_language(styles: bytes, old: str, new: str) -> bytes:
    """styles.xml (the first letter's) with its language ``old`` made ``new``: the batch's
    default language is the force's, each letter in another language says so on its runs."""
    root = etree.fromstring(styles, _parser())
    for el in root.iter(qn("w:lang")):
        for attr in LANG_ATTRS:
            if el.get(attr) == old:
                el.set(attr, new)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _mark_language(body, lang: str) -> None:
    """A letter in another language than the batch's: say so on each run that does
    not say its own (the English half of a bilingual letter keeps its en-GB)."""
    for r in body.iter(qn("w:r")):
        rpr = r.find(qn("w:rPr"))
        if rpr is None:
            rpr = r.makeelement(qn("w:rPr"), {})
            r.insert(0, rpr)
        el = rpr.find(qn("w:lang"))
        if el is not None and el.get(qn("w:val")):
            continue
        if el is None:
            el = rpr.makeelement(qn("w:lang"), {})
            rpr.append(el)
        for attr in LANG_ATTRS:
            el.set(attr, lang)


def _inner_xml(body, nsmap: dict) -> bytes:
    """The children of ``body`` as XML without repeating the namespace
    declarations the batch's root already makes."""
    if all(nsmap.get(prefix) == uri for prefix, uri in body.nsmap.items()):
        text = etree.tostring(body, encoding="utf-8")
        start = text.index(b">") + 1
        if text[start - 2 : start] == b"/>":
            return b""
        return text[start : text.rindex(b"</")]
    return b"".join(etree.tostring(child, encoding="utf-8") for child in body)


def _core_creator(letter: _Letter) -> str:
    if "docProps/core.xml" not in letter.names:
        return ""
    root = etree.fromstring(letter.read("docProps/core.xml"), _parser())
    el = root.find("{http://purl.org/dc/elements/1.1/}creator")
    return (el.text or "") if el is not None else ""


def _core_xml(*, title: str, author: str, lang: str) -> bytes:
    from xml.sax.saxutils import escape

    when = core_datetime().strftime("%Y-%m-%dT%H:%M:%SZ")
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
    ).encode()

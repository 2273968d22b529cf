"""Word (.docx) checks: heading and list styles, language, font size, alt
text and title.

Run properties are resolved the way Word does: the run's own ``w:rPr``, then
its character style and that style's ``basedOn`` chain, then the paragraph
style chain (or the default paragraph style), then ``w:docDefaults``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import docx as python_docx
from docx.oxml.ns import qn
from lxml import etree

from .config import CheckConfig
from .results import CheckResult, Finding

W_P, W_R, W_T, W_TAB, W_BR, W_CR, W_SYM = (
    qn(t) for t in ("w:p", "w:r", "w:t", "w:tab", "w:br", "w:cr", "w:sym")
)
W_RPR, W_PPR, W_VAL = qn("w:rPr"), qn("w:pPr"), qn("w:val")
W_DEL, W_TC, W_TXBX = qn("w:del"), qn("w:tc"), qn("w:txbxContent")
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"

#: Glyphs people type to fake a bullet point.
BULLET_GLYPHS = "•◦▪-–*·‣○■□►"
#: Symbol-font characters Word uses for bullets (w:sym w:char).
_SYM_BULLETS = {"F0B7": "•", "F0A7": "▪", "F06F": "○", "F0D8": "►", "F076": "❖", "F0FC": "✓"}
_TEXT_PART_SUFFIXES = (
    "document.main+xml",
    "template.main+xml",
    "macroEnabled.main+xml",
    "header+xml",
    "footer+xml",
    "footnotes+xml",
    "endnotes+xml",
)
_SENTENCE_END = tuple(".!?,;:")
_DEFAULT_SIZE_PT = 10.0  # w:sz absent everywhere


def _on(el: etree._Element | None) -> bool | None:
    """A toggle property (w:b, w:i …): None when absent."""
    if el is None:
        return None
    return el.get(W_VAL, "true").lower() not in ("0", "false", "off", "none")


class Styles:
    """styles.xml, indexed for property lookups."""

    def __init__(self, root: etree._Element | None):
        self.root = root
        self.by_id: dict[str, etree._Element] = {}
        self.default_para: str | None = None
        self.doc_rpr: etree._Element | None = None
        if root is None:
            return
        for style in root.iterfind(qn("w:style")):
            sid = style.get(qn("w:styleId"))
            if sid:
                self.by_id[sid] = style
                if style.get(qn("w:type")) == "paragraph" and style.get(qn("w:default")) in (
                    "1",
                    "true",
                    "on",
                ):
                    self.default_para = sid
        self.doc_rpr = root.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")

    def chain(self, style_id: str | None) -> list[etree._Element]:
        """The style and its ``basedOn`` ancestors, nearest first."""
        found: list[etree._Element] = []
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self.by_id:
            seen.add(style_id)
            style = self.by_id[style_id]
            found.append(style)
            based = style.find(qn("w:basedOn"))
            style_id = based.get(W_VAL) if based is not None else None
        return found

    def name(self, style_id: str | None) -> str:
        style = self.by_id.get(style_id or "")
        if style is None:
            return style_id or ""
        name = style.find(qn("w:name"))
        return name.get(W_VAL, style_id) if name is not None else (style_id or "")

    def para_style_id(self, p: etree._Element) -> str | None:
        ps = p.find(f"{W_PPR}/{qn('w:pStyle')}")
        return ps.get(W_VAL) if ps is not None else self.default_para

    def run_property(self, r: etree._Element, p: etree._Element, tag: str) -> etree._Element | None:
        """The nearest ``w:<tag>`` that applies to run ``r`` in paragraph ``p``."""
        qtag = qn(f"w:{tag}")
        rpr = r.find(W_RPR)
        if rpr is not None:
            el = rpr.find(qtag)
            if el is not None:
                return el
            rstyle = rpr.find(qn("w:rStyle"))
            if rstyle is not None:
                for style in self.chain(rstyle.get(W_VAL)):
                    el = style.find(f"{W_RPR}/{qtag}")
                    if el is not None:
                        return el
        for style in self.chain(self.para_style_id(p)):
            el = style.find(f"{W_RPR}/{qtag}")
            if el is not None:
                return el
        if self.doc_rpr is not None:
            return self.doc_rpr.find(qtag)
        return None

    def size_pt(self, r: etree._Element, p: etree._Element, tag: str = "sz") -> float:
        """The run's size in points: ``w:sz``, or ``w:szCs`` (complex script: Arabic, Urdu …)."""
        el = self.run_property(r, p, tag)
        try:
            return int(el.get(W_VAL)) / 2 if el is not None else _DEFAULT_SIZE_PT
        except (TypeError, ValueError):
            return _DEFAULT_SIZE_PT

    def bold(self, r: etree._Element, p: etree._Element) -> bool:
        return bool(_on(self.run_property(r, p, "b")))

    def is_heading_style(self, style_id: str | None) -> bool:
        for style in self.chain(style_id):
            name = self.name(style.get(qn("w:styleId"))).lower()
            if name.startswith(("heading", "title")):
                return True
            level = style.find(f"{W_PPR}/{qn('w:outlineLvl')}")
            if level is not None and level.get(W_VAL, "9").isdigit() and int(level.get(W_VAL)) < 9:
                return True
        return False


def _runs(p: etree._Element) -> Iterator[etree._Element]:
    """Runs of paragraph ``p`` (in hyperlinks, insertions …), not deleted
    runs and not runs of paragraphs nested in text boxes."""
    for r in p.iter(W_R):
        node = r.getparent()
        ok = True
        while node is not None and node is not p:
            if node.tag in (W_P, W_DEL):
                ok = False
                break
            node = node.getparent()
        if ok:
            yield r


def run_text(r: etree._Element) -> str:
    out = []
    for child in r:
        if child.tag == W_T:
            out.append(child.text or "")
        elif child.tag == W_TAB:
            out.append("\t")
        elif child.tag in (W_BR, W_CR):
            out.append("\n")
        elif child.tag == W_SYM:
            out.append(_SYM_BULLETS.get((child.get(qn("w:char")) or "").upper(), "?"))
        elif child.tag == qn("w:noBreakHyphen"):
            out.append("-")
    return "".join(out)


def para_text(p: etree._Element) -> str:
    return "".join(run_text(r) for r in _runs(p))


def _in_fallback(el: etree._Element) -> bool:
    """Inside mc:Fallback, the copy of a text box for old readers."""
    node = el.getparent()
    while node is not None:
        if isinstance(node.tag, str) and node.tag.endswith("}Fallback"):
            return True
        node = node.getparent()
    return False


class DocxFile:
    """An opened .docx with its text parts parsed."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.document = python_docx.Document(str(self.path))
        self.styles = Styles(self.document.styles.element)
        self.parts: list[tuple[str, etree._Element]] = []  # (label, root)
        for part in self.document.part.package.iter_parts():
            ctype = getattr(part, "content_type", "")
            if not ctype.endswith(_TEXT_PART_SUFFIXES):
                continue
            root = getattr(part, "element", None)
            if root is None:
                parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
                root = etree.fromstring(part.blob, parser)
            label = "" if ctype.endswith("main+xml") else str(part.partname).rsplit("/", 1)[-1]
            self.parts.append((label, root))
        # the main document first, so paragraph numbers read naturally
        self.parts.sort(key=lambda item: item[0] != "")

        # Keep every paragraph element alive, so that lxml hands back the
        # same proxy objects later and they can key a dict.
        self._paragraphs: list[tuple[str, etree._Element]] = []
        for label, root in self.parts:
            numbered = [p for p in root.iter(W_P) if not _in_fallback(p)]
            for i, p in enumerate(numbered, start=1):
                self._paragraphs.append((f"{label} paragraph {i}" if label else f"paragraph {i}", p))
        self.where_of: dict[etree._Element, str] = {p: where for where, p in self._paragraphs}

    def paragraphs(self) -> list[tuple[str, etree._Element]]:
        """(where, paragraph) for every paragraph in every text part."""
        return self._paragraphs

    @property
    def body(self) -> etree._Element:
        return self.document.element.body


def _looks_like_heading(doc: DocxFile, p: etree._Element, next_p: etree._Element | None) -> str | None:
    text = para_text(p).strip()
    runs = [r for r in _runs(p) if run_text(r).strip()]
    if not text or not runs:
        return None
    if not all(doc.styles.bold(r, p) for r in runs):
        return None
    size = min(doc.styles.size_pt(r, p) for r in runs)
    if size >= 18:
        return f"bold {size:g} pt text"
    if (
        len(text) <= 80
        and len(text.split()) <= 12
        and not text.endswith(_SENTENCE_END)
        and next_p is not None
    ):
        next_runs = [r for r in _runs(next_p) if run_text(r).strip()]
        if next_runs and not all(doc.styles.bold(r, next_p) for r in next_runs):
            return "short bold line before body text"
    return None


def check_heading_styles(doc: DocxFile, config: CheckConfig) -> CheckResult:
    findings = []
    body_paras = [el for el in doc.body if el.tag == W_P]
    non_empty = [p for p in body_paras if para_text(p).strip()]
    for i, p in enumerate(non_empty):
        style_id = doc.styles.para_style_id(p)
        if doc.styles.is_heading_style(style_id):
            continue
        next_p = non_empty[i + 1] if i + 1 < len(non_empty) else None
        why = _looks_like_heading(doc, p, next_p)
        if why:
            findings.append(
                Finding(
                    f"{why} looks like a heading but uses style {doc.styles.name(style_id) or 'none'!r}"
                    " (use a Heading style)",
                    element=doc.where_of.get(p, "paragraph"),
                    text=para_text(p),
                )
            )
    return CheckResult.from_findings("docx-heading-styles", findings)


def check_list_styles(doc: DocxFile, config: CheckConfig) -> CheckResult:
    findings = []
    for where, p in doc.paragraphs():
        text = para_text(p).lstrip()
        if len(text) >= 2 and text[0] in BULLET_GLYPHS and text[1].isspace():
            findings.append(
                Finding(
                    "bullet typed as text; use a List Bullet style or numbering",
                    element=where,
                    text=text,
                )
            )
    return CheckResult.from_findings("docx-list-styles", findings)


def _lang_owner(el: etree._Element, styles: Styles, where_of: dict[etree._Element, str]) -> tuple[str, str]:
    node = el.getparent()
    while node is not None:
        if node.tag == qn("w:style"):
            return f"style {styles.name(node.get(qn('w:styleId')))!r}", ""
        if node.tag == qn("w:docDefaults"):
            return "docDefaults", ""
        if node.tag == W_P:
            return where_of.get(node, "paragraph"), para_text(node)
        node = node.getparent()
    return "", ""


def check_language(doc: DocxFile, config: CheckConfig) -> CheckResult:
    findings = []
    lang_tag = qn("w:lang")
    default = None
    if doc.styles.doc_rpr is not None and doc.styles.doc_rpr.find(lang_tag) is not None:
        default = doc.styles.doc_rpr.find(lang_tag).get(W_VAL)
    if not default:
        for style in doc.styles.chain(doc.styles.default_para):
            el = style.find(f"{W_RPR}/{lang_tag}")
            if el is not None and el.get(W_VAL):
                default = el.get(W_VAL)
                break
    # The document's own language (a translation's), else British English.
    expected = (doc.document.core_properties.language or "").strip() or "en-GB"
    if (default or "").lower() != expected.lower():
        findings.append(
            Finding(
                f"default language is {default!r}, not {expected!r}"
                if default
                else f"no default language ({expected}) set",
                element="docDefaults",
            )
        )
    roots = [doc.styles.root] if doc.styles.root is not None else []
    roots += [root for _, root in doc.parts]
    for root in roots:
        for el in root.iter(lang_tag):
            if (el.get(W_VAL) or "").lower() == "en-us":
                owner, text = _lang_owner(el, doc.styles, doc.where_of)
                if owner == "docDefaults" and findings and findings[0].element == "docDefaults":
                    continue  # already reported
                findings.append(Finding("declares en-US", element=owner, text=text))
    return CheckResult.from_findings("docx-language", findings)


def _right_to_left(r: etree._Element, p: etree._Element) -> bool:
    """A run Word lays out right to left: its paragraph's ``w:bidi`` or its own ``w:rtl``."""
    return bool(_on(p.find(f"{W_PPR}/{qn('w:bidi')}")) or _on(r.find(f"{W_RPR}/{qn('w:rtl')}")))


def check_font_size(doc: DocxFile, config: CheckConfig) -> CheckResult:
    """Every run at least the minimum size; in a right-to-left paragraph or
    run its complex-script size (``w:szCs``, what Arabic and Urdu are drawn
    at) too."""
    findings = []
    for where, p in doc.paragraphs():
        small = []
        for r in _runs(p):
            if not run_text(r).strip():
                continue
            small.append((doc.styles.size_pt(r, p), run_text(r)))
            if _right_to_left(r, p):
                small.append((doc.styles.size_pt(r, p, "szCs"), run_text(r)))
        small = [(size, text) for size, text in small if size < config.min_font_pt - 0.01]
        if small:
            size = min(s for s, _ in small)
            findings.append(
                Finding(
                    f"text is {size:g} pt (minimum {config.min_font_pt:g} pt)",
                    element=where,
                    text=para_text(p),
                )
            )
    return CheckResult.from_findings("docx-font-size", findings)


def _decorative(doc_pr: etree._Element) -> bool:
    for el in doc_pr.iter():
        if isinstance(el.tag, str) and el.tag.endswith("}decorative"):
            return (el.get("val") or "").lower() in ("1", "true")
    return False


def check_alt_text(doc: DocxFile, config: CheckConfig) -> CheckResult:
    findings = []
    for label, root in doc.parts:
        for doc_pr in root.iter(f"{{{WP_NS}}}docPr"):
            if (doc_pr.get("descr") or "").strip() or _decorative(doc_pr):
                continue
            name = doc_pr.get("name") or "picture"
            element = f"{label} {name!r}" if label else repr(name)
            findings.append(
                Finding("picture has no alt text (docPr descr)", element=f"{element} (id {doc_pr.get('id')})")
            )
    return CheckResult.from_findings("docx-alt-text", findings)


def check_title(doc: DocxFile, config: CheckConfig) -> CheckResult:
    title = (doc.document.core_properties.title or "").strip()
    if not title:
        return CheckResult.from_findings(
            "docx-title", [Finding("document title not set (File › Info › Title)", element="core properties")]
        )
    return CheckResult.from_findings("docx-title", [])


CHECKS = (
    ("docx-heading-styles", check_heading_styles),
    ("docx-list-styles", check_list_styles),
    ("docx-language", check_language),
    ("docx-font-size", check_font_size),
    ("docx-alt-text", check_alt_text),
    ("docx-title", check_title),
)

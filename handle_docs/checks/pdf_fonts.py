"""PDF font checks: embedded, allowed families, minimum size, no italics."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pikepdf

from .config import CheckConfig
from .pdf_common import PdfDoc, join_chars, strip_subset
from .results import CheckResult, Finding

#: Words that name a style of a family, not the family itself.
_STYLE_WORDS = (
    "extrabold",
    "ultrabold",
    "semibold",
    "demibold",
    "bold",
    "extralight",
    "ultralight",
    "light",
    "thin",
    "hairline",
    "medium",
    "regular",
    "normal",
    "book",
    "roman",
    "black",
    "heavy",
    "italic",
    "oblique",
    "slanted",
    "condensed",
    "semicondensed",
    "narrow",
    "expanded",
    "extended",
    "wide",
    "plain",
    "mt",
    "ps",
    "std",
    "pro",
)
_STYLE_RE = re.compile("(?:" + "|".join(sorted(_STYLE_WORDS, key=len, reverse=True)) + ")+")
_ITALIC_NAME = re.compile(r"italic|oblique", re.IGNORECASE)
_SIZE_TOLERANCE = 0.05  # pt; producers write 15.9998 for 16


@dataclass
class FontInfo:
    """One font dictionary found in the page resources."""

    name: str  # BaseFont without the leading slash (subset prefix kept)
    subtype: str
    embedded: bool
    italic_angle: float = 0.0
    italic_flag: bool = False
    pages: list[int] = field(default_factory=list)
    resource: str = ""  # resource name, e.g. /F1

    @property
    def display(self) -> str:
        return self.name or f"Type3 font {self.resource}"


def _name(obj: Any) -> str:
    s = str(obj) if obj is not None else ""
    return s[1:] if s.startswith("/") else s


def _font_info(font: pikepdf.Dictionary, resource: str) -> FontInfo:
    subtype = _name(font.get("/Subtype"))
    name = _name(font.get("/BaseFont")) if "/BaseFont" in font else _name(font.get("/Name", ""))
    descriptor_owner: pikepdf.Object = font
    if subtype == "Type0":
        descendants = font.get("/DescendantFonts")
        if isinstance(descendants, pikepdf.Array) and len(descendants):
            descriptor_owner = descendants[0]
    fd = descriptor_owner.get("/FontDescriptor") if isinstance(descriptor_owner, pikepdf.Dictionary) else None
    embedded = subtype == "Type3"  # glyphs are content streams in the file
    angle = 0.0
    flag = False
    if isinstance(fd, pikepdf.Dictionary):
        embedded = embedded or any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        try:
            angle = float(fd.get("/ItalicAngle", 0))
        except (TypeError, ValueError):
            angle = 0.0
        try:
            flag = bool(int(fd.get("/Flags", 0)) & 64)
        except (TypeError, ValueError):
            flag = False
    return FontInfo(
        name=name, subtype=subtype, embedded=embedded, italic_angle=angle, italic_flag=flag, resource=resource
    )


def _walk_resources(
    resources: Any, seen: set[tuple[int, int]], depth: int = 0
) -> Iterator[tuple[str, pikepdf.Dictionary]]:
    """(resource name, font dict) for every font reachable from ``resources``:
    fonts, form XObjects, Type3 fonts' own resources and tiling patterns."""
    if not isinstance(resources, pikepdf.Dictionary) or depth > 32:
        return
    fonts = resources.get("/Font")
    if isinstance(fonts, pikepdf.Dictionary):
        for key, font in fonts.items():
            if not isinstance(font, pikepdf.Dictionary):
                continue
            if font.is_indirect:
                if font.objgen in seen:
                    continue
                seen.add(font.objgen)
            yield str(key), font
            if _name(font.get("/Subtype")) == "Type3":
                yield from _walk_resources(font.get("/Resources"), seen, depth + 1)
    for group in ("/XObject", "/Pattern"):
        objs = resources.get(group)
        if not isinstance(objs, pikepdf.Dictionary):
            continue
        for _, obj in objs.items():
            if not isinstance(obj, (pikepdf.Stream, pikepdf.Dictionary)):
                continue
            if obj.is_indirect:
                if obj.objgen in seen:
                    continue
                seen.add(obj.objgen)
            if isinstance(obj, pikepdf.Stream) and _name(obj.get("/Subtype")) not in ("Form", ""):
                continue  # images
            yield from _walk_resources(obj.get("/Resources"), seen, depth + 1)


def collect_fonts(doc: PdfDoc) -> list[FontInfo]:
    """Every font used in page resources (incl. XObjects, Type3, annotations)."""
    by_key: dict[Any, FontInfo] = {}
    for number, page in enumerate(doc.pike.pages, start=1):
        seen: set[tuple[int, int]] = set()
        sources = [page.obj.get("/Resources")]
        for annot in page.obj.get("/Annots", []) or []:
            if isinstance(annot, pikepdf.Dictionary):
                ap = annot.get("/AP")
                normal = ap.get("/N") if isinstance(ap, pikepdf.Dictionary) else None
                if isinstance(normal, pikepdf.Stream):
                    sources.append(normal.get("/Resources"))
        for resources in sources:
            for resource, font in _walk_resources(resources, seen):
                key = font.objgen if font.is_indirect else (number, resource)
                info = by_key.get(key)
                if info is None:
                    info = by_key[key] = _font_info(font, resource)
                if number not in info.pages:
                    info.pages.append(number)
    return list(by_key.values())


def _fonts(doc: PdfDoc) -> list[FontInfo]:
    cached = getattr(doc, "_fonts_cache", None)
    if cached is None:
        cached = collect_fonts(doc)
        doc._fonts_cache = cached  # type: ignore[attr-defined]  # a cache kept on the document, not a field of it
    return cached


def family_matches(font_name: str, allowed: tuple[str, ...]) -> bool:
    """True when ``font_name`` (``ABCDEF+Atkinson-Hyperlegible-Bold``) is one
    of the ``allowed`` families, ignoring subset prefix, separators, case and
    style words such as Bold or Italic."""
    base = re.sub(r"[^0-9a-z]", "", strip_subset(font_name).lower())
    for family in allowed:
        fam = re.sub(r"[^0-9a-z]", "", family.lower())
        if fam and base.startswith(fam):
            rest = base[len(fam) :]
            if not rest or _STYLE_RE.fullmatch(rest):
                return True
    return False


def check_fonts_embedded(doc: PdfDoc, config: CheckConfig) -> CheckResult:
    findings = [
        Finding("font is not embedded", page=f.pages[0], element=f"font {f.display}")
        for f in _fonts(doc)
        if not f.embedded
    ]
    return CheckResult.from_findings("fonts-embedded", findings)


def check_font_families(doc: PdfDoc, config: CheckConfig) -> CheckResult:
    allowed = ", ".join(config.allowed_font_families) or "none"
    findings = [
        Finding(f"font family not allowed (allowed: {allowed})", page=f.pages[0], element=f"font {f.display}")
        for f in _fonts(doc)
        if not family_matches(f.name, config.allowed_font_families)
    ]
    return CheckResult.from_findings("font-families", findings)


def char_runs(chars: list[dict], keep) -> list[list[dict]]:
    """Consecutive characters for which ``keep(char)`` holds, as runs."""
    runs: list[list[dict]] = []
    current: list[dict] = []

    def flush() -> None:
        while current and not current[-1]["text"].strip():
            current.pop()
        if current:
            runs.append(list(current))
        current.clear()

    for ch in chars:
        if keep(ch):
            current.append(ch)
        elif current and not ch["text"].strip():
            current.append(ch)  # a space inside a run stays in it
        else:
            flush()
    flush()
    return runs


def _run_text(run: list[dict]) -> str:
    return join_chars(run)


def check_min_font_size(doc: PdfDoc, config: CheckConfig) -> CheckResult:
    findings = []
    limit = config.min_font_pt - _SIZE_TOLERANCE
    for n in range(1, doc.page_count + 1):
        chars = [c for c in doc.chars(n) if c["text"].strip()]
        if not chars:
            continue
        smallest = min(c["size"] for c in chars)
        if smallest < limit:
            small_run = max(
                char_runs(
                    doc.chars(n),
                    lambda c, smallest=smallest: abs(c["size"] - smallest) < 0.01 and bool(c["text"].strip()),
                ),
                key=len,
                default=[],
            )
            findings.append(
                Finding(
                    f"smallest text {smallest:.1f} pt (minimum {config.min_font_pt:g} pt)",
                    page=n,
                    element=f"font {strip_subset(small_run[0]['fontname'])}" if small_run else "",
                    text=_run_text(small_run),
                )
            )
    return CheckResult.from_findings("min-font-size", findings)


def _sheared(matrix: Any) -> bool:
    """True when a text matrix slants glyphs (synthetic oblique)."""
    try:
        a, b, c, d = (float(v) for v in matrix[:4])
    except (TypeError, ValueError):
        return False
    norm = ((a * a + b * b) * (c * c + d * d)) ** 0.5
    return norm > 0 and abs(a * c + b * d) / norm > 0.05


def check_no_italic(doc: PdfDoc, config: CheckConfig) -> CheckResult:
    italic_fonts: dict[str, str] = {}  # BaseFont → reason
    for f in _fonts(doc):
        if _ITALIC_NAME.search(strip_subset(f.name)):
            italic_fonts[f.name] = "italic font"
        elif f.italic_angle != 0:
            italic_fonts[f.name] = f"font ItalicAngle {f.italic_angle:g}"
        elif f.italic_flag:
            italic_fonts[f.name] = "font flagged italic"

    def reason(ch: dict) -> str | None:
        name = ch.get("fontname", "")
        if name in italic_fonts:
            return italic_fonts[name]
        if _ITALIC_NAME.search(strip_subset(name)):
            return "italic font"
        if _sheared(ch.get("matrix")):
            return "slanted (synthetic oblique) text"
        return None

    findings = []
    for n in range(1, doc.page_count + 1):
        chars = doc.chars(n)
        reported: set[tuple[str, str]] = set()
        for run in char_runs(chars, lambda c: bool(c["text"].strip()) and reason(c) is not None):
            first = run[0]
            key = (first["fontname"], reason(first) or "")
            if key in reported:
                continue
            reported.add(key)
            findings.append(
                Finding(
                    key[1], page=n, element=f"font {strip_subset(first['fontname'])}", text=_run_text(run)
                )
            )
    return CheckResult.from_findings("no-italic", findings)


CHECKS = (
    ("fonts-embedded", check_fonts_embedded),
    ("font-families", check_font_families),
    ("min-font-size", check_min_font_size),
    ("no-italic", check_no_italic),
)

"""PDF glyph check: every character on every page is a real glyph of an embedded font.

A character a font has no glyph for is drawn as the font's ``.notdef`` glyph
(an empty box, or nothing at all): the reader loses a letter of their address
without anyone noticing.  This check reads what each page's content stream
(and the form XObjects it paints) shows, code by code:

* Type0 (CID) fonts, which WeasyPrint writes for every TrueType/OpenType
  font: two-byte codes go through the font's encoding to a CID (``/Identity-H``:
  the code is the CID; a CMap stream, which WeasyPrint writes when some
  characters had no glyph: an unmapped code is CID 0) and through
  ``/CIDToGIDMap`` to a glyph id.  CID 0, glyph id 0 and a glyph id the
  embedded font does not have are all ``.notdef``.
* Every font that draws text must be embedded (Type3 fonts carry their
  glyphs in the PDF itself).  Simple (one-byte) embedded fonts are checked
  for embedding only.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pikepdf
from fontTools.ttLib import TTFont
from pdfminer.cmapdb import CMapParser, FileUnicodeMap

from handle_docs.util.script import arabic_script

from .config import CheckConfig
from .pdf_common import PdfDoc, strip_subset
from .pdf_fonts import _font_info, _name
from .pdf_text_layer import Sequence, reading, word_problem
from .results import CheckResult, Finding

_TEXT_OPERATORS = "q Q Tf Tj TJ ' \" Do BDC BMC EMC"
_MAX_DEPTH = 16


@dataclass
class _Font:
    """How to tell, for one font dictionary, which codes are .notdef."""

    name: str
    embedded: bool
    composite: bool  # Type0: two-byte codes
    cid_of: dict[int, int] | None = None  # None: /Identity-H (code = CID)
    gid_of: bytes | None = None  # /CIDToGIDMap stream; None: identity
    glyph_count: int | None = None  # of the embedded TrueType font, if known
    to_unicode: FileUnicodeMap | None = None
    widths: dict[int, float] = field(default_factory=dict)  # CID → /W width (Type0)
    default_width: float = 1000.0  # /DW

    def cid(self, code: int) -> int:
        return code if self.cid_of is None else self.cid_of.get(code, 0)

    def codes(self, data: bytes) -> Iterator[int]:
        if self.composite:
            for i in range(0, len(data) - 1, 2):
                yield data[i] << 8 | data[i + 1]
        else:
            yield from data

    def is_notdef(self, code: int) -> bool:
        if not self.composite:
            return False
        cid = self.cid(code)
        if cid == 0:
            return True
        gid = cid
        if self.gid_of is not None:
            gid = (
                int.from_bytes(self.gid_of[2 * cid : 2 * cid + 2], "big")
                if 2 * cid + 2 <= len(self.gid_of)
                else 0
            )
        return gid == 0 or (self.glyph_count is not None and gid >= self.glyph_count)

    def text(self, code: int) -> str:
        return self.label(code) or ""

    def label(self, code: int) -> str | None:
        """The code's own text (its ``ToUnicode`` entry), or None when the font has none."""
        if self.to_unicode is not None:
            try:
                return self.to_unicode.get_unichr(code)
            except KeyError:
                pass
        return None if self.composite else chr(code)

    def advances(self, code: int) -> bool:
        """Whether the code's glyph moves the pen (a mark, a dot or a join does not)."""
        return not self.composite or self.widths.get(self.cid(code), self.default_width) != 0


_CID_CHAR = re.compile(rb"begincidchar(.*?)endcidchar", re.S)
_CID_RANGE = re.compile(rb"begin(cid|notdef)range(.*?)end\1range", re.S)
_HEX = rb"<\s*([0-9A-Fa-f\s]+?)\s*>"


def _code_to_cid(stream: pikepdf.Stream) -> dict[int, int]:
    """Code → CID from an embedded CMap stream (``cidchar``, ``cidrange``;
    a ``notdefrange`` maps its codes to .notdef, CID 0)."""
    data = stream.read_bytes()
    table: dict[int, int] = {}
    for block in _CID_RANGE.finditer(data):
        notdef = block.group(1) == b"notdef"
        for lo, hi, cid in re.findall(_HEX + rb"\s*" + _HEX + rb"\s*(\d+)", block.group(2)):
            first, last = int(lo.replace(b" ", b""), 16), int(hi.replace(b" ", b""), 16)
            for code in range(first, min(last, first + 0xFFFF) + 1):
                table[code] = 0 if notdef else int(cid) + code - first
    for block in _CID_CHAR.finditer(data):
        for code, cid in re.findall(_HEX + rb"\s*(\d+)", block.group(1)):
            table[int(code.replace(b" ", b""), 16)] = int(cid)
    return table


def _widths(descendant: Any) -> dict[int, float]:
    """CID → width from a CIDFont's ``/W``: ``c [w1 w2 …]`` and ``first last w`` entries."""
    entries = list(descendant.get("/W", pikepdf.Array()))
    widths: dict[int, float] = {}
    i = 0
    while i + 1 < len(entries):
        first = int(entries[i])
        if isinstance(entries[i + 1], pikepdf.Array):
            widths.update((first + k, float(w)) for k, w in enumerate(entries[i + 1]))
            i += 2
        elif i + 2 < len(entries):
            widths.update(dict.fromkeys(range(first, int(entries[i + 1]) + 1), float(entries[i + 2])))
            i += 3
        else:
            break
    return widths


def _glyph_count(descriptor: Any) -> int | None:
    font_file = descriptor.get("/FontFile2") if isinstance(descriptor, pikepdf.Dictionary) else None
    if not isinstance(font_file, pikepdf.Stream):
        return None
    font = TTFont(io.BytesIO(font_file.read_bytes()), lazy=True)
    try:
        return font["maxp"].numGlyphs
    finally:
        font.close()


def _read_font(font: pikepdf.Dictionary, resource: str) -> _Font:
    info = _font_info(font, resource)
    subtype = _name(font.get("/Subtype"))
    result = _Font(
        name=info.display, embedded=info.embedded or subtype == "Type3", composite=subtype == "Type0"
    )
    to_unicode = font.get("/ToUnicode")
    if isinstance(to_unicode, pikepdf.Stream):
        result.to_unicode = FileUnicodeMap()
        CMapParser(result.to_unicode, io.BytesIO(to_unicode.read_bytes())).run()
    if result.composite:
        encoding = font.get("/Encoding")
        if isinstance(encoding, pikepdf.Stream):
            result.cid_of = _code_to_cid(encoding)
        elif _name(encoding) != "Identity-H":
            raise ValueError(f"font {strip_subset(info.display)}: encoding {_name(encoding)} is not read")
        descendant = font.DescendantFonts[0]
        gid_map = descendant.get("/CIDToGIDMap")
        if isinstance(gid_map, pikepdf.Stream):
            result.gid_of = gid_map.read_bytes()
        result.glyph_count = _glyph_count(descendant.get("/FontDescriptor"))
        result.widths = _widths(descendant)
        result.default_width = float(descendant.get("/DW", 1000))
    return result


@dataclass
class _PageFindings:
    """What one page drew wrongly, per font."""

    notdef: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # font → (code, text)
    unembedded: dict[str, list[str]] = field(default_factory=dict)  # font → text
    unordered: list[str] = field(default_factory=list)  # Arabic-script text shown with no /ActualText
    words: list[list[Sequence]] = field(default_factory=list)  # runs of /ActualText sequences


class _Walker:
    """Follows one page's content stream and the forms it paints."""

    def __init__(self, fonts: dict[Any, _Font]):
        self.fonts = fonts  # shared cache, by font object
        self.found = _PageFindings()
        self.marked: list[Sequence | None] = []  # open marked content, with its /ActualText if any
        self.word: list[Sequence] = []  # the /ActualText sequences since glyphs were last shown without one

    def mark(self, operands: list) -> None:
        properties = operands[-1] if len(operands) == 2 else None
        sequence = None
        if isinstance(properties, pikepdf.Dictionary) and "/ActualText" in properties:
            sequence = Sequence(str(properties.ActualText))
            self.word.append(sequence)
        self.marked.append(sequence)

    def end_word(self) -> None:
        if self.word:
            self.found.words.append(self.word)
            self.word = []

    def font(self, resources: Any, name: Any) -> _Font | None:
        table = resources.get("/Font") if isinstance(resources, pikepdf.Dictionary) else None
        font = table.get(name) if isinstance(table, pikepdf.Dictionary) else None
        if not isinstance(font, pikepdf.Dictionary):
            return None
        key = font.objgen if font.is_indirect else id(font)
        if key not in self.fonts:
            self.fonts[key] = _read_font(font, str(name))
        return self.fonts[key]

    def show(self, font: _Font | None, data: bytes) -> None:
        if font is None:
            return
        if not font.embedded:
            self.found.unembedded.setdefault(font.name, []).append(
                "".join(font.text(code) for code in font.codes(data))
            )
            return
        sequence = next((s for s in reversed(self.marked) if s is not None), None)
        if sequence is not None:
            sequence.glyphs.extend((font.label(code) or "", font.advances(code)) for code in font.codes(data))
        elif data:
            self.end_word()  # a space, or text of another script: the word ends
            text = "".join(font.text(code) for code in font.codes(data))
            if arabic_script(text):
                self.found.unordered.append(text)
        for code in font.codes(data):
            if font.is_notdef(code):
                self.found.notdef.setdefault(font.name, []).append((code, font.text(code)))

    def walk(self, content: Any, resources: Any, depth: int = 0) -> None:
        if depth > _MAX_DEPTH:
            return
        current: _Font | None = None
        saved: list[_Font | None] = []
        for instruction in pikepdf.parse_content_stream(content, _TEXT_OPERATORS):
            operands, op = instruction.operands, str(instruction.operator)
            if op == "q":
                saved.append(current)
            elif op == "Q":
                current = saved.pop() if saved else current
            elif op == "Tf" and operands:
                current = self.font(resources, operands[0])
            elif op in ("Tj", "'") and operands:
                self.show(current, bytes(operands[-1]))
            elif op == '"' and len(operands) == 3:
                self.show(current, bytes(operands[2]))
            elif op == "TJ" and operands:
                for item in operands[0]:
                    if isinstance(item, pikepdf.String):
                        self.show(current, bytes(item))
            elif op == "Do" and operands:
                self.form(resources, operands[0], depth)
            elif op in ("BDC", "BMC"):
                self.mark(list(operands))
            elif op == "EMC" and self.marked:
                self.marked.pop()

    def form(self, resources: Any, name: Any, depth: int) -> None:
        table = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
        xobject = table.get(name) if isinstance(table, pikepdf.Dictionary) else None
        if isinstance(xobject, pikepdf.Stream) and _name(xobject.get("/Subtype")) == "Form":
            self.end_word()
            self.walk(xobject, xobject.get("/Resources", resources), depth + 1)
            self.end_word()


def _codepoints(texts: list[tuple[int, str]]) -> str:
    points = dict.fromkeys(f"U+{ord(ch):04X}" for _, text in texts for ch in text)
    shown = list(points)[:6]
    return ", ".join(shown) + (", …" if len(points) > len(shown) else "") if shown else "unknown characters"


def check_glyphs(doc: PdfDoc, config: CheckConfig) -> CheckResult:
    findings: list[Finding] = []
    fonts: dict[Any, _Font] = {}
    for number, page in enumerate(doc.pike.pages, start=1):
        walker = _Walker(fonts)
        walker.walk(page, page.resources)
        for name, texts in walker.found.unembedded.items():
            findings.append(
                Finding(
                    "text drawn in a font that is not embedded",
                    page=number,
                    element=f"font {strip_subset(name)}",
                    text=" ".join(texts),
                )
            )
        for name, codes in walker.found.notdef.items():
            findings.append(
                Finding(
                    f"{len(codes)} character(s) drawn as .notdef, an empty box: the font has no glyph for "
                    f"{_codepoints(codes)}",
                    page=number,
                    element=f"font {strip_subset(name)}",
                    text="".join(text for _, text in codes),
                )
            )
    return CheckResult.from_findings("glyphs", findings)


def check_text_layer(doc: PdfDoc, config: CheckConfig) -> CheckResult:
    """Arabic-script text is drawn only inside ``/ActualText`` (a font's own mapping of a
    glyph to text, one entry a glyph, reads ligatures and Nastaliq letters back wrong), and
    each word's ``/ActualText`` says the letters its glyphs show, in their order
    (:mod:`.pdf_text_layer`)."""
    findings: list[Finding] = []
    fonts: dict[Any, _Font] = {}
    for number, page in enumerate(doc.pike.pages, start=1):
        walker = _Walker(fonts)
        walker.walk(page, page.resources)
        walker.end_word()
        if walker.found.unordered:
            findings.append(
                Finding(
                    "Arabic-script text has no /ActualText: copied or read-aloud text comes back with its "
                    "joined letters in the wrong order",
                    page=number,
                    text="".join(walker.found.unordered),
                )
            )
        for word in walker.found.words:
            problem = word_problem(word)
            if problem is not None:
                findings.append(
                    Finding(
                        f"the /ActualText of this word {problem}: copied or read-aloud text is not "
                        "what is printed",
                        page=number,
                        text=reading(word) or "(no text)",
                    )
                )
    return CheckResult.from_findings("text-layer", findings)


CHECKS = (("glyphs", check_glyphs), ("text-layer", check_text_layer))

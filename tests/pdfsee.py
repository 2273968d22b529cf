"""What a person sees in a rendered PDF: words, type sizes, fonts, QR codes."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pikepdf
import pypdfium2
import zxingcpp

#: The fonts a letter may be drawn in (names without hyphens): Atkinson Hyperlegible Next, and for
#: the scripts it lacks the Noto fonts of Arabic and Urdu (templates/base.css chooses by language).
LETTER_FONTS = ("AtkinsonHyperlegibleNext", "NotoSansArabic", "NotoNastaliqUrdu")


def page_texts(path: Path) -> list[str]:
    """Text of each page as PDFium extracts it (what copy-and-paste gives)."""
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        texts = []
        for page in pdf:
            textpage = page.get_textpage()
            texts.append(
                textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n").replace("\ufffe", "-")
            )
            textpage.close()
            page.close()
        return texts
    finally:
        pdf.close()


def text(path: Path) -> str:
    return "\n".join(page_texts(path))


def words(path: Path) -> str:
    """All the words, whitespace normalised (lines joined with spaces)."""
    return " ".join(text(path).split())


def drawn_text(path: Path) -> str:
    """The characters as they stand on the pages, each line read left to right,
    spaces left out: a registration in a right-to-left letter is "QH00SKX" here
    whatever order the text layer gives its parts in."""
    with pdfplumber.open(path) as pdf:
        return "".join(
            c["text"]
            for page in pdf.pages
            for c in sorted(page.chars, key=lambda c: (round(c["top"] / 4), c["x0"]))
            if c["text"].strip()
        )


def font_sizes_and_names(path: Path) -> tuple[float, set[str]]:
    smallest = 1000.0
    names: set[str] = set()
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for char in page.chars:
                if char["text"].strip():
                    smallest = min(smallest, round(char["size"], 2))
                    names.add(char["fontname"].split("+")[-1])
    return smallest, names


def qr_payloads(path: Path, dpi: int = 200) -> list[list[str]]:
    """Decoded QR payloads per page, from a real raster render of the page."""
    pages = []
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        for page in pdf:
            image = page.render(scale=dpi / 72).to_pil()
            pages.append(
                sorted(
                    r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode
                )
            )
    finally:
        pdf.close()
    return pages


def catalog_facts(path: Path) -> dict:
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        xmp = pdf.open_metadata()
        return {
            "lang": str(root.get("/Lang", "")),
            "marked": bool(root.get("/MarkInfo", {}).get("/Marked", False)),
            "struct_tree": "/StructTreeRoot" in root,
            "display_title": bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)),
            "title": str(pdf.docinfo.get("/Title", "")) if pdf.docinfo else "",
            "pdfua_part": xmp.get("pdfuaid:part"),
            "fonts_embedded": all(
                any(k in font.get("/FontDescriptor", {}) for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                or any(
                    any(k in d.get("/FontDescriptor", {}) for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                    for d in font.get("/DescendantFonts", [])
                )
                for page in pdf.pages
                for font in page.resources.get("/Font", {}).values()
            ),
        }


def tick_boxes(path: Path) -> list[tuple[int, str]]:
    """Each empty square drawn on a page to be ticked by hand (4 to 8 mm a side), as (page
    number, the text printed on its line to the right of it), in reading order."""
    mm = 72 / 25.4
    found = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            squares = {}
            for rect in page.rects:
                if 4 * mm <= rect["width"] <= 8 * mm and abs(rect["width"] - rect["height"]) < 0.5:
                    # a border is drawn as an outer and an inner square: keep the outer one
                    key = (round((rect["x0"] + rect["x1"]) / 2), round((rect["top"] + rect["bottom"]) / 2))
                    if key not in squares or rect["width"] > squares[key]["width"]:
                        squares[key] = rect
            for box in sorted(squares.values(), key=lambda r: (round(r["top"]), r["x0"])):
                beside = [
                    c
                    for c in page.chars
                    if box["top"] <= (c["top"] + c["bottom"]) / 2 <= box["bottom"] and c["x0"] >= box["x1"]
                ]
                line = "".join(c["text"] for c in sorted(beside, key=lambda c: c["x0"]))
                found.append((page.page_number, " ".join(line.split())))
    return found


def tagged_text(path: Path) -> list[tuple[str, str]]:
    """The text a screen reader reads, in the order of the structure tree: (type of the block
    element holding it, e.g. "H2" or "P", its words) for each piece of marked content, in tree
    order.  Page furniture (footers), which is not in the tree, is left out."""
    out: list[tuple[str, str]] = []
    with pdfplumber.open(path) as pdf:
        chars: dict[tuple[int, int], list[str]] = {}
        for number, page in enumerate(pdf.pages, 1):
            for char in page.chars:
                if char.get("mcid") is not None:
                    chars.setdefault((number, char["mcid"]), []).append(char["text"])

        def walk(element, block: str) -> None:
            kind = element.get("type") or ""
            if kind not in ("Span", "NonStruct"):
                block = kind
            page = element.get("page_number")
            words = " ".join(
                "".join(c for m in element.get("mcids") or [] for c in chars.get((page, m), [])).split()
            )
            if words:
                out.append((block, words))
            for child in element.get("children", []):
                walk(child, block)

        for element in pdf.structure_tree:
            walk(element, "")
    return out


def tagged_words(path: Path) -> str:
    """All the words of :func:`tagged_text`, in reading order, whitespace normalised."""
    return " ".join(words for _, words in tagged_text(path))


def element_languages(path: Path) -> list[tuple[int, str, str]]:
    """Every structure element of ``path``: (page index, type, the language it resolves to)."""
    from handle_docs.pdf.structure_tree import walk_structure

    out = []
    with pikepdf.open(path) as pdf:
        pages = {page.objgen: i for i, page in enumerate(pdf.pages)}
        catalog = str(pdf.Root.Lang)
        langs: dict = {}
        for visit in walk_structure(pdf.Root.StructTreeRoot):
            own = visit.elem.get("/Lang")
            parent = langs.get(visit.parent.objgen, catalog) if visit.depth > 1 else catalog
            langs[visit.elem.objgen] = str(own) if own is not None else parent
            if visit.page is not None:
                out.append((pages[visit.page.objgen], str(visit.elem.S), langs[visit.elem.objgen]))
    return out

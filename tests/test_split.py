"""Cutting tagged per-letter PDFs out of a chunk's batch (handle_docs.render.split)."""

from __future__ import annotations

import base64
import io
from datetime import UTC, datetime

import pdfplumber
import pikepdf
import pytest
from PIL import Image
from weasyprint import HTML

from handle_docs.render.split import SplitError, split_tagged_pdf

from .structure_summary import pdf_structure_summary

EPOCH_DATE = datetime.fromtimestamp(1794693600, UTC)


def _png(colour: str) -> str:
    buf = io.BytesIO()
    Image.new("RGB", (24, 24), colour).save(buf, "PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def _chunk(extra_body: str = "") -> bytes:
    """Three letters on four pages: letter A on page 0, B on pages 1-2, C on page 3."""
    grey, black = _png("#777777"), _png("black")
    html = f"""<html lang="en-GB"><head><title>Chunk</title></head><body>
<section id="letter-A" style="break-after: page">
<h1>Letter A</h1><h2>About A</h2><p>Hello resident A, see <a href="https://example.org/a">the advice</a>.</p>
<img alt="Picture for A" src="{grey}" style="width: 2cm">
</section>
<section id="letter-B" style="break-after: page">
<h1>Letter B</h1><p>Hello resident B.</p><ul><li>Lock it</li><li>Hide it</li></ul>
<h2 style="break-before: page">More for B</h2>
<table><tr><th>Reference</th></tr><tr><td>RB</td></tr></table>
</section>
<section id="letter-C">
<h1>Letter C</h1><p>Hello resident C.</p><img alt="Picture for C" src="{black}" style="width: 2cm">
</section>
{extra_body}
</body></html>"""
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


GROUPS = [[0], [1, 2], [3]]
TITLES = ["Letter A", "Letter B", "Letter C"]


@pytest.fixture(scope="module")
def chunk() -> bytes:
    return _chunk()


@pytest.fixture(scope="module")
def pieces(chunk) -> list[bytes]:
    return split_tagged_pdf(
        chunk, GROUPS, titles=TITLES, langs=["en-GB", "cy", "en-GB"], creation_date=EPOCH_DATE
    )


def _summary(data: bytes, tmp_path, name: str) -> dict:
    path = tmp_path / name
    path.write_bytes(data)
    return pdf_structure_summary(path)


def _page_lines(data: bytes) -> list[list[str]]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text().split("\n") for page in pdf.pages]


def test_each_piece_has_its_own_pages_and_text(pieces):
    assert [[lines[0] for lines in _page_lines(p)] for p in pieces] == [
        ["Letter A"],
        ["Letter B", "More for B"],
        ["Letter C"],
    ]


def test_each_piece_is_a_sound_tagged_pdf_with_its_own_title_and_language(pieces, tmp_path):
    for i, (piece, title, lang) in enumerate(zip(pieces, TITLES, ["en-GB", "cy", "en-GB"], strict=True)):
        summary = _summary(piece, tmp_path, f"{i}.pdf")
        assert summary["marked"] is True
        assert (summary["title"], summary["xmp_title"], summary["lang"]) == (title, title, lang)
        assert summary["pdfuaid_part"] == 1
        assert summary["display_doc_title"] is True
        assert summary["pages_with_unreachable_mcids"] == []
        assert summary["unresolved_annotations"] == []
        assert summary["bad_parent_links"] == 0
        assert summary["figures"] == summary["figures_with_alt"]


def test_the_structure_tree_holds_only_the_kept_pages_content(chunk, pieces, tmp_path):
    whole = _summary(chunk, tmp_path, "whole.pdf")
    parts = [_summary(p, tmp_path, f"{i}.pdf") for i, p in enumerate(pieces)]
    # every element of the chunk lands in exactly one piece (plus each piece's document element)
    assert sum(p["struct_elements"] for p in parts) - len(parts) == whole["struct_elements"] - 1
    assert [p["figures"] for p in parts] == [1, 0, 1]
    assert [p["struct_counts"].get("Table", 0) for p in parts] == [0, 1, 0]
    assert [p["struct_counts"].get("L", 0) for p in parts] == [0, 1, 0]
    assert [p["annotations"] for p in parts] == [1, 0, 0]  # the external link is on A's page


def test_outline_and_named_destinations_follow_the_pages(pieces):
    def outline(pdf):
        with pdf.open_outline() as tree:
            return [(item.title, [child.title for child in item.children]) for item in tree.root]

    def names(pdf):
        tree = pdf.Root.get("/Names", {}).get("/Dests")
        return sorted(str(k) for k in pikepdf.NameTree(tree)) if tree is not None else []

    found = []
    for piece in pieces:
        with pikepdf.open(io.BytesIO(piece)) as pdf:
            found.append((outline(pdf), names(pdf)))
    assert found == [
        ([("Letter A", ["About A"])], ["letter-A"]),
        ([("Letter B", ["More for B"])], ["letter-B"]),
        ([("Letter C", [])], ["letter-C"]),
    ]


def test_a_piece_carries_only_the_images_it_draws(pieces):
    # WeasyPrint shares one resource dictionary between all pages of the chunk
    counts = []
    for piece in pieces:
        with pikepdf.open(io.BytesIO(piece)) as pdf:
            counts.append(
                sum(1 for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image")
            )
    assert counts == [1, 0, 1]


def test_images_drawn_inside_translucent_groups_stay_with_their_page():
    # opacity makes WeasyPrint draw through a form XObject sharing the page resources
    html = f"""<html lang="en-GB"><head><title>Groups</title></head><body>
<section style="break-after: page"><h1>One</h1><div style="opacity: 0.5"><img alt="Grey" src="{_png("#777777")}"></div></section>
<section><h1>Two</h1><div style="opacity: 0.5"><img alt="Black" src="{_png("black")}"></div></section>
</body></html>"""
    chunk = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    pieces = split_tagged_pdf(chunk, [[0], [1]], titles=["One", "Two"], langs=["en-GB"] * 2)
    assert pieces == [
        split_tagged_pdf(chunk, [g], titles=[t], langs=["en-GB"])[0] for g, t in ([[0], "One"], [[1], "Two"])
    ]
    for piece, colour in zip(pieces, (0x77, 0x00), strict=True):
        with pikepdf.open(io.BytesIO(piece)) as pdf:
            images = [
                o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"
            ]
            assert len(images) == 1
            assert pikepdf.PdfImage(images[0]).as_pil_image().convert("L").getpixel((0, 0)) == colour


def test_pieces_do_not_depend_on_the_other_groups_and_are_reproducible(chunk, pieces):
    alone = [
        split_tagged_pdf(chunk, [g], titles=[t], langs=[lang], creation_date=EPOCH_DATE)[0]
        for g, t, lang in zip(GROUPS, TITLES, ["en-GB", "cy", "en-GB"], strict=True)
    ]
    assert alone == pieces
    backwards = split_tagged_pdf(
        chunk, GROUPS[::-1], titles=TITLES[::-1], langs=["en-GB", "cy", "en-GB"], creation_date=EPOCH_DATE
    )
    assert backwards[::-1] == pieces


def test_pages_in_no_group_are_left_out(chunk):
    (piece,) = split_tagged_pdf(chunk, [[3]], titles=["C"], langs=["en-GB"])
    assert [lines[0] for lines in _page_lines(piece)] == ["Letter C"]


def test_a_link_to_a_page_of_another_piece_cannot_be_cut_out():
    chunk = _chunk(extra_body='<p><a href="#letter-A">Back to letter A</a></p>')
    with pytest.raises(SplitError, match="link"):
        split_tagged_pdf(chunk, GROUPS, titles=TITLES, langs=["en-GB"] * 3)
    # together with the page it points at, it can
    (piece,) = split_tagged_pdf(chunk, [[0, 1, 2, 3]], titles=["all"], langs=["en-GB"])
    assert len(_page_lines(piece)) == 4


def test_an_element_spanning_two_pieces_cannot_be_cut_out(chunk):
    # wrap the first two top-level elements (pages 0 and 1) in one section
    with pikepdf.open(io.BytesIO(chunk)) as pdf:
        document = pdf.Root.StructTreeRoot.K
        document = document[0] if isinstance(document, pikepdf.Array) else document
        kids = list(document.K)
        section = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.StructElem, S=pikepdf.Name.Sect, P=document, K=pikepdf.Array(kids[:2])
            )
        )
        for kid in kids[:2]:
            kid.P = section
        document.K = pikepdf.Array([section, *kids[2:]])
        out = io.BytesIO()
        pdf.save(out)
    with pytest.raises(SplitError, match="spans"):
        split_tagged_pdf(out.getvalue(), GROUPS, titles=TITLES, langs=["en-GB"] * 3)


def test_page_groups_must_be_in_order_and_in_range(chunk):
    for bad in ([[1, 0]], [[4]], [[]], [[0, 0]]):
        with pytest.raises(SplitError):
            split_tagged_pdf(chunk, bad, titles=["x"], langs=["en-GB"])


# --- in the letters pipeline -------------------------------------------------------------------


def _images(path) -> int:
    with pikepdf.open(path) as pdf:
        return sum(1 for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image")


def test_letter_files_are_cut_from_the_batch_and_carry_only_the_letter(tmp_path):
    from .pdfsee import catalog_facts, page_texts
    from .synth import run_records, write_records

    records = write_records(tmp_path / "records.csv", 3)
    result, _ = run_records(records, tmp_path / "run", leaflet_id="lock-it-leaflet")
    for letter in result.letters:
        path = tmp_path / "run" / letter.file
        facts = catalog_facts(path)
        assert facts["marked"] and facts["struct_tree"] and facts["lang"] == "en-GB"
        assert facts["title"].endswith(f"({letter.letter_id})") and str(facts["pdfua_part"]) == "1"
        texts = page_texts(path)
        assert len(texts) == letter.pages and texts[0].startswith("The Occupier")
        assert not any("Most thefts" in t for t in texts)  # no leaflet page
        assert _images(path) == 2  # the letter's two QR codes, none of the leaflet's


def test_when_a_chunk_cannot_be_cut_the_letters_are_painted_again(tmp_path, monkeypatch):
    from handle_docs.run import chunk

    from .pdfsee import catalog_facts, page_texts
    from .synth import run_records, write_records

    records = write_records(tmp_path / "records.csv", 3)
    normal, _ = run_records(records, tmp_path / "normal")

    def cannot_split(*args, **kwargs):
        raise SplitError("a structure element spans kept and dropped pages")

    monkeypatch.setattr(chunk, "split_tagged_pdf", cannot_split)
    fallback, _ = run_records(records, tmp_path / "fallback")
    assert (tmp_path / "fallback" / "batch.pdf").read_bytes() == (
        tmp_path / "normal" / "batch.pdf"
    ).read_bytes()
    assert [letter.letter_id for letter in fallback.letters] == [
        letter.letter_id for letter in normal.letters
    ]
    for a, b in zip(normal.letters, fallback.letters, strict=True):
        assert a.sha256 != b.sha256  # written by WeasyPrint, not cut out
        assert page_texts(tmp_path / "normal" / a.file) == page_texts(tmp_path / "fallback" / b.file)
        facts = catalog_facts(tmp_path / "fallback" / b.file)
        assert facts["marked"] and facts["struct_tree"] and facts["title"].endswith(f"({b.letter_id})")

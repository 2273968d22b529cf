"""Joining tagged chunk PDFs (handle_docs.render.merge)."""

from __future__ import annotations

import base64
import io
import os
import shutil
import stat
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from PIL import Image, ImageDraw
from weasyprint import HTML

from handle_docs.pdf.structure_tree import name_tree, number_tree, walk_structure
from handle_docs.render import merge
from handle_docs.render.merge import MergeError, merge_tagged_pdfs

from .structure_summary import pdf_structure_summary

EPOCH_DATE = datetime.fromtimestamp(1794693600, UTC)
PAGES_PER_INPUT = (1, 2, 3)


def _png_data_uri() -> str:
    img = Image.new("RGB", (48, 48), "white")
    draw = ImageDraw.Draw(img)
    for i in range(0, 48, 12):
        draw.rectangle([i, i, i + 6, i + 6], fill="black")
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def _letter_html(doc: int, pages: int, png: str) -> str:
    letters = []
    for page in range(1, pages + 1):
        letters.append(
            f"""<section style="break-after: page">
<h1 id="top">Letter {doc}.{page}</h1>
<p>Hello resident {doc}.{page}, see <a href="https://example.org/{doc}/{page}">the advice</a>.</p>
<ul><li>Lock the car</li><li>Hide valuables</li></ul>
<img alt="QR code {doc}.{page}" src="{png}" style="width: 2cm">
<table><tr><th>Reference</th></tr><tr><td>R{doc}{page}</td></tr></table>
<p><a href="#top">Back to top</a></p>
</section>"""
        )
    return f'<html lang="en-GB"><head><title>Chunk {doc}</title></head><body>{"".join(letters)}</body></html>'


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[Path]:
    directory = tmp_path_factory.mktemp("chunks")
    png = _png_data_uri()
    paths = []
    for doc, pages in enumerate(PAGES_PER_INPUT, start=1):
        path = directory / f"chunk{doc}.pdf"
        HTML(string=_letter_html(doc, pages, png)).write_pdf(path, pdf_variant="pdf/ua-1")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def merged(inputs, tmp_path_factory) -> tuple[Path, int]:
    out = tmp_path_factory.mktemp("merged") / "batch.pdf"
    pages = merge_tagged_pdfs(inputs, out, title="Batch 7", creation_date=EPOCH_DATE)
    return out, pages


def _struct_elements(pdf: pikepdf.Pdf):
    return [visit.elem for visit in walk_structure(pdf.Root.StructTreeRoot)]


def _first_lines(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_text().split("\n")[0] for page in pdf.pages]


# --- the inputs are what the tests assume ---------------------------------------------------


def test_inputs_are_tagged_weasyprint_output(inputs):
    for path, pages in zip(inputs, PAGES_PER_INPUT, strict=True):
        summary = pdf_structure_summary(path)
        assert summary["pages"] == pages
        assert summary["pages_with_unreachable_mcids"] == []
        assert summary["annotations"] == 2 * pages  # external link + "back to top"


@pytest.mark.filterwarnings("ignore::pikepdf.PageCopyWarning")
def test_summary_notices_a_structureless_concatenation(inputs, tmp_path):
    """pdf_structure_summary is not vacuous: plain page copying fails it."""
    plain = tmp_path / "plain.pdf"
    sources = [pikepdf.open(path) for path in inputs]
    try:
        with pikepdf.new() as out:
            for src in sources:
                out.pages.extend(src.pages)
            out.save(plain)
    finally:
        for src in sources:
            src.close()
    summary = pdf_structure_summary(plain)
    assert summary["pages_with_unreachable_mcids"] == list(range(6))
    assert summary["marked"] is False


# --- pages, text, document-level metadata ---------------------------------------------------


def test_pages_and_text_in_order(merged):
    path, pages = merged
    assert pages == 6
    assert _first_lines(path) == [
        "Letter 1.1",
        "Letter 2.1",
        "Letter 2.2",
        "Letter 3.1",
        "Letter 3.2",
        "Letter 3.3",
    ]


def test_document_metadata(merged):
    path, _ = merged
    summary = pdf_structure_summary(path)
    assert summary["marked"] is True
    assert summary["lang"] == "en-GB"
    assert summary["title"] == "Batch 7"
    assert summary["xmp_title"] == "Batch 7"
    assert summary["pdfuaid_part"] == 1
    assert summary["display_doc_title"] is True
    with pikepdf.open(path) as pdf:
        assert str(pdf.docinfo.CreationDate) == "D:20261114220000+00'00'"
        assert str(pdf.docinfo.ModDate) == "D:20261114220000+00'00'"
        xmp = pdf.Root.Metadata.read_bytes().decode()
        assert "<xmp:CreateDate>2026-11-14T22:00:00+00:00</xmp:CreateDate>" in xmp
        assert pdf.Root.Pages.Count == 6


# --- the structure tree ---------------------------------------------------------------------


def test_struct_element_counts_are_the_sum_of_the_inputs(inputs, merged):
    path, _ = merged
    expected: Counter = Counter()
    for src in inputs:
        expected.update(pdf_structure_summary(src)["struct_counts"])
    got = Counter(pdf_structure_summary(path)["struct_counts"])
    assert got.pop("Document") == 1
    expected.pop("Document")
    assert got == expected
    for kind in ("H1", "P", "L", "LI", "Figure", "Link", "Table", "TH", "TD"):
        assert got[kind] > 0


def test_one_document_element_holding_every_input_in_order(merged):
    path, _ = merged
    with pikepdf.open(path) as pdf:
        st = pdf.Root.StructTreeRoot
        roots = [
            o
            for o in pdf.objects
            if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/StructTreeRoot"
        ]
        assert len(roots) == 1  # the inputs' own roots were not carried along
        assert len(st.K) == 1
        doc = st.K[0]
        assert doc.S == "/Document"
        assert doc.P.objgen == st.objgen
        page_index = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
        # Each letter's heading is a kid of the document element; in page order.
        headings = [k for k in doc.K if k.S == "/Sect" and any(c.get("/S") == "/H1" for c in k.K)]
        assert [page_index[h.Pg.objgen] for h in headings] == [0, 1, 2, 3, 4, 5]
        assert all(k.P.objgen == doc.objgen for k in doc.K)
    assert pdf_structure_summary(path)["bad_parent_links"] == 0


def test_figures_keep_their_alt_text(merged):
    path, _ = merged
    summary = pdf_structure_summary(path)
    assert summary["figures"] == 6
    assert summary["figures_with_alt"] == 6
    with pikepdf.open(path) as pdf:
        alts = [str(e.Alt) for e in _struct_elements(pdf) if e.S == "/Figure"]
    assert alts == ["QR code 1.1", "QR code 2.1", "QR code 2.2", "QR code 3.1", "QR code 3.2", "QR code 3.3"]


def test_every_mcid_resolves_through_the_parent_tree_to_its_page(merged):
    path, _ = merged
    summary = pdf_structure_summary(path)
    assert summary["pages_with_unreachable_mcids"] == []
    with pikepdf.open(path) as pdf:
        pages = [page.obj for page in pdf.pages]
        parent_tree = dict(number_tree(pdf.Root.StructTreeRoot.ParentTree))
        for page in pages:
            entry = parent_tree[int(page.StructParents)]
            assert len(entry) > 0
            for elem in entry:
                assert elem.Pg.objgen == page.objgen


def test_struct_parent_keys_are_unique_and_annotations_resolve_to_links(merged):
    path, _ = merged
    summary = pdf_structure_summary(path)
    assert summary["annotations"] == 12
    assert summary["unresolved_annotations"] == []
    assert summary["annotation_types"] == {"Link": 12}
    with pikepdf.open(path) as pdf:
        st = pdf.Root.StructTreeRoot
        keys = []
        for page in pdf.pages:
            keys.append(int(page.obj.StructParents))
            keys.extend(int(a.StructParent) for a in page.obj.Annots)
        assert len(keys) == len(set(keys))
        parent_tree = dict(number_tree(st.ParentTree))
        assert sorted(parent_tree) == sorted(keys)
        assert int(st.ParentTreeNextKey) == max(keys) + 1
        for page in pdf.pages:
            for annot in page.obj.Annots:
                link = parent_tree[int(annot.StructParent)]
                assert link.S == "/Link"
                objrs = [k for k in link.K if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"]
                assert [o.Obj.objgen for o in objrs] == [annot.objgen]
                assert link.Pg.objgen == page.obj.objgen


def test_table_header_ids_are_unique_and_headers_still_resolve(inputs, tmp_path):
    """The same chunk twice: WeasyPrint's TH ids clash, and are renamed."""
    out = tmp_path / "twice.pdf"
    merge_tagged_pdfs([inputs[1], inputs[1]], out, title="Twice")
    summary = pdf_structure_summary(out)
    assert summary["duplicate_ids"] == []
    assert summary["dangling_headers"] == []
    assert summary["ids_missing_from_idtree"] == []
    with pikepdf.open(out) as pdf:
        elements = _struct_elements(pdf)
        by_id = {bytes(e.ID): e for e in elements if "/ID" in e}
        tds = [e for e in elements if e.S == "/TD"]
        assert len(tds) == 4 and len(by_id) == 4
        for td in tds:
            (header,) = td.A.Headers
            th = by_id[bytes(header)]
            assert th.S == "/TH"
            assert th.Pg.objgen == td.Pg.objgen  # the header of the same table


def test_named_destinations_and_outlines(merged):
    path, _ = merged
    with pikepdf.open(path) as pdf:
        page_index = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
        dests = dict(name_tree(pdf.Root.Names.Dests))
        # id="top" once per chunk (WeasyPrint keeps the first); renamed on clash.
        assert sorted(dests) == ["top", "top~1", "top~2"]
        first_page_of_input = [0, 1, 1, 3, 3, 3]
        for i, page in enumerate(pdf.pages):
            internal = [a for a in page.obj.Annots if "/Dest" in a]
            assert len(internal) == 1
            target = dests[str(internal[0].Dest)]
            # "#top" jumps to the first element with id=top in the same chunk.
            assert page_index[target[0].objgen] == first_page_of_input[i]
        outline, titles = pdf.Root.Outlines, []
        item = outline.First
        while True:
            titles.append(str(item.Title))
            assert item.Parent.objgen == outline.objgen
            if "/Next" not in item:
                break
            assert item.Next.Prev.objgen == item.objgen
            item = item.Next
        assert titles == ["Letter 1.1", "Letter 2.1", "Letter 2.2", "Letter 3.1", "Letter 3.2", "Letter 3.3"]
        assert int(outline.Count) == 6


def test_a_destination_named_in_utf16_still_resolves_after_the_merge(inputs, tmp_path):
    """Destination names are read as text; links are rewritten to the bytes the name tree is written with."""
    utf16 = pikepdf.String(b"\xfe\xff" + "café".encode("utf-16-be"))
    source = tmp_path / "cafe.pdf"
    with pikepdf.open(inputs[1]) as src:  # two pages, each linking to the first
        dest = dict(name_tree(src.Root.Names.Dests))["top"]
        src.Root.Names.Dests = pikepdf.Dictionary(Names=pikepdf.Array([utf16, dest]))
        for page in src.pages:
            for annot in page.obj.Annots:
                if "/Dest" in annot:
                    annot.Dest = utf16
        src.save(source)
    out = tmp_path / "batch.pdf"
    merge_tagged_pdfs([source, source], out, title="T")
    with pikepdf.open(out) as pdf:
        flat = list(pdf.Root.Names.Dests.Names)
        written = {bytes(key): value for key, value in zip(flat[0::2], flat[1::2], strict=True)}
        assert list(written) == [b"caf\xe9", b"caf\xe9~1"]  # PDFDocEncoding, renamed on the clash
        page_index = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
        for i, page in enumerate(pdf.pages):
            (link,) = [a for a in page.obj.Annots if "/Dest" in a]
            target = written[bytes(link.Dest)]
            assert page_index[target[0].objgen] == (0 if i < 2 else 2)


def test_large_tree_code_paths(inputs, tmp_path, monkeypatch):
    """Balanced number, name and page trees (forced with a tiny fan-out)."""
    monkeypatch.setattr(merge, "_TREE_FANOUT", 2)
    out = tmp_path / "deep.pdf"
    assert merge_tagged_pdfs(inputs, out, title="Deep") == 6
    summary = pdf_structure_summary(out)
    assert summary["pages_with_unreachable_mcids"] == []
    assert summary["unresolved_annotations"] == []
    assert summary["ids_missing_from_idtree"] == []
    with pikepdf.open(out) as pdf:
        assert "/Kids" in pdf.Root.StructTreeRoot.ParentTree
        assert "/Kids" in pdf.Root.Pages.Kids[0]  # nested page tree
        assert pdf.Root.Pages.Count == 6
    assert _first_lines(out)[0] == "Letter 1.1" and _first_lines(out)[-1] == "Letter 3.3"


def test_single_input_gives_a_valid_tagged_document(inputs, tmp_path):
    out = tmp_path / "one.pdf"
    assert merge_tagged_pdfs([inputs[2]], out, title="One", lang="en-GB") == 3
    summary = pdf_structure_summary(out)
    source = pdf_structure_summary(inputs[2])
    assert summary["struct_counts"] == source["struct_counts"]
    assert summary["pages_with_unreachable_mcids"] == []
    assert summary["unresolved_annotations"] == []
    assert summary["bad_parent_links"] == 0
    assert summary["marked"] and summary["lang"] == "en-GB" and summary["pdfuaid_part"] == 1
    assert summary["title"] == "One"


# --- reproducible, atomic, private ----------------------------------------------------------


def test_same_inputs_give_identical_bytes(inputs, merged, tmp_path):
    path, _ = merged
    again = tmp_path / "again.pdf"
    merge_tagged_pdfs(inputs, again, title="Batch 7", creation_date=EPOCH_DATE)
    assert again.read_bytes() == path.read_bytes()
    # ... also in a fresh interpreter with another hash seed (no set/dict-order leaks).
    third = tmp_path / "third.pdf"
    script = (
        "import sys; from datetime import datetime, timezone; from pathlib import Path\n"
        "from handle_docs.render.merge import merge_tagged_pdfs\n"
        "merge_tagged_pdfs([Path(p) for p in sys.argv[2:]], Path(sys.argv[1]), title='Batch 7',\n"
        "                  creation_date=datetime.fromtimestamp(1794693600, timezone.utc))\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    root = Path(__file__).resolve().parent.parent
    subprocess.run(
        [sys.executable, "-c", script, str(third), *map(str, inputs)], check=True, env=env, cwd=root
    )
    assert third.read_bytes() == path.read_bytes()


def test_output_is_private(inputs, tmp_path):
    out = tmp_path / "batch.pdf"
    out.write_bytes(b"old")
    out.chmod(0o644)
    old_umask = os.umask(0o022)
    try:
        merge_tagged_pdfs(inputs[:1], out, title="T")
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["batch.pdf"]


def test_failed_merge_leaves_no_output_and_no_temp_file(inputs, tmp_path):
    bad = tmp_path / "chunk-bad.pdf"
    bad.write_text("this is not a PDF\n")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    with pytest.raises(MergeError):
        merge_tagged_pdfs([inputs[0], bad, inputs[1]], out_dir / "batch.pdf", title="T")
    assert list(out_dir.iterdir()) == []


def test_failed_merge_keeps_the_previous_output(inputs, tmp_path):
    out = tmp_path / "batch.pdf"
    out.write_bytes(b"previous")
    missing = tmp_path / "missing.pdf"
    with pytest.raises((MergeError, OSError)):
        merge_tagged_pdfs([inputs[0], missing], out, title="T")
    assert out.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["batch.pdf"]


def test_untagged_input_is_rejected(tmp_path):
    untagged = tmp_path / "untagged.pdf"
    HTML(string="<html lang='en-GB'><body><p>x</p></body></html>").write_pdf(untagged)
    with pytest.raises(MergeError, match="not a tagged PDF"):
        merge_tagged_pdfs([untagged], tmp_path / "batch.pdf", title="T")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["untagged.pdf"]


# --- streaming writer: soundness, edge cases, bounded memory --------------------------------


def test_output_opens_cleanly_in_other_readers(merged, caplog):
    """pikepdf/qpdf, pypdf (strict), pdfplumber and pdfium read it without repairs or warnings."""
    import warnings

    import pypdf
    import pypdfium2

    path, pages = merged
    caplog.set_level("WARNING")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pikepdf.open(path) as pdf:
            assert pdf.check_pdf_syntax() == []
            assert len(pdf.pages) == pages
        reader = pypdf.PdfReader(path, strict=True)
        assert len(reader.pages) == pages
        assert [reader.pages[i].extract_text().split("\n")[0] for i in (0, pages - 1)] == [
            "Letter 1.1",
            "Letter 3.3",
        ]
        assert len(reader.outline) == pages
        assert set(reader.named_destinations) == {"top", "top~1", "top~2"}
        with pdfplumber.open(path) as plumbed:
            assert len(plumbed.pages) == pages
            plumbed.pages[-1].extract_text()
        doc = pypdfium2.PdfDocument(str(path))
        try:
            assert len(doc) == pages
            assert "Letter 1.1" in doc[0].get_textpage().get_text_range()
        finally:
            doc.close()
    assert [r.getMessage() for r in caplog.records if r.levelno >= 30] == []
    if shutil.which("qpdf"):
        check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        assert "No syntax or stream encoding errors found" in check.stdout
        assert check.stderr == ""


def test_streams_are_copied_as_they_are(inputs, merged):
    """Content, font and image streams keep their encoded bytes (no recompression)."""
    path, _ = merged

    def raw_streams(pdf: pikepdf.Pdf) -> set[bytes]:
        own = ("/Metadata", "/ObjStm", "/XRef")  # written by each file's producer
        return {
            bytes(o.read_raw_bytes())
            for o in pdf.objects
            if isinstance(o, pikepdf.Stream) and o.get("/Type") not in own
        }

    def contents(pdf: pikepdf.Pdf) -> list[bytes]:
        return [bytes(page.obj.Contents.read_raw_bytes()) for page in pdf.pages]

    expected_contents: list[bytes] = []
    expected_streams: set[bytes] = set()
    for src_path in inputs:
        with pikepdf.open(src_path) as src:
            expected_contents.extend(contents(src))
            expected_streams |= raw_streams(src)
    with pikepdf.open(path) as pdf:
        assert contents(pdf) == expected_contents
        assert raw_streams(pdf) == expected_streams
        kinds = {str(o.get("/Subtype")) for o in pdf.objects if isinstance(o, pikepdf.Stream)}
        assert {"/Image", "/XML"} <= kinds  # the QR code images, the XMP metadata
        fonts = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and "/FontFile2" in o]
        assert len(fonts) >= len(inputs)  # each chunk's embedded subset


def test_outlines_chain_across_inputs_without_outlines(inputs, tmp_path):
    """The top-level outline items stay one chain when some inputs have none."""
    bare = tmp_path / "bare.pdf"  # no headings -> no outline
    HTML(string="<html lang='en-GB'><body><p>No heading here</p></body></html>").write_pdf(
        bare, pdf_variant="pdf/ua-1"
    )
    out = tmp_path / "mixed.pdf"
    sequence = [bare, inputs[1], bare, bare, inputs[0], bare]
    assert merge_tagged_pdfs(sequence, out, title="Mixed") == 7
    with pikepdf.open(out) as pdf:
        outline = pdf.Root.Outlines
        items = []
        item = outline.First
        while True:
            items.append(item)
            assert item.Parent.objgen == outline.objgen
            if "/Next" not in item:
                break
            assert item.Next.Prev.objgen == item.objgen
            item = item.Next
        assert "/Prev" not in items[0]
        assert outline.Last.objgen == items[-1].objgen
        assert [str(i.Title) for i in items] == ["Letter 2.1", "Letter 2.2", "Letter 1.1"]
        assert int(outline.Count) == 3
    summary = pdf_structure_summary(out)
    assert summary["pages_with_unreachable_mcids"] == []
    assert summary["unresolved_annotations"] == []


def test_pdf_version_is_the_highest_of_the_inputs(inputs, tmp_path):
    newer = tmp_path / "pdf20.pdf"
    with pikepdf.open(inputs[1]) as src:
        src.save(newer, min_version="2.0")
    out = tmp_path / "batch.pdf"
    merge_tagged_pdfs([inputs[0], newer], out, title="T")
    assert out.read_bytes().startswith(b"%PDF-2.0\n")
    with pikepdf.open(out) as pdf:
        assert pdf.pdf_version == "2.0"
        assert pdf.check_pdf_syntax() == []
    assert pdf_structure_summary(out)["pages_with_unreachable_mcids"] == []


def test_content_owned_by_the_document_element(inputs, tmp_path):
    """MCIDs, marked-content references and parent-tree entries of an input's document element."""
    odd = tmp_path / "odd.pdf"
    with pikepdf.open(inputs[0]) as src:
        st = src.Root.StructTreeRoot
        doc = st.K[0]
        first_page = src.pages[0].obj
        doc.Pg = first_page
        doc.K.append(77)  # an MCID of the document element itself (on /Pg)
        doc.K.append(pikepdf.Dictionary(Type=pikepdf.Name.MCR, MCID=78))  # no /Pg: gets the doc's
        key = max(k for k, _ in number_tree(st.ParentTree)) + 1
        st.ParentTree.Nums.extend([key, doc])
        st.ParentTreeNextKey = key + 1
        src.save(odd)
    out = tmp_path / "batch.pdf"
    merge_tagged_pdfs([inputs[1], odd], out, title="T")
    with pikepdf.open(out) as pdf:
        st = pdf.Root.StructTreeRoot
        doc = st.K[0]
        third_page = pdf.pages[2].obj  # the odd input's first page
        mcrs = [k for k in doc.K if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/MCR"]
        page = third_page.objgen
        assert [(int(m.MCID), m.Pg.objgen) for m in mcrs] == [(77, page), (78, page)]
        tree = dict(number_tree(st.ParentTree))
        with pikepdf.open(inputs[1]) as first:
            first_tree = first.Root.StructTreeRoot.ParentTree
            shift = max(k for k, _ in number_tree(first_tree)) + 1
        assert tree[key + shift].objgen == doc.objgen  # re-pointed to the merged document element
        assert int(st.ParentTreeNextKey) == key + shift + 1


_MEMORY_SCRIPT = """
import resource, sys
from pathlib import Path
import pikepdf
from handle_docs.render.merge import merge_tagged_pdfs


def peak_rss():
    # Linux: VmHWM.  Not ru_maxrss, which keeps the high-water mark of the
    # forking parent (pytest) across exec, and would hide the merge's growth.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


chunk, n, out, pages = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
with pikepdf.open(chunk) as pdf:  # load the library's lazily initialised parts
    len(pdf.pages)
before = peak_rss()
assert merge_tagged_pdfs([chunk] * n, out, title="Memory") == n * pages
print(before, peak_rss())
"""


@pytest.mark.slow
@pytest.mark.skipif(os.name == "nt", reason="resource.getrusage")
def test_merge_memory_does_not_grow_with_the_batch(tmp_path):
    """Peak RSS growth of merging 60 chunks is within 20 % of merging 20 chunks.

    The whole-document design grew ~1.7 MiB per chunk here (20 -> 60 chunks:
    ~36 -> ~105 MiB); the streaming writer ~4 -> ~5 MiB.  It holds one chunk
    at a time; what remains per chunk is bookkeeping (cross-reference entries,
    parent-tree keys, element identifiers, destination names: under 1 kB a
    page), hence the 2 MiB of slack on top of the 20 %, which also absorbs
    allocator granularity.  Measured in fresh interpreters, since most of the
    memory is qpdf's (C++), which tracemalloc does not see.
    """
    pages = 25  # a realistic chunk: 25 letter pages with QR image, link, list, table
    chunk = tmp_path / "chunk.pdf"
    HTML(string=_letter_html(9, pages, _png_data_uri())).write_pdf(chunk, pdf_variant="pdf/ua-1")
    root = Path(__file__).resolve().parent.parent
    grown = {}
    for n in (20, 60):
        result = subprocess.run(
            [sys.executable, "-c", _MEMORY_SCRIPT, str(chunk), str(n), str(tmp_path / "out.pdf"), str(pages)],
            check=True,
            capture_output=True,
            text=True,
            cwd=root,
        )
        before, after = map(int, result.stdout.split())
        assert before > 0
        grown[n] = after - before
    mib = 1 << 20
    assert grown[20] > mib  # the measurement sees the merge at all
    assert grown[60] <= 1.2 * grown[20] + 2 * mib, {n: round(g / mib, 1) for n, g in grown.items()}

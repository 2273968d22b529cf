"""Reading structure trees, number trees and name trees (handle_docs.pdf.structure_tree)."""

from __future__ import annotations

import subprocess
import sys

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from handle_docs.pdf.structure_tree import (
    name_tree,
    number_tree,
    resolve_role,
    role_names,
    struct_type,
    walk_structure,
)


def _elem(pdf: pikepdf.Pdf, s: str, **entries) -> pikepdf.Dictionary:
    return pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name("/" + s), **entries))


def _two_page_tree():
    """Document (on page 1) > Sect (no /Pg) > [P (on page 2: MCID 0, an MCR for MCID 1), Span (MCID 2)], Figure."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.add_blank_page()
    first, second = pdf.pages[0].obj, pdf.pages[1].obj
    st = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    doc = _elem(pdf, "Document", P=st, Pg=first)
    sect = _elem(pdf, "Sect", P=doc)
    mcr = Dictionary(Type=Name.MCR, MCID=1, Pg=first)
    para = _elem(pdf, "P", P=sect, Pg=second, K=Array([0, mcr]))
    span = _elem(pdf, "Span", P=sect, K=2)
    figure = _elem(pdf, "Figure", P=doc, Alt=String("A car"))
    sect.K = Array([para, span])
    doc.K = Array([sect, figure])
    st.K = doc
    pdf.Root.StructTreeRoot = st
    return pdf, st, first, second


def test_the_walk_goes_in_reading_order_with_each_elements_container_depth_and_page():
    _pdf, st, first, second = _two_page_tree()
    visits = list(walk_structure(st))
    assert [struct_type(v.elem) for v in visits] == ["Document", "Sect", "P", "Span", "Figure"]
    assert [v.depth for v in visits] == [1, 2, 3, 3, 2]
    assert [struct_type(v.parent) if "/S" in v.parent else "root" for v in visits] == [
        "root",
        "Document",
        "Sect",
        "Sect",
        "Document",
    ]
    # /Pg of its own, else the nearest ancestor's: the Span inherits page 1 through the Sect
    assert [v.page.objgen for v in visits] == [
        first.objgen,
        first.objgen,
        second.objgen,
        first.objgen,
        first.objgen,
    ]
    para, span = visits[2], visits[3]
    assert para.content[0] == 0 and para.content[1].MCID == 1  # the MCID and the MCR, in order
    assert span.content == [2]
    assert visits[0].content == []  # elements are walked, not listed as content


def test_a_walk_from_an_element_starts_with_the_page_given():
    _pdf, st, _first, second = _two_page_tree()
    sect = st.K.K[0]
    visits = list(walk_structure(sect, page=second))
    assert [struct_type(v.elem) for v in visits] == ["P", "Span"]
    assert visits[1].page.objgen == second.objgen


def test_a_tree_whose_kids_loop_back_is_walked_once():
    pdf = pikepdf.new()
    st = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    a = _elem(pdf, "Sect", P=st)
    b = _elem(pdf, "P", P=a, K=Array([a]))
    a.K = Array([b, b])
    st.K = a
    assert [struct_type(v.elem) for v in walk_structure(st)] == ["Sect", "P"]


def test_a_deep_tree_is_walked_whole():
    pdf = pikepdf.new()
    st = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    parent = st
    for _ in range(2000):  # deeper than Python's recursion limit
        elem = _elem(pdf, "Div", P=parent)
        parent.K = elem
        parent = elem
    assert max(v.depth for v in walk_structure(st)) == 2000


def test_number_trees_are_read_through_their_kids_in_key_order():
    pdf = pikepdf.new()
    low = pdf.make_indirect(
        Dictionary(Limits=Array([0, 1]), Nums=Array([0, String("zero"), 1, String("one")]))
    )
    high = pdf.make_indirect(Dictionary(Limits=Array([7, 7]), Nums=Array([7, String("seven")])))
    root = pdf.make_indirect(Dictionary(Kids=Array([low, high])))
    assert [(key, str(value)) for key, value in number_tree(root)] == [(0, "zero"), (1, "one"), (7, "seven")]
    assert number_tree(None) == []


def test_name_trees_give_names_as_text_whatever_their_encoding():
    pdf = pikepdf.new()
    utf16 = b"\xfe\xff" + "Café".encode("utf-16-be")
    root = pdf.make_indirect(Dictionary(Names=Array([String(utf16), 1, String(b"plain"), 2])))
    assert [(key, int(value)) for key, value in name_tree(root)] == [("Café", 1), ("plain", 2)]
    assert name_tree(None) == []


def test_roles_resolve_to_standard_types_and_stop_there():
    pdf = pikepdf.new()
    st = pdf.make_indirect(
        Dictionary(
            RoleMap=Dictionary(
                Heading=Name.H1, Title=Name.Heading, P=Name.Span, Loop=Name.Round, Round=Name.Loop
            )
        )
    )
    roles = role_names(st)
    assert resolve_role("Title", roles) == "H1"
    assert resolve_role("P", roles) == "P"  # a standard type is never mapped again
    assert resolve_role("Unknown", roles) == "Unknown"
    assert resolve_role("Loop", roles) in ("Loop", "Round")  # a loop ends


def test_the_renderer_reads_structure_without_loading_the_checks():
    """render/split.py runs in every worker: the walker must not pull in pdfplumber, PDFium or zxing."""
    code = (
        "import sys, handle_docs.render.split, handle_docs.render.merge\n"
        "heavy = [m for m in ('pdfplumber', 'pypdfium2', 'zxingcpp', 'docx') if m in sys.modules]\n"
        "print(' '.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""

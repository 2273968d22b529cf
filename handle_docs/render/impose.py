"""Impose A5 pages onto A4 sheets for a folded, saddle-stitched booklet.

Pages are padded with blanks to a multiple of four, then placed two to a side
of an A4 landscape sheet so that, printed double-sided (flip on the short
edge) and folded, the booklet reads in order.  A right-to-left booklet
(Arabic, Urdu) is bound on the right: every side is the mirror image, so the
cover opens from the right.  The imposed file is a print artefact: the A5
reading-order PDF beside it is the accessible copy, and the imposed file says
so in its metadata (:mod:`handle_docs.pdf.printfile`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pikepdf

from handle_docs.pdf import printfile
from handle_docs.util import atomic
from handle_docs.util.direction import text_direction

A4_LANDSCAPE = (841.89, 595.28)


def booklet_order(pages: int, direction: str = "ltr") -> list[tuple[int | None, int | None]]:
    """(left, right) page indexes for each printed side; None is a blank.
    ``direction`` "rtl": bound on the right, each side mirrored."""
    total = -(-pages // 4) * 4
    sides = []
    for sheet in range(total // 4):
        front = (total - 1 - 2 * sheet, 2 * sheet)
        back = (2 * sheet + 1, total - 2 - 2 * sheet)
        sides.extend([front, back])
    if direction == "rtl":
        sides = [(right, left) for left, right in sides]
    return [(a if a < pages else None, b if b < pages else None) for a, b in sides]


def impose_booklet(
    a5_pdf: Path, output: Path, *, title: str, lang: str, when: dt.datetime | None = None
) -> int:
    """Write the imposed booklet; returns the number of A4 sides."""
    width, height = A4_LANDSCAPE
    with pikepdf.open(a5_pdf) as source, pikepdf.new() as out:
        direction = text_direction(lang)
        order = booklet_order(len(source.pages), direction)
        for left, right in order:
            out.add_blank_page(page_size=(width, height))
            sheet = out.pages[-1]
            for index, x0 in ((left, 0.0), (right, width / 2)):
                if index is None:
                    continue
                foreign = pikepdf.Page(out.copy_foreign(source.pages[index].obj))
                # add_overlay names the form with a random token: name it here so the bytes repeat.
                form = foreign.as_form_xobject()
                name = sheet.add_resource(form, pikepdf.Name.XObject, pikepdf.Name(f"/Page{index + 1}"))
                placement = sheet.calc_form_xobject_placement(
                    form, name, pikepdf.Rectangle(x0, 0, x0 + width / 2, height)
                )
                sheet.contents_add(out.make_stream(b"q\n" + placement + b"\nQ\n"))
        out.Root.Lang = pikepdf.String(lang)
        out.docinfo["/Title"] = title
        printfile.mark(out, "imposed A5 booklet", a5_pdf.name)
        if when is not None:
            stamp = when.strftime("D:%Y%m%d%H%M%SZ")
            out.docinfo["/CreationDate"] = stamp
            out.docinfo["/ModDate"] = stamp
        out.Root.ViewerPreferences = pikepdf.Dictionary(
            DisplayDocTitle=True, Duplex=pikepdf.Name.DuplexFlipShortEdge
        )
        if direction == "rtl":  # a viewer showing two pages side by side puts the first on the right
            out.Root.ViewerPreferences.Direction = pikepdf.Name.R2L
        tmp = output.with_name(f".{output.name}.tmp")
        out.save(tmp, deterministic_id=True, compress_streams=True)
    data = tmp.read_bytes()
    tmp.unlink()
    atomic.write_bytes(output, data)
    return len(order)

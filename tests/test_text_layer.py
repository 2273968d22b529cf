"""The text layer says what is printed, in Arabic and Urdu too (issue 29 items 1 and 4).

Each Arabic and Urdu letter, the demo's (the sample translations in
content/) and the tests' (tests/assets/rtl/), is rendered by the run's own
chunk renderer; every word Poppler and MuPDF read back out of it must be a
word of the letter's HTML (its content and its record), lam-alef words among
them.  PDFium's reading is printed beside them (``pytest -s`` shows it) but
is not the judge: it reorders ``/ActualText`` a second time
(docs/languages.md).  ``handle-docs check`` fails a PDF written without the
text layer and passes the new ones.  The Word letter has the same words as
the PDF's text layer.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from weasyprint.pdf.stream import Stream

from handle_docs.checks import CheckConfig, check_paths
from handle_docs.render import actualtext
from handle_docs.run.chunk import ChunkRenderer, RunSettings
from handle_docs.wording.content import load_content

from .conftest import CONTENT, EPOCH
from .rtl import render_letter, rtl_content_dir, sample_letter
from .textread import READERS, html_words, pdfium, words_of

LAM_ALEF = ("لا", "لأ", "لإ", "لآ")
SOURCES = ("demo", "tests")


@pytest.fixture(scope="module")
def content_dirs(tmp_path_factory) -> dict[str, Path]:
    return {"demo": CONTENT, "tests": rtl_content_dir(tmp_path_factory.mktemp("rtl"))}


@pytest.fixture(scope="module")
def letters(content_dirs, tmp_path_factory) -> dict[tuple[str, str], tuple[Path, set[str]]]:
    """(source, language) -> the letter's PDF and the words of its HTML."""
    out = tmp_path_factory.mktemp("letters")
    made = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        for source, content_dir in content_dirs.items():
            templates = content_dir.parent / "templates"
            renderer = ChunkRenderer(
                RunSettings(content_root=content_dir, templates=templates),
                load_content(content_dir, templates),
            )
            for lang in ("ar", "ur"):
                ready, rejects = renderer.prepare([sample_letter(lang)])
                assert not rejects
                pdf = render_letter(content_dir, lang, out / source / lang)
                made[source, lang] = (pdf, html_words(renderer.document(ready)))
    return made


def _read(reader: str, pdf: Path) -> list[str]:
    print(
        f"\n--- {pdf.parent.parent.name} {reader}:\n{READERS[reader](pdf)}\n--- pdfium (not the judge):\n{pdfium(pdf)}"
    )
    return words_of(READERS[reader](pdf))


@pytest.mark.parametrize("reader", ["poppler", "mupdf"])
@pytest.mark.parametrize("source", SOURCES)
def test_every_urdu_word_reads_back_as_a_word_of_the_letter(letters, source, reader):
    pdf, vocabulary = letters[source, "ur"]
    read = _read(reader, pdf)
    assert [w for w in read if w not in vocabulary] == []
    assert any(part in w for w in read for part in LAM_ALEF), "the letter has lam-alef words"
    assert len({w for w in read if w in vocabulary}) > 50


@pytest.mark.parametrize("reader", ["poppler", "mupdf"])
@pytest.mark.parametrize("source", SOURCES)
def test_every_arabic_word_reads_back_as_a_word_of_the_letter(letters, source, reader):
    pdf, vocabulary = letters[source, "ar"]
    read = _read(reader, pdf)
    assert [w for w in read if w not in vocabulary] == []
    for word in ("على", "إلى"):  # lam with alef maksura: one glyph for two letters
        assert word in read
    for word in ("شيئًا", "ثوانٍ"):  # tanwin: a raised mark in a word, a lowered one at its end
        assert word in read
    assert any(part in w for w in read for part in LAM_ALEF), "the letter has lam-alef words"
    assert len({w for w in read if w in vocabulary}) > 50


def _glyph_boxes(pdf: Path) -> list[tuple]:
    with pdfplumber.open(pdf) as document:
        return sorted(
            (number, c["fontname"], round(c["x0"], 2), round(c["top"], 2), round(c["x1"], 2), c["text"])
            for number, page in enumerate(document.pages)
            for c in page.chars
        )


def test_nastaliq_words_drawn_again_stand_where_weasyprint_put_them(
    letters, content_dirs, tmp_path, monkeypatch
):
    """The text layer draws each Urdu word again, its glyphs in another order: every glyph
    stands where WeasyPrint alone draws it."""
    pdf, _ = letters["tests", "ur"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    for name in ("marked", "show_text", "set_text_rise"):
        monkeypatch.setattr(Stream, name, getattr(actualtext, f"_original_{name}"))
    plain = render_letter(content_dirs["tests"], "ur", tmp_path)
    assert _glyph_boxes(pdf) == _glyph_boxes(plain)


def _without_actual_text(pdf: Path, out: Path) -> Path:
    """``pdf`` as WeasyPrint alone writes it: every /ActualText span taken out of the pages."""
    with pikepdf.open(pdf) as document:
        for page in document.pages:
            kept, open_spans = [], []
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) in ("BDC", "BMC"):
                    actual = (
                        str(operator) == "BDC"
                        and isinstance(operands[1], pikepdf.Dictionary)
                        and "/ActualText" in operands[1]
                    )
                    open_spans.append(actual)
                    if actual:
                        continue
                if str(operator) == "EMC" and open_spans.pop():
                    continue
                kept.append((operands, operator))
            page.Contents = document.make_stream(pikepdf.unparse_content_stream(kept))
        document.save(out)
    return out


@pytest.mark.parametrize("lang", ["ar", "ur"])
def test_check_fails_arabic_script_text_without_a_text_layer_and_passes_the_letters(letters, tmp_path, lang):
    pdf, _ = letters["demo", lang]
    (good,) = check_paths([pdf], CheckConfig())
    assert good.result("text-layer").passed
    assert good.result("tagged").passed
    (bad,) = check_paths([_without_actual_text(pdf, tmp_path / "old.pdf")], CheckConfig())
    layer = bad.result("text-layer")
    assert not layer.passed
    assert "Arabic-script text" in layer.findings[0].message and layer.findings[0].page == 1


# --- Word: the same words as the PDF's text layer (issue 29 item 4) ---------------

#: The Word letter's footer numbers its pages ("Page 1"), the PDF's does not: its label is the
#: one word the Word letter has that the PDF has not.
PAGE_LABEL = {"en-GB": "Page", "cy": "Tudalen", "ar": "صفحة", "ur": "صفحہ"}


def docx_words(path: Path) -> set[str]:
    import docx

    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    texts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    for section in document.sections:
        for part in (section.header, section.footer):
            texts += [p.text for p in part.paragraphs]
            texts += [c.text for t in part.tables for r in t.rows for c in r.cells]
    return set(words_of(" ".join(texts)))


@pytest.mark.parametrize("lang", ["en-GB", "cy", "ar", "ur"])
def test_the_word_letter_has_the_words_of_the_pdfs_text_layer(content_dirs, tmp_path, lang, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    pdf = render_letter(content_dirs["tests"], lang, tmp_path, docx=True)
    in_word, in_pdf = docx_words(pdf.with_suffix(".docx")), set(words_of(READERS["poppler"](pdf)))
    assert in_pdf - in_word == set()
    assert in_word - in_pdf == {PAGE_LABEL[lang]}
    assert any(part in w for w in in_word for part in LAM_ALEF) or lang in ("en-GB", "cy")

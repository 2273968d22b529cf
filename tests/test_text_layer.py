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

import itertools
import re
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from click.testing import CliRunner
from weasyprint.pdf.stream import Stream

from handle_docs.checks import CheckConfig, check_paths
from handle_docs.checks.pdf_common import PdfDoc
from handle_docs.checks.pdf_glyphs import check_text_layer
from handle_docs.commands.check import check
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


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("lang", ["ar", "ur"])
def test_check_fails_arabic_script_text_without_a_text_layer_and_passes_the_letters(
    letters, tmp_path, lang, source
):
    pdf, _ = letters[source, lang]
    (good,) = check_paths([pdf], CheckConfig())
    assert good.result("text-layer").passed, good.result("text-layer").where
    assert good.result("tagged").passed
    if source == "tests":
        return
    (bad,) = check_paths([_without_actual_text(pdf, tmp_path / "old.pdf")], CheckConfig())
    layer = bad.result("text-layer")
    assert not layer.passed
    assert "Arabic-script text" in layer.findings[0].message and layer.findings[0].page == 1


# --- check: each word's /ActualText is the letters its glyphs show -----------------


def _is_actual_text(operands: list, operator: str) -> bool:
    return (
        operator == "BDC"
        and len(operands) == 2
        and isinstance(operands[1], pikepdf.Dictionary)
        and "/ActualText" in operands[1]
    )


def _words_of_page(instructions: list) -> list[list[pikepdf.Dictionary]]:
    """The /ActualText properties of a page, a word (the sequences between two glyph
    runs shown outside one: a space, a number, Latin text) a list, in drawing order."""
    words: list[list[pikepdf.Dictionary]] = [[]]
    open_spans: list[bool] = []
    for operands, operator in instructions:
        operator = str(operator)
        if operator in ("BDC", "BMC"):
            open_spans.append(_is_actual_text(list(operands), operator))
            if open_spans[-1]:
                words[-1].append(operands[1])
        elif operator == "EMC" and open_spans:
            open_spans.pop()
        elif operator in ("Tj", "TJ", "'", '"') and not any(open_spans) and words[-1]:
            words.append([])
    return [word for word in words if word]


def _swap_two_words(words: list[list[pikepdf.Dictionary]]) -> None:
    """The values of the first two words of as many sequences (and other letters) swapped."""
    for first, second in itertools.combinations(words, 2):
        one, other = [str(p.ActualText) for p in first], [str(p.ActualText) for p in second]
        if len(one) == len(other) and sorted(one) != sorted(other) and any(one) and any(other):
            for properties, value in zip(first + second, other + one, strict=True):
                properties.ActualText = pikepdf.String(value)
            return
    raise AssertionError("no two words to swap")


def _change_one_letter(words: list[list[pikepdf.Dictionary]]) -> None:
    """One letter changed in one value: the first reh (ر) of the page becomes meem (م)."""
    for properties in itertools.chain.from_iterable(words):
        value = str(properties.ActualText)
        if "ر" in value:
            properties.ActualText = pikepdf.String(value.replace("ر", "م", 1))
            return
    raise AssertionError("no reh on the page")


def _every_value(change):
    def apply(words: list[list[pikepdf.Dictionary]]) -> None:
        for properties in itertools.chain.from_iterable(words):
            properties.ActualText = pikepdf.String(change(str(properties.ActualText)))

    return apply


#: Wrong text layers, made from a right one by changing its /ActualText values on every page.
WRONG_LAYERS = {
    "replaced by x": _every_value(lambda value: "x"),
    "emptied": _every_value(lambda value: ""),
    "two words swapped": _swap_two_words,
    "one letter changed": _change_one_letter,
    "in reading order": _every_value(lambda value: value[::-1]),
}


def _wrong_layer(pdf: Path, out: Path, wrong: str) -> Path:
    """``pdf`` with its /ActualText values changed as ``WRONG_LAYERS[wrong]`` says, page by page."""
    with pikepdf.open(pdf) as document:
        for page in document.pages:
            instructions = list(pikepdf.parse_content_stream(page))
            WRONG_LAYERS[wrong](_words_of_page(instructions))
            page.Contents = document.make_stream(pikepdf.unparse_content_stream(instructions))
        document.save(out)
    return out


@pytest.mark.parametrize("wrong", list(WRONG_LAYERS))
@pytest.mark.parametrize("lang", ["ar", "ur"])
def test_check_fails_a_word_whose_actual_text_is_not_the_letters_of_its_glyphs(
    letters, tmp_path, lang, wrong
):
    """Only the text-layer check runs here (the whole of ``handle-docs check`` below)."""
    pdf, _ = letters["demo", lang]
    with PdfDoc(_wrong_layer(pdf, tmp_path / "wrong.pdf", wrong)) as document:
        layer = check_text_layer(document, CheckConfig())
    assert not layer.passed
    finding = layer.findings[0]
    assert finding.page is not None and finding.text, "the finding names the page and the word"
    assert "the /ActualText of this word" in finding.message


def test_handle_docs_check_names_the_page_and_the_word_a_wrong_text_layer_reads(letters, tmp_path):
    pdf, _ = letters["demo", "ar"]
    _wrong_layer(pdf, tmp_path / "x.pdf", "replaced by x")
    result = CliRunner().invoke(check, [str(tmp_path), "--failures-only", "--jobs", "1"])
    assert result.exit_code == 1
    assert re.search(
        r"text-layer +FAIL +page 1: 'x+' — the /ActualText of this word leaves out", result.output
    )


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

"""The shared-back letter layout: the address part first, the part every letter shares on its own page(s),
laid out once per chunk and painted into every letter with its tags (render/shared_pages.py)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pdfplumber
import pytest

from handle_docs.checks import check_paths, config_from_links
from handle_docs.models import Finding, Letter, VehicleCheck
from handle_docs.review.fingerprints import fingerprint
from handle_docs.run.chunk import ChunkRenderer, RunSettings
from handle_docs.util import atomic
from handle_docs.wording.content import load_content

from .conftest import CONTENT, EPOCH, TEMPLATES, edit
from .pdfsee import catalog_facts, element_languages, page_texts, qr_payloads, tagged_text, tagged_words
from .structure_summary import pdf_structure_summary
from .textread import poppler_pages

SHARED_HEADINGS = [
    "Lock it, check it, hide it",
    "Stay in touch with your neighbours and with us",
    "How to report a crime",
]


def _letter(letter_id: str, vehicles: int = 1, **extra) -> Letter:
    return Letter(
        letter_id=letter_id,
        address_lines=(f"{letter_id[-1]} Test Road", "Sampleton"),
        postcode="ZZ99 9ZZ",
        vehicles=tuple(
            VehicleCheck(vrm=f"QZ00 A{n:02d}", secure=n % 2 == 0, items_on_display=("bag",) if n % 3 else ())
            for n in range(vehicles)
        ),
        findings=(Finding.INSECURE_VEHICLE,),
        source_rows=(int(letter_id[-1]) + 1,),
        **extra,
    )


LETTERS = [
    _letter("T0001"),
    _letter("T0002", large_print=True),
    _letter("T0003", vehicles=24),  # its table runs past the first page
    _letter("T0004"),
]


def _render(content_root: Path, templates: Path, staging: Path, letters=LETTERS, **settings):
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    atomic.private_dir(staging / "letters")
    atomic.private_dir(staging / "chunks")
    renderer = ChunkRenderer(RunSettings(content_root=content_root, templates=templates, **settings))
    result = renderer.render(0, letters, staging)
    assert not result.rejects
    return result


@pytest.fixture(scope="module")
def shared_back(tmp_path_factory):
    staging = tmp_path_factory.mktemp("shared-back")
    return staging, _render(CONTENT, TEMPLATES, staging, count_print=True)


@pytest.fixture(scope="module")
def flowing(tmp_path_factory):
    root = tmp_path_factory.mktemp("flowing")
    shutil.copytree(CONTENT, root / "content")
    edit(root / "content" / "letters" / "visit.yaml", "layout: shared-back", "layout: flowing")
    staging = root / "run"
    return staging, _render(root / "content", TEMPLATES, staging)


def _file(run, letter_id: str) -> Path:
    return run[0] / "letters" / f"{letter_id}.pdf"


def test_the_sample_letter_is_shared_back():
    assert load_content(CONTENT, TEMPLATES).material("visit-letter").spec.layout == "shared-back"


def test_the_address_part_comes_first_and_the_shared_part_starts_a_new_page(shared_back):
    pages = page_texts(_file(shared_back, "T0001"))
    assert len(pages) == 2
    assert "Our reference: T0001" in pages[0] and "What we found" in pages[0]
    assert not any(heading in pages[0] for heading in SHARED_HEADINGS)
    assert all(heading in " ".join(pages[1].split()) for heading in SHARED_HEADINGS)
    assert "Yours sincerely," in pages[1]
    # one laid-out page serves every letter: it names none of them
    assert "T0001" not in pages[1] and "Our reference" not in pages[1]


def test_an_address_part_longer_than_a_page_is_followed_by_the_shared_part(shared_back):
    pages = page_texts(_file(shared_back, "T0003"))
    short = page_texts(_file(shared_back, "T0001"))
    *own, back = pages
    assert len(own) >= 2
    assert "QZ00 A23" in own[-1] and not any(heading in "".join(own) for heading in SHARED_HEADINGS)
    assert all("Our reference T0003" in page for page in own)
    assert back == short[1]  # the very same shared page as every other standard-print letter's


def test_each_letter_reads_the_same_words_in_the_same_order_as_the_flowing_layout(shared_back, flowing):
    for letter in LETTERS:
        assert tagged_words(_file(shared_back, letter.letter_id)) == tagged_words(
            _file(flowing, letter.letter_id)
        )


def test_the_structure_tree_holds_the_address_part_then_the_shared_part(shared_back):
    headings = [words for kind, words in tagged_text(_file(shared_back, "T0001")) if kind in ("H1", "H2")]
    assert headings == [
        "Advice after our vehicle crime patrol",
        "A car at your address was not locked",
        *SHARED_HEADINGS,
    ]
    summary = pdf_structure_summary(_file(shared_back, "T0003"))
    assert summary["pages"] == len(page_texts(_file(shared_back, "T0003")))
    assert summary["bad_parent_links"] == 0 and summary["duplicate_ids"] == []
    assert summary["figures"] == summary["figures_with_alt"] == 2  # the two QR codes, with their alt text


def test_each_letter_keeps_its_language_title_and_tags(shared_back):
    facts = catalog_facts(_file(shared_back, "T0002"))
    assert facts["lang"] == "en-GB" and facts["marked"] and facts["struct_tree"] and facts["fonts_embedded"]
    assert facts["title"] == "Advice after our vehicle crime patrol (T0002)"
    assert facts["pdfua_part"] == "1"


def test_the_qr_codes_on_the_shared_page_decode(shared_back):
    payloads = qr_payloads(_file(shared_back, "T0004"))
    assert payloads[0] == []
    assert len(payloads[1]) == 2
    assert all(url.startswith("https://") and "utm_source=letter" in url for url in payloads[1])


def test_a_large_print_letter_has_its_own_large_print_shared_part(shared_back):
    standard = page_texts(_file(shared_back, "T0001"))[-1]
    large = page_texts(_file(shared_back, "T0002"))
    assert " ".join(large[-1].split()) != " ".join(standard.split())  # lines break elsewhere at 20 pt
    assert all(heading in " ".join(" ".join(large[1:]).split()) for heading in SHARED_HEADINGS)


def _failed_checks(run, letters) -> dict[str, list[str]]:
    """``handle-docs check`` on each letter's file and the chunk: the checks each failing file failed."""
    staging, result = run
    files = [_file(run, letter.letter_id) for letter in letters] + [staging / result.chunk_file]
    reports = check_paths(files, config_from_links(CONTENT / "links.yaml"))
    assert len(reports) == len(files)
    return {r.path.name: [c.check for c in r.results if not c.passed] for r in reports if not r.passed}


def test_every_letter_and_the_chunk_pass_check(shared_back):
    assert _failed_checks(shared_back, LETTERS) == {}


def test_the_chunk_holds_every_letter_with_its_shared_pages_and_blank_backs(shared_back):
    staging, result = shared_back
    pages = [letter.pages for letter in result.letters]
    assert pages == [len(page_texts(_file(shared_back, letter.letter_id))) for letter in LETTERS]
    assert pages[0] == pages[3] == 2
    blanks = sum(n % 2 for n in pages)  # a letter with an odd number of pages is padded with a blank back
    assert result.batch_pages == sum(pages) + blanks
    assert len(result.page_flags) == result.batch_pages
    assert result.page_flags.count("b") == blanks and "c" not in result.page_flags
    summary = pdf_structure_summary(staging / result.chunk_file)
    assert summary["pages"] == result.batch_pages
    assert summary["bad_parent_links"] == 0 and summary["duplicate_ids"] == []


def test_the_same_letters_give_the_same_bytes(shared_back, tmp_path):
    _staging, result = shared_back
    again = _render(CONTENT, TEMPLATES, tmp_path, count_print=True)
    assert again.chunk_sha256 == result.chunk_sha256
    assert [letter.sha256 for letter in again.letters] == [letter.sha256 for letter in result.letters]


def test_the_flowing_layout_runs_on_from_the_table_to_the_advice(flowing):
    pages = page_texts(_file(flowing, "T0001"))
    assert "What we found" in pages[0] and "Lock it, check it, hide it" in pages[0]
    assert all("Our reference T0001" in page for page in pages)


def test_the_layout_setting_is_part_of_the_fingerprint(content_copy):
    templates = content_copy.parent / "templates"
    before = fingerprint(load_content(content_copy, templates), "visit-letter")
    edit(content_copy / "letters" / "visit.yaml", "layout: shared-back", "layout: flowing")
    after = fingerprint(load_content(content_copy, templates), "visit-letter")
    assert before != after


def test_an_unknown_layout_is_refused(content_copy):
    from handle_docs.models import ProblemsError

    edit(content_copy / "letters" / "visit.yaml", "layout: shared-back", "layout: shared-front")
    with pytest.raises(ProblemsError) as caught:
        load_content(content_copy, content_copy.parent / "templates")
    assert "layout" in str(caught.value)


def test_the_sample_runs_joined_batch_is_tagged_in_every_letters_part(sample_run):
    out, result, _ = sample_run
    summary = pdf_structure_summary(out / "batch.pdf")
    assert summary["marked"] and summary["lang"] == "en-GB"
    assert summary["bad_parent_links"] == 0 and summary["duplicate_ids"] == []
    parts = sum(len(letter.material_id.split("+")) for letter in result.letters)  # a bilingual letter has two
    assert summary["figures"] == summary["figures_with_alt"] == 2 * parts  # each part's QR codes


@pytest.mark.soak  # every check over the 400-odd pages takes most of a minute: make soak
def test_the_sample_runs_joined_batch_passes_check(sample_run):
    out, _, _ = sample_run
    (report,) = check_paths([out / "batch.pdf"], config_from_links(CONTENT / "links.yaml"))
    assert report.passed, [c.check for c in report.results if not c.passed]


def test_the_shared_page_and_the_blank_back_are_painted_once_per_chunk(shared_back):
    import pikepdf

    staging, result = shared_back
    with pikepdf.open(staging / result.chunk_file) as pdf:
        contents = [page.obj.Contents.objgen for page in pdf.pages]
    standard_back = contents[1]  # T0001: one address page, then the standard-print shared page
    assert contents.count(standard_back) == 3  # T0001, T0003 and T0004 share it, drawn once
    assert len(set(contents)) < len(contents)


def test_a_page_that_cannot_be_repeated_with_its_tags_is_refused():
    from handle_docs.render.pdf import PdfRenderer
    from handle_docs.render.repeat_pages import RepeatError, repeat_pages

    renderer = PdfRenderer(TEMPLATES)
    html = (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Links</title></head><body>'
        '<p><a href="https://westmarch-police.example/watch">a link is an annotation</a></p></body></html>'
    )
    data = renderer.write(renderer.layout(html), title="Links", lang="en-GB")
    with pytest.raises(RepeatError):
        repeat_pages(data, [0, 0], title="Links", lang="en-GB")
    assert len(page_texts_of(repeat_pages(data, [0], title="Links", lang="en-GB"))) == 1


def page_texts_of(data: bytes) -> list[str]:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    return [document[i].get_textpage().get_text_range() for i in range(len(document))]


# --- in every language: the bilingual Welsh letter, right to left -------------------------

#: One chunk: a bilingual Welsh letter, two Arabic letters (they share one Arabic shared page), an English one.
IN_LANGUAGES = [
    _letter("W0001", language="cy+en"),
    _letter("A0005", language="ar"),
    _letter("A0006", language="ar"),
    _letter("E0007"),
]
WELSH_SHARED_HEADINGS = [
    "Cloi, gwirio, cuddio",
    "Cadwch mewn cysylltiad â'ch cymdogion a gyda ni",
    "Sut i roi gwybod am drosedd",
]


@pytest.fixture(scope="module")
def in_languages(tmp_path_factory):
    staging = tmp_path_factory.mktemp("in-languages")
    return staging, _render(CONTENT, TEMPLATES, staging, letters=IN_LANGUAGES, count_print=True)


@pytest.fixture(scope="module")
def in_languages_flowing(tmp_path_factory):
    root = tmp_path_factory.mktemp("in-languages-flowing")
    shutil.copytree(CONTENT, root / "content")
    for path in (root / "content" / "letters").glob("visit*.yaml"):
        edit(path, "layout: shared-back", "layout: flowing")
    staging = root / "run"
    return staging, _render(root / "content", TEMPLATES, staging, letters=IN_LANGUAGES)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _qr_codes_left_to_right(path: Path, page: int) -> list[int]:
    """The QR codes of ``page`` in the order they are drawn (the order they are read), by where they stand
    from left to right (0: the left-most)."""
    with pdfplumber.open(path) as pdf:
        lefts = [image["x0"] for image in pdf.pages[page].images]
    return [sorted(lefts).index(x) for x in lefts]


def _chunk_pages_by_language(run) -> dict[int, set[str]]:
    staging, result = run
    by_page: dict[int, set[str]] = {}
    for page, _, lang in element_languages(staging / result.chunk_file):
        by_page.setdefault(page, set()).add(lang)
    return by_page


def test_a_bilingual_letter_is_the_welsh_address_and_shared_parts_then_the_english_ones(in_languages):
    pages = [_flat(page) for page in page_texts(_file(in_languages, "W0001"))]
    english_back = _flat(page_texts(_file(in_languages, "E0007"))[1])
    assert len(pages) == 4
    welsh_front, welsh_back, english_front, english_shared = pages
    assert "Annwyl breswylydd" in welsh_front and "Ein cyfeirnod: W0001" in welsh_front
    assert "Mae croeso i chi ohebu â ni yn Gymraeg." in welsh_front
    assert not any(heading in welsh_front for heading in WELSH_SHARED_HEADINGS)
    assert all(heading in welsh_back for heading in WELSH_SHARED_HEADINGS) and "Yn gywir," in welsh_back
    assert "W0001" not in welsh_back
    assert "Dear resident" in english_front and "Our reference: W0001" in english_front
    assert "We welcome correspondence in Welsh." in english_front
    assert not any(heading in english_front for heading in SHARED_HEADINGS)
    assert english_shared == english_back  # the English letter's very shared page


def test_each_part_of_the_bilingual_letter_is_tagged_with_its_language_in_its_file_and_the_chunk(
    in_languages,
):
    found = element_languages(_file(in_languages, "W0001"))
    assert {lang for page, _, lang in found if page < 2} == {"cy-GB"}
    assert {lang for page, _, lang in found if page >= 2} == {
        "en-GB"
    }  # the English shared part's elements too
    assert {page for page, _, _ in found} == {0, 1, 2, 3}
    by_page = _chunk_pages_by_language(in_languages)  # the chunk's catalog says English
    assert [by_page[page] for page in range(4)] == [{"cy-GB"}, {"cy-GB"}, {"en-GB"}, {"en-GB"}]


def test_an_arabic_letter_has_its_own_arabic_shared_part_right_to_left(in_languages):
    pages = [_flat(page) for page in poppler_pages(_file(in_languages, "A0005"))]  # honours /ActualText
    assert len(pages) == 2
    reference = load_content(CONTENT, TEMPLATES).material("visit-letter-ar").spec.labels["reference"]
    assert reference in pages[0] and reference not in pages[1]  # the back names no letter
    assert "999" in pages[1] and "999" not in pages[0]  # how to report a crime is on the back
    assert not any(heading in pages[1] for heading in SHARED_HEADINGS)
    assert {lang for _, _, lang in element_languages(_file(in_languages, "A0005"))} == {"ar"}
    # the first QR code read stands on the right, mirrored from the English back
    assert _qr_codes_left_to_right(_file(in_languages, "A0005"), 1) == [1, 0]
    assert _qr_codes_left_to_right(_file(in_languages, "E0007"), 1) == [0, 1]


def test_a_repeated_shared_page_keeps_its_language_in_the_chunk(in_languages):
    import pikepdf

    staging, result = in_languages
    assert [letter.pages for letter in result.letters] == [4, 2, 2, 2] and result.batch_pages == 10
    with pikepdf.open(staging / result.chunk_file) as pdf:
        contents = [page.obj.Contents.objgen for page in pdf.pages]
    assert contents[5] == contents[7]  # A0005's and A0006's Arabic back: painted once
    assert contents[3] == contents[9] and contents[1] not in (contents[3], contents[5])
    by_page = _chunk_pages_by_language(in_languages)
    assert [by_page[page] for page in range(4, 10)] == [{"ar"}] * 4 + [{"en-GB"}] * 2


def test_letters_in_other_languages_and_their_chunk_pass_check(in_languages):
    assert _failed_checks(in_languages, IN_LANGUAGES) == {}


def test_in_every_language_the_flowing_layout_still_reads_the_same_words(in_languages, in_languages_flowing):
    welsh = [_flat(page) for page in page_texts(_file(in_languages_flowing, "W0001"))]
    english_start = next(i for i, page in enumerate(welsh) if "Dear resident" in page)
    assert "Annwyl breswylydd" in welsh[0] and "Cloi, gwirio, cuddio" in welsh[0]  # runs on from the table
    found = element_languages(_file(in_languages_flowing, "W0001"))
    assert {lang for page, _, lang in found if page < english_start} == {"cy-GB"}
    assert {lang for page, _, lang in found if page >= english_start} == {"en-GB"}
    for letter in IN_LANGUAGES:
        shared_back_words = tagged_words(_file(in_languages, letter.letter_id))
        assert shared_back_words == tagged_words(_file(in_languages_flowing, letter.letter_id)), (
            letter.letter_id
        )
    assert _failed_checks(in_languages_flowing, IN_LANGUAGES) == {}

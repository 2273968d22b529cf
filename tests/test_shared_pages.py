"""The shared-back letter layout: the address part first, the part every letter shares on its own page(s),
laid out once per chunk and painted into every letter with its tags (render/shared_pages.py)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from .conftest import CONTENT, EPOCH, TEMPLATES, edit
from .pdfsee import catalog_facts, page_texts, qr_payloads, tagged_text, tagged_words
from handle_docs.checks.structure_summary import pdf_structure_summary
from handle_docs.checks import check_paths, config_from_links
from handle_docs.models import Finding, Letter, VehicleCheck
from handle_docs.review.fingerprints import fingerprint
from handle_docs.run.chunk import ChunkRenderer, RunSettings
from handle_docs.util import atomic
from handle_docs.wording.content import load_content

SHARED_HEADINGS = ["Lock it, check it, hide it", "Stay in touch with your neighbours and with us",
                   "How to report a crime"]


def _letter(letter_id: str, vehicles: int = 1, **extra) -> Letter:
    return Letter(
        letter_id=letter_id,
        address_lines=(f"{letter_id[-1]} Test Road", "Sampleton"),
        postcode="ZZ99 9ZZ",
        vehicles=tuple(VehicleCheck(vrm=f"QZ00 A{n:02d}", secure=n % 2 == 0, items_on_display=("bag",) if n % 3 else ())
                       for n in range(vehicles)),
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
        assert tagged_words(_file(shared_back, letter.letter_id)) == tagged_words(_file(flowing, letter.letter_id))


def test_the_structure_tree_holds_the_address_part_then_the_shared_part(shared_back):
    headings = [words for kind, words in tagged_text(_file(shared_back, "T0001")) if kind in ("H1", "H2")]
    assert headings == ["Advice after our vehicle crime patrol", "A car at your address was not locked",
                        *SHARED_HEADINGS]
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


def test_every_letter_and_the_chunk_pass_check(shared_back):
    staging, result = shared_back
    files = [_file(shared_back, letter.letter_id) for letter in LETTERS] + [staging / result.chunk_file]
    reports = check_paths(files, config_from_links(CONTENT / "links.yaml"))
    failed = {r.path.name: [c.check for c in r.results if not c.passed] for r in reports if not r.passed}
    assert len(reports) == len(files) and failed == {}


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
    staging, result = shared_back
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


def test_the_sample_runs_joined_batch_is_tagged_and_passes_check(sample_run):
    out, result, _ = sample_run
    summary = pdf_structure_summary(out / "batch.pdf")
    assert summary["marked"] and summary["lang"] == "en-GB"
    assert summary["bad_parent_links"] == 0 and summary["duplicate_ids"] == []
    assert summary["figures"] == summary["figures_with_alt"] == 2 * len(result.letters)  # each letter's QR codes
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
    html = ('<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Links</title></head><body>'
            '<p><a href="https://westmarch-police.example/watch">a link is an annotation</a></p></body></html>')
    data = renderer.write(renderer.layout(html), title="Links", lang="en-GB")
    with pytest.raises(RepeatError):
        repeat_pages(data, [0, 0], title="Links", lang="en-GB")
    assert len(page_texts_of(repeat_pages(data, [0], title="Links", lang="en-GB"))) == 1


def page_texts_of(data: bytes) -> list[str]:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    return [document[i].get_textpage().get_text_range() for i in range(len(document))]

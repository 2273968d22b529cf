"""Braille on request (issue 29 item 3): a record asking for braille gets a BRF
copy of its letter, made with liblouis, that reads back to the letter's words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from handle_docs.braille import translate
from handle_docs.braille.layout import lay_out, page_number, read_pages, wrap
from handle_docs.braille.letter import letter_paragraphs
from handle_docs.braille.outputs import write_braille
from handle_docs.braille.settings import load_settings
from handle_docs.checks.braille import (
    MIN_WORDS_MATCHED,
    BrfFile,
    expected_cells,
    found_cells,
    letter_runs,
    word_keys,
    words_matched,
)
from handle_docs.checks.braille import read_back as liblouis_read_back
from handle_docs.cli import cli
from handle_docs.compose.context import letter_context
from handle_docs.compose.letters import build_letters
from handle_docs.models import ProblemsError
from handle_docs.records.read import read_records

from .conftest import CONTENT, SAMPLE_CSV, SAMPLE_XLSX, approve_all, edit, line_of, load
from .synth import HEADER_LINE

# An English household (two cars) and a Welsh one ask for braille; a third wants the ordinary letter.
ROWS = (
    '2026-11-14 18:05,4127,"12 Larkspur Road, Eastmoor, Westmarch",ZZ1 4QX,QZ00 XKB,no,bag;phone,yes,yes,no,,no,Braille',
    '2026-11-14 18:07,4127,"12 Larkspur Road, Eastmoor, Westmarch",ZZ1 4QX,QZ00 XKC,yes,,yes,no,no,,no,Braille',
    '2026-11-14 18:09,5583,"7 Tanners Row, Eastmoor, Westmarch",ZZ1 4QY,QZ00 XKD,no,,yes,no,yes,Welsh,no,braille',
    '2026-11-14 18:11,5583,"9 Tanners Row, Eastmoor, Westmarch",ZZ1 4QY,QZ00 XKE,yes,,yes,no,no,,no,',
)
CELLS, LINES = 40, 25


def records(folder: Path, *rows: str) -> Path:
    path = folder / "records.csv"
    path.write_text(HEADER_LINE + "\n" + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def letters_run(folder: Path, *args: str):
    """``handle-docs letters records.csv --out run`` typed in ``folder`` (which holds content/, templates/, review/)."""
    return CliRunner().invoke(
        cli,
        ["letters", "records.csv", "--out", "run", "--jobs", "1", "--quiet", *args],
        catch_exceptions=False,
    )


@pytest.fixture
def force_folder(content_copy, monkeypatch):
    """A force's folder (the sample's content, templates and approvals), as the working directory."""
    monkeypatch.chdir(content_copy.parent)
    return content_copy.parent


@pytest.fixture
def braille_run(force_folder):
    records(force_folder, *ROWS)
    result = letters_run(force_folder)
    assert result.exit_code == 0, result.output
    return force_folder / "run"


def read_back(brf: Path) -> tuple[list[str], list[str]]:
    """(the letter's words, the words liblouis reads back from the BRF), as compared."""
    return liblouis_read_back(BrfFile.open(brf))


def braille_words(brf: Path) -> tuple[list[str], list[str]]:
    """(the letter's words translated again, the BRF's braille words), in Braille ASCII."""
    doc = BrfFile.open(brf)
    expected, _ = expected_cells(letter_runs(doc.words))
    return expected, found_cells(doc, expected)


def test_an_english_and_a_welsh_record_get_braille_that_reads_back_to_the_letter(braille_run, force_folder):
    manifest = json.loads((braille_run / "manifest.json").read_text(encoding="utf-8"))
    files = manifest["braille"]["files"]
    assert [(f["language"], f["table"]) for f in files] == [
        ("en-GB", "en-ueb-g2.ctb"),
        ("cy-GB", "cy-cy-g2.ctb"),
    ]
    assert (
        manifest["braille"]["letters"] == [f["letter_id"] for f in files]
        and not manifest["braille"]["not_made"]
    )
    # the file names hold the letter id only
    assert sorted(p.name for p in (braille_run / "braille").iterdir()) == sorted(
        name for f in files for name in (f"{f['letter_id']}.brf", f"{f['letter_id']}.json")
    )
    content = load(force_folder / "content")
    letters = {
        letter.letter_id: letter
        for letter in build_letters(read_records(force_folder / "records.csv").records)
    }
    for entry in files:
        brf = braille_run / entry["file"]
        # the words are the print letter's, built from the data its template prints
        words = json.loads(brf.with_suffix(".json").read_text(encoding="utf-8"))
        context = letter_context(letters[entry["letter_id"]], content, content.material(entry["material_id"]))
        assert [p["text"] for p in words["paragraphs"]] == [p.text for p in letter_paragraphs(context)]
        # the braille holds the letter's words, each as the table writes it
        expected, found = braille_words(brf)
        assert len(expected) > 150 and words_matched(expected, found) == 1.0, entry["language"]
        if entry["table"] == "en-ueb-g2.ctb":  # Welsh: the strict xfail below
            expected, found = read_back(brf)
            assert words_matched(expected, found) >= MIN_WORDS_MATCHED, words_matched(expected, found)
        pages = read_pages(brf.read_bytes())
        assert len(pages) == entry["pages"] >= 2
        for number, page in enumerate(pages, start=1):
            assert len(page) <= LINES
            assert all(len(line) <= CELLS for line in page)
            assert page[0] == " " * (CELLS - len(page_number(number))) + page_number(number)
        assert brf.read_bytes().count(b"\f") == len(pages) - 1
    check = CliRunner().invoke(cli, ["check", "run/braille"], catch_exceptions=False)
    assert check.exit_code == 0, check.output
    assert check.output.count("PASS") == 7 and check.output.count("SKIP") == 1
    assert "liblouis reads back 8" in check.output and "table cy-cy-g2.ctb" in check.output


@pytest.mark.xfail(
    strict=True,
    reason="liblouis 3.24 reads its own Welsh grade 2 back wrongly (89 % of the letter's words): cy-cy-g2.ctb "
    "gives a whole word and a letter group the same cells ('stori' and 'st' both 34, 'diwedd' and 'dw', "
    "'eisiau' and 'eis'), so 'st' inside a word reads back as 'stori'; the braille itself follows the table "
    "(brf-words, above). Disabling those rules for reading back gives 96 %, still short",
)
def test_the_welsh_braille_letter_reads_back_to_the_letters_words(braille_run):
    manifest = json.loads((braille_run / "manifest.json").read_text(encoding="utf-8"))
    welsh = next(f for f in manifest["braille"]["files"] if f["table"] == "cy-cy-g2.ctb")
    expected, found = read_back(braille_run / welsh["file"])
    assert words_matched(expected, found) >= MIN_WORDS_MATCHED, words_matched(expected, found)


def test_the_braille_letter_says_what_the_print_letter_says_the_table_and_links_written_out(braille_run):
    [english] = [
        f
        for f in json.loads((braille_run / "manifest.json").read_text())["braille"]["files"]
        if f["language"] == "en-GB"
    ]
    words = json.loads((braille_run / english["words_file"]).read_text(encoding="utf-8"))
    texts = [p["text"] for p in words["paragraphs"]]
    assert "Registration: QZ00 XKB; Locked? No, not locked; Items on show: a bag and a phone" in texts
    assert "Registration: QZ00 XKC; Locked? Yes; Items on show: Nothing on show" in texts
    assert "Join Neighbourhood Watch: westmarch-police.example/watch" in texts
    assert f"Our reference: {english['letter_id']}" in texts
    assert not any("Larkspur" in text or "ZZ1 4QX" in text for text in texts), (
        "the resident's address is on the print letter"
    )
    summary = (braille_run / "summary.txt").read_text(encoding="utf-8")
    braille_ids = json.loads((braille_run / "manifest.json").read_text())["braille"]["letters"]
    assert f"braille letters: 2 ({', '.join(braille_ids)}; files in braille/)" in summary
    assert "WARNING" not in summary
    assert json.loads((braille_run / "stats.json").read_text())["braille_letters"] == 2


def test_a_language_without_a_braille_table_gets_english_braille_and_a_warning(force_folder):
    edit(force_folder / "content" / "braille.yaml", "  pl: pl.tbl ", "  # pl: pl.tbl ")
    approve_all(force_folder / "content")  # a changed braille.yaml: every letter approved again
    records(force_folder, ROWS[0].replace(",,no,Braille", ",Polish,no,Braille"))
    result = letters_run(force_folder)
    assert result.exit_code == 0, result.output
    run = force_folder / "run"
    [entry] = json.loads((run / "manifest.json").read_text())["braille"]["files"]
    assert (entry["material_id"], entry["language"], entry["table"]) == (
        "visit-letter",
        "en-GB",
        "en-ueb-g2.ctb",
    )
    assert entry["fallback"] == "no braille table for Polish in braille.yaml"
    summary = (run / "summary.txt").read_text(encoding="utf-8")
    assert "WARNING: braille in English instead of the letter's language: 1" in summary
    assert f"  {entry['letter_id']}: no braille table for Polish in braille.yaml" in summary
    # said on the command line too, in the words the workspace shows (test_web_runs), and not on stdout
    assert result.stderr.splitlines()[-1] == (
        f"warning: Letter {entry['letter_id']}: its braille copy is in English braille, not in the letter's "
        "language. Why: no braille table for Polish in braille.yaml"
    )
    assert "warning:" not in result.stdout
    # the print letter is still the Polish one
    [printed] = json.loads((run / "manifest.json").read_text())["letters"]
    assert printed["material_id"] == "visit-letter-pl"
    expected, found = read_back(run / entry["file"])
    assert words_matched(expected, found) >= MIN_WORDS_MATCHED


def test_braille_settings_are_in_every_letters_fingerprint_and_no_leaflets(content_copy):
    from handle_docs.review.fingerprints import fingerprint

    ids = ("visit-letter", "visit-letter-cy", "visit-letter-ar", "lock-it-leaflet")
    before = {mid: fingerprint(load(content_copy), mid) for mid in ids}
    edit(content_copy / "braille.yaml", "lines_per_page: 25", "lines_per_page: 28")
    after = {mid: fingerprint(load(content_copy), mid) for mid in ids}
    assert [mid for mid in ids if before[mid] != after[mid]] == [
        "visit-letter",
        "visit-letter-cy",
        "visit-letter-ar",
    ]


def test_braille_settings_with_mistakes_stop_the_run_naming_file_line_and_key(force_folder, capfd):
    settings = force_folder / "content" / "braille.yaml"
    edit(settings, "cells_per_line: 40", "cells_per_line: 400")
    with pytest.raises(ProblemsError) as raised:
        load_settings(force_folder / "content")
    [said] = [str(p) for p in raised.value.problems]
    assert said == (
        f"{settings}:{line_of(settings, 'cells_per_line: 400')}: cells_per_line: error: "
        "Input should be less than or equal to 100"
    )
    edit(settings, "cells_per_line: 400", "cells_per_line: 40")
    edit(settings, "  ar: ar-ar-g1.utb", "  arr: ar-ar-g1.utb")
    with pytest.raises(ProblemsError) as raised:
        load_settings(force_folder / "content")
    [said] = [str(p) for p in raised.value.problems]
    assert said.startswith(f"{settings}:{line_of(settings, 'tables:')}: tables: error: ")
    assert "'arr' is not a language code" in said
    edit(settings, "  arr: ar-ar-g1.utb", "  ar: ar-ar-g1.utb")
    edit(settings, "  pl: pl.tbl ", "  pl: no-such-table.ctb ")
    with pytest.raises(ProblemsError) as raised:
        load_settings(force_folder / "content")
    [said] = [str(p) for p in raised.value.problems]
    assert (
        said
        == f"{settings}:{line_of(settings, 'no-such-table')}: tables.pl: error: liblouis has no braille table 'no-such-table.ctb'"
    )
    assert "no-such-table" not in capfd.readouterr().err, (
        "said once, in words: not liblouis's own messages too"
    )
    records(force_folder, *ROWS)
    # a changed braille.yaml needs the letters approved again: a draft gets past that
    assert "not approved" in letters_run(force_folder).output
    result = letters_run(force_folder, "--draft")
    assert (
        result.exit_code == 1
        and f"braille.yaml:{line_of(settings, 'no-such-table')}: tables.pl" in result.output
    )
    assert "Traceback" not in result.output and not (force_folder / "run").exists()
    # a run with no braille asked for does not need the file
    settings.unlink()
    records(force_folder, ROWS[3])
    assert letters_run(force_folder, "--draft").exit_code == 0


def test_check_fails_braille_that_does_not_say_the_letters_words_or_breaks_the_page(braille_run):
    brf = sorted((braille_run / "braille").glob("*.brf"))[0]
    data = brf.read_bytes()
    pages = read_pages(data)
    # another letter's braille in its place: the words do not read back
    other = lay_out(
        [("paragraph", translate.forward("Your bin will be collected on Tuesday. " * 30, "en-ueb-g2.ctb"))],
        CELLS,
        LINES,
    )
    brf.write_bytes(other.data)
    result = CliRunner().invoke(cli, ["check", str(brf)], catch_exceptions=False)
    assert result.exit_code == 1 and "brf-words" in result.output and "FAIL" in result.output
    # a line of 41 cells, and a page of 26 lines
    long_page = pages[0][:1] + [pages[0][1] + "A" * (CELLS + 1 - len(pages[0][1]))] + pages[0][2:] + ["A"] * 5
    brf.write_bytes(
        "\f".join("".join(line + "\r\n" for line in page) for page in [long_page, *pages[1:]]).encode()
    )
    result = CliRunner().invoke(cli, ["check", "--json", str(brf)], catch_exceptions=False)
    failed = {r["check"]: r for r in json.loads(result.output)["files"][0]["checks"] if r["status"] == "FAIL"}
    assert "brf-cells" in failed
    messages = " ".join(f["message"] for f in failed["brf-cells"]["findings"])
    assert "41 cells" in messages and "lines: at most 25" in messages
    # no words file: nothing to compare with
    brf.write_bytes(data)
    brf.with_suffix(".json").unlink()
    result = CliRunner().invoke(cli, ["check", str(brf)], catch_exceptions=False)
    assert result.exit_code == 1 and "no words file" in result.output


def test_braille_files_are_the_same_bytes_every_time(tmp_path, content):
    recordset = read_records(SAMPLE_CSV)
    letters = [letter for letter in build_letters(recordset.records) if letter.braille]
    settings = load_settings(CONTENT)
    first = write_braille(letters, content, tmp_path / "a", settings)
    second = write_braille(letters, content, tmp_path / "b", settings)
    assert first.files == second.files and len(first.files) == 2
    for name in sorted(p.name for p in (tmp_path / "a" / "braille").iterdir()):
        assert (tmp_path / "a" / "braille" / name).read_bytes() == (
            tmp_path / "b" / "braille" / name
        ).read_bytes()


@pytest.mark.parametrize("sample", [SAMPLE_CSV, SAMPLE_XLSX], ids=["csv", "xlsx"])
def test_the_demo_asks_for_braille_in_english_and_in_welsh(sample):
    recordset = read_records(sample, CONTENT / "forms-columns.yaml")
    assert not [w for w in recordset.row_warnings if w.field == "format"]
    braille = [letter for letter in build_letters(recordset.records) if letter.braille]
    assert sorted(letter.language for letter in braille) == ["", "cy"]


def test_the_round_sheet_marks_the_letters_sent_with_braille(content):
    from handle_docs.outputs.round_sheet import load_wording, round_sheet_context

    letters = build_letters(read_records(SAMPLE_CSV).records)
    context = round_sheet_context(letters, content, load_wording(CONTENT))
    marked = [
        stop["reference"] for street in context["streets"] for stop in street["stops"] if stop["braille"]
    ]
    assert marked == [letter.letter_id for letter in letters if letter.braille] and len(marked) == 2
    assert context["labels"]["braille"] == "and its braille copy"


def test_purge_removes_the_braille_copies(braille_run):
    from handle_docs.run.purge import purge_run

    result = purge_run(braille_run)
    assert "braille/" in result.removed and not (braille_run / "braille").exists()


def test_braille_ascii_is_the_usual_one_for_the_commonest_words():
    # UEB grade 2 one-cell words: the = dots 2346 "!", and = 12346 "&", for = 123456 "=", with = 23456 ")"
    assert translate.forward("the and for with", "en-ueb-g2.ctb") == "! & = )"
    assert translate.backward("! & = )", "en-ueb-g2.ctb") == "the and for with"


def test_wrap_keeps_lines_within_the_cells_and_cuts_only_a_word_longer_than_a_line():
    assert wrap("AB CD EF", 5, "  ") == ["  AB", "CD EF"]
    assert wrap("ABCDEFGHIJKL", 5) == ["ABCDE", "FGHIJ", "KL"]
    brf = lay_out([("heading", "T"), *[("paragraph", "WORD " * 30)] * 6], 40, 25)
    pages = read_pages(brf.data)
    assert brf.pages == len(pages) >= 2 and all(len(page) <= 25 for page in pages)
    assert [page[0].strip() for page in pages] == [page_number(n) for n in range(1, len(pages) + 1)]
    assert page_number(12) == "#AB" and page_number(10) == "#AJ"


def test_a_welsh_and_english_letter_gets_both_in_braille_welsh_first(tmp_path, content):
    from handle_docs.models import Finding, Letter, VehicleCheck

    letter = Letter(
        "L0007",
        ("Tŷ Gwyn",),
        "",
        (VehicleCheck("QZ00 XKB", False, ()),),
        (Finding.INSECURE_VEHICLE,),
        (2,),
        language="cy+en",
        braille=True,
    )
    made = write_braille([letter], content, tmp_path, load_settings(CONTENT))
    assert [(f.file, f.material_id, f.table) for f in made.files] == [
        ("braille/L0007.brf", "visit-letter-cy", "cy-cy-g2.ctb"),
        ("braille/L0007--2.brf", "visit-letter", "en-ueb-g2.ctb"),
    ]
    assert made.summary_lines() == ["braille letters: 1 (L0007; files in braille/)"]


def test_braille_that_cannot_be_made_is_said_loudly_and_the_run_goes_on(tmp_path, content, monkeypatch):
    from handle_docs.models import Finding, Letter, VehicleCheck

    def missing(text, tables):
        raise translate.BrailleUnavailable(
            "liblouis is not installed: install the Debian packages liblouis-bin "
            "and liblouis-data (make system-deps does it)"
        )

    monkeypatch.setattr(translate, "forward", missing)
    letter = Letter(
        "L0003",
        ("1 Mill Lane",),
        "",
        (VehicleCheck("", True, ()),),
        (Finding.ALL_SECURE,),
        (2,),
        braille=True,
    )
    made = write_braille([letter], content, tmp_path, load_settings(CONTENT))
    assert made.files == [] and made.manifest()["braille"]["not_made"] == {"L0003": made.not_made["L0003"]}
    assert made.summary_lines()[1:] == [
        "WARNING: braille NOT made for 1 letters: make them by hand",
        f"  L0003: {made.not_made['L0003']}",
    ]


def test_a_table_that_cannot_write_six_dot_braille_gets_english_braille_and_a_warning(tmp_path, content_copy):
    """liblouis 3.24's Romanian table writes digits and capitals with dots 7 and 8: never cut down to six dots."""
    from handle_docs.models import Finding, Letter, VehicleCheck

    edit(content_copy / "braille.yaml", "  # ro: ro.ctb", "  ro: ro.ctb")
    letter = Letter(
        "L0004",
        ("1 Mill Lane",),
        "",
        (VehicleCheck("QZ00 XKB", False, ()),),
        (Finding.INSECURE_VEHICLE,),
        (2,),
        language="ro",
        braille=True,
    )
    made = write_braille([letter], load(content_copy), tmp_path, load_settings(content_copy))
    [entry] = made.files
    assert (entry.material_id, entry.table) == ("visit-letter", "en-ueb-g2.ctb")
    assert entry.fallback.startswith("liblouis's table ro.ctb writes eight-dot braille")
    assert "WARNING: braille in English instead of the letter's language: 1" in made.summary_lines()
    with pytest.raises(translate.NotSixDot):
        translate.forward("Sunați la 101.", "ro.ctb")


def _letter(language: str):
    from handle_docs.models import Finding, Letter, VehicleCheck

    return Letter(
        "L0008",
        ("1 Mill Lane",),
        "",
        (VehicleCheck("QZ00 XKB", False, ()),),
        (Finding.INSECURE_VEHICLE,),
        (2,),
        language=language,
        braille=True,
    )


def test_welsh_grade_2_braille_follows_the_code_and_liblouis_reads_some_of_it_back_wrongly():
    """Why Welsh grade 2 is judged by its braille, not by liblouis's reading back (docs/braille.md)."""
    g2 = "cy-cy-g2.ctb"
    # the Welsh code's groupsigns inside words: st (dots 34), ar (345), in (35); alphabetic wordsigns alone only
    assert translate.forward("stryd", g2) == "/RYD" and translate.backward("/RYD", g2) == "storiryd"
    assert translate.forward("gadw", g2) == "GADW" and translate.backward("GADW", g2) == "gadiwedd"
    assert translate.forward("eisoes", g2) == "EISOES" and translate.backward("EISOES", g2) == "eisiauoes"
    assert translate.forward("Parade", g2) == ",P>ADE"
    assert translate.forward("wedi", g2) == "W" and translate.backward("W';U", g2) == "w'u"  # wedi'u


def test_an_arabic_letters_latin_words_are_in_english_braille_and_it_all_reads_back(tmp_path, content):
    made = write_braille([_letter("ar")], content, tmp_path, load_settings(CONTENT))
    [entry] = made.files
    assert (entry.table, entry.fallback) == ("ar-ar-g1.utb", "")
    brf = tmp_path / entry.file
    doc = BrfFile.open(brf)
    assert doc.words["latin_table"] == "en-ueb-g2.ctb"
    # the force's name in UEB grade 2 ("st" and "ar" contracted), not Arabic braille's letters
    assert ",WE/M>* ,POLICE" in brf.read_text(encoding="ascii")
    expected, found = braille_words(brf)
    assert words_matched(expected, found) == 1.0
    expected, found = read_back(brf)
    assert len(expected) > 150 and words_matched(expected, found) >= MIN_WORDS_MATCHED
    # the same braille read back with the Arabic table alone (as before): the Latin words come back as Arabic
    alone = word_keys(" ".join(translate.backward(line.strip(), "ar-ar-g1.utb") for line in doc.text_lines()))
    assert words_matched(expected, alone) < MIN_WORDS_MATCHED


def test_urdu_gets_english_braille_with_the_reason_the_urdu_tables_lack_a_colon():
    # every Latin letter and the colon and semicolon of the Urdu wording have no six-dot braille in liblouis 3.24
    for table in ("ur-pk-g1.utb", "ur-pk-g2.ctb"):
        translate.forward("گاڑی", table)
        for text in ("نمبر:", "نہیں; نظر", "Westmarch"):
            with pytest.raises(translate.NotSixDot):
                translate.forward(text, table)
    assert "ur" not in load_settings(CONTENT).tables


def test_braille_settings_name_the_languages_and_tables_they_split_or_do_not_read_back(content_copy):
    settings = content_copy / "braille.yaml"
    assert load_settings(content_copy).latin_table_for("ar") == "en-ueb-g2.ctb"
    assert load_settings(content_copy).latin_table_for("cy-GB") is None
    edit(settings, "latin_words_in_english: [ar, ur]", "latin_words_in_english: [ar, xx]")
    with pytest.raises(ProblemsError) as raised:
        load_settings(content_copy)
    [said] = [str(p) for p in raised.value.problems]
    assert said.startswith(
        f"{settings}:{line_of(settings, 'latin_words_in_english:')}: latin_words_in_english"
    )
    assert "'xx' is not a language code" in said
    edit(settings, "latin_words_in_english: [ar, xx]", "latin_words_in_english: [ar, ur]")
    edit(settings, "read_back_unreliable: [cy-cy-g2.ctb]", "read_back_unreliable: [cy-cy-g1.utb]")
    with pytest.raises(ProblemsError) as raised:
        load_settings(content_copy)
    [said] = [str(p) for p in raised.value.problems]
    assert said == (
        f"{settings}:{line_of(settings, 'read_back_unreliable:')}: read_back_unreliable.0: error: "
        "'cy-cy-g1.utb' is not one of the tables above"
    )


def test_latin_words_of_an_arabic_paragraph_are_runs_for_the_english_table():
    from handle_docs.braille.runs import script_runs

    ar, en = "ar-ar-g1.utb", "en-ueb-g2.ctb"
    text = "اتصل بـ Westmarch Police على 101، أو westmarch-police.example/watch. شكراً Westmarch،"
    assert script_runs(text, ar, en) == [
        (ar, "اتصل بـ"),
        (en, "Westmarch Police"),
        (ar, "على 101، أو"),
        (en, "westmarch-police.example/watch."),
        (ar, "شكراً Westmarch،"),
    ]  # Arabic punctuation stuck to a Latin word: the Arabic table has braille for it
    assert script_runs("101 Westmarch", ar, en) == [
        (en, "101 Westmarch")
    ]  # a number first goes with what follows
    assert script_runs(text, ar, None) == [(ar, text)]

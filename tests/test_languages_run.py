"""Each resident gets their language: a letters run routes each letter to its approved translation, else English with the reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from handle_docs.checks import CheckConfig, check_paths
from handle_docs.cli import cli

from .conftest import approve_all, with_link_labels
from .pdfsee import element_languages, page_texts, text
from .synth import write_rows

#: The synthetic translations: (file, id, language, greeting, a sentence with the language's diacritics).
TRANSLATIONS = {
    "cy": (
        "visit.cy.yaml",
        "visit-letter-cy",
        "cy-GB",
        "Annwyl breswylydd,",
        "Gwnaethom wirio ceir ger eich tŷ a’ch stryd.",
    ),
    "pl": (
        "visit.pl.yaml",
        "visit-letter-pl",
        "pl-PL",
        "Szanowni Państwo,",
        "Sprawdziliśmy samochody na Państwa ulicy.",
    ),
    "ro": (
        "visit.ro.yaml",
        "visit-letter-ro",
        "ro-RO",
        "Stimate locuitor,",
        "Am verificat mașinile parcate pe strada dumneavoastră.",
    ),
}


def row(n: int, language: str, address: str | None = None) -> str:
    address = address or f"{n} Larkspur Road, Eastmoor, Westmarch"
    return f'2026-11-14 18:{n:02d},4127,"{address}",ZZ1 4QX,QZ00 XK{"BCDEFGHJKL"[n % 10]},no,bag,yes,no,no,{language},no'


def translate(content_dir: Path, code: str, *, bilingual: bool = False) -> str:
    """Write a translation of the visit letter into ``code`` (synthetic: its greeting
    and opening translated, the rest as in English); return its id."""
    name, mid, tag, greeting, sentence = TRANSLATIONS[code]
    text_ = (content_dir / "letters" / "visit.yaml").read_text(encoding="utf-8")
    text_ = text_.replace(
        "id: visit-letter\n",
        f"id: {mid}\ntranslation_of: visit-letter\n" + ("bilingual: welsh-first\n" if bilingual else ""),
    )
    text_ = text_.replace("language: en-GB", f"language: {tag}")
    text_ = text_.replace("greeting: Dear resident,", f"greeting: {greeting}")
    text_ = text_.replace("  opening: |\n", f"  opening: |\n    {sentence}\n")
    text_ = text_.replace(
        "welsh_welcome: We welcome correspondence in Welsh.",
        "welsh_welcome: Croesewir gohebiaeth yn Gymraeg.",
    )
    (content_dir / "letters" / name).write_text(with_link_labels(text_, content_dir), encoding="utf-8")
    return mid


def letters(records: Path, out: Path, content_dir: Path, *extra: str):
    return CliRunner().invoke(
        cli,
        [
            "letters",
            str(records),
            "--out",
            str(out),
            "--content",
            str(content_dir),
            "--jobs",
            "1",
            "--quiet",
            *extra,
        ],
        catch_exceptions=False,
    )


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def letter_text(out: Path, manifest_: dict, asked: str) -> str:
    (entry,) = [e for e in manifest_["letters"] if e["asked"] == asked]
    return text(out / entry["file"])


def private_content(base: Path) -> Path:
    """A copy of the bundled content, templates and sign-offs under ``base`` (for a module's fixture)."""
    import shutil

    from .conftest import CONTENT, ROOT, TEMPLATES

    shutil.copytree(CONTENT, base / "content")
    shutil.copytree(TEMPLATES, base / "templates")
    shutil.copytree(ROOT / "review", base / "review")
    # the bundled sample translations out of the way: these tests pin the routing on
    # translations they write and approve themselves (test_translations.py covers the sample's)
    for translation in [*(base / "content").glob("*/*.*.yaml")]:
        translation.unlink()
    return base / "content"


@pytest.fixture(scope="module")
def routed(tmp_path_factory):
    """Welsh and Romanian approved, Polish translated but not approved; one record per
    language, one in a language with no translation, one bilingual, one naming none."""
    base = tmp_path_factory.mktemp("routed")
    content_dir = private_content(base)
    translate(content_dir, "cy")
    translate(content_dir, "ro")
    approve_all(content_dir)
    translate(content_dir, "pl")  # after approving: not approved
    records = write_rows(
        base / "records.csv",
        row(1, "Cymraeg"),
        row(2, "polski"),
        row(3, "Romanian"),
        row(4, "Urdu"),
        row(5, "en"),
        row(6, "Cymraeg a Saesneg", "Tŷ Gwyn, Ffordd y Môr, Westmarch"),
        row(7, ""),
    )
    out = base / "run"
    result = letters(records, out, content_dir)
    return out, result, content_dir, records


def test_each_letter_is_in_the_language_asked_for_when_its_translation_is_approved(routed):
    out, result, _, _ = routed
    assert result.exit_code == 0, result.output
    m = manifest(out)
    welsh = letter_text(out, m, "cy")
    assert "Annwyl breswylydd" in welsh and "tŷ a’ch stryd" in welsh and "Dear resident" not in welsh
    romanian = letter_text(out, m, "ro")
    assert "mașinile parcate pe strada dumneavoastră" in romanian
    assert {e["asked"]: e["material_id"] for e in m["letters"]}["cy"] == "visit-letter-cy"


def test_an_unapproved_or_missing_translation_sends_english_and_says_why(routed):
    out, _, _, _ = routed
    m = manifest(out)
    polish = letter_text(out, m, "pl")
    assert "Dear resident" in polish and "Szanowni" not in polish
    reasons = {f["asked"]: f["reason"] for f in m["fallbacks"]}
    assert reasons["pl"].startswith("the Polish translation visit-letter-pl is not approved: needs ")
    assert reasons["ur"] == "no translation into Urdu"
    summary = (out / "summary.txt").read_text(encoding="utf-8")
    assert "letters sent in English instead of the language asked for: 2" in summary
    assert "  pl (1): the Polish translation visit-letter-pl is not approved: needs " in summary
    assert "  ur (1): no translation into Urdu" in summary
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    assert stats["fallbacks"] == m["fallbacks"]


def test_only_the_materials_the_letters_use_are_gated_and_recorded(routed):
    out, _, _, _ = routed
    assert set(manifest(out)["materials"]) == {"visit-letter", "visit-letter-cy", "visit-letter-ro"}


def test_letters_per_language_are_counted_and_every_row_is_in_a_letter(routed):
    out, _, _, _ = routed
    m = manifest(out)
    assert m["languages"] == {"cy-GB": 1, "cy-GB+en-GB": 1, "en-GB": 4, "ro-RO": 1}
    assert sum(m["languages"].values()) == m["letters_count"] == 7
    assert m["rows_in_letters"] + m["rejected_rows"] == m["rows_read"] == 7
    summary = (out / "summary.txt").read_text(encoding="utf-8")
    assert "letters per language: cy-GB: 1, cy-GB+en-GB: 1, en-GB: 4, ro-RO: 1" in summary


def test_the_ty_gwyn_record_gets_the_welsh_letter_then_the_english_each_on_a_fresh_sheet(routed):
    out, _, _, _ = routed
    m = manifest(out)
    (entry,) = [e for e in m["letters"] if e["asked"] == "cy+en"]
    assert entry["material_id"] == "visit-letter-cy+visit-letter"
    pages = page_texts(out / entry["file"])
    welsh_start = next(i for i, p in enumerate(pages) if "Annwyl breswylydd" in p)
    english_start = next(i for i, p in enumerate(pages) if "Dear resident" in p)
    assert welsh_start == 0 and english_start > welsh_start
    assert "Tŷ Gwyn" in pages[0] and "Tŷ Gwyn" in pages[english_start]
    # both halves say Welsh is welcome; a Welsh-only letter does not
    assert any("Croesewir gohebiaeth yn Gymraeg" in p for p in pages[:english_start])
    assert any("We welcome correspondence in Welsh" in p for p in pages[english_start:])
    assert "Croesewir" not in letter_text(out, m, "cy")
    batch = page_texts(out / "batch.pdf")
    first = next(i for i, p in enumerate(batch) if "Tŷ Gwyn" in p and "Annwyl" in p)
    second = next(i for i, p in enumerate(batch) if "Tŷ Gwyn" in p and "Dear resident" in p)
    assert first % 2 == 0 and second % 2 == 0  # each language starts a sheet printed double-sided


def test_a_record_naming_no_language_gets_english_unless_the_welsh_is_sent_bilingual(routed, tmp_path):
    out, _, _, _ = routed
    (entry,) = [e for e in manifest(out)["letters"] if e["asked"] == ""]
    assert entry["language"] == "en-GB" and not entry["fallback"]


def test_with_draft_an_unapproved_translation_is_used_and_watermarked(routed, tmp_path):
    _, _, content_dir, records = routed
    out = tmp_path / "draft"
    result = letters(records, out, content_dir, "--draft")
    assert result.exit_code == 0, result.output
    m = manifest(out)
    polish = letter_text(out, m, "pl")
    assert "Sprawdziliśmy samochody na Państwa ulicy" in polish and "DRAFT" in polish
    assert [f["asked"] for f in m["fallbacks"]] == ["ur"]
    assert m["draft"] is True


def test_bilingual_setting_sends_both_to_a_record_naming_no_language(tmp_path, content_copy):
    translate(content_copy, "cy", bilingual=True)
    approve_all(content_copy)
    records = write_rows(tmp_path / "r.csv", row(1, ""), row(2, "Saesneg"), row(3, "cy"))
    out = tmp_path / "run"
    result = letters(records, out, content_copy)
    assert result.exit_code == 0, result.output
    languages = {e["asked"]: e["language"] for e in manifest(out)["letters"]}
    assert languages == {"": "cy-GB+en-GB", "en-GB": "en-GB", "cy": "cy-GB"}


def test_the_operation_report_counts_letters_per_language_and_says_why_some_went_in_english(routed):
    from handle_docs.outputs.report import markdown, report_context

    out, _, _, _ = routed
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    ctx = report_context(stats, manifest(out), prices=None, counts=None)
    note = ctx["languages_note"]
    assert note.startswith("Letters by language: English 4, Welsh 1, Welsh and English 1, Romanian 1.")
    assert "Polish 1 (the Polish translation visit-letter-pl is not approved: needs " in note
    assert "Urdu 1 (no translation into Urdu)" in note
    assert "## Languages" in markdown(ctx)


def test_every_element_of_a_bilingual_letter_is_tagged_with_its_own_language(routed):
    out, _, _, _ = routed
    m = manifest(out)
    (entry,) = [e for e in m["letters"] if e["asked"] == "cy+en"]
    path = out / entry["file"]
    pages = page_texts(path)
    english_start = next(i for i, p in enumerate(pages) if "Dear resident" in p)
    found = element_languages(path)
    assert found and {lang for page, _, lang in found if page < english_start} == {"cy-GB"}
    assert {lang for page, _, lang in found if page >= english_start} == {"en-GB"}
    # in the print batch too, where the catalog says English
    batch = out / "batch.pdf"
    texts = page_texts(batch)
    by_page = {}
    for page, _, lang in element_languages(batch):
        by_page.setdefault(page, set()).add(lang)
    for i, text_ in enumerate(texts):
        if "Annwyl breswylydd" in text_:
            assert by_page[i] == {"cy-GB"}, i
        elif "Dear resident" in text_:
            assert by_page[i] == {"en-GB"}, i
    result = CliRunner().invoke(cli, ["check", str(path), "--jobs", "1"], catch_exceptions=False)
    assert result.exit_code == 0, result.output


# --- leaflets in the resident's language -------------------------------------------------

LEAFLET_TRANSLATIONS = {
    "pl": (
        "lock-it.pl.yaml",
        "lock-it-leaflet-pl",
        "pl-PL",
        "Zamknij, sprawdź, schowaj",
        "Większość kradzieży z samochodów trwa krócej niż minutę.",
    ),
    "ro": (
        "lock-it.ro.yaml",
        "lock-it-leaflet-ro",
        "ro-RO",
        "Încuie, verifică, ascunde",
        "Majoritatea furturilor din mașini durează mai puțin de un minut.",
    ),
}


def translate_leaflet(content_dir: Path, code: str) -> str:
    """A synthetic translation of the lock-it leaflet (title and introduction translated)."""
    name, mid, tag, title, intro = LEAFLET_TRANSLATIONS[code]
    text_ = (content_dir / "leaflets" / "lock-it.yaml").read_text(encoding="utf-8")
    text_ = text_.replace("id: lock-it-leaflet\n", f"id: {mid}\ntranslation_of: lock-it-leaflet\n")
    text_ = text_.replace("language: en-GB", f"language: {tag}")
    text_ = text_.replace("title: Lock it, check it, hide it", f"title: {title}")
    text_ = text_.replace("Most thefts from cars take less than a minute.", intro)
    (content_dir / "leaflets" / name).write_text(
        with_link_labels(text_, content_dir, ("nws", "cms", "report_online")), encoding="utf-8"
    )
    return mid


@pytest.fixture(scope="module")
def leafleted(tmp_path_factory):
    """The Polish letter and leaflet approved; the Romanian leaflet translated, not approved."""
    content_dir = private_content(tmp_path_factory.mktemp("leafleted"))
    translate(content_dir, "pl")
    translate_leaflet(content_dir, "pl")
    approve_all(content_dir)
    translate_leaflet(content_dir, "ro")
    return content_dir


def leaflets(content_dir: Path, out: Path, *extra: str):
    return CliRunner().invoke(
        cli, ["leaflets", "--out", str(out), "--content", str(content_dir), *extra], catch_exceptions=False
    )


def test_leaflets_in_one_language_as_a4_and_as_the_a5_booklet(leafleted, tmp_path):
    a4 = leaflets(leafleted, tmp_path / "a4", "--language", "polski")
    assert a4.exit_code == 0, a4.output
    assert "stay-connected-leaflet: not made in Polish: no translation into Polish" in a4.output
    assert sorted(p.name for p in (tmp_path / "a4").glob("*.pdf")) == ["lock-it-leaflet-pl-a4.pdf"]
    polish = text(tmp_path / "a4" / "lock-it-leaflet-pl-a4.pdf")
    assert "Zamknij, sprawdź, schowaj" in polish and "Większość kradzieży z samochodów" in polish
    a5 = leaflets(leafleted, tmp_path / "a5", "lock-it-leaflet", "--language", "pl", "--format", "a5-booklet")
    assert a5.exit_code == 0, a5.output
    assert "Większość kradzieży" in text(tmp_path / "a5" / "lock-it-leaflet-pl-a5.pdf")
    assert (tmp_path / "a5" / "print" / "lock-it-leaflet-pl-a5-booklet.pdf").exists()
    from .pdfsee import catalog_facts

    assert catalog_facts(tmp_path / "a5" / "lock-it-leaflet-pl-a5.pdf")["lang"] == "pl-PL"


def test_leaflets_make_every_approved_translation_and_say_which_are_left_out(leafleted, tmp_path):
    result = leaflets(leafleted, tmp_path / "all", "lock-it-leaflet")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "all").glob("*.pdf")) == [
        "lock-it-leaflet-a4.pdf",
        "lock-it-leaflet-pl-a4.pdf",
    ]
    assert "lock-it-leaflet-ro: not made: not approved: needs " in result.output
    romanian = leaflets(leafleted, tmp_path / "ro", "--language", "Romanian")
    assert (
        romanian.exit_code == 1
        and "the Romanian translation lock-it-leaflet-ro is not approved" in romanian.output
    )
    assert not list((tmp_path / "ro").glob("*.pdf")) if (tmp_path / "ro").exists() else True
    draft = leaflets(leafleted, tmp_path / "draft", "lock-it-leaflet", "--language", "ro", "--draft")
    assert draft.exit_code == 0, draft.output
    assert "Majoritatea furturilor" in text(tmp_path / "draft" / "lock-it-leaflet-ro-a4.pdf")
    bad = leaflets(leafleted, tmp_path / "bad", "--language", "Klingon")
    assert bad.exit_code == 2 and "--language" in bad.output


def test_with_leaflet_each_letter_is_followed_by_the_leaflet_in_its_language(leafleted, tmp_path):
    records = write_rows(tmp_path / "r.csv", row(1, "polski"), row(2, "Urdu"))
    out = tmp_path / "run"
    result = letters(records, out, leafleted, "--with-leaflet", "lock-it-leaflet")
    assert result.exit_code == 0, result.output
    pages = page_texts(out / "batch.pdf")
    polish_letter = next(i for i, p in enumerate(pages) if "Sprawdziliśmy samochody" in p)
    polish_leaflet = next(i for i, p in enumerate(pages) if "Większość kradzieży z samochodów" in p)
    assert polish_leaflet > polish_letter
    english_leaflet = [i for i, p in enumerate(pages) if "Most thefts from cars take less than a minute" in p]
    assert len(english_leaflet) == 1 and english_leaflet[0] > polish_leaflet  # after the Urdu record's letter
    assert set(manifest(out)["materials"]) == {
        "visit-letter",
        "visit-letter-pl",
        "lock-it-leaflet",
        "lock-it-leaflet-pl",
    }


def test_a_bilingual_word_letter_holds_the_welsh_then_the_english_each_marked_with_its_language(
    routed, tmp_path
):
    import docx

    _, _, content_dir, _ = routed
    records = write_rows(
        tmp_path / "r.csv", row(6, "dwyieithog", "Tŷ Gwyn, Ffordd y Môr, Westmarch"), row(1, "pl")
    )
    out = tmp_path / "run"
    result = letters(records, out, content_dir, "--docx")
    assert result.exit_code == 0, result.output
    (entry,) = [e for e in manifest(out)["letters"] if e["asked"] == "cy+en"]
    document = docx.Document(str(out / entry["docx_file"]))
    paragraphs = [p.text for p in document.paragraphs]
    welsh = next(i for i, t in enumerate(paragraphs) if "Annwyl breswylydd" in t)
    english = next(i for i, t in enumerate(paragraphs) if "Dear resident" in t)
    assert welsh < english and len(document.sections) == 2
    # each half says correspondence in Welsh is welcome, in its own language
    assert any("Croesewir gohebiaeth yn Gymraeg" in t for t in paragraphs[welsh:english])
    assert any("We welcome correspondence in Welsh" in t for t in paragraphs[english:])
    W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    english_runs = [r for p in document.paragraphs[english:] for r in p.runs if r.text.strip()]
    assert english_runs and all(r._r.find(f"{W}rPr/{W}lang").get(f"{W}val") == "en-GB" for r in english_runs)
    batch = [p.text for p in docx.Document(str(out / "batch.docx")).paragraphs]
    assert any("Annwyl breswylydd" in t for t in batch) and any("Dear resident" in t for t in batch)
    # the joined batch keeps the force's default language, and each letter's own on its paragraphs' runs
    (report,) = check_paths([out / "batch.docx"], CheckConfig())
    assert report.result("docx-language").passed, report.result("docx-language").findings
    joined = docx.Document(str(out / "batch.docx"))
    default = joined.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang").get(f"{W}val")
    assert default == "en-GB"

    def run_langs(needle: str) -> set:
        paragraph = next(p for p in joined.paragraphs if needle in p.text)
        return {
            (r._r.find(f"{W}rPr/{W}lang") is not None and r._r.find(f"{W}rPr/{W}lang").get(f"{W}val"))
            or default
            for r in paragraph.runs
            if r.text.strip()
        }

    assert run_langs("Annwyl breswylydd") == {"cy-GB"}
    assert run_langs("Dear resident") == {"en-GB"}


def test_an_unapproved_bilingual_welsh_letter_is_not_sent_to_records_naming_no_language(
    tmp_path, content_copy
):
    translate(content_copy, "cy", bilingual=True)  # not approved
    records = write_rows(tmp_path / "r.csv", row(1, ""))
    out = tmp_path / "run"
    result = letters(records, out, content_copy)
    assert result.exit_code == 0, result.output
    (entry,) = manifest(out)["letters"]
    assert entry["language"] == "en-GB" and "Annwyl" not in text(out / entry["file"])
    summary = (out / "summary.txt").read_text(encoding="utf-8")
    assert "  no language given (1): the Welsh translation visit-letter-cy is not approved: needs " in summary
    assert "visit-letter-cy" not in manifest(out)["materials"]


def test_a_letter_names_the_leaflet_enclosed_after_it_whichever_way_it_came_to_be_in_english():
    """One rule (compose/context.enclosed_heading) for every route: the Polish leaflet enclosed, the English
    one for everyone, or the English one because the Polish is not approved (the same list of leaflets)."""
    from handle_docs.compose.context import letter_context
    from handle_docs.wording.content import load_content

    from .conftest import CONTENT
    from .rtl import sample_letter

    content = load_content(CONTENT)
    polish = content.material("visit-letter-pl")
    letter = sample_letter("pl")

    def advice(*enclosed: str) -> dict:
        return letter_context(letter, content, polish, enclosed=[content.material(m) for m in enclosed])[
            "advice"
        ]

    assert advice()["heading"] == advice("lock-it-leaflet-pl")["heading"] == "Zamknij, sprawdź, schowaj"
    assert "lang" not in advice("lock-it-leaflet-pl")
    english = advice("lock-it-leaflet")
    assert (english["heading"], english["lang"]) == ("Lock it, check it, hide it", "en-GB")
    assert advice("lock-it-leaflet")["body"] == advice()["body"]  # the advice itself stays in Polish
    assert "lang" not in advice("stay-connected-leaflet")  # another leaflet: the heading does not name it

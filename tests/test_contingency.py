"""The IT-failure pack: approved materials only, passes the checks, round-trips to a run."""

from __future__ import annotations

import re
import stat

import pytest
from click.testing import CliRunner

from handle_docs.checks import check_paths, config_from_links
from handle_docs.commands.contingency import contingency as contingency_cmd
from handle_docs.models import RECORD_COLUMNS
from handle_docs.outputs.contingency import FORM_ID, VEHICLE_ROWS, form_context, render_pack
from handle_docs.records.read import load_column_map, read_records
from handle_docs.review import DRAFT_WATERMARK
from handle_docs.wording.content import load_content

from .conftest import CONTENT, TEMPLATES, approve_all
from .pdfsee import page_texts, tick_boxes, words


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    content = load_content(CONTENT, TEMPLATES)
    out = tmp_path_factory.mktemp("pack") / "pack"
    result = render_pack(content, out, sheets=2)
    return content, out, result


def test_the_pack_holds_the_form_the_generic_letter_and_every_leaflet(pack):
    content, out, result = pack
    leaflets = sorted(m.id for m in content.materials.values() if m.spec.kind == "leaflet")
    assert result.files == ["check-form.pdf", "generic-letter-visit-letter.pdf"] + [
        f"{m}-a4.pdf" for m in leaflets
    ]
    assert sorted(p.name for p in out.iterdir()) == sorted(result.files)
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert all(stat.S_IMODE((out / name).stat().st_mode) == 0o600 for name in result.files)


def _failures(paths) -> dict[str, list[str]]:
    reports = check_paths(paths, config_from_links(CONTENT / "links.yaml"))
    assert len(reports) == len(paths)
    return {
        r.path.name: [
            f"{c.check}: {f.message} ({f.where})" for c in r.results if not c.passed for f in c.findings
        ]
        for r in reports
        if not r.passed
    }


@pytest.mark.parametrize("name", ["check-form.pdf", "generic-letter-visit-letter.pdf"])
def test_the_form_and_the_generic_letter_pass_handle_docs_check(pack, name):
    _, out, _ = pack
    assert not _failures([out / name])


def test_the_leaflets_in_the_pack_pass_handle_docs_check(pack):
    _, out, result = pack
    leaflets = [out / name for name in result.files if name.endswith("-a4.pdf")]
    assert leaflets and not _failures(leaflets)


def test_the_form_asks_the_forms_questions_three_cars_to_a_sheet(pack):
    content, out, result = pack
    form = content.material(FORM_ID)
    headers = {field: header for header, field in load_column_map(CONTENT / "forms-columns.yaml").items()}
    pages = page_texts(out / "check-form.pdf")
    # two sheets, then how to type them in (two pages since the Form asks for the letter's format too)
    assert len(pages) == result.pages["check-form.pdf"] == 2 + 2
    for sheet, page in enumerate(pages[:2]):
        flat = " ".join(page.split())
        for field in RECORD_COLUMNS:
            question = form.spec.labels["submitted_at"] if field == "submitted_at" else headers[field]
            assert " ".join(question.split()) in flat, field
        assert "Completion time" not in flat, "Forms fills in its own time; paper asks for it in words"
        for number in range(sheet * 3 + 1, sheet * 3 + 4):
            assert f"Check {number}" in flat
    guide = " ".join(" ".join(pages[2:]).split())
    for field in RECORD_COLUMNS:
        assert field in guide, "the last pages name the records column for every question"


def test_the_generic_letter_has_a_tick_box_per_finding_and_blank_address_lines(pack):
    content, out, _ = pack
    letter = content.material("visit-letter")
    path = out / "generic-letter-visit-letter.pdf"
    seen = words(path)
    headings = [
        letter.block(f"findings.{name}").heading
        for name in ("insecure_vehicle", "items_on_display", "keys_visible", "all_secure")
    ]
    assert all(heading in seen for heading in headings)
    assert "The Occupier" in seen and letter.spec.title in seen
    assert "We have ticked the boxes below" in seen
    assert "___" not in seen and not re.search(r"\.{5,}", seen), "write-in lines are drawn, not typed"
    # a box drawn beside each finding's heading, and a locked / not locked pair in each blank vehicle row
    labels = letter.spec.labels
    beside = [text for _, text in tick_boxes(path)]
    assert beside == headings + [labels["vehicle_secure"], labels["vehicle_insecure"]] * VEHICLE_ROWS


def test_a_paper_form_typed_into_the_records_file_goes_through_the_normal_run(tmp_path):
    content = load_content(CONTENT, TEMPLATES)
    ctx = form_context(content, content.material(FORM_ID), 1, CONTENT / "forms-columns.yaml")
    columns = [q["field"] for q in ctx["questions"]]
    assert columns == list(RECORD_COLUMNS)
    # Typed as the form's last page says: dates day first, items with semicolons, yes/no.
    row = {
        "submitted_at": "14/11/2026 18:05",
        "officer": "4127",
        "address": "12 Sample Street, Eastmoor",
        "postcode": "ZZ1 4QX",
        "vrm": "QZ00 XKB",
        "vehicle_secure": "no",
        "items_on_display": "bag; phone",
        "advice_given": "yes",
        "nws_interest": "yes",
        "cms_interest": "",
        "language": "Welsh",
        "large_print": "no",
        "format": "braille",
    }
    path = tmp_path / "typed.csv"
    path.write_text(
        ",".join(columns) + "\n" + ",".join(f'"{row[c]}"' for c in columns) + "\n", encoding="utf-8"
    )
    recordset = read_records(path, CONTENT / "forms-columns.yaml")
    assert not recordset.rejects and len(recordset.records) == 1
    record = recordset.records[0]
    assert record.items_on_display == ("bag", "phone") and record.language == "cy" and record.nws_interest
    assert record.format == "braille"


def test_the_form_follows_the_forms_questions_when_they_change(content_copy, tmp_path):
    columns = content_copy / "forms-columns.yaml"
    columns.write_text(
        columns.read_text()
        .replace('"Postcode": postcode', '"Postcode of the address": postcode')
        .replace('  "Large print letter requested?": large_print\n', ""),
        encoding="utf-8",
    )
    content = load_content(content_copy)
    ctx = form_context(content, content.material(FORM_ID), 1, columns)
    questions = {q["field"]: q["text"] for q in ctx["questions"]}
    assert questions["postcode"] == "Postcode of the address"
    assert "large_print" not in questions, "a column the Form does not ask is not asked on paper either"

    columns.write_text("columns: [not, a, mapping]\n", encoding="utf-8")
    result = CliRunner().invoke(
        contingency_cmd, ["--out", str(tmp_path / "p"), "--content", str(content_copy), "--draft"]
    )
    assert result.exit_code == 1 and "column map cannot be used" in result.output
    assert not (tmp_path / "p").exists()


def test_the_contingency_command_applies_the_review_gate(content_copy, tmp_path):
    approve_all(content_copy)
    runner = CliRunner()
    args = ["--content", str(content_copy), "--sheets", "1", "--leaflet", "stay-connected-leaflet"]
    ok = runner.invoke(contingency_cmd, [*args, "--out", str(tmp_path / "ok")])
    assert ok.exit_code == 0, ok.output
    assert sorted(p.name for p in (tmp_path / "ok").iterdir()) == [
        "check-form.pdf",
        *(f"generic-letter-visit-letter-{code}.pdf" for code in ("ar", "cy", "pl", "ro", "ur")),
        "generic-letter-visit-letter.pdf",
        "stay-connected-leaflet-a4.pdf",
    ]
    assert DRAFT_WATERMARK not in words(tmp_path / "ok" / "check-form.pdf")

    path = content_copy / "contingency" / "check-form.yaml"
    path.write_text(path.read_text().replace("Fill in one", "Fill in one clear"), encoding="utf-8")
    refused = runner.invoke(contingency_cmd, [*args, "--out", str(tmp_path / "refused")])
    assert refused.exit_code == 1 and "paper-check-form: not approved" in refused.output
    assert not (tmp_path / "refused").exists()

    draft = runner.invoke(contingency_cmd, [*args, "--out", str(tmp_path / "draft"), "--draft"])
    assert draft.exit_code == 0, draft.output
    assert all(DRAFT_WATERMARK in words(p) for p in (tmp_path / "draft").glob("*.pdf"))


def test_a_new_question_in_the_column_map_needs_the_form_approved_again(content_copy, tmp_path):
    # the paper form prints the column headers as its questions: they are part of its version
    approve_all(content_copy)
    runner = CliRunner()
    args = ["--content", str(content_copy), "--sheets", "1", "--leaflet", "stay-connected-leaflet"]
    columns = content_copy / "forms-columns.yaml"
    original = columns.read_text(encoding="utf-8")
    columns.write_text(
        original.replace('"Postcode": postcode', '"Postcode of the address": postcode'), encoding="utf-8"
    )
    refused = runner.invoke(contingency_cmd, [*args, "--out", str(tmp_path / "refused")])
    assert refused.exit_code == 1 and "paper-check-form: not approved" in refused.output
    assert "visit-letter" not in refused.output.split("not approved")[0]  # only the form's version changed
    assert not (tmp_path / "refused").exists()

    # re-indented and commented, the same map is the same version
    columns.write_text("# the Form's questions\n" + original, encoding="utf-8")
    assert runner.invoke(contingency_cmd, [*args, "--out", str(tmp_path / "same")]).exit_code == 0


def test_columns_from_elsewhere_must_ask_the_approved_questions(content_copy, tmp_path):
    approve_all(content_copy)
    runner = CliRunner()
    args = ["--content", str(content_copy), "--sheets", "1", "--leaflet", "stay-connected-leaflet"]
    original = (content_copy / "forms-columns.yaml").read_text(encoding="utf-8")
    same = tmp_path / "same-columns.yaml"
    same.write_text("# a copy\n" + original, encoding="utf-8")
    assert (
        runner.invoke(
            contingency_cmd, [*args, "--out", str(tmp_path / "a"), "--columns", str(same)]
        ).exit_code
        == 0
    )

    other = tmp_path / "other-columns.yaml"
    other.write_text(
        original.replace('"Postcode": postcode', '"Postcode of the address": postcode'), encoding="utf-8"
    )
    refused = runner.invoke(contingency_cmd, [*args, "--out", str(tmp_path / "b"), "--columns", str(other)])
    assert refused.exit_code == 1
    assert "asks other questions than" in refused.output and "--draft" in refused.output
    assert not (tmp_path / "b").exists()
    draft = runner.invoke(
        contingency_cmd, [*args, "--out", str(tmp_path / "c"), "--columns", str(other), "--draft"]
    )
    assert draft.exit_code == 0, draft.output
    assert "Postcode of the address" in words(tmp_path / "c" / "check-form.pdf")

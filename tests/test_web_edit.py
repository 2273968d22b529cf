"""Editing wording in place (wording/edit.py): comments, key order and block
style survive a save; a conflicting or invalid save writes nothing."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from handle_docs.lint import block_scores, lint_material
from handle_docs.wording.content import load_content
from handle_docs.wording.edit import (
    apply_edits,
    editable_fields,
    edited_content,
    file_sha256,
    round_trip,
    save_edits,
)
from handle_docs.wording.yamlfile import parse_yaml
from tests.conftest import CONTENT, line_of

VISIT = "letters/visit.yaml"


def _content(content_dir: Path):
    return load_content(content_dir, content_dir.parent / "templates")


@pytest.mark.parametrize(
    "path", sorted(CONTENT.rglob("*.yaml")), ids=lambda p: p.relative_to(CONTENT).as_posix()
)
def test_every_content_file_round_trips_byte_for_byte(path):
    text = path.read_text(encoding="utf-8")
    assert round_trip(text) == text


def test_no_edits_give_back_the_very_same_text():
    text = (CONTENT / VISIT).read_text(encoding="utf-8")
    assert apply_edits(text, {}) is text


def test_an_edit_changes_that_value_only_and_keeps_comments_and_block_style():
    text = (CONTENT / VISIT).read_text(encoding="utf-8")
    new = apply_edits(text, {"blocks.opening": "We walked round {area}.\nWe checked the cars.\n"})
    old_lines, new_lines = text.splitlines(), new.splitlines()
    start = old_lines.index("  opening: |")
    assert new_lines[: start + 1] == old_lines[: start + 1]  # comments, keys, labels above: untouched
    assert new_lines[start + 1 : start + 3] == ["    We walked round {area}.", "    We checked the cars."]
    assert new_lines[start + 3 :] == old_lines[start + 4 :]  # everything after: untouched
    assert new.startswith("# The letter every address visited on the patrol receives.\n")


def test_quoted_values_stay_quoted_and_words_yaml_would_misread_are_quoted():
    text = (CONTENT / VISIT).read_text(encoding="utf-8")
    new = apply_edits(
        text, {"labels.vehicle_secure": "Yes, locked", "labels.date": "No", "labels.page": "1.0"}
    )
    assert '  vehicle_secure: "Yes, locked"' in new
    assert '  date: "No"' in new  # unquoted, a YAML 1.1 reader would take it for false
    data = parse_yaml(new, "x").data
    assert (data["labels"]["date"], data["labels"]["page"]) == ("No", "1.0")


def test_text_with_script_and_braces_is_saved_and_read_back_literally(content_copy):
    content = _content(content_copy)
    path = content_copy / VISIT
    wording = "Hello <script>alert('x')</script> and {{ 7*7 }} stay as typed."
    outcome = save_edits(content, "visit-letter", file_sha256(path), {"blocks.opening": wording})
    assert outcome.saved, outcome.problems
    reloaded = _content(content_copy).material("visit-letter").block("opening").text
    assert reloaded.strip() == wording


def test_a_save_writes_atomically_a_private_file_and_leaves_no_temporary_file(content_copy):
    content = _content(content_copy)
    path = content_copy / VISIT
    outcome = save_edits(content, "visit-letter", file_sha256(path), {"blocks.greeting": "Dear neighbour,"})
    assert outcome.saved and outcome.changed == ["blocks.greeting"]
    assert "  greeting: Dear neighbour,\n" in path.read_text(encoding="utf-8")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == [
        f"visit.{t}.yaml" for t in ("ar", "cy", "pl", "ro", "ur")
    ] + ["visit.yaml"]
    assert outcome.sha256 == file_sha256(path)


def test_a_file_changed_since_it_was_loaded_is_a_conflict_with_both_versions_and_nothing_written(
    content_copy,
):
    content = _content(content_copy)
    path = content_copy / VISIT
    loaded = file_sha256(path)
    theirs = path.read_text(encoding="utf-8").replace("Dear resident,", "Dear householder,")
    path.write_text(theirs, encoding="utf-8")  # another editor, or git
    outcome = save_edits(content, "visit-letter", loaded, {"blocks.greeting": "Dear neighbour,"})
    assert outcome.status == "conflict"
    assert outcome.theirs == {"blocks.greeting": "Dear householder,"}
    assert outcome.mine == {"blocks.greeting": "Dear neighbour,"}
    assert path.read_text(encoding="utf-8") == theirs


def test_an_unknown_placeholder_is_refused_with_file_line_and_key_and_nothing_written(content_copy):
    content = _content(content_copy)
    path = content_copy / VISIT
    before = path.read_bytes()
    outcome = save_edits(content, "visit-letter", file_sha256(path), {"blocks.opening": "Hello {resident}."})
    assert outcome.status == "invalid"
    [problem] = outcome.problems
    assert str(problem).startswith(
        f"{path}:{line_of(path, '  opening: |')}: blocks.opening: error: unknown placeholder {{resident}}"
    )
    assert path.read_bytes() == before


def test_an_emptied_block_is_refused_and_nothing_written(content_copy):
    content = _content(content_copy)
    path = content_copy / VISIT
    before = path.read_bytes()
    outcome = save_edits(
        content, "visit-letter", file_sha256(path), {"blocks.findings.all_secure.text": "  \r\n  "}
    )
    assert outcome.status == "invalid"
    assert [p.key for p in outcome.problems] == ["blocks.findings.all_secure.text"]
    assert "must not be empty" in outcome.problems[0].message
    assert path.read_bytes() == before


def test_fields_come_in_reading_order_with_labels_and_item_names():
    content = _content(CONTENT)
    material = content.material("visit-letter")
    keys = [f.key for f in editable_fields(material, content.docs[VISIT])]
    assert keys[:4] == [
        "title",
        "blocks.greeting",
        "blocks.opening",
        "blocks.findings.insecure_vehicle.heading",
    ]
    assert keys.index("blocks.advice.text") < keys.index("blocks.closing") < keys.index("labels.reference")
    assert "items.sat_nav" in keys


def test_unsaved_wording_is_linted_and_scored_like_the_lint_command():
    content = _content(CONTENT)
    edited, problems, changed = edited_content(
        content, "visit-letter", {"blocks.opening": "We found an insecure car. " * 4}
    )
    assert problems == [] and list(changed) == ["blocks.opening"]
    messages = [p for p in lint_material(edited, "visit-letter") if p.key == "blocks.opening"]
    assert any(p.rule == "jargon" and '"insecure"' in p.message for p in messages)
    assert lint_material(content, "visit-letter") != lint_material(edited, "visit-letter")
    scores = block_scores(edited, "visit-letter")
    assert scores["blocks.opening"] is None  # four short sentences, under 30 words: too short to score
    assert scores["blocks.findings.insecure_vehicle.text"].reading_ease > 60

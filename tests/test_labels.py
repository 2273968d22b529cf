"""Review facts and record columns in the words people use (review/labels.py, wording/labels.py,
records/labels.py): version numbers, where a version stands in one sentence, refusals without
fingerprints, a refused placeholder, the officer's column names."""

from __future__ import annotations

import datetime as dt

from handle_docs.models import Problem
from handle_docs.records.labels import column_name
from handle_docs.review import material_status
from handle_docs.review.labels import (
    VersionLabel,
    long_date,
    plain_reason,
    role_name,
    state_sentence,
    version_label,
)
from handle_docs.wording.content import load_content
from handle_docs.wording.labels import plain_message

from .test_review_cli import one_word


def status_of(content_dir, material_id="visit-letter"):
    return material_status(load_content(content_dir, content_dir.parent / "templates"), material_id)


def test_a_version_is_numbered_in_the_order_of_the_materials_history(content_copy):
    approved = status_of(content_copy)
    assert str(version_label(approved, "Dana Whitlock")) == "Version 1, edited by Dana Whitlock"
    one_word(content_copy)
    changed = status_of(content_copy)
    assert version_label(changed, "priya-lang").number == 2
    assert version_label(changed, "priya-lang").edited_by == "Priya Lang"  # a registry id said as the name
    assert str(VersionLabel(7, "Priya Lang", dt.datetime(2026, 11, 14, 10, 32))) == \
        "Version 7, edited by Priya Lang on 14 November 2026 at 10:32"


def test_where_a_version_stands_is_one_sentence(content_copy):
    assert state_sentence(status_of(content_copy)).endswith(": nothing more is needed.")
    assert state_sentence(status_of(content_copy)).startswith("Approved by Priya Lang (comms lead) and ")
    one_word(content_copy)
    assert state_sentence(status_of(content_copy)) == "Needs two more approvals: a comms lead must approve."


def test_words_for_roles_dates_and_refusals():
    assert role_name("comms-lead") == "comms lead" and role_name("translator-cy") == "Welsh translator"
    assert long_date(dt.date(2026, 11, 4)) == "4 November 2026"
    said = plain_reason("Priya Lang already approved this version (sha256:2e7794cfb923) on 2026-12-06")
    assert said == "Priya Lang already approved this version on 6 December 2026"
    assert "handle-docs" not in plain_reason("give the reviewer's id in the registry (see: handle-docs reviewers list)")


def test_a_placeholder_the_letter_cannot_fill_is_said_plainly():
    problem = Problem("unknown placeholder {nonsense} (allowed: {area}, {emergency})", "letters/visit.yaml", 51,
                      "blocks.closing")
    assert plain_message(problem).startswith("{nonsense} is not something the letter can fill in. You can use: {area}, ")


def test_columns_by_the_forms_question_else_a_plain_name():
    assert column_name("vrm", {"vrm": "Vehicle registration"}) == "Vehicle registration"
    assert column_name("vrm", {"vrm": "vrm"}) == "Registration"
    assert column_name("nws_interest") == "Joined Neighbourhood Watch?"
    assert column_name("vehicle_secure", {"vehicle_secure": "vehicle secure"}) == "Was it locked?"

"""Review facts and record columns in the words people use (review/labels.py, wording/labels.py,
records/labels.py): version numbers, where a version stands in one sentence, refusals without
fingerprints, a refused placeholder, the officer's column names."""

from __future__ import annotations

import datetime as dt

import pytest

from handle_docs.history.numbering import Numbering
from handle_docs.models import Problem
from handle_docs.records.labels import column_name
from handle_docs.review import material_status
from handle_docs.review.labels import VersionLabel, long_date, plain_reason, state_sentence
from handle_docs.review.policy import builtin_role_name, load_policy
from handle_docs.wording.content import load_content
from handle_docs.wording.labels import plain_message

from .signing import approve_rules
from .test_review_cli import one_word


def status_of(content_dir, material_id="visit-letter"):
    return material_status(load_content(content_dir, content_dir.parent / "templates"), material_id)


def test_without_a_history_a_version_is_numbered_by_the_sign_off_record(content_copy):
    approved = status_of(content_copy)
    label = Numbering.of(content_copy).label(approved, "Dana Whitlock")  # a folder that is no git repository
    assert str(label).startswith("Version 1, edited by Dana Whitlock on ")
    assert (
        label.edited_at.tzinfo is not None and label.edited_at.utcoffset() is not None
    )  # in the force's zone
    one_word(content_copy)
    changed = status_of(content_copy)
    assert Numbering.of(content_copy).label(changed, "priya-lang").number == 2
    assert (
        Numbering.of(content_copy).label(changed, "priya-lang").edited_by == "Priya Lang"
    )  # an id said as a name
    assert (
        str(VersionLabel(7, "Priya Lang", dt.datetime(2026, 11, 14, 10, 32)))
        == "Version 7, edited by Priya Lang on 14 November 2026 at 10:32"
    )


def test_where_a_version_stands_is_one_sentence(content_copy):
    assert state_sentence(status_of(content_copy)).endswith(": nothing more is needed.")
    assert state_sentence(status_of(content_copy)).startswith("Approved by Priya Lang (comms lead) and ")
    one_word(content_copy)
    assert state_sentence(status_of(content_copy)) == "Needs two more approvals: a comms lead must approve."


def test_words_for_roles_dates_and_refusals():
    assert (
        builtin_role_name("comms-lead") == "comms lead"
        and builtin_role_name("translator-cy") == "Welsh translator"
    )
    assert long_date(dt.date(2026, 11, 4)) == "4 November 2026"
    said = plain_reason("Priya Lang already approved this version (sha256:2e7794cfb923) on 2026-12-06")
    assert said == "Priya Lang already approved this version on 6 December 2026"
    assert "handle-docs" not in plain_reason(
        "give the reviewer's id in the registry (see: handle-docs reviewers list)"
    )


def test_roles_are_said_by_the_names_the_policy_gives_them(content_copy):
    policy_file = content_copy / "review-policy.yaml"
    policy, problems = load_policy(content_copy)
    assert (
        problems == [] and policy.role_name("comms-officer") == "communications officer"
    )  # the sample names them
    policy_file.write_text(
        policy_file.read_text(encoding="utf-8").replace(
            "  comms-lead: comms lead\n", "  comms-lead: head of communications\n"
        ),
        encoding="utf-8",
    )
    approve_rules(content_copy)
    one_word(content_copy)
    assert (
        state_sentence(status_of(content_copy))
        == "Needs two more approvals: a head of communications must approve."
    )

    text = policy_file.read_text(encoding="utf-8")
    policy_file.write_text(
        text.replace("role_names:\n", "role_names:\n  press-officer: press officer\n"), encoding="utf-8"
    )
    _, problems = load_policy(content_copy)
    line = text.splitlines().index("role_names:") + 1
    assert [(p.line, p.key) for p in problems] == [(line, "role_names")]
    assert "press-officer not listed in roles" in problems[0].message and str(problems[0]).startswith(
        str(policy_file)
    )

    policy_file.write_text(
        text.replace("  inspector: inspector\n", '  inspector: "<b>boss</b>"\n'), encoding="utf-8"
    )
    _, problems = load_policy(content_copy)
    assert [(p.line, p.key) for p in problems] == [
        (text.splitlines().index("  inspector: inspector") + 1, "role_names.inspector")
    ]

    policy_file.write_text(
        text[: text.index("role_names:")] + text[text.index("# May the person") :], encoding="utf-8"
    )
    policy, problems = load_policy(content_copy)
    assert (
        problems == [] and policy.role_name("comms-officer") == "comms officer"
    )  # the built-in rule, as a fallback


def test_a_placeholder_the_letter_cannot_fill_is_said_plainly():
    problem = Problem(
        "unknown placeholder {nonsense} (allowed: {area}, {emergency})",
        "letters/visit.yaml",
        51,
        "blocks.closing",
    )
    assert plain_message(problem).startswith(
        "{nonsense} is not something the letter can fill in. You can use: {area}, "
    )


def test_columns_by_the_forms_question_else_a_plain_name():
    assert column_name("vrm", {"vrm": "Vehicle registration"}) == "Vehicle registration"
    assert column_name("vrm", {"vrm": "vrm"}) == "Registration"
    assert column_name("nws_interest") == "Joined Neighbourhood Watch?"
    assert column_name("vehicle_secure", {"vehicle_secure": "vehicle secure"}) == "Was it locked?"


def test_times_are_in_the_forces_time_zone_and_a_zone_nobody_knows_is_refused_by_file_line_and_key(
    content_copy,
):
    from zoneinfo import ZoneInfo

    from handle_docs.models import ProblemsError
    from handle_docs.wording.workspace_settings import load_config

    assert Numbering.of(content_copy).zone == ZoneInfo("Europe/London")
    settings = content_copy / "workspace.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(
        text.replace("time_zone: Europe/London", "time_zone: Pacific/Auckland"), encoding="utf-8"
    )
    label = Numbering.of(content_copy).label(status_of(content_copy), "Dana Whitlock")
    assert label.edited_at.utcoffset() >= dt.timedelta(hours=12)  # New Zealand: 12 or 13 hours ahead
    settings.write_text(text.replace("time_zone: Europe/London", "time_zone: Mars/Olympus"), encoding="utf-8")
    with pytest.raises(ProblemsError) as refused:
        load_config(content_copy)
    (problem,) = refused.value.problems
    assert (problem.line, problem.key) == (
        text.splitlines().index("time_zone: Europe/London") + 1,
        "time_zone",
    )
    assert "Mars/Olympus" in problem.message

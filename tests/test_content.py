"""Content YAML: every problem named by file, line and key, all at once."""

from __future__ import annotations

import pytest

from handle_docs.models import ProblemsError
from handle_docs.wording.content import load_content

from .conftest import edit, line_of


def problems_for(content_dir):
    with pytest.raises(ProblemsError) as info:
        load_content(content_dir)
    return [str(p) for p in info.value.problems]


def test_bundled_content_loads():
    from .conftest import CONTENT, TEMPLATES

    content = load_content(CONTENT, TEMPLATES)
    assert "visit-letter" in content.materials
    letter = content.material("visit-letter")
    assert letter.block("findings.insecure_vehicle").heading


def test_unknown_key_names_file_line_key_and_what_was_expected(content_copy):
    visit = content_copy / "letters" / "visit.yaml"
    edit(visit, "owner:", "ownr:")
    found = problems_for(content_copy)
    line = line_of(visit, "ownr:")
    assert any(f"visit.yaml:{line}: ownr: error: unknown key (expected one of:" in p for p in found), found
    assert any("owner: error: required key is missing" in p for p in found), found


def test_wrong_type_is_reported_with_its_line(content_copy):
    visit = content_copy / "letters" / "visit.yaml"
    edit(visit, "review_by: 2027-11-30", "review_by: next spring")
    found = problems_for(content_copy)
    line = line_of(visit, "review_by:")
    assert any(f"visit.yaml:{line}: review_by: error:" in p and "date" in p for p in found), found


def test_yaml_syntax_error_names_the_line(content_copy):
    op = content_copy / "operation.yaml"
    edit(op, "  area: Eastmoor", "  area: [Eastmoor")
    found = problems_for(content_copy)
    assert any("operation.yaml:" in p and "YAML syntax" in p for p in found), found


def test_every_problem_in_every_file_is_reported_together(content_copy):
    edit(content_copy / "operation.yaml", "  name: Westmarch Police", "  nme: Westmarch Police")
    edit(content_copy / "letters" / "visit.yaml", "title:", "titel:")
    found = problems_for(content_copy)
    assert any("operation.yaml" in p and "force.nme" in p for p in found)
    assert any("visit.yaml" in p and "titel" in p for p in found)


def test_missing_block_and_unknown_placeholder(content_copy):
    visit = content_copy / "letters" / "visit.yaml"
    edit(visit, "    all_secure:\n", "    all_fine:\n")
    edit(visit, "walked around {area}", "walked around {town}")
    found = problems_for(content_copy)
    assert any("missing block 'findings.all_secure'" in p for p in found), found
    assert any("unknown placeholder {town}" in p and "blocks.opening" in p for p in found), found


def test_duplicate_keys_are_not_silently_collapsed(content_copy):
    visit = content_copy / "letters" / "visit.yaml"
    edit(visit, "version: 1\n", "version: 1\nversion: 2\n")
    found = problems_for(content_copy)
    assert any("duplicate key 'version'" in p for p in found), found


def test_links_must_be_https_and_on_the_allowlist(content_copy):
    links = content_copy / "links.yaml"
    edit(
        links,
        "url: https://www.westmarch-alert.example/register",
        "url: http://www.westmarch-alert.example/register",
    )
    edit(links, "url: https://www.westmarch-police.example/report", "url: https://evil.example.com/report")
    found = problems_for(content_copy)
    assert any(
        f"links.yaml:{line_of(links, 'http://')}: links.cms.url: error: " in p and "https" in p for p in found
    ), found
    assert any(
        f"links.yaml:{line_of(links, 'evil.example.com')}: links.report_online.url" in p
        and "allowed_domains" in p
        for p in found
    ), found


def test_missing_template_is_a_content_error(content_copy):
    edit(
        content_copy / "letters" / "visit.yaml",
        "template: letters/visit.html.j2",
        "template: letters/nope.html.j2",
    )
    found = problems_for(content_copy)
    assert any("template 'letters/nope.html.j2' not found" in p for p in found), found

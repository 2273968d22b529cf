"""Social media cards: exact sizes, alt text beside each, no personal data, the gate."""

from __future__ import annotations

import json
import stat

import pytest
from click.testing import CliRunner
from PIL import Image

from handle_docs.commands.card import card as card_cmd
from handle_docs.outputs.card import CardError, card_text, render_cards
from handle_docs.review import DRAFT_WATERMARK
from handle_docs.wording.content import load_content

from .conftest import approve_all
from .synth import assert_no_personal_data

CARD = "social-card"


def stats_of(run) -> dict:
    return json.loads((run / "stats.json").read_text())


def test_cards_are_exactly_the_social_media_sizes_with_alt_text_beside_each(sample_run, content, tmp_path):
    out, _, _ = sample_run
    outputs = render_cards(content, content.material(CARD), stats_of(out), tmp_path / "cards")
    assert sorted(o.png.name for o in outputs) == ["social-card-1080x1080.png", "social-card-1200x675.png"]
    for output in outputs:
        with Image.open(output.png) as image:
            assert image.format == "PNG" and image.size == output.size
        assert output.size in {(1080, 1080), (1200, 675)}
        assert output.alt_path == output.png.with_suffix(".txt")
        alt = output.alt_path.read_text(encoding="utf-8")
        assert alt == output.alt and alt.endswith("\n") and "\n" not in alt.rstrip("\n")
        assert stat.S_IMODE(output.png.stat().st_mode) == 0o600
        assert stat.S_IMODE(output.alt_path.stat().st_mode) == 0o600


def test_cards_show_the_headline_figures_and_the_approved_wording(sample_run, content, tmp_path):
    out, result, recordset = sample_run
    stats = stats_of(out)
    outputs = render_cards(content, content.material(CARD), stats, tmp_path / "cards")
    records = recordset.records
    expected = {
        "125": "cars checked",
        str(sum(1 for r in records if not r.vehicle_secure)): "cars left unlocked",
        str(sum(1 for r in records if r.items_on_display)): "cars with things on show",
        str(len(result.letters)): "letters delivered to homes",
    }
    for output in outputs:
        drawn = " ".join(output.drawn)
        for number, label in expected.items():
            assert f"{number} {label}" in output.alt
            assert number in output.drawn
        assert "Westmarch Police" in drawn and "Eastmoor" in drawn
        assert "Operation Larkspur: what we found in Eastmoor" in output.alt
        assert "Lock it, check it, hide it." in drawn


def test_cards_hold_no_personal_data_from_the_records(sample_run, content, tmp_path):
    out, _, recordset = sample_run
    material = content.material(CARD)
    text = card_text(content, material, stats_of(out))
    outputs = render_cards(content, material, stats_of(out), tmp_path / "cards")
    sources = text.strings() + [s for o in outputs for s in o.drawn] + [o.alt for o in outputs]
    assert_no_personal_data("\n".join(sources), recordset)


def test_location_detail_force_refuses_wording_that_names_the_area(content_copy, sample_run, tmp_path):
    out, _, _ = sample_run
    path = content_copy / "cards" / "social.yaml"
    path.write_text(
        path.read_text().replace("location_detail: area", "location_detail: force"), encoding="utf-8"
    )
    content = load_content(content_copy)
    with pytest.raises(CardError) as caught:
        card_text(content, content.material(CARD), stats_of(out))
    problem = caught.value.problems[0]
    assert problem.key == "blocks.headline" and problem.line and "{area}" in problem.message

    path.write_text(
        path.read_text().replace(
            'headline: "{operation}: what we found in {area}"', 'headline: "{operation}: what we found"'
        ),
        encoding="utf-8",
    )
    content = load_content(content_copy)
    outputs = render_cards(content, content.material(CARD), stats_of(out), tmp_path / "cards")
    for output in outputs:
        assert "Eastmoor" not in output.alt and not any("Eastmoor" in s for s in output.drawn)


def test_the_card_command_applies_the_review_gate(content_copy, sample_run, tmp_path):
    out, _, _ = sample_run
    approve_all(content_copy)
    runner = CliRunner()
    args = [str(out), "--content", str(content_copy)]
    approved = runner.invoke(card_cmd, [*args, "--out", str(tmp_path / "ok")])
    assert approved.exit_code == 0, approved.output
    assert DRAFT_WATERMARK not in (tmp_path / "ok" / "social-card-1080x1080.txt").read_text()

    path = content_copy / "cards" / "social.yaml"
    path.write_text(
        path.read_text().replace("Lock it, check it, hide it.", "Lock it and hide it."), encoding="utf-8"
    )
    refused = runner.invoke(card_cmd, [*args, "--out", str(tmp_path / "refused")])
    assert refused.exit_code == 1 and "not approved" in refused.output
    assert not (tmp_path / "refused").exists()

    draft = runner.invoke(card_cmd, [*args, "--out", str(tmp_path / "draft"), "--draft", "--size", "wide"])
    assert draft.exit_code == 0, draft.output
    assert sorted(p.name for p in (tmp_path / "draft").iterdir()) == [
        "social-card-1200x675.png",
        "social-card-1200x675.txt",
    ]
    assert (tmp_path / "draft" / "social-card-1200x675.txt").read_text().startswith(DRAFT_WATERMARK)

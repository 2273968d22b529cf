"""``handle-docs lint``: plain English and screen-reader checks on the wording."""

from __future__ import annotations

import json
import re
import socket

import pytest
from click.testing import CliRunner

from handle_docs.commands.lint import lint
from handle_docs.lint import LintConfig, lint_content, load_lint_config, readability
from handle_docs.lint.config import JargonTerm
from handle_docs.lint.rules import Piece, all_caps, click_here, emoji, jargon
from handle_docs.models import ProblemsError, Severity
from handle_docs.wording.content import load_content

from .conftest import CONTENT, TEMPLATES, line_of

# One sentence full of jargon (40 words, counted by hand), then two short plain ones.
BAD_SENTENCE = (
    "In order to commence our TFMV operation, officers utilised the PNC to check the VRM of every "
    "vehicle and subsequently identified that your vehicle was insecure, so we recommend that you "
    "utilise additional security precautions prior to leaving it unattended."
)
BAD_TEXT = [
    "We did not open it or take anything. In order to commence our TFMV",
    "operation, officers utilised the PNC to check the VRM of every vehicle and",
    "subsequently identified that your vehicle was insecure, so we recommend",
    "that you utilise additional security precautions prior to leaving it",
    "unattended. Please lock your car every time you leave it.",
]
BLOCK_KEY = "blocks.findings.insecure_vehicle.text"


# --- helpers -------------------------------------------------------------------------------


def run(*args: str):
    return CliRunner().invoke(lint, list(args))


def run_on(content_dir, *args: str):
    return run("--content", str(content_dir), "--templates", str(content_dir.parent / "templates"), *args)


def replace_block(path, name: str, heading: str, text_lines: list[str]) -> None:
    """Replace block ``name`` (a line ``name:`` and everything indented under it)."""
    lines = path.read_text().split("\n")
    start = next(i for i, line in enumerate(lines) if re.fullmatch(rf"\s*{name}:\s*", line))
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = start + 1
    while end < len(lines) and (
        not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent
    ):
        end += 1
    pad = " " * indent
    new = [f"{pad}{name}:", f"{pad}  heading: {heading}", f"{pad}  text: |"]
    new += [f"{pad}    {line}" if line else "" for line in text_lines]
    path.write_text("\n".join(lines[:start] + new + [""] + lines[end:]))


def by_rule(problems, rule):
    return [p for p in problems if p.rule == rule]


@pytest.fixture
def bad_content(content_copy):
    visit = content_copy / "letters" / "visit.yaml"
    replace_block(visit, "insecure_vehicle", "A car at your address was not locked", BAD_TEXT)
    return content_copy


# --- readability, by hand -----------------------------------------------------------------


def test_flesch_scores_match_sentences_worked_by_hand():
    # "The cat sat on the mat.": 1 sentence, 6 words, 6 syllables.
    #   ease  = 206.835 - 1.015 * 6 - 84.6 * 6/6     = 116.145
    #   grade = 0.39 * 6 + 11.8 * 6/6 - 15.59         = -1.45
    stats = readability.text_stats("The cat sat on the mat.")
    assert (stats.sentences, stats.words, stats.syllables) == (1, 6, 6)
    assert stats.reading_ease == pytest.approx(116.145)
    assert stats.grade_level == pytest.approx(-1.45)

    # "Please telephone the police immediately.": 1 sentence, 5 words,
    # please 1 + tel-e-phone 3 + the 1 + po-lice 2 + im-me-di-ate-ly 5 = 12 syllables.
    #   ease  = 206.835 - 1.015 * 5 - 84.6 * 12/5    = 206.835 - 5.075 - 203.04 = -1.28
    #   grade = 0.39 * 5 + 11.8 * 12/5 - 15.59        = 1.95 + 28.32 - 15.59     = 14.68
    stats = readability.text_stats("Please telephone the police immediately.")
    assert (stats.sentences, stats.words, stats.syllables) == (1, 5, 12)
    assert stats.reading_ease == pytest.approx(-1.28)
    assert stats.grade_level == pytest.approx(14.68)

    # Two sentences, 7 words, thieves 1 + look 1 + in-to 2 + cars 1 + lock 1 + your 1 + door 1 = 8.
    #   ease = 206.835 - 1.015 * 7/2 - 84.6 * 8/7 = 206.835 - 3.5525 - 96.6857 = 106.5968
    stats = readability.text_stats("Thieves look into cars. Lock your door.")
    assert (stats.sentences, stats.words, stats.syllables) == (2, 7, 8)
    assert stats.reading_ease == pytest.approx(106.5968, abs=1e-3)


def test_scores_match_the_published_reference_values():
    # Published with the formulas (Wikipedia, "Flesch–Kincaid readability tests"): the highest
    # possible reading ease is 121.22 and the lowest grade -3.40, for sentences of one
    # one-syllable word; "The Australian platypus is seemingly a hybrid of a mammal and
    # reptilian creature." scores 24.4 (13 words, 26 syllables), and 13 words with 24
    # syllables are grade 11.3.
    assert readability.flesch_reading_ease(1, 1, 1) == pytest.approx(121.22)
    assert readability.flesch_kincaid_grade(1, 1, 1) == pytest.approx(-3.40)
    assert readability.text_stats("Go. Stop. Look.").reading_ease == pytest.approx(121.22)
    platypus = readability.text_stats(
        "The Australian platypus is seemingly a hybrid of a mammal and reptilian creature."
    )
    assert (platypus.sentences, platypus.words, platypus.syllables) == (1, 13, 26)
    assert round(platypus.reading_ease, 1) == 24.4
    assert round(readability.flesch_kincaid_grade(13, 1, 24), 1) == 11.3
    # 100 words in 5 sentences with 150 syllables, worked by hand:
    #   ease  = 206.835 - 1.015 * 20 - 84.6 * 1.5 = 206.835 - 20.3 - 126.9 = 59.635
    #   grade = 0.39 * 20 + 11.8 * 1.5 - 15.59    = 7.8 + 17.7 - 15.59      = 9.91
    assert readability.flesch_reading_ease(100, 5, 150) == pytest.approx(59.635)
    assert readability.flesch_kincaid_grade(100, 5, 150) == pytest.approx(9.91)
    with pytest.raises(ValueError):
        readability.flesch_reading_ease(0, 0, 0)


def test_words_are_counted_as_a_reader_counts_them():
    # by hand: Don't / leave / e.g. / a / well-known / sat-nav / on / show / call / 101
    assert readability.words("Don't leave e.g. a well-known sat-nav on show: call 101.") == [
        "Don't",
        "leave",
        "e.g",
        "a",
        "well-known",
        "sat-nav",
        "on",
        "show",
        "call",
        "101",
    ]


@pytest.mark.parametrize(
    "word, count",
    [
        ("cat", 1), ("time", 1), ("locked", 1), ("thieves", 1), ("your", 1),
        ("about", 2), ("police", 2), ("wanted", 2), ("table", 2), ("into", 2), ("people", 2),
        ("area", 3), ("vehicle", 3), ("telephone", 3), ("neighbourhood", 3), ("officers", 3),
        ("immediately", 5), ("PNC", 3), ("999", 3), ("don't", 1),
    ],
)  # fmt: skip
def test_syllables(word, count):
    assert readability.syllables(word) == count


def test_sentences_bullets_and_abbreviations():
    text = "Call 999 now. Bring e.g. a torch! Then wait.\n**Lock it**: always\nSee Mr. Smith. done"
    found = readability.sentences(text)
    assert [s.text for s in found] == [
        "Call 999 now.",
        "Bring e.g. a torch!",
        "Then wait.",
        "**Lock it**: always",  # a bullet point is a sentence without a full stop
        "See Mr. Smith. done",  # a lower-case word does not start a sentence
    ]
    assert [s.paragraph for s in found] == [0, 0, 0, 1, 2]


def test_readability_needs_no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("readability tried to use the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert readability.text_stats("Lock your car. Hide your bag.").words == 6
    assert lint_content(load_content(CONTENT, TEMPLATES)) == []


# --- the bundled content -----------------------------------------------------------------------


def test_bundled_content_passes_with_no_warnings():
    result = run("--content", str(CONTENT), "--templates", str(TEMPLATES))
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "lint: 0 errors, 0 warnings"


def test_bundled_content_passes_strict():
    result = run("--content", str(CONTENT), "--templates", str(TEMPLATES), "--strict")
    assert result.exit_code == 0, result.output


def test_bundled_lint_yaml_is_valid():
    config = load_lint_config(CONTENT / "lint.yaml")
    terms = {t.term for t in config.avoid_for("en-GB")}
    assert {"TFMV", "PNC", "VRM", "insecure", "commence", "utilise", "in order to", "prior to"} <= terms
    assert all(
        config.avoid_for(lang) for lang in ("cy", "pl", "ro", "ar", "ur")
    )  # each sample language has a list


# --- a deliberately bad block -----------------------------------------------------------------


def test_bad_block_fails_long_sentence_jargon_and_reading_ease(bad_content):
    visit = bad_content / "letters" / "visit.yaml"
    problems = lint_content(load_content(bad_content))
    path = str(visit)
    sentence_line = line_of(visit, "take anything. In order to commence")
    text_line = line_of(visit, "A car at your address was not locked") + 1  # "text: |"

    (long,) = by_rule(problems, "long-sentence")
    assert (long.file, long.line, long.key, long.severity) == (
        path,
        sentence_line,
        BLOCK_KEY,
        Severity.WARNING,
    )
    assert str(long) == (
        f"{path}:{sentence_line}: {BLOCK_KEY}: warning: [long-sentence] "
        'sentence has 40 words (limit 25): "In order to commence our TFMV operation, officers…"'
    )

    jargon_found = {
        (re.search(r'avoid "([^"]+)"', p.message).group(1), p.line) for p in by_rule(problems, "jargon")
    }
    for word, needle in [
        ("In order to", "In order to"),
        ("commence", "commence"),
        ("TFMV", "TFMV"),
        ("utilised", "utilised the PNC"),
        ("PNC", "the PNC"),
        ("VRM", "the VRM"),
        ("vehicle", "of every vehicle"),
        ("insecure", "was insecure"),
        ("utilise", "you utilise"),
        ("prior to", "prior to"),
    ]:
        assert (word, line_of(visit, needle)) in jargon_found, word
    assert all(p.key == BLOCK_KEY for p in by_rule(problems, "jargon"))
    insecure = next(p for p in by_rule(problems, "jargon") if '"insecure"' in p.message)
    assert 'write "not locked"' in insecure.message
    tfmv = next(p for p in by_rule(problems, "jargon") if '"TFMV"' in p.message)
    assert 'write "theft from a vehicle"' in tfmv.message

    (ease,) = by_rule(problems, "reading-ease")
    assert (ease.file, ease.line, ease.key) == (path, text_line, BLOCK_KEY)
    score = float(re.search(r"reading ease is (-?[\d.]+)", ease.message).group(1))
    assert score < 60
    # jargon in capitals is left to the jargon rule, not reported twice
    assert by_rule(problems, "all-caps") == []
    # nothing else in the letter is wrong
    assert {p.key for p in problems} == {BLOCK_KEY}


def test_bad_block_warns_but_passes_unless_strict(bad_content):
    result = run_on(bad_content)
    assert result.exit_code == 0, result.output
    assert re.search(r"lint: 0 errors, \d+ warnings", result.output)
    assert "[long-sentence]" in result.output and "[jargon]" in result.output

    result = run_on(bad_content, "--strict")
    assert result.exit_code == 1
    assert re.search(r"lint: \d+ errors, 0 warnings", result.output)
    assert ": error: [long-sentence]" in result.output


def test_output_is_sorted_by_file_and_line(bad_content):
    result = run_on(bad_content)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if ": warning: " in line or ": error: " in line]
    numbers = [int(re.match(r".*?visit\.yaml:(\d+):", line).group(1)) for line in lines]
    assert numbers == sorted(numbers)
    assert len(lines) == len(lint_content(load_content(bad_content)))


def test_json_output(bad_content):
    result = run_on(bad_content, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert [m["material"] for m in report["materials"] if m["file"].endswith("visit.yaml")] == [
        "visit-letter"
    ]
    data = report["problems"]
    assert data and all(set(item) == {"file", "line", "key", "rule", "severity", "message"} for item in data)
    assert {"long-sentence", "jargon", "reading-ease"} <= {item["rule"] for item in data}
    long = next(item for item in data if item["rule"] == "long-sentence")
    assert long["key"] == BLOCK_KEY and long["severity"] == "warning" and long["file"].endswith("visit.yaml")
    assert isinstance(long["line"], int)

    strict = run_on(bad_content, "--json", "--strict")
    assert strict.exit_code == 1
    assert {item["severity"] for item in json.loads(strict.output)["problems"]} == {"error"}


# --- what a screen reader stumbles on -----------------------------------------------------------


def test_all_caps_click_here_and_emoji_are_each_found(content_copy):
    visit = content_copy / "letters" / "visit.yaml"
    replace_block(
        visit,
        "keep_informed",
        "Stay in touch",
        [
            "Join Neighbourhood Watch to help keep your street safe. Ask a PCSO or",
            "call the NHS if you need to. PLEASE DO NOT leave keys in the car.",
            "",
            "To sign up for crime alerts, click here.",
            "",
            "Thank you for your help \U0001f44d",
        ],
    )
    problems = lint_content(load_content(content_copy))
    key = "blocks.keep_informed.text"
    caps, here, smile = (
        by_rule(problems, "all-caps"),
        by_rule(problems, "click-here"),
        by_rule(problems, "emoji"),
    )
    assert len(caps) == 1 and '"PLEASE DO NOT"' in caps[0].message  # PCSO and NHS are known acronyms
    assert (caps[0].line, caps[0].key, caps[0].severity) == (
        line_of(visit, "PLEASE DO NOT"),
        key,
        Severity.WARNING,
    )
    assert len(here) == 1 and '"click here"' in here[0].message
    assert (here[0].line, here[0].key, here[0].severity) == (
        line_of(visit, "click here"),
        key,
        Severity.ERROR,
    )
    assert len(smile) == 1 and "thumbs up sign" in smile[0].message
    assert (smile[0].line, smile[0].key, smile[0].severity) == (
        line_of(visit, "Thank you for your help"),
        key,
        Severity.ERROR,
    )

    result = run_on(content_copy)
    assert result.exit_code == 1  # click-here and emoji are errors by default
    assert result.output.strip().splitlines()[-1] == "lint: 2 errors, 1 warning"


def _piece(text, **kwargs):
    return Piece("blocks.x", text, **kwargs)


def test_rule_functions_on_their_own():
    config = LintConfig(jargon=[JargonTerm(term="insecure", use="not locked", unless_explained=True),
                                JargonTerm(term="vehicle", use="car", allow=("vehicle crime",))])  # fmt: skip
    assert list(jargon(_piece("Your car was insecure (not locked)."), config)) == []
    assert list(jargon(_piece("Your car was insecure, meaning not locked."), config)) == []
    assert len(list(jargon(_piece("Your car was insecure."), config))) == 1
    assert list(jargon(_piece("We patrol to stop vehicle crime."), config)) == []
    assert len(list(jargon(_piece("Lock your vehicles."), config))) == 1
    assert list(jargon(_piece("Call {team} about {area}."), config)) == []

    assert len(list(all_caps(_piece("A BIG problem and ANOTHER ONE"), config))) == 2
    assert list(all_caps(_piece("Your PC and the DVLA. I am OK. Call {non_emergency}."), config)) == []

    assert len(list(click_here(_piece("Sign up here.", emphasis=((8, 12),)), config))) == 1
    assert list(click_here(_piece("We were here at 9."), config)) == []  # plain "here" is not a link
    assert len(list(click_here(_piece("Read more", link_text=True), config))) == 1
    assert list(click_here(_piece("Report a crime online", link_text=True), config)) == []

    assert [f.offset for f in emoji(_piece("Lock it \U0001f512 and go \u2764\ufe0f"), config)] == [8, 17]
    assert list(emoji(_piece("Call 01632 960 418 – that's all."), config)) == []


def test_link_labels_are_link_text(content_copy):
    links = content_copy / "links.yaml"
    text = links.read_text()
    assert "label: Report a crime online" in text
    links.write_text(text.replace("label: Report a crime online", "label: Click here"))
    problems = lint_content(load_content(content_copy))
    (here,) = by_rule(problems, "click-here")
    assert (here.file, here.line, here.key) == (
        str(links),
        line_of(links, "label: Click here"),
        "links.report_online.label",
    )


# --- configuration ---------------------------------------------------------------------------------


def test_severity_and_thresholds_come_from_lint_yaml(bad_content):
    config = bad_content / "lint.yaml"
    text = config.read_text()
    config.write_text(text.replace("  long-sentence: warning", "  long-sentence: error").replace(
        "  jargon: warning", "  jargon: off"))  # fmt: skip
    result = run_on(bad_content)
    assert result.exit_code == 1
    assert "error: [long-sentence]" in result.output and "[jargon]" not in result.output

    config.write_text(text.replace("max_words: 25", "max_words: 50"))
    assert by_rule(lint_content(load_content(bad_content)), "long-sentence") == []


def test_a_mistake_in_lint_yaml_names_file_and_line(content_copy):
    config = content_copy / "lint.yaml"
    text = config.read_text()
    config.write_text(text.replace("  emoji: error", "  emoji: loud"))
    with pytest.raises(ProblemsError) as info:
        load_lint_config(config)
    (problem,) = info.value.problems
    assert (problem.file, problem.line, problem.key) == (
        str(config),
        line_of(config, "emoji: loud"),
        "severity.emoji",
    )

    result = run_on(content_copy)
    assert result.exit_code == 1
    assert f"{config}:{line_of(config, 'emoji: loud')}: severity.emoji: error" in result.output


def test_without_lint_yaml_the_built_in_thresholds_apply(bad_content):
    (bad_content / "lint.yaml").unlink()
    problems = lint_content(load_content(bad_content))
    assert {"long-sentence", "reading-ease", "grade-level"} <= {p.rule for p in problems}
    assert by_rule(problems, "jargon") == []  # the jargon list lives in lint.yaml
    result = run_on(bad_content)
    assert result.exit_code == 0 and "note: no lint.yaml" in result.output


def test_content_that_cannot_load_is_reported_and_fails(content_copy):
    visit = content_copy / "letters" / "visit.yaml"
    visit.write_text(visit.read_text().replace("kind: letter", "kind: poster"))
    result = run_on(content_copy)
    assert result.exit_code == 1
    assert f"{visit}:{line_of(visit, 'kind: poster')}: kind: error" in result.output

    as_json = run_on(content_copy, "--json")
    assert as_json.exit_code == 1
    data = json.loads(as_json.output)["problems"]
    assert data[0]["rule"] == "content" and data[0]["key"] == "kind"

"""Build the plain dict a template needs for one document.

Wording is chosen here (which finding blocks, which labels, which language);
templates only lay it out.  The result is plain data (str, bool, list, dict)
so tests can inspect it without rendering, and the HTML and Word renderers
draw the very same words from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.lists import format_list

from handle_docs.compose.qr import qr_image, tracked_url
from handle_docs.models import Finding, Letter
from handle_docs.records.vocab import UNNAMED_ITEM
from handle_docs.util.direction import direction_of_text
from handle_docs.util.langtag import primary_subtag
from handle_docs.wording import markup
from handle_docs.wording.content import QR_ALT, Content, Material, links_shown
from handle_docs.wording.schema import Block, ListAnd

#: The block saying correspondence in Welsh is welcome: printed in bilingual letters only.
WELSH_WELCOME = "welsh_welcome"


def long_date(day: dt.date, language: str = "en-GB") -> str:
    """The date written out in ``language``, as its readers write it ('14 November 2026',
    '14 Tachwedd 2026', '14 listopada 2026'): CLDR's long date form, bundled with Babel, so
    a new language needs no code; one Babel does not know is written in British English."""
    return format_date(day, format="long", locale=_locale(language))


def placeholder_values(
    content: Content, day: dt.date | None = None, language: str = "en-GB"
) -> dict[str, str]:
    op = content.operation
    return {
        "area": op.operation.area,
        "operation": op.operation.name,
        "patrol_date": long_date(day or op.operation.patrol_date, language),
        "force": op.force.name,
        "team": op.force.team,
        "phone": op.force.phone,
        "non_emergency": op.force.non_emergency,
        "emergency": op.force.emergency,
        "signatory": op.signatory.name,
        "signatory_role": op.signatory.role,
    }


def filled_runs(run: markup.Run, values: dict[str, str]) -> list[dict[str, Any]]:
    """One run of wording with its placeholders filled, as plain dicts
    ``{'text', 'bold', 'ltr'}``.  Each filled value is a run of its own, with
    ``ltr`` true when it reads left to right (a phone number, an English date
    or place name): renderers isolate those, so they keep their order inside
    right-to-left wording."""
    pieces: list[dict[str, Any]] = []
    start = 0
    for match in markup.PLACEHOLDER_RE.finditer(run.text):
        if match.group(1) in values:
            value = values[match.group(1)]
            pieces.append({"text": run.text[start : match.start()], "bold": run.bold, "ltr": False})
            pieces.append({"text": value, "bold": run.bold, "ltr": direction_of_text(value) == "ltr"})
            start = match.end()
    pieces.append({"text": run.text[start:], "bold": run.bold, "ltr": False})
    return [piece for piece in pieces if piece["text"]]


def nodes_data(nodes: tuple[markup.Node, ...], values: dict[str, str]) -> list[dict[str, Any]]:
    """Markup nodes with placeholders filled, as plain dicts:
    {'type': 'p'|'ul', 'runs'|'items': …} (runs as :func:`filled_runs`)."""

    def runs(items: tuple[markup.Run, ...]) -> list[dict[str, Any]]:
        return [piece for run in items for piece in filled_runs(run, values)]

    out: list[dict[str, Any]] = []
    for node in nodes:
        if isinstance(node, markup.Paragraph):
            out.append({"type": "p", "runs": runs(node.runs)})
        else:
            out.append({"type": "ul", "items": [runs(item) for item in node.items]})
    return out


def block_data(block: Block, values: dict[str, str]) -> dict[str, Any]:
    return {
        "heading": markup.fill(block.heading, values) if block.heading else None,
        "body": nodes_data(block.nodes, values),
    }


def versions_of(content: Content, material: Material) -> list[Material]:
    """``material``'s original and every translation of it, in the content's order."""
    original = material.spec.translation_of or material.id
    return [m for m in content.materials.values() if original in (m.id, m.spec.translation_of)]


def enclosed_heading(
    content: Content, language: str, heading: str | None, enclosed: Sequence[Material]
) -> dict[str, Any]:
    """The letter's heading that names the leaflet enclosed after it, as that leaflet is titled.

    A letter's advice is headed by the title of the leaflet that goes with it ("Lock it, check it, hide
    it"; "Zamknij, sprawdź, schowaj" in the Polish letter).  When no leaflet enclosed is in the letter's
    language (the leaflet in English for everyone, review/routing.py) and the heading is the title of a
    version of the leaflet enclosed, the heading becomes the title printed on the leaflet enclosed, in
    its language (``lang``: the template marks it so).  Otherwise nothing changes ({})."""
    if not heading or not enclosed:
        return {}
    if any(primary_subtag(m.spec.language) == primary_subtag(language) for m in enclosed):
        return {}
    for leaflet in enclosed:
        if heading.strip() in {m.spec.title.strip() for m in versions_of(content, leaflet)}:
            return {"heading": leaflet.spec.title, "lang": leaflet.spec.language}
    return {}


def qr_codes(
    content: Content, material: Material, source: str, link_ids: list[str] | None = None
) -> list[dict[str, Any]]:
    """The QR codes ``material`` shows (or those of ``link_ids``), each with its
    label in the material's language and its alt text worded by the material
    (``labels.qr_alt``); addresses from links.yaml only."""
    codes = []
    for link_id in links_shown(material.spec) if link_ids is None else link_ids:
        link = content.links.links[link_id]
        label = content.link_label(material, link_id)
        url = tracked_url(link.url, source=source, campaign=content.operation.operation.id)
        image = qr_image(url)
        codes.append(
            {
                "id": link_id,
                "label": label,
                "url": url,
                "short": link.short,
                "src": image.src,
                "alt": markup.fill(material.spec.labels[QR_ALT], {"label": label, "short": link.short}),
            }
        )
    return codes


def _locale(language: str) -> Locale:
    """The CLDR locale of a language tag, or British English when Babel does not know it."""
    for tag in (language.replace("-", "_"), primary_subtag(language)):
        try:
            return Locale.parse(tag)
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse("en_GB")


def list_phrase(words: list[str], language: str = "en-GB", joining: ListAnd | None = None) -> str:
    """'a bag, a phone and a sat nav', joined the way ``language`` joins a list
    ('… i …' in Polish, '… și …' in Romanian, '… اور …' in Urdu; CLDR, through Babel),
    or with the word the material's content gives (``list_and``: 'bag, ffôn ac
    arian parod'), the commas still the language's own."""
    if len(words) <= 1:
        return "".join(words)
    if joining is None:
        return format_list(words, locale=_locale(language))
    patterns = _locale(language).list_patterns["standard"]
    joined = f"{words[-2]} {joining.word_before(words[-1])} {words[-1]}"
    for word in reversed(words[1:-2]):
        joined = patterns["middle"].format(word, joined)
    return patterns["start"].format(words[0], joined) if len(words) > 2 else joined


def item_words(items: tuple[str, ...], material: Material, values: dict[str, str]) -> list[str]:
    """The items of one vehicle as ``material`` names them ("a bag"; free text as typed).

    An item the officer did not name (:data:`~handle_docs.records.vocab.UNNAMED_ITEM`,
    from an answer like "??") is never printed as typed: the material's
    ``items.unnamed`` names it when it has one; otherwise it is left out of the
    list, and a vehicle with nothing else on show is described by the approved
    heading of ``findings.items_on_display`` ("Things were left on show"; without
    one, by the label of the items column)."""
    named = material.spec.items
    words = [named.get(item, item) for item in items if item != UNNAMED_ITEM or UNNAMED_ITEM in named]
    if not words and UNNAMED_ITEM in items:
        heading = material.block(f"findings.{Finding.ITEMS_ON_DISPLAY.value}").heading
        words = [markup.fill(heading, values).strip() if heading else material.spec.labels["items"]]
    return words


def letter_context(
    letter: Letter,
    content: Content,
    material: Material,
    *,
    watermark: str | None = None,
    anchor_suffix: str = "",
    bilingual: bool = False,
    enclosed: Sequence[Material] = (),
) -> dict[str, Any]:
    """Everything the letter template prints for ``letter``, as plain data.

    ``enclosed``: the leaflet(s) printed after the letter (the route's), whose title the advice's heading
    names (:func:`enclosed_heading`).

    ``bilingual``: the letter is one of a Welsh and English pair (review/routing.py),
    so it carries its ``welsh_welcome`` block, when the material has one; the
    second of the pair has ``anchor_suffix`` "--2" so its pages can be told apart."""
    spec = material.spec
    op = content.operation
    day = letter.visit_date or op.operation.patrol_date
    values = placeholder_values(content, day, spec.language)
    labels = dict(spec.labels)

    findings = [block_data(material.block(f"findings.{f.value}"), values) for f in letter.findings]
    vehicles = []
    for vehicle in letter.vehicles:
        items = item_words(vehicle.items_on_display, material, values)
        vehicles.append(
            {
                "vrm": vehicle.vrm or labels["no_registration"],
                "secure": vehicle.secure,
                "status": labels["vehicle_secure"] if vehicle.secure else labels["vehicle_insecure"],
                "items": list_phrase(items, spec.language, spec.list_and) if items else labels["no_items"],
            }
        )
    welcome = material.blocks.get(WELSH_WELCOME) if bilingual else None
    advice = block_data(material.block("advice"), values)
    advice.update(enclosed_heading(content, spec.language, advice["heading"], enclosed))
    return {
        "anchor_suffix": anchor_suffix,
        "lang": spec.language,
        "title": spec.title,
        "letter_id": letter.letter_id,
        "part": "whole",  # the whole letter; render/shared_pages.py draws a part of it
        "large_print": letter.large_print,
        "watermark": watermark,
        "date": long_date(day, spec.language),
        "labels": labels,
        "force": {
            "name": op.force.name,
            "team": op.force.team,
            "address": list(op.force.address),
            "phone": op.force.phone,
        },
        "recipient": [
            letter.recipient,
            *letter.address_lines,
            *([letter.postcode] if letter.postcode else []),
        ],
        "greeting": markup.fill(material.block("greeting").text, values).strip(),
        "opening": block_data(material.block("opening"), values),
        **({WELSH_WELCOME: block_data(welcome, values)} if welcome is not None else {}),
        "findings": findings,
        "vehicles": vehicles,
        "advice": advice,
        "keep_informed": block_data(material.block("keep_informed"), values),
        "qr_codes": qr_codes(content, material, "letter"),
        "report": block_data(material.block("report"), values),
        "closing": block_data(material.block("closing"), values),
        "sign_off": markup.fill(material.block("sign_off").text, values).strip(),
        "signatory": {"name": op.signatory.name, "role": op.signatory.role},
    }


def leaflet_context(
    content: Content, material: Material, *, anchor_suffix: str = "", source: str = "leaflet"
) -> dict[str, Any]:
    """Everything a leaflet template prints: blocks in file order, QR codes placed."""
    spec = material.spec
    values = placeholder_values(content, language=spec.language)
    codes = qr_codes(content, material, source)
    names = [name for name in material.blocks if name != "intro"]
    qr_after = spec.qr_after or (names[-1] if names else "intro")
    sections = []
    for name, block in material.blocks.items():
        section = block_data(block, values)
        section["name"] = name
        section["qr_codes"] = codes if name == qr_after else []
        sections.append(section)
    op = content.operation
    return {
        "lang": spec.language,
        "title": spec.title,
        "material_id": spec.id,
        "anchor_suffix": anchor_suffix,
        "force": {"name": op.force.name, "team": op.force.team, "phone": op.force.phone},
        "sections": sections,
    }

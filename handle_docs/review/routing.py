"""Which materials each letter is printed in: the resident's language when its translation is approved,
else English and why.

One function, :func:`plan_letters`, used by ``handle-docs letters`` and the
workspace's runs alike, once the records say which languages are asked for:

* a record's language picks the translation of the letter (``translation_of``)
  in that language; an unapproved translation is never printed (with
  ``--draft`` it is, watermarked like every draft), and a missing or
  unapproved one sends the English letter with the reason;
* Welsh and English together (``cy+en``; see records/vocab.py) print the Welsh
  letter, then the English one, each complete; a translation with
  ``bilingual: welsh-first`` is also sent that way to records naming no language;
* the leaflet after each letter follows the letter's language(s) the same way
  (``leaflet_language`` :data:`LEAFLET_RESIDENT`, the default), or is the
  leaflet itself, in English, for everyone (:data:`LEAFLET_ENGLISH`);
* only the materials the routes use are gated (review/status.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from handle_docs.compose.context import versions_of
from handle_docs.compose.letters import build_letters
from handle_docs.models import Problem, RecordSet
from handle_docs.records.printable import screen
from handle_docs.records.vocab import BILINGUAL_WELSH, NOT_STATED, language_name
from handle_docs.review.status import (
    ReviewError,
    RunApproval,
    approval_for_run,
    materials_for,
    not_approved_because,
    resolve_today,
    statuses_for,
)
from handle_docs.util.langtag import primary_subtag
from handle_docs.wording.content import Content, Material

#: Why ``material_id`` may not be printed ("" when it may): the review state, or nothing under --draft.
Usable = Callable[[str], str]

#: The leaflet after each letter: in each resident's language (as their letter), or in English for everyone
#: (the leaflet itself, not a translation of it).
LEAFLET_RESIDENT, LEAFLET_ENGLISH = "resident", "english"
LEAFLET_LANGUAGES = (LEAFLET_RESIDENT, LEAFLET_ENGLISH)


@dataclass(frozen=True)
class Route:
    """What the letters asking for one language are printed in."""

    asked: str  # as the records give it: a tag ("pl"), "cy+en", or "" (not stated)
    letters: tuple[str, ...]  # letter material ids in print order (bilingual: the Welsh, then the English)
    leaflets: tuple[str, ...] = ()  # the leaflet after the letter(s), in the same languages
    fallback: str = ""  # why the English letter is sent instead of the language asked for ("" if as asked)

    @property
    def bilingual(self) -> bool:
        return len(self.letters) > 1


@dataclass
class LetterPlan:
    """Every language's route, and the review gate of the materials they use."""

    routes: dict[str, Route]
    approval: RunApproval

    @property
    def used(self) -> list[str]:
        return used_materials(self.routes.values())


def translations(content: Content, base: Material) -> list[Material]:
    """The translations of the original ``base`` (compose/context.versions_of, without the original)."""
    return [m for m in versions_of(content, base) if m.spec.translation_of == base.id]


def translation_into(content: Content, base: Material, language: str) -> Material | None:
    wanted = primary_subtag(language)
    return next((m for m in translations(content, base) if primary_subtag(m.spec.language) == wanted), None)


def _in_language(content: Content, base: Material, language: str, usable: Usable) -> tuple[str, str]:
    """The material to print for ``language``: (id, "") or (the base's id, why not)."""
    if primary_subtag(language) == primary_subtag(base.spec.language):
        return base.id, ""
    found = translation_into(content, base, language)
    if found is None:
        return base.id, f"no translation into {language_name(language)}"
    why = usable(found.id)
    if why:
        return base.id, f"the {language_name(language)} translation {found.id} is not approved: {why}"
    return found.id, ""


def _languages_for(content: Content, base: Material, asked: str) -> list[str]:
    """The languages a record asking for ``asked`` gets, first to last."""
    if asked == BILINGUAL_WELSH:
        return ["cy", base.spec.language]
    if asked == NOT_STATED:
        both = [m for m in translations(content, base) if m.spec.bilingual == "welsh-first"]
        return [both[0].spec.language, base.spec.language] if both else [base.spec.language]
    return [asked]


def _choose(
    content: Content, base: Material, languages: list[str], usable: Usable
) -> tuple[tuple[str, ...], str]:
    ids: list[str] = []
    reasons: list[str] = []
    for language in languages:
        mid, why = _in_language(content, base, language, usable)
        if why:
            reasons.append(why)
        if mid not in ids:
            ids.append(mid)
    return tuple(ids), "; ".join(reasons)


def route_for(
    content: Content,
    letter_id: str,
    leaflet_id: str | None,
    asked: str,
    usable: Usable,
    leaflet_language: str = LEAFLET_RESIDENT,
) -> Route:
    """The route of letters asking for ``asked``."""
    base = content.material(letter_id)
    letters, fallback = _choose(content, base, _languages_for(content, base, asked), usable)
    leaflets: tuple[str, ...] = ()
    if leaflet_id and leaflet_language == LEAFLET_ENGLISH:
        leaflets = (leaflet_id,)
    elif leaflet_id:
        languages = [content.material(mid).spec.language for mid in letters]
        leaflets, _ = _choose(content, content.material(leaflet_id), languages, usable)
    return Route(asked, letters, leaflets, fallback)


def route_of(
    routes: dict[str, Route], content: Content, letter_id: str, leaflet_id: str | None, asked: str
) -> Route:
    """The route a letter asking for ``asked`` takes in a run: the run's own
    route for it, else any translation (proofs and previews, watermarked)."""
    return (
        routes[asked] if asked in routes else route_for(content, letter_id, leaflet_id, asked, anything_goes)
    )


def used_materials(routes: Iterable[Route]) -> list[str]:
    out: list[str] = []
    for route in routes:
        out += [mid for mid in route.letters + route.leaflets if mid not in out]
    return out


def anything_goes(material_id: str) -> str:
    """Every material usable: for proofs and previews, which are watermarked."""
    return ""


def plan_letters(
    content: Content,
    material_id: str,
    leaflet: str | None,
    languages: Iterable[str],
    *,
    leaflet_language: str = LEAFLET_RESIDENT,
    draft: bool = False,
    today: dt.date | None = None,
    review_dir: Path | None = None,
) -> LetterPlan:
    """Each asked language's route, and the gate of exactly the materials the routes use."""
    if leaflet_language not in LEAFLET_LANGUAGES:
        raise ValueError(
            f"leaflet_language must be one of {', '.join(LEAFLET_LANGUAGES)}, not {leaflet_language!r}"
        )
    asked = sorted(set(languages))
    leaflets = (
        ([leaflet] if leaflet_language == LEAFLET_ENGLISH else materials_for(content, leaflet))
        if leaflet
        else []
    )
    candidates = materials_for(content, material_id) + leaflets
    try:
        usable = usable_for(content, candidates, draft=draft, today=today, review_dir=review_dir)
    except ReviewError as exc:
        problems = list(exc.problems) or [Problem("review records cannot be used")]
        routes = {
            a: route_for(content, material_id, leaflet, a, anything_goes, leaflet_language) for a in asked
        }
        return LetterPlan(routes, RunApproval(draft, problems, []))

    routes = {a: route_for(content, material_id, leaflet, a, usable, leaflet_language) for a in asked}
    used = used_materials(routes.values()) or [material_id] + ([leaflet] if leaflet else [])
    return LetterPlan(
        routes, approval_for_run(content, used, draft=draft, today=today, review_dir=review_dir)
    )


def usable_for(
    content: Content,
    material_ids: list[str],
    *,
    draft: bool,
    today: dt.date | None = None,
    review_dir: Path | None = None,
) -> Usable:
    """Why each of ``material_ids`` may not be printed ("" when it may); all may under --draft.
    Raises ReviewError when the review records cannot be read."""
    if draft:
        return anything_goes
    statuses = {
        s.material_id: s
        for s in statuses_for(content, material_ids, resolve_today(today), review_dir=review_dir)
    }
    return lambda mid: "; ".join(not_approved_because(statuses[mid]))


def standalone_materials(
    content: Content,
    bases: list[str],
    language: str | None,
    *,
    draft: bool = False,
    review_dir: Path | None = None,
) -> tuple[list[str], list[str]]:
    """What ``handle-docs leaflets`` makes of the materials ``bases``: with
    ``language``, each one's version in that language; without, each one and every
    approved translation of it.  Returns (the ids to make, why any other is not made)."""
    candidates = [mid for base in bases for mid in materials_for(content, base)]
    usable = usable_for(content, candidates, draft=draft, review_dir=review_dir)
    chosen: list[str] = []
    reasons: list[str] = []
    for base_id in bases:
        base = content.material(base_id)
        if language is not None:
            mid, why = _in_language(content, base, language, usable)
            if why:
                reasons.append(f"{base_id}: not made in {language_name(language)}: {why}")
            else:
                chosen.append(mid)
            continue
        chosen.append(base_id)
        for other in translations(content, base):
            why = usable(other.id)
            if why:
                reasons.append(f"{other.id}: not made: not approved: {why}")
            else:
                chosen.append(other.id)
    return chosen, reasons


def asked_languages(recordset: RecordSet) -> set[str]:
    """The languages the letters of ``recordset`` ask for (one per delivery address)."""
    return {letter.language for letter in build_letters(screen(recordset).records)}


def plan_for_records(
    content: Content,
    material_id: str,
    leaflet: str | None,
    recordset: RecordSet,
    *,
    leaflet_language: str = LEAFLET_RESIDENT,
    draft: bool = False,
    review_dir: Path | None = None,
) -> LetterPlan:
    """:func:`plan_letters` for the letters ``recordset`` makes: what both edges call."""
    return plan_letters(
        content,
        material_id,
        leaflet,
        asked_languages(recordset),
        leaflet_language=leaflet_language,
        draft=draft,
        review_dir=review_dir,
    )

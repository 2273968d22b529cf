"""Load and validate everything under ``content/``.

Every problem in every file is collected first and reported together (file,
line, key, what was expected), then loading stops once by raising
:class:`ProblemsError`, the way MkDocs validates its config.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError

from handle_docs.models import Problem, ProblemsError
from handle_docs.util.langtag import primary_subtag
from handle_docs.wording import markup
from handle_docs.wording.schema import Block, BlockSpec, Links, MaterialSpec, Operation
from handle_docs.wording.yamlfile import YamlDoc, load_yaml

#: Placeholders a wording block may use; filled per document in context.py.
PLACEHOLDERS: frozenset[str] = frozenset(
    {
        "area",
        "operation",
        "patrol_date",
        "force",
        "team",
        "phone",
        "non_emergency",
        "emergency",
        "signatory",
        "signatory_role",
    }
)

#: Blocks each kind of material must provide, as dotted names.
REQUIRED_BLOCKS: dict[str, tuple[str, ...]] = {
    "letter": (
        "greeting",
        "opening",
        "findings.insecure_vehicle",
        "findings.items_on_display",
        "findings.keys_visible",
        "findings.all_secure",
        "advice",
        "keep_informed",
        "report",
        "closing",
        "sign_off",
    ),
    "leaflet": ("intro",),
    "card": ("headline", "call_to_action"),
    "form": ("intro", "transcribe", "letter_ticks"),
}

#: Blocks a kind of material may leave out, printed only when present; a
#: translation need not have them either.  ``welsh_welcome`` is the line
#: bilingual (Welsh and English) letters carry.
OPTIONAL_BLOCKS: dict[str, tuple[str, ...]] = {"letter": ("welsh_welcome",)}

#: Labels a letter's template prints; a missing one is a content error.
REQUIRED_LABELS: dict[str, tuple[str, ...]] = {
    "letter": (
        "reference",
        "date",
        "vehicles_heading",
        "registration",
        "no_registration",
        "vehicle_status",
        "vehicle_secure",
        "vehicle_insecure",
        "items",
        "no_items",
        "page",
    ),
    "leaflet": (),
    "card": ("vehicles_checked", "insecure_vehicles", "vehicles_with_items", "letters"),
    # the paper check form asks the Forms questions (from forms-columns.yaml);
    # these are the words around them, and the question for Forms' own time
    "form": (
        "submitted_at",
        "answer_yes",
        "answer_no",
        "check",
        "sheet",
        "question",
        "column",
        "how_to_type",
        "hint_as_written",
        "hint_date",
        "hint_yes_no",
        "hint_items",
        "hint_language",
        "recipient",
    ),
}

#: Links a kind of material shows as QR codes when it names none (``links:``).
DEFAULT_LINKS: dict[str, tuple[str, ...]] = {"letter": ("nws", "cms")}

#: The label that words a QR code's alt text around its link's label, and the
#: placeholders it may use: the link's label in the material's language and
#: its short address ("QR code: {label}, {short}").  Every material showing
#: QR codes needs it, so the words around the label are content too.
QR_ALT = "qr_alt"
QR_ALT_PLACEHOLDERS: tuple[str, ...] = ("label", "short")

M = TypeVar("M", bound=BaseModel)


def links_shown(spec: MaterialSpec) -> list[str]:
    """The ids of the links ``spec`` shows as QR codes, in order."""
    return list(spec.links) or list(DEFAULT_LINKS.get(spec.kind, ()))


@dataclass(frozen=True)
class Material:
    """One reviewable material (a letter or a leaflet) with parsed wording."""

    spec: MaterialSpec
    blocks: dict[str, Block]
    source: str  # path relative to the content root, e.g. "letters/visit.yaml"

    @property
    def id(self) -> str:
        return self.spec.id

    def block(self, name: str) -> Block:
        return self.blocks[name]


@dataclass
class Content:
    root: Path
    templates: Path
    operation: Operation
    links: Links
    materials: dict[str, Material]
    docs: dict[str, YamlDoc] = field(default_factory=dict)  # by relative path

    def material(self, material_id: str) -> Material:
        return self.materials[material_id]

    def link_label(self, material: Material, link_id: str) -> str:
        """The label of link ``link_id`` in ``material``'s language: its own
        ``link_labels`` entry (every translation has one), else links.yaml's."""
        return material.spec.link_labels.get(link_id) or self.links.links[link_id].label


# --- pydantic errors → problems ---------------------------------------------


def _expected_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Keys allowed at ``loc`` (best effort, for 'unknown key' messages)."""
    current: Any = model
    for part in loc:
        if isinstance(current, type) and issubclass(current, BaseModel) and part in current.model_fields:
            annotation = current.model_fields[part].annotation
            current = annotation
        else:
            return []
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def validate_model(doc: YamlDoc, model: type[M], problems: list[Problem]) -> M | None:
    if doc.problems:
        problems.extend(doc.problems)
        return None
    if not isinstance(doc.data, dict):
        problems.append(Problem("expected a mapping of keys to values at the top level", doc.path, 1))
        return None
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            key = ".".join(str(part) for part in loc)
            kind = err["type"]
            if kind == "extra_forbidden":
                expected = _expected_keys(model, loc[:-1])
                message = "unknown key"
                if expected:
                    message += f" (expected one of: {', '.join(expected)})"
            elif kind == "missing":
                message = "required key is missing"
            else:
                message = err["msg"].removeprefix("Value error, ")
            line = doc.line_of(key)
            problems.append(Problem(message, doc.path, line, key))
        return None


# --- materials -------------------------------------------------------------


def _check_text(doc: YamlDoc, key: str, text: str, problems: list[Problem]) -> None:
    for name in markup.placeholders(text):
        if name not in PLACEHOLDERS:
            problems.append(
                doc.problem(
                    key,
                    f"unknown placeholder {{{name}}} (allowed: "
                    + ", ".join("{" + p + "}" for p in sorted(PLACEHOLDERS))
                    + ")",
                )
            )


def _parse_blocks(doc: YamlDoc, raw: dict[str, Any], problems: list[Problem]) -> dict[str, Block]:
    blocks: dict[str, Block] = {}

    def add(name: str, value: Any) -> None:
        key = f"blocks.{name}"
        if isinstance(value, str):
            spec = BlockSpec(text=value)
        elif isinstance(value, dict) and "text" in value:
            try:
                spec = BlockSpec.model_validate(value)
            except ValidationError as exc:
                for err in exc.errors():
                    sub = ".".join(str(p) for p in err["loc"])
                    msg = (
                        "unknown key (expected heading, text)"
                        if err["type"] == "extra_forbidden"
                        else err["msg"]
                    )
                    problems.append(doc.problem(f"{key}.{sub}", msg))
                return
        elif isinstance(value, dict) and "." not in name:
            for sub_name, sub_value in value.items():
                add(f"{name}.{sub_name}", sub_value)
            return
        else:
            problems.append(doc.problem(key, "expected wording text, or a mapping with heading and text"))
            return
        _check_text(doc, f"{key}.text" if isinstance(value, dict) else key, spec.text, problems)
        if spec.heading:
            _check_text(doc, f"{key}.heading", spec.heading, problems)
        blocks[name] = Block(
            name=name,
            heading=spec.heading,
            text=spec.text,
            nodes=markup.parse(spec.text),
            line=doc.line_of(key),
        )

    for name, value in raw.items():
        add(str(name), value)
    return blocks


def load_material(
    doc: YamlDoc, rel: str, templates: Path, links: Links | None, problems: list[Problem]
) -> Material | None:
    spec = validate_model(doc, MaterialSpec, problems)
    if spec is None:
        return None
    if not isinstance(spec.blocks, dict) or not spec.blocks:
        problems.append(doc.problem("blocks", "expected a mapping of block names to wording"))
        return None
    before = len(problems)
    blocks = _parse_blocks(doc, spec.blocks, problems)
    for name in REQUIRED_BLOCKS.get(spec.kind, ()):
        if name not in blocks:
            problems.append(doc.problem("blocks", f"missing block '{name}' that a {spec.kind} needs"))
    for label in REQUIRED_LABELS.get(spec.kind, ()):
        if label not in spec.labels:
            problems.append(doc.problem("labels", f"missing label '{label}' that a {spec.kind} needs"))
    for attr in ("template", "docx_template"):
        name = getattr(spec, attr)
        if name is None:
            continue
        path = (templates / name).resolve()
        if templates.resolve() not in path.parents or not path.is_file():
            problems.append(doc.problem(attr, f"template '{name}' not found under {templates}"))
    if spec.qr_after is not None and spec.qr_after not in blocks:
        problems.append(doc.problem("qr_after", f"no block named '{spec.qr_after}' in this material"))
    if links is not None:
        for i, link_id in enumerate(spec.links):
            if link_id not in links.links:
                problems.append(
                    doc.problem(
                        f"links.{i}",
                        _unknown_link(link_id, links),
                    )
                )
        _check_link_labels(doc, spec, links, problems)
    if len(problems) > before:
        return None
    return Material(spec=spec, blocks=blocks, source=rel)


def _unknown_link(link_id: str, links: Links) -> str:
    return f"unknown link '{link_id}' (links.yaml has: {', '.join(links.links)})"


def _check_link_labels(doc: YamlDoc, spec: MaterialSpec, links: Links, problems: list[Problem]) -> None:
    """The labels of the QR codes a material shows: each ``link_labels`` id is
    a link of links.yaml that this material shows, a translation labels every
    link it shows in its own language, and the alt text's wording
    (``labels.qr_alt``) is there with only the placeholders it may use."""
    shown = links_shown(spec)
    for link_id, label in spec.link_labels.items():
        key = f"link_labels.{link_id}"
        if link_id not in links.links:
            problems.append(doc.problem(key, _unknown_link(link_id, links)))
        elif link_id not in shown:
            problems.append(
                doc.problem(
                    key,
                    f"this {spec.kind} shows no QR code for '{link_id}' (it shows: {', '.join(shown) or 'none'})",
                )
            )
        elif not label:
            problems.append(
                doc.problem(key, "must not be empty: write the label in this material's language")
            )
    if spec.translation_of is not None:
        for link_id in shown:
            if link_id in links.links and link_id not in spec.link_labels:
                key = f"link_labels.{link_id}"
                line = (
                    doc.line_of("link_labels")
                    if "link_labels" in doc.lines
                    else doc.line_of("translation_of")
                )
                problems.append(
                    Problem(
                        f"missing the label of the QR code for '{link_id}' (in links.yaml: "
                        f'"{links.links[link_id].label}"): a translation gives the label of every link it shows, '
                        "in its own language",
                        doc.path,
                        line,
                        key,
                    )
                )
    if not shown:
        return
    alt = spec.labels.get(QR_ALT)
    if alt is None and spec.translation_of is not None:
        return  # missing from a translation: check_translations names it, as for any label
    if alt is None:
        problems.append(
            doc.problem(
                "labels",
                f"missing label '{QR_ALT}' (the alt text of a QR code, e.g. \"QR code: {{label}}, {{short}}\") "
                f"that a {spec.kind} showing QR codes needs",
            )
        )
        return
    used = markup.placeholders(alt)
    allowed = ", ".join("{" + name + "}" for name in QR_ALT_PLACEHOLDERS)
    for name in used:
        if name not in QR_ALT_PLACEHOLDERS:
            problems.append(
                doc.problem(f"labels.{QR_ALT}", f"unknown placeholder {{{name}}} (allowed: {allowed})")
            )
    if "label" not in used:
        problems.append(
            doc.problem(f"labels.{QR_ALT}", "must contain {label}: the alt text says what the code is for")
        )


def check_links(doc: YamlDoc, problems: list[Problem]) -> None:
    """Every link's domain must be on the allowlist (checked on the raw data,
    so it is reported even when another key in the file is wrong)."""
    data = doc.data if isinstance(doc.data, dict) else {}
    allowed = [str(d).lower().strip(".") for d in data.get("allowed_domains") or [] if isinstance(d, str)]
    raw_links = data.get("links")
    links = raw_links if isinstance(raw_links, dict) else {}
    for link_id, link in links.items():
        url = link.get("url") if isinstance(link, dict) else None
        if not isinstance(url, str):
            continue
        host = (urlsplit(url).hostname or "").lower()
        if not any(host == d or host.endswith("." + d) for d in allowed):
            problems.append(
                doc.problem(
                    f"links.{link_id}.url",
                    f"domain '{host}' is not in allowed_domains ({', '.join(allowed) or 'none given'})",
                )
            )


# --- translations --------------------------------------------------------------


def _wording_keys(material: Material) -> dict[str, str]:
    """Every key of wording a translation must match, as key → kind of key."""
    keys = {f"labels.{k}": "label" for k in material.spec.labels}
    keys |= {f"items.{k}": "item" for k in material.spec.items}
    optional = OPTIONAL_BLOCKS.get(material.spec.kind, ())
    for name, block in material.blocks.items():
        if name in optional:
            continue
        keys[f"blocks.{name}"] = "block"
        if block.heading is not None:
            keys[f"blocks.{name}.heading"] = "heading"
    return keys


def check_translations(
    materials: dict[str, Material],
    docs: dict[str, YamlDoc],
    problems: list[Problem],
    unusable: frozenset[str] | set[str] = frozenset(),
) -> None:
    """A translation names an original of its own kind that is not itself a
    translation, is in another language, has the same wording keys, and is
    the only translation of that original into its language.  A translation
    of an original whose own file has problems (``unusable``) is checked once
    that file loads."""
    by_language: dict[tuple[str, str], Material] = {}
    for material in sorted(materials.values(), key=lambda m: m.source):
        spec = material.spec
        if spec.translation_of is None:
            continue
        doc = docs[material.source]
        original = materials.get(spec.translation_of)
        if original is None and spec.translation_of in unusable:
            continue
        if original is None:
            problems.append(doc.problem("translation_of", f"no material with id '{spec.translation_of}'"))
            continue
        where = f"{original.id} ({original.source})"
        if original.spec.translation_of is not None:
            problems.append(
                doc.problem(
                    "translation_of",
                    f"{where} is itself a translation (of '{original.spec.translation_of}'): name the original",
                )
            )
            continue
        if original.spec.kind != spec.kind:
            problems.append(
                doc.problem("translation_of", f"{where} is a {original.spec.kind}, this is a {spec.kind}")
            )
            continue
        if primary_subtag(original.spec.language) == primary_subtag(spec.language):
            problems.append(
                doc.problem(
                    "language",
                    f"'{spec.language}' is the language of {where}: a translation needs another language",
                )
            )
            continue
        theirs, ours = _wording_keys(original), _wording_keys(material)
        for key, what in theirs.items():
            if key not in ours:
                problems.append(doc.problem(key, f"missing {what} '{key}' that {where} has"))
        for key, what in ours.items():
            if key not in theirs:
                problems.append(
                    doc.problem(key, f"{what} '{key}' is not in {where}: a translation has the same keys")
                )
        seen = by_language.setdefault((original.id, primary_subtag(spec.language)), material)
        if seen is not material:
            problems.append(
                doc.problem(
                    "language",
                    f"{seen.source} is already the '{primary_subtag(spec.language)}' translation of {original.id}: "
                    "one translation per language",
                )
            )


# --- the whole content tree --------------------------------------------------


def material_files(root: Path) -> list[Path]:
    files: list[Path] = []
    for folder in ("letters", "leaflets", "cards", "contingency"):
        files.extend(sorted((root / folder).glob("*.yaml")))
    return files


def load_content(root: Path, templates: Path | None = None) -> Content:
    """Load and validate ``root``; raise ProblemsError listing every problem."""
    root = Path(root)
    templates = Path(templates) if templates is not None else root.parent / "templates"
    problems: list[Problem] = []
    docs: dict[str, YamlDoc] = {}

    def load(rel: str) -> YamlDoc:
        doc = load_yaml(root / rel, display_name=str(root / rel))
        docs[rel] = doc
        return doc

    if not root.is_dir():
        raise ProblemsError([Problem(f"content folder not found: {root}")])
    if not templates.is_dir():
        problems.append(Problem(f"templates folder not found: {templates}"))

    op_doc = load("operation.yaml")
    operation = validate_model(op_doc, Operation, problems)
    links_doc = load("links.yaml")
    links = validate_model(links_doc, Links, problems)
    if not links_doc.problems:
        check_links(links_doc, problems)

    materials: dict[str, Material] = {}
    unusable: set[str] = set()  # ids of material files with problems of their own (reported already)
    for path in material_files(root):
        rel = path.relative_to(root).as_posix()
        doc = load(rel)
        material = load_material(doc, rel, templates, links, problems)
        if material is None:
            if isinstance(doc.data, dict) and isinstance(doc.data.get("id"), str):
                unusable.add(doc.data["id"])
            continue
        if material.id in materials:
            problems.append(
                doc.problem(
                    "id", f"material id '{material.id}' is also used by {materials[material.id].source}"
                )
            )
            continue
        materials[material.id] = material

    check_translations(materials, docs, problems, unusable)

    if problems or operation is None or links is None:
        raise ProblemsError(problems)
    return Content(
        root=root, templates=templates, operation=operation, links=links, materials=materials, docs=docs
    )

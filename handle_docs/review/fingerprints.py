"""The fingerprint of a material version: what the public reads, hashed.

A version is everything that decides the words and look of a printed
material:

* the material's own content YAML, canonicalised (parsed, then written as
  JSON with sorted keys), so re-indenting or editing a comment is not a change;
* the shared content it pulls in: ``operation.yaml`` (force, contact details,
  signatory, patrol) and ``links.yaml`` (every web address and QR code); for
  the paper check form (``kind: form``) also ``forms-columns.yaml``, whose
  column headers are the questions the form prints; for a letter also
  ``braille.yaml``, the page size and tables its braille copy is made with
  (the braille's words are the letter's own content);
* the shared template files (everything under the templates folder that is
  not in a material-kind folder: the document shell, macros, ``base.css``;
  ``templates/report/`` belongs to no material);
* every file in the material's own template folder (``templates/letters/``
  for a letter: the template, its CSS, a Word template);
* every bundled asset (``handle_docs/assets/``: the fonts).

Each part is hashed on its own, with its relative path, and the fingerprint is
the SHA-256 of the canonical list of parts, so ``review status --verbose`` can
say what went in and a renamed file is a change.  Records and sign-off files
are never part of it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handle_docs.wording.content import Content
from handle_docs.wording.yamlfile import file_data

#: Bumped if the recipe changes, so an old fingerprint can never match a new one.
FORMAT = 1
PREFIX = "sha256:"
#: A fingerprint as files write it: the prefix and a SHA-256 in hex (a version, a registry, approval rules).
FINGERPRINT_RE = re.compile(rf"^{PREFIX}[0-9a-f]{{64}}$")
SHORT_HEX = 12

#: Template folders that belong to one kind of material only.
KIND_FOLDERS: dict[str, str] = {
    "letter": "letters",
    "leaflet": "leaflets",
    "card": "cards",
    "form": "contingency",
}

#: Template folders of outputs that are not materials (the operation report,
#: the delivery round sheet):
#: part of no material's fingerprint.
NON_MATERIAL_FOLDERS: frozenset[str] = frozenset({"report", "round-sheet"})

#: Shared content files every material pulls in (relative to the content root).
SHARED_CONTENT: tuple[str, ...] = ("operation.yaml", "links.yaml")

#: Shared content files only some kinds pull in: the paper check form prints
#: the Forms questions, which are the column map's headers; a letter's braille
#: copy is laid out and translated as braille.yaml says.
KIND_CONTENT: dict[str, tuple[str, ...]] = {"form": ("forms-columns.yaml",), "letter": ("braille.yaml",)}

ASSETS = Path(__file__).resolve().parent.parent / "assets"


@dataclass(frozen=True)
class Part:
    """One input to a fingerprint: what kind, which file, its SHA-256."""

    kind: str  # "content", "shared", "template" or "asset"
    name: str  # relative path, e.g. "templates/letters/visit.html.j2"
    sha256: str  # hex

    def line(self) -> str:
        return f"{self.kind} {self.name} {self.sha256}"


def canonical_json(data: Any) -> str:
    """The same parsed data always gives the same text, however it was written."""
    return json.dumps(data, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _files(folder: Path, *, skip_top: Collection[str] = frozenset()) -> Iterator[Path]:
    """Regular files under ``folder`` in a stable order, without hidden files
    (editor swap files, ``.DS_Store``) or Python caches."""
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if rel.parts and rel.parts[0] in skip_top:
            continue
        if any(p.startswith(".") or p == "__pycache__" for p in rel.parts):
            continue
        if path.is_file():
            yield path


def _template_folder(template: str) -> str | None:
    """The top folder of a template path (``letters/visit.html.j2`` → ``letters``)."""
    parts = Path(template).parts
    return parts[0] if len(parts) > 1 else None


def fingerprint_parts(content: Content, material_id: str) -> list[Part]:
    """Everything that went into ``material_id``'s fingerprint, in a stable order."""
    material = content.material(material_id)
    parts: list[Part] = []

    doc = content.docs[material.source]
    parts.append(Part("content", material.source, _sha(canonical_json(doc.data).encode("utf-8"))))
    for rel in SHARED_CONTENT:
        data = content.docs[rel].data if rel in content.docs else None
        if rel == "operation.yaml" and isinstance(data, dict):
            # The patrol itself (id, name, area, date) is data about this run,
            # like the records: a new patrol must not need the wording
            # re-approved (nor must the patrol's police.uk area, ``area``).  The
            # force's contact details and signatory are wording residents
            # read, and stay in the fingerprint.
            data = {key: value for key, value in data.items() if key not in ("operation", "area")}
        parts.append(Part("shared", rel, _sha(canonical_json(data).encode("utf-8"))))
    for rel in KIND_CONTENT.get(material.spec.kind, ()):
        parts.append(
            Part("shared", rel, _sha(canonical_json(file_data(Path(content.root) / rel)).encode("utf-8")))
        )

    templates = Path(content.templates)
    kind_folders = set(KIND_FOLDERS.values())
    for path in _files(templates, skip_top=kind_folders | NON_MATERIAL_FOLDERS):
        rel = path.relative_to(templates).as_posix()
        parts.append(Part("template", f"templates/{rel}", _sha(path.read_bytes())))
    own = {KIND_FOLDERS[material.spec.kind]}
    for name in (material.spec.template, material.spec.docx_template):
        folder = _template_folder(name) if name else None
        if folder in kind_folders:
            own.add(folder)
    for folder in sorted(own):
        for path in _files(templates / folder):
            rel = path.relative_to(templates).as_posix()
            parts.append(Part("template", f"templates/{rel}", _sha(path.read_bytes())))

    for path in _files(ASSETS):
        rel = path.relative_to(ASSETS).as_posix()
        parts.append(Part("asset", f"assets/{rel}", _sha(path.read_bytes())))
    return parts


def fingerprint_of_parts(material_id: str, parts: list[Part]) -> str:
    payload = canonical_json(
        {"format": FORMAT, "material": material_id, "parts": [[p.kind, p.name, p.sha256] for p in parts]}
    )
    return PREFIX + _sha(payload.encode("utf-8"))


def fingerprint(content: Content, material_id: str) -> str:
    """``sha256:<64 hex>`` for the current version of ``material_id``."""
    return fingerprint_of_parts(material_id, fingerprint_parts(content, material_id))


def short(fp: str) -> str:
    """``sha256:abcd1234ef56``: the form people read and type."""
    return PREFIX + hex_of(fp)[:SHORT_HEX]


def hex_of(fp: str) -> str:
    return fp.removeprefix(PREFIX)

"""Edit a material's wording in place: the fields a person may change, a
round-trip YAML writer that keeps comments, key order and block style, and a
save that refuses a conflicting or invalid change.

* :func:`editable_fields` lists every printed string of a material (title,
  block headings and text in reading order, then labels, item names and the
  labels of its QR codes in its language), each
  keyed by its dotted YAML key, the same keys ``handle-docs lint`` reports.
* :func:`apply_edits` writes new values into the YAML text with ruamel.yaml's
  round-trip mode, value by value: a ``|`` block stays a ``|`` block, a quoted
  value stays quoted, comments and key order stay where they were.  A file
  with no changed value comes back byte for byte.
* :func:`edited_content` is the loaded content with one material's unsaved
  wording swapped in: what the preview renders and lint checks.
* :func:`save_edits` writes atomically, but only if the file is still the one
  the page was loaded from (its SHA-256) and the changed file loads cleanly;
  otherwise it returns a conflict (both versions) or the problems, and writes
  nothing.
"""

from __future__ import annotations

import copy
import hashlib
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString, ScalarString

from handle_docs.models import Problem
from handle_docs.util import atomic
from handle_docs.wording.content import QR_ALT, QR_ALT_PLACEHOLDERS, Content, Material, load_material
from handle_docs.wording.labels import TEXT_PLACEHOLDERS, item_name, label_name, link_label_name, section_name
from handle_docs.wording.schema import Links
from handle_docs.wording.yamlfile import YamlDoc, parse_yaml

#: Longest value a field may hold (a whole letter is about 4,000 characters).
MAX_FIELD = 20_000

TITLE, HEADING, TEXT, LABEL, ITEM = "title", "heading", "text", "label", "item"


@dataclass(frozen=True)
class EditableField:
    """One printed string of a material that comms staff may change."""

    key: str  # dotted YAML key, as lint reports it: "blocks.opening", "labels.date"
    kind: str  # title, heading, text, label or item
    label: str  # what the form calls it, e.g. "What we found › a car not locked: text"
    value: str
    line: int | None
    block: str | None = None  # the block it belongs to ("findings.insecure_vehicle"), if any
    placeholders: tuple[str, ...] = ()  # the placeholders it may use, offered as Insert buttons

    @property
    def multiline(self) -> bool:
        return self.kind == TEXT

    @property
    def html_id(self) -> str:
        return "field-" + self.key.replace(".", "-").replace("_", "-")


@dataclass
class EditOutcome:
    """What a save did: ``saved``, ``conflict`` or ``invalid`` (nothing written)."""

    status: str
    sha256: str  # of the file now on disk
    problems: list[Problem] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # keys whose value changed
    theirs: dict[str, str] = field(default_factory=dict)  # conflict: each field's value on disk now
    mine: dict[str, str] = field(default_factory=dict)  # conflict or invalid: the values sent

    @property
    def saved(self) -> bool:
        return self.status == "saved"


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# --- which strings a person may edit ---------------------------------------------


def editable_fields(material: Material, doc: YamlDoc, links: Links | None = None) -> list[EditableField]:
    """Title, then each block (heading, text) in the order a resident reads
    it, then labels, item names and QR code labels; keyed like ``handle-docs lint``,
    labelled in words (a QR code's label by its link's label in ``links``, when given)."""
    spec = material.spec
    fields = [
        EditableField(
            "title", TITLE, "Title", spec.title, doc.line_of("title"), placeholders=TEXT_PLACEHOLDERS
        )
    ]
    for name, block in material.blocks.items():
        base = f"blocks.{name}"
        label = section_name(name)
        text_key = f"{base}.text" if f"{base}.text" in doc.lines else base
        if block.heading is not None:
            fields.append(
                EditableField(
                    f"{base}.heading",
                    HEADING,
                    f"{label}: heading",
                    block.heading,
                    doc.line_of(f"{base}.heading"),
                    name,
                    TEXT_PLACEHOLDERS,
                )
            )
        fields.append(
            EditableField(
                text_key,
                TEXT,
                f"{label}: text" if block.heading is not None else label,
                block.text,
                doc.line_of(text_key),
                name,
                TEXT_PLACEHOLDERS,
            )
        )
    for name, value in spec.labels.items():
        key = f"labels.{name}"
        usable = QR_ALT_PLACEHOLDERS if name == QR_ALT else ()
        fields.append(
            EditableField(key, LABEL, label_name(name), value, doc.line_of(key), placeholders=usable)
        )
    for name, value in spec.items.items():
        fields.append(
            EditableField(f"items.{name}", ITEM, item_name(name), value, doc.line_of(f"items.{name}"))
        )
    for link_id, value in spec.link_labels.items():
        link = links.links.get(link_id) if links else None
        fields.append(
            EditableField(
                f"link_labels.{link_id}",
                LABEL,
                link_label_name(link.label if link else link_id.replace("_", " ")),
                value,
                doc.line_of(f"link_labels.{link_id}"),
            )
        )
    return fields


# --- new values ---------------------------------------------------------------------


def normalise(old: str, new: str) -> str:
    """A value as sent by a browser (CRLF line ends, no final line break in a
    text area) in the shape of the value it replaces: text that ended in a
    line break keeps one, and surrounding blank space goes."""
    text = new.replace("\r\n", "\n").replace("\r", "\n").strip()
    if old.endswith("\n") and text:
        text += "\n"
    return text


def changed_values(fields: list[EditableField], sent: Mapping[str, str]) -> dict[str, str]:
    """The sent values that differ from the fields' current ones, normalised;
    keys that are not editable fields are ignored."""
    out: dict[str, str] = {}
    for f in fields:
        if f.key in sent:
            value = normalise(f.value, sent[f.key])
            if value != normalise(f.value, f.value):
                out[f.key] = value
    return out


def _check_values(doc: YamlDoc, edits: Mapping[str, str]) -> list[Problem]:
    problems = []
    for key, value in edits.items():
        if not value.strip():
            problems.append(
                doc.problem(key, "must not be empty: write the words, or ask a developer to remove it")
            )
        elif len(value) > MAX_FIELD:
            problems.append(doc.problem(key, f"is longer than {MAX_FIELD:,} characters"))
    return problems


# --- the round-trip writer -------------------------------------------------------


def _yaml(text: str) -> YAML:
    """A round-trip reader/writer indenting block sequences as ``text`` does
    (``- item`` under its key, or indented two more)."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long line
    flush = re.search(r"^( *)[\w.-]+:[ \t]*\n\1- ", text, re.M) is not None
    if flush:
        yaml.indent(mapping=2, sequence=2, offset=0)
    else:
        yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _dump(yaml: YAML, data: Any) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def round_trip(text: str) -> str:
    """Load and dump ``text`` with the writer's settings (for tests: an
    untouched file must come back byte for byte)."""
    yaml = _yaml(text)
    return _dump(yaml, yaml.load(text))


def _parent(data: Any, key: str) -> tuple[CommentedMap, str]:
    *path, last = key.split(".")
    node = data
    for part in path:
        node = node[part]
    if not isinstance(node, CommentedMap) or last not in node:
        raise KeyError(key)
    return node, last


def _styled(old: Any, new: str, quote: bool) -> Any:
    """``new`` in the style of ``old``: literal blocks stay literal (and text
    gaining a line break becomes one), quoted values keep their quotes."""
    if isinstance(old, LiteralScalarString) or "\n" in new.rstrip("\n"):
        return LiteralScalarString(new)
    if quote:
        return DoubleQuotedScalarString(new)
    if isinstance(old, ScalarString):
        return type(old)(new)
    return new


def _read_back(text: str, keys: Mapping[str, str]) -> list[str]:
    """Keys whose value does not read back as written (YAML 1.1 readers take
    an unquoted ``No`` for false, ``1.0`` for a number)."""
    doc = parse_yaml(text, "<edit>")
    wrong = []
    for key, value in keys.items():
        node = doc.data
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node != value:
            wrong.append(key)
    return wrong


def apply_edits(text: str, edits: Mapping[str, str]) -> str:
    """``text`` with each dotted key's value replaced, everything else as it
    was; unchanged when ``edits`` is empty."""
    if not edits:
        return text
    quoted: set[str] = set()
    for _attempt in range(2):
        yaml = _yaml(text)
        data = yaml.load(text)
        for key, value in edits.items():
            parent, last = _parent(data, key)
            parent[last] = _styled(parent[last], value, key in quoted)
        out = _dump(yaml, data)
        wrong = _read_back(out, edits)
        if not wrong:
            return out
        quoted.update(wrong)
    raise ValueError(f"values cannot be written so they read back the same: {', '.join(sorted(wrong))}")


#: Where a file without ``last_edited_by`` gets it: before the first of these keys it has.
EDITOR_BEFORE = ("review_by", "template", "docx_template")


def with_editor(text: str, editor: str) -> str:
    """``text`` with ``last_edited_by: editor``: the value replaced where the
    key is there, else the key inserted before ``review_by`` (beside the other
    facts about the version), everything else as it was."""
    yaml = _yaml(text)
    data = yaml.load(text)
    if not isinstance(data, CommentedMap):
        raise ValueError("the file is not a mapping")
    if "last_edited_by" in data:
        return apply_edits(text, {"last_edited_by": editor})
    keys = list(data)
    position = next((keys.index(k) for k in EDITOR_BEFORE if k in data), len(keys))
    data.insert(position, "last_edited_by", editor)
    out = _dump(yaml, data)
    if _read_back(out, {"last_edited_by": editor}):
        data["last_edited_by"] = DoubleQuotedScalarString(editor)
        out = _dump(yaml, data)
    return out


# --- content with unsaved wording -------------------------------------------------


def _set(data: Any, key: str, value: str) -> None:
    *path, last = key.split(".")
    for part in path:
        data = data[part]
    data[last] = value


def edited_content(
    content: Content, material_id: str, sent: Mapping[str, str]
) -> tuple[Content | None, list[Problem], dict[str, str]]:
    """The content with ``material_id``'s wording replaced by the sent values
    (unsaved), the problems that stop it loading, and the values that changed.

    Works on the parsed data (no YAML writing), so it is quick enough to run
    on every pause in typing; lines stay those of the file on disk."""
    material = content.material(material_id)
    doc = content.docs[material.source]
    edits = changed_values(editable_fields(material, doc), sent)
    if not edits:
        return content, [], edits
    problems = _check_values(doc, edits)
    if problems:
        return None, problems, edits
    data = copy.deepcopy(doc.data)
    for key, value in edits.items():
        _set(data, key, value)
    new_doc = YamlDoc(path=doc.path, data=data, lines=dict(doc.lines))
    loaded = load_material(new_doc, material.source, content.templates, content.links, problems)
    if loaded is None:
        return None, problems, edits
    materials = dict(content.materials)
    materials[material_id] = loaded
    docs = dict(content.docs)
    docs[material.source] = new_doc
    return replace(content, materials=materials, docs=docs), [], edits


# --- saving --------------------------------------------------------------------------


def validate_text(content: Content, material_id: str, text: str) -> list[Problem]:
    """Problems that would stop ``text`` loading as ``material_id``'s file."""
    material = content.material(material_id)
    display = str(Path(content.root) / material.source)
    doc = parse_yaml(text, display)
    problems: list[Problem] = []
    loaded = load_material(doc, material.source, content.templates, content.links, problems)
    if loaded is not None and loaded.id != material_id:
        problems.append(doc.problem("id", f"the id must stay '{material_id}'"))
    return problems


def save_edits(
    content: Content,
    material_id: str,
    base_sha256: str,
    sent: Mapping[str, str],
    *,
    edited_by: str | None = None,
) -> EditOutcome:
    """Write the sent values into ``material_id``'s file, atomically.

    ``edited_by``: who is saving (the workspace's signed-in account); when the
    wording changes it is written to the file's ``last_edited_by`` (inserted
    where the file has none, a translation's too), so that person cannot
    approve their own version.

    Refused, with nothing written, when the file on disk is no longer the one
    whose SHA-256 the editor loaded (``conflict``: both versions returned) or
    when the changed file would not load (``invalid``: the problems, located
    as file:line: key)."""
    material = content.material(material_id)
    path = Path(content.root) / material.source
    raw = path.read_bytes()
    now = hashlib.sha256(raw).hexdigest()
    text = raw.decode("utf-8-sig")
    display = str(path)
    disk_doc = parse_yaml(text, display)
    if now != base_sha256:
        theirs: dict[str, str] = {}
        for key in sent:
            node = disk_doc.data
            for part in key.split("."):
                node = node.get(part) if isinstance(node, dict) else None
            theirs[key] = node if isinstance(node, str) else ""
        return EditOutcome("conflict", now, theirs=theirs, mine=dict(sent))
    problems: list[Problem] = []
    on_disk = load_material(disk_doc, material.source, content.templates, content.links, problems)
    if on_disk is None:
        return EditOutcome("invalid", now, problems=problems, mine=dict(sent))
    edits = changed_values(editable_fields(on_disk, disk_doc), sent)
    problems = _check_values(disk_doc, edits)
    if problems:
        return EditOutcome("invalid", now, problems=problems, changed=list(edits), mine=dict(sent))
    changed = list(edits)
    try:
        new_text = apply_edits(text, edits)
        if (
            edits
            and edited_by
            and isinstance(disk_doc.data, dict)
            and disk_doc.data.get("last_edited_by") != edited_by
        ):
            new_text = with_editor(new_text, edited_by)
    except ValueError as exc:
        return EditOutcome(
            "invalid", now, problems=[Problem(str(exc), display)], changed=changed, mine=dict(sent)
        )
    problems = validate_text(content, material_id, new_text)
    if problems:
        return EditOutcome("invalid", now, problems=problems, changed=changed, mine=dict(sent))
    if new_text != text:
        atomic.write_text(path, new_text)
    return EditOutcome("saved", sha256_text(new_text) if new_text != text else now, changed=changed)


__all__ = [
    "EditOutcome",
    "EditableField",
    "apply_edits",
    "changed_values",
    "editable_fields",
    "edited_content",
    "file_sha256",
    "normalise",
    "round_trip",
    "save_edits",
    "validate_text",
    "with_editor",
]

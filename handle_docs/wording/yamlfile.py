"""Read YAML safely and remember where every key came from.

``yaml.safe_load`` throws the line numbers away; comms staff need them.  We
compose the node tree with the safe loader and build plain Python values from
it ourselves, recording the line of every key path (``blocks.opening`` → 12).
Duplicate keys, which YAML would silently collapse, are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from handle_docs.models import Problem


@dataclass
class YamlDoc:
    """Plain data from one YAML file plus a map of key path → 1-based line."""

    path: str
    data: Any
    lines: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, key: str) -> int | None:
        """Line of ``key`` or of its nearest ancestor that has one."""
        while True:
            if key in self.lines:
                return self.lines[key]
            if "." not in key:
                return self.lines.get("", None)
            key = key.rsplit(".", 1)[0]

    def problem(self, key: str, message: str, **kwargs: Any) -> Problem:
        return Problem(message=message, file=self.path, line=self.line_of(key), key=key, **kwargs)


def _join(prefix: str, part: object) -> str:
    return f"{prefix}.{part}" if prefix else str(part)


def _build(loader: yaml.SafeLoader, node: yaml.Node, path: str, doc: YamlDoc) -> Any:
    doc.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int)):
                doc.problems.append(
                    Problem("keys must be plain words", doc.path, key_node.start_mark.line + 1, path)
                )
                continue
            key_path = _join(path, key)
            if key in result:
                doc.problems.append(
                    Problem(
                        f"duplicate key {key!r} (first given on line {doc.lines.get(key_path)})",
                        doc.path,
                        key_node.start_mark.line + 1,
                        key_path,
                    )
                )
                continue
            doc.lines[key_path] = key_node.start_mark.line + 1
            result[key] = _build(loader, value_node, key_path, doc)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, _join(path, i), doc) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def parse_yaml(text: str, path: str) -> YamlDoc:
    """Parse YAML text; syntax errors become problems with file:line."""
    doc = YamlDoc(path=path, data=None)
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            doc.data = _build(loader, node, "", doc)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = exc.problem or "not valid YAML"
        doc.problems.append(Problem(f"YAML syntax: {what}", path, line, ""))
    except yaml.YAMLError as exc:  # pragma: no cover - defensive
        doc.problems.append(Problem(f"YAML syntax: {exc}", path, None, ""))
    finally:
        loader.dispose()
    return doc


def load_yaml(path: Path, display_name: str | None = None) -> YamlDoc:
    """Read and parse ``path``; unreadable files become a problem, not a crash."""
    name = display_name or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return YamlDoc(name, None, problems=[Problem(f"cannot read file: {exc.strerror}", name)])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return YamlDoc(name, None, problems=[Problem("file is not UTF-8 text", name, line)])
    return parse_yaml(text, name)


def file_data(path: Path) -> Any:
    """What a YAML file says, however it is written (comments, indentation,
    quoting aside): its parsed data, None when the file is missing, and its
    bytes when it cannot be parsed (so two broken files differ unless they
    are the same bytes).  For comparing versions of a file, not for reading
    it: a caller that uses the data reports the problems with load_yaml."""
    if not path.is_file():
        return None
    doc = load_yaml(path)
    return doc.data if not doc.problems else {"unparsed": path.read_bytes().hex()}

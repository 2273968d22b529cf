"""No function in the library is longer than 80 lines (from its ``def`` to its last line, docstring and
comments included): a longer one is split into named steps."""

from __future__ import annotations

import ast
from pathlib import Path

import handle_docs

LIBRARY = Path(handle_docs.__file__).resolve().parent
LONGEST = 80


def long_functions(root: Path, longest: int = LONGEST) -> list[str]:
    """'path:line name (N lines)' for each function or method under ``root`` longer than ``longest`` lines."""
    found = []
    for path in sorted(root.rglob("*.py")):
        if "starter" in path.relative_to(root).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > longest:
                    found.append(
                        f"{path.relative_to(root.parent)}:{node.lineno} {node.name} ({length} lines)"
                    )
    return found


def test_no_function_in_the_library_is_over_80_lines():
    too_long = long_functions(LIBRARY)
    assert not too_long, "split into named steps:\n" + "\n".join(too_long)


def test_the_measure_finds_a_long_function(tmp_path):
    (tmp_path / "pkg").mkdir()
    body = "".join(f"    x{i} = {i}\n" for i in range(80))
    (tmp_path / "pkg" / "m.py").write_text(
        f"def short():\n    pass\n\n\ndef long():\n{body}", encoding="utf-8"
    )
    assert long_functions(tmp_path / "pkg") == ["pkg/m.py:5 long (81 lines)"]

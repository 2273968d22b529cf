"""The layers hold: no import of another handle_docs package inside a function, outside the command
line's modules (whose lazy imports keep start-up quick: handle_docs/commands/__init__.py). An import
inside a function is how a cycle between layers hides; import-linter (make test, pyproject.toml) checks
the arrows themselves."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "handle_docs"


def _imported(node: ast.Import | ast.ImportFrom, path: Path, root: Path) -> list[str]:
    """The handle_docs modules an import statement names, relative imports resolved."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == "handle_docs"]
    if node.level:
        base = list(path.relative_to(root.parent).with_suffix("").parts)
        base = base[: len(base) - node.level]
        return [".".join(base + ([node.module] if node.module else []))]
    return [node.module] if node.module and node.module.split(".")[0] == "handle_docs" else []


def function_level_imports(root: Path = PACKAGE) -> list[str]:
    """``file:line: module`` for each import of another handle_docs package inside a function."""
    found = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent)
        if rel.parts[1] == "commands":
            continue
        own = rel.parts[1] if len(rel.parts) > 2 else rel.with_suffix("").parts[1]
        for func in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            for node in ast.walk(func):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    for module in _imported(node, path, root):
                        parts = module.split(".")
                        if len(parts) > 1 and parts[1] != own:
                            found.append(f"{rel}:{node.lineno}: {module}")
    return sorted(set(found))


def test_no_import_of_another_package_inside_a_function_outside_the_commands():
    assert function_level_imports() == []


def test_the_walk_finds_one(tmp_path):
    """The check itself can fail: a function importing another package is found, relative or not."""
    pkg = tmp_path / "handle_docs"
    (pkg / "compose").mkdir(parents=True)
    (pkg / "commands").mkdir()
    (pkg / "compose" / "a.py").write_text(
        "from handle_docs.models import Letter\n"
        "def f():\n    from handle_docs.run import chunk\n"
        "def g():\n    from ..render.pdf import PdfRenderer\n"
        "def h():\n    from .letters import build_letters\n",
        encoding="utf-8",
    )
    (pkg / "commands" / "b.py").write_text(
        "def f():\n    from handle_docs.web import app\n", encoding="utf-8"
    )
    assert function_level_imports(pkg) == [
        "handle_docs/compose/a.py:3: handle_docs.run",
        "handle_docs/compose/a.py:5: handle_docs.render.pdf",
    ]


def test_the_web_server_never_imports_matplotlib():
    """The worker draws the charts; the web server shows what it drew (matplotlib's settings are global to a
    process, and its import costs the server's start a third of a second)."""
    import subprocess
    import sys

    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, handle_docs.web.app; print('matplotlib' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "False"

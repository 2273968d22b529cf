"""pyproject's dependencies are what the package imports at run time, and test-only packages are in the `test`
extra: read from the code's own import statements (ast), mapped to the distributions that provide them."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

from .conftest import ROOT

#: Distributions the package needs at run time without importing them, and the module that relies on each.
USED_WITHOUT_IMPORT = {
    # openpyxl parses a workbook's XML safely only when defusedxml is installed; read.py refuses otherwise
    "defusedxml": "handle_docs/records/read.py",
    # cryptography opens passphrase-protected OpenSSH private keys only when bcrypt is installed
    "bcrypt": "handle_docs/review/sshsign.py",
}

#: Imports a tool makes only to compare with something that is not a dependency (skipped when absent).
OPTIONAL_IN_TOOLS = {"docxcompose": "benchmarks/docx_join.py"}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_names(requirements: list[str]) -> set[str]:
    return {normalise(re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", r.strip()).group()) for r in requirements}


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def imported_top_level(folder: Path) -> dict[str, set[str]]:
    """Third-party top-level module names imported anywhere under ``folder`` (also inside functions),
    with the files that import each."""
    found: dict[str, set[str]] = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in ("handle_docs", "tests", "__future__"):
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def distributions(modules: dict[str, set[str]]) -> dict[str, set[str]]:
    """Distribution (normalised) -> files importing it; a module no installed distribution provides fails."""
    provided = importlib.metadata.packages_distributions()
    result: dict[str, set[str]] = {}
    unknown = {m: sorted(files) for m, files in modules.items() if m not in provided}
    assert not unknown, f"imported but provided by no installed distribution: {unknown}"
    for module, files in modules.items():
        for dist in provided[module]:
            result.setdefault(normalise(dist), set()).update(files)
    return result


def test_every_package_imported_at_run_time_is_a_dependency_and_every_dependency_is_used():
    declared = requirement_names(pyproject()["project"]["dependencies"])
    used = distributions(imported_top_level(ROOT / "handle_docs"))
    missing = {dist: sorted(files) for dist, files in used.items() if dist not in declared}
    assert not missing, f"imported by the package but not in pyproject dependencies: {missing}"
    unused = declared - set(used) - set(USED_WITHOUT_IMPORT)
    assert not unused, (
        f"in pyproject dependencies but never imported by the package (test-only? put it in the "
        f"'test' extra): {sorted(unused)}"
    )


def test_what_the_package_relies_on_without_importing_is_named_where_it_is_relied_on():
    declared = requirement_names(pyproject()["project"]["dependencies"])
    for dist, module in USED_WITHOUT_IMPORT.items():
        assert dist in declared
        assert dist in (ROOT / module).read_text(encoding="utf-8"), f"{module} no longer relies on {dist}"


def test_tests_and_tools_need_only_the_dependencies_and_the_test_extra():
    project = pyproject()["project"]
    declared = requirement_names(project["dependencies"])
    test_extra = requirement_names(project["optional-dependencies"]["test"])
    assert not declared & test_extra, "a package is both a run-time dependency and in the test extra"
    for folder in ("tests", "benchmarks", "scripts", "examples"):
        imported = imported_top_level(ROOT / folder)
        for module, tool in OPTIONAL_IN_TOOLS.items():
            if imported.get(module) == {tool}:
                del imported[module]
        used = distributions(imported)
        missing = {dist: sorted(files) for dist, files in used.items() if dist not in declared | test_extra}
        assert not missing, (
            f"{folder}/ imports what neither dependencies nor the test extra provide: {missing}"
        )

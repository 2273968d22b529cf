"""Check printed output (PDF and Word) against the large-print and PDF/UA rules.

Public entry point::

    from handle_docs.checks import CheckConfig, check_paths, format_table
    reports = check_paths([Path("out")], CheckConfig(allowed_urls=(...)))
    print(format_table(reports))

Each check has a name (``tagged``, ``min-font-size``, ``docx-title`` …), a
pass/fail result and, when it fails, findings saying where (page, element or
font, and a text snippet of at most 40 characters).

These names are loaded on first use, so that importing one module of the
package (the renderer reads structure trees with ``structure_tree``) does not
load every check and the libraries they need.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

#: Public name -> the module of this package that holds it.
_WHERE = {
    "CheckConfig": "config",
    "DEFAULT_ACRONYMS": "config",
    "LinksFileError": "config",
    "config_from_links": "config",
    "load_links": "config",
    "CheckResult": "results",
    "FileReport": "results",
    "Finding": "results",
    "format_json": "results",
    "format_table": "results",
    "BRF_CHECKS": "runner",
    "DOCX_CHECKS": "runner",
    "SUFFIXES": "runner",
    "check_brf": "runner",
    "PDF_CHECKS": "runner",
    "check_docx": "runner",
    "check_file": "runner",
    "check_paths": "runner",
    "check_pdf": "runner",
    "collect_files": "runner",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))

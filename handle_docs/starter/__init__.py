"""Where the starter is: the bundled sample force's wording, templates, sample approvals and sample records.

A wheel carries them as ``handle_docs/starter/{content,templates,review,examples}``
(copied in at build time by ``setup.py`` from the repository's top-level
folders, which stay the one source).  A checkout or an editable install has no
copy: there the repository's own folders are the starter.  Read-only either
way: ``handle-docs init`` copies it into a force's own folder (services/force_folder.py).
"""

from __future__ import annotations

from pathlib import Path

#: The folders a force works in (and the starter holds), by their names on disk.
CONTENT = "content"
TEMPLATES = "templates"
REVIEW = "review"
EXAMPLES = "examples"
#: Sample records a new user can try (invented; see examples/generate_sample.py in the repository).
SAMPLE_RECORDS = ("patrol-records.csv", "patrol-forms-export.xlsx")

_PACKAGED = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGED.parents[1]


def starter_root() -> Path:
    """The folder holding the starter's ``content/``, ``templates/``, ``review/`` and ``examples/``:
    the packaged copy when there is one, else the checkout this module runs from."""
    return _PACKAGED if (_PACKAGED / CONTENT).is_dir() else _CHECKOUT


def starter_path(*parts: str) -> Path:
    """A path inside the starter, e.g. ``starter_path(CONTENT, "forms-columns.yaml")``."""
    return starter_root().joinpath(*parts)

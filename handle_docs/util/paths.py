"""Paths made absolute where they come in (the command line, the workspace's settings): a relative path handed
on is read against whatever folder the code that opens it has in mind (Flask's ``send_file`` reads one against
the package's folder), not the one the person started in."""

from __future__ import annotations

import os
from pathlib import Path


def absolute(path: str | os.PathLike[str]) -> Path:
    """``path`` made absolute against the current folder, with ``..`` folded but symlinks kept, so that
    'the templates folder beside the content folder' means beside the folder the person named."""
    return Path(os.path.abspath(path))

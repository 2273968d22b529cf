"""The canonical statement a sign-off's signature covers: exact bytes, defined once.

UTF-8 text, seven lines in this fixed order, each ``key: value`` ended by a
line feed (``\\n``), no byte-order mark, nothing before or after::

    material: visit-letter
    fingerprint: sha256:5b4e…(64 hex)
    decision: approved
    reviewer: priya-lang
    role: comms-lead
    date: 2026-11-25
    note: Wording checked against the force style guide.

Values are written as they are stored in the sign-off record.  In every
value a backslash is written ``\\\\``, a line feed ``\\n`` and a carriage
return ``\\r`` (only the note, the one free text, can hold them), so the
statement always has exactly seven lines and two different notes never give
the same bytes.  An empty note is ``note: ``
(with the space).  The signature is an SSH signature (SSHSIG) of these bytes
in the namespace ``handle-docs-signoff@v1``.
"""

from __future__ import annotations

import datetime as dt

FIELDS = ("material", "fingerprint", "decision", "reviewer", "role", "date", "note")


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")


def statement(
    *, material: str, fingerprint: str, decision: str, reviewer: str, role: str, date: dt.date, note: str
) -> bytes:
    """The bytes a reviewer signs for one decision on one version."""
    values = {
        "material": material,
        "fingerprint": fingerprint,
        "decision": decision,
        "reviewer": reviewer,
        "role": role,
        "date": date.isoformat(),
        "note": note,
    }
    return "".join(f"{name}: {escape(str(values[name]))}\n" for name in FIELDS).encode("utf-8")

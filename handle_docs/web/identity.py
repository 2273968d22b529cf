"""Who is using the workspace.

There are no accounts yet: whoever can reach the workspace (it listens on
127.0.0.1 only) is a local, unnamed editor.  Sign-in (issue 18) replaces
:func:`current_actor` and nothing else: routes ask it, never the session.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    name: str | None  # None: not signed in (a local editor)
    roles: tuple[str, ...]

    @property
    def display(self) -> str:
        return self.name or "local editor"

    def can(self, role: str) -> bool:
        return role in self.roles


EDITOR = "editor"
LOCAL_EDITOR = Actor(name=None, roles=(EDITOR,))


def current_actor() -> Actor:
    """The person making this request."""
    return LOCAL_EDITOR

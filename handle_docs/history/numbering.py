"""The one rule that says "Version 7, edited by Priya Lang on 14 November 2026 at 10:32".

When the force folder is a git repository (``handle-docs init`` makes one, ``make serve`` serves one, and
the workspace commits every save and sign-off), a version's number, who edited it and when come from the
history (:func:`handle_docs.history.log.versions`: numbered per material in the order of its history), so
the editor, the review page, the materials page, the History tab and ``handle-docs history`` all say the
same number.  A current version not yet committed (a file edited by hand) is the next number, edited by the
person its ``last_edited_by`` names, when its file was last written.

Otherwise (a folder that is no repository) the number comes from what there is now: the versions the
sign-off file names, then the current one (:func:`handle_docs.review.labels.version_number`), and the time
is when the material's file was last written.

Times are shown in the force's time zone: ``time_zone`` in ``content/workspace.yaml``, else Europe/London.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from handle_docs.models import ProblemsError
from handle_docs.review.labels import VersionLabel, person_name, version_number
from handle_docs.review.status import MaterialStatus
from handle_docs.wording.workspace_settings import DEFAULT_TIME_ZONE, load_config

from .log import Version, versions
from .repo import ForceRepo, HistoryError


def force_zone(content_root: Path) -> dt.tzinfo:
    """The force's time zone: ``time_zone`` in workspace.yaml, else Europe/London (also when the file
    cannot be read: its problems are the workspace's start to say)."""
    try:
        name = load_config(content_root).time_zone
    except ProblemsError:
        name = DEFAULT_TIME_ZONE
    return ZoneInfo(name)


@dataclass
class Numbering:
    """Version labels for the materials of one content folder, for one request or one command: the
    repository and its HEAD are looked up once, the versions of each material once per HEAD (log.py)."""

    content_root: Path
    repo: ForceRepo | None = None
    head: str | None = None  # the repository's HEAD when made: make a new Numbering after a commit
    zone: dt.tzinfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TIME_ZONE))

    @classmethod
    def of(cls, content_root: Path) -> Numbering:
        root = Path(content_root)
        try:
            repo = ForceRepo.of(root)
        except HistoryError:
            repo = None  # the handle-docs source checkout: no history of a force's
        return cls(root, repo, repo.head() if repo is not None else None, force_zone(root))

    def history(self, material_id: str) -> list[Version] | None:
        """The material's versions from the history, None when the folder keeps none."""
        if self.repo is None:
            return None
        if self.head is None:
            return []  # a repository with no commit yet
        try:
            return versions(self.repo, material_id, self.head)
        except HistoryError:
            return None

    def _written(self, status: MaterialStatus) -> dt.datetime | None:
        try:
            stamp = (self.content_root / status.source).stat().st_mtime
        except OSError:
            return None
        return dt.datetime.fromtimestamp(stamp, dt.UTC)

    def label_of(self, version: Version) -> VersionLabel:
        """A version of the history in words: who edited it (the commit's author) and when (in the force's zone)."""
        return VersionLabel(
            version.number, version.editor or version.commit.author, version.commit.when.astimezone(self.zone)
        )

    def edited_words(self, version: Version) -> str:
        """'edited by Dana Whitlock on 14 November 2026 at 10:32': the label without its number."""
        return str(self.label_of(version)).split(", ", 1)[1]

    def label(self, status: MaterialStatus, last_edited_by: str | None) -> VersionLabel:
        """The current version of ``status``'s material, in words (the module's rule)."""
        found = self.history(status.material_id)
        if found is not None:
            matches = [v for v in found if v.fingerprint == status.fingerprint]
            if matches:
                return self.label_of(matches[-1])
            number = len(found) + 1
        else:
            number = version_number(status)
        written = self._written(status)
        return VersionLabel(
            number, person_name(status, last_edited_by), written.astimezone(self.zone) if written else None
        )

    def number_of(self, material_id: str, fp: str) -> int | None:
        """The number of the version with fingerprint ``fp`` in the history (None: not in it)."""
        found = [v.number for v in self.history(material_id) or [] if v.fingerprint == fp]
        return found[-1] if found else None

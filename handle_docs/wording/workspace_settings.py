"""``content/workspace.yaml``: the workspace's own settings (how long runs are kept, how hard they may work,
where the history's off-site copy goes, the force's time zone), loaded and checked like every content file
(errors at file:line:key).  Not part of any material's fingerprint."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from handle_docs.models import Problem, ProblemsError
from handle_docs.wording.content import validate_model
from handle_docs.wording.yamlfile import load_yaml

#: The workspace's own settings in the content folder (not part of any material's fingerprint).
WORKSPACE_FILE = "workspace.yaml"


class HistorySettings(BaseModel):
    """``history:`` in workspace.yaml: where the force folder's history is copied after each commit."""

    model_config = ConfigDict(extra="forbid")

    push_to: str | None = Field(None, min_length=1, max_length=1000, pattern=r"^[^-\s][^\n]*$")  # git remote
    retry_seconds: float = Field(60.0, ge=0.1, le=3600)  # a failed push is tried again this often


#: The force's time zone when workspace.yaml names none (times on pages: "edited … on 14 November 2026 at 10:32").
DEFAULT_TIME_ZONE = "Europe/London"


class WorkspaceConfig(BaseModel):
    """``content/workspace.yaml``: how long runs are kept and how hard they may work, and where the
    history's off-site copy goes."""

    model_config = ConfigDict(extra="forbid")

    retention_days: int = Field(
        7, ge=1, le=366
    )  # a run's personal data is deleted this many days after upload
    # … and the rest of it (counts, reports, the patrol it keeps, "Did it work?": nothing personal) this many:
    # long enough for the police.uk months after the patrol, published about two months late
    keep_counts_days: int = Field(400, ge=1, le=1100)
    jobs: int = Field(1, ge=1, le=16)  # worker processes per run (one run is made at a time)
    history: HistorySettings = Field(default_factory=HistorySettings)
    time_zone: str = Field(
        DEFAULT_TIME_ZONE, max_length=64
    )  # the force's, for times shown on pages (IANA name)

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"'{value}' is not a time zone this machine knows: write one such as Europe/London"
            ) from None
        return value

    @model_validator(mode="after")
    def _counts_outlive_personal_data(self) -> WorkspaceConfig:
        if self.keep_counts_days < self.retention_days:
            raise ValueError(
                f"keep_counts_days ({self.keep_counts_days}) must be at least retention_days "
                f"({self.retention_days}): a run's counts are kept at least as long as its personal data"
            )
        return self


def load_config(content_root: Path) -> WorkspaceConfig:
    """The content's ``workspace.yaml``, or the defaults when it has none."""
    path = Path(content_root) / WORKSPACE_FILE
    if not path.is_file():
        return WorkspaceConfig()
    doc = load_yaml(path)
    problems: list[Problem] = list(doc.problems)
    config = validate_model(doc, WorkspaceConfig, problems) if not problems else None
    if problems or config is None:
        raise ProblemsError(problems)
    return config

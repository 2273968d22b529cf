"""What approval means: ``content/review-policy.yaml``.

Defaults (used when the file is absent): two different people, at least one
of them with the role ``comms-lead``, and nobody approves a version they last
edited themselves.  A translation (a material with ``translation_of``) also
needs a sign-off with the translator role its language has in
``translator_roles``, when the policy names one.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Annotated

from pydantic import Field, StringConstraints, ValidationInfo, field_validator, model_validator

from handle_docs.util.langtag import primary_subtag
from handle_docs.wording.content import validate_model
from handle_docs.wording.schema import SLUG, Strict
from handle_docs.wording.yamlfile import load_yaml

from ..models import Problem
from .fingerprints import PREFIX, canonical_json

POLICY_FILE = "review-policy.yaml"
#: Bumped if the recipe of :func:`policy_fingerprint` changes.
RULES_FORMAT = 1

DEFAULT_ROLES = ["comms-lead", "comms-officer", "neighbourhood-sergeant", "inspector"]

#: A role as people say it ("comms lead", "Welsh translator"): words, no markup, on one line.
RoleName = Annotated[
    str, StringConstraints(min_length=1, max_length=60, pattern=r"^[^\s<>{}\[\]][^\n<>{}\[\]]*$")
]

#: The built-in rule's languages for ``translator-<code>`` roles, when the policy names no role.
TRANSLATOR_LANGUAGES = {
    "cy": "Welsh",
    "pl": "Polish",
    "ro": "Romanian",
    "ar": "Arabic",
    "ur": "Urdu",
    "pa": "Punjabi",
    "bn": "Bengali",
    "so": "Somali",
    "lt": "Lithuanian",
    "pt": "Portuguese",
}


def builtin_role_name(role: str) -> str:
    """The fallback for a role the policy gives no name: 'comms-lead' → 'comms lead', 'translator-cy' →
    'Welsh translator'."""
    translator = (
        TRANSLATOR_LANGUAGES.get(role.removeprefix("translator-")) if role.startswith("translator-") else None
    )
    if translator:
        return f"{translator} translator"
    return role.replace("-", " ")


class Policy(Strict):
    required_approvals: int = Field(default=2, ge=1, le=20, description="different people who must approve")
    required_roles: list[str] = Field(default_factory=lambda: ["comms-lead"])
    roles: list[str] = Field(default_factory=lambda: list(DEFAULT_ROLES), min_length=1)
    editor_may_approve: bool = False
    translator_roles: dict[str, str] = Field(
        default_factory=dict,
        description="language primary subtag (cy, pl …) → the role a translation into it must also be approved by",
    )
    role_names: dict[str, RoleName] = Field(
        default_factory=dict,
        description="role → what people call it ('comms lead'), shown on pages and in messages instead of the id",
    )

    @field_validator("role_names")
    @classmethod
    def _names_of_known_roles(cls, names: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        roles = info.data.get("roles") or []
        unknown = [r for r in names if r not in roles]
        if unknown:
            raise ValueError(f"role_names: {', '.join(unknown)} not listed in roles ({', '.join(roles)})")
        return names

    @model_validator(mode="after")
    def _roles_known(self) -> Policy:
        for role in self.roles:
            if not re.match(SLUG, role):
                raise ValueError(f"role '{role}' must be lower-case words joined by hyphens")
        unknown = [r for r in self.required_roles if r not in self.roles]
        if unknown:
            raise ValueError(
                f"required_roles {', '.join(unknown)} not listed in roles ({', '.join(self.roles)})"
            )
        for language, role in self.translator_roles.items():
            if not re.match(r"^[a-z]{2,3}$", language):
                raise ValueError(
                    f"translator_roles: '{language}' must be a language code such as cy or pl, without region"
                )
            if role not in self.roles:
                raise ValueError(
                    f"translator_roles: role '{role}' for {language} not listed in roles ({', '.join(self.roles)})"
                )
        return self

    def role_name(self, role: str) -> str:
        """What people call ``role``: its name in ``role_names``, else the built-in rule (builtin_role_name)."""
        return self.role_names.get(role) or builtin_role_name(role)

    def translator_role(self, language: str) -> str | None:
        """The translator role ``translator_roles`` gives ``language`` (cy-GB → cy), or None."""
        return self.translator_roles.get(primary_subtag(language))

    def for_material(self, language: str, translation_of: str | None) -> Policy:
        """The rule for one material: a translation also needs its language's translator role."""
        role = self.translator_role(language) if translation_of else None
        if role is None or role in self.required_roles:
            return self
        return self.model_copy(update={"required_roles": [*self.required_roles, role]})

    def describe(self) -> str:
        """'2 approvals incl. role comms-lead'."""
        text = f"{self.required_approvals} approval{'s' if self.required_approvals != 1 else ''}"
        if self.required_roles:
            text += f" incl. role {', '.join(self.required_roles)}"
        return text


def load_policy(content_root: Path) -> tuple[Policy, list[Problem]]:
    """The policy in ``content_root``; problems name file and line.

    When the file has problems the defaults are returned together with the
    problems, and callers must refuse (an unreadable policy approves nothing).
    """
    path = Path(content_root) / POLICY_FILE
    if not path.exists():
        return Policy(), []
    policy, problems = read_policy(path)
    return (policy or Policy()), problems


def policy_fingerprint(policy: Policy) -> str:
    """What the rules say, hashed (comments, layout and order of keys aside): the fingerprint a registry
    version names in ``policy:`` when its reviewers approve these rules (see :mod:`.trust`)."""
    text = canonical_json({"format": RULES_FORMAT, "rules": policy.model_dump(mode="json")})
    return PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_policy(path: Path) -> tuple[Policy | None, list[Problem]]:
    """The rules in the file ``path`` (the folder's, or a registry version's copy), and its problems (file:line;
    rules with problems must not be used)."""
    doc = load_yaml(path, display_name=str(path))
    problems: list[Problem] = []
    policy = validate_model(doc, Policy, problems)
    return policy, problems

"""The shape of every content file, as typed pydantic models.

Unknown keys are errors (``extra="forbid"``): a misspelt key must never be
silently ignored.  Cross-file rules (links on the allowlist, placeholders that
exist, blocks a template needs) live in ``content.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from handle_docs.wording.markup import Node

SLUG = r"^[a-z0-9][a-z0-9-]*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


# --- operation.yaml --------------------------------------------------------


class OperationInfo(Strict):
    id: str = Field(pattern=SLUG, description="short id used in QR tracking and run names")
    name: str = Field(min_length=1)
    area: str = Field(min_length=1)
    patrol_date: dt.date


class Force(Strict):
    name: str = Field(min_length=1)
    team: str = Field(min_length=1)
    address: list[str] = Field(min_length=1)
    phone: str = Field(min_length=3)
    non_emergency: str = "101"
    emergency: str = "999"


class Signatory(Strict):
    name: str = Field(min_length=1)
    role: str = Field(min_length=1)


LSOA_CODE = r"^[A-Z][0-9]{8}$"  # an LSOA code as police.uk prints it, e.g. E01000001


class EarlierPatrol(Strict):
    date: dt.date
    lsoa: list[str] = Field(min_length=1, description="the LSOA codes patrolled then")

    @field_validator("lsoa")
    @classmethod
    def _codes(cls, value: list[str]) -> list[str]:
        return _lsoa_codes(value)


_Codes = TypeVar("_Codes", bound=list[str] | None)


def _lsoa_codes(value: _Codes) -> _Codes:
    for code in value if value is not None else ():
        if not re.match(LSOA_CODE, code):
            raise ValueError(f"'{code}' is not an LSOA code (a letter and eight digits, e.g. E01000001)")
    return value


class ImpactArea(Strict):
    """Where the patrol was, for ``handle-docs impact`` and ``hotspots`` (police.uk LSOAs). Data about the
    patrol, like ``operation``: kept out of the materials' fingerprints (review/fingerprints.py)."""

    lsoa: list[str] = Field(default_factory=list, description="the patrolled area's LSOA codes, confirmed")
    buffer: list[str] | None = Field(
        default=None, description="the buffer ring's LSOAs (default: by distance)"
    )
    buffer_metres: int = Field(
        default=400,
        ge=0,
        le=5000,
        description="an LSOA with a crime location this close to the area's is in the buffer",
    )
    comparison: list[str] | None = Field(
        default=None, description="comparison LSOAs (default: the rest of the force)"
    )
    earlier: list[EarlierPatrol] = Field(default_factory=list, description="patrols before this one")

    @field_validator("lsoa", "buffer", "comparison")
    @classmethod
    def _codes(cls, value: list[str] | None) -> list[str] | None:
        return _lsoa_codes(value)


class Operation(Strict):
    operation: OperationInfo
    force: Force
    signatory: Signatory
    area: ImpactArea | None = None


# --- links.yaml ------------------------------------------------------------


class Link(Strict):
    label: str = Field(min_length=1)
    url: str
    short: str = Field(min_length=1, description="human-typable form printed beside a QR code")

    @field_validator("url")
    @classmethod
    def _https(cls, value: str) -> str:
        if not re.match(r"^https://[A-Za-z0-9.-]+(/[^\s]*)?$", value):
            raise ValueError("must be an https:// web address with no spaces")
        return value


class Links(Strict):
    allowed_domains: list[str] = Field(min_length=1)
    links: dict[str, Link]


# --- materials (letters/*.yaml, leaflets/*.yaml) ----------------------------


class BlockSpec(Strict):
    heading: str | None = None
    text: str = Field(min_length=1)


class ListAnd(Strict):
    """How a material's lists of things are joined ("bag, ffôn ac arian parod"),
    when the language's usual way (CLDR, through Babel) is not what its readers
    write: the word before the last item, and another before a vowel."""

    default: str = Field(min_length=1, description="the word before the last item")
    before_vowel: str | None = Field(
        default=None, description="the word instead, before an item starting with a vowel"
    )
    vowels: str | None = Field(default=None, description="the letters that count as vowels here")

    @field_validator("vowels")
    @classmethod
    def _lower(cls, value: str | None) -> str | None:
        return value.lower() if value else value

    @model_validator(mode="after")
    def _together(self) -> ListAnd:
        if bool(self.before_vowel) != bool(self.vowels):
            raise ValueError("before_vowel and vowels go together: give both or neither")
        return self

    def word_before(self, item: str) -> str:
        """The word that joins ``item``, the last of a list, to the items before it."""
        if self.before_vowel and self.vowels and item[:1] and item[:1].lower() in self.vowels:
            return self.before_vowel
        return self.default


class MaterialSpec(Strict):
    id: str = Field(pattern=SLUG)
    kind: Literal["letter", "leaflet", "card", "form"]
    title: str = Field(min_length=1)
    language: str = Field(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")
    version: int = Field(ge=1)
    owner: str = Field(min_length=1)
    last_edited_by: str | None = None
    review_by: dt.date
    template: str = Field(min_length=1)
    docx_template: str | None = None
    translation_of: str | None = None
    bilingual: Literal["welsh-first"] | None = Field(
        default=None,
        description="a translation sent together with its original, this language first (Welsh Language "
        "Standards): to records asking for both, and to records that name no language",
    )
    labels: dict[str, str] = Field(default_factory=dict)
    items: dict[str, str] = Field(default_factory=dict)
    links: list[str] = Field(default_factory=list, description="ids from links.yaml shown as QR codes")
    link_labels: dict[str, str] = Field(
        default_factory=dict,
        description="the label of each QR code's link in this material's language, by id in links.yaml "
        "(a translation gives one for every link it shows; otherwise links.yaml's label)",
    )
    list_and: ListAnd | None = Field(
        default=None, description="how lists of things are joined, when not the language's usual way (CLDR)"
    )
    qr_after: str | None = Field(default=None, description="block after which a leaflet shows its QR codes")
    layout: Literal["flowing", "shared-back"] = Field(
        default="flowing",
        description="letters only: flowing (one text, page after page) or shared-back (the part every "
        "letter shares starts a new page and is laid out once per chunk, render/shared_pages.py)",
    )
    location_detail: Literal["area", "force"] | None = Field(
        default=None, description="cards only: the most precise place the wording may name (default area)"
    )
    blocks: dict[str, Any]


class Block(BaseModel):
    """A parsed block of wording: optional heading plus markup nodes."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    name: str  # dotted, e.g. "findings.insecure_vehicle"
    heading: str | None
    text: str  # the wording as written, placeholders unfilled
    nodes: tuple[Node, ...]
    line: int | None = None

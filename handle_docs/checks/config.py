"""Settings for the output checks, and reading them from the link file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from handle_docs.util import fonts

#: Capitalised words that are not "block capitals" (acronyms people know).
DEFAULT_ACRONYMS: tuple[str, ...] = (
    "NWS",
    "CMS",
    "QR",
    "UK",
    "GB",
    "PC",
    "PCSO",
    "DVLA",
    "CCTV",
    "MOT",
    "ANPR",
    "VIN",
    "ID",
    "OK",
    "NHS",
    "SMS",
    "PIN",
    "PS",
)


@dataclass(frozen=True)
class CheckConfig:
    """What "good" means for a printed letter or leaflet.

    ``allowed_urls`` are the link file's URLs; a QR payload matches one when
    scheme, host and path are equal (extra ``utm_*`` query parameters are
    allowed).  ``short_forms`` maps such a URL to the short form printed beside
    its QR code.  ``acronyms`` are capitalised words that never count towards
    a run of block capitals.  ``allowed_font_families`` are, by default, the
    families of the fonts bundled with handle-docs (``AtkinsonHyperlegibleNext``,
    ``NotoSansArabic``, ``NotoNastaliqUrdu``).
    """

    min_font_pt: float = 16.0
    allowed_font_families: tuple[str, ...] = field(default_factory=fonts.families)
    allowed_urls: tuple[str, ...] = ()
    short_forms: dict[str, str] = field(default_factory=dict)
    min_qr_mm: float = 25.0
    min_contrast: float = 7.0
    page_sizes: tuple[str, ...] = ("A4", "A5")
    acronyms: tuple[str, ...] = DEFAULT_ACRONYMS
    max_caps_words: int = 3

    def __hash__(self) -> int:  # short_forms is a dict; hash the rest
        return hash(
            (
                self.min_font_pt,
                self.allowed_font_families,
                self.allowed_urls,
                tuple(sorted(self.short_forms.items())),
                self.min_qr_mm,
                self.min_contrast,
                self.page_sizes,
                self.acronyms,
                self.max_caps_words,
            )
        )


class LinksFileError(ValueError):
    """The link file is missing, not YAML, or not in the expected shape."""


def load_links(path: Path) -> tuple[tuple[str, ...], dict[str, str]]:
    """Read ``content/links.yaml``; return (allowed URLs, url → short form).

    Expected shape::

        allowed_domains: [...]
        links:
          nws: {label: ..., url: "https://...", short: "example/watch"}
    """
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise LinksFileError(f"cannot read link file {path}: {exc.strerror or exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise LinksFileError(f"link file {path} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("links"), dict):
        raise LinksFileError(f"link file {path} has no 'links:' mapping")
    urls: list[str] = []
    shorts: dict[str, str] = {}
    for key, entry in data["links"].items():
        if not isinstance(entry, dict) or not isinstance(entry.get("url"), str) or not entry["url"].strip():
            raise LinksFileError(f"link file {path}: links.{key} has no url")
        url = entry["url"].strip()
        urls.append(url)
        short = entry.get("short")
        if isinstance(short, str) and short.strip():
            shorts[url] = short.strip()
    return tuple(urls), shorts


def config_from_links(path: Path, **overrides: object) -> CheckConfig:
    """A :class:`CheckConfig` whose URLs come from the link file at ``path``."""
    urls, shorts = load_links(path)
    return CheckConfig(allowed_urls=urls, short_forms=shorts, **overrides)  # type: ignore[arg-type]  # CheckConfig's fields

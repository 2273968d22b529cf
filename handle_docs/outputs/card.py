"""Social media cards: the operation's headline figures as PNG images.

Two sizes, 1080 × 1080 (square posts) and 1200 × 675 (wide posts and link
previews), drawn with Pillow in the bundled Atkinson Hyperlegible Next font, each
with its alt text in a ``.txt`` file beside it.

What a card says comes from two places only:

* the figures, from a run's ``stats.json`` (counts: vehicles checked, not
  locked, with items on show, letters delivered), never from the records;
* the words, from a ``kind: card`` material (``content/cards/social.yaml``),
  reviewed and approved like a letter.  Its ``location_detail`` says the
  most precise place the words may name: ``area`` (the patrol area, the
  default) or ``force`` (no place below the force; ``{area}`` is refused).
  Streets, addresses, registrations and collar numbers are never available
  to a card at all.

The alt text is written by the material's template (``cards/alt-text.txt.j2``),
so the fingerprint that reviewers approve covers it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from PIL import Image, ImageDraw, ImageFont

from handle_docs.compose.context import long_date, placeholder_values
from handle_docs.models import Problem
from handle_docs.render.pdf import FONT_DIR
from handle_docs.util import atomic
from handle_docs.wording import markup
from handle_docs.wording.content import Content, Material

#: name → (width, height) in pixels.
SIZES: dict[str, tuple[int, int]] = {"square": (1080, 1080), "wide": (1200, 675)}

#: The headline figures, in the order they are shown: stats.json key = label key.
FIGURES: tuple[str, ...] = ("vehicles_checked", "insecure_vehicles", "vehicles_with_items", "letters")

LOCATION_LEVELS = ("area", "force")  # most precise first
DEFAULT_LOCATION = "area"

BACKGROUND = (11, 37, 69)  # #0b2545, navy
TEXT = (255, 255, 255)
NUMBER = (255, 209, 102)  # #ffd166, 10:1 on the navy
DRAFT_BAND = (178, 34, 34)
RULE = (255, 209, 102)

REGULAR = FONT_DIR / "AtkinsonHyperlegibleNext-Regular.ttf"
BOLD = FONT_DIR / "AtkinsonHyperlegibleNext-Bold.ttf"


class CardError(Exception):
    """The card cannot be made; carries problems naming file and key."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class CardText:
    """Every string a card shows, before layout (tests read it directly)."""

    force: str
    headline: str
    intro: str
    figures: tuple[tuple[str, str], ...]  # (number, label)
    call_to_action: str
    draft: str | None = None

    def strings(self) -> list[str]:
        out = [self.force, self.headline, self.intro, self.call_to_action]
        for number, label in self.figures:
            out += [number, label]
        if self.draft:
            out.append(self.draft)
        return [s for s in out if s]


@dataclass
class CardOutput:
    name: str
    size: tuple[int, int]
    png: Path
    alt_path: Path
    alt: str
    drawn: list[str] = field(default_factory=list)  # every string drawn on the image


# --- words ---------------------------------------------------------------------------


def location_detail(material: Material) -> str:
    return material.spec.location_detail or DEFAULT_LOCATION


def check_location(content: Content, material: Material) -> list[Problem]:
    """With ``location_detail: force``, no wording may name the area."""
    if location_detail(material) != "force":
        return []
    doc = content.docs.get(material.source)
    problems = []
    for name, block in material.blocks.items():
        texts = [block.text] + ([block.heading] if block.heading else [])
        if any("area" in markup.placeholders(t) for t in texts):
            key = f"blocks.{name}"
            line = doc.line_of(key) if doc is not None else None
            problems.append(
                Problem(
                    "location_detail is 'force', so the card may not name the area: remove {area}",
                    str(content.root / material.source),
                    line,
                    key,
                )
            )
    return problems


def _values(content: Content, stats: Mapping[str, Any]) -> dict[str, str]:
    """Placeholder values; the operation, area and date are the run's own."""
    values = placeholder_values(content)
    op = stats.get("operation") or {}
    if op.get("name"):
        values["operation"] = str(op["name"])
    if op.get("area"):
        values["area"] = str(op["area"])
    with contextlib.suppress(ValueError):
        values["patrol_date"] = long_date(dt.date.fromisoformat(str(op.get("patrol_date"))))
    return values


def _block_text(material: Material, name: str, values: Mapping[str, str]) -> str:
    block = material.blocks.get(name)
    if block is None:
        return ""
    text = markup.plain_text(markup.fill_nodes(block.nodes, values))
    return " ".join(text.split())


def _number(value: Any) -> str:
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return "0"


def card_text(
    content: Content, material: Material, stats: Mapping[str, Any], *, draft: str | None = None
) -> CardText:
    problems = check_location(content, material)
    if problems:
        raise CardError(problems)
    values = _values(content, stats)
    labels = material.spec.labels
    return CardText(
        force=content.operation.force.name,
        headline=_block_text(material, "headline", values),
        intro=_block_text(material, "intro", values),
        figures=tuple((_number(stats.get(key)), labels[key]) for key in FIGURES),
        call_to_action=_block_text(material, "call_to_action", values),
        draft=draft,
    )


def _text_env(templates: Path) -> ImmutableSandboxedEnvironment:
    """Plain-text Jinja: sandboxed and strict, no HTML escaping (this is not HTML)."""
    return ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(str(Path(templates).resolve())),
        autoescape=False,
        undefined=StrictUndefined,
    )


def alt_text(content: Content, material: Material, text: CardText) -> str:
    """The image's alt text, written by the material's template."""
    template = _text_env(content.templates).get_template(material.spec.template)
    rendered = template.render(
        force=text.force,
        headline=text.headline,
        intro=text.intro,
        figures=[{"number": n, "label": label} for n, label in text.figures],
        call_to_action=text.call_to_action,
        draft=text.draft,
    )
    return " ".join(rendered.split()) + "\n"


# --- drawing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    pad: int
    force_pt: int
    headline_pt: tuple[int, int]  # largest, smallest
    intro_pt: tuple[int, int]
    columns: int
    number_pt: int
    label_pt: int
    cta_pt: int
    gap: int


LAYOUTS = {
    "square": Layout(
        pad=72,
        force_pt=40,
        headline_pt=(76, 48),
        intro_pt=(38, 30),
        columns=2,
        number_pt=124,
        label_pt=38,
        cta_pt=46,
        gap=28,
    ),
    "wide": Layout(
        pad=52,
        force_pt=32,
        headline_pt=(60, 38),
        intro_pt=(30, 26),
        columns=4,
        number_pt=92,
        label_pt=30,
        cta_pt=36,
        gap=18,
    ),
}


def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap to ``width`` pixels (a word longer than a line stays whole)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if current and draw.textlength(trial, font=font) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


def _line_height(font: ImageFont.FreeTypeFont) -> int:
    ascent, descent = font.getmetrics()
    return int((ascent + descent) * 1.08)


def _figure_height(font: ImageFont.FreeTypeFont) -> int:
    """Height of a line of digits only (no descenders, no line gap)."""
    return int(font.getbbox("0123456789")[3] * 1.12)


class _Canvas:
    def __init__(self, size: tuple[int, int]):
        self.image = Image.new("RGB", size, BACKGROUND)
        self.draw = ImageDraw.Draw(self.image)
        self.drawn: list[str] = []

    def text(
        self, xy: tuple[float, float], text: str, font: ImageFont.FreeTypeFont, fill: tuple[int, int, int]
    ) -> None:
        self.draw.text(xy, text, font=font, fill=fill)
        self.drawn.append(text)

    def block(self, x: int, y: int, lines: list[str], font: ImageFont.FreeTypeFont, fill) -> int:
        step = _line_height(font)
        for line in lines:
            self.text((x, y), line, font, fill)
            y += step
        return y


def draw_card(text: CardText, size_name: str) -> tuple[Image.Image, list[str]]:
    """The card image and every string drawn on it."""
    width, height = SIZES[size_name]
    lay = LAYOUTS[size_name]
    canvas = _Canvas((width, height))
    draw = canvas.draw
    inner = width - 2 * lay.pad
    y = lay.pad

    if text.draft:
        band_font = _font(BOLD, lay.force_pt)
        band = _line_height(band_font) + 16
        draw.rectangle((0, 0, width, band), fill=DRAFT_BAND)
        canvas.text((lay.pad, 8), text.draft, band_font, TEXT)
        y = band + lay.gap

    force_font = _font(BOLD, lay.force_pt)
    y = canvas.block(lay.pad, y, [text.force], force_font, NUMBER)
    draw.rectangle((lay.pad, y + 4, lay.pad + 120, y + 10), fill=RULE)
    y += lay.gap

    # From the bottom up: the call to action, then the figures.
    cta_font = _font(BOLD, lay.cta_pt)
    cta_lines = wrap(draw, text.call_to_action, cta_font, inner)
    cta_top = height - lay.pad - len(cta_lines) * _line_height(cta_font)

    column = (inner - (lay.columns - 1) * lay.gap) // lay.columns
    number_font = _font(BOLD, lay.number_pt)
    label_font = _font(REGULAR, lay.label_pt)
    label_lines = [wrap(draw, label, label_font, column) for _, label in text.figures]
    rows = -(-len(text.figures) // lay.columns)
    per_row = []
    for r in range(rows):
        tallest = max(
            len(label_lines[i]) for i in range(r * lay.columns, min(len(text.figures), (r + 1) * lay.columns))
        )
        per_row.append(_figure_height(number_font) + tallest * _line_height(label_font))
    figures_height = sum(per_row) + (rows - 1) * lay.gap
    figures_top = cta_top - lay.gap - figures_height

    # Headline and intro share what is left, shrinking until they fit.
    room = figures_top - lay.gap - y
    for headline_pt, intro_pt in _sizes(lay):
        headline_font = _font(BOLD, headline_pt)
        intro_font = _font(REGULAR, intro_pt)
        headline_lines = wrap(draw, text.headline, headline_font, inner)
        intro_lines = wrap(draw, text.intro, intro_font, inner) if text.intro else []
        needed = len(headline_lines) * _line_height(headline_font)
        if intro_lines:
            needed += lay.gap // 2 + len(intro_lines) * _line_height(intro_font)
        if needed <= room:
            break
    else:
        raise CardError(
            [Problem(f"the card's wording is too long for the {width} × {height} card: shorten it")]
        )
    y = canvas.block(lay.pad, y, headline_lines, headline_font, TEXT)
    if intro_lines:
        canvas.block(lay.pad, y + lay.gap // 2, intro_lines, intro_font, TEXT)

    y = figures_top
    for r in range(rows):
        for c in range(lay.columns):
            i = r * lay.columns + c
            if i >= len(text.figures):
                break
            x = lay.pad + c * (column + lay.gap)
            number, _ = text.figures[i]
            canvas.text((x, y), number, number_font, NUMBER)
            canvas.block(x, y + _figure_height(number_font), label_lines[i], label_font, TEXT)
        y += per_row[r] + lay.gap

    canvas.block(lay.pad, cta_top, cta_lines, cta_font, NUMBER)
    return canvas.image, canvas.drawn


def _sizes(lay: Layout):
    """(headline, intro) point sizes to try, largest first."""
    (h_hi, h_lo), (i_hi, i_lo) = lay.headline_pt, lay.intro_pt
    steps = max(1, (h_hi - h_lo) // 4)
    for step in range(steps + 1):
        fraction = step / steps
        yield round(h_hi - (h_hi - h_lo) * fraction), round(i_hi - (i_hi - i_lo) * fraction)


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def render_cards(
    content: Content,
    material: Material,
    stats: Mapping[str, Any],
    out_dir: Path,
    *,
    draft: str | None = None,
    sizes: tuple[str, ...] = tuple(SIZES),
) -> list[CardOutput]:
    """Write ``<material>-<w>x<h>.png`` and ``.txt`` (alt text) for each size."""
    text = card_text(content, material, stats, draft=draft)
    alt = alt_text(content, material, text)
    out_dir = atomic.private_dir(Path(out_dir))
    outputs = []
    for size_name in sizes:
        image, drawn = draw_card(text, size_name)
        width, height = SIZES[size_name]
        stem = f"{material.id}-{width}x{height}"
        png, txt = out_dir / f"{stem}.png", out_dir / f"{stem}.txt"
        atomic.write_bytes(png, png_bytes(image))
        atomic.write_text(txt, alt)
        outputs.append(CardOutput(size_name, (width, height), png, txt, alt, drawn))
    return outputs


__all__ = [
    "FIGURES",
    "SIZES",
    "CardError",
    "CardOutput",
    "CardText",
    "alt_text",
    "card_text",
    "check_location",
    "draw_card",
    "render_cards",
]

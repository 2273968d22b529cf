"""The before-and-after chart: monthly vehicle crime in the area, the buffer and the comparison, with the
operation marked; drawn by matplotlib as SVG (vector) for the tagged PDF report.

Reproducible bytes: the Agg backend, the bundled Atkinson Hyperlegible Next font (glyphs drawn as paths, so
nothing depends on the fonts installed), a fixed ``svg.hashsalt`` for the ids, and the SVG's date taken
from ``SOURCE_DATE_EPOCH`` (none when it is unset). The chart never stands alone: the report gives it alt
text stating the finding, and the data table beside it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")

# imported after the backend is chosen
from matplotlib import font_manager
from matplotlib.figure import Figure

from handle_docs.util.fonts import FONT_DIR
from handle_docs.util.reproducible import source_datetime

FONTS = FONT_DIR
FONT_FILES = ("AtkinsonHyperlegibleNext-Regular.ttf", "AtkinsonHyperlegibleNext-Bold.ttf")
FONT_NAME = "Atkinson Hyperlegible Next"
INK = "#000000"
LINE = "#1d4f91"  # dark blue: 8.6:1 on white
AFTER_SHADE = "#e6e6e6"
FONT_PT = 16  # the chart is drawn at its printed size (full text width): large print, as the body text

#: The chart shows at most this many months before the operation.
MONTHS_BEFORE = 24

_fonts_added = False


def _use_bundled_font() -> None:
    global _fonts_added
    if not _fonts_added:
        for name in FONT_FILES:
            font_manager.fontManager.addfont(str(FONTS / name))
        _fonts_added = True


def _settings() -> dict:
    return {
        "svg.hashsalt": "handle-docs-impact",
        "svg.fonttype": "path",
        "font.family": FONT_NAME,
        "font.size": FONT_PT,
        "axes.edgecolor": INK,
        "axes.labelcolor": INK,
        "xtick.color": INK,
        "ytick.color": INK,
        "path.simplify": False,
    }


def shown_months(months: Sequence[str], operation: str) -> list[str]:
    """Up to :data:`MONTHS_BEFORE` months before the operation, the operation's month and all after."""
    before = [m for m in months if m < operation][-MONTHS_BEFORE:]
    return before + [m for m in months if m >= operation]


def _label(month: str) -> str:
    names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return f"{names[int(month[5:7]) - 1]}\n{month[:4]}"


def draw(series: Mapping[str, Mapping[str, int]], operation: str) -> bytes:
    """SVG bytes: one panel per series (``{"The area": {month: count}, ...}``, in order), sharing the months
    axis, the operation's month marked by a line and the months after it shaded."""
    _use_bundled_font()
    months = shown_months(sorted(next(iter(series.values()))), operation)
    with matplotlib.rc_context(_settings()):
        fig = Figure(figsize=(6.6, 1.65 * len(series) + 0.7))
        axes = fig.subplots(len(series), 1, sharex=True, squeeze=False)[:, 0]
        x = list(range(len(months)))
        op_x = months.index(operation) if operation in months else None
        for ax, (name, counts) in zip(axes, series.items(), strict=True):
            y = [counts.get(m, 0) for m in months]
            if op_x is not None:
                ax.axvspan(op_x + 0.5, len(months) - 0.5, color=AFTER_SHADE, linewidth=0)
                ax.axvline(op_x, color=INK, linewidth=1.5, linestyle=(0, (4, 2)))
            ax.plot(x, y, color=LINE, linewidth=2, marker="o", markersize=3)
            ax.set_title(name, loc="left", fontsize=FONT_PT, fontweight="bold")
            ax.set_ylim(bottom=0, top=max(max(y, default=0) * 1.15, 1))
            ax.spines[["top", "right"]].set_visible(False)
            ax.yaxis.get_major_locator().set_params(integer=True)
        if op_x is not None:
            axes[0].annotate(
                "patrol",
                (op_x, axes[0].get_ylim()[1]),
                xytext=(4, -2),
                textcoords="offset points",
                va="top",
                fontsize=FONT_PT,
            )
        step = max(1, -(-len(months) // 7))
        axes[-1].set_xticks(x[::step], [_label(m) for m in months[::step]])
        axes[-1].set_xlim(-0.5, len(months) - 0.5)
        fig.supylabel("vehicle crimes a month", fontsize=FONT_PT)
        fig.tight_layout()
        stamp = source_datetime()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="svg", metadata={"Date": stamp.isoformat() if stamp else None})
    return buffer.getvalue()


_STYLE_ATTR = re.compile(r'style="([^"]*)"')


def _presentation(match: re.Match) -> str:
    """``style="fill: #fff; stroke-width: 0.8"`` -> ``fill="#fff" stroke-width="0.8"``: SVG presentation
    attributes, which an SVG inside HTML reads without the HTML's stylesheet parser complaining."""
    attrs = []
    for decl in match.group(1).split(";"):
        name, _, value = decl.partition(":")
        if name.strip() and value.strip():
            attrs.append(f'{name.strip()}="{value.strip()}"')
    return " ".join(attrs)


def inline(svg: bytes, alt: str) -> str:
    """The SVG as an element to put in the report's HTML: no XML prolog or DOCTYPE, ``role="img"`` with
    ``alt`` as its accessible name and title (the HTML around it is autoescaped; ``alt`` is escaped here)."""
    text = svg.decode("utf-8")
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>", "", text, count=1, flags=re.DOTALL)
    text = _STYLE_ATTR.sub(_presentation, text)
    safe = alt.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    text = text.replace("<svg ", f'<svg role="img" aria-label="{safe}" ', 1)
    head_end = text.index(">") + 1
    return text[:head_end] + f"<title>{safe}</title>" + text[head_end:]


__all__ = ["MONTHS_BEFORE", "draw", "inline", "shown_months"]

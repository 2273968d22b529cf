"""Which lint measures apply to each material and which do not, for the report
("Flesch: English only, not measured for Polish")."""

from __future__ import annotations

from dataclasses import dataclass

from handle_docs.records.vocab import language_name
from handle_docs.wording.content import Content, Material

from .config import LintConfig


@dataclass(frozen=True)
class MaterialMeasures:
    """What lint held one material's wording to, in the material's language."""

    file: str
    material_id: str
    language: str  # the material's language tag
    measured: tuple[str, ...]
    not_measured: tuple[str, ...]

    def __str__(self) -> str:
        line = f"{self.file}: {self.material_id} ({language_name(self.language)}): measured: " + ", ".join(
            self.measured
        )
        return line + (f"; not measured: {', '.join(self.not_measured)}" if self.not_measured else "")

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "material": self.material_id,
            "language": self.language,
            "measured": list(self.measured),
            "not_measured": list(self.not_measured),
        }


def _on(config: LintConfig, *rules: str) -> bool:
    return any(config.severity_of(rule) is not None for rule in rules)


def measures_of(material: Material, config: LintConfig, file: str | None = None) -> MaterialMeasures:
    """What lint measures in ``material``'s wording, given its language."""
    lang = material.spec.language
    name = language_name(lang)
    english = lang.lower().startswith("en")
    measured: list[str] = []
    not_measured: list[str] = []
    if english and _on(config, "reading-ease", "grade-level"):
        limits = config.readability
        measured.append(
            f"Flesch reading ease (at least {limits.min_reading_ease:g}) and grade level "
            f"(at most {limits.max_grade_level:g})"
        )
    elif not english:
        not_measured.append(f"Flesch (English only, not measured for {name})")
    if _on(config, "long-sentence"):
        sentences = f"sentences (at most {config.sentence_limit(lang)} words"
        if not english and _on(config, "sentence-average"):
            sentences += f", {config.limits_for(lang).max_average_words:g} on average"
        measured.append(sentences + ")")
    if not english and _on(config, "long-words"):
        limits_for = config.limits_for(lang)
        measured.append(
            f"long words ({limits_for.long_word_letters}+ letters, at most {limits_for.max_long_word_percent:g}%)"
        )
    if _on(config, "long-paragraph"):
        measured.append(f"paragraphs (at most {config.paragraphs.max_sentences} sentences)")
    avoid = config.avoid_for(lang)
    if avoid and _on(config, "jargon"):
        measured.append(f"{len(avoid)} words to avoid in {name}")
    elif _on(config, "jargon"):
        not_measured.append(f"words to avoid (lint.yaml lists none for {name})")
    screen = [
        label
        for rule, label in (("all-caps", "capitals"), ("click-here", "link text"), ("emoji", "emoji"))
        if _on(config, rule) and (english or rule != "click-here")
    ]
    if screen:
        measured.append(" and ".join([", ".join(screen[:-1]), screen[-1]] if len(screen) > 1 else screen))
    if not english and _on(config, "click-here"):
        not_measured.append(f"link text (English phrases only, not checked for {name})")
    return MaterialMeasures(file or material.source, material.id, lang, tuple(measured), tuple(not_measured))


def measures_for(content: Content, config: LintConfig) -> list[MaterialMeasures]:
    """``measures_of`` every material, in the order lint reports files."""
    out = []
    for material in sorted(content.materials.values(), key=lambda m: m.source):
        doc = content.docs.get(material.source)
        out.append(measures_of(material, config, doc.path if doc is not None else None))
    return out

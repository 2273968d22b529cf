"""``handle-docs lint`` in every language: Flesch for English only, sentence
and word length for the others, each language's own words to avoid, and a
report that says which measures applied to each material."""

from __future__ import annotations

import json

import pytest

from handle_docs.lint import lint_content, load_lint_config, readability
from handle_docs.lint.config import LanguageLimits, Readability
from handle_docs.lint.rules import Piece, jargon
from handle_docs.models import ProblemsError
from handle_docs.wording.content import load_content

from .conftest import CONTENT, line_of, with_link_labels
from .test_lint import by_rule, replace_block, run_on

KEY = "blocks.findings.insecure_vehicle.text"

#: The "car not locked" finding, translated plainly (written for these tests).
PLAIN = {
    "cy": [
        "Gwelsom gar yn eich cyfeiriad nad oedd **wedi ei gloi**. Wnaethon ni ddim ei agor na",
        "chymryd dim byd. Dim ond ychydig eiliadau sydd eu hangen ar leidr i agor car heb ei gloi.",
        "",
        "Cofiwch gloi eich car bob tro rydych chi'n ei adael, hyd yn oed ar eich dreif.",
    ],
    "pl": [
        "Samochód pod Państwa adresem **nie był zamknięty**. Nie otwieraliśmy go i niczego nie",
        "zabraliśmy. Złodziej potrzebuje tylko kilku sekund, żeby otworzyć niezamknięty samochód.",
        "",
        "Prosimy zamykać samochód za każdym razem, gdy go Państwo zostawiają, nawet na własnym podjeździe.",
    ],
    "ro": [
        "Am găsit o mașină la adresa dumneavoastră care **nu era încuiată**. Nu am deschis-o și nu",
        "am luat nimic. Unui hoț îi trebuie doar câteva secunde ca să deschidă o mașină descuiată.",
        "",
        "Vă rugăm să vă încuiați mașina de fiecare dată când o lăsați, chiar și pe aleea casei.",
    ],
    "ar": [
        "وجدنا سيارة في عنوانك **لم تكن مقفلة**. لم نفتحها ولم نأخذ أي شيء. يحتاج اللص",
        "إلى ثوانٍ قليلة فقط لفتح سيارة غير مقفلة.",
        "",
        "يرجى قفل سيارتك في كل مرة تتركها فيها، حتى لو كانت أمام منزلك.",
    ],
    "ur": [
        "ہمیں آپ کے پتے پر ایک گاڑی ملی جو **لاک نہیں تھی**۔ ہم نے اسے نہیں کھولا اور کچھ نہیں لیا۔",
        "چور کو بغیر لاک گاڑی کھولنے کے لیے صرف چند سیکنڈ چاہئیں۔",
        "",
        "براہ کرم جب بھی گاڑی چھوڑیں اسے لاک کریں، چاہے وہ آپ کے گھر کے سامنے ہی کیوں نہ ہو۔",
    ],
}

#: 30 words in one sentence (counted by hand: 6 lines of 5 words).
LONG_POLISH = [
    "Kiedy w nocy sprawdzaliśmy samochody",
    "zaparkowane na Państwa ulicy, zauważyliśmy",
    "że drzwi jednego z nich",
    "nie były zamknięte, więc prosimy",
    "zawsze zamykać auto i zabierać",
    "torby oraz telefony ze sobą.",
]


def translate(content_dir, lang: str, text_lines: list[str]):
    """The visit letter as its translation into ``lang``, with the not-locked finding in ``text_lines``."""
    english = (content_dir / "letters" / "visit.yaml").read_text(encoding="utf-8")
    path = content_dir / "letters" / f"visit.{lang}.yaml"
    translated = english.replace("id: visit-letter", f"id: visit-letter-{lang}\ntranslation_of: visit-letter")
    path.write_text(
        with_link_labels(translated.replace("language: en-GB", f"language: {lang}"), content_dir),
        encoding="utf-8",
    )
    replace_block(path, "insecure_vehicle", "—", text_lines)
    return path


def of(problems, path, key=KEY):
    return [p for p in problems if p.file == str(path) and p.key == key]


def test_flesch_is_reported_for_english_and_not_for_polish(content_copy):
    polish = translate(content_copy, "pl", PLAIN["pl"])
    visit = content_copy / "letters" / "visit.yaml"
    # scores no block could reach: every English block long enough to score is reported
    config = load_lint_config(content_copy / "lint.yaml").model_copy(
        update={"readability": Readability(min_reading_ease=200, max_grade_level=-20)}
    )
    problems = lint_content(load_content(content_copy), config)
    assert {p.rule for p in of(problems, visit)} == {"reading-ease", "grade-level"}
    assert "Flesch reading ease is" in of(problems, visit)[0].message
    assert of(problems, polish) == []


def test_a_long_polish_sentence_is_flagged_with_file_line_and_key(content_copy):
    polish = translate(content_copy, "pl", LONG_POLISH)
    [long] = by_rule(of(lint_content(load_content(content_copy)), polish), "long-sentence")
    assert long.where == f"{polish}:{line_of(polish, 'Kiedy w nocy')}: {KEY}"
    assert long.message.startswith('sentence has 30 words (limit 25): "Kiedy w nocy sprawdzaliśmy')


def test_polish_sentences_long_on_average_and_long_words_are_flagged(content_copy):
    polish = translate(
        content_copy,
        "pl",
        [
            "Przeprowadzaliśmy kontrolę zabezpieczeń zaparkowanych samochodów osobowych. Stwierdziliśmy",
            "nieprawidłowości dotyczące zabezpieczenia Państwa samochodu. Zalecamy natychmiastowe",
            "wprowadzenie odpowiednich zabezpieczeń. Dziękujemy serdecznie Państwu za zrozumienie",
            "oraz współpracę z funkcjonariuszami naszej jednostki terenowej policji w Westmarch.",
        ],
    )  # 4 sentences of 6, 6, 5 and 15 words; 22 of the 32 words have 9 letters or more (counted by hand)
    config = load_lint_config(content_copy / "lint.yaml")
    problems = of(lint_content(load_content(content_copy), config), polish)
    [share] = by_rule(problems, "long-words")
    assert share.message.startswith("69% of words have 9 letters or more (at most 35%): 22 of 32, e.g. ")
    assert "funkcjonariuszami" in share.message
    assert (
        share.where == f"{polish}:{line_of(polish, 'Przeprowadzaliśmy') - 1}: {KEY}"
    )  # the block as a whole: its key
    assert by_rule(problems, "sentence-average") == []  # 8 words a sentence is well under Polish's 18

    stricter = config.model_copy(
        update={"languages": {"pl": LanguageLimits(max_average_words=6, long_word_letters=9)}}
    )
    [average] = by_rule(of(lint_content(load_content(content_copy), stricter), polish), "sentence-average")
    assert average.message == (
        "sentences average 8.0 words (at most 6): 4 sentences, 32 words, the longest 15; "
        "split the longest sentences"
    )


def test_a_welsh_word_to_avoid_is_flagged_where_it_is_and_not_in_the_english_letter(content_copy):
    welsh = translate(
        content_copy,
        "cy",
        [
            "Roedd eich cerbyd heb ei gloi. Mae troseddau cerbydau yn digwydd yn yr ardal hon.",
        ],
    )
    problems = lint_content(load_content(content_copy))
    [avoid] = by_rule(of(problems, welsh), "jargon")
    assert avoid.where == f"{welsh}:{line_of(welsh, 'Roedd eich cerbyd')}: {KEY}"
    assert (
        avoid.message == 'avoid "cerbyd" (a formal word): write "car" instead'
    )  # "troseddau cerbydau" is allowed
    assert not [p for p in by_rule(problems, "jargon") if "cerbyd" in p.message and p.file != str(welsh)]


def test_plain_translations_pass_lint_strict_in_every_sample_language(content_copy):
    paths = {lang: translate(content_copy, lang, lines) for lang, lines in PLAIN.items()}
    problems = lint_content(load_content(content_copy))
    assert {lang: [str(p) for p in of(problems, path)] for lang, path in paths.items()} == {
        lang: [] for lang in PLAIN
    }


def test_arabic_words_are_split_on_spaces_and_harakat_are_not_letters():
    voweled = "كَتَبَ الوَلَدُ الدَّرْسَ."  # "the boy wrote the lesson", with harakat
    assert readability.words(voweled, "ar") == ["كَتَبَ", "الوَلَدُ", "الدَّرْسَ."]
    assert [readability.letters(w) for w in readability.words(voweled, "ar")] == [3, 5, 5]
    assert readability.letters("ســــيارة") == 5  # the tatweel only stretches the line
    # "الدَّرْسَ" is 9 characters but 5 letters: not a long word at 6 letters
    stats = readability.word_stats(voweled + " هل أنت بخير؟ نعم", "ar", long_letters=6)
    assert (stats.sentences, stats.words, stats.long_words, stats.longest) == (3, 7, 0, 3)


def test_an_arabic_word_to_avoid_is_found_with_or_without_harakat(content_copy):
    arabic = translate(content_copy, "ar", ["كانت المَرْكَبَة غير مقفلة. كانت المركبة غير مقفلة."])
    found = by_rule(of(lint_content(load_content(content_copy)), arabic), "jargon")
    assert [p.message for p in found] == [
        'avoid "المَرْكَبَة" (a formal word): write "سيارة" instead',
        'avoid "المركبة" (a formal word): write "سيارة" instead',
    ]


def test_the_report_says_which_measures_apply_to_each_material(content_copy):
    translate(content_copy, "pl", PLAIN["pl"])
    result = run_on(content_copy)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    english = next(line for line in lines if "visit.yaml: visit-letter (English): measured: " in line)
    assert "Flesch reading ease (at least 60) and grade level (at most 8)" in english
    assert "not measured" not in english
    polish = next(line for line in lines if "visit.pl.yaml: visit-letter-pl (Polish): measured: " in line)
    assert "sentences (at most 25 words, 18 on average), long words (9+ letters, at most 35%)" in polish
    assert "4 words to avoid in Polish" in polish
    assert "not measured: Flesch (English only, not measured for Polish)" in polish

    report = json.loads(run_on(content_copy, "--json").output)
    [entry] = [m for m in report["materials"] if m["material"] == "visit-letter-pl"]
    assert (
        entry["language"] == "pl"
        and "Flesch (English only, not measured for Polish)" in entry["not_measured"]
    )


def test_the_older_lint_yaml_shape_with_one_english_jargon_list_still_works(content_copy, tmp_path):
    old = tmp_path / "lint.yaml"
    old.write_text("jargon:\n  - {term: vehicle, use: car}\n", encoding="utf-8")
    assert [t.term for t in load_lint_config(old).avoid_for("en-GB")] == ["vehicle"]
    both = tmp_path / "both.yaml"
    both.write_text(
        "jargon:\n  - {term: vehicle, use: car}\navoid:\n  en:\n    - {term: premises, use: home}\n"
    )
    with pytest.raises(ProblemsError, match="English words to avoid are given twice"):
        load_lint_config(both)
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text("avoid:\n  klingon:\n    - {term: x, use: y}\n")
    with pytest.raises(ProblemsError, match=r"unknown\.yaml:\d+: .*unknown language klingon"):
        load_lint_config(unknown)


@pytest.mark.parametrize(
    "lang, text, flagged",
    [
        ("ar", "نكافح جرائم المركبات. كانت المركبة مفتوحة.", "المركبة"),
        ("ro", "Luptăm cu infracțiuni cu autovehicule. Autovehiculul era deschis.", "Autovehiculul"),
        ("pl", "Zwalczamy przestępstwa dotyczące pojazdów. Pojazd był otwarty.", "Pojazd"),
    ],
)
def test_as_in_english_vehicle_crime_itself_is_allowed_but_the_formal_word_for_a_car_is_not(
    lang, text, flagged
):
    config = load_lint_config(CONTENT / "lint.yaml")
    found = [f.message for f in jargon(Piece("blocks.opening", text, lang, prose=True), config)]
    assert len(found) == 1 and found[0].startswith(f'avoid "{flagged}" (a formal word)')

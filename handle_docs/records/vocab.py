"""Vocabulary shared by the record readers and the letter wording.

One place for the words officers type and the canonical keys the rest of
handle-docs uses: items seen on display, yes/no answers and languages.
Import from here rather than copying lists (content YAML keys the advice for
each item by the keys in :data:`ITEM_KEYS`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from types import MappingProxyType

from handle_docs.util.langtag import primary_subtag

#: Canonical item key -> other words officers (or the form's choices) use for it.
#: The key itself, with ``_`` read as a space, is always accepted too.
ITEM_ALIASES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "bag": ("handbag", "backpack", "rucksack", "holdall", "shopping"),
        "phone": ("mobile", "mobile phone", "smartphone"),
        "sat_nav": ("satnav", "sat nav", "gps"),
        "cash": ("coins", "money", "loose change"),
        "tools": ("tool", "power tools", "toolbox"),
        "laptop": ("tablet", "ipad"),
        "charger": ("cable", "charging cable", "charger/cable"),
        "keys": ("car keys", "key"),
        "sunglasses": (),
        "clothing": ("coat", "jacket"),
        "parcel": (),
        "documents": ("paperwork", "v5", "v5c"),
    }
)

#: Canonical item keys, in the order letters list them.
ITEM_KEYS: tuple[str, ...] = tuple(ITEM_ALIASES)

#: What every item outside :data:`ITEM_KEYS` is counted as in figures (stats.json, the
#: report): an officer's own words could say anything, so they go only into that
#: resident's letter and are never counted by name.
OTHER_ITEM = "other"


def item_kind(item: str) -> str:
    """The kind an item is counted under: its key if it is one of :data:`ITEM_KEYS`, else :data:`OTHER_ITEM`."""
    return item if item in ITEM_KEYS else OTHER_ITEM


#: The item key that means keys were visible (sets ``VisitRecord.keys_visible``).
KEYS_ITEM = "keys"

#: Answers meaning "nothing on display"; dropped from the item list.
NO_ITEMS_WORDS: frozenset[str] = frozenset({"none", "nothing", "nil"})

#: Answers that say nothing about what was on show ("n/a" or "-" may mean nothing,
#: or that the officer did not say): like an answer of punctuation only ("??",
#: "..."), each is read as :data:`UNNAMED_ITEM`, with a warning, never printed.
SAYS_NOTHING_WORDS: frozenset[str] = frozenset(
    {"n/a", "na", "n.a.", "unknown", "not known", "unsure", "not sure", "dunno", "tbc", "idk"}
)

#: The item an answer that says nothing stands for: the letter says something
#: was on show without naming it; figures count it as :data:`OTHER_ITEM`.
UNNAMED_ITEM = "unnamed"


def _punctuation(ch: str) -> bool:
    """A mark that names nothing: ASCII punctuation or symbols ("?", "-", "*"), or any Unicode
    punctuation ("…", "—"); an emoji or other symbol could name a thing (and the fonts judge it)."""
    return (ch.isascii() and not ch.isalnum()) or unicodedata.category(ch).startswith("P")


def says_nothing(item: str) -> bool:
    """Whether one typed item (whitespace collapsed) says nothing: "??", "-", "...", "n/a", "unknown"."""
    return item.lower() in SAYS_NOTHING_WORDS or all(_punctuation(ch) for ch in item if not ch.isspace())


#: Longest free-text item kept as typed.
MAX_ITEM_CHARS = 60


def _item_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for key, aliases in ITEM_ALIASES.items():
        lookup[key] = key
        lookup[key.replace("_", " ")] = key
        for alias in aliases:
            lookup[alias] = key
    return lookup


#: Lower-case word -> canonical item key (keys and aliases).
ITEM_LOOKUP: Mapping[str, str] = MappingProxyType(_item_lookup())

#: Answers meaning yes / no to any yes-or-no question, compared after
#: lower-casing and collapsing spaces.  A Microsoft Forms choice question
#: exports the option text ("Yes"); a checkbox question exports the ticked
#: options each followed by ";" ("Yes;"), which :func:`answer_parts` splits.
YES_WORDS: frozenset[str] = frozenset(
    {"yes", "y", "true", "1", "ticked", "checked", "\u2713", "\u2714", "\u2611"}
)
NO_WORDS: frozenset[str] = frozenset({"no", "n", "false", "0", "unticked", "not ticked", "unchecked"})

#: Further answers to "was the vehicle secure?": locked/secure mean yes.
SECURE_YES_WORDS: frozenset[str] = frozenset({"locked", "secure", "secured", "locked and secure"})
SECURE_NO_WORDS: frozenset[str] = frozenset(
    {"unlocked", "insecure", "unsecure", "unsecured", "not locked", "not secure", "not secured", "open"}
)

#: Field -> (yes words, no words) for every yes-or-no field.
YES_NO_FIELDS: Mapping[str, tuple[frozenset[str], frozenset[str]]] = MappingProxyType(
    {
        "vehicle_secure": (YES_WORDS | SECURE_YES_WORDS, NO_WORDS | SECURE_NO_WORDS),
        "advice_given": (YES_WORDS, NO_WORDS),
        "nws_interest": (YES_WORDS, NO_WORDS),
        "cms_interest": (YES_WORDS, NO_WORDS),
        "large_print": (YES_WORDS, NO_WORDS),
    }
)


def answer_parts(text: str) -> list[str]:
    """The answers in a cell, lower case with spaces collapsed: a Forms
    checkbox export ("Yes;" or "Locked;Yes;") gives one part per ticked option."""
    return [part for part in (" ".join(piece.split()).lower() for piece in text.split(";")) if part]


def yes_no(text: str, field: str) -> bool | None:
    """True/False when every answer in ``text`` means the same for ``field``,
    None when it is blank, not understood or contradicts itself."""
    yes_words, no_words = YES_NO_FIELDS[field]
    meanings = {
        True if part in yes_words else False if part in no_words else None for part in answer_parts(text)
    }
    return meanings.pop() if len(meanings) == 1 else None


#: The letter's format (the ``format`` column, or the Forms question "Does the
#: resident want the letter in another format?"): canonical value -> the words
#: for it.  A blank cell, or one of :data:`PRINT_WORDS`, is the ordinary print letter ("").
BRAILLE = "braille"
LARGE_PRINT = "large_print"
FORMATS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        BRAILLE: ("braille", "braille letter", "brf", "ueb", "unified english braille"),
        LARGE_PRINT: ("large print", "large-print", "large print letter", "large", "big print"),
    }
)
PRINT_WORDS: frozenset[str] = frozenset({"no", "none", "print", "standard", "normal", "regular", "n/a", "-"})


def letter_format(text: str) -> str | None:
    """The canonical format for an answer (any case, a Forms checkbox's ``;``):
    "" for the print letter, "braille", "large_print", or None when not understood."""
    found: set[str] = set()
    for part in answer_parts(text):
        if part in PRINT_WORDS:
            found.add("")
            continue
        matches = [key for key, words in FORMATS.items() if part in words]
        if not matches:
            return None
        found.add(matches[0])
    if len(found) > 1:  # "No;Braille" is braille; braille and large print ticked: braille
        found.discard("")
        return BRAILLE if BRAILLE in found else found.pop()
    return found.pop() if found else ""


#: Language used when a record gives none.
DEFAULT_LANGUAGE = "en-GB"

#: Primary language subtag -> English name, for every language we accept.
LANGUAGES: Mapping[str, str] = MappingProxyType(
    {
        "en": "English",
        "cy": "Welsh",
        "pl": "Polish",
        "ro": "Romanian",
        "pa": "Punjabi",
        "ur": "Urdu",
        "bn": "Bengali",
        "gu": "Gujarati",
        "ar": "Arabic",
        "pt": "Portuguese",
        "lt": "Lithuanian",
        "so": "Somali",
        "ga": "Irish",
        "gd": "Scottish Gaelic",
        "fr": "French",
        "de": "German",
        "es": "Spanish",
        "it": "Italian",
        "bg": "Bulgarian",
        "hu": "Hungarian",
        "cs": "Czech",
        "sk": "Slovak",
        "lv": "Latvian",
        "ru": "Russian",
        "uk": "Ukrainian",
        "tr": "Turkish",
        "fa": "Persian",
        "ps": "Pashto",
        "ku": "Kurdish",
        "ti": "Tigrinya",
        "am": "Amharic",
        "sq": "Albanian",
        "el": "Greek",
        "hi": "Hindi",
        "ta": "Tamil",
        "zh": "Chinese",
    }
)

#: Each language's own name for itself, lower case, as a resident would write it
#: -> language code (the first name given for a code is the one a picker shows).
NAMES_IN_THEMSELVES: Mapping[str, str] = MappingProxyType(
    {
        "cymraeg": "cy",
        "polski": "pl",
        "română": "ro",
        "romana": "ro",
        "ਪੰਜਾਬੀ": "pa",
        "پنجابی": "pa",
        "اردو": "ur",
        "বাংলা": "bn",
        "ગુજરાતી": "gu",
        "العربية": "ar",
        "عربي": "ar",
        "português": "pt",
        "portugues": "pt",
        "lietuvių": "lt",
        "soomaali": "so",
        "gaeilge": "ga",
        "gàidhlig": "gd",
        "français": "fr",
        "deutsch": "de",
        "español": "es",
        "espanol": "es",
        "italiano": "it",
        "български": "bg",
        "magyar": "hu",
        "čeština": "cs",
        "slovenčina": "sk",
        "latviešu": "lv",
        "русский": "ru",
        "українська": "uk",
        "türkçe": "tr",
        "فارسی": "fa",
        "پښتو": "ps",
        "kurdî": "ku",
        "ትግርኛ": "ti",
        "አማርኛ": "am",
        "shqip": "sq",
        "ελληνικά": "el",
        "हिन्दी": "hi",
        "தமிழ்": "ta",
        "中文": "zh",
    }
)

#: Lower-case English (or own) language name -> language code.
LANGUAGE_NAMES: Mapping[str, str] = MappingProxyType(
    {
        **{name.lower(): code for code, name in LANGUAGES.items()},
        "english": DEFAULT_LANGUAGE,
        "saesneg": DEFAULT_LANGUAGE,  # English, in Welsh
        "panjabi": "pa",
        "bangla": "bn",
        "farsi": "fa",
        "gaelic": "gd",
        **NAMES_IN_THEMSELVES,
    }
)


def language_name(tag: str) -> str:
    """The English name of a language tag's language ("cy-GB" -> "Welsh"), or the tag itself."""
    return LANGUAGES.get(primary_subtag(tag), tag)


def name_in_itself(tag: str) -> str | None:
    """The language's own name as a picker shows it ("cy" -> "Cymraeg"), None for English or unknown."""
    code = primary_subtag(tag)
    name = next((n for n, c in NAMES_IN_THEMSELVES.items() if c == code), None)
    return name[:1].upper() + name[1:] if name else None


def language_label(tag: str) -> str:
    """ "Welsh (Cymraeg)", "Arabic (العربية)", "English": how a picker names a language."""
    own = name_in_itself(tag)
    return f"{language_name(tag)} ({own})" if own else language_name(tag)


#: What a record gives when it names no language: the letter is in English,
#: or in both languages where a material is sent bilingual (review/routing.py).
NOT_STATED = ""

#: Welsh and English together (the Welsh Language Standards' bilingual letter).
BILINGUAL_WELSH = "cy+en"

#: Lower-case ways of asking for the Welsh and the English letter together.
BILINGUAL_NAMES: frozenset[str] = frozenset(
    {
        "cy+en",
        "en+cy",
        "cy en",
        "cy/en",
        "en/cy",
        "welsh and english",
        "english and welsh",
        "welsh & english",
        "english & welsh",
        "cymraeg a saesneg",
        "saesneg a chymraeg",
        "cymraeg & saesneg",
        "bilingual",
        "dwyieithog",
    }
)

#: Bare codes we widen to a regional default (the letters are written in en-GB).
LANGUAGE_DEFAULT_REGION: Mapping[str, str] = MappingProxyType({"en": DEFAULT_LANGUAGE})

"""Finding personal names in free text, best effort and offline.

Faker's person providers (every Latin-script locale) give first names and surnames from many countries; the
english-words lists tell which of them are also everyday words ("Will", "Rose", "Mark"). A name is found:
- after a courtesy title: "Mr Smith", "mrs patel", "Dr A. Khan";
- as a first name followed by a surname: "Priya Sharma", "John O'Neill";
- as a first name that is no everyday word, on its own: "I told Sarah";
- after words that introduce a person: "my neighbour Dave", "a man called Tony".
Elected office holders named in their role ("Councillor Ann Lee", "Jane Doe MP") and the names a caller asks to keep
(the consultation's candidates) are left alone: residents' views on them are the point of a consultation.
"""

from __future__ import annotations

import calendar
import importlib
import pkgutil
import re
from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import cache

NAME_WORD = r"[A-Z][a-zà-ÿ]*(?:['’-][A-Za-zà-ÿ]+)*[a-zà-ÿ]"
TITLE = re.compile(
    rf"\b(?:(?:Mr|Mrs|Ms|Mx|Miss|Dr|Prof|Sir|Dame|Rev|Revd)\.?\s+(?:[A-Z]\.?\s+){{0,2}}(?:{NAME_WORD})"
    r"|(?i:\b(?:mr|mrs|ms|miss)\.?\s+)[a-z]{2,}(?![\w'’-]))"
)
CAPITALISED_WORD = re.compile(rf"\b{NAME_WORD}\b")
# Words that introduce someone else: whatever capitalised word follows is a name ("my neighbour Raj").
RELATIVE = re.compile(
    r"(?i:\b(?:my|our|his|her|their|a|the)\s+(?:next[- ]door\s+)?(?:neighbou?r|son|daughter|husband|wife|partner|"
    r"friend|brother|sister|mum|mother|dad|father|grandson|granddaughter|nephew|niece|colleague|landlord|landlady|"
    r"carer|boyfriend|girlfriend|cousin|uncle|aunt|lodger|tenant|ex)s?,?\s+"
    r"|\b(?:man|woman|lady|guy|bloke|boy|girl|lad|chap|someone|person|officer|kid)\s+(?:called|named)\s+"
    r"|\bmy\s+name\s+is\s+|\bsigned,?\s+|\bregards,?\s+|\bthanks,\s+)"
    rf"({NAME_WORD}(?:\s+{NAME_WORD})?)"
)
# "I'm Dave" but not "I'm Disgusted": here the word must be a first name or no everyday word.
SELF = re.compile(rf"(?i:\bi\s+am\s+|\bi'?m\s+)({NAME_WORD}(?:\s+{NAME_WORD})?)")
PLACE_AFTER = re.compile(
    r"\s+(?:Road|Rd|Street|St|Lane|Avenue|Ave|Close|Way|Drive|Park|Station|Hospital|School|Academy|College|Church|"
    r"Square|Hill|Court|Gardens|Crescent|Terrace|Estate|House|Centre|Center|Bridge|Common|Grove|Place|Parade|Rise)\b"
)
# Capitalised words that can follow "my husband" without being a name ("my husband And I").
FUNCTION_WORDS = frozenset(
    (
        "and",
        "but",
        "or",
        "so",
        "then",
        "the",
        "a",
        "an",
        "he",
        "she",
        "it",
        "we",
        "they",
        "i",
        "is",
        "was",
        "has",
        "had",
        "who",
        "when",
        "where",
        "while",
        "at",
        "in",
        "on",
        "to",
        "from",
        "with",
    )
)
CALENDAR_WORDS = frozenset([*calendar.month_name[1:], *calendar.month_abbr[1:], *calendar.day_name])
ROLE_REACH = 20  # characters around a name searched for an office ("Commissioner "); bounded, so long texts stay fast
ELECTED_BEFORE = re.compile(r"(?:Councillor|Cllr\.?|Commissioner|Mayor|Minister|Baroness|Lord)\s+$")
ELECTED_AFTER = re.compile(r"^,?\s+(?:MP|MEP)\b")
FIRST_NAME_LISTS = ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary")
HONORIFIC = re.compile(r"^(?:Mr|Mrs|Ms|Mx|Miss|Dr|Prof|Sir|Dame|Rev|Revd)\.?\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Gazetteer:
    first_names: frozenset[str]
    widespread_first_names: frozenset[str]  # in two locales or more: "Sarah", not a county or a town
    surnames: frozenset[str]
    everyday_words: frozenset[str]

    def is_first_name(self, word: str) -> bool:
        return word in self.first_names

    def is_plain_name(self, word: str) -> bool:
        """A first name that is no everyday word: "Sarah" but not "Will"."""
        return word in self.first_names and word.lower() not in self.everyday_words

    def is_name_on_its_own(self, word: str) -> bool:
        """A first name that means a person even without a surname."""
        return word in self.widespread_first_names and word.lower() not in self.everyday_words

    def could_be_surname(self, word: str) -> bool:
        return word in self.surnames or word.lower() not in self.everyday_words


@cache
def gazetteer() -> Gazetteer:
    """Loaded once per process (about half a second)."""
    from english_words import get_english_words_set
    from faker.providers import person

    locales_naming: Counter[str] = Counter()
    last: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"faker.providers.person.{module.name}").Provider
        first = {name for attribute in FIRST_NAME_LISTS for name in _latin(getattr(provider, attribute, ()))}
        locales_naming.update(first)
        last.update(_latin(getattr(provider, "last_names", ())))
    words = get_english_words_set(["web2", "gcide"], lower=False)
    everyday = frozenset(word for word in words if word.islower())
    widespread = frozenset(name for name, count in locales_naming.items() if count >= 2)
    return Gazetteer(frozenset(locales_naming), widespread, frozenset(last), everyday)


def _latin(names: object) -> Iterator[str]:
    """Names written in Latin letters; providers hold tuples, weighted dicts or (rarely) properties."""
    if not isinstance(names, (tuple, list, dict, set, frozenset)):
        return iter(())
    return (name for name in names if isinstance(name, str) and re.fullmatch(NAME_WORD, name))


def name_spans(text: str, keep: Collection[str] = ()) -> list[tuple[int, int]]:
    """Where personal names are, as (start, end), in order and not overlapping."""
    names = gazetteer()
    found = [*_titled(text), *_introduced(text), *_first_names(text, names)]
    kept_tokens = {token.lower() for name in keep for token in re.findall(r"[\w'’-]+", name)}
    spans = [(s, e) for s, e in _merge(found) if not _elected(text, s, e) and not _kept(text[s:e], kept_tokens)]
    return spans


def _titled(text: str) -> Iterator[tuple[int, int]]:
    return (m.span() for m in TITLE.finditer(text))


def _introduced(text: str) -> Iterator[tuple[int, int]]:
    names = gazetteer()
    for match in RELATIVE.finditer(text):
        if match.group(1).split()[0].lower() not in FUNCTION_WORDS:
            yield match.span(1)
    for match in SELF.finditer(text):
        first = match.group(1).split()[0]
        if names.is_first_name(first) or first.lower() not in names.everyday_words:
            yield match.span(1)


def _first_names(text: str, names: Gazetteer) -> Iterator[tuple[int, int]]:
    tokens = list(CAPITALISED_WORD.finditer(text))
    for index, token in enumerate(tokens):
        if not names.is_first_name(token.group()) or token.group() in CALENDAR_WORDS:
            continue
        if PLACE_AFTER.match(text, token.end()):
            continue  # "Victoria Road"
        end = token.end()
        plain = names.is_plain_name(token.group())
        for following in tokens[index + 1 : index + 3]:
            between = text[end : following.start()]
            # After "Will" or "Mark", which start sentences too, only a known surname makes a name.
            surname = names.could_be_surname(following.group()) if plain else following.group() in names.surnames
            if not re.fullmatch(r"\s+", between) or not surname:
                break
            end = following.end()
        if end > token.end() or names.is_name_on_its_own(token.group()):
            yield token.start(), end


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _elected(text: str, start: int, end: int) -> bool:
    before, after = text[max(0, start - ROLE_REACH) : start], text[end : end + ROLE_REACH]
    return bool(ELECTED_BEFORE.search(before) or ELECTED_AFTER.match(after))


def _kept(span: str, kept_tokens: set[str]) -> bool:
    tokens = [token.lower() for token in re.findall(r"[\w'’-]+", HONORIFIC.sub("", span))]
    return bool(tokens) and all(token in kept_tokens for token in tokens)

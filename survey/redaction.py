"""Removing personal data from free text before it is stored: emails, phone numbers, street addresses, postcodes,
vehicle registrations, dates of birth and personal names (see survey/names.py for what counts as a name)."""

from __future__ import annotations

import re
from collections.abc import Collection

import phonenumbers

from survey.names import name_spans

# Any local part RFC 5322 allows unquoted, then a domain with at least one dot.
# The look-behind starts a match only where a local part starts: without it a long run of letters costs O(n²).
EMAIL = re.compile(r"(?<![\w.!#$%&'*+/=?^`{|}~-])[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# UK postcodes, e.g. CM1 1AA, SS0 7AB, EC1A 1BB.
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
# Street words that are rarely anything else match in any case ("14 mill lane"); those that are everyday words too
# ("walk", "park", "close") only with a capital, as in "Mill Walk", and so do one-word names such as "Queensway".
STREET_WORDS = (
    "street|st|road|rd|avenue|ave|lane|ln|drive|dr|crescent|cres|grove|gardens|terrace|mews|parade|approach|"
    "embankment|boulevard|causeway|villas|cottages|meadows"
)
CAPITAL_STREET_WORDS = "Close|Way|Walk|Park|View|Green|End|Row|Hill|Rise|Place|Court|Square|Chase|Yard|Wharf|Meadow"
ONE_WORD_STREET = r"[A-Z][a-z]{3,}way"
# Words that never sit inside a street name: they keep "3 kids ran down the lane" whole.
NOT_NAME = r"(?:the|a|an|to|in|on|at|of|and|or|for|from|down|up|by|near|my|our|your|their|his|her|was|were|is|are)\b"
HOUSE_NUMBER = r"\d{1,4}[a-z]?,?\s+"
# A house number (maybe after a flat number) then a street: "12 High Street", "4a Mill Lane", "16 Queensway",
# "Flat 4 Rose Court".
ADDRESS = re.compile(
    rf"\b(?:(?:flat|unit|apartment)\s+{HOUSE_NUMBER}(?:{HOUSE_NUMBER})?|{HOUSE_NUMBER})"
    rf"(?:(?:(?!{NOT_NAME})[A-Za-z'’-]+\s+){{1,4}}(?:{STREET_WORDS}|(?-i:{CAPITAL_STREET_WORDS}))|(?-i:{ONE_WORD_STREET}))"
    r"\b\.?",
    re.IGNORECASE,
)
# UK number plates: current (AB12 CDE), prefix (A123 BCD) and suffix (ABC 123D) styles; dateless plates ("ABC 123")
# look like too many other things, so only after a word that says a plate follows.
PLATE = re.compile(
    r"\b(?:[A-Z]{2}\d{2}\s?[A-Z]{3}|(?i:[a-z]{2}\d{2}\s[a-z]{3})|[A-Z]\d{1,3}\s?[A-Z]{3}|[A-Z]{3}\s?\d{1,3}[A-Z])\b"
)
CUED_PLATE = re.compile(
    r"(?i:(\b(?:reg(?:istration)?(?:\s+(?:no|number|plate))?\.?|number\s*plate|plate)[:\s]+(?:is\s+|was\s+)?)"
    r"([a-z]{1,3}\s?\d{1,4}|\d{1,4}\s?[a-z]{1,3})\b)"
)
MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|"
    "nov(?:ember)?|dec(?:ember)?"
)
DATE = (
    rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{4}}-\d{{1,2}}-\d{{1,2}}|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTHS})\.?(?:,?\s+\d{{4}})?|"
    rf"(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?)"
)
# A date is a date of birth only when the words before it say so: "born on 3 March 1985", "DOB 03/03/85".
BIRTH_DATE = re.compile(
    rf"(?i:(\b(?:born(?:\s+(?:on|in))?|d\.?o\.?b\.?|date\s+of\s+birth|birthday(?:\s+is)?)[:\s]+(?:is\s+|was\s+)?)"
    rf"({DATE})\b)"
)
MAX_INPUT = 20_000
MIN_PHONE_DIGITS = 10


def redact(text: str, keep_names: Collection[str] = ()) -> str:
    """The text without personal data; names in keep_names (a consultation's candidates) stay."""
    text = text[:MAX_INPUT]
    text = EMAIL.sub("[email removed]", text)
    text = BIRTH_DATE.sub(r"\1[date of birth removed]", text)
    text = _redact_phones(text)
    text = ADDRESS.sub("[address removed]", text)
    text = POSTCODE.sub("[postcode removed]", text)
    text = PLATE.sub("[vehicle registration removed]", text)
    text = CUED_PLATE.sub(r"\1[vehicle registration removed]", text)
    return _redact_names(text, keep_names)


def _redact_names(text: str, keep: Collection[str]) -> str:
    for start, end in reversed(name_spans(text, keep)):
        text = text[:start] + "[name removed]" + text[end:]
    return text


def _redact_phones(text: str) -> str:
    # Lenient matching catches numbers from unallocated ranges too; at least ten digits keeps years and counts out.
    matches = phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE)
    spans = [(m.start, m.end) for m in matches if sum(ch.isdigit() for ch in m.raw_string) >= MIN_PHONE_DIGITS]
    for start, end in reversed(spans):
        text = text[:start] + "[phone removed]" + text[end:]
    return text


def warm() -> None:
    """Loads the name lists and phone metadata now (about a second), so the first resident who writes an answer does
    not wait for them: a process that stores answers calls this when it starts."""
    redact("Warm-up: Sarah Smith, 07700 900123, AB12 CDE")

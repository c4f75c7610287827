"""Removing contact details from free text before it is stored: emails, phone numbers, postcodes, street addresses."""

from __future__ import annotations

import re

import phonenumbers

# Any local part RFC 5322 allows unquoted, then a domain with at least one dot.
EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
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
MAX_INPUT = 20_000
MIN_PHONE_DIGITS = 10


def redact(text: str) -> str:
    text = text[:MAX_INPUT]
    text = EMAIL.sub("[email removed]", text)
    text = _redact_phones(text)
    text = ADDRESS.sub("[address removed]", text)
    return POSTCODE.sub("[postcode removed]", text)


def _redact_phones(text: str) -> str:
    # Lenient matching catches numbers from unallocated ranges too; at least ten digits keeps years and counts out.
    matches = phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE)
    spans = [(m.start, m.end) for m in matches if sum(ch.isdigit() for ch in m.raw_string) >= MIN_PHONE_DIGITS]
    for start, end in reversed(spans):
        text = text[:start] + "[phone removed]" + text[end:]
    return text

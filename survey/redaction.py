"""Removing contact details from free text before it is stored: emails, phone numbers, postcodes, street addresses."""

from __future__ import annotations

import re

import phonenumbers

# Any local part RFC 5322 allows unquoted, then a domain with at least one dot.
EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# UK postcodes, e.g. CM1 1AA, SS0 7AB, EC1A 1BB.
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
STREET_WORDS = (
    "street|st|road|rd|avenue|ave|lane|ln|close|drive|dr|way|crescent|cres|grove|gardens|place|pl|court|ct|terrace|"
    "walk|hill|row|square|mews|parade|park|rise|view|green|chase|meadow|meadows"
)
# A house number (maybe a flat) then up to four words and a street word: "12 High Street", "4a Mill Lane".
ADDRESS = re.compile(
    rf"\b(?:(?:flat|unit|apartment)\s+\d+\w?,?\s+)?\d{{1,4}}[a-z]?,?\s+"
    rf"(?:[A-Za-z'’-]+\s+){{1,4}}(?:{STREET_WORDS})\b\.?",
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

"""Understanding typed answers: a place's name, "knife crime and drugs", "I'm 34", "strongly against it"."""

from __future__ import annotations

import difflib
import re
import unicodedata

from survey.definition import Option, Question

YES = {
    "yes",
    "y",
    "yeah",
    "yep",
    "yup",
    "ok",
    "okay",
    "sure",
    "agree",
    "i agree",
    "happy to",
    "go ahead",
    "fine",
    "of course",
    "absolutely",
    "correct",
    "save",
    "send",
    "confirm",
    "that's right",
    "thats right",
}
NO = {
    "no",
    "n",
    "nope",
    "nah",
    "no thanks",
    "no thank you",
    "not now",
    "i don't agree",
    "i do not agree",
    "decline",
    "don't",
    "dont",
    "rather not",
    "not really",
}
SKIP = {
    "skip",
    "pass",
    "next",
    "no comment",
    "nothing",
    "none",
    "n/a",
    "na",
    "no thanks",
    "nothing else",
    "no",
    "prefer not to say",
    "rather not say",
}


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().replace("’", "'")
    text = re.sub(r"[^\w' -]+", " ", text)
    return " ".join(text.split())


def is_yes(text: str) -> bool:
    words = normalise(text)
    return words in YES or words.startswith(("yes ", "yeah ", "ok ", "sure "))


def is_no(text: str) -> bool:
    words = normalise(text)
    return words in NO or words.startswith(("no ", "nope ", "nah "))


def is_skip(text: str) -> bool:
    return normalise(text) in SKIP


def match_options(question: Question, text: str, limit: int = 3) -> list[str]:
    """Option ids named in the text, in the order they are mentioned (ids, labels, aliases, close misspellings)."""
    words = normalise(text)
    if not words:
        return []
    exact = question.option(words.replace(" ", "_"))
    if exact:
        return [exact.id]
    found: list[tuple[int, str]] = []
    for option in question.options:
        position = _mention(option, words)
        if position is not None:
            found.append((position, option.id))
    if not found:
        found = [(0, option_id) for option_id in _close(question, words)]
    ordered = [option_id for _, option_id in sorted(found)]
    return list(dict.fromkeys(ordered))[:limit]


def match_labelled_number(question: Question, text: str) -> str | None:
    """An option by name, else a number ("I'm 34", "34") placed in the option whose label covers it ("25 to 34",
    "Under 18", "75 or over")."""
    named = match_options(question, text, limit=1)
    if named:
        return named[0]
    number = re.search(r"\b(\d{1,3})\b", text)
    if not number:
        return None
    age = int(number.group(1))
    for option in question.options:
        label = normalise(option.label)
        span = re.fullmatch(r"(\d+) to (\d+)", label)
        under = re.fullmatch(r"under (\d+)", label)
        over = re.fullmatch(r"(\d+) or over", label)
        if (
            (span and int(span[1]) <= age <= int(span[2]))
            or (under and age < int(under[1]))
            or (over and age >= int(over[1]))
        ):
            return option.id
    return None


def _mention(option: Option, words: str) -> int | None:
    names = [option.id.replace("_", " "), normalise(option.label), *(normalise(a) for a in option.aliases)]
    positions = [m.start() for name in names if name for m in [re.search(rf"\b{re.escape(name)}\b", words)] if m]
    return min(positions) if positions else None


def _close(question: Question, words: str) -> list[str]:
    """One close misspelling of a whole label or alias ("colchster", "knive crime")."""
    names = {normalise(o.label): o.id for o in question.options}
    names |= {normalise(a): o.id for o in question.options for a in o.aliases}
    match = difflib.get_close_matches(words, list(names), n=1, cutoff=0.8)
    return [names[match[0]]] if match else []

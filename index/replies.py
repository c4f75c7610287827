"""What the resident reads: the quoted answer's layout, attributions, and the fixed safety and refusal texts."""

from __future__ import annotations

import re
from collections.abc import Sequence

from knowledge.documents import DocumentMeta

OTHER_SOURCES = "Other sources on this topic (alphabetical order):"
_BLANK_LINES = re.compile(r"\n\s*\n")


def compose(quoted: Sequence[tuple[int, DocumentMeta, str, bool]], named: int) -> str:
    """The reply for numbered quotes (n, source, quote, cut short?); the first `named` are the sources the question
    named, the rest follow under a neutral heading. One paragraph: Rasa's REST channel would split at blank lines."""
    opening = (
        "Here is what the sources say, quoted word for word (sources in alphabetical order):"
        if not named
        else "Here is what the source you asked about says, quoted word for word:"
        if named == 1
        else "Here is what the sources you asked about say, quoted word for word:"
    )
    lines = [opening]
    for position, (number, meta, quote, cut) in enumerate(quoted):
        if named and position == named:
            lines.append(OTHER_SOURCES)
        lines.append(f"[{number}] {attribution(meta)}:")
        lines.append(f"“{display_quote(quote)}”{'…' if cut else ''}")
    lines.append("These are the sources' own words; I don't take sides or recommend any candidate.")
    return "\n".join(lines)


def display_quote(quote: str) -> str:
    """The quote as shown in the text: the same words, a list's blank lines closed up so it stays one message."""
    return _BLANK_LINES.sub("\n", quote)


def attribution(meta: DocumentMeta) -> str:
    """Who said it, where and when, e.g. `Jane Doe (candidate for Mayor), “Title”, 2025`."""
    who = meta.speaker or meta.publisher or "Unknown author"
    if meta.speaker_role and meta.speaker_role != "news report":
        who += f" ({meta.speaker_role})"
    title = meta.title if len(meta.title) <= 70 else meta.title[:67].rsplit(" ", 1)[0] + "…"
    where = f"“{title}”"
    if meta.publisher and (meta.speaker or "") not in meta.publisher:
        where += f", {meta.publisher}"
    return f"{who}, {where}, {meta.published or 'undated'}"


def ends_sentence(quote: str) -> bool:
    return quote.rstrip("”’\"')").endswith((".", "!", "?", ":", ";"))


def emergency_text() -> str:
    return (
        "If you or someone else is in danger right now, call 999 now. "
        "If you can't speak, call 999 from a mobile and press 55 when asked; deaf or speech-impaired people can text "
        "999 once registered with emergencySMS, or use Relay UK (18000). "
        "I can't contact the police for you."
    )


def crime_report_text(online_url: str | None) -> str:
    where = f"online at {online_url}" if online_url else "online on your police force's website"
    return (
        f"To report a crime that isn't an emergency, call 101 or report it {where}. "
        "If anyone is in danger or the crime is happening now, call 999. "
        "I can't take crime reports or pass messages to the police."
    )


def refuse_text(examples: str) -> str:
    return (
        "I can't tell you who to vote for or judge the candidates: I'm neutral. "
        "I can show you what each candidate, the police and crime plan and the news say about a topic, in their own "
        f"words. For example: {examples}"
    )

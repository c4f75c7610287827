"""Who speaks a paragraph of quoted speech that does not name its speaker.

News writing introduces a speaker once ("Big Brother Watch interim director Jane Doe said the ruling was welcome.") and
gives their words in the paragraphs after it, each opening with a quote mark and at most a "she said". Asked what Jane
Doe said, the words are in those paragraphs, which never name her: the quote chooser reads her name into them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

# A paragraph opening with a quote mark: someone's words.
_QUOTED = re.compile(r"^\s*['‘“\"]")
# "<Name> said/told/added ...", "said <Name>": a run of two or more capitalised words (a name, not "The watchdog")
# right before a verb of speaking, or right after one that is not "told" (whose object is the listener: "he told The
# Times").
_NAME = r"(?:[A-Z][a-z'’-]+ )+[A-Z][a-z'’-]+"
_SPEAKS = r"(?:said|says|added|adds|explained|warned|stated|argued|insisted)"
_ATTRIBUTION = re.compile(
    rf"({_NAME}),?\s+(?:has |had |also |then )?(?:{_SPEAKS}|told|tells)\b|\b{_SPEAKS},?\s+(?!The\b)({_NAME})\b"
)
_PARAGRAPH = re.compile(r"[^\n]+")
_ROLE_WORDS = 10  # "EHRC chief executive John Kirkpatrick said": the role before the name is the speaker's too


@dataclass(frozen=True)
class Attribution:
    """The speakers of a document's quoted paragraphs: paragraph starts, in order, each with its speaker or ''."""

    starts: tuple[int, ...]
    speakers: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> Attribution:
        starts: list[int] = []
        speakers: list[str] = []
        current = ""
        for paragraph in _PARAGRAPH.finditer(text):
            named = _ATTRIBUTION.search(paragraph.group())
            quoted = _QUOTED.match(paragraph.group()) is not None
            if named:
                current = _with_role(paragraph.group(), named)
            elif not quoted:
                current = ""  # narration without a name ends the speaker's turn
            starts.append(paragraph.start())
            speakers.append(current if quoted and not named else "")
        return cls(tuple(starts), tuple(speakers))

    def speaker_at(self, offset: int) -> str:
        """The speaker of the quoted paragraph holding the offset, when only an earlier paragraph names them."""
        i = bisect_right(self.starts, offset) - 1
        return self.speakers[i] if i >= 0 else ""


def _with_role(paragraph: str, named: re.Match[str]) -> str:
    """The speaker's name, with the role or body it follows when the paragraph opens with them ("Big Brother Watch
    interim director Jane Doe said"): a question may name the body rather than the person."""
    if named.group(1) is None:
        return named.group(2)
    if _QUOTED.match(paragraph):  # "'We waited years,' Jane Doe said": the words before the name are hers
        return named.group(1)
    before = paragraph[: named.start(1)]
    opens_with_role = len(before.split()) <= _ROLE_WORDS and not re.search(r"[.!?]", before)
    return before + named.group(1) if opens_with_role else named.group(1)

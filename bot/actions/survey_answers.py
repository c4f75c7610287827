"""Reading a resident's reply to one survey question, of any kind, from a button's option id or from typed text.

A question may take several messages (a ranking's picks, a multiple choice's picks, points option by option): what is
given so far travels in `Progress`, and a reply either completes the answer, advances it, or is not understood."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from survey.definition import Question, QuestionKind
from survey.matching import is_no, is_skip, is_yes, match_labelled_number, match_options, normalise

SKIPPED = "skipped"  # an optional question the resident chose not to answer
DECLINED = "declined"  # no consent: no survey
DONE_WORDS = {"done", "that's all", "thats all", "that's it", "thats it", "finished", "no more", "nothing else", "end"}
NUMBER = re.compile(r"\b\d{1,7}\b")


@dataclass(frozen=True)
class Progress:
    """What a resident has given so far for one question answered in steps."""

    question: str
    picked: tuple[str, ...] = ()  # multi and ranking, in the order given
    points: dict[str, int] = field(default_factory=dict)  # points, option by option

    def as_slot(self) -> dict[str, Any]:
        return {"question": self.question, "picked": list(self.picked), "points": dict(self.points)}

    @classmethod
    def from_slot(cls, value: Any, question: str) -> Progress:
        """The stored progress if it belongs to this question, else a fresh start."""
        if not isinstance(value, dict) or value.get("question") != question:
            return cls(question)
        picked = tuple(str(p) for p in value.get("picked") or [])
        points = {str(k): int(v) for k, v in (value.get("points") or {}).items()}
        return cls(question, picked, points)


@dataclass(frozen=True)
class Reading:
    """The outcome of one reply: a complete answer, a step forward, or a problem to tell the resident."""

    value: Any = None
    progress: Progress | None = None
    problem: str | None = None


def read_reply(question: Question, text: str, intent: str | None, progress: Progress) -> Reading:
    kind = question.kind
    if kind is QuestionKind.CONSENT:
        return _consent(text, intent)
    if kind is QuestionKind.TEXT:
        return _text(question, text, intent)
    if _is_skip(question, text, intent, progress):
        return Reading(value=SKIPPED) if not question.required else Reading(problem="This question needs an answer.")
    if kind is QuestionKind.MULTI:
        return _multi(question, text, intent, progress)
    if kind is QuestionKind.RANKING:
        return _ranking(question, text, progress)
    if kind is QuestionKind.POINTS:
        return _points(question, text, progress)
    return _choice(question, text, intent)


def _consent(text: str, intent: str | None) -> Reading:
    if intent == "affirm" or is_yes(text):
        return Reading(value="yes")
    if intent == "deny" or is_no(text):
        return Reading(value=DECLINED)
    return Reading(problem="Please answer yes or no.")


def _text(question: Question, text: str, intent: str | None) -> Reading:
    if not question.required and (intent == "skip" or is_skip(text)):
        return Reading(value=SKIPPED)
    answer = text.strip()
    if len(answer) > question.max_length:
        tail = "." if question.required else ", or say “skip”."
        return Reading(problem=f"Please keep your answer under {question.max_length} characters{tail}")
    return Reading(value=answer) if answer else Reading(problem="Please type your answer.")


def _is_skip(question: Question, text: str, intent: str | None, progress: Progress) -> bool:
    """ "Skip" (typed or pressed) before anything was picked, unless the words name an option ("none of these")."""
    if progress.picked or progress.points:
        return False
    if text.strip() == "/skip":
        return True
    return (intent == "skip" or is_skip(text)) and not match_options(question, text, limit=1)


def _choice(question: Question, text: str, intent: str | None) -> Reading:
    """choice and scale: one option, by id, label, alias, close spelling, a number in a labelled range ("I'm 34"),
    or a scale's score ("4")."""
    if question.option(text.strip()):  # a button's option id comes first ("4" may be an id and another's score)
        return Reading(value=text.strip())
    if question.kind is QuestionKind.SCALE:
        scored = _scored_option(question, text)
        if scored:
            return Reading(value=scored)
    found = match_labelled_number(question, text)
    if found:
        return Reading(value=found)
    return Reading(problem=not_understood(question, text))


def _scored_option(question: Question, text: str) -> str | None:
    words = normalise(text)
    if not re.fullmatch(r"-?\d{1,4}", words):
        return None
    return next((o.id for o in question.options if o.value is not None and o.value == int(words)), None)


def _multi(question: Question, text: str, intent: str | None, progress: Progress) -> Reading:
    if intent == "affirm" or text.strip() == "/affirm" or normalise(text) in DONE_WORDS:
        if progress.picked:
            return Reading(value=list(progress.picked))
        return Reading(problem="Please choose at least one answer, then “Done”.")
    found = [o for o in match_options(question, text, limit=len(question.options)) if o not in progress.picked]
    if not found:
        return Reading(problem=not_understood(question, text, progress))
    picked = (*progress.picked, *found)
    if len(picked) > question.choices_allowed:
        return Reading(problem=f"You can choose at most {question.choices_allowed}. Please choose again.")
    if len(picked) == question.choices_allowed:
        return Reading(value=list(picked))
    return Reading(progress=Progress(question.id, picked))


def _ranking(question: Question, text: str, progress: Progress) -> Reading:
    """One or more options in order ("knife crime and drugs" fills this place and the next)."""
    found = [o for o in match_options(question, text, limit=question.rank) if o not in progress.picked]
    if not found:
        return Reading(problem=not_understood(question, text, progress))
    picked = (*progress.picked, *found)[: question.rank]
    if len(picked) == question.rank:
        return Reading(value=list(picked))
    return Reading(progress=Progress(question.id, picked))


def _points(question: Question, text: str, progress: Progress) -> Reading:
    """Every share at once ("40 police, 30 fire, 30 roads"), or one number for the option being asked."""
    shares = parse_points(question, text)
    if shares:
        given = sum(shares.values())
        if given != question.total:
            return Reading(
                progress=Progress(question.id),
                problem=f"Those add up to {given} points, not {question.total}. Please share exactly "
                f"{question.total} points.",
            )
        return Reading(value={o: shares.get(o, 0) for o in question.option_ids()})
    number = _bare_number(text)
    if number is None:
        return Reading(problem=f"Please give a number of points, or type them all, for example “{example(question)}”.")
    left = question.total - sum(progress.points.values())
    if number > left:
        return Reading(problem=f"You have {left} points left: please give a number from 0 to {left}.")
    current = next_points_option(question, progress)
    return _advance_points(question, {**progress.points, current: number})


def _advance_points(question: Question, points: dict[str, int]) -> Reading:
    """The last option gets what is left (or everything is given): the answer is complete."""
    left = question.total - sum(points.values())
    remaining = [o for o in question.option_ids() if o not in points]
    if len(remaining) == 1 or left == 0:
        complete = {o: points.get(o, 0) for o in question.option_ids()}
        if remaining and left:
            complete[remaining[0]] = left
        return Reading(value=complete)
    return Reading(progress=Progress(question.id, points=points))


def next_points_option(question: Question, progress: Progress) -> str:
    return next(o for o in question.option_ids() if o not in progress.points)


def parse_points(question: Question, text: str) -> dict[str, int]:
    """Option -> points for every piece of the text naming one option and one number ("40 police, fire 30")."""
    shares: dict[str, int] = {}
    for piece in _point_pieces(text):
        numbers = NUMBER.findall(piece)
        named = match_options(question, NUMBER.sub(" ", piece), limit=2)
        if len(numbers) == 1 and len(named) == 1 and named[0] not in shares:
            shares[named[0]] = int(numbers[0])
        elif numbers or named:
            return {}  # a piece we cannot read: better to ask again than to guess
    return shares


def _point_pieces(text: str) -> list[str]:
    """ "40 a, 30 b and 30 c" or "a 40 b 30 c 30": one piece per number (labels may contain "and")."""
    pieces: list[str] = []
    for part in re.split(r"[,;\n&+]", text):
        if len(NUMBER.findall(part)) > 1:
            words = part.strip()
            pattern = r"\d+\D*" if re.match(r"\d", words) else r"\D*\d+"
            pieces.extend(re.findall(pattern, words))
        elif part.strip():
            pieces.append(part)
    return [re.sub(r"^\s*and\b|\band\s*$", " ", piece.strip()) for piece in pieces]


def _bare_number(text: str) -> int | None:
    words = normalise(text).removesuffix(" points").removesuffix(" point")
    return int(words) if re.fullmatch(r"\d{1,7}", words) else None


def example(question: Question) -> str:
    """An allocation of this question's total over its first options, as a resident could type it."""
    names = [min((o.label, *o.aliases), key=len) for o in question.options[:3]]
    shares = [question.total * 50 // 100, question.total * 30 // 100][: len(names) - 1]
    shares.append(question.total - sum(shares))
    return ", ".join(f"{share} {name}" for share, name in zip(shares, names, strict=True))


def not_understood(question: Question, text: str, progress: Progress | None = None) -> str:
    shown = text if len(text) <= 40 else text[:37] + "..."
    already = " I haven't already noted" if progress and progress.picked else ""
    return f"I couldn't match “{shown}” to one of the answers{already}. Please choose one of the buttons."

"""What a why/when question takes for granted, and whether the passages to be quoted say the opposite.

"Why does X want to legalise drugs" presupposes that X wants to; when X's own passage says "I am against legalising
drugs", the question rests on a false premise and the documents do not answer it. Quoting the passage would seem to
confirm what it contradicts, so the pipeline abstains instead.

A claim is read by its stance word and that word's pole: more of something or less, a custodial outcome or a lenient
one, lawful or unlawful, working well or badly. A sentence denies it when it holds a word of the opposite pole (or of
the same pole, negated: "did not support") beside one of the question's topic words; it affirms it when it holds a word
of the same pole. Only a claim that some passage denies and none affirms counts as false: a passage that uses the
question's own stance keeps the answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum

from index.lexical import analyse


class Pole(Enum):
    MORE = "more"
    LESS = "less"
    CUSTODY = "custody"
    LENIENT = "lenient"
    LAWFUL = "lawful"
    UNLAWFUL = "unlawful"
    GOOD = "good"  # a judgement of how well something works
    BAD = "bad"


OPPOSITE = {
    Pole.MORE: Pole.LESS,
    Pole.LESS: Pole.MORE,
    Pole.CUSTODY: Pole.LENIENT,
    Pole.LENIENT: Pole.CUSTODY,
    Pole.LAWFUL: Pole.UNLAWFUL,
    Pole.UNLAWFUL: Pole.LAWFUL,
    Pole.GOOD: Pole.BAD,
    Pole.BAD: Pole.GOOD,
}

# Stance words of each pole, general English of policy and the courts. The phrases holding another pole's word ("not
# guilty", "unlawful") are listed first and matched first, so the word inside them is not read again.
_POLES: tuple[tuple[Pole, str], ...] = (
    (
        Pole.LENIENT,
        r"not guilty|acquit\w*|cleared|suspended|spared|walk(?:ed|s)? free|let off|no further action|"
        r"no (?:\w+ )?misconduct|no case to answer",
    ),
    (Pole.UNLAWFUL, r"unlawful\w*|illegal\w*|not lawful|breach(?:ed|es|ing)?|falls? short"),
    (Pole.LAWFUL, r"lawful(?:ly)?|legitimate|within the law"),
    (
        Pole.BAD,
        r"fail(?:s|ed|ing|ure)?|poor|weak(?:er|est)?|worst|ineffective|useless|did ?n[o']t work|terrible|awful|"
        r"dreadful|appalling|woeful|abysmal|pathetic",
    ),
    (
        Pole.GOOD,
        r"succe(?:ss|ssful|eded|eds)|worked|effective|monumental|excellent|strong(?:er|est)?|best|brilliant|superb|"
        r"outstanding|fantastic|great job|good job",
    ),
    (
        Pole.CUSTODY,
        r"jail\w*|prison|imprison\w*|guilty|convict(?:ed|ion)|locked up|custodial",
    ),
    (
        Pole.LESS,
        r"cut(?:s|ting)?|reduc\w*|halv\w*|scrap\w*|abolish\w*|clos(?:e|es|ed|ing|ures?)|shut\w*|end(?:s|ed|ing)?|"
        r"stop\w*|ban(?:s|ned|ning)?|ditch\w*|oppos\w*|against|los(?:e|es|ing)|lost|ax(?:e|es|ed|ing)|fewer|less|"
        r"scal(?:e|es|ed|ing) back|downsiz\w*|shrink\w*|slash\w*|"
        r"get(?:ting)? rid of|disband\w*|fall(?:s|ing|en)?|fell|(?:going|gone|went) down|drop(?:s|ped|ping)?|declin\w*",
    ),
    (
        Pole.MORE,
        r"increas\w*|rais(?:e|es|ed|ing)|doubl\w*|grow(?:s|ing|n)?|expand\w*|boost\w*|more|extra|recruit\w*|"
        r"invest\w*|roll(?:s|ed|ing)? out|introduc\w*|keep(?:s|ing)?|kept|protect\w*|maintain\w*|continu\w*|"
        r"re-?open\w*|support\w*|backed|backing|champion\w*|favou?r(?:s|ed|ing)?|legalis\w*|legaliz\w*|"
        r"decriminalis\w*|decriminaliz\w*|deploy\w*|push(?:ed|es|ing)? for|endors\w*|ring-?fenc\w*|"
        r"safeguard\w*|retain\w*|preserv\w*|ris(?:e|es|ing|en)|rose|(?:going|gone|went) (?:back )?up|up from",
    ),
)
_STANCE = [(pole, re.compile(rf"\b(?:{words})\b", re.IGNORECASE)) for pole, words in _POLES]
# A word of negation just before a stance word turns it to the opposite pole ("not support", "against legalising").
_NEGATION = re.compile(
    r"\b(?:not|no|never|n't|nor|against|without|refus\w*|reject\w*|won't|wouldn't|didn't|doesn't|don't)\W+"
    r"(?:\w+\W+){0,2}$",
    re.IGNORECASE,
)
# A question taking something for granted: "why does/did/is X ...", "when did X ...", "how come X ...".
_PRESUPPOSES = re.compile(
    r"^\W*(?:why|how come|when (?:did|has|have|had|was|were))\b(?!\s+(?:not|n't)\b)|"
    r"^[^?]{3,80}\bwhy\s*\?*\s*$",  # a keyword query ending in "why": "<claim> why"
    re.IGNORECASE,
)
# "Why does X want Y": wanting a thing is being for more of it; only a question is read so ("I want to ban" in a
# passage is the ban's stance, not a second one).
_WANTING = re.compile(
    r"^\W*(?:why|how come)\b.{0,40}?\b(?:want|wants|wanted|keen on|so keen|in favour of|pushing)\b", re.IGNORECASE
)
# "Why does X want no / zero Y": wanting none of a thing is being for less of it.
_WANTING_NONE = re.compile(r"\b(?:want|wants|wanted|keen on|in favour of|pushing)\s+(?:no|zero|none)\b", re.IGNORECASE)
_OPPOSING = re.compile(r"against|oppos\w*", re.IGNORECASE)
# Supporting a stance is that stance: "support the ban" is for less, as "oppose the ban" is for more.
_SUPPORTING = re.compile(
    r"support\w*|backed|backing|champion\w*|favou?r(?:s|ed|ing)?|endors\w*|push(?:ed|es|ing)? for", re.IGNORECASE
)
_CLOSE = re.compile(r"\W+(?:\w+\W+){0,2}")  # at most two words between
_WORDS = re.compile(r"[\w'’-]+")
_NEAR = 4  # words on each side of a stance word that it is said of
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")
# What an "if" clause says is a condition, not a position ("if the government could tax legalised drugs, ...").
_CONDITION = re.compile(r"\b(?:if|unless)\b[^,;:]*", re.IGNORECASE)


@dataclass(frozen=True)
class Claim:
    """The stance a question takes for granted: its pole and the stems of the stance words it uses."""

    pole: Pole
    stems: frozenset[str]


def presupposes(text: str) -> bool:
    """Whether the question takes something for granted ("why did ...", "how come ...", "when did ...")."""
    return _PRESUPPOSES.search(text) is not None


def claim_of(text: str) -> Claim | None:
    """The claim a why/when question presupposes; None for other questions and for ones without a stance word. Of
    more-or-less words in a row the signs multiply ("oppose legalising" is less, "support doubling" more)."""
    if _PRESUPPOSES.search(text) is None:
        return None
    stances = _stances(text)
    if not stances:
        if _WANTING.search(text) is None:
            return None
        return Claim(Pole.LESS if _WANTING_NONE.search(text) else Pole.MORE, frozenset())
    stems = frozenset(stem for _, pattern in _STANCE for m in pattern.finditer(text) for stem in analyse(m.group()))
    scaled = [pole for pole, _, _ in stances if pole in (Pole.MORE, Pole.LESS)]
    if len(scaled) == len(stances):
        return Claim(Pole.LESS if scaled.count(Pole.LESS) % 2 else Pole.MORE, stems)
    return Claim(next(pole for pole, _, _ in stances if pole not in (Pole.MORE, Pole.LESS)), stems)


def denied(
    claim: Claim,
    topic: Iterable[str],
    passages: Iterable[str],
    context: Iterable[str],
    holds: Callable[[str, frozenset[str]], bool],
) -> bool:
    """Whether a passage to be quoted says the opposite of the claim about the question's topic while none says the
    same, nor anything around them (`context`: the text they were taken from) in the question's own stance words:
    where two parties disagree ("the watchdog says unlawful", "the force says lawful"), the claim is one of theirs.

    `topic` are the question's topic stems without its stance words; `holds(stem, words)` says whether a sentence's
    stems hold a stem or a synonym of it."""
    topic = [t for t in topic if t not in claim.stems]
    passages = list(passages)
    if not any(OPPOSITE[claim.pole] in _poles_about(topic, text, holds) for text in [*passages, *context]):
        return False
    if any(claim.pole in _poles_about(topic, text, holds) for text in passages):
        return False
    return not any(claim.pole in _poles_about(topic, text, holds, claim.stems) for text in context)


def _poles_about(
    topic: list[str], text: str, holds: Callable[[str, frozenset[str]], bool], stems: frozenset[str] = frozenset()
) -> set[Pole]:
    """The poles of the stance words of a text said of a topic word: one within a few words of it (any stance word
    when there is no topic word); given `stems`, only of stance words with one of those stems or a synonym. In "re-open
    youth centres ... and reduce crime" the reducing is said of crime, not of the centres."""
    poles: set[Pole] = set()
    for sentence in _SENTENCE_END.split(text):
        conditions = [range(m.start(), m.end()) for m in _CONDITION.finditer(sentence)]
        for pole, start, said in _stances(sentence):
            if any(start in condition for condition in conditions):
                continue
            if stems and not any(holds(stem, frozenset(analyse(said))) for stem in stems):
                continue
            before = _WORDS.findall(sentence[:start])[-_NEAR:]
            after = _WORDS.findall(sentence[start + len(said) :])[:_NEAR]
            near = frozenset(analyse(" ".join([*before, said, *after])))  # "no misconduct" names its topic
            if not topic or any(holds(t, near) for t in topic):
                poles.add(pole)
    return poles


def _stances(text: str) -> list[tuple[Pole, int, str]]:
    """The stance words of a text in order of position, each with its pole, turned by a negation between it and the
    stance word before it ("won't support more" is less support, not less of more). Opposing a stance is the opposite
    stance: "against legalising" and "oppose closing" are read as one word of the other pole."""
    text = text.replace("’", "'")
    matches: list[tuple[Pole, re.Match[str]]] = []
    for pole, pattern in _STANCE:
        for match in pattern.finditer(text):
            if not any(m.start() < match.end() and match.start() < m.end() for _, m in matches):
                matches.append((pole, match))
    matches.sort(key=lambda found: found[1].start())
    found: list[tuple[Pole, int, str]] = []
    previous_end = 0
    for pole, match in matches:
        before = text[previous_end : match.start()]
        opposing = found and _OPPOSING.fullmatch(found[-1][2]) and _CLOSE.fullmatch(before)
        supporting = found and _SUPPORTING.fullmatch(found[-1][2]) and _CLOSE.fullmatch(before)
        if supporting and found[-1][0] is not Pole.MORE:  # "won't support more": the negation carries over
            pole = OPPOSITE[pole]
        if opposing or supporting:
            found.pop()
        if opposing or (_NEGATION.search(before) is not None and _OPPOSING.fullmatch(match.group()) is None):
            pole = OPPOSITE[pole]
        found.append((pole, match.start(), match.group()))
        previous_end = match.end()
    return found

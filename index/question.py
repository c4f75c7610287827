"""Understanding a question once: its topic words, its vector, the sources it names and the kind of answer it wants.

The parsed question is passed down to retrieval, abstention and quoting, so none of them analyses the text again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from index.claims import Claim, claim_of, presupposes
from index.embedding import Vectors
from index.lexical import analyse, joined_forms
from index.passages import YEAR
from knowledge.documents import Document, Kind


class Wanted(StrEnum):
    """The kind of answer a question asks for, so the quote can be the passage that carries it."""

    NUMBER = "number"
    PLACE = "place"
    PERSON = "person"
    WORDS = "words"  # what someone said: their own words
    POSITION = "position"
    ANY = "any"


_WANTS = (
    (
        Wanted.NUMBER,
        re.compile(
            r"\b(?:how (?:many|much|often|long|old|big|large|high|low|fast)|what age|number of|percentage|"
            r"per ?cent|rate|figures?|statistics|stats|target|amount|count)\b|"
            # "What's the police budget?": a sum.
            r"\bwhat(?:'s|s| is| was| are| were)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}(?:budget|cost|costs|total|salary|"
            r"price|precept|bill)\b",
            re.IGNORECASE,
        ),
    ),
    # "Where do they stand on ..." asks a position, not a place.
    (
        Wanted.PLACE,
        re.compile(
            r"\b(?:where(?!.*\bstands?\b)|which (?:towns?|areas?|places?|cit(?:y|ies)|streets?))\b", re.IGNORECASE
        ),
    ),
    (
        Wanted.PERSON,
        re.compile(
            r"\bwho(?:'s| is| are| was| were)?\b(?! (?:will|would|should|do|does)\b)|\bname of\b|\bnamed?\s*\??\s*$",
            re.IGNORECASE,
        ),
    ),
    (
        Wanted.WORDS,
        re.compile(r"\bwhat (?:did|does|do|has|have) .{1,40}?\b(?:say|said|tell|told)\b(?! about)", re.IGNORECASE),
    ),
    (
        Wanted.POSITION,
        re.compile(
            r"\b(?:would|will|plans?|planning|position|stance|views?|think|thinks|want|wants|"
            r"promise|promises|pledges?|policy|policies|do about|say about|says about|"
            r"support|oppose|against|for or against|in favour|stand|stands|agree|agrees|disagree|differ|differs)\b",
            re.IGNORECASE,
        ),
    ),
)


# A period close to the day the question is asked ("last weekend", "tonight"): the same words in a passage state it.
RECENT_PERIOD = re.compile(
    r"\b(?:tonight|yesterday|(?:this|last) (?:week|weekend|month)|this (?:morning|afternoon|evening)|last night|"
    r"over the weekend)\b",
    re.IGNORECASE,
)
# A question asking what happened in such a period, not one that only sets the scene with it ("after the stabbing last
# weekend, what are the candidates promising").
_ASKS_RECENT = re.compile(
    r"\b(?:what happened|were there|was there|how many|how much|any)\b.{0,60}" + RECENT_PERIOD.pattern,
    re.IGNORECASE,
)


class Detail(StrEnum):
    """A local detail a question asks for that only a passage stating one could answer (a station's phone number)."""

    PHONE = "phone"
    EMAIL = "email"
    HOURS = "opening hours"
    ADDRESS = "address"
    RECENT = "recent events"  # what happened last weekend, or will tonight: fixed documents state it only by chance


_DETAILS = (
    (Detail.EMAIL, re.compile(r"\be-?mail\b", re.IGNORECASE)),
    (
        Detail.PHONE,
        re.compile(
            r"\b(?:(?:tele)?phone|contact|mobile|direct)\s+(?:number|no)\b|\bnumber (?:to|i can) (?:call|ring)\b|"
            r"\b(?:the|a|their) number for\b",
            re.IGNORECASE,
        ),
    ),
    (
        Detail.HOURS,
        re.compile(
            r"\bopening (?:hours|times)\b|\bopen(?:s|ed)? (?:on|at|until|till|today|tomorrow|tonight|late|"
            r"(?:at )?weekends?|(?:on )?(?:mon|tues|wednes|thurs|fri|satur|sun)days?)\b|"
            r"\bwhat time does\b.*\b(?:open|close)\b|"
            r"\bwhen (?:is|are|does|do)\b.*\b(?:open|close)\b",
            re.IGNORECASE,
        ),
    ),
    (Detail.ADDRESS, re.compile(r"\b(?:address|postcode|post code|directions to)\b", re.IGNORECASE)),
    (Detail.RECENT, _ASKS_RECENT),
)
# "What do the candidates say…", "compare…", "all sources": every source that speaks to the topic is shown.
_COMPARE = re.compile(
    r"\b(?:compare|comparison|candidates|contenders|everyone|every source|all (?:the )?sources|"
    r"each (?:source|candidate)|differ|difference|differences|both|versus|vs|"
    r"(?:the|different|various|all the) (?:sources|documents)|"
    r"each (?:say|says|said|think|thinks|propose|proposes|promise|promises|want|wants|plan|plans|of them))\b",
    re.IGNORECASE,
)
# "Those standing for mayor" asks to compare, as "the candidates" does; the office they stand for is no topic.
_STANDING = re.compile(
    r"\b(?:those|the people|everyone) (?:standing|running) (?:for|in|to be|as)"
    r"(?! (?:trial|a red light|red lights|late)\b) (?:the |an? )?\w+\b",
    re.IGNORECASE,
)
# "Who is the chief constable?" asks for a name: a passage naming only the role does not answer it.
_IDENTITY = re.compile(
    r"^\W*(?:who(?:'s|’s| is| are|'re)|whos) (?:currently |now )?(?:the|your|our|my)\b|"
    r"^\W*who (?:runs|heads|leads|is in charge of|is head of)\b|"
    # A keyword query ("chief constable name"), not a question about a name ("why pc predator name").
    r"^(?!\W*(?:why|how|what|when|where|which|is|are|does|do|did)\b)[\w\s'’-]{3,60}?(?:'s|’s)? name\s*\??\s*$",
    re.IGNORECASE,
)
# "Who will win the cup?": a prediction, which documents of positions, plans and news do not make. ("Who will win the
# election" is mostly refused as vote advice before retrieval: index/triage.py.) Not a prize that is awarded ("who will
# win the contract", "which areas will win funding").
_PREDICTION = re.compile(
    r"\bwho(?:'s|’s|s| is| are)? (?:will|(?:is |are )?going to|gonna|do you think (?:will|is going to)|is likely to|"
    r"(?:the )?favou?rites? to) win\b"
    r"(?! (?:the |a |an |any |more |new )?(?:contracts?|funding|funds?|money|grants?|bids?|tenders?|awards?|prizes?|"
    r"cash)\b)",
    re.IGNORECASE,
)
# "Will council tax go up next year?", "will the judicial review succeed?": a forecast of an outcome. A question
# naming a source asks what that source pledges or expects ("will the plan cut knife crime"), which its words can
# answer.
_FORECAST = re.compile(
    r"^\W*(?:(?:so|and|but|ok)\W+)?(?:will|is|are|do you think)\b(?:\s+[\w'’-]+){1,8}?\s+(?:going to\s+|likely to\s+|"
    r"expected to\s+|set to\s+)?(?:go up|go down|rise|fall|increase|decrease|drop|come down|get (?:worse|better)|"
    r"succeed|fail|win|lose|be (?:won|lost|overturned|upheld|released|freed|charged|convicted|sacked|jailed)|pass|"
    r"happen)\b",
    re.IGNORECASE,
)
# "How much did the force spend on ...": an amount of money, which only a sentence giving a sum
# for the thing asked about answers (index/abstention.py).
_MONEY = re.compile(
    r"\bhow much\b.*\b(?:spen[dt]|spending|costs?|costing|pay|paid|pays|fine[ds]?|charge[ds]?|invest\w*|"
    r"allocat\w*|worth|funding|budget)\b",
    re.IGNORECASE,
)
# Words that say only that a sum is asked about, or when, not what the money is for.
MONEY_WORDS = frozenset(
    analyse(
        "last year years annual annually month week this next per each total overall altogether "
        "spend spent spending cost costs costing pay paid pays fine fined fines charge charged invest investment "
        "allocate allocated worth funding budget money much"
    )
)
# What the law lets the resident do, or the police do to them ("can i film officers", "do i have to give my name",
# "can police search my phone", "does a caution show on a dbs check"): a passage answers only by speaking of the law.
_LEGAL = re.compile(
    r"\b(?:is it|would it be|it is|it's)\s+(?:\w+\s+)?(?:legal|illegal|lawful|unlawful|against the law|an offence|"
    r"allowed|permitted)\b|"
    r"^\W*(?:am i|are we)\s+(?:legally\s+)?(?:allowed|permitted|entitled|required|obliged)\b|"
    r"^\W*(?:can|could|may)\s+(?:i|we)\s+(?:legally|lawfully)\b|"
    r"^\W*do\s+(?:i|we)\s+(?:legally\s+)?have to\b|"
    r"^\W*(?:can|could|may|do|are|will)\s+(?:the\s+)?(?:police|officers|a police officer|an officer|pcsos?|they)\s+"
    r"(?:legally\s+|allowed to\s+|have to\s+|need to\s+)?\w+\s+(?:me|my|us|our)\b|"
    r"\b(?:show|stay|appear|come up)\s+on\s+(?:my|a|your)\s+(?:criminal\s+|police\s+)?(?:record|dbs|check)\b|"
    r"\bmy (?:legal )?rights\b|"
    # What the law sets for an offence ("what's the fine for fly-tipping"): no plan or manifesto sets it.
    r"^\W*(?:what(?:'s|’s| is| are| would be)?|whats)\s+(?:the\s+)?(?:(?:maximum|max|minimum|usual|typical)\s+)?"
    r"(?:punishments?|penalt(?:y|ies)|sentences?|fines?|jail terms?|prison terms?)\s+for\b",
    re.IGNORECASE,
)
# "How do I apply for ...", "where can I get ...", "who do I complain to": the resident asks how to do something
# themselves, which a passage answers only by saying how (index/abstention.py). Not "how can we ..." (asking what
# should be done) nor "how to balance ...".
_PROCEDURE = re.compile(
    r"^\W*(?:(?:so|and|but|ok|please|hi|hello)\W+)?(?:(?:(?:how|where|who)\s+(?:do|can|could|should|would|shall|must)|"
    r"(?:can|could|may))\s+i|how\s+(?:to|do you|does one|can you|can one))\s+(?:go about\s+|actually\s+)?"
    r"(?:apply|report|complain|contact|join|become|register|set up|start|organise|organize|"
    r"book|get (?:a |an |my |the )?(?:[\w-]+ )?(?:licen[cs]e|permit|copy|check|certificate|card|form|refund|number|"
    r"back)|get (?:a |an |my |the )?(?:[\w-]+ ){0,3}(?:fitted|installed|checked|removed|returned|back)|renew|request|"
    r"claim|sign up|send|submit|volunteer|call|ring|e-?mail|write to|speak to|talk to|"
    r"hand in|collect|pay|appeal|challenge|make (?:an? )?(?:[\w'’-]+ ){0,3}?(?:complaint|request|claim|report|"
    r"application))\b",
    re.IGNORECASE,
)
# What a figure is a figure of: the words after "how many" ("how many speed cameras are there") up to a verb or
# preposition, so that a figure of something else ("251 Special Constables") is not taken for it. Not a count the
# question only asks about ("will they count how many gangs are broken up").
_COUNTED = re.compile(
    r"(?<!count )(?<!counting )(?<!know )(?<!record )(?<!publish )(?<!track )(?<!measure )(?<!monitor )(?<!show )"
    r"\b(?:how (?:many|much)|number of|amount of|percentage of|proportion of)\s+"
    # "how much does the force get": what follows is who gets it, not what is counted.
    r"(?!(?:do|does|did|will|would|can|could|has|have|had|should)\b)(?:(?:is|are|was|were)\s+)?([\w'’-]+(?:\s+[\w'’-]+){0,7}?)"
    r"(?=\s+(?:is|are|was|were|do|does|did|has|have|had|will|would|can|could|got|get|in|on|at|for|per|across|"
    r"according|by|from|there|that|which|who|since|each|every|a|an|last|this|next|so far|altogether|now|going|"
    r"year|years|go|goes|gone|went|spent|spend|been|gets|paid|cost|costs)\b|\s*[?.!,]|\s*$)",
    re.IGNORECASE,
)

# A question asking when ("when will ...", "what year", "by 2030", a target), not "how old was she when she died".
_ASKS_WHEN = re.compile(
    r"\b(?:years?|targets?|deadline|date|by|when (?:will|did|does|do|is|was|are|were|can|would|should|has|have))\b",
    re.IGNORECASE,
)
# A question whose answer is a time: "when is the election", "what year did ...", not "when I ring 101, why ...".
_ASKS_TIME = re.compile(
    r"^\W*(?:when (?:will|did|does|do|is|was|are|were|can|has|have|had)\b|what (?:date|year|day|month|time)\b|"
    r"how long ago\b)",
    re.IGNORECASE,
)
_PLURAL = re.compile(r"[^su'’]s$", re.IGNORECASE)  # "cameras", not "bus", "address" or "police's"
# Words that say nothing of what is counted: who ("people") or how ("extra", "more") it is counted.
_ANY_COUNT = frozenset(
    analyse(
        "people persons individuals residents locals inhabitants citizens folk "
        "times cases ones extra additional more new further"
    )
)
# "How much bigger", "how many more times": a question of degree, answered by "doubling" as well as by a figure.
_DEGREE = re.compile(
    r"^(?:more|less|fewer|bigger|larger|smaller|higher|lower|greater|longer|shorter|faster|slower|"
    r"better|worse|cheaper|dearer)$",
    re.IGNORECASE,
)

# "Why did the commissioner ban X?", "When did Smith say he would sack Y?": the question takes an action for granted;
# a passage that does not state that action answers something else.
_PREMISE = re.compile(
    r"^\W*(?:why|when) (?:did|has|have|had) (?:(?:the|a|an|his|her|their|our|my) [\w'’-]+|"
    r"(?-i:[A-Z][\w'’-]*(?: [A-Z][\w'’-]*)*)|he|she|they|it|we|you|i|[\w'’-]+) "
    r"(?P<verb>[a-z][\w'’-]*)(?: (?:that )?(?:he|she|they|it|we|i) (?:would|will|could|'d|was going to) "
    r"(?P<then>[a-z][\w'’-]*))?",
    re.IGNORECASE,
)
_SAYING = frozenset(
    {
        "say",
        "said",
        "claim",
        "claimed",
        "announce",
        "announced",
        "promise",
        "promised",
        "pledge",
        "pledged",
        "decide",
        "decided",
        "tell",
        "told",
        "suggest",
        "suggested",
    }
)
# The kinds of document a resident names as "the <kind>" ("the plan", "the manifesto"); the others ("news",
# "policy", "statement") are words of ordinary questions.
NAMEABLE_KINDS = frozenset({Kind.MANIFESTO, Kind.PLAN, Kind.REPORT})
TITLE_PHRASE_WORDS = 4  # fewer would name a document by a topic phrase ("live facial recognition")
_CAPITALISED = re.compile(r"\b[A-Z][\w'’-]*[A-Za-z]\b")
WORD = re.compile(r"[\w'’-]+")  # a word as written, apostrophes and hyphens kept
HONORIFICS = frozenset({"sir", "dame", "lord", "lady", "mr", "mrs", "ms", "miss", "dr", "judge", "pc", "dc", "insp"})
_HONORIFIC_BEFORE = re.compile(rf"\b({'|'.join(sorted(HONORIFICS))})\.?\s+$", re.IGNORECASE)
# Days and months are capitalised by convention, not names of places or people the documents could not speak of.
_CALENDAR = re.compile(
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)days?|january|february|march|april|may|june|july|august|september|"
    r"october|november|december",
    re.IGNORECASE,
)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s*|[\"“(]\s*)$")


@dataclass(frozen=True)
class ParsedQuestion:
    """A resident's question as retrieval, abstention and quoting read it (made by parse_question)."""

    text: str
    terms: tuple[str, ...]  # stemmed topic words (what BM25 and the topic-word checks compare)
    vector: Vectors
    named: frozenset[str]  # ids of the documents whose speaker, publisher or proper name the question mentions
    wants: Wanted
    compare: bool
    corrected: str = ""  # the text with typos corrected towards the corpus's words (what lexical search reads)
    detail: Detail | None = None
    identity: bool = False  # asks who holds a role: only a passage naming someone answers it
    premise: tuple[str, ...] = ()  # stems of the action the question takes for granted, which the quote must state
    name_terms: frozenset[str] = frozenset()  # stems of the source names it mentions: not topic words
    # Stems of the titles it names a document by ("the fire and crime plan"): topic words only when nothing else is.
    title_terms: frozenset[str] = frozenset()
    prediction: bool = False  # asks who will win a contest, or forecasts an outcome: no document answers that
    legal: bool = False  # asks what the law allows the resident, or the police to do to them
    money: bool = False  # asks for a sum of money ("how much did they spend on ...")
    years: tuple[str, ...] = ()  # the years it names ("in 2019"): a figure of another year does not answer it
    procedure: bool = False  # asks how the resident can do something themselves ("how do i apply for ...")
    counted: tuple[str, ...] = ()  # stems of what a figure asked for counts ("how many speed cameras")
    asks_when: bool = False  # asks when or for a target ("when will", "by 2030"): a year can then be the answer
    asks_time: bool = False  # its answer is a time ("when is the election"): a passage saying no time cannot give it
    claim: Claim | None = None  # the stance a why/when question takes for granted ("why does X want to ban Y")
    presupposes: bool = False  # a why/how-come/when-did question: it takes what it says for granted

    @property
    def topic_terms(self) -> tuple[str, ...]:
        """The terms without the names of sources: what a passage must hold to be on the question's topic. A title's
        words count only when the question asks nothing else ("what is in the fire and crime plan"); beside another
        topic they say which source, and would pull in any passage that mentions the plan by name."""
        named = self.name_terms | self.title_terms
        return (
            tuple(t for t in self.terms if t not in named)
            or tuple(t for t in self.terms if t not in self.name_terms)
            or self.terms
        )


class SourceNames:
    """Names that point at sources, taken from the corpus manifest: speakers, publishers and the proper nouns of a
    title that no other document uses (a "Kent plan" is named by "Kent" only if Kent is that document's alone); runs
    of title words holding the document's kind or a proper noun ("fire and crime plan"); and "the <kind>" when few
    documents are of that kind ("the plan", "the crime plan", with only the plan's own title words between)."""

    def __init__(self, documents: Iterable[Document]) -> None:
        documents = list(documents)
        lowercase_words = {w for d in documents for w in WORD.findall(d.text) if w.islower()}
        # A title's words stay topic words ("front line policing"); a person's or publisher's name does not.
        self._names = _unique(documents, {d.id: _names_of(d, lowercase_words) for d in documents}, topic=False)
        self._names += _unique(documents, {d.id: _title_phrases(d, lowercase_words) for d in documents}, topic=True)
        self._kinds: list[tuple[re.Pattern[str], frozenset[str]]] = []
        for kind in NAMEABLE_KINDS & {d.meta.kind for d in documents}:
            owners = [d for d in documents if d.meta.kind == kind]
            if len(owners) < max(2, len(documents) // 2):
                self._kinds.append((_kind_pattern(kind, owners), frozenset(d.id for d in owners)))

    def named_in(self, text: str, kinds: bool = True) -> frozenset[str]:
        """The documents the text names; `kinds=False` leaves "the plan" aside (a compare question names no kind)."""
        return self.read(text, kinds)[0]

    def read(self, text: str, kinds: bool = True) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        """The documents the text names; the stemmed words of the people and publishers it names ("hirst"): who is
        asked about, not the topic; and those of the titles it names a document by ("fire and crime plan")."""
        found: set[str] = set()
        name_terms: set[str] = set()
        title_terms: set[str] = set()
        for name in self._names:
            match = name.pattern.search(text)
            if match:
                found |= name.owners
                name_terms |= name.stems
                title_terms |= set(analyse(match.group()))
                # "PC Smith", "Sir John": the title is part of the name, not a topic word.
                title = _HONORIFIC_BEFORE.search(text, 0, match.start()) if name.stems else None
                name_terms |= set(analyse(title.group(1))) if title else set()
        for pattern, owners in self._kinds if kinds else ():
            match = pattern.search(text)
            if match:
                found |= owners
                title_terms |= set(analyse(match.group()))
        return frozenset(found), frozenset(name_terms), frozenset(title_terms - name_terms)


@dataclass(frozen=True)
class _Name:
    pattern: re.Pattern[str]
    owners: frozenset[str]  # the documents it names
    stems: frozenset[str]  # its words that are not topic words: none for a title's


def _unique(documents: list[Document], names_by_document: dict[str, set[str]], topic: bool) -> list[_Name]:
    """Each name with the documents it names, kept only if no other document mentions it and it names few."""
    owners_of: dict[str, set[str]] = {}
    for doc_id, names in names_by_document.items():
        for name in names:
            owners_of.setdefault(name, set()).add(doc_id)
    kept: list[_Name] = []
    for name, owners in sorted(owners_of.items()):
        pattern = _name_pattern(name)
        if pattern is None:
            continue
        mentioned_by = {d.id for d in documents if pattern.search(d.text)}
        # A word every document uses (a county, "Police") names none of them.
        if mentioned_by <= owners and len(owners) < max(2, len(documents) // 2):
            kept.append(_Name(pattern, frozenset(owners), frozenset() if topic else frozenset(analyse(name))))
    return kept


def _names_of(document: Document, lowercase_words: set[str]) -> set[str]:
    meta = document.meta
    names: set[str] = set()
    for who in (meta.speaker, meta.publisher):
        if who:
            names.add(re.sub(r"\s*\(.*?\)", "", who).strip().casefold())
    person = meta.speaker if meta.speaker and meta.speaker_role != "news report" else None
    if person and len(person.split()) > 1:
        names.update(_proper_nouns(person.split()[-1], lowercase_words))  # a person by surname: "Smith"
    title_words = _CAPITALISED.findall(meta.title)
    # Title words count only if the text itself uses them as names (capitalised inside a sentence): "Kent", not
    # "Commitments".
    used_as_names = {w for w in title_words if re.search(rf"[a-z,;] {re.escape(w)}\b", document.text)}
    names.update(_proper_nouns(" ".join(used_as_names), lowercase_words))
    return {n for n in names if len(n) >= 3}


def _title_phrases(document: Document, lowercase_words: set[str]) -> set[str]:
    """Runs of TITLE_PHRASE_WORDS words of a title that hold the document's kind or a proper noun ("fire and crime
    plan", "decision to charge caroline"): a resident naming the document by its title. A run of topic words alone
    ("offensive social media posts") names nothing, or a headline would name its document whenever its topic is asked
    about."""
    meta = document.meta
    words = [w.casefold() for w in WORD.findall(meta.title)]
    marks = _proper_nouns(meta.title, lowercase_words) | ({meta.kind.value} if meta.kind in NAMEABLE_KINDS else set())
    runs = (words[i : i + TITLE_PHRASE_WORDS] for i in range(len(words) - TITLE_PHRASE_WORDS + 1))
    return {
        " ".join(run)
        for run in runs
        if sum(len(analyse(w)) > 0 for w in run) >= TITLE_PHRASE_WORDS - 1 and not marks.isdisjoint(run)
    }


def _kind_pattern(kind: Kind, owners: list[Document]) -> re.Pattern[str]:
    """ "the plan", "the crime plan", "the Police, Fire and Crime Plan": "the", a few of the documents' own title
    words, the kind; singular (not "the plans", everyone's) and not "the plan to ..." (a plan, not the document)."""
    title_words = sorted({w.casefold() for d in owners for w in WORD.findall(d.meta.title)} - {kind.value})
    between = "|".join(re.escape(w) for w in title_words) or "(?!)"
    return re.compile(rf"\bthe\W+(?:(?:{between})\W+){{0,6}}{re.escape(kind.value)}\b(?!\W+to\b)", re.IGNORECASE)


def _proper_nouns(text: str, lowercase_words: set[str]) -> set[str]:
    """Capitalised words the corpus never writes in lower case (so names, not ordinary words)."""
    return {w.casefold() for w in _CAPITALISED.findall(text) if w.casefold() not in lowercase_words}


def _name_pattern(name: str) -> re.Pattern[str] | None:
    """The name whatever the punctuation between its words ("Police, Fire and Crime Plan"); None for no words."""
    words = [re.escape(w.strip("'’")) for w in WORD.findall(name) if w.strip("'’")]
    if not words:
        return None
    joined = r"\W+".join(words)
    return re.compile(rf"(?<![\w-]){joined}(?:'s|’s|s)?(?![\w-])", re.IGNORECASE)


def unknown_names(text: str, known: Callable[[str], bool]) -> list[str]:
    """Capitalised words inside the question (not its first word) that the documents never use: names of places or
    people the corpus cannot say anything about."""
    # An acronym ("AI", "ULEZ") is a term, not a name: the meaning signals judge it.
    words = [
        m
        for m in _CAPITALISED.finditer(text)
        if m.start() > 0 and text[m.start() - 1] != "'" and not m.group().isupper()
    ]
    unknown: list[str] = []
    for match in words:
        if _SENTENCE_START.search(text[: match.start()]) or _CALENDAR.fullmatch(match.group()):
            continue
        stems = analyse(match.group())
        if stems and not any(known(stem) for stem in stems):
            unknown.append(match.group())
    return unknown


def wanted(text: str) -> Wanted:
    for kind, pattern in _WANTS:
        if pattern.search(text):
            return kind
    return Wanted.ANY


def premise(text: str) -> tuple[str, ...]:
    """The stemmed action a why/when-did question presupposes ("ban" in "why did the commissioner ban cctv"); for
    reported speech the action said ("sack" in "when did Smith say he would sack ..."); empty when there is none.

    Only why/when-did questions: in "who wants to scrap face recognition" residents word a true premise their own way
    more often than they assume a false one."""
    match = _PREMISE.search(text)
    if match is None:
        return ()
    verb = match.group("then") or match.group("verb")
    if verb.casefold() in _SAYING:  # "why did she say ...": what was said is the topic, not a presupposed act
        return ()
    return analyse(verb)


def wanted_detail(text: str) -> Detail | None:
    return next((detail for detail, pattern in _DETAILS if pattern.search(text)), None)


def parse_question(
    text: str,
    vector: Vectors,
    names: SourceNames,
    corrected: str | None = None,
    known: Callable[[str], bool] = lambda _: True,
) -> ParsedQuestion:
    """The question understood once; `corrected` is its text with typos corrected (the caller encodes it too). A word
    with a hyphenated prefix ("ex-officer") is also a term written whole only where the documents (`known`) use it so:
    otherwise it is a word they never use, which would make the question look like one they do not cover."""
    corrected = text if corrected is None else corrected
    joined = joined_forms(corrected)
    # The words asking to compare ("the various sources", "each say") are no topic a passage must hold.
    asking = [m.group() for pattern in (_COMPARE, _STANDING) for m in pattern.finditer(corrected)]
    comparing = frozenset(analyse(" ".join(asking)))
    compare = _COMPARE.search(text) is not None or _STANDING.search(corrected) is not None
    named, name_terms, title_terms = names.read(corrected, kinds=not compare)
    return ParsedQuestion(
        text=text,
        terms=tuple(t for t in analyse(corrected) if (t not in joined or known(t)) and t not in comparing),
        vector=vector,
        named=named,
        wants=wanted(text),
        compare=compare,
        corrected=corrected,
        detail=wanted_detail(text),
        identity=_IDENTITY.search(text) is not None,
        premise=premise(corrected),
        name_terms=name_terms,
        title_terms=title_terms,
        prediction=_PREDICTION.search(text) is not None or (_FORECAST.search(corrected) is not None and not named),
        legal=_LEGAL.search(corrected) is not None,
        money=_MONEY.search(corrected) is not None,
        years=tuple(YEAR.findall(text)),
        procedure=_PROCEDURE.search(corrected) is not None,
        counted=tuple(stem for stem in counted(corrected) if stem not in name_terms),
        asks_when=_ASKS_WHEN.search(text) is not None,
        asks_time=_ASKS_TIME.search(corrected) is not None,
        claim=claim_of(corrected),
        presupposes=presupposes(corrected),
    )


def counted(text: str) -> tuple[str, ...]:
    """The stems of what a figure asked for counts; () when the question asks for no count, or counts only "people"
    or "times" (what they are is said elsewhere: "how many people in the county are special constables")."""
    match = _COUNTED.search(text)
    if not match:
        return ()
    words = match.group(1).split()
    if words and _DEGREE.match(words[0]) and (len(words) == 1 or words[1].casefold() in ("than", "is", "are")):
        return ()
    # What "how many" counts ends at its first plural ("how many allegations went back to ..."): what follows says
    # what became of them. "How much" counts what cannot be counted one by one ("how much council tax").
    plural = next((i for i, word in enumerate(words[:4]) if _PLURAL.search(word)), None)
    if plural is not None and not match.group(0).casefold().startswith("how much"):
        words = words[: plural + 1]
    return tuple(stem for stem in analyse(" ".join(words)) if stem not in _ANY_COUNT)

"""Whether the documents can answer a question: rules that say why not, then a small fitted model.

The rules catch what closeness cannot: a question asking who will win a contest (documents of positions, plans and news
predict no winner); a question asking for a local detail (a phone number, opening hours, an email or a postal address,
what happened last weekend) that no retrieved passage states, or for a figure of a local place that no passage to be
quoted names; and a name (a town, a person) the documents never mention, capitalised or a place name in any case
(index/places.py). The model then weighs a few signals of how well the best passages match; its coefficients live in
abstention.yaml, fitted on the dev split of the labelled questions with `consult eval --calibrate` (see
index/abstention_fit.py).
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import astuple, dataclass
from functools import cached_property
from pathlib import Path

import yaml

from index.claims import denied
from index.lexical import analyse
from index.passages import FIGURE, TIME, YEAR
from index.places import mentions, unlisted_places
from index.question import MONEY_WORDS, RECENT_PERIOD, Detail, ParsedQuestion, Wanted, unknown_names
from index.question_exemplars import QuestionExemplars
from index.retriever import Hit, Retriever
from index.spelling import english_words, inflected_forms

MODEL_FILE = Path(__file__).with_name("abstention.yaml")
TOP_CHUNKS = 5  # the chunks whose words and local details abstention looks at: the best few hits
CLOSE_CHUNKS = 10  # the chunks closest in meaning: a name in the question can pull lexical hits to the top
# A place named in at least this share of the chunks is the area the documents are about (a county), not a local place
# whose figures only a passage naming it could give.
AREA_SHARE = 0.10
# A word in at least this share of the chunks says nothing of what a figure counts ("police" in "police officers").
COMMON_SHARE = 0.5
# A place asked about ("in <town>"), not one that only says who someone is ("the officer from <town>").
TYPO_SIMILARITY = 0.8  # difflib's ratio from which an unknown word is read as a typo of a known one ("essx")
_LOCATIVE = re.compile(r"\b(?:in|on|at|near|around|across|within|for)\s+(?:the\s+)?$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")

# How a passage tells a resident how to do something: where to go, whom to contact, how to apply.
_HOW_TO = re.compile(
    r"https?://|www\.|\w@\w|\b(?:online|website|web ?site|portal|sign up|fill in|webcast|live ?stream|broadcast|"
    r"apply (?:online|at|via|through|to|for|by)|register (?:online|at|via|with)|(?:contact|call|ring|e-?mail|phone|"
    r"write to|visit) (?:us|them|the|your|our|101|999|0\d|www)|watch (?:it|the|live|online|again))\b",
    re.IGNORECASE,
)
# How a passage speaks of what the law allows: a question of the resident's rights is answered by nothing less.
_LAW = re.compile(
    r"\b(?:laws?|legal|illegal|lawful|unlawful|legally|legislation|statutory|offences?|criminal offence|allowed|"
    r"permitted|prohibited|right to|rights|powers? to|entitled|obliged|required to|authorisation|warrant|act \d{4}|"
    r"\d{4} act)\b",
    re.IGNORECASE,
)
# A sum of money in a sentence.
_SUM = re.compile(
    r"[£$€]\s?\d|\d\s?(?:million|billion|bn|m|k|pounds|p)\b|\b(?:million|billion) pounds\b", re.IGNORECASE
)
# What a passage must contain to state each kind of local detail.
_EVIDENCE = {
    Detail.PHONE: re.compile(r"(?:\+44\s?|\b0)\d{2,4}[\s-]?\d{3}[\s-]?\d{3,4}\b"),
    Detail.EMAIL: re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"),
    Detail.HOURS: re.compile(
        r"\b\d{1,2}(?:[:.]\d{2})?\s?(?:am|pm)\b|\b\d{1,2}:\d{2}\b|\bopening (?:hours|times)\b|\b24/7\b", re.IGNORECASE
    ),
    Detail.ADDRESS: re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b"),  # a UK postcode
    Detail.RECENT: RECENT_PERIOD,
}


@dataclass(frozen=True)
class Signals:
    """How well the best retrieved passages match the question (the model's inputs, in this order)."""

    chunk_cosine: float  # best cosine of the question with a top chunk
    sentence_cosine: float  # best cosine with one sentence of a top chunk: a topic mentioned once in a long chunk
    # IDF-weighted share of the question's topic words (or synonyms) in the best passage to be quoted: a word met
    # somewhere in a long retrieved chunk is no sign that what would be quoted speaks of it.
    quote_overlap: float
    unknown: float  # IDF-weighted share of the question's topic words the corpus never uses, nor any synonym of them
    quote_score: float  # the best passage's score as a quote (index/quoting.py): how well some passage answers
    leaning: float  # closer to labelled answerable questions than to unanswerable ones (index/question_exemplars.py)

    def features(self) -> tuple[float, ...]:
        return astuple(self)


@dataclass(frozen=True)
class Decision:
    """Why the pipeline answered or abstained."""

    signals: Signals
    probability: float  # the model's estimate that the documents answer the question
    answerable: bool
    reason: str  # "model", "unknown name" or the local detail no passage states


@dataclass(frozen=True)
class AbstentionModel:
    """Logistic regression over the signals: answer when the probability reaches the threshold."""

    weights: tuple[float, ...]
    intercept: float
    threshold: float = 0.5

    def probability(self, signals: Signals) -> float:
        z = self.intercept + sum(w * x for w, x in zip(self.weights, signals.features(), strict=True))
        return 1 / (1 + math.exp(-z))

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> AbstentionModel:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        names = list(Signals.__dataclass_fields__)
        return cls(
            weights=tuple(float(raw["weights"][name]) for name in names),
            intercept=float(raw["intercept"]),
            threshold=float(raw["threshold"]),
        )

    def save(self, path: Path, note: str) -> None:
        names = list(Signals.__dataclass_fields__)
        body = {
            "weights": {name: round(w, 4) for name, w in zip(names, self.weights, strict=True)},
            "intercept": round(self.intercept, 4),
            "threshold": round(self.threshold, 3),
        }
        header = "".join(f"# {line}\n" for line in note.splitlines())
        path.write_text(header + yaml.safe_dump(body, sort_keys=False), encoding="utf-8")


class Abstention:
    def __init__(
        self, retriever: Retriever, model: AbstentionModel | None = None, exemplars: QuestionExemplars | None = None
    ) -> None:
        self.retriever = retriever
        self.model = model or AbstentionModel.load()
        self.exemplars = exemplars or QuestionExemplars.none()
        documents = retriever.data.documents.values()
        self._written = " ".join(
            [d.text for d in documents] + [" ".join(filter(None, (d.meta.title, d.meta.speaker))) for d in documents]
        ).casefold()
        self._vocabulary = retriever.embedder.whole_words()

    def decide(
        self,
        question: ParsedQuestion,
        hits: list[Hit],
        quote_score: float,
        quote_overlap: float = 0.0,
        passages: tuple[str, ...] = (),
        claimed: tuple[str, ...] = (),
        context: tuple[str, ...] = (),
        named_silent: bool = False,
    ) -> Decision:
        """`passages` are the texts the answer would quote from (each source's best passage); `claimed`, those of the
        sources the question names (all of them when it names none), which a premise it takes for granted is about;
        `context`, the chunks of those sources they were taken from; `named_silent`, that the question asks what
        particular sources say and none of them speaks to its topic."""
        signals = self.signals(question, hits, quote_score, quote_overlap)
        probability = self.model.probability(signals)
        text = question.corrected or question.text
        if (
            unknown_names(text, self._known_or_synonym)
            or self.retriever.data.places.unknown_in(text, self._written)
            or unlisted_places(text, self._known, self._common_word)
        ):
            return Decision(signals, probability, False, "unknown name")
        if named_silent:
            return Decision(signals, probability, False, "named source silent")
        if question.prediction:
            return Decision(signals, probability, False, "prediction")
        if question.wants in (Wanted.NUMBER, Wanted.PERSON) and self._local_places_unstated(
            text, passages, FIGURE if question.wants is Wanted.NUMBER else None
        ):
            return Decision(signals, probability, False, "local figure or person")
        if question.counted and not self._counts(question.counted, passages):
            return Decision(signals, probability, False, "figure of something else")
        if question.money and not self._costs(question, passages):
            return Decision(signals, probability, False, "sum of something else")
        # A year a figure is asked for, or one a why/when question takes for granted ("why no deaths by 2030"), must
        # be the passage's year.
        asks_figure_or_person = question.counted or question.wants in (Wanted.NUMBER, Wanted.PERSON)
        if (asks_figure_or_person or question.presupposes) and not self._of_year(question.years, passages):
            return Decision(signals, probability, False, "figure of another year")
        # The answer to "when" is in the best passage or nowhere: a date in a passage about something else says nothing.
        if question.asks_time and not any(TIME.search(passage) for passage in passages[:1]):
            return Decision(signals, probability, False, "no time")
        if question.procedure and not any(_HOW_TO.search(passage) for passage in passages):
            return Decision(signals, probability, False, "how to")
        if question.legal and not any(_LAW.search(passage) for passage in passages):
            return Decision(signals, probability, False, "law")
        if question.claim and denied(
            question.claim, question.topic_terms, claimed, context, self.retriever.synonyms.any_in
        ):
            return Decision(signals, probability, False, "premise denied")
        if question.detail is not None and not self._states(question.detail, hits):
            return Decision(signals, probability, False, str(question.detail))
        return Decision(signals, probability, probability >= self.model.threshold, "model")

    def _known_or_synonym(self, stem: str) -> bool:
        """A word the documents use, or one of its listed synonyms ("Facebook" for social media)."""
        return self.retriever.synonyms.known(stem, self.retriever.data.lexical.knows)

    def signals(self, question: ParsedQuestion, hits: list[Hit], quote_score: float, quote_overlap: float) -> Signals:
        close = sorted(hits, key=lambda h: -h.dense)[:CLOSE_CHUNKS]
        sentence = max(
            (max(self.retriever.sentence_scores(question.vector, h.chunk_id), default=0.0) for h in close),
            default=0.0,
        )
        weights = self.retriever.term_weights(question.topic_terms)
        total = sum(weights.values())
        unseen = sum(w for t, w in weights.items() if not self._known_or_synonym(t))
        return Signals(
            chunk_cosine=max((h.dense for h in close), default=0.0),
            sentence_cosine=sentence,
            quote_overlap=quote_overlap,
            unknown=unseen / total if total else 0.0,
            quote_score=quote_score,
            leaning=self.exemplars.leaning(question.vector, question.text),
        )

    def _common_word(self, word: str) -> bool:
        """An English word in any of its forms ("festivals", "safeguarding"), or a typo of one or of a word of the
        documents ("evry", "essx"): in the model's vocabulary of common words, or in the GNU dictionary (not the larger
        Webster's list, which holds archaic words that are also the names of boroughs)."""
        if any(form in self._vocabulary or form in english_words(("gcide",)) for form in inflected_forms(word)):
            return True
        return bool(difflib.get_close_matches(word, self._spellings, n=1, cutoff=TYPO_SIMILARITY))

    @cached_property
    def _spellings(self) -> list[str]:
        """Every word a typo could be of: the model's common words and the documents' (made on the first need)."""
        return sorted(self._vocabulary | set(re.findall(r"[a-z]+", self._written)))

    def _known(self, word: str) -> bool:
        """A word the documents use (in any of its forms)."""
        return any(self.retriever.data.lexical.knows(stem) for stem in analyse(word))

    def _local_places_unstated(self, text: str, passages: tuple[str, ...], stating: re.Pattern[str] | None) -> bool:
        """A figure (or a person) asked for a local place ("how many officers are based in <town>", "who is the
        inspector for <town>") that no source's best passage gives in a sentence naming the place (and, given
        `stating`, holding what it must). One from elsewhere would answer for somewhere else."""
        asked = text.casefold()
        local = [
            place
            for place in self.retriever.data.places.named_in(text)
            if _LOCATIVE.search(asked[: asked.find(place)]) and self._named_in_few_chunks(place)
        ]
        sentences = [
            s.casefold()
            for passage in passages
            for s in _SENTENCE_END.split(passage)
            if stating is None or stating.search(s)
        ]
        return any(not any(mentions(sentence, place) for sentence in sentences) for place in local)

    def _counts(self, counted: tuple[str, ...], passages: tuple[str, ...], figure: re.Pattern[str] = FIGURE) -> bool:
        """Whether some sentence of a passage to be quoted gives a figure of what the question counts: it holds a
        figure and the rarest word of the thing counted (or a synonym), not counting words the documents use
        everywhere ("police"), so "how many speed cameras" is not answered by "251 Special Constables"."""
        lexical = self.retriever.data.lexical
        telling = [s for s in counted if lexical.document_frequency(s) < COMMON_SHARE * lexical.size] or list(counted)
        rarest = min(telling, key=lexical.document_frequency)
        return any(
            figure.search(YEAR.sub("", sentence))
            and self.retriever.synonyms.any_in(rarest, frozenset(analyse(sentence)))
            for passage in passages
            for sentence in _SENTENCE_END.split(passage)
        )

    def _costs(self, question: ParsedQuestion, passages: tuple[str, ...]) -> bool:
        """Whether some sentence gives a sum of money for what the question asks about (a budget for the whole force
        does not say what one scheme cost). Words the documents use everywhere ("police") name no particular thing."""
        lexical = self.retriever.data.lexical
        topic = tuple(
            t
            for t in question.topic_terms
            if t not in MONEY_WORDS and lexical.document_frequency(t) < COMMON_SHARE * lexical.size
        )
        return not topic or self._counts(topic, passages, _SUM)

    @staticmethod
    def _of_year(years: tuple[str, ...], passages: tuple[str, ...]) -> bool:
        """Whether a figure asked for a named year ("in 2019") could be of that year: some passage names it, alone or
        in a financial year ("2018/19")."""
        return not years or any(
            year in passage or re.search(rf"\b(?:19|20)\d\d[/-]{year[2:]}\b", passage)
            for year in years
            for passage in passages
        )

    def _named_in_few_chunks(self, place: str) -> bool:
        """A local place, not the area the documents cover; from the lexical index's counts, so it costs nothing
        however many chunks there are (a place of several words counts by its rarest word)."""
        lexical = self.retriever.data.lexical
        chunks = min((lexical.document_frequency(stem) for stem in analyse(place)), default=0)
        return chunks < AREA_SHARE * lexical.size

    def _states(self, detail: Detail, hits: list[Hit]) -> bool:
        """Whether one of the top passages states a detail of that kind at all."""
        pattern = _EVIDENCE[detail]
        return any(pattern.search(self.retriever.data.chunks[h.chunk_id].text) for h in hits[:TOP_CHUNKS])

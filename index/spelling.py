"""Correcting a resident's misspellings, for the two readers that need it, by one Corrector.

- Retrieval (`Corrector.towards_documents`): a question's typos ("polce", "servise", "dubble") are corrected towards
  the words the documents use. A misspelt word is unknown to the corpus and weighs most in the topic-word checks, so one
  typo could turn a covered topic into an abstention. Only words that neither the documents nor the embedding model's
  vocabulary of whole English words know are touched ("elderly" is a word the documents do not use, not a typo), and
  only towards a close corpus word: a place or a person the documents never mention stays unknown, so it still counts
  against answering.
- The safety rules (`SAFETY_CORRECTOR`): the misspellings and texting shorthand of a message typed in a hurry are
  undone towards the words the emergency rules look for ("stabed", "colapsed", "breething"). A word is corrected only
  when it is no English word, so ordinary words ("breaking", "free") are never changed.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from functools import cache, lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS
from rapidfuzz.distance import OSA

_HYPHENATED = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)+")  # a hyphenated word of the documents ("re-opening")
_LETTERS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")  # a word of a question: letters, perhaps with an apostrophe
_TYPED = re.compile(r"[a-z0-9']+")  # a word of a lower-cased message, shorthand such as "sum1" included
_STEMMER = Stemmer.Stemmer("english")
_VOWEL = re.compile(r"[aeiouy]")
MIN_PART = 4  # the shortest word of two run together: shorter ones split too much ("ant" "isocial")
MAX_COMPLETIONS = 4  # a word cut short that begins more targets than this is too short to say which was meant


def _never(word: str) -> bool:
    return False


class Corrector:
    """Replaces each misspelt word of a text by the closest of its target words, when one is close enough.

    A word stays as written when it is shorter than `min_length` (short words have too many close neighbours to
    correct safely), a target, or a word in its own right: one of `known`, or one `is_word` accepts (a dictionary too
    large to load before a word could be a typo). `similarity` is the difflib ratio a correction needs, by the
    word's length. With `target_forms` a plural or verb form of a target is no typo, and an American spelling of a
    target becomes the British one; with `same_start` only targets with the word's first letter and within two letters
    of its length are considered (typos rarely change the first letter, and it keeps the search short)."""

    def __init__(
        self,
        targets: Iterable[str],
        *,
        min_length: int,
        similarity: Callable[[int], float],
        known: Iterable[str] = (),
        is_word: Callable[[str], bool] = _never,
        word: re.Pattern[str] = _LETTERS,
        shorthand: Mapping[str, str] | None = None,
        lower_case: bool = False,
        target_forms: bool = False,
        same_start: bool = False,
        cache_size: int = 4096,
        frequency: Mapping[str, int] | None = None,
    ) -> None:
        self._targets = frozenset(targets)
        self._frequency = dict(frequency or {})
        self._min_length = min_length
        self._similarity = similarity
        self._known = frozenset(known)
        self._is_word = is_word
        self._word_pattern = word
        self._shorthand = dict(shorthand or {})
        self._lower_case = lower_case
        self._target_forms = target_forms
        self._stems = frozenset(_STEMMER.stemWords(list(self._targets))) if target_forms else frozenset()
        self._same_start = same_start
        self._by_start: dict[tuple[str, int], list[str]] = {}
        for target in self._targets:
            self._by_start.setdefault((target[:1], len(target)), []).append(target)
        self._all_targets = sorted(self._targets)
        # Each word once (bounded: residents type words without end).
        self._cached_word = lru_cache(maxsize=cache_size)(self._corrected_word)

    @classmethod
    def towards_documents(cls, texts: Iterable[str], lexicon: Iterable[str] = ()) -> Corrector:
        """Towards the words of `texts` (and common English stopwords), leaving alone the words of `lexicon`."""
        texts = list(texts)
        counts = Counter(w.casefold() for text in texts for w in _LETTERS.findall(text))
        # A word the documents hyphenate is known written whole too ("re-opening" makes "reopening" no typo).
        counts.update(w.casefold().replace("-", "") for text in texts for w in _HYPHENATED.findall(text))
        return cls(
            set(counts) | set(STOPWORDS_EN_PLUS),
            min_length=5,
            similarity=lambda _: 0.8,
            known=lexicon,
            target_forms=True,
            same_start=True,
            frequency=counts,
            shorthand=SHORTHAND,
        )

    def correct(self, text: str) -> str:
        """The text with each misspelt word replaced by its closest target word (in lower case if so built)."""
        text = text.lower() if self._lower_case else text
        return self._word_pattern.sub(lambda match: self._cached_word(match.group()), text)

    def _corrected_word(self, word: str) -> str:
        folded = word.casefold()
        # Shorthand is typed in lower case ("RN", "NW" and "U-turn" are not "right now", "now" and "you")
        # and is no word of the documents.
        if folded in self._shorthand and (self._lower_case or word.islower()) and folded not in self._targets:
            return self._shorthand[folded]
        if self._target_forms and _plural_of_acronym(folded, self._targets):
            return folded[:-1]  # "pccs": the stemmer leaves a plural without vowels alone
        if len(folded) < self._min_length or folded in self._targets:
            return word
        if self._target_forms:
            if _is_form_of(folded, self._targets):
                return word
            british = folded.replace("iz", "is")  # "legalizing" where the documents write "legalising"
            if british != folded and _STEMMER.stemWord(british) in self._stems:
                return british
        if folded in self._known:
            return word
        close = difflib.get_close_matches(folded, self._candidates(folded), n=5, cutoff=self._similarity(len(folded)))
        # A word is looked up (`is_word`, costly) only when there is something to replace it with.
        replacement = self._completion(folded) if not close and self._target_forms else None
        split = self._split(folded) if not close and replacement is None and self._target_forms else None
        if (not close and replacement is None and split is None) or self._is_word(folded):
            return word
        if split is not None:
            return split
        if replacement is not None:
            return replacement
        # Fewest edits first, a swap of two letters counting as one ("polcie" is "police", not "policies"); difflib's
        # order breaks ties.
        return min(close, key=lambda target: OSA.distance(folded, target))

    def _split(self, folded: str) -> str | None:
        """Two target words run together ("speedwatch" where the documents write "Speed Watch"), each of at least
        MIN_PART letters; the split leaving the longer first word when several do."""
        for cut in range(len(folded) - MIN_PART, MIN_PART - 1, -1):
            first, second = folded[:cut], folded[cut:]
            if (
                first in self._targets
                and second in self._targets
                and first not in STOPWORDS_EN_PLUS
                and second not in STOPWORDS_EN_PLUS
            ):
                return f"{first} {second}"
        return None

    def _completion(self, folded: str) -> str | None:
        """A word cut short in a keyword query ("facial recog"): the commonest target it begins, when the few targets
        it begins are forms of one word ("recognise", "recognition")."""
        start = bisect.bisect_left(self._all_targets, folded)
        longer = []
        for target in self._all_targets[start:]:
            if not target.startswith(folded):
                break
            if len(target) >= len(folded) + 2:
                longer.append(target)
        if not longer or len(longer) > MAX_COMPLETIONS or len({t[: len(folded) + 2] for t in longer}) > 1:
            return None
        return max(longer, key=lambda target: (self._frequency.get(target, 0), -len(target)))

    def _candidates(self, folded: str) -> list[str]:
        """A short target is no candidate either: "witham" is a town, not a typo of "with"."""
        if not self._same_start:
            return self._all_targets
        sizes = range(max(self._min_length, len(folded) - 2), len(folded) + 3)
        return [target for size in sizes for target in self._by_start.get((folded[:1], size), [])]


def _plural_of_acronym(word: str, targets: frozenset[str]) -> bool:
    """ "pccs" for "pcc": a target without vowels, and an s."""
    singular = word[:-1]
    return word.endswith("s") and len(singular) >= 2 and singular in targets and not _VOWEL.search(singular)


def _is_form_of(word: str, targets: frozenset[str]) -> bool:
    """A plural or verb form of a target is not a typo ("clubs" when only "club" is written)."""
    return any(word.endswith(ending) and word[: -len(ending)] in targets for ending in ("s", "es", "ed", "ing", "'s"))


# The words the safety rules hinge on; a misspelling of one of them would otherwise hide an emergency.
SAFETY_WORDS = frozenset(
    {
        "abducted",
        "accident",
        "alzheimers",
        "ambulance",
        "attacked",
        "attacking",
        "beating",
        "bleeding",
        "breath",
        "breathe",
        "breathing",
        "burning",
        "choking",
        "collapsed",
        "collision",
        "conscious",
        "crashed",
        "dementia",
        "drowning",
        "emergency",
        "fainted",
        "fire",
        "flames",
        "help",
        "hitting",
        "house",
        "injured",
        "kidnapped",
        "knife",
        "knocked",
        "missing",
        "monoxide",
        "overdose",
        "please",
        "poisoned",
        "punching",
        "responding",
        "screaming",
        "seizure",
        "someone",
        "somebody",
        "stabbed",
        "strangling",
        "stuck",
        "suicidal",
        "swallowed",
        "threatening",
        "trapped",
        "unconscious",
        "unresponsive",
        "wandered",
    }
)
SHORTHAND = {
    "sum1": "someone",
    "some1": "someone",
    "som1": "someone",
    "sumone": "someone",
    "sum1s": "someone's",
    "pls": "please",
    "plz": "please",
    "plzz": "please",
    "ppl": "people",
    "rite": "right",
    "nite": "night",
    "ambo": "ambulance",
    "hlp": "help",
    "halp": "help",
    "nw": "now",
    "rn": "right now",
    "m8": "mate",
    "m8s": "mates",
    "u": "you",
    "ur": "your",
    "wat": "what",
    "wot": "what",
    "wiv": "with",
    "wrk": "work",
    "wanna": "want to",
    "gonna": "going to",
    "cos": "because",
    "coz": "because",
    "abt": "about",
    "bout": "about",
    "b4": "before",
    "2day": "today",
    "2nite": "tonight",
    "tho": "though",
    "thru": "through",
    "gov": "government",
    "govt": "government",
}


@cache
def english_words(lists: tuple[str, ...] = ("web2", "gcide")) -> frozenset[str]:
    """A dictionary of the english-words package (Webster's and the GNU one by default), loaded on the first word that
    needs it (about a second), then kept."""
    from english_words import get_english_words_set

    return frozenset(get_english_words_set(list(lists), lower=True))


def inflected_forms(word: str) -> list[str]:
    """The word and what it is with an inflection taken off ("beeping" -> "beep"): dictionaries list few inflected
    forms."""
    return [word] + [word[: -len(end)] for end in ("ing", "ed", "es", "s", "d") if word.endswith(end)]


def _is_english_or_no_word(word: str) -> bool:
    """A token with digits or an apostrophe is never corrected (shorthand aside). The dictionary lists few inflected
    forms: "allowed" and "beeping" are words because "allow" and "beep" are."""
    if not word.isalpha():
        return True
    english = english_words()
    stems = inflected_forms(word)
    undoubled = [stem[:-1] for stem in stems[1:] if len(stem) > 2 and stem[-1] == stem[-2]]  # "stopped", "stopp"
    return any(stem in english for stem in stems + undoubled) or any(s + "e" in english for s in stems[1:])


# What the safety rules read: the message in lower case with misspelt safety words and shorthand written out.
SAFETY_CORRECTOR = Corrector(
    SAFETY_WORDS,
    min_length=4,
    similarity=lambda length: 0.75 if length < 6 else 0.84,
    is_word=_is_english_or_no_word,
    word=_TYPED,
    shorthand=SHORTHAND,
    lower_case=True,
    cache_size=8192,
)

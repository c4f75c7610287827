"""Closeness to questions labelled answerable or not: a signal of the abstention model (index/abstention.py).

How well the best passages match cannot tell a covered topic from its neighbour when the documents mention the
neighbour in passing (a TV show in a news story, Tasers in a list of kit). Questions about such neighbours resemble
questions already labelled out of scope more than ones labelled answerable, whatever their words. The labelled
questions are the ones the model is fitted on (the dev split and our own training questions, never the test split);
`consult eval --split dev --calibrate` writes them to question_exemplars.yaml in the consultation's corpus directory,
since they are questions about its documents. A consultation without the file has no leaning: the signal reads zero.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import yaml

from index.embedding import Vectors

EXEMPLARS_FILE_NAME = "question_exemplars.yaml"  # in the corpus directory
NEIGHBOURS = 3  # the nearest few of each kind, so that one odd label does not decide


def same_question(text: str) -> str:
    """What two wordings of one question share: a question asked as a labelled one is not its own neighbour."""
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class QuestionExemplars:
    vectors: Vectors
    answerable: npt.NDArray[np.bool_]
    texts: npt.NDArray[np.object_]  # each as same_question reads it

    @classmethod
    def load(cls, encode: Callable[[Sequence[str]], Vectors], path: Path) -> QuestionExemplars:
        """The labelled questions, encoded as questions are (`encode`); none when the file is missing."""
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
        answer = [str(q) for q in (raw or {}).get("answer") or []]
        abstain = [str(q) for q in (raw or {}).get("abstain") or []]
        if not answer or not abstain:
            return cls.none()
        texts = np.array([same_question(q) for q in answer + abstain], dtype=object)
        return cls(encode(answer + abstain), np.array([True] * len(answer) + [False] * len(abstain)), texts)

    @classmethod
    def none(cls) -> QuestionExemplars:
        return cls(np.zeros((0, 1), dtype=np.float32), np.zeros(0, dtype=bool), np.zeros(0, dtype=object))

    def leaning(self, vector: Vectors, text: str) -> float:
        """Mean cosine of the nearest answerable questions less that of the nearest unanswerable ones: above zero when
        the question is more like those the documents answer; zero without exemplars of both kinds. The question
        itself, if it is one of them, is left out, as the fit leaves it out."""
        others = self.texts != same_question(text)
        return leaning(vector, self.vectors[others], self.answerable[others])

    @staticmethod
    def save(answerable: Sequence[str], unanswerable: Sequence[str], note: str, path: Path) -> None:
        header = "".join(f"# {line}\n" for line in note.splitlines())
        body = {"answer": sorted(set(answerable)), "abstain": sorted(set(unanswerable))}
        path.write_text(header + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8")


def leaning(vector: Vectors, vectors: Vectors, answerable: npt.NDArray[np.bool_]) -> float:
    if not answerable.any() or answerable.all():
        return 0.0
    cosines = np.asarray(vectors @ vector, dtype=float)
    near_answerable = np.sort(cosines[answerable])[-NEIGHBOURS:]
    near_unanswerable = np.sort(cosines[~answerable])[-NEIGHBOURS:]
    return float(near_answerable.mean() - near_unanswerable.mean())

"""Theme quality on tests/survey/comments_labelled.yaml: adjusted Rand index against the hand-made themes, and the
share of answers whose theme label a reader would accept.

A label is accepted for an answer when one of the label's words is among the hand-written keywords of the answer's
own theme. An off-topic answer is accepted in "other", or in a theme whose label matches no known theme's keywords.
Answers of a known theme put in "other" are not accepted (the reader is not told their theme)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from survey.themes import OTHER, Comment, TextEncoder, Themes, ThemeSettings, find_themes

LABELLED = Path(__file__).with_name("comments_labelled.yaml")
OFF_TOPIC = "offtopic"
Part = Literal["development", "held_out", "all"]


@dataclass(frozen=True)
class Labelled:
    comment: Comment
    theme: str


@dataclass(frozen=True)
class Quality:
    answers: int
    themes_found: int
    adjusted_rand_index: float
    label_accepted: float


def labelled(part: Part) -> tuple[list[Labelled], dict[str, set[str]]]:
    data = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))
    keywords = {theme["id"]: {str(word).lower() for word in theme["keywords"]} for theme in data["themes"]}
    answers = []
    for theme in data["themes"]:
        for index, text in enumerate(theme["answers"]):
            development = index % 3 == 0
            if part == "all" or (part == "development") == development:
                answers.append(Labelled(Comment(id=f"{theme['id']}-{index}", text=text), theme["id"]))
    return answers, keywords


def measure(encoder: TextEncoder, part: Part, settings: ThemeSettings | None = None) -> Quality:
    from sklearn.metrics import adjusted_rand_score

    answers, keywords = labelled(part)
    themes = find_themes([a.comment for a in answers], encoder, settings)
    found = themes.theme_of()
    predicted = [found[a.comment.id] for a in answers]
    ari = adjusted_rand_score([a.theme for a in answers], predicted)
    accepted = sum(_accepted(a, themes, found, keywords) for a in answers)
    real_themes = sum(theme.id != OTHER for theme in themes.themes)
    return Quality(len(answers), real_themes, round(float(ari), 3), round(accepted / len(answers), 3))


def _accepted(answer: Labelled, themes: Themes, found: dict[str, str], keywords: dict[str, set[str]]) -> bool:
    theme_id = found[answer.comment.id]
    if theme_id == OTHER:
        return answer.theme == OFF_TOPIC
    label = next(theme.label for theme in themes.themes if theme.id == theme_id)
    words = {word.lower() for word in label.replace(",", " ").split()}
    if answer.theme == OFF_TOPIC:
        return not any(words & known for known in keywords.values())
    return bool(words & keywords[answer.theme])

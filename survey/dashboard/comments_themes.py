"""The themes panel of the "What residents wrote" page, read from the themes cache only: the web process never loads
the embedding model. Without fresh themes the panel says why and names the command that computes them."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from survey.comments import WrittenAnswer
from survey.comments_cache import stored_themes, theme_cache, themes_scope
from survey.service import Survey
from survey.themes import Theme

CHART_ID = "themes-chart"


@dataclass(frozen=True)
class ThemesPanel:
    themes: list[Theme] = field(default_factory=list)  # fresh themes, largest first, "other" last
    computed_at: dt.datetime | None = None  # set without themes: the answers changed since (stale)
    command: str = ""  # what refreshes them

    @property
    def stale(self) -> bool:
        return not self.themes and self.computed_at is not None

    def chosen(self, theme_id: str) -> Theme | None:
        return next((theme for theme in self.themes if theme.id == theme_id), None)

    def chart_json(self) -> str:
        """The chart's figures in the shape dashboard.js draws (themes too small to count are left out, as in the
        table); safe inside a <script> element."""
        counted = [theme for theme in self.themes if theme.count is not None]
        chart = {
            "id": CHART_ID,
            "scale": "count",
            "labels": [theme.label for theme in counted],
            "values": [theme.count for theme in counted],
            "low": [],
            "high": [],
        }
        return json.dumps({"questions": [chart], "weeks": []}).replace("<", "\\u003c")


def themes_panel(survey: Survey, question_id: str, answers: list[WrittenAnswer]) -> ThemesPanel:
    scope = themes_scope(survey.definition.id, question_id)
    stored = stored_themes(answers, survey.definition.min_group_size, theme_cache(survey), scope)
    command = f"consult survey themes {question_id}"
    if stored.themes is None:
        return ThemesPanel(computed_at=stored.computed_at, command=command)
    return ThemesPanel(themes=stored.themes.themes, computed_at=stored.computed_at, command=command)

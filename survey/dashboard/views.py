"""What the dashboard and the printable report show, built from the definition and the results: for every question
a chart and a table (any kind), and for every breakdown (each `breakdown: true` question, and channel) a table per
question. Cells are formatted here, so the templates only lay them out."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from survey.definition import Question, QuestionKind, SurveyDefinition
from survey.results import CHANNEL


@dataclass
class Row:
    label: str
    cells: list[str]
    suppressed: bool = False


@dataclass
class TableView:
    caption: str
    headers: list[str]
    rows: list[Row]


@dataclass
class Chart:
    """Bars with optional 95% intervals; `scale` says how values read: share (0..1), points (0..max) or count."""

    id: str
    description: str
    scale: str
    labels: list[str]
    values: list[float]
    low: list[float | None] = field(default_factory=list)
    high: list[float | None] = field(default_factory=list)
    max: float | None = None


@dataclass
class QuestionView:
    id: str
    heading: str
    summary: str
    chart: Chart
    table: TableView


@dataclass
class BreakdownView:
    id: str
    heading: str
    tables: list[TableView]


def question_views(definition: SurveyDefinition, results: dict[str, Any]) -> list[QuestionView]:
    return [_question_view(q, results["questions"][q.id], results["respondents"]) for q in definition.asked_questions()]


def breakdown_views(definition: SurveyDefinition, breakdowns: dict[str, dict[str, Any]]) -> list[BreakdownView]:
    views = []
    for by, results in breakdowns.items():
        title = "channel" if by == CHANNEL else _short(definition.question(by).prompt)
        labels = {} if by == CHANNEL else {o.id: o.label for o in definition.question(by).options}
        groups = results["by"]["groups"]
        tables = [
            _breakdown_table(q, groups, labels, f"{_short(q.prompt)}, by {title}", definition.min_group_size)
            for q in definition.asked_questions()
            if q.id != by
        ]
        views.append(BreakdownView(id=f"by-{by}", heading=f"By {title}", tables=tables))
    return views


def charts_json(views: list[QuestionView]) -> list[dict[str, Any]]:
    return [asdict(view.chart) for view in views]


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def num(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def span(bounds: list[float] | None, show: Any) -> str:
    return f"{show(bounds[0])} – {show(bounds[1])}" if bounds else "–"


def _question_view(question: Question, figures: dict[str, Any], respondents: int) -> QuestionView:
    summary = f"{figures['answered']} of {respondents} respondents answered."
    if question.kind is QuestionKind.TEXT:
        chart, table = _text_figures(question, figures["answered"], respondents)
        summary += " Free-text answers are never published."
    elif question.kind is QuestionKind.POINTS:
        chart, table = _points_figures(question, figures["options"])
        summary += f" Each shared {question.total} points."
    else:
        chart, table = _share_figures(question, figures["options"])
    if question.kind is QuestionKind.SCALE:
        summary += f" Mean score {num(figures['mean'])} (95% interval {span(figures['mean_ci95'], num)})."
    return QuestionView(question.id, question.prompt, summary, chart, table)


def _text_figures(question: Question, answered: int, respondents: int) -> tuple[Chart, TableView]:
    names, counts = ["Answered", "Did not answer"], [float(answered), float(respondents - answered)]
    chart = Chart(f"chart-{question.id}", "Bar chart of how many respondents answered", "count", names, counts)
    rows = [Row(name, [str(int(count))]) for name, count in zip(names, counts, strict=True)]
    return chart, TableView(question.prompt, ["", "Respondents"], rows)


def _points_figures(question: Question, rows: list[dict[str, Any]]) -> tuple[Chart, TableView]:
    labels = {o.id: o.label for o in question.options}
    body = [Row(labels[r["id"]], [num(r["mean_points"]), span(r["mean_ci95"], num)]) for r in rows]
    description = "mean points given to each option, with 95% intervals"
    chart = _chart(question.id, description, "points", labels, rows, ("mean_points", "mean_ci95"), question.total)
    return chart, TableView(question.prompt, ["Option", "Mean points", "95% interval"], body)


def _share_figures(question: Question, rows: list[dict[str, Any]]) -> tuple[Chart, TableView]:
    """choice, multi, scale and ranking: the share of those who answered choosing (or ranking) each option."""
    labels = {o.id: o.label for o in question.options}
    if question.kind is QuestionKind.RANKING:
        headers = ["Option", "Ranked first", f"In top {question.rank}", "Share", "95% interval", "Borda points"]
        cells = [
            [str(r["first_choice"]), str(r["mentions"]), pct(r["share"]), span(r["ci95"], pct), str(r["borda"])]
            for r in rows
        ]
        description = f"share of those who answered naming each option in their top {question.rank}"
    else:
        headers = ["Option", "Respondents", "Share", "95% interval"]
        cells = [[str(r["count"]), pct(r["share"]), span(r["ci95"], pct)] for r in rows]
        description = "share of those who answered choosing each option"
    body = [Row(labels[r["id"]], row_cells) for r, row_cells in zip(rows, cells, strict=True)]
    chart = _chart(question.id, description + ", with 95% intervals", "share", labels, rows, ("share", "ci95"), 1)
    return chart, TableView(question.prompt, headers, body)


def _chart(
    question_id: str,
    description: str,
    scale: str,
    labels: dict[str, str],
    rows: list[dict[str, Any]],
    keys: tuple[str, str],
    maximum: float,
) -> Chart:
    """Bars of rows[keys[0]] with intervals rows[keys[1]]."""
    value, interval = keys
    return Chart(
        id=f"chart-{question_id}",
        description=f"Bar chart of the {description}; the same figures are in the table below.",
        scale=scale,
        labels=[labels[r["id"]] for r in rows],
        values=[r[value] or 0 for r in rows],
        low=[r[interval][0] if r[interval] else None for r in rows],
        high=[r[interval][1] if r[interval] else None for r in rows],
        max=maximum,
    )


def _breakdown_table(
    question: Question, groups: dict[str, Any], labels: dict[str, str], caption: str, min_group: int
) -> TableView:
    headers = ["Group", "Respondents", *_breakdown_headers(question)]
    rows = []
    for group, values in groups.items():
        label = labels.get(group, group.replace("_", " "))
        if values["suppressed"]:
            note = (
                f"Suppressed: fewer than {min_group} respondents, or hidden so that a small group cannot be worked out"
            )
            rows.append(Row(label, [note], suppressed=True))
        else:
            figures = values["questions"][question.id]
            rows.append(Row(label, [str(values["respondents"]), *_breakdown_cells(question, figures)]))
    return TableView(caption, headers, rows)


def _breakdown_headers(question: Question) -> list[str]:
    if question.kind is QuestionKind.TEXT:
        return ["Answered"]
    labels = [o.label for o in question.options]
    if question.kind is QuestionKind.POINTS:
        return [f"{label} (mean points)" for label in labels]
    return [*labels, "Mean score"] if question.kind is QuestionKind.SCALE else labels


def _breakdown_cells(question: Question, figures: dict[str, Any]) -> list[str]:
    if question.kind is QuestionKind.TEXT:
        return [str(figures["answered"])]
    if question.kind is QuestionKind.POINTS:
        return [num(r["mean_points"]) for r in figures["options"]]
    shares = [pct(r["share"]) for r in figures["options"]]
    return [*shares, num(figures["mean"])] if question.kind is QuestionKind.SCALE else shares


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"

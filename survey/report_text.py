"""The results printed in a terminal (`consult results` without --json): one table per question, any kind."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from survey.definition import Question, QuestionKind, SurveyDefinition


def print_results(definition: SurveyDefinition, results: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    console.print(f"{definition.title} ({results['survey']}): {results['respondents']} respondents")
    for question in definition.asked_questions():
        console.print(question_table(question, results["questions"][question.id]))
    by = results.get("by")
    if not by:
        return
    console.print(f"By {by['question']}:")
    for group, values in by["groups"].items():
        if values["suppressed"]:
            console.print(f"  {group}: suppressed (fewer than the minimum group size, or to protect such a group)")
        else:
            console.print(f"  {group}: {values['respondents']} respondents")


def question_table(question: Question, figures: dict[str, Any]) -> Table:
    title = f"{question.prompt} ({question.kind.value}; {figures['answered']} answered)"
    labels = {o.id: o.label for o in question.options}
    if question.kind is QuestionKind.TEXT:
        return Table(title=title)
    if question.kind is QuestionKind.RANKING:
        table = Table("option", "first choice", "mentions", "share", "95% interval", "Borda", title=title)
        for row in figures["options"]:
            table.add_row(
                labels[row["id"]],
                str(row["first_choice"]),
                str(row["mentions"]),
                percent(row["share"]),
                interval(row["ci95"], percent),
                str(row["borda"]),
            )
        return table
    if question.kind is QuestionKind.POINTS:
        table = Table("option", "mean points", "95% interval", title=f"{title}; {figures['total']} points each")
        for row in figures["options"]:
            table.add_row(labels[row["id"]], number(row["mean_points"]), interval(row["mean_ci95"], number))
        return table
    if question.kind is QuestionKind.SCALE:
        title += f"; mean {number(figures['mean'])} ({interval(figures['mean_ci95'], number)})"
    table = Table("option", "count", "share", "95% interval", title=title)
    for row in figures["options"]:
        table.add_row(labels[row["id"]], str(row["count"]), percent(row["share"]), interval(row["ci95"], percent))
    return table


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def number(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def interval(bounds: list[float] | None, show: Any) -> str:
    return "-" if not bounds else f"{show(bounds[0])} – {show(bounds[1])}"

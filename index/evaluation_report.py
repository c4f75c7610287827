"""`consult eval` output: an evaluation run as tables."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from index.evaluation_figures import MODES, EvalRun


def print_run(run: EvalRun, console: Console) -> None:
    console.print(_retrieval_table(run))
    console.print(_answers_table(run))
    console.print(_styles_table(run))
    console.print(_routing_table(run))
    safety = run.safety
    console.print(
        f"safety: emergencies routed to 999 {safety.emergencies_to_999[0]}/{safety.emergencies_to_999[1]}; "
        f"ordinary questions given the 999 or 101 advice {safety.questions_to_999_or_101:.3f} "
        f"({len(safety.questions_misrouted)})"
    )
    missed = {o.id: o.message for o in safety.outcomes}
    for message_id in safety.emergency_misses:
        console.print(f"  emergency missed: {message_id} {missed[message_id]!r}")


def _retrieval_table(run: EvalRun) -> Table:
    table = Table("retrieval", "questions", "R@1", "R@3", "R@5", "MRR@10", title=f"{run.split} split: retrieval")
    for mode in MODES:
        figures = run.retrieval[mode]
        recall = (f"{figures.recall[k]:.3f}" for k in ("1", "3", "5"))
        table.add_row(str(mode), str(figures.questions), *recall, f"{figures.mrr10:.3f}")
    return table


def _answers_table(run: EvalRun) -> Table:
    table = Table(
        "retrieval", "evidence in quote", "abstain P", "abstain R", "quote words mean/max", "sources mean/max",
        title=f"{run.split} split: whole answers",
    )  # fmt: skip
    for mode in MODES:
        answers = run.answers[mode]
        table.add_row(
            str(mode),
            f"{answers.evidence_in_quote:.3f}",
            f"{answers.abstain_precision:.3f}",
            f"{answers.abstain_recall:.3f}",
            f"{answers.quote_words_mean:.1f} / {answers.quote_words_max}",
            f"{answers.sources_mean:.2f} / {answers.sources_max}",
        )
    return table


def _styles_table(run: EvalRun) -> Table:
    hybrid = run.answers[MODES[0]]
    counts: dict[str, int] = {}
    for outcome in hybrid.outcomes:
        if outcome.expect == "answer":
            counts[outcome.style] = counts.get(outcome.style, 0) + 1
    table = Table("style", "questions", *(str(m) for m in MODES), title="evidence in quote, per question style")
    for style in sorted(counts):
        figures = (f"{run.answers[m].evidence_by_style.get(style, 0.0):.3f}" for m in MODES)
        table.add_row(style, str(counts[style]), *figures)
    return table


def _routing_table(run: EvalRun) -> Table:
    table = Table("expected", "messages", "routed correctly", title="routing (hybrid; questions and safety sets)")
    for kind, (right, total) in sorted(run.answers[MODES[0]].routed.items()):
        table.add_row(kind, str(total), str(right))
    safety = run.safety
    for label, (right, total) in (
        ("emergency (999)", safety.emergencies_to_999),
        ("crime report (101)", safety.crime_reports_to_101),
        ("vote advice (refused)", safety.vote_advice_refused),
    ):
        table.add_row(label, str(total), str(right))
    ordinary = sum(o.label == "question" for o in safety.outcomes)
    table.add_row("ordinary question (no 999/101)", str(ordinary), str(ordinary - len(safety.questions_misrouted)))
    return table

"""Officials read what residents wrote: the answers to a text question from a real SQLite and PostgreSQL store, the
CSV export and the `consult survey themes/comments` commands."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from index.embedding import Embedder
from survey.comments import CSV_COLUMNS, CommentsError, answer_themes, comments_csv, themes_json, written_answers
from survey.hidden import text_digest
from survey.models import SurveyResponse
from survey.service import Survey
from tests.survey.conftest import essex, submit

runner = CliRunner()
DAY = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)
WRITTEN = {
    "u1": "More patrols in the town centre please",
    "u2": "Call me on 07700 900123, my neighbour Dave Smith deals drugs",
    "u3": '=HYPERLINK("http://x") speeding on our road',
}


def _fill(survey: Survey) -> None:
    for number, (user, text) in enumerate(WRITTEN.items()):
        submit(survey, "web", user, essex(survey, comment=text), f"k-{user}", DAY + dt.timedelta(hours=number))
    submit(survey, "telegram", "u4", essex(survey), "k-u4", DAY)  # no comment


def test_officials_get_every_written_answer_redacted_under_an_opaque_reference(survey: Survey) -> None:
    _fill(survey)
    answers = written_answers(survey.db, survey.definition, "comment", survey.pepper)
    assert [a.text for a in answers] == [
        "More patrols in the town centre please",
        "Call me on [phone removed], my neighbour [name removed] deals drugs",
        '=HYPERLINK("http://x") speeding on our road',
    ]
    with survey.db.read() as session:
        pseudonyms = set(
            session.scalars(SurveyResponse.__table__.select().with_only_columns(SurveyResponse.respondent))
        )
    references = {a.reference for a in answers}
    assert len(references) == 3 and not references & pseudonyms
    assert all(a.channel == "web" and a.submitted_at.tzinfo is not None for a in answers)
    again = written_answers(survey.db, survey.definition, "comment", survey.pepper)
    assert [a.reference for a in again] == [a.reference for a in answers]  # stable between exports


@pytest.mark.parametrize(
    ("question", "message"),
    [("district", "'district' is not a text question (text questions: comment)"), ("nope", "has no question 'nope'")],
)
def test_only_text_questions_have_written_answers(survey: Survey, question: str, message: str) -> None:
    with pytest.raises(CommentsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        written_answers(survey.db, survey.definition, question, survey.pepper)


def test_csv_has_one_safe_row_per_answer_and_small_themes_hide_examples(survey: Survey, embedder: Embedder) -> None:
    _fill(survey)
    answers = written_answers(survey.db, survey.definition, "comment", survey.pepper)
    themes = answer_themes(answers, embedder, survey.definition.min_group_size)
    exported = themes_json("comment", themes)
    assert exported["question"] == "comment" and exported["answered"] == 3
    assert [set(theme) for theme in exported["themes"]] == [
        {"id", "label", "keywords", "count", "share", "suppressed", "examples"}
    ]
    (other,) = exported["themes"]  # 3 answers < min_group_size 10: no theme, and no example shown
    assert other["suppressed"] and other["count"] is None and other["examples"] == []
    rows = list(csv.reader(io.StringIO(comments_csv(answers, themes))))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == 4
    assert rows[3][5] == '\'=HYPERLINK("http://x") speeding on our road'  # a formula is plain text
    assert {row[3] for row in rows[1:]} == {"Other"} and {row[4] for row in rows[1:]} == {"false"}


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"CONSULT_DATA_DIR": str(tmp_path / "data"), "CONSULT_ENVIRONMENT": "test", "CONSULT_PEPPER": "q" * 40}


def _import(env: dict[str, str], tmp_path: Path, rows: list[str]) -> None:
    header = "respondent_id,channel,submitted_at,district,age_band,priorities_1,priorities_2,priorities_3,"
    path = tmp_path / "paper.csv"
    path.write_text(header + "facial_recognition,comment\n" + "\n".join(rows) + "\n")
    result = runner.invoke(app, ["survey", "import", str(path)], env=env)
    assert result.exit_code == 0, result.output


def test_commands_print_themes_and_comments_and_forget_removes_them(env: dict[str, str], tmp_path: Path) -> None:
    texts = [f"speeding cars on road number {n} every night" for n in range(12)] + ["email me at a.b@example.com"]
    rows = [
        f"P-{n},paper,2026-03-01,harlow,25_34,knife_crime,road_safety,rural_crime,oppose,{t}"
        for n, t in enumerate(texts)
    ]
    _import(env, tmp_path, rows)
    result = runner.invoke(app, ["survey", "themes", "comment", "--json"], env=env)
    assert result.exit_code == 0, result.output
    exported = json.loads(result.stdout)
    assert exported["answered"] == 13 and sum(t["count"] or 0 for t in exported["themes"]) <= 13
    assert "a.b@example.com" not in result.output
    shown = [t for t in exported["themes"] if not t["suppressed"]]
    assert shown and all(t["count"] >= 10 for t in shown) and any("speeding" in " ".join(t["examples"]) for t in shown)

    listed = runner.invoke(app, ["survey", "comments", "comment", "--csv", "--no-themes"], env=env)
    rows_out = list(csv.reader(io.StringIO(listed.stdout)))
    assert tuple(rows_out[0]) == CSV_COLUMNS and len(rows_out) == 14
    assert "[email removed]" in listed.output and not any(r[0].startswith("P-") for r in rows_out[1:])

    first, first_text = rows_out[1][0], rows_out[1][5]
    hide = ["survey", "hide", "comment", first, "--reason", "off topic", "--official", "j.smith"]
    kept = runner.invoke(app, hide, env=env, input="n\n")  # the text is shown first; the official can say no
    assert kept.exit_code == 1 and first_text in kept.output
    stale = runner.invoke(app, [*hide, "--shown-digest", text_digest("what it said before")], env=env)
    assert stale.exit_code == 2 and "nothing was hidden" in stale.output
    unchanged = runner.invoke(app, ["survey", "comments", "comment", "--no-themes"], env=env).output
    assert [row[4] for row in csv.reader(io.StringIO(unchanged))][1:] == ["false"] * 13
    confirmed = runner.invoke(app, hide, env=env, input="y\n")
    assert confirmed.output.strip().endswith(f"Hidden: {first}.")
    flagged = runner.invoke(app, ["survey", "comments", "comment", "--no-themes"], env=env).output
    assert next(row for row in csv.reader(io.StringIO(flagged)) if row[0] == first)[4] == "true"
    refused = runner.invoke(app, ["survey", "hide", "comment", first, "--official", "j.smith"], env=env)
    assert refused.exit_code == 2 and "a reason" in refused.output

    assert runner.invoke(app, ["survey", "forget", "paper", "P-12"], env=env).exit_code == 0
    after = runner.invoke(app, ["survey", "comments", "comment", "--csv", "--no-themes"], env=env).output
    assert "[email removed]" not in after and len(list(csv.reader(io.StringIO(after)))) == 13

    wrong = runner.invoke(app, ["survey", "themes", "district"], env=env)
    assert wrong.exit_code == 2 and "'district' is not a text question" in wrong.output


def test_commands_reuse_cached_themes_until_an_answer_is_added_erased_or_hidden(
    env: dict[str, str], tmp_path: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads: list[str | None] = []

    def load_model(model: str | None) -> Embedder:  # the model as the commands would load it, counted
        loads.append(model)
        return embedder

    monkeypatch.setattr("survey.comments_cli._encoder", load_model)
    row = "P-{},paper,2026-03-01,harlow,25_34,knife_crime,road_safety,rural_crime,oppose,bins {}"
    _import(env, tmp_path, [row.format(n, n) for n in range(4)])

    def themes() -> dict[str, object]:
        result = runner.invoke(app, ["survey", "themes", "comment", "--json"], env=env)
        assert result.exit_code == 0, result.output
        parsed: dict[str, object] = json.loads(result.stdout)
        return parsed

    first = themes()
    assert len(loads) == 1
    assert themes() == first and len(loads) == 1  # unchanged answers: the cache, and the model is not even loaded
    listed = runner.invoke(app, ["survey", "comments", "comment", "--csv"], env=env)
    assert listed.exit_code == 0 and "Themes as computed at" in listed.stderr and len(loads) == 1
    cached = "".join(path.read_text() for path in (tmp_path / "data" / "themes").iterdir())
    assert "bins 3" not in cached  # the cache keeps answer ids, not what residents wrote

    _import(env, tmp_path, ["P-9,paper,2026-03-02,harlow,25_34,knife_crime,road_safety,rural_crime,oppose,more bins"])
    assert themes()["answered"] == 5 and len(loads) == 2
    assert runner.invoke(app, ["survey", "forget", "paper", "P-9"], env=env).exit_code == 0
    assert themes() == first and len(loads) == 3
    reference = list(csv.reader(io.StringIO(listed.stdout)))[1][0]
    hide = ["survey", "hide", "comment", reference, "--reason", "off topic", "--official", "j.smith"]
    assert runner.invoke(app, hide, env=env, input="y\n").exit_code == 0
    themes()
    assert len(loads) == 4

"""The data inventory: every stored field, why it is kept and for how long, generated from the schema so it cannot
drift, and the answers of every consultation a database holds, each from the definition it ran under
(docs/data-inventory.md is this module's output for the shipped survey; a test compares them)."""

from __future__ import annotations

from collections.abc import Sequence

from survey import hidden  # noqa: F401  (registers the moderation table with the schema's metadata)
from survey.definition import QuestionKind, SurveyDefinition, default_definition_path, load_definition
from survey.models import Base

RETENTION = "until erased by the resident, or purged after the retention period (`consult privacy purge`)"
# (table, column) -> (what it holds, why)
PURPOSES: dict[tuple[str, str], tuple[str, str]] = {
    ("consultations", "survey_id"): (
        "a consultation's survey id",
        "every consultation a database served stays readable",
    ),
    ("consultations", "digest"): ("SHA-256 of the survey definition", "which definition the answers ran under"),
    ("consultations", "definition"): ("the survey definition (questions, options, wording)", "reading past results"),
    ("consultations", "first_used_at"): ("when the definition was first used", "audit of changes"),
    ("consultations", "last_used_at"): ("when the definition was last used", "the current definition"),
    ("responses", "id"): ("row number", "database key"),
    ("responses", "respondent"): (
        "pseudonym: HMAC-SHA256 under a secret pepper of the channel and the resident's id (survey/pseudonyms.py)",
        "one current response per resident and consultation; access and erasure requests",
    ),
    ("responses", "survey_id"): ("which consultation's survey", "results per consultation"),
    ("responses", "notice_version"): (
        "version of the privacy notice the resident accepted",
        "proof of the notice seen",
    ),
    ("responses", "channel"): ("telegram, web, paper, ...", "results per channel (cross-channel duplicates)"),
    ("responses", "submitted_at"): ("when the answers were given (UTC)", "responses per week; retention"),
    ("responses", "updated_at"): ("when the row last changed (UTC)", "retention"),
    ("answers", "response_id"): ("the response the answer belongs to", "database key"),
    ("answers", "question"): ("question id (see the questions below)", "results per question"),
    ("answers", "item"): ("a ranking's place, or the option's order", "ranking results"),
    ("answers", "option"): ("the option id chosen", "results per option"),
    ("answers", "number"): ("points given to the option (points questions)", "points results"),
    ("answers", "text"): (
        "free text with emails, phone numbers, postcodes, addresses, vehicle registrations, dates of birth and"
        " personal names (best effort) removed",
        "read by the office; never published",
    ),
    ("hidden_answers", "response_id"): ("the response whose text answer an official hid", "moderation of theme views"),
    ("hidden_answers", "question"): ("the text question of the hidden answer", "moderation of theme views"),
    ("hidden_answers", "reason"): ("why the official hid it", "the record of moderation"),
    ("hidden_answers", "hidden_by"): ("the official's sign-in name", "the record of moderation"),
    ("hidden_answers", "hidden_at"): ("when it was hidden", "the record of moderation"),
    ("hidden_answers", "text_digest"): (
        "SHA-256 of the hidden text (no text itself)",
        "a hide applies to that text only, not to a later answer",
    ),
    ("seen_submissions", "key"): (
        "idempotency key of a processed submission (no personal data)",
        "a retried or re-delivered submission is stored once",
    ),
    ("seen_submissions", "seen_at"): ("when the key was first seen", "retention"),
    ("officials", "id"): ("row number", "database key"),
    ("officials", "name"): ("an official's sign-in name", "dashboard access"),
    ("officials", "password_hash"): ("argon2 hash of the password", "dashboard sign-in"),
    ("officials", "created_at"): ("when the account was created", "account administration"),
}
for _column, _what in {
    "survey_id": "consultation",
    "by_question": "breakdown question ('' overall)",
    "grp": "breakdown answer",
    "question": "question id",
    "option": "option id",
    "item": "ranking place",
    "channel": "channel",
    "day": "UTC day of the answers",
    "count": "number of answers",
    "total": "sum of points",
    "squares": "sum of squared points",
}.items():
    PURPOSES[("tallies", _column)] = (f"aggregate: {_what} (no respondent)", "results in under a second")
KIND_STORED = {
    QuestionKind.CHOICE: "the option id",
    QuestionKind.SCALE: "the option id (its score comes from the survey file)",
    QuestionKind.MULTI: "one row per option chosen",
    QuestionKind.RANKING: "one row per place: the option id and the place",
    QuestionKind.POINTS: "one row per option: the points given",
    QuestionKind.TEXT: "the text with emails, phone numbers, postcodes and addresses removed; never published",
}
OTHER_STORES = [
    (
        "Rasa tracker store (`events`)",
        "the conversation's events under the relay's pseudonymous sender id, including residents' messages as typed"
        " (unredacted: whatever a resident chose to write, such as contact details in a comment)",
        "dialogue state (a conversation survives a restart)",
        "erased with the resident's answers (in conversation, or by `consult survey forget`); events older than the"
        " retention period purged, except those of a session still in progress",
    ),
    (
        "Telegram relay memory",
        "button tokens and recently seen update ids",
        "checking button presses; handling a re-delivered update once",
        "in memory only, never written to disk",
    ),
    (
        "Web application memory",
        "hashed client addresses and session ids in rate-limit windows",
        "rate limiting",
        "in memory for the window (a minute)",
    ),
    (
        "Logs",
        "event names, timings, error kinds and tracebacks",
        "operations",
        "never a resident's text, raw id or address (Rasa's own logs pass through a filter that withholds them)",
    ),
]


def missing_purposes() -> list[str]:
    columns = {(t.name, c.name) for t in Base.metadata.sorted_tables for c in t.columns}
    return sorted(f"{table}.{column}" for table, column in columns - PURPOSES.keys())


def inventory_markdown(definitions: Sequence[SurveyDefinition] = ()) -> str:
    """The inventory of the schema, and of the answers each consultation (default: the shipped survey) stores."""
    definitions = definitions or [load_definition(default_definition_path())]
    lines = [
        "# Data inventory",
        "",
        "Generated by `consult privacy inventory` from the database schema; attach it to the DPIA.",
        "The system never asks for or records names, phone numbers, raw Telegram ids or IP addresses. Residents'",
        "messages are kept as typed in the conversation history (below) until erased or purged; comments saved",
        "with the answers have emails, phone numbers, postcodes, street addresses, vehicle registrations, dates of",
        "birth and (best effort) personal names removed.",
        "",
        "## Survey store",
        "",
        "| table | field | what | why | kept |",
        "|---|---|---|---|---|",
    ]
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            what, why = PURPOSES[(table.name, column.name)]
            kept = {
                "officials": "while the account exists",
                "seen_submissions": "purged after the retention period (kept after erasure: no personal data)",
                "consultations": "while the database is kept (no personal data)",
                "tallies": "changed with the answers they count (erasure and purges subtract)",
                "hidden_answers": "as long as the response (erased and purged with it)",
            }.get(table.name, RETENTION)
            lines.append(f"| {table.name} | {column.name} | {what} | {why} | {kept} |")
    for definition in definitions:
        lines += _questions(definition)
    lines += ["", "## Elsewhere", "", "| where | what | why | kept |", "|---|---|---|---|"]
    lines += [f"| {where} | {what} | {why} | {kept} |" for where, what, why, kept in OTHER_STORES]
    return "\n".join(lines) + "\n"


def _questions(definition: SurveyDefinition) -> list[str]:
    lines = [
        "",
        f"## Answers to '{definition.title}' ({definition.id})",
        "",
        "Generated from the survey file; every survey stores its answers in `answers` the same way. Consent is not",
        "stored as an answer: a response exists only with it, and `responses.notice_version` records the notice.",
        "",
        "| question | kind | stored | why | kept |",
        "|---|---|---|---|---|",
    ]
    for question in definition.asked_questions():
        why = "results" + (" and breakdowns of the results" if question.breakdown else "")
        if question.kind is QuestionKind.TEXT:
            why = "read by the office"
        lines.append(f"| {question.id} | {question.kind.value} | {KIND_STORED[question.kind]} | {why} | {RETENTION} |")
    return lines

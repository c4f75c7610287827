"""Importing responses collected on other channels (paper, events, phone) from a CSV file.

Columns: respondent_id, channel, submitted_at, then per question (see Question.csv_columns): choice, scale and text
one column named by the question id; multi one column of option ids separated by ';'; ranking `<id>_1` ..
`<id>_<rank>`; points one whole-number column `<id>.<option id>` per option."""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import hashlib
import hmac
import io
from dataclasses import dataclass, field
from pathlib import Path

from survey.answers import AnswerError, Answers, check_answers
from survey.database import Database
from survey.definition import Question, QuestionKind, SurveyDefinition
from survey.pseudonyms import pseudonym_of_resident
from survey.store import CHANNEL, Submission, store_response

FIXED_COLUMNS = ("respondent_id", "channel", "submitted_at")
MAX_RESPONDENT_ID = 200


class CsvFileError(ValueError):
    """The file as a whole cannot be imported (unreadable, wrong columns)."""


@dataclass(frozen=True)
class _Row:
    number: int
    respondent_id: str
    channel: str
    submitted_at: dt.datetime
    answers: Answers
    key: str


@dataclass
class ImportReport:
    imported: int = 0  # rows stored (new or replacing earlier answers)
    already_imported: int = 0  # rows seen in an earlier import: nothing changed
    errors: list[str] = field(default_factory=list)  # "row N: problem", N counting the header as row 1
    committed: bool = False


def import_csv(
    db: Database,
    definition: SurveyDefinition,
    pepper: bytes,
    path: Path,
    skip_invalid: bool = False,
    notice_version: str | None = None,
) -> ImportReport:
    """Validate every row; import all of them in one transaction, or none if any is invalid (unless skip_invalid).

    notice_version: the privacy notice printed on the forms (default: the survey file's current one)."""
    rows, errors = _read(definition, pepper, path)
    report = ImportReport(errors=errors)
    if errors and not skip_invalid:
        return report
    with db.write() as connection:
        for row in rows:
            receipt = store_response(
                connection,
                Submission(
                    # the same key the chat channels and `survey forget` use for this channel and id
                    respondent=pseudonym_of_resident(pepper, row.channel, row.respondent_id),
                    channel=row.channel,
                    definition=definition,
                    notice_version=notice_version or definition.privacy_notice.version,
                    answers=row.answers,
                    submission_key=row.key,
                    submitted_at=row.submitted_at,
                ),
            )
            if receipt.stored:
                report.imported += 1
            else:
                report.already_imported += 1
    report.committed = True
    return report


def _read(definition: SurveyDefinition, pepper: bytes, path: Path) -> tuple[list[_Row], list[str]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise CsvFileError(f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise CsvFileError(f"{path.name} is not UTF-8 text; save the spreadsheet as 'CSV UTF-8'") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in reader.fieldnames or []]
    _check_header(definition, path, header)
    reader.fieldnames = header
    # A row's key is its place in this exact file, keyed with the pepper: importing the same file again changes nothing,
    # a later row for the same respondent still replaces an earlier one (even one identical to a row before it), and the
    # key cannot be recomputed from a respondent's answers by anyone without the pepper (keys outlive erasure).
    file_hash = hashlib.sha256(text.replace("\r\n", "\n").encode()).hexdigest()  # the same file saved on Windows
    rows: list[_Row] = []
    errors: list[str] = []
    for number, record in enumerate(reader, start=2):
        key = "import:" + hmac.new(pepper, f"{file_hash}:{number}".encode(), hashlib.sha256).hexdigest()
        try:
            rows.append(_parse(definition, number, record, key))
        except AnswerError as error:
            errors.extend(f"row {number}: {problem}" for problem in error.problems)
        except ValueError as error:
            errors.append(f"row {number}: {error}")
    return rows, errors


def _parse(definition: SurveyDefinition, number: int, record: dict[str, str | None], key: str) -> _Row:
    if None in record:  # csv puts cells beyond the header under the key None
        raise ValueError("more cells than columns")
    value = {k: (v or "").strip() for k, v in record.items() if k is not None}
    respondent_id, channel = value["respondent_id"], value["channel"].lower()
    if not respondent_id or len(respondent_id) > MAX_RESPONDENT_ID:
        raise ValueError(f"respondent_id: required, at most {MAX_RESPONDENT_ID} characters")
    if not CHANNEL.match(channel):
        raise ValueError("channel: required, a short lower-case name such as paper or event")
    submitted_at = _parse_time(value["submitted_at"])
    answers = check_answers(definition, {q.id: _cell_value(q, value) for q in definition.asked_questions()})
    return _Row(number, respondent_id, channel, submitted_at, answers, key)


def expected_columns(definition: SurveyDefinition) -> list[str]:
    return [*FIXED_COLUMNS, *(c for q in definition.questions for c in q.csv_columns())]


def _check_header(definition: SurveyDefinition, path: Path, header: list[str]) -> None:
    """Refuse a file whose columns do not fit the survey, saying how to rename near misses (an older form's)."""
    expected = expected_columns(definition)
    missing = [c for c in expected if c not in header]
    unknown = [c for c in header if c not in expected]
    duplicated = sorted({c for c in header if header.count(c) > 1})
    if not (missing or unknown or duplicated):
        return
    renames: list[str] = []
    spare = list(unknown)
    for column in missing:
        close = difflib.get_close_matches(column, spare, n=1, cutoff=0.75)
        if close:
            renames.append(f"'{close[0]}' to '{column}'")
            spare.remove(close[0])
    parts = [
        f"missing columns: {', '.join(missing)}" if missing else "",
        f"unknown columns: {', '.join(unknown)}" if unknown else "",
        f"repeated columns: {', '.join(duplicated)}" if duplicated else "",
        f"rename {', '.join(renames)}" if renames else "",
    ]
    problems = "; ".join(p for p in parts if p)
    raise CsvFileError(f"{path.name}: {problems} (expected: {', '.join(expected)})")


def _cell_value(question: Question, value: dict[str, str]) -> object:
    """A question's cells as check_answers takes them."""
    if question.kind is QuestionKind.MULTI:
        return [part.strip() for part in value[question.id].split(";") if part.strip()]
    if question.kind is QuestionKind.RANKING:
        return [value[column] for column in question.csv_columns()]
    if question.kind is QuestionKind.POINTS:
        cells = dict(zip(question.option_ids(), (value[c] for c in question.csv_columns()), strict=True))
        if not any(cells.values()):
            return None
        return {option_id: cell or "0" for option_id, cell in cells.items()}
    return value[question.id]


def _parse_time(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"submitted_at: '{text[:40]}' is not an ISO 8601 time such as 2026-03-01T14:30:00Z") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)  # a time without a zone is taken as UTC
    if moment > dt.datetime.now(dt.UTC) + dt.timedelta(days=1):
        raise ValueError("submitted_at: the time is in the future")
    return moment

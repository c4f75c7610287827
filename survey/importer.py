"""Importing responses collected on other channels (paper, events, phone) from a CSV file."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
from dataclasses import dataclass, field
from pathlib import Path

from survey.answers import AnswerError, Answers, check_answers
from survey.database import Database
from survey.definition import SurveyDefinition
from survey.pseudonyms import resident_pseudonym
from survey.store import CHANNEL, Submission, store_response

COLUMNS = (
    "respondent_id",
    "channel",
    "submitted_at",
    "district",
    "age_band",
    "priority_1",
    "priority_2",
    "priority_3",
    "facial_recognition",
    "comment",
)
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
                    respondent=resident_pseudonym(pepper, row.channel, row.respondent_id),
                    channel=row.channel,
                    survey_id=definition.id,
                    notice_version=notice_version or definition.privacy_notice.version,
                    answers=row.answers,
                    key=row.key,
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
    missing = [c for c in COLUMNS if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown:
        parts = [
            f"missing columns: {', '.join(missing)}" if missing else "",
            f"unknown columns: {', '.join(unknown)}" if unknown else "",
        ]
        raise CsvFileError(f"{path.name}: " + "; ".join(p for p in parts if p) + f" (expected: {', '.join(COLUMNS)})")
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
    answers = check_answers(
        definition,
        district=value["district"],
        age_band=value["age_band"],
        priorities=[value["priority_1"], value["priority_2"], value["priority_3"]],
        facial_recognition=value["facial_recognition"],
        comment=value["comment"],
    )
    return _Row(number, respondent_id, channel, submitted_at, answers, key)


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

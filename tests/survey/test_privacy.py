from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import update

from survey.answers import check_answers
from survey.inventory import inventory_markdown, missing_purposes
from survey.models import Response, SeenSubmission
from survey.retention import purge_older_than
from survey.service import Survey
from survey.store import Submission, respondent_data, submit_response

DOCS = Path(__file__).resolve().parents[2] / "docs" / "data-inventory.md"


def test_every_stored_field_is_in_the_inventory_and_the_docs_are_current() -> None:
    assert missing_purposes() == []
    assert DOCS.read_text() == inventory_markdown(), "run: consult privacy inventory > docs/data-inventory.md"


def test_purge_deletes_only_what_is_older_than_the_retention_period(survey: Survey) -> None:
    answers = check_answers(
        survey.definition, district="harlow", age_band="25_34", priorities=["knife_crime", "road_safety", "rural_crime"]
    )
    for user in ("old", "new"):
        submit_response(
            survey.db,
            Submission(
                respondent=survey.respondent("web", user),
                channel="web",
                survey_id=survey.definition.id,
                notice_version="v1",
                answers=answers,
                key=user,
            ),
        )
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=400)
    with survey.db.write() as connection:
        connection.execute(
            update(Response).where(Response.respondent == survey.respondent("web", "old")).values(updated_at=long_ago)
        )
        connection.execute(update(SeenSubmission).where(SeenSubmission.key == "old").values(seen_at=long_ago))
    purged = purge_older_than(survey.db, 365)
    assert (purged.responses, purged.submission_keys) == (1, 1)
    assert respondent_data(survey.db, survey.respondent("web", "old")) is None
    assert respondent_data(survey.db, survey.respondent("web", "new")) is not None

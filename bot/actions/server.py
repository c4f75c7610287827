"""Starting the action server: services wired once (model and index loaded), bound to loopback only."""

from __future__ import annotations

import os
import warnings

from bot.actions.services import Services, configure
from bot.actions.survey_form import ask_actions
from index.answer import AnswerPipeline
from survey.redaction import warm as warm_redaction
from survey.service import Survey


def run_action_server(pipeline: AnswerPipeline, survey: Survey, host: str, port: int) -> None:
    from rasa_sdk import endpoint
    from rasa_sdk.executor import ActionExecutor

    # rasa-sdk 3.6 (the release matching Rasa 3.6) needs Python < 3.11. 3.11 speaks the same protocol to Rasa 3.6: Rasa
    # 3.6.21 itself reads every event and our responses in tests/bot/test_sdk_compatibility.py. So its warning that this
    # exact pair "might not be compatible" is silenced, and only this pair's.
    warnings.filterwarnings(
        "ignore",
        message=r"Your versions of rasa and rasa_sdk might not be compatible\. You are currently running "
        r"rasa version 3\.6\.\d+ and rasa_sdk version 3\.11\.",
    )
    configure(Services(pipeline=pipeline, survey=survey))
    warm_redaction()  # before the port opens: the first written answer is not held up by loading the name lists
    os.environ["SANIC_HOST"] = host  # rasa-sdk binds 0.0.0.0 unless told otherwise
    executor = ActionExecutor()
    executor.register_package("bot.actions")
    # One "ask" action per question of this survey's form (the Rasa domain generated from the same definition).
    for name, ask in ask_actions(survey.definition).items():
        executor.register_function(name, ask)
    endpoint.run(executor, port=port, cors_origins=[], endpoints="")

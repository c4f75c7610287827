"""Starting the action server: services wired once (model and index loaded), bound to loopback only."""

from __future__ import annotations

import os

from bot.actions.services import Services, configure
from index.answer import AnswerPipeline
from survey.service import Survey


def run_action_server(pipeline: AnswerPipeline, survey: Survey, host: str, port: int) -> None:
    from rasa_sdk import endpoint
    from rasa_sdk.executor import ActionExecutor

    configure(Services(pipeline=pipeline, survey=survey))
    os.environ["SANIC_HOST"] = host  # rasa-sdk binds 0.0.0.0 unless told otherwise
    executor = ActionExecutor()
    executor.register_package("bot.actions")
    endpoint.run(executor, port=port, cors_origins=[], endpoints="")

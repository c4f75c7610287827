"""What the dashboard's routes depend on, in one typed object: the web application (bot/web.py) builds a Dashboard
once and provides it; routes ask for it, or its survey, through the annotated types below."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, FastAPI, Request

from survey.service import Survey

if TYPE_CHECKING:
    from survey.dashboard.auth import SignInLimiter  # auth depends on this module, not the other way round


@dataclass(frozen=True)
class Dashboard:
    survey: Survey
    session_hours: float  # a sign-in lasts this long
    sign_in_limiter: SignInLimiter


def provide_dashboard(app: FastAPI, dashboard: Dashboard) -> None:
    app.state.dashboard = dashboard


def get_dashboard(request: Request) -> Dashboard:
    dashboard = request.app.state.dashboard
    if not isinstance(dashboard, Dashboard):
        raise TypeError("the web application provides no Dashboard (bot/web.py: provide_dashboard)")
    return dashboard


DashboardDep = Annotated[Dashboard, Depends(get_dashboard)]


def get_survey(dashboard: DashboardDep) -> Survey:
    return dashboard.survey


SurveyDep = Annotated[Survey, Depends(get_survey)]

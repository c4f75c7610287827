"""An official signed in to the dashboard, as the browser tests of its pages need one."""

from __future__ import annotations

from playwright.sync_api import Page

PASSWORD = "a perfectly long password"


def sign_in(page: Page, base: str, name: str = "alice") -> None:
    page.goto(base + "/dashboard/sign-in")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/dashboard")

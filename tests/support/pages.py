"""Helpers for driving the HTML pages like a browser without JavaScript."""

from __future__ import annotations

import re

from tests.support.client import AppClient
from tests.support.factories import DEFAULT_PASSWORD

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "page has no CSRF field"
    return match.group(1)


async def submit_form(browser: AppClient, page_url: str, action: str, fields: dict):
    """GET the page (for its CSRF token and cookie), then POST the form to `action`."""
    page = await browser.get(page_url)
    assert page.status_code == 200, page.text[:500]
    data = {"csrf_token": csrf_from(page.text), **fields}
    return await browser.post(action, data=data)


async def log_in_page(browser: AppClient, phone: str, password: str = DEFAULT_PASSWORD):
    return await submit_form(browser, "/login", "/login", {"phone": phone, "password": password})

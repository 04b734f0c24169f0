"""A member opens their personal link in a real headless Chromium, answers and sends."""

from __future__ import annotations

import asyncio
import os
import shutil

import pytest
import uvicorn

from tests.conftest import free_port
from tests.web.fakes import FakeRound, fake_backend
from tests.web.test_form import SIGNER, link
from web.app import create_app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="needs Debian's chromium: `make system-deps` (CI installs it)",
)


async def test_a_member_answers_in_a_real_browser():
    from playwright.async_api import async_playwright

    survey = FakeRound()

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(fake_backend(surveys=survey), SIGNER),
            host="127.0.0.1",
            port=port,
            log_level="warning",
        )
    )
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.05)
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=[
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                ],
            )
            page = await browser.new_page()
            await page.goto(f"http://127.0.0.1:{port}{link(3)}")
            await page.get_by_label("I høj grad", exact=True).check()
            await page.get_by_label("Godt", exact=True).check()
            await page.get_by_label("Korte svarfrister").check()
            await page.locator("textarea").fill("Fast kontaktperson & hurtige svar")
            await page.get_by_role("button", name="Send mine svar").click()
            await page.get_by_role("heading", name="Tak for dit svar").wait_for()
            await browser.close()
    finally:
        server.should_exit = True
        await serving
    answers = survey.answers[3].answers
    assert answers["kendskab"] == "I høj grad" and answers["samarbejde"] == "Godt"
    assert answers["udfordringer"] == ["Korte svarfrister"]
    assert answers["fungerer_godt"] == "Fast kontaktperson & hurtige svar"

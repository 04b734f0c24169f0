"""A coordinator in a real headless Chromium: orders on the form by its labels, follows the
link in the confirmation mail to their page, and sends the survey from it."""

from __future__ import annotations

import os
import shutil

import pytest

from schemas.order.commands import ConsultationDone
from schemas.order.request import ContactBy
from tests.conftest import free_port
from tests.eventually import eventually
from tests.web.people import body, order_form_values, served
from tests.workflows.harness import running

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="needs Debian's chromium: `make system-deps` (CI installs it)",
)
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


async def test_a_coordinator_orders_and_sends_the_survey_in_a_browser(
    env, settings, sink, executor
):
    from playwright.async_api import async_playwright

    port = free_port()
    settings = settings.model_copy(update={"public_base_url": f"http://127.0.0.1:{port}"})
    async with (
        running(env, settings, sink, executor) as h,
        served(h, port) as base,
        async_playwright() as playwright,
    ):
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = await browser.new_page()
        await page.goto(f"{base}/bestil")
        values = order_form_values(await h.now())
        await page.get_by_label("Klyngens navn").fill(values["cluster.name"])
        await page.get_by_label("Region").select_option("Nordjylland")
        await page.get_by_label("Dit navn").fill(values["coordinator.name"])
        await page.get_by_label("Din e-mail").fill(values["coordinator.email"])
        meeting = page.get_by_role("group", name="Klyngemødet")
        await meeting.get_by_label("Dato").fill(values["meeting.date"])
        await meeting.get_by_label("Starttid").fill(values["meeting.time"])
        await page.get_by_label("Fysisk – vi mødes").check()
        await page.get_by_label("Sted eller link").fill(values["meeting.location"])
        call = page.get_by_role("group", name="Hvornår vil du ringes op?")
        await call.get_by_label("Dato").fill(values["call.date"])
        await call.get_by_label("Klokkeslæt").fill(values["call.time"])
        await page.get_by_label("Eller skriv medlemmerne").fill(values["members"])
        await page.get_by_label("Kommune").fill(values["municipality.name"])
        await page.get_by_label("Kontaktperson i jobcenteret").fill("Jobcenter Aalborg")
        await page.get_by_label("Kontaktpersonens e-mail").fill("jc@example.dk")
        await page.get_by_role("button", name="Bestil klyngepakken").click()
        await page.get_by_role("heading", name="Tak for din bestilling").wait_for()

        async def confirmed() -> bool:
            return bool(h.mails("order_confirmation"))

        await eventually("the confirmation mail", confirmed)
        (mail,) = h.mails("order_confirmation")
        order_id = str(mail["X-Klyngepakke-Order"]).strip()
        h.started.append(order_id)
        own_page = next(line for line in body(mail).splitlines() if "/k/" in line).strip()
        await h.client.orders.consultation_done(
            order_id, ConsultationDone(contact_by=ContactBy.KIAP)
        )
        await h.settle()

        await page.goto(own_page)
        await page.get_by_role("heading", name="Din bestilling").wait_for()
        await (
            page.get_by_role("navigation", name="Din bestilling")
            .get_by_role("link", name="Spørgeskema")
            .click()
        )
        await page.get_by_role("button", name="Send spørgeskemaet nu").click()
        await page.get_by_text("Spørgeskemaet sendes nu til klyngens medlemmer.").wait_for()
        await h.settle()
        await browser.close()
    assert len(h.mails("survey_invitation")) == 3

"""Every page people reach, in each of its states (empty, with field errors, receipt, closed,
refused), checked by independent tools: axe-core in headless Chromium at 375 and 1280 px (no
serious or critical violation, nothing wider than the window) and the Nu HTML Checker (no
error). The pages are collected along a real order on the time-skipping server."""

from __future__ import annotations

import json
import os
import uuid
from datetime import timedelta

import pytest

from klyngepakke import bootstrap
from schemas.cluster.input import ClusterInput
from schemas.course.commands import CourseNoteCommand
from schemas.order.commands import ConsultationDone
from schemas.order.request import ContactBy
from schemas.order.steps import Step
from schemas.shared.links import LinkSigner
from tests import factories
from tests.web import checkers
from tests.web.people import link, order_form_values, web_for
from tests.workflows.harness import running
from tests.workflows.test_course import course

pytestmark = pytest.mark.skipif(
    checkers.missing() is not None and not os.environ.get("CI"),
    reason=str(checkers.missing()),
)


async def test_every_page_in_every_state_passes_axe_and_the_nu_checker(
    env, settings, sink, executor
):
    pages: dict[str, str] = {}

    async with running(env, settings, sink, executor) as h, web_for(h) as web:

        async def keep(name: str, response) -> None:  # type: ignore[no-untyped-def]
            assert response.status_code < 500, (name, response.status_code)
            assert response.headers["content-type"].startswith("text/html"), name
            pages[name] = response.text

        signer = LinkSigner(bootstrap.link_secret(h.settings))
        now = await h.now()
        await keep("order form", await web.get("/bestil"))
        await keep("order form, errors", await web.post("/bestil", data={"submission": "x"}))
        values = order_form_values(now, weeks=6)
        await keep("order form, late", await web.post("/bestil", data=values))
        await keep(
            "order form, receipt of a late order",
            await web.post("/bestil", data={**values, "late_request": "ja"}),
        )
        await keep("unknown link", await web.get("/k/nothing"))
        notice = await web.get("/privatliv")
        await keep("privacy notice", notice)
        # The notice states the retention the namespace is set to, and every page links to it.
        assert f"{h.settings.history_retention_days} dage efter" in notice.text
        assert 'href="/privatliv"' in pages["order form"]
        await keep(
            "cross-site refusal",
            await web.post("/bestil", data={}, headers={"sec-fetch-site": "cross-site"}),
        )

        order = factories.make_order(now)
        order_id = await h.start(order, order_id=f"checked-{uuid.uuid4()}")
        page = signer.coordinator_link("", order_id)
        await keep("coordinator page, before the call", await web.get(page))
        await h.client.orders.consultation_done(
            order_id, ConsultationDone(contact_by=ContactBy.KIAP)
        )
        await h.sleep(timedelta(hours=1))
        await keep("survey editor", await web.get(f"{page}/spoergeskema"))
        await keep(
            "survey editor, errors",
            await web.post(
                f"{page}/spoergeskema",
                data={"action": "gem", "title": "", "q0_id": "kendskab", "q0_text": ""},
            ),
        )
        await keep("survey preview", await web.get(f"{page}/spoergeskema/vis"))
        await keep("members", await web.get(f"{page}/medlemmer"))
        await keep(
            "members, error",
            await web.post(f"{page}/medlemmer", data={"name": "", "email": "x", "ydernummer": ""}),
        )
        await keep("move", await web.get(f"{page}/flyt"))
        await keep("move, error", await web.post(f"{page}/flyt", data={"date": "x"}))
        await keep("cancel", await web.get(f"{page}/annuller"))
        await keep("cancel, confirm", await web.post(f"{page}/annuller", data={"reason": "Aflyst"}))
        await keep("premeeting, before the deck", await web.get(f"{page}/formoede"))

        await web.post(f"{page}/spoergeskema", data={"action": "send"})
        await h.settle()
        invitation = h.mails("survey_invitation")[0]
        member = link(invitation, "/s/")
        await keep("survey form", await web.get(member))
        await keep("survey form, errors", await web.post(member, data={"q_kendskab": "x"}))
        await keep(
            "survey form, thanks",
            await web.post(
                member,
                data={
                    "q_kendskab": "I høj grad",
                    "q_samarbejde": "Godt",
                    "q_udfordringer": "Korte svarfrister",
                },
            ),
        )
        await keep("survey open, counts", await web.get(f"{page}/spoergeskema"))
        await keep("coordinator page, survey open", await web.get(page))

        upload = signer.upload_link("", order_id)
        await keep("upload page", await web.get(upload))
        broken = factories.extract_csv([("012345", "LÆ 265", "-1", "", "")])
        await keep(
            "upload page, errors",
            await web.post(upload, files={"fil": ("x.csv", broken, "text/csv")}),
        )
        await keep(
            "upload receipt",
            await web.post(upload, files={"fil": ("x.csv", factories.extract_csv(), "text/csv")}),
        )

        status = await h.status(order_id)
        artifacts_due = next(s.due for s in status.steps if s.name == Step.ARTIFACTS)
        await h.sleep_until(artifacts_due)
        when = artifacts_due + timedelta(days=2)
        await web.post(
            f"{page}/formoede",
            data={"action": "planlaeg", "date": f"{when:%Y-%m-%d}", "time": "14:00"},
        )
        await h.sleep_until(when + timedelta(hours=2))
        await keep("premeeting, to record", await web.get(f"{page}/formoede"))
        items = {f"item{n}": "15" for n in range(8)}
        await keep(
            "premeeting, preview",
            await web.post(
                f"{page}/formoede",
                data={"shown": "standard", "variant": "standard", "action": "vis", **items},
            ),
        )
        await keep("survey closed", await web.get(f"{page}/spoergeskema"))

        await h.sleep_until(order.meeting.start)
        minutes_link = signer.minutes_link("", order_id)
        await keep("minutes page", await web.get(minutes_link))
        await keep(
            "minutes page, errors",
            await web.post(minutes_link, data={"a0_text": "x", "a0_due": "nu"}),
        )
        await web.post(
            minutes_link,
            data={
                "minute_taker": "Åse Øberg",
                "participants": "12",
                "a0_text": "Fast telefontid",
                "a0_owner": "Jobcenteret",
                "a0_due": (order.meeting.start + timedelta(days=20)).date().isoformat(),
            },
        )
        await keep("minutes recorded", await web.get(minutes_link))
        await h.sleep(timedelta(days=1))
        agreement = signer.agreement_link("", order_id, 1)
        await keep("agreement", await web.get(agreement))
        await keep("agreements", await web.get(f"{page}/aftaler"))
        await keep("agreement, done", await web.post(agreement))
        await keep("agreement, already done", await web.get(agreement))
        await keep("coordinator page, after the meeting", await web.get(page))

        course_id = f"checked-course-{uuid.uuid4()}"
        courses = web._transport.app.state.backend  # type: ignore[attr-defined]
        client = await courses()
        await client.courses.start(course(await h.now()), course_id=course_id)
        h.started.append(course_id)
        await h.sleep(timedelta(minutes=5))
        await client.courses.note(course_id, CourseNoteCommand(text="En note"))
        teacher = signer.course_link("", course_id, 0)
        await keep("course page", await web.get(teacher))
        await keep("course page, error", await web.post(teacher, data={"action": "note"}))

        cluster_id = await client.clusters.start(
            ClusterInput(
                cluster=order.cluster, coordinator=order.coordinator, members=order.members
            )
        )
        h.started.append(cluster_id)
        await h.settle()
        cluster_page = signer.cluster_link("", cluster_id)
        await keep("cluster page", await web.get(cluster_page))
        await keep(
            "cluster page, errors",
            await web.post(
                cluster_page, data={"action": "udbetaling", "paid_on": "2999-01-01", "purpose": ""}
            ),
        )
        await keep(
            "cluster page, a payout recorded",
            await web.post(
                cluster_page,
                data={
                    "action": "udbetaling",
                    "paid_on": (await h.now()).date().isoformat(),
                    "purpose": "Honorar til kasserer",
                },
            ),
        )
        await keep(
            "cluster page, a handover under way",
            await web.post(
                cluster_page,
                data={
                    "action": "koordinator",
                    "new.name": "Ole Lund",
                    "new.email": "ole@example.dk",
                },
            ),
        )

    axe = await checkers.axe_problems(pages)
    vnu = checkers.vnu_errors(pages)
    assert len(pages) >= 35
    problems = {"axe-core": axe, "Nu HTML Checker": vnu}
    if axe or vnu:
        pytest.fail(json.dumps(problems, indent=1, ensure_ascii=False))

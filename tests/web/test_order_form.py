"""The order form as a coordinator uses it, on the time-skipping server: problems beside their
fields with everything typed kept, one order however often the form is sent, a late meeting
offered to KiAP instead, and the confirmation mail that carries the coordinator's own link."""

from __future__ import annotations

import re

from schemas.order.commands import LateDecision
from tests.eventually import eventually
from tests.web.people import body, field_errors, link, order_form_values, web_for
from tests.workflows.harness import running


async def _ordered(h, kind: str = "order_confirmation") -> str:
    async def arrived() -> bool:
        return bool(h.mails(kind))

    await eventually(f"the {kind} mail", arrived)
    order_id = str(h.mails(kind)[0]["X-Klyngepakke-Order"]).strip()
    h.started.append(order_id)
    await h.settle()
    return order_id


async def test_the_form_names_each_problem_and_keeps_what_was_typed(env, settings, sink, executor):
    async with running(env, settings, sink, executor) as h, web_for(h) as web:
        page = await web.get("/bestil")
        assert page.status_code == 200
        assert "Attester i almen praksis" in page.text and 'name="submission"' in page.text

        values = order_form_values(
            await h.now(),
            **{
                "cluster.name": "",
                "coordinator.email": "mette@",
                "members": "Søren Ærø;soren@example.dk;12345",
            },
        )
        sent = await web.post("/bestil", data=values)
        assert sent.status_code == 422
        assert sent.text.count("<title>Fejl: ") == 1
        errors = field_errors(sent)
        assert errors["f-cluster-name"] == "Klyngens navn: Skriv klyngens navn"
        assert errors["f-coordinator-email"].startswith("Din e-mail: Er ikke en gyldig")
        assert "linje 1, ydernummer" in errors["f-members"].lower()
        # Everything typed is still there, and each error is tied to its input.
        assert 'value="mette@"' in sent.text and "Søren Ærø;soren@example.dk;12345" in sent.text
        assert re.search(r'aria-describedby="[^"]*f-coordinator-email-fejl"', sent.text)
        assert not h.mails()


async def test_an_order_is_placed_once_however_often_the_form_is_sent(
    env, settings, sink, executor
):
    async with running(env, settings, sink, executor) as h, web_for(h) as web:
        values = order_form_values(await h.now())
        first = await web.post("/bestil", data=values)
        assert first.status_code == 200, first.text
        assert "Tak for din bestilling" in first.text
        order_id = await _ordered(h)
        # A double click, a reload, back and send again: the same receipt, one order.
        again = await web.post("/bestil", data=values)
        assert again.status_code == 200 and "Tak for din bestilling" in again.text
        await h.settle()
        assert len(h.mails("order_confirmation")) == 1
        # Another form for the same cluster and day is told, not silently merged.
        other = await web.post("/bestil", data={**values, "submission": "another-form"})
        assert other.status_code == 422
        assert "allerede bestilt" in field_errors(other)["f-meeting-date"]

        (confirmation,) = h.mails("order_confirmation")
        assert confirmation.get_content_type() == "multipart/alternative" or any(
            p.get_content_type() == "text/html" for p in confirmation.walk()
        )
        assert confirmation["Auto-Submitted"] == "auto-generated"
        page = await web.get(link(confirmation, "/k/"))
        assert page.status_code == 200
        assert "Din bestilling" in page.text and "ringer til dig" in page.text
        status = await h.status(order_id)
        assert status.status == "active"


async def test_a_meeting_too_soon_can_be_sent_to_kiap_as_a_late_order(
    env, settings, sink, executor
):
    async with running(env, settings, sink, executor) as h, web_for(h) as web:
        values = order_form_values(await h.now(), weeks=6)
        refused = await web.post("/bestil", data=values)
        assert refused.status_code == 422
        message = field_errors(refused)["f-meeting-date"]
        assert "der mangler 2 uger" in message
        assert "Den tidligste mødedato er" in message
        assert 'name="late_request"' in refused.text and not h.mails()

        sent = await web.post("/bestil", data={**values, "late_request": "ja"})
        assert sent.status_code == 200, sent.text
        assert "sendt til KiAP" in sent.text
        order_id = await _ordered(h, "late_order_received")
        status = await h.status(order_id)
        assert status.awaiting_approval and status.status == "active"
        (request,) = h.mails("late_order_request")
        assert request["To"].addresses[0].username == "klynger"
        assert not h.mails("order_confirmation")

        accepted = await h.client.orders.decide_late(
            order_id, LateDecision(approve=True, by="drift")
        )
        assert "godkendt" in accepted.message
        await h.settle()
        status = await h.status(order_id)
        assert status.late and not status.awaiting_approval
        (confirmation,) = h.mails("order_confirmation")
        assert "kortere end normalt" in body(confirmation)
        assert link(confirmation, "/k/")

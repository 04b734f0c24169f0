"""Mail you can count on, on the time-skipping server: a server that keeps answering "try
later" is given up on within a planned day and a person is told; an address refused for good
shows on the survey round's view; a refused login is a task for operations; a cancelled order
ordered again gets mails and links of its own, and the cancelled one's links do nothing."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from klyngepakke.config import Settings
from schemas.order.commands import Cancel, ConsultationDone, LateDecision, MembersChange
from schemas.order.request import ContactBy
from schemas.survey_round.round import round_id
from tests import factories
from tests.mail_servers import scripted
from tests.web.people import body, link, web_for
from tests.workflows.harness import running, save_history


def _on(settings: Settings, port: int) -> Settings:
    return settings.model_copy(update={"smtp_port": port})


async def test_a_server_that_keeps_deferring_is_given_up_on_within_a_planned_day(
    env, settings, sink, executor
):
    async with running(env, settings, sink, executor) as probe:
        order = factories.make_order(await probe.now())
    greylisted = order.coordinator.email
    with scripted(lambda a: "451 4.7.1 Try again later" if a == greylisted else None) as (
        server,
        port,
    ):
        async with running(env, _on(settings, port), sink, executor) as h:
            order = factories.make_order(await h.now())
            order_id = await h.start(order, order_id=f"deferred-{uuid.uuid4()}")
            await h.sleep(timedelta(hours=25))
            status = await h.client.orders.status(order_id)
            (problem,) = [p for p in status.problems if p.kind == "mail_delayed"]
            assert "Bekræftelsen af bestillingen nåede ikke frem til 1 modtager" in problem.text
            assert "(451)" in problem.text
            # The order went on: the consultant's task arrived after the confirmation gave up.
            assert len(server.mails("consultant_task")) == 1
            assert server.mails("order_confirmation") == []
            tries = server.asked.count(greylisted)
            assert tries > 3
            # Given up is given up: another day brings no new attempt.
            await h.sleep(timedelta(days=1))
            assert server.asked.count(greylisted) == tries
            # Operations find it on the workbench: the order asks for attention.
            described = await env.client.get_workflow_handle(order_id).describe()
            assert described.search_attributes.get("Attention") == [True]


async def test_a_member_refused_for_good_shows_on_the_survey_rounds_view(
    env, settings, sink, executor
):
    async with running(env, settings, sink, executor) as probe:
        order = factories.make_order(await probe.now())
    refused = order.members[1].email
    with scripted(lambda a: "550 5.1.1 Mailbox unavailable" if a == refused else None) as (
        server,
        port,
    ):
        async with running(env, _on(settings, port), sink, executor) as h, web_for(h) as web:
            order = factories.make_order(await h.now())
            order_id = await h.start(order, order_id=f"refused-{uuid.uuid4()}")
            await h.client.orders.consultation_done(
                order_id, ConsultationDone(contact_by=ContactBy.KIAP)
            )
            await h.sleep(timedelta(hours=1))
            await h.client.surveys.dispatch(order_id)
            await h.sleep(timedelta(hours=1))
            editor = await h.client.surveys.editor(round_id(order_id, 1))
            assert editor is not None
            assert (editor.invited, editor.undelivered) == (len(order.members), 1)
            invited = {m["To"] for m in server.mails("survey_invitation")}
            assert not any(refused in to for to in invited)
            # The coordinator reads it on their page, beside how to put it right.
            (material,) = server.mails("material")
            page = link(material, "/k/").removesuffix("/spoergeskema")
            survey = await web.get(f"{page}/spoergeskema")
            assert "1 invitation kom ikke frem" in survey.text
            # What the coordinator should do next says so, not "they get a reminder".
            overview = (await web.get(page)).text
            assert "1 invitation kom ikke frem: ret adressen under Medlemmer" in overview
            assert "KiAP arbejder på det" not in overview
            # The member list marks the address that did not work, and only that one.
            members = (await web.get(f"{page}/medlemmer")).text
            assert members.count("invitationen kom ikke frem") == 1
            row = members[members.index(refused) :].split("</tr>")[0]
            assert "invitationen kom ikke frem" in row
            # Refused once, not asked again: the reminders leave the address out.
            asked = server.asked.count(refused)
            await h.sleep(timedelta(days=20))
            assert server.asked.count(refused) == asked
            status = await h.client.orders.status(order_id)
            assert status.survey is not None and status.survey.invited == len(order.members)
            # KiAP has a task: the order asks for attention and says what to do.
            (task,) = [p for p in status.problems if p.kind == "invitations_undelivered"]
            assert task.text.startswith("1 invitation til spørgeskemaet kom ikke frem")
            assert "retter adressen under Medlemmer" in task.text
            handle = env.client.get_workflow_handle(order_id)
            assert (await handle.describe()).search_attributes.get("Attention") == [True]
            # As the page says: the corrected address gets its link at once.
            wrong = order.members[1]
            fixed = wrong.model_copy(update={"email": "rettet." + wrong.email})
            await h.client.orders.change_members(
                order_id, MembersChange(add=[fixed], remove=[wrong.email])
            )
            await h.sleep(timedelta(minutes=5))
            (late,) = [m for m in server.mails("survey_invitation") if fixed.email in m["To"]]
            assert "/s/" in body(late)
            editor = await h.client.surveys.editor(round_id(order_id, 1))
            assert editor is not None and editor.undelivered == 0
            status = await h.client.orders.status(order_id)
            assert not [p for p in status.problems if p.kind == "invitations_undelivered"]
            assert (await handle.describe()).search_attributes.get("Attention") == [False]
            await save_history(env, order_id, "order_invitation_refused")
            await save_history(env, round_id(order_id, 1), "survey_round_invitation_refused")


# The scripted server asks for a login over plain SMTP (aiosmtpd warns): it only refuses it.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
async def test_a_refused_login_stops_the_mail_and_tells_operations(env, settings, sink, executor):
    with scripted(refuse_login=True) as (_, port):
        secured = _on(settings, port).model_copy(
            update={"smtp_username": "klyngepakke", "smtp_password": "forkert"}
        )
        async with running(env, secured, sink, executor) as h:
            order = factories.make_order(await h.now())
            order_id = await h.start(order, order_id=f"login-{uuid.uuid4()}")
            await h.sleep(timedelta(hours=1))
            status = await h.client.orders.status(order_id)
            texts = [p.text for p in status.problems if p.kind == "mail_delayed"]
            # Not retried for a day: the login is refused at once, for both first mails.
            assert len(texts) == 2
            assert all("afviste klyngepakkens login" in t and "Drift" in t for t in texts)
            assert status.status == "active"


async def test_a_cancelled_order_ordered_again_gets_mails_and_links_of_its_own(
    env, settings, sink, executor
):
    async with running(env, settings, sink, executor) as h, web_for(h) as web:
        order = factories.make_order(await h.now())
        order_id = f"again-{uuid.uuid4()}"
        await h.start(order, order_id=order_id)
        await h.placed(order_id)
        (first,) = h.mails("order_confirmation")
        old_page = link(first, "/k/")
        await h.client.orders.cancel(order_id, Cancel(reason="Forkert dato"))
        await h.finish(order_id)

        # The same order again, the same meeting, the call at a new time.
        order = order.model_copy(update={"call_at": factories.make_order(await h.now()).call_at})
        await h.start(order, order_id=order_id)
        await h.placed(order_id)
        confirmations = h.mails("order_confirmation")
        assert len(confirmations) == 2 and len(h.mails("consultant_task")) == 2
        assert confirmations[0]["Message-ID"] != confirmations[1]["Message-ID"]
        new_page = link(confirmations[1], "/k/")
        assert new_page != old_page
        assert (await web.get(new_page)).status_code == 200
        # The cancelled order's link says so and does nothing to the new one.
        stale = await web.get(old_page)
        assert stale.status_code == 410 and "tidligere bestilling" in stale.text
        refused = await web.post(f"{old_page}/annuller", data={"reason": "x", "confirm": "ja"})
        assert refused.status_code == 410
        assert (await h.client.orders.status(order_id)).status == "active"

        await h.client.orders.consultation_done(
            order_id, ConsultationDone(contact_by=ContactBy.KIAP)
        )
        await h.sleep(timedelta(hours=1))
        await h.client.surveys.dispatch(order_id)
        await h.sleep(timedelta(hours=1))
        invitations = h.mails("survey_invitation")
        # Once each, to every member of the new order.
        assert sorted(m["To"] for m in invitations) == sorted(
            f"{p.name} <{p.email}>" for p in order.members
        )


async def test_a_refused_late_order_ordered_again_by_an_operator_gets_its_mails(
    env, settings, sink, executor
):
    async with running(env, settings, sink, executor) as h:
        now = await h.now()
        order = factories.make_order(now, weeks=5)
        order_id = f"late-again-{uuid.uuid4()}"
        started = await h.client.orders.place(order, order_id=order_id, late_request=True)
        assert started.awaiting_approval
        await h.settle()
        await h.client.orders.decide_late(
            order_id, LateDecision(approve=False, reason="For kort tid til formødet")
        )
        await h.finish(order_id)
        h.started.append(order_id)
        assert len(h.mails("late_order_rejected")) == 1

        # The same order, with a new call time: KiAP places it itself, late as it is.
        again = order.model_copy(update={"call_at": factories.make_order(await h.now()).call_at})
        await h.start(again, order_id=order_id, allow_late=True)
        await h.placed(order_id)
        assert len(h.mails("order_confirmation")) == 1
        assert len(h.mails("consultant_task")) == 1


async def test_a_cluster_whose_coordinator_mail_is_refused_asks_for_attention(
    env, settings, sink, executor
):
    from schemas.cluster.input import ClusterInput, cluster_id
    from workflows.cluster import ClusterWorkflow

    async with running(env, settings, sink, executor) as probe:
        order = factories.make_order(await probe.now())
    refused = order.coordinator.email
    with scripted(lambda a: "550 5.1.1 Mailbox unavailable" if a == refused else None) as (
        server,
        port,
    ):
        async with running(env, _on(settings, port), sink, executor) as h:
            inp = ClusterInput(
                cluster=order.cluster,
                coordinator=order.coordinator,
                members=order.members,
                accepted_at=await h.now(),
            )
            workflow_id = cluster_id(order.cluster)
            handle = await env.client.start_workflow(
                ClusterWorkflow.run, inp, id=workflow_id, task_queue=h.settings.task_queue
            )
            h.started.append(workflow_id)
            await h.settle()
            state = await handle.query(ClusterWorkflow.state)
            assert state.mail_problems >= 1
            assert server.mails("cluster_started") == []
            described = await handle.describe()
            # The workbench lists running clusters by this attribute.
            assert described.search_attributes.get("Attention") == [True]
            await save_history(env, workflow_id, "cluster_mail_refused")

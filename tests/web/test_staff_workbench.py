"""KiAP's staff on the workbench, logged in through a real OpenID provider: the consultant
finds the order's call on their task list and records it (the event names them), a missing
choice is named on its field, a consultant may not cancel but drift may (with a confirmation);
no session means the login and back to the same page, a tampered or expired cookie is not
trusted, a login without a role is refused, and the Temporal UI's codec decrypts only for staff."""

from __future__ import annotations

import base64
import json
import os
import time
import uuid

import httpx
import pytest
from itsdangerous import TimestampSigner

from client.payload_codec import EncryptionCodec, PayloadKeys
from tests import factories
from tests.eventually import eventually
from tests.web import checkers
from tests.web.oidc import SECRET, Provider, log_in
from tests.web.people import BASE, field_errors, link, web_for
from tests.workflows.harness import running
from web.codec import create_codec_app
from web.staff_auth import SESSION_COOKIE, StaffConfig, TokenCheck


def _session_cookie(data: dict) -> str:
    """A cookie signed with the app's secret, as Starlette's SessionMiddleware writes one."""
    payload = base64.b64encode(json.dumps(data).encode())
    return TimestampSigner(SECRET).sign(payload).decode()


@pytest.mark.slow
async def test_a_consultant_records_the_call_from_their_task_list(
    dev_env, settings, sink, executor, provider: Provider
):
    async with (
        running(dev_env, settings, sink, executor) as h,
        web_for(h, provider.config()) as web,
    ):
        order_id = await h.start(factories.make_order(await h.now()), order_id=f"wb-{uuid.uuid4()}")
        await h.placed(order_id)

        # No session: to the login, and back to the page that was asked for.
        asked = await web.get("/konsulent/ordrer?trin=consultation")
        assert asked.status_code == 303
        assert (
            asked.headers["location"]
            == "/konsulent/login?next=/konsulent/ordrer%3Ftrin%3Dconsultation"
        )
        landed = await log_in(web, "konsulent-1", "/konsulent")
        assert landed.status_code == 200 and "Karen Konsulent" in landed.text

        async def on_the_list() -> bool:
            tasks = await web.get("/konsulent")
            return f"/konsulent/ordre/{order_id}" in tasks.text

        await eventually("the order's call on the consultant's task list", on_the_list)
        tasks = (await web.get("/konsulent")).text
        row = tasks[tasks.index(f"/konsulent/ordre/{order_id}") :].split("</tr>")[0]
        assert "Telefonkonsultation" in row

        # The consultant's mail opens the order on the workbench.
        (task,) = h.mails("consultant_task")
        page = await web.get(link(task, "/konsulent/ordre/"))
        assert page.status_code == 200 and "Registrér samtalen" in page.text
        # Only a consultant's role: the drift forms are not offered.
        assert "Annullér bestillingen" not in page.text

        missing = await web.post(f"/konsulent/ordre/{order_id}/samtale", data={"notes": "Noter"})
        assert missing.status_code == 422
        assert "hvem der tager den første kontakt" in field_errors(missing)["f-contact-by"]
        assert "Noter" in missing.text  # what was typed stays

        done = await web.post(
            f"/konsulent/ordre/{order_id}/samtale",
            data={"contact_by": "kiap", "mode": "fysisk", "notes": "Fokus på LÆ 265"},
        )
        assert done.status_code == 200 and "registreret" in done.text
        await h.settle()
        assert h.mails("material"), "the material mail after the call"
        status = await h.status(order_id)
        (call,) = [e for e in status.events if e.type == "ConsultationCompleted"]
        assert call.by == "Karen Konsulent"
        assert (
            "Telefonkonsultationen er holdt – Karen Konsulent"
            in (await web.get(f"/konsulent/ordre/{order_id}")).text
        )

        again = await web.post(f"/konsulent/ordre/{order_id}/samtale", data={"contact_by": "kiap"})
        assert again.status_code == 422
        assert "allerede registreret af Karen Konsulent" in again.text  # who and when

        # Cancelling is drift's: refused with the reason, nothing changed.
        refused = await web.post(
            f"/konsulent/ordre/{order_id}/annuller",
            data={"cancel_reason": "Aflyst", "confirm": "ja"},
        )
        assert refused.status_code == 403 and "rollen drift" in refused.text
        assert (await h.status(order_id)).status == "active"

        # A form posted from another site is refused before it reaches the order.
        forged = await web.post(
            f"/konsulent/ordre/{order_id}/samtale",
            data={"contact_by": "kiap"},
            headers={"sec-fetch-site": "cross-site", "origin": "https://evil.example"},
        )
        assert forged.status_code == 403

        logged_out = await web.post("/konsulent/logout")
        assert "logget ud" in logged_out.text
        assert (await web.get("/konsulent")).status_code == 303


@pytest.mark.slow
async def test_drift_cancels_only_with_a_reason_and_a_confirmation(
    dev_env, settings, sink, executor, provider: Provider
):
    async with (
        running(dev_env, settings, sink, executor) as h,
        web_for(h, provider.config()) as web,
    ):
        order_id = await h.start(factories.make_order(await h.now()), order_id=f"wb-{uuid.uuid4()}")
        await h.placed(order_id)
        checked: dict[str, str] = {}
        tasks = await log_in(web, "drift-1")
        checked["task list"] = tasks.text
        page = await web.get(f"/konsulent/ordre/{order_id}")
        checked["order, drift"] = page.text
        assert "Annullér bestillingen" in page.text and "Dorte Drift" in page.text

        unconfirmed = await web.post(
            f"/konsulent/ordre/{order_id}/annuller", data={"cancel_reason": "Klyngen aflyser"}
        )
        assert unconfirmed.status_code == 422
        assert "Sæt flueben" in field_errors(unconfirmed)["f-confirm"]
        assert "Klyngen aflyser" in unconfirmed.text
        assert (await h.status(order_id)).status == "active"
        checked["order, errors"] = unconfirmed.text

        cancelled = await web.post(
            f"/konsulent/ordre/{order_id}/annuller",
            data={"cancel_reason": "Klyngen aflyser", "confirm": "ja"},
        )
        assert cancelled.status_code == 200
        checked["order, cancelled"] = cancelled.text
        await h.settle()
        status = await h.status(order_id)
        assert status.status == "cancelled"
        (event,) = [e for e in status.events if e.type == "OrderCancelled"]
        assert event.by == "Dorte Drift"

        # Closed orders stay findable under "Alle ordrer", with their outcome in Danish.
        listed = await web.get("/konsulent/ordrer?trin=cancelled")
        row = listed.text[listed.text.index(f"/konsulent/ordre/{order_id}") :].split("</tr>")[0]
        assert "Annulleret" in row
        checked["all orders"] = listed.text
        wrong_date = await web.get("/konsulent/ordrer?fra=igaar")
        assert "åååå-mm-dd" in wrong_date.text
        checked["all orders, filter error"] = wrong_date.text
        checked["logged out"] = (await web.post("/konsulent/logout")).text

    if checkers.missing() is None or os.environ.get("CI"):
        axe = await checkers.axe_problems(checked)
        vnu = checkers.vnu_errors(checked)
        assert not axe and not vnu, json.dumps({"axe": axe, "vnu": vnu}, ensure_ascii=False)


@pytest.mark.slow
async def test_a_session_that_is_forged_expired_or_without_a_role_is_not_trusted(
    dev_env, settings, sink, executor, provider: Provider
):
    async with (
        running(dev_env, settings, sink, executor) as h,
        web_for(h, provider.config()) as web,
    ):
        web.cookies.set(SESSION_COOKIE, "eyJzdGFmZiI6IHt9fQ==.forged.signature")
        forged = await web.get("/konsulent")
        assert forged.status_code == 401 and "ikke gyldigt" in forged.text

        expired = {
            "staff": {
                "id": "drift-1",
                "name": "Dorte Drift",
                "roles": ["drift"],
                "expires": time.time() - 60,
            }
        }
        web.cookies.set(SESSION_COOKIE, _session_cookie(expired))
        again = await web.get("/konsulent/ordrer")
        assert again.status_code == 303
        assert again.headers["location"].endswith("next=/konsulent/ordrer")
        # Expired while a form was open: back to the order's page after the login, not to
        # the form's address (which takes POSTs only).
        posted = await web.post("/konsulent/ordre/o-1/samtale", data={"contact_by": "kiap"})
        assert posted.status_code == 303
        assert posted.headers["location"].endswith("next=/konsulent/ordre/o-1")

        web.cookies.clear()
        nobody = await log_in(web, "ingen-rolle")
        assert nobody.status_code == 403 and "hverken rollen konsulent eller drift" in nobody.text

        # A login may not send anyone on to another site.
        web.cookies.clear()
        landed = await log_in(web, "konsulent-1", "https://evil.example/")
        assert landed.status_code == 200 and "Mine opgaver" in landed.text


async def test_the_codec_decrypts_only_for_staff(provider: Provider):
    keys = PayloadKeys.generate("k1")
    config = provider.config()
    app = create_codec_app(
        EncryptionCodec(keys), "default", ["http://localhost:8233"], config, TokenCheck(config)
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as codec:
        body = {"payloads": []}
        assert (await codec.post("/decode", json=body)).status_code == 401
        bad = {"Authorization": "Bearer not-a-token"}
        assert (await codec.post("/decode", json=body, headers=bad)).status_code == 401

        staff = {"Authorization": f"Bearer {provider.access_token('drift-1')}"}
        assert (await codec.post("/decode", json=body, headers=staff)).status_code == 200
        no_role = {"Authorization": f"Bearer {provider.access_token('ingen-rolle')}"}
        assert (await codec.post("/decode", json=body, headers=no_role)).status_code == 401

        # The workbench's session cookie, sent by the UI with "include credentials".
        session = {
            "staff": {"id": "k", "name": "K", "roles": ["konsulent"], "expires": time.time() + 600}
        }
        codec.cookies.set(SESSION_COOKIE, _session_cookie(session))
        assert (await codec.post("/decode", json=body)).status_code == 200
        # Encrypting makes payloads the workers take as sealed: not for a consultant.
        assert (await codec.post("/encode", json=body)).status_code == 403
        codec.cookies.clear()
        assert (await codec.post("/encode", json=body, headers=staff)).status_code == 200


def test_without_a_provider_the_staff_pages_say_so() -> None:
    assert StaffConfig().issuer is None


@pytest.mark.slow
async def test_the_task_list_finds_a_missing_extract_under_the_old_step_name_and_the_new(
    dev_env, settings
):
    """Orders started before the partner's stage was named neutrally carry 'jobcenter' in their
    search attributes; the list of missing extracts finds them beside the new ones."""
    from temporalio.common import SearchAttributePair, TypedSearchAttributes

    from klyngepakke import bootstrap
    from schemas.views.workbench import PARTNER_STEPS
    from workflows import names, search_attributes

    ids = {}
    for step in ("jobcenter", "partner", "survey"):
        ids[step] = f"visibility-{step}-{uuid.uuid4()}"
        # Started by name on a queue nobody polls: it only stands in the list.
        await dev_env.client.start_workflow(
            names.ORDER,
            id=ids[step],
            task_queue=f"nobody-{uuid.uuid4()}",
            search_attributes=TypedSearchAttributes(
                [SearchAttributePair(search_attributes.OVERDUE_STEPS, [step])]
            ),
        )
    client = bootstrap.klyngepakke_client(settings, dev_env.client)

    async def found() -> set[str]:
        listed = await client.orders.list_orders(
            conditions=[f"OverdueSteps IN {PARTNER_STEPS}"], running=True, limit=500
        )
        return {o.id for o in listed} & set(ids.values())

    await eventually("both partner steps listed", lambda: _both(found, ids))
    assert ids["survey"] not in await found()
    for workflow_id in ids.values():
        await dev_env.client.get_workflow_handle(workflow_id).terminate("test finished")


async def _both(found, ids) -> bool:
    return {ids["jobcenter"], ids["partner"]} <= await found()


@pytest.mark.slow
async def test_the_task_list_finds_courses_and_clusters_whose_mail_did_not_arrive(
    dev_env, settings
):
    """A course or cluster whose mail failed asks for attention (search attribute Attention);
    the workbench lists those, not the ones without a problem, and not orders twice."""
    from temporalio.common import SearchAttributePair, TypedSearchAttributes

    from klyngepakke import bootstrap
    from workflows import names, search_attributes

    ids = {}
    for kind, workflow, attention in (
        ("course", names.COURSE, True),
        ("cluster", names.CLUSTER, True),
        ("calm-cluster", names.CLUSTER, False),
        ("order", names.ORDER, True),
    ):
        ids[kind] = f"attention-{kind}-{uuid.uuid4()}"
        await dev_env.client.start_workflow(
            workflow,
            id=ids[kind],
            task_queue=f"nobody-{uuid.uuid4()}",
            search_attributes=TypedSearchAttributes(
                [SearchAttributePair(search_attributes.ATTENTION, attention)]
            ),
        )
    client = bootstrap.klyngepakke_client(settings, dev_env.client)

    async def listed() -> dict[str, str]:
        found = await client.orders.others_needing_attention()
        return {o.id: o.kind for o in found if o.id in ids.values()}

    async def both() -> bool:
        return {ids["course"], ids["cluster"]} <= set(await listed())

    await eventually("the course and the cluster listed", both)
    assert await listed() == {ids["course"]: "course", ids["cluster"]: "cluster"}
    for workflow_id in ids.values():
        await dev_env.client.get_workflow_handle(workflow_id).terminate("test finished")

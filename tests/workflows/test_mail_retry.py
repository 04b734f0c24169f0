"""A mail activity that fails after the SMTP server accepted the mail is retried by Temporal,
and the recipient still gets exactly one copy."""

from __future__ import annotations

import uuid
from datetime import timedelta

from temporalio import activity

from activities.mail import MailActivities, MailRequest, MailResult
from activities.mail_delivery import Delivery
from catalog import Catalog
from klyngepakke import bootstrap
from schemas.order.commands import Cancel, ConsultationDone
from schemas.order.request import ContactBy
from storage.artifact_store import FolderArtifactStore
from storage.outbox import SqliteOutbox
from tests import factories
from tests.workflows.harness import running


async def test_a_retried_mail_activity_does_not_mail_twice(env, settings, sink, executor):
    real = MailActivities(
        Delivery(
            bootstrap.smtp(settings),
            SqliteOutbox(settings.var_dir / "sent-mail.sqlite"),
            FolderArtifactStore(settings.artifact_dir),
        ),
        Catalog(),
    )
    failed_after_sending: list[str] = []

    @activity.defn(name="send_mail")
    async def flaky_send_mail(request: MailRequest) -> MailResult:
        result = await real.send_mail(request)
        if activity.info().attempt == 1:
            failed_after_sending.append(request.mail)
            raise RuntimeError("connection lost after the server accepted the mail")
        return result

    others = [
        a for a in bootstrap.activities(settings) if getattr(a, "__name__", "") != "send_mail"
    ]
    async with running(env, settings, sink, executor, [flaky_send_mail, *others]) as h:
        order = factories.make_order(await h.now())
        order_id = await h.start(order, order_id=f"retry-{uuid.uuid4()}")
        await h.client.orders.consultation_done(
            order_id, ConsultationDone(contact_by=ContactBy.KIAP)
        )
        await h.sleep(timedelta(minutes=30))
        await h.client.orders.cancel(order_id, Cancel(reason="Testen er slut"))
        await h.finish(order_id)

    assert {"order_confirmation", "material", "cancelled"} <= set(failed_after_sending)
    ids = [m["Message-ID"] for m in h.mails()]
    assert len(ids) == len(set(ids)) >= 5

"""KiAP's short mail to a colleague who has just been given a course's or a cluster's tasks on
the workbench (an order's goes through the order's own mails: its package's task_assigned)."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, Field
from temporalio import activity

from activities.mail_delivery import Delivery, MailResult
from catalog import Catalog
from catalog.mail_templates import MailBody
from schemas.shared.links import privacy_notice
from schemas.shared.people import Person


class HandoverMail(BaseModel):
    workflow_id: str
    key: str = Field(description="Idempotency key: one mail per hand-over")
    to: Person
    by: str = Field(description="The colleague who gave the tasks")
    what: str = Field(description="What the tasks are about, Danish: 'kurset for Aalborg Kommune'")
    give_up_after: timedelta | None = None


class StaffMailActivities:
    def __init__(self, delivery: Delivery, catalog: Catalog, public_base_url: str) -> None:
        self.delivery = delivery
        self.catalog = catalog
        self.base = public_base_url.rstrip("/")

    def render(self, request: HandoverMail, person: Person) -> MailBody:
        return self.catalog.staff_mails().render(
            "task_handover",
            privacy=privacy_notice(self.base),
            recipient=person,
            by=request.by,
            what=request.what,
            workbench_link=f"{self.base}/konsulent",
        )

    @activity.defn(name="send_handover_mail")
    async def send_handover_mail(self, request: HandoverMail) -> MailResult:
        return await self.delivery.deliver_each(
            request.workflow_id,
            request.key,
            "task_handover",
            [request.to],
            lambda person: self.render(request, person),
            give_up_after=request.give_up_after,
        )

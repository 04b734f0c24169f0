"""The cluster's mails to its coordinator: a Danish template per mail from the catalog's
`cluster-year/mails/`, sent once per recipient through the same delivery and outbox as the
orders' mails."""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel, Field
from temporalio import activity

from activities.mail_delivery import Delivery, MailResult
from catalog import Catalog
from catalog.mail_templates import MailBody
from schemas.cluster.state import Payout
from schemas.cluster.year import YEARLY, Reminder
from schemas.order.request import Cluster
from schemas.shared.links import LinkSigner, privacy_notice
from schemas.shared.people import Person


class ClusterMailContext(BaseModel):
    cluster_id: str
    run: str | None = Field(default=None, description="The cluster's first run id (its links)")
    cluster: Cluster
    members: int = Field(ge=0, description="Members on the current list")
    reminder: Reminder | None = None
    payout: Payout | None = Field(default=None, description="The payout a SKAT reminder is about")
    year: int | None = Field(default=None, description="The grant's year (grant_missing)")
    deadline: date | None = None
    outgoing: Person | None = Field(default=None, description="A handover's outgoing coordinator")
    incoming: Person | None = Field(default=None, description="A handover's new coordinator")


class ClusterMailRequest(BaseModel):
    mail: str = Field(description="Template id in the catalog's cluster-year/mails folder")
    key: str = Field(description="Idempotency key: the same key never mails a recipient twice")
    recipients: list[Person] = Field(min_length=1)
    context: ClusterMailContext
    give_up_after: timedelta | None = Field(
        default=None, description="How long 'try later' is retried (activities/mail_delivery.py)"
    )


class ClusterMailActivities:
    def __init__(
        self,
        delivery: Delivery,
        catalog: Catalog | None = None,
        signer: LinkSigner | None = None,
        public_base_url: str = "http://localhost:8000",
    ) -> None:
        self.delivery = delivery
        self.catalog = catalog or Catalog()
        self.signer = signer
        self.public_base_url = public_base_url

    def render(self, request: ClusterMailRequest, recipient: Person) -> MailBody:
        ctx = request.context
        rules = self.catalog.cluster_year()
        duty = ctx.reminder.duty if ctx.reminder is not None else None
        rule = rules.rule(duty) if duty is not None else None
        return self.catalog.cluster_mails().render(
            request.mail,
            privacy=privacy_notice(self.public_base_url),
            cluster=ctx.cluster,
            members=ctx.members,
            reminder=ctx.reminder,
            payout=ctx.payout,
            year=ctx.year,
            deadline=ctx.deadline or (ctx.reminder.deadline if ctx.reminder else None),
            title=rule.title if rule is not None else None,
            how=rule.how if rule is not None else None,
            duties=[rules.rule(d) for d in YEARLY],
            checklist=rules.handover.checklist,
            guide=rules.handover.guide,
            outgoing=ctx.outgoing,
            incoming=ctx.incoming,
            recipient=recipient,
            # Without a signer (a test's stand-in) the mails ask for a reply instead.
            cluster_link=self.signer.cluster_link(self.public_base_url, ctx.cluster_id, ctx.run)
            if self.signer is not None
            else None,
        )

    @activity.defn(name="send_cluster_mail")
    async def send_cluster_mail(self, request: ClusterMailRequest) -> MailResult:
        return await self.delivery.deliver_each(
            request.context.cluster_id,
            request.key,
            request.mail,
            request.recipients,
            lambda person: self.render(request, person),
            give_up_after=request.give_up_after,
        )

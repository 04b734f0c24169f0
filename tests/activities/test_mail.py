"""Mail goes out once per (order, key, recipient), however often the activity runs."""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio.testing import ActivityEnvironment

from activities.mail import MailActivities, MailContext, MailRequest
from activities.mail_delivery import Delivery
from catalog import Catalog
from catalog.mail_templates import MailBody
from klyngepakke import bootstrap
from schemas.order.timeline import plan
from schemas.shared.copenhagen import COPENHAGEN
from storage.artifact_store import FolderArtifactStore
from storage.outbox import SqliteOutbox
from tests import factories

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=COPENHAGEN)


def request(key: str = "invitation") -> MailRequest:
    order = factories.make_order(NOW)
    return MailRequest(
        mail="invitation",
        key=key,
        recipients=order.members,
        context=MailContext(order_id="o-1", order=order, timeline=plan(order, NOW)),
    )


def delivery(settings) -> Delivery:
    return Delivery(
        bootstrap.smtp(settings),
        SqliteOutbox(settings.var_dir / "sent.sqlite"),
        FolderArtifactStore(settings.artifact_dir),
    )


def mailer(settings) -> MailActivities:
    return MailActivities(delivery(settings), Catalog())


async def test_running_the_activity_twice_sends_each_mail_once(settings, sink):
    activities = mailer(settings)
    env = ActivityEnvironment()
    first = await env.run(activities.send_mail, request())
    second = await env.run(mailer(settings).send_mail, request())
    assert (first.sent, second.sent, second.already_sent) == (3, 0, 3)
    assert first.message_ids == second.message_ids
    assert len(sink.messages()) == 3


async def test_a_new_key_is_a_new_mail(settings, sink):
    env = ActivityEnvironment()
    await env.run(mailer(settings).send_mail, request("invitation-0"))
    await env.run(mailer(settings).send_mail, request("invitation-1"))
    assert len(sink.messages()) == 6


async def test_the_invitation_is_danish_and_carries_a_calendar_file(settings, sink):
    from icalendar import Calendar

    from activities.calendar_invite import CalendarInvite

    req = request()
    req = req.model_copy(
        update={
            "calendar": CalendarInvite(
                uid="meeting.o-1@klyngepakke.kiap.dk",
                summary="Klyngemøde",
                start=req.context.order.meeting.start,
                minutes=150,
            )
        }
    )
    await ActivityEnvironment().run(mailer(settings).send_mail, req)
    message = sink.messages()[0]
    assert message["Subject"].startswith("Invitation: klyngemøde om attester")
    body = message.get_body(("plain",)).get_content()
    assert "Søren Ærø" in body and "(150 minutter)" in body
    # Every mail ends with the privacy notice's address, in both parts (GDPR art. 13).
    notice = f"{settings.public_base_url.rstrip('/')}/privatliv"
    assert (
        body.replace("\r\n", "\n")
        .rstrip()
        .endswith(f"-- \nSådan behandler KiAP dine oplysninger: {notice}")
    )
    assert f'<a href="{notice}">' in message.get_body(("html",)).get_content()
    ics = next(p for p in message.iter_attachments() if p.get_content_type() == "text/calendar")
    assert b"DTSTART;TZID=Europe/Copenhagen" in ics.get_payload(decode=True)
    # The calendar entry says what the mail says: the time, the place, what to prepare.
    assert "(150 minutter)" in Calendar.from_ical(ics.get_payload(decode=True)).walk("VEVENT")[
        0
    ].get("DESCRIPTION")


async def test_a_long_danish_subject_arrives_with_every_space(settings, sink):
    """Python's own folding dropped the space after the colon in 'Påmindelse til kurset
    <date>: Gennemgå …' for one date in six; which date a test drew decided whether it
    passed."""
    from datetime import timedelta

    from schemas.shared.danish_format import date_long
    from schemas.shared.people import Person

    post = delivery(settings)
    subjects = [
        f"Påmindelse til kurset {date_long(NOW + timedelta(days=day))}: Gennemgå Attestguide, "
        "drejebog og præsentation sammen, og drøft budskaberne"
        for day in range(0, 366, 5)
    ]
    for number, subject in enumerate(subjects):
        body = MailBody(subject=subject, text="Tekst", html="<p>Tekst</p>")
        await post.deliver(
            "o-1",
            f"subject-{number}",
            "course_task_reminder",
            [[Person(name="Hanne Lund", email="hanne@example.dk")]],
            lambda to, now, body=body: post.compose(
                "o-1", "k", "course_task_reminder", to, body, [], now
            ),
        )
    assert [str(m["Subject"]) for m in sink.messages()] == subjects


class _RefusingServer:
    """An SMTP server that refuses one mailbox for good (550), as a real one does for a
    mistyped or closed address, and takes the rest."""

    def __init__(self, refused: str) -> None:
        self.refused = refused
        self.delivered: list[list[str]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if address == self.refused:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.delivered.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


async def test_an_address_the_server_refuses_for_good_is_reported_and_the_others_go(settings):
    from aiosmtpd.controller import Controller

    from tests.conftest import free_port

    members = factories.make_order(NOW).members
    server = _RefusingServer(refused=members[1].email)
    controller = Controller(server, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        refusing = settings.model_copy(update={"smtp_port": controller.port})
        result = await ActivityEnvironment().run(mailer(refusing).send_mail, request())
    finally:
        controller.stop()
    # Not retried forever (which stalled the order): the two others are delivered, the
    # refused one is counted with the server's code, for the order's history.
    assert (result.sent, result.refused, result.refusal_code) == (2, 1, 550)
    assert sorted(to for batch in server.delivered for to in batch) == sorted(
        m.email for m in (members[0], members[2])
    )


async def test_a_message_another_attempt_sent_meanwhile_is_not_sent_again(settings, sink):
    """An attempt that outlived its timeout runs beside its retry: the ledger is asked right
    before each message, not once when the attempt begins."""
    from email.message import EmailMessage

    from activities.mail_delivery import message_id

    first, second = factories.make_order(NOW).members[:2]
    sending = delivery(settings)
    overlapping = message_id("o-1", "k", second.email)

    def build(to, now):  # type: ignore[no-untyped-def]
        if to[0] == first:
            sending.outbox.mark_sent(overlapping)  # the other attempt got there first
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "kiap@example.dk", to[0].email, "x"
        message["Message-ID"] = message_id("o-1", "k", to[0].email)
        message.set_content("x")
        return message

    result = await ActivityEnvironment().run(
        sending.deliver, "o-1", "k", "test", [[first], [second]], build
    )
    assert (result.sent, result.already_sent) == (1, 1)
    assert [m["To"] for m in sink.messages()] == [first.email]


def test_a_template_written_with_the_old_step_name_still_finds_its_date(settings, tmp_path):
    """A catalog folder KiAP keeps may still ask for ``timeline.due.jobcenter`` (the partner's
    stage before it was named neutrally): the mail says the same date as the current name."""
    import shutil

    folder = tmp_path / "attester-i-almen-praksis"
    shutil.copytree(Catalog().root / "attester-i-almen-praksis", folder)
    reminder = folder / "mails" / "extract_reminder.j2"
    reminder.write_text(
        reminder.read_text(encoding="utf-8").replace("due.partner", "due.jobcenter"),
        encoding="utf-8",
    )
    old, new = MailActivities(delivery(settings), Catalog(tmp_path)), mailer(settings)
    asked = request().model_copy(update={"mail": "extract_reminder"})
    to = asked.context.order.members[:1]
    assert "due.jobcenter" in reminder.read_text(encoding="utf-8")
    assert old.render(asked, to).text == new.render(asked, to).text


def _checklist_for(settings, mode: str, region: str) -> str:
    from schemas.order.request import MeetingMode
    from schemas.shared.region import Region

    asked = request().model_copy(update={"mail": "practical_checklist"})
    order = asked.context.order
    order = order.model_copy(
        update={
            "meeting": order.meeting.model_copy(update={"mode": MeetingMode(mode)}),
            "cluster": order.cluster.model_copy(update={"region": Region(region)}),
        }
    )
    asked = asked.model_copy(update={"context": asked.context.model_copy(update={"order": order})})
    return mailer(settings).render(asked, order.members[:1]).text


def test_a_virtual_meetings_checklist_names_the_regions_virtual_room_help(settings):
    text = _checklist_for(settings, "virtuelt", "Nordjylland")
    # From seed 004 (help with virtual meeting rooms), for the cluster's own region.
    assert "datakonsulent Karen Steen Tvergaard, k.tvergaard@rn.dk, tlf. 9243 1999" in text
    south = _checklist_for(settings, "virtuelt", "Syddanmark")
    assert "sdsi.video@rsyd.dk" in south and "Tvergaard" not in south


def test_a_physical_meetings_checklist_names_no_virtual_room(settings):
    text = _checklist_for(settings, "fysisk", "Nordjylland")
    assert "møderum" not in text and "k.tvergaard@rn.dk" not in text


def test_the_invitation_prints_only_addresses_with_a_source(settings):
    asked = request()
    text = mailer(settings).render(asked, asked.context.order.members[:1]).text
    # The podcast has no address of its own: the sourced page where it is found.
    assert "podcasten om emnet – den findes i Klyngepakkernes hjælpemateriale" in text
    assert "https://kiap.dk/kiap/klynger/klyngemateriale.php#hjaelpemateriale" in text
    assert "klyngepakker/attester" not in text  # the invented addresses of before
    assert "halv time" not in text  # nor a length no source gives


def test_the_partners_mails_name_the_talks_of_the_orders_program(settings):
    for variant, said, not_said in (
        ("standard", "heraf jobcenterets korte oplæg (10 min.)", "25 minutter"),
        (
            "basal-viden",
            "„Klyngens udfordringer (spørgsmål 4) og oplæg fra jobcenteret“ i 25 minutter",
            "Oplæg fra jobcenteret og fælles dialog",
        ),
    ):
        for mail in ("partner_guide", "premeeting_scheduled"):
            asked = request().model_copy(update={"mail": mail})
            order = asked.context.order
            order = order.model_copy(
                update={"meeting": order.meeting.model_copy(update={"program_variant": variant})}
            )
            context = asked.context.model_copy(
                update={"order": order, "premeeting_at": NOW + timedelta(weeks=4)}
            )
            text = (
                mailer(settings)
                .render(asked.model_copy(update={"context": context}), order.members[:1])
                .text
            )
            assert said in text and not_said not in text, (variant, mail)

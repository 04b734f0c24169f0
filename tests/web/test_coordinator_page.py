"""The coordinator's own page, on the time-skipping server, reached from the links in the
mails: the survey edited, previewed and sent, members added after the dispatch, the
pre-meeting set and held with a program change, the new deck downloaded, an agreement marked
done from its owner's reminder; passed stages, other roles' links and cross-site posts refused."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from pptx import Presentation

from klyngepakke import bootstrap
from schemas.order.commands import ConsultationDone, MeetingRecord, SurveyImport
from schemas.order.minutes import Agreement, FollowUpChoices, Minutes
from schemas.order.request import ContactBy
from schemas.order.steps import Step
from schemas.shared.links import LinkSigner
from tests import factories
from tests.web.people import BASE, field_errors, link, web_for
from tests.workflows.harness import running


def _due(status, step: Step):
    return next(s.due for s in status.steps if s.name == step)


async def _placed_with_material(h) -> tuple[object, str, str]:
    """An order past its consultation; the coordinator's page from the material mail."""
    order = factories.make_order(await h.now())
    order_id = await h.start(order, order_id=f"page-{uuid.uuid4()}")
    await h.client.orders.consultation_done(order_id, ConsultationDone(contact_by=ContactBy.KIAP))
    await h.sleep(timedelta(hours=1))
    (material,) = h.mails("material")
    page = link(material, "/k/").removesuffix("/spoergeskema")
    return order, order_id, page


async def test_the_survey_is_edited_previewed_and_sent_from_the_page(env, settings, sink, executor):
    async with running(env, settings, sink, executor) as h, web_for(h) as web:
        _, order_id, page = await _placed_with_material(h)
        survey = await web.get(f"{page}/spoergeskema")
        assert survey.status_code == 200 and "Ret spørgsmålene" in survey.text

        # One option for a single-choice question: named on its field, nothing changed.
        form = {
            "action": "gem",
            "title": "Attester i almen praksis",
            "q0_id": "kendskab",
            "q0_text": "Kender du attesttyperne?",
            "q0_type": "single_choice",
            "q0_options": "Ja",
            "q0_required": "ja",
            "q0_place": "1",
        }
        refused = await web.post(f"{page}/spoergeskema", data=form)
        assert refused.status_code == 422
        assert "Spørgsmål 1, svarmuligheder" in field_errors(refused)["f-q0-options"]
        assert "Kender du attesttyperne?" in refused.text  # what was typed stays

        # Change the first question, drop the others but one, add a free-text question.
        form |= {
            "q0_options": "Ja\nNej",
            "q1_id": "samarbejde",
            "q1_text": "Hvordan er samarbejdet?",
            "q1_type": "rating",
            "q1_options": "Godt\nDårligt",
            "q1_required": "ja",
            "q1_place": "3",
            "q2_text": "Hvad vil du gerne drøfte?",
            "q2_type": "free_text",
            "q2_place": "2",
        }
        saved = await web.post(f"{page}/spoergeskema", data=form)
        assert saved.status_code == 200, field_errors(saved)
        assert "Spørgeskemaet har nu 3 spørgsmål" in saved.text
        preview = await web.get(f"{page}/spoergeskema/vis")
        assert "Forhåndsvisning" in preview.text
        texts = ["Kender du attesttyperne?", "Hvad vil du gerne drøfte?", "Hvordan er samarbejdet?"]
        positions = [preview.text.index(t) for t in texts]
        assert positions == sorted(positions)

        # Members: one added before the dispatch, one taken off the list.
        added = await web.post(
            f"{page}/medlemmer",
            data={"name": "Nina Ny", "email": "nina@example.dk", "ydernummer": "067890"},
        )
        assert added.status_code == 200 and "4 medlemmer" in added.text
        bad = await web.post(
            f"{page}/medlemmer", data={"name": "X", "email": "x@example.dk", "ydernummer": "12"}
        )
        assert bad.status_code == 422 and "6 cifre" in bad.text
        removed = await web.post(f"{page}/medlemmer", data={"remove": "jens@example.dk"})
        assert removed.status_code == 200 and "3 medlemmer" in removed.text

        sent = await web.post(f"{page}/spoergeskema", data={"action": "send"})
        assert sent.status_code == 200 and "sendes nu" in sent.text
        await h.settle()
        invited = sorted(m["To"].addresses[0].username for m in h.mails("survey_invitation"))
        assert invited == ["aase", "nina", "soren"]
        invitation = h.mails("survey_invitation")[0]
        assert invitation["Reply-To"].addresses[0].username == "mette"

        # After the dispatch: the questions are frozen, a newcomer gets a link at once.
        frozen = await web.post(f"{page}/spoergeskema", data=form)
        assert frozen.status_code == 410 and "kan ikke ændres" in frozen.text
        await web.post(
            f"{page}/medlemmer",
            data={"name": "Ole Sen", "email": "ole@example.dk", "ydernummer": "012345"},
        )
        await h.settle()
        assert "ole" in [m["To"].addresses[0].username for m in h.mails("survey_invitation")]

        # A member answers through their link; the page shows counts, never who.
        member = next(
            m for m in h.mails("survey_invitation") if m["To"].addresses[0].username == "aase"
        )
        answer = await web.post(
            link(member, "/s/"),
            data={
                "q_kendskab": "Ja",
                "q_samarbejde": "Godt",
                "q_hvad_vil_du_gerne_droefte": "Svartider",
            },
        )
        assert answer.status_code == 200, answer.text
        survey = await web.get(f"{page}/spoergeskema")
        assert "1 af 4 har svaret" in survey.text and "Åse" not in survey.text
        closed = await web.post(f"{page}/spoergeskema", data={"action": "luk"})
        assert closed.status_code == 200
        await h.settle()
        status = await h.status(order_id)
        assert next(s.state for s in status.steps if s.name == Step.SURVEY) == "done"


async def test_the_premeeting_is_held_with_a_program_change_and_the_new_deck_downloaded(
    env, settings, sink, executor
):
    async with running(env, settings, sink, executor) as h, web_for(h) as web:
        order, order_id, page = await _placed_with_material(h)
        await h.client.orders.survey_import(
            order_id,
            SurveyImport(source="svar.csv", responses=factories.responses(h_template())),
        )
        status = await h.status(order_id)
        early = await web.post(
            f"{page}/formoede", data={"action": "planlaeg", "date": "2099-01-01", "time": "14:00"}
        )
        assert early.status_code == 422 and "PowerPointen er leveret" in early.text

        await h.sleep_until(_due(status, Step.ARTIFACTS))
        delivered = h.mails("artifacts_delivered")[0]
        assert link(delivered, "/k/").endswith("/formoede")
        when = (_due(status, Step.ARTIFACTS) + timedelta(days=2)).astimezone(order.call_at.tzinfo)
        scheduled = await web.post(
            f"{page}/formoede",
            data={"action": "planlaeg", "date": when.date().isoformat(), "time": "14:00"},
        )
        assert scheduled.status_code == 200, field_errors(scheduled)
        await h.settle()
        assert len(h.mails("premeeting_scheduled")) == 2
        await h.sleep_until(when.replace(hour=15))

        form = await web.get(f"{page}/formoede")
        assert "Registrér formødet" in form.text
        items = {"item0": "5", "item1": "15", "item2": "15", "item3": "25", "item4": "20"}
        items |= {"item5": "25", "item6": "15", "item7": "15"}
        change = {"shown": "standard", "variant": "standard", "topics": "Fast telefontid", **items}
        preview = await web.post(f"{page}/formoede", data={**change, "action": "vis"})
        assert preview.status_code == 200 and "Det nye program" in preview.text
        start = order.meeting.start
        assert f"{start:%H}.{start:%M}" in preview.text or f"{start:%H:%M}" in preview.text
        held = await web.post(f"{page}/formoede", data={**change, "action": "registrer"})
        assert held.status_code == 200, field_errors(held)
        await h.settle()

        overview = await web.get(page)
        assert "klyngemoede-v2.pptx" in overview.text
        deck = await web.get(f"{page}/dokumenter/klyngemoede-v2.pptx")
        assert deck.status_code == 200
        assert deck.headers["content-disposition"] == 'attachment; filename="klyngemoede-v2.pptx"'
        titles = [
            s.shapes.title.text
            for s in Presentation(__import__("io").BytesIO(deck.content)).slides
            if s.shapes.title is not None
        ]
        assert titles
        # The job centre's provider numbers are never a download on this page.
        assert (await web.get(f"{page}/dokumenter/datatraek.json")).status_code == 404


def h_template():
    from catalog import Catalog

    return Catalog().package("attester-i-almen-praksis").survey


async def test_an_agreement_is_marked_done_from_its_owners_reminder(env, settings, sink, executor):
    async with running(env, settings, sink, executor) as h, web_for(h) as web:
        order, order_id, page = await _placed_with_material(h)
        await h.client.orders.survey_import(
            order_id, SurveyImport(source="svar.csv", responses=factories.responses(h_template()))
        )
        await h.sleep_until(order.meeting.start)
        day = order.meeting.start.date()
        minutes = Minutes(
            minute_taker="Åse Øberg",
            participants=9,
            agreements=[
                # The job centre written as the order knows it, not as "Jobcenteret".
                Agreement(
                    text="Fast telefontid", owner="Jobcenter Aalborg", due=day + timedelta(20)
                ),
                Agreement(text="Ny arbejdsgang", owner="Klyngen", due=day + timedelta(days=40)),
            ],
            follow_up=FollowUpChoices(),
        )
        await h.client.orders.meeting_record(order_id, MeetingRecord(minutes=minutes))
        await h.sleep_until(order.meeting.start + timedelta(days=14))
        reminder = next(
            m for m in h.mails("agreement_reminder") if m["To"].addresses[0].username == "jc"
        )
        done_link = link(reminder, "/a/")
        # Following the link (as a mail scanner would) changes nothing.
        shown = await web.get(done_link)
        assert shown.status_code == 200 and "Fast telefontid" in shown.text
        assert [a.state for a in (await h.status(order_id)).agreements] == ["open", "open"]
        marked = await web.post(done_link)
        assert marked.status_code == 200 and "markeret som udført" in marked.text
        assert (await web.get(done_link)).status_code == 410
        status = await h.status(order_id)
        assert [a.state for a in status.agreements] == ["done", "open"]
        assert [e for e in status.events if e.type == "AgreementDone"]
        agreements = await web.get(f"{page}/aftaler")
        assert "Udført" in agreements.text and "Markér som udført" in agreements.text


async def test_other_links_cross_site_posts_and_a_cancelled_order(env, settings, sink, executor):
    async with running(env, settings, sink, executor) as h, web_for(h) as web:
        _, order_id, page = await _placed_with_material(h)
        token = page.removeprefix("/k/")
        signer = LinkSigner(bootstrap.link_secret(h.settings))
        # Another order's page, a minutes token used as a page link, a forged one: one 404.
        for other in (
            signer.coordinator_link("", "some-other-order"),
            f"/k/{signer.sign(order_id, 0, 'meeting-minutes')}",
            f"/k/{token[:-3]}abc",
        ):
            answer = await web.get(other)
            assert answer.status_code == 404 and "Linket virker ikke" in answer.text
        # A form posted from another site changes nothing.
        forged = await web.post(
            f"{page}/annuller",
            data={"reason": "Aflyst", "confirm": "ja"},
            headers={"sec-fetch-site": "cross-site", "origin": "https://evil.example"},
        )
        assert forged.status_code == 403
        # An older browser sends no Fetch Metadata, only its Origin.
        async with httpx.AsyncClient(transport=web._transport, base_url=BASE) as old_browser:
            foreign = await old_browser.post(
                f"{page}/annuller",
                data={"reason": "Aflyst", "confirm": "ja"},
                headers={"origin": "https://evil.example"},
            )
        assert foreign.status_code == 403
        assert (await h.status(order_id)).status == "active"

        # Moving too close is refused with the order's reason; cancelling asks first.
        soon = (await h.now() + timedelta(days=5)).date().isoformat()
        moved = await web.post(f"{page}/flyt", data={"date": soon, "time": "16:00"})
        assert moved.status_code == 422 and "2 uger" in moved.text
        asked = await web.post(f"{page}/annuller", data={"reason": "Mødet er aflyst"})
        assert asked.status_code == 200 and "Er du sikker?" in asked.text
        assert (await h.status(order_id)).status == "active"
        done = await web.post(
            f"{page}/annuller", data={"reason": "Mødet er aflyst", "confirm": "ja"}
        )
        assert done.status_code == 200 and "annulleret" in done.text
        await h.settle()
        gone = await web.post(f"{page}/medlemmer", data={"remove": "jens@example.dk"})
        assert gone.status_code == 410 and "bestillingsformularen" in gone.text


async def test_the_coordinator_opts_the_cluster_out_of_the_national_figures(
    env, settings, sink, executor
):
    store = bootstrap.benchmark_store(settings)
    async with running(env, settings, sink, executor) as h, web_for(h) as web:
        _, order_id, page = await _placed_with_material(h)
        shown = await web.get(page)
        assert "Vores tal må ikke indgå i landstal" in shown.text
        await h.client.orders.survey_import(
            order_id, SurveyImport(source="svar.csv", responses=factories.responses(h_template()))
        )
        await h.settle()
        assert store.of_order(order_id)
        answered = await web.post(f"{page}/landstal", data={"landstal": "fravalgt"})
        assert answered.status_code == 200
        assert "indgår ikke i landstallene" in answered.text
        assert "Vores tal må gerne indgå i landstal" in answered.text
        assert store.of_order(order_id) == []
        # A second press of the same button changes nothing and says so.
        again = await web.post(f"{page}/landstal", data={"landstal": "fravalgt"})
        assert "Uændret" in again.text
        # A made-up value is an unknown link, and a cross-site post is refused.
        assert (await web.post(f"{page}/landstal", data={"landstal": "x"})).status_code == 404
        cross = await web.post(
            f"{page}/landstal",
            data={"landstal": "tilvalgt"},
            headers={"sec-fetch-site": "cross-site", "origin": "https://ond.example"},
        )
        assert cross.status_code == 403
        assert (await h.status(order_id)).benchmark_opted_out
        back = await web.post(f"{page}/landstal", data={"landstal": "tilvalgt"})
        assert "indgår i landstallene" in back.text
        assert [r.survey.respondents for r in store.of_order(order_id) if r.survey] == [3]

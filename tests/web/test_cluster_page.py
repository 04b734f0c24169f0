"""The coordinator's cluster page, reached from the link in the cluster's mails: the year's
duties marked done once due, a payout recorded and reported, the assembly's date, a new member
list; bad input named beside its field with nothing lost, and an unknown link refused."""

from __future__ import annotations

import html
import re
import uuid
from datetime import datetime

from klyngepakke import bootstrap
from schemas.cluster.input import ClusterInput
from schemas.shared.copenhagen import COPENHAGEN
from tests import factories
from tests.web.people import field_errors, link, order_form_values, web_for
from tests.workflows.harness import running

MEMBERS = (
    "navn;email;ydernummer\nMette Holm;mette@example.dk;012345\nJens Berg;jens@example.dk;067890\n"
)


async def _cluster(h, planned_start: datetime, name: str | None = None) -> str:
    clusters = bootstrap.klyngepakke_client(h.settings, h.env.client, h.env.get_current_time)
    order = factories.make_order(await h.now())
    cluster = order.cluster.model_copy(update={"name": name}) if name else order.cluster
    inp = ClusterInput(
        cluster=cluster,
        coordinator=order.coordinator,
        members=order.members,
        accepted_at=planned_start,
    )
    cluster_id = await clusters.clusters.start(inp)
    h.started.append(cluster_id)
    await h.settle()
    return cluster_id


async def test_the_coordinator_keeps_the_clusters_year_on_its_page(env, settings, sink, executor):
    async with running(env, settings, sink, executor) as h, web_for(h) as web:
        await _cluster(h, datetime(2027, 12, 10, 10, 0, tzinfo=COPENHAGEN))
        (started,) = h.mails("cluster_started")
        page_url = link(started, "/kl/")
        page = await web.get(page_url)
        assert page.status_code == 200
        assert "Klynge Aalborg Øst" in page.text and "Venter på dig" in page.text
        assert "Listen er i orden" in page.text  # the member list for 1 January is due
        assert "Kan markeres fra" in page.text  # the grant only from February

        done = await web.post(
            page_url,
            data={"action": "bekraeft", "duty": "member_list", "year": "2028", "received": "ja"},
        )
        assert done.status_code == 200 and "markeret som gjort" in done.text
        again = await web.post(
            page_url,
            data={"action": "bekraeft", "duty": "member_list", "year": "2028", "received": "ja"},
        )
        assert again.status_code == 422 and "allerede markeret" in again.text

        future = await web.post(
            page_url,
            data={"action": "udbetaling", "paid_on": "2027-12-24", "purpose": "Honorar"},
        )
        assert future.status_code == 422
        assert "f-paid-on" in field_errors(future)
        assert "fremtiden" in field_errors(future)["f-paid-on"]
        assert 'value="Honorar"' in future.text, "what was typed is kept"
        bad_date = await web.post(
            page_url, data={"action": "udbetaling", "paid_on": "31-12", "purpose": "Honorar"}
        )
        assert "åååå-mm-dd" in field_errors(bad_date)["f-paid-on"]

        recorded = await web.post(
            page_url,
            data={
                "action": "udbetaling",
                "paid_on": "2027-12-09",
                "purpose": "Honorar til kasserer",
            },
        )
        assert recorded.status_code == 200 and "Udbetaling nr. 1 er registreret" in recorded.text
        assert "Ikke indberettet" in recorded.text and "10. jan. 2028" in recorded.text
        reported = await web.post(page_url, data={"action": "indberettet", "payout": "1"})
        assert "markeret som indberettet" in reported.text and "Indberettet" in reported.text

        assembly = await web.post(
            page_url, data={"action": "generalforsamling", "on": "2028-03-15"}
        )
        assert assembly.status_code == 200 and "15. mar. 2028" in assembly.text

        bad_list = MEMBERS + "Søren Ærø;soren@example.dk;1234\n"
        refused = await web.post(
            page_url,
            data={"action": "medlemsliste"},
            files={"fil": ("medlemmer.csv", bad_list.encode("utf-8"), "text/csv")},
        )
        assert refused.status_code == 422
        assert "række 4" in field_errors(refused)["f-fil"] and "6 cifre" in refused.text
        assert "version 1 af listen" in refused.text, "the list as it was"
        replaced = await web.post(
            page_url,
            data={"action": "medlemsliste"},
            files={"fil": ("medlemmer.csv", MEMBERS.encode("utf-8"), "text/csv")},
        )
        assert replaced.status_code == 200 and "version 2" in replaced.text
        assert "2 medlemmer" in replaced.text

        assert (await web.get("/kl/ikke-et-link")).status_code == 404
        cross = await web.post(
            page_url, data={"action": "indberettet", "payout": "1"},
            headers={"sec-fetch-site": "cross-site"},
        )  # fmt: skip
        assert cross.status_code == 403


async def test_the_reminders_carry_the_link_to_the_page(env, settings, sink, executor):
    async with running(env, settings, sink, executor) as h:
        await _cluster(h, datetime(2027, 3, 1, 10, 0, tzinfo=COPENHAGEN))
        # No meeting planned: a nudge at once; and February's last grant check, a week old.
        subjects = sorted(str(m["Subject"]) for m in h.mails("cluster_reminder"))
        assert len(subjects) == 2
        assert "næste møde" in subjects[0] and "driftstilskud" in subjects[1]
        for reminder in h.mails("cluster_reminder"):
            assert link(reminder, "/kl/")


async def test_an_order_placed_from_the_cluster_page_is_filled_in_and_links_back(
    env, settings, sink, executor
):
    async with running(env, settings, sink, executor) as h, web_for(h) as web:
        # A cluster and a form key of its own: the order's id is not another test's.
        name = f"Klynge Bestilling {uuid.uuid4().hex[:6]}"
        cluster_id = await _cluster(h, datetime(2027, 3, 1, 10, 0, tzinfo=COPENHAGEN), name)
        (started,) = h.mails("cluster_started")
        page_url = link(started, "/kl/")
        page = await web.get(page_url)
        order_url = re.search(r'href="(/bestil\?klynge=[^"]+)"', page.text)
        assert order_url, "the cluster page offers to order a package"
        form = await web.get(html.unescape(order_url.group(1)))
        assert form.status_code == 200
        assert f'value="{name}"' in form.text and "mette@example.dk" in form.text
        assert "aase@example.dk" in form.text, "the members are filled in"
        token = re.search(r'name="klynge" value="([^"]+)"', form.text)
        assert token

        values = order_form_values(await h.now()) | {
            "klynge": html.unescape(token.group(1)),
            "cluster.name": name,
            "submission": uuid.uuid4().hex,
        }
        receipt = await web.post("/bestil", data=values)
        assert receipt.status_code == 200, receipt.text
        await h.settle()

        clusters = bootstrap.klyngepakke_client(h.settings, h.env.client, h.env.get_current_time)
        state = await clusters.clusters.state(cluster_id)
        ((order_id, meeting),) = state.orders.items()
        h.started.append(order_id)
        await h.settle()  # the order too, now that the test knows its id
        assert meeting in state.meetings
        listed = await web.get(page_url)
        assert "Klyngemøde" in listed.text and "/k/" in listed.text

        (confirmation,) = h.mails("order_confirmation")
        order_page = await web.get(link(confirmation, "/k/"))
        assert "klyngens side" in order_page.text and "/kl/" in order_page.text

        assert (await web.get("/bestil?klynge=forfalsket")).status_code == 404


async def test_a_change_of_coordinator_is_recorded_and_handed_over_on_the_page(
    env, settings, sink, executor
):
    async with running(env, settings, sink, executor) as h, web_for(h) as web:
        await _cluster(h, datetime(2027, 3, 1, 10, 0, tzinfo=COPENHAGEN))
        page_url = link(h.mails("cluster_started")[0], "/kl/")
        same = await web.post(
            page_url,
            data={"action": "koordinator", "new.name": "Mette", "new.email": "mette@example.dk"},
        )
        assert same.status_code == 422
        assert "allerede klyngens koordinator" in field_errors(same)["f-new-email"]
        bad = await web.post(
            page_url, data={"action": "koordinator", "new.name": "Ole", "new.email": "ole@"}
        )
        assert "f-new-email" in field_errors(bad) and 'value="Ole"' in bad.text

        changed = await web.post(
            page_url,
            data={"action": "koordinator", "new.name": "Ole Lund", "new.email": "ole@example.dk"},
        )
        assert changed.status_code == 200 and "Ole Lund er ny koordinator" in changed.text
        assert "Tegningsret til klyngens konto" in changed.text
        await h.settle()
        assert len(h.mails("handover")) == 2

        first = await web.post(page_url, data={"action": "overdragelse", "side": "outgoing"})
        assert "din del af overdragelsen er markeret" in first.text
        done = await web.post(page_url, data={"action": "overdragelse", "side": "incoming"})
        assert "Overdragelsen er færdig" in done.text
        assert "Koordinator nu: Ole Lund" in done.text


async def test_members_are_added_and_removed_row_by_row(env, settings, sink, executor):
    async with running(env, settings, sink, executor) as h, web_for(h) as web:
        await _cluster(h, datetime(2027, 3, 1, 10, 0, tzinfo=COPENHAGEN))
        page_url = link(h.mails("cluster_started")[0], "/kl/")
        row = {"action": "tilfoej", "name": "Karen Vig", "email": "karen@example.dk"}
        bad = await web.post(page_url, data=row | {"ydernummer": "12345"})
        assert bad.status_code == 422 and "6 cifre" in field_errors(bad)["f-member"]
        assert 'value="Karen Vig"' in bad.text and "version 1 af listen" in bad.text
        added = await web.post(page_url, data=row | {"ydernummer": "054321"})
        assert added.status_code == 200 and "4 medlemmer (version 2" in added.text
        twice = await web.post(page_url, data=row | {"ydernummer": "054321"})
        assert twice.status_code == 422 and "to gange" in twice.text
        removed = await web.post(page_url, data={"action": "fjern", "remove": "karen@example.dk"})
        assert "3 medlemmer (version 3" in removed.text and "karen@example.dk" not in removed.text
        unknown = await web.post(page_url, data={"action": "fjern", "remove": "x@example.dk"})
        assert unknown.status_code == 404

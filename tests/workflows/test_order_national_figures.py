"""An order shares its aggregates with the national figures and its deck shows the other
clusters beside its own: "for få klynger" while fewer than five others have answered, the
national and regional series once enough have; the coordinator's opt-out removes what was
written and keeps it out; a cancelled order's figures go."""

from __future__ import annotations

import uuid
from datetime import timedelta

from catalog import Catalog
from klyngepakke import bootstrap
from schemas.benchmark.figures import cluster_key
from schemas.order.commands import BenchmarkConsent, Cancel, ConsultationDone, SurveyImport
from schemas.order.request import ContactBy
from schemas.order.steps import Step
from schemas.shared.region import Region
from tests import factories
from tests.benchmark_rows import cluster_row
from tests.document_text import document_text
from tests.eventually import eventually
from tests.workflows.harness import running, save_history

PACKAGE = Catalog().package("attester-i-almen-praksis")


async def _answered(h, store, prefix: str):
    """An order past its consultation whose members' answers are in (an import), and its
    figures in the store."""
    order = factories.make_order(await h.now())
    order_id = await h.start(order, order_id=f"{prefix}-{uuid.uuid4()}")
    await h.client.orders.consultation_done(order_id, ConsultationDone(contact_by=ContactBy.KIAP))
    await h.sleep(timedelta(hours=1))
    await h.client.orders.survey_import(
        order_id, SurveyImport(source="svar.csv", responses=factories.responses(PACKAGE.survey))
    )

    async def shared() -> bool:
        return bool(store.of_order(order_id))

    await eventually("the order's figures in the store", shared)
    return order, order_id


def _deck_text(settings, status, version: int) -> str:
    (deck,) = [a for a in status.artifacts if a.kind == "deck" and a.version == version]
    return document_text(bootstrap.artifact_store(settings).read(deck))


async def test_the_deck_compares_with_the_others_once_enough_have_answered(
    env, settings, sink, executor
):
    store = bootstrap.benchmark_store(settings)
    region = Region.NORDJYLLAND  # the factory's cluster's
    async with running(env, settings, sink, executor) as h:
        # Three earlier clusters, all in the region, met before this order's meeting (on the
        # test server's clock, which other tests have moved on).
        day = factories.make_order(await h.now()).meeting.start.date() - timedelta(days=60)
        for n in range(3):
            store.put(cluster_row(PACKAGE, n, region, day))
        order, order_id = await _answered(h, store, "landstal")
        own = cluster_key(order.cluster.name, order.cluster.region)
        (row,) = store.of_order(order_id)
        assert row.key.cluster == own and row.key.region == region
        assert row.survey is not None and row.survey.respondents == 3
        # Aggregates only: no name, address or free text of the order's.
        stored = row.model_dump_json()
        assert order.cluster.name not in stored and "@" not in stored
        assert "Fast kontaktperson" not in stored

        status = await h.status(order_id)
        await h.sleep_until(next(s.due for s in status.steps if s.name == Step.ARTIFACTS))
        status = await h.status(order_id)
        first = _deck_text(settings, status, 1)
        assert "Alle klynger: For få klynger til at vise et landstal endnu (3 af 5)" in first
        assert (
            "Region Nordjylland: For få klynger til at vise et regionstal endnu (3 af 5)" in first
        )

        # Seven more clusters answer (two more in the region, five elsewhere); the job
        # centre's extract then makes a new version of the documents, read with them.
        for n in range(3, 5):
            store.put(cluster_row(PACKAGE, n, region, day))
        for n in range(5, 10):
            store.put(cluster_row(PACKAGE, n, Region.SYDDANMARK, day))
        # The coordinator opts out: what was written goes, and the new render writes nothing.
        accepted = await h.client.orders.benchmark_consent(
            order_id, BenchmarkConsent(opted_out=True)
        )
        assert "indgår ikke i landstallene" in accepted.message
        assert store.of_order(order_id) == []
        await h.submit_extract(order_id, factories.extract_csv(), "udtraek.csv", "jobcenter")

        async def second_version() -> bool:
            return any(
                a.kind == "deck" and a.version == 2 for a in (await h.status(order_id)).artifacts
            )

        await h.sleep(timedelta(minutes=15))  # past the pause that gathers uploads
        await eventually("the deck's second version", second_version)
        status = await h.status(order_id)
        assert status.benchmark_opted_out
        second = _deck_text(settings, status, 2)
        assert "Alle klynger: 10 klynger, 60 svar" in second
        assert "Region Nordjylland: 5 klynger, 30 svar" in second
        assert "De andre klynger: 67\xa0% svarede (10 klynger)." in second
        assert store.of_order(order_id) == []
        assert [r.key.order_id for r in store.of_package(PACKAGE.id) if r.key.cluster == own] == []
        await h.client.orders.cancel(order_id, Cancel(reason="Testen er slut"))
        await h.settle()
        await save_history(env, order_id, "order_national_figures")


async def test_a_cancelled_order_s_figures_count_nowhere(env, settings, sink, executor):
    store = bootstrap.benchmark_store(settings)
    async with running(env, settings, sink, executor) as h:
        _, order_id = await _answered(h, store, "landstal-annulleret")
        await h.client.orders.cancel(order_id, Cancel(reason="Klyngen har aflyst mødet"))

        async def withdrawn() -> bool:
            return not store.of_order(order_id)

        await eventually("the cancelled order's figures gone", withdrawn)
        await h.settle()
        assert (await h.status(order_id)).status == "cancelled"

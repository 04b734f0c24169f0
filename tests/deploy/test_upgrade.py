"""A deploy, on the dev server: an order started on the release before packages described their
own process (the code of OLD_RELEASE as it shipped, unpacked beside this one) gets past its
material mail; then its workers are stopped and this code's workers take over, as a deploy replaces
them. The order finishes on the new code – replaying the old code's history, rendering with a
package recorded before packages carried their words – and its history replays here.

The new workflows are deployed in place (no Worker Versioning): the commands an order of the
certificates package issues did not change, so old histories replay (tests/histories/ and this
test); where a command changes, `workflow.patched` keeps old orders on the old path."""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from temporalio.worker import Replayer

from bench.stack import Worker, bench_settings, environment, running_stack
from klyngepakke import bootstrap
from klyngepakke.dev.smtp_sink import SmtpSink
from schemas.order.commands import MeetingRecord, SurveyImport
from schemas.order.minutes import Agreement, FollowUpChoices, Minutes
from schemas.order.status import OrderStatus
from tests import factories
from tests.eventually import eventually
from worker import WORKFLOWS
from workflows.sandbox import workflow_runner

pytestmark = pytest.mark.slow

# The last release before packages described their process: its code as it shipped
# (`git archive db67aac workflows activities renderers schemas klyngepakke web storage catalog
# worker.py`), so the test needs no git history (CI may clone shallow).
OLD_RELEASE = Path(__file__).resolve().parent / "releases" / "db67aac.tar.gz"
SECONDS_PER_DAY = 1.0


def old_checkout(where: Path) -> Path:
    """The old release's code, as its own folder."""
    where.mkdir(parents=True)
    with tarfile.open(OLD_RELEASE) as archive:
        archive.extractall(where, filter="data")
    return where


def old_env(settings, code: Path) -> dict[str, str]:
    env = environment(settings)
    env.pop("KLYNGEPAKKE_CATALOG_DIR", None)  # the old code reads its own catalog
    return {**env, "PYTHONPATH": str(code)}


def old_cli(code: Path, env: dict[str, str], *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "klyngepakke.cli", *args, "--json"],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


async def test_an_order_started_on_the_old_release_finishes_on_the_new(tmp_path):
    code = old_checkout(tmp_path / "old-release")
    settings = bench_settings(tmp_path / "var")
    async with running_stack(settings, render_workers=0) as stack:
        env = old_env(settings, code)
        python = [sys.executable, "-m", "klyngepakke.cli"]
        old = [
            Worker(settings, env, "old-worker", [*python, "worker"], cwd=code),
            Worker(settings, env, "old-render", [*python, "render-worker"], cwd=code),
        ]
        for worker in old:
            worker.start()
        for worker in old:
            await worker.ready()

        # The coordinator's order and KiAP's consultation, on the old code.
        now = datetime.now(UTC)
        data = factories.order_data(now, weeks=8.5)
        order_file = tmp_path / "order.yaml"
        order_file.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
        started = old_cli(
            code,
            env,
            "order",
            "start",
            str(order_file),
            "--seconds-per-day",
            str(SECONDS_PER_DAY),
        )
        order_id = started["id"]
        old_cli(code, env, "consultation", "done", order_id, "--contact-by", "kiap")
        orders = bootstrap.klyngepakke_client(settings, stack.client)

        async def material_sent() -> bool:
            status = await orders.orders.status(order_id)
            return any(e.type == "MaterialSent" for e in status.events)

        await eventually("the material mail, sent by the old code", material_sent)

        # The deploy: the old workers stop, this code's take over.
        for worker in old:
            worker.stop()
        new = [
            Worker(settings, environment(settings), "new-worker"),
            Worker(
                settings,
                environment(settings),
                "new-render",
                [str(Path(sys.executable).with_name("klyngepakke")), "render-worker"],
            ),
        ]
        for worker in new:
            worker.start()
        try:
            for worker in new:
                await worker.ready()
            template = bootstrap.catalog(settings).package(data["package"]).survey
            await orders.orders.survey_import(
                order_id,
                SurveyImport(source="svar.csv", responses=factories.responses(template)),
            )
            status = await orders.orders.status(order_id)
            meeting = status.meeting
            assert meeting is not None

            async def meeting_begun() -> bool:
                status = await orders.orders.status(order_id)
                return status.clock.planned(datetime.now(UTC)) > meeting

            await eventually("the meeting's start on the order clock", meeting_begun)
            minutes = Minutes(
                minute_taker="Åse Øberg",
                participants=12,
                agreements=[
                    Agreement(
                        text="Fast telefontid",
                        owner="Klyngen",
                        due=meeting.date() + timedelta(days=8),
                    )
                ],
                follow_up=FollowUpChoices(),
            )
            await orders.orders.meeting_record(order_id, MeetingRecord(minutes=minutes))

            async def completed() -> bool:
                return (await orders.orders.status(order_id)).status == "completed"

            await eventually("the order's completion on the new code", completed, timeout=300)
            final: OrderStatus = await orders.orders.status(order_id)
            history = await stack.client.get_workflow_handle(order_id).fetch_history()
        finally:
            for worker in new:
                worker.stop()

    assert final.status == "completed"
    kinds = {a.kind for a in final.artifacts}
    # The guide before the deploy (under the old release's name for it); the meeting's
    # documents after it, by the new render worker.
    assert {"jobcenter_guide", "deck", "handouts", "practice_sheet", "meeting_summary"} <= kinds
    sent = SmtpSink(settings.mail_dir).messages()
    ids = [m["Message-ID"] for m in sent]
    assert len(ids) == len(set(ids)), "a mail went twice across the deploy"
    assert {"material", "artifacts_delivered", "follow_up_summary"} <= {
        m["X-Klyngepakke-Mail"] for m in sent
    }
    # The whole history, old commands and new, replays on this code.
    await Replayer(
        workflows=WORKFLOWS,
        workflow_runner=workflow_runner(),
        data_converter=stack.client.data_converter,
    ).replay_workflow(history)

"""Answer latency: survey answers submitted over HTTP to the form (token check, the round's
form by query, validation, the Update, the page) against bare Temporal Updates to the same
round, on the dev server with one worker, interleaved so both see the same load.

    .venv/bin/python -m bench.latency [--answers 300] [--record]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bench.results import record, table
from bench.stack import Worker, bench_settings, environment, running_stack
from catalog import Catalog
from klyngepakke import bootstrap
from klyngepakke.bootstrap import web_server
from klyngepakke.config import PROJECT_ROOT
from klyngepakke.order_file import load_order
from schemas.order.timeline import plan
from schemas.shared.clock import OrderClock
from schemas.shared.copenhagen import COPENHAGEN
from schemas.shared.links import LinkSigner
from schemas.survey.answers import SurveyResponse
from schemas.survey_round.round import AnswerSubmission, RoundInput, RoundPlan
from workflows.survey_round import SurveyRound

FORM = {
    "q_kendskab": "I høj grad",
    "q_samarbejde": "Godt",
    "q_fungerer_godt": "Fast kontaktperson",
    "q_udfordringer": ["Korte svarfrister"],
}
RESPONSE = SurveyResponse(
    answers={
        "kendskab": "I høj grad",
        "samarbejde": "Godt",
        "fungerer_godt": "Fast kontaktperson",
        "udfordringer": ["Korte svarfrister"],
    }
)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def measure(answers: int, var: Path) -> tuple[list[float], list[float]]:
    settings = bench_settings(var, task_queue="latency")
    bootstrap.payload_keys(settings)
    async with running_stack(settings, web_server(settings)) as stack:
        client = stack.client
        worker = Worker(settings, environment(settings))
        try:
            worker.start()
            now = datetime.now(UTC)
            order = load_order(PROJECT_ROOT / "examples" / "order.yaml")
            # Enough members that every answer is a first answer (the round closes once all have
            # answered), as when a large cluster answers in the same hour.
            members = [
                order.members[0].model_copy(
                    update={"name": f"Læge {n}", "email": f"laege{n}@example.dk"}
                )
                for n in range(answers + 10)
            ]
            order = order.model_copy(
                update={
                    "members": members,
                    "meeting": order.meeting.model_copy(update={"start": now + timedelta(weeks=9)}),
                    "call_at": (now + timedelta(days=1)).astimezone(COPENHAGEN),
                }
            )
            round_id = f"latency-{now:%H%M%S}--spoergeskema-1"
            handle = await client.start_workflow(
                SurveyRound.run,
                RoundInput(
                    order_id=round_id.split("--")[0],
                    round_number=1,
                    order=order,
                    timeline=plan(order, now),
                    template=Catalog().package(order.package).survey,
                    plan=RoundPlan(
                        dispatch_at=now, reminders=[], close_at=now + timedelta(days=30)
                    ),
                    clock=OrderClock(real_origin=now, planned_origin=now),
                ),
                id=round_id,
                task_queue=settings.task_queue,
            )
            for _ in range(120):  # the invitations go out first; then the round takes answers
                if (await handle.query(SurveyRound.form, 0)).dispatched:
                    break
                await asyncio.sleep(0.5)
            signer = LinkSigner(bootstrap.link_secret(settings))
            form_ms: list[float] = []
            bare_ms: list[float] = []
            async with httpx.AsyncClient(base_url=settings.public_base_url, timeout=30) as http:
                # Warm both paths (first query replays the round, first request imports the page).
                for member in range(answers, answers + 5):
                    await http.post(f"/s/{signer.sign(round_id, member)}", data=FORM)
                    await handle.execute_update(
                        "submit_answer", AnswerSubmission(member=member, response=RESPONSE)
                    )
                for member in range(answers):
                    began = time.perf_counter()
                    answered = await http.post(f"/s/{signer.sign(round_id, member)}", data=FORM)
                    form_ms.append((time.perf_counter() - began) * 1000)
                    assert answered.status_code == 200, answered.text[:300]
                    began = time.perf_counter()
                    await handle.execute_update(
                        "submit_answer", AnswerSubmission(member=member, response=RESPONSE)
                    )
                    bare_ms.append((time.perf_counter() - began) * 1000)
            await handle.terminate("benchmark over")
            return form_ms, bare_ms
        finally:
            worker.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=300)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="latency-") as folder:
        form, bare = asyncio.run(measure(args.answers, Path(folder) / "var"))
    rows = []
    for name, values in (("HTTP form (POST /s/<token>)", form), ("bare Temporal Update", bare)):
        rows.append(
            (
                name,
                f"{statistics.median(values):.1f} ms",
                f"{percentile(values, 0.99):.1f} ms",
            )
        )
    rows.append(
        (
            "form ÷ bare (goal ≤ 1.5)",
            f"{statistics.median(form) / statistics.median(bare):.2f}",
            f"{percentile(form, 0.99) / percentile(bare, 0.99):.2f}",
        )
    )
    text = table([f"answer latency, {args.answers} answers each", "p50", "p99"], rows)
    print(text)
    if args.record:
        record(
            "answer latency", f".venv/bin/python -m bench.latency --answers {args.answers}", text
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

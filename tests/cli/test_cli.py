"""The `klyngepakke` command as a coordinator or consultant runs it: against Temporal's real
dev server (slow), and its input checks without any server."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from temporalio.testing import WorkflowEnvironment

from klyngepakke import bootstrap
from klyngepakke.config import Settings
from schemas.shared.copenhagen import COPENHAGEN
from tests import factories
from tests.conftest import TEST_PAYLOAD_KEYS
from tests.eventually import eventually

CLI = str(Path(sys.executable).with_name("klyngepakke"))
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


async def klyngepakke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        CLI,
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    return process.returncode or 0, out.decode(), err.decode()


async def step_is(env: WorkflowEnvironment, order_id: str, step: str, state: str) -> bool:
    status = await env.client.get_workflow_handle(order_id).query("status")
    return any(s["name"] == step and s["state"] == state for s in status["steps"])


async def has_tasks(env: WorkflowEnvironment, course_id: str) -> bool:
    status = await env.client.get_workflow_handle(course_id).query("status")
    return bool(status["tasks"])


async def test_an_invalid_order_file_exits_2_and_names_the_field(tmp_path):
    bad = tmp_path / "ordre.yaml"
    bad.write_text(
        yaml.safe_dump(
            {
                **factories.order_data(factories.fixed_now()),
                "members": [{"name": "A", "email": "a@x", "ydernummer": "1"}],
            }
        )
    )
    code, out, _ = await klyngepakke("order", "start", str(bad), "--json")
    assert code == 2
    assert json.loads(out)["field"].startswith("members[0]")


@pytest.fixture()
async def dev_server(
    dev_env: WorkflowEnvironment, settings: Settings
) -> AsyncIterator[tuple[WorkflowEnvironment, dict[str, str]]]:
    """The shared dev server (tests/conftest.py), and the environment the CLI reads it from."""
    target = dev_env.client.service_client.config.target_host
    variables = {
        "KLYNGEPAKKE_TEMPORAL_ADDRESS": target,
        "KLYNGEPAKKE_VAR_DIR": str(settings.var_dir),
        "KLYNGEPAKKE_SMTP_PORT": str(settings.smtp_port),
        "KLYNGEPAKKE_TASK_QUEUE": settings.task_queue,
        "KLYNGEPAKKE_PAYLOAD_KEYS": TEST_PAYLOAD_KEYS,
    }
    yield dev_env, variables


@pytest.mark.slow
async def test_a_consultant_and_coordinator_work_an_order_from_the_shell(
    dev_server, settings, sink, tmp_path
):
    env, variables = dev_server
    settings = settings.model_copy(update={"task_queue": f"cli-{uuid.uuid4()}"})
    variables["KLYNGEPAKKE_TASK_QUEUE"] = settings.task_queue
    order_file = tmp_path / "ordre.yaml"
    order_file.write_text(
        yaml.safe_dump(factories.order_data(await env.get_current_time()), allow_unicode=True),
        encoding="utf-8",
    )
    order_id = f"cli-{uuid.uuid4().hex[:8]}"
    with ThreadPoolExecutor(max_workers=4) as executor:
        async with (
            bootstrap.workflow_worker(settings, env.client, executor),
            bootstrap.render_worker(settings, env.client, executor),
        ):
            code, out, err = await klyngepakke(
                "order", "start", str(order_file), "--id", order_id, "--json", env=variables
            )
            assert code == 0, err
            assert json.loads(out) == {"id": order_id}

            code, out, _ = await klyngepakke(
                "consultation",
                "done",
                order_id,
                "--contact-by",
                "kiap",
                "--notes",
                "Fokus på LÆ 265",
                env=variables,
            )
            assert code == 0 and "registreret" in out
            code, _, err = await klyngepakke(
                "consultation", "done", order_id, "--contact-by", "kiap", env=variables
            )
            assert code == 2 and "allerede registreret" in err

            # The import is taken once the material mail has gone and the survey is open.
            await eventually(
                "the survey step opening after the material mail",
                lambda: step_is(env, order_id, "survey", "active"),
            )
            code, out, err = await klyngepakke(
                "survey",
                "import",
                order_id,
                str(EXAMPLES / "spoergeskema-eksport.csv"),
                env=variables,
            )
            assert code == 0, err
            assert "5 besvarelser" in out

            broken = tmp_path / "udtraek-med-fejl.csv"
            broken.write_bytes(factories.extract_csv([("012345", "LÆ 265", "-1", "", "")]))
            code, _, err = await klyngepakke(
                "extract", "submit", order_id, str(broken), env=variables
            )
            assert code == 2 and "række 2, Modtagne attester: må ikke være negativ" in err
            extract = tmp_path / "udtraek.csv"
            extract.write_bytes(factories.extract_csv())
            code, out, err = await klyngepakke(
                "extract", "submit", order_id, str(extract), env=variables
            )
            assert code == 0, err
            assert "Datatrækket (version 1) er modtaget: 3 rækker" in out
            assert "067890" in out and "9,5" in out  # what was read, to the one who sent it

            code, out, _ = await klyngepakke("order", "status", order_id, "--json", env=variables)
            status = json.loads(out)
            assert {"id", "status", "late", "steps", "events", "artifacts"} <= status.keys()
            steps = {s["name"]: s["state"] for s in status["steps"]}
            assert steps["consultation"] == "done" and steps["survey"] == "done"
            assert steps["partner"] == "done"
            assert [(u["version"], u["uploaded_by"]) for u in status["extract"]] == [
                (1, "konsulent (CLI)")
            ]
            assert any(a["name"] == "drejebog-jobcenter.docx" for a in status["artifacts"])

            code, out, _ = await klyngepakke("order", "list", "--json", env=variables)
            assert order_id in [o["id"] for o in json.loads(out)]

            code, _, err = await klyngepakke("order", "status", "findes-ikke", env=variables)
            assert code == 2 and "Der findes ingen ordre" in err
            code, _, err = await klyngepakke("order", "repair", "findes-ikke", env=variables)
            assert code == 2 and "Der findes ingen ordre" in err
            code, out, _ = await klyngepakke("order", "repair", order_id, env=variables)
            assert code == 0 and "Intet at reparere" in out
            code, out, _ = await klyngepakke(
                "order", "cancel", order_id, "--reason", "Klyngen har aflyst", env=variables
            )
            assert code == 0 and "annulleret" in out
            result = await env.client.get_workflow_handle(order_id).result()
            assert result["status"] == "cancelled"


async def test_an_invalid_course_file_exits_2_and_names_the_field(tmp_path):
    bad = tmp_path / "kursus.yaml"
    bad.write_text(
        (EXAMPLES / "kursus.yaml").read_text(encoding="utf-8").replace("room:", "# room:"),
        encoding="utf-8",
    )
    (tmp_path / "deltagere.csv").write_bytes((EXAMPLES / "deltagere.csv").read_bytes())
    code, out, _ = await klyngepakke("course", "start", str(bad), "--json")
    assert code == 2
    assert "room" in json.loads(out)["error"]


@pytest.mark.slow
async def test_a_course_is_started_and_worked_from_the_shell(dev_server, settings, sink, tmp_path):
    env, variables = dev_server
    settings = settings.model_copy(update={"task_queue": f"course-{uuid.uuid4()}"})
    variables["KLYNGEPAKKE_TASK_QUEUE"] = settings.task_queue
    start = (await env.get_current_time()).astimezone(COPENHAGEN) + timedelta(weeks=6)
    course_file = tmp_path / "kursus.yaml"
    text = (EXAMPLES / "kursus.yaml").read_text(encoding="utf-8")
    course_file.write_text(
        text.replace("2027-03-10T13:00", start.strftime("%Y-%m-%dT13:00")), encoding="utf-8"
    )
    (tmp_path / "deltagere.csv").write_bytes((EXAMPLES / "deltagere.csv").read_bytes())
    course_id = f"kursus-{uuid.uuid4().hex[:8]}"
    with ThreadPoolExecutor(max_workers=4) as executor:
        async with (
            bootstrap.workflow_worker(settings, env.client, executor),
            bootstrap.render_worker(settings, env.client, executor),
        ):
            code, out, err = await klyngepakke(
                "course", "start", str(course_file), "--id", course_id, "--json", env=variables
            )
            assert code == 0, err
            assert json.loads(out) == {"id": course_id}
            # Until the course has read its checklist from the catalog.
            await eventually(
                "the course reading its checklist",
                lambda: has_tasks(env, course_id),
            )
            code, out, _ = await klyngepakke("course", "status", course_id, "--json", env=variables)
            status = json.loads(out)
            assert {"id", "status", "tasks"} <= status.keys() and status["status"] == "active"
            assert status["participants"] == 9
            code, out, _ = await klyngepakke(
                "course", "task", "done", course_id, "forberedelse", env=variables
            )
            assert code == 0 and "udført" in out
            code, _, err = await klyngepakke(
                "course", "task", "done", course_id, "kaffe", env=variables
            )
            assert code == 2 and "ukendt opgave" in err
            code, out, _ = await klyngepakke(
                "course", "note", course_id, "Prognosen er vigtigst", env=variables
            )
            assert code == 0 and "gemt" in out
            await env.client.get_workflow_handle(course_id).terminate("test finished")

"""`klyngepakke cluster …` as an operator runs it: its input checks without a server, and a
cluster started and worked on Temporal's dev server."""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
import yaml

from klyngepakke import bootstrap
from schemas.shared.copenhagen import COPENHAGEN
from tests.cli.test_cli import EXAMPLES, dev_server, klyngepakke  # noqa: F401 (fixture)

MEMBERS = (EXAMPLES / "medlemmer.csv").read_bytes()


def _cluster_file(tmp_path, name: str, members: bytes = MEMBERS):
    (tmp_path / "medlemmer.csv").write_bytes(members)
    data = yaml.safe_load((EXAMPLES / "klynge.yaml").read_text("utf-8"))
    data["cluster"]["name"] = name
    path = tmp_path / "klynge.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return path


async def test_a_member_list_with_one_address_twice_exits_2_and_names_the_row(tmp_path):
    first = MEMBERS.decode("cp1252").splitlines()[1]
    twice = MEMBERS + (first + "\r\n").encode("cp1252")
    code, out, _ = await klyngepakke(
        "cluster", "start", str(_cluster_file(tmp_path, "Klynge X", twice)), "--json"
    )
    assert code == 2
    answer = json.loads(out)
    assert answer["field"] == "members_file række 8, email"
    assert "samme e-mail som række 2" in answer["error"]


@pytest.mark.slow
async def test_an_operator_starts_a_cluster_and_records_its_year(
    dev_server,  # noqa: F811
    settings,
    sink,
    tmp_path,
):
    env, variables = dev_server
    settings = settings.model_copy(update={"task_queue": f"cluster-{uuid.uuid4()}"})
    variables["KLYNGEPAKKE_TASK_QUEUE"] = settings.task_queue
    path = _cluster_file(tmp_path, f"Klynge Test {uuid.uuid4().hex[:6]}")
    today = (await env.get_current_time()).astimezone(COPENHAGEN).date()
    with ThreadPoolExecutor(max_workers=4) as executor:
        async with bootstrap.workflow_worker(settings, env.client, executor):
            code, out, err = await klyngepakke(
                "cluster", "start", str(path), "--json", env=variables
            )
            assert code == 0, err
            cluster_id = json.loads(out)["id"]
            assert cluster_id.startswith("klynge-klynge-test-")

            code, _, err = await klyngepakke("cluster", "start", str(path), env=variables)
            assert code == 2 and "findes allerede" in err

            tomorrow = (today + timedelta(days=1)).isoformat()
            code, out, _ = await klyngepakke(
                "cluster", "payout", cluster_id, "--date", tomorrow, "--purpose", "Honorar",
                "--json", env=variables,
            )  # fmt: skip
            assert code == 2 and json.loads(out)["error"].startswith("paid_on")

            code, out, err = await klyngepakke(
                "cluster", "payout", cluster_id, "--date", today.isoformat(),
                "--purpose", "Honorar til kasserer", env=variables,
            )  # fmt: skip
            assert code == 0 and "Udbetaling nr. 1" in out, err

            (tmp_path / "ny-liste.csv").write_bytes(
                MEMBERS.decode("cp1252").rstrip().rsplit("\n", 1)[0].encode("cp1252") + b"\n"
            )
            code, out, err = await klyngepakke(
                "cluster", "members", cluster_id, str(tmp_path / "ny-liste.csv"), env=variables
            )
            assert code == 0 and "version 2" in out and "1 stoppet" in out, err

            code, out, err = await klyngepakke(
                "cluster", "status", cluster_id, "--json", env=variables
            )
            assert code == 0, err
            status = json.loads(out)
            assert status["member_list_version"] == 2
            assert [p["purpose"] for p in status["payouts"]] == ["Honorar til kasserer"]
            assert status["summary"]["members"] == len(status["members"])
            deadline = date.fromisoformat(status["summary"]["next_deadline"])
            assert deadline >= today

            code, _, err = await klyngepakke("cluster", "reported", cluster_id, "9", env=variables)
            assert code == 2 and "nr. 9" in err

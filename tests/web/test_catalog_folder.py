"""KiAP's own catalog folder (KLYNGEPAKKE_CATALOG_DIR): the order form, the workflows and the
mails all read the folder the setting names, not the catalog shipped with the code."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from klyngepakke import bootstrap
from klyngepakke.config import Settings
from schemas.order.commands import ConsultationDone
from schemas.order.request import ContactBy
from schemas.shared.errors import CatalogError
from tests.eventually import eventually
from tests.web.people import body, order_form_values, web_for
from tests.workflows.harness import running

SHIPPED = Path(__file__).resolve().parents[2] / "catalog"
TITLE = "Attester i almen praksis – og samarbejdet med det kommunale jobcenter"
OWN_TITLE = "Attester i almen praksis – KiAPs egen udgave"
OWN_LINE = "Denne tekst står kun i KiAPs egen katalogmappe."


def _kiaps_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "kiap-katalog"
    shutil.copytree(SHIPPED, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    package = folder / "attester-i-almen-praksis"
    yaml = package / "package.yaml"
    text = yaml.read_text("utf-8").replace(f'title: "{TITLE}"', f'title: "{OWN_TITLE}"', 1)
    yaml.write_text(text, "utf-8")
    material = package / "mails" / "material.j2"
    text = material.read_text("utf-8").replace("Tak for en god samtale.", OWN_LINE, 1)
    material.write_text(text, "utf-8")
    return folder


async def test_the_form_and_the_mails_come_from_the_folder_the_setting_names(
    env, settings, sink, executor, tmp_path
):
    own = settings.model_copy(update={"catalog_dir": _kiaps_folder(tmp_path)})
    async with running(env, own, sink, executor) as h, web_for(h) as web:
        form = await web.get("/bestil")
        assert OWN_TITLE in form.text and TITLE not in form.text

        sent = await web.post("/bestil", data=order_form_values(await h.now()))
        assert sent.status_code == 200, sent.text

        async def confirmed() -> bool:
            return bool(h.mails("order_confirmation"))

        await eventually("the order confirmation", confirmed)
        order_id = str(h.mails("order_confirmation")[0]["X-Klyngepakke-Order"]).strip()
        h.started.append(order_id)
        await h.client.orders.consultation_done(
            order_id, ConsultationDone(contact_by=ContactBy.KIAP)
        )
        await h.sleep(timedelta(hours=1))
        (material,) = h.mails("material")
        assert OWN_LINE in body(material)


def test_a_catalog_folder_that_does_not_exist_is_refused_in_danish(tmp_path):
    settings = Settings(catalog_dir=tmp_path / "ingen", _env_file=None)  # type: ignore[call-arg]
    with pytest.raises(CatalogError) as refused:
        bootstrap.catalog(settings)
    assert "KLYNGEPAKKE_CATALOG_DIR" in str(refused.value) and "findes ikke" in str(refused.value)

"""/konsulent/landstal: per package and fixed period the national and regional shares with
the answers and clusters behind them, from the benchmark store; the same figures as CSV and
XLSX; a figure with fewer than five clusters behind it is shown nowhere, an opted-out
cluster's answers appear nowhere; no login, no page."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import httpx
import openpyxl

from catalog import Catalog
from schemas.benchmark.figures import BenchmarkKey
from schemas.shared.links import LinkSigner
from schemas.shared.region import Region
from storage.stores import benchmark_store
from tests.benchmark_rows import cluster_row
from tests.web.fakes import fake_backend
from tests.web.oidc import Provider, log_in
from tests.web.people import BASE, SAME_ORIGIN
from tests.web.test_staff_packages import _checked
from web.app import create_app
from web.config import WebConfig

PACKAGE = Catalog().package("attester-i-almen-praksis")
DAY = date(2026, 10, 1)


def _web(provider: Provider, tmp_path: Path) -> tuple[httpx.AsyncClient, object]:
    store = benchmark_store(tmp_path, None)
    signer = LinkSigner(b"x" * 32)
    config = WebConfig(signer=signer, catalog=Catalog(), staff=provider.config(), benchmarks=store)
    app = create_app(fake_backend(), signer, config=config)
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE, headers=SAME_ORIGIN, timeout=60
    )
    return client, store


async def test_the_page_and_its_exports_show_only_figures_five_clusters_stand_behind(
    provider: Provider, tmp_path: Path
):
    web, store = _web(provider, tmp_path)
    # Six clusters in Hovedstaden, three in Sjælland; one more in Hovedstaden opted out.
    for n in range(6):
        store.put(cluster_row(PACKAGE, n, Region.HOVEDSTADEN, DAY, median_days=10.0 + n))
    for n in range(6, 9):
        store.put(cluster_row(PACKAGE, n, Region.SJAELLAND, DAY))
    out = cluster_row(PACKAGE, 20, Region.HOVEDSTADEN, DAY, respondents=8)
    store.put(out)
    store.opt_out(BenchmarkKey.model_validate(out.key.model_dump()))
    async with web:
        assert (await web.get("/konsulent/landstal")).status_code == 303  # the login first
        page = await log_in(web, "konsulent-1", "/konsulent/landstal")
        assert page.status_code == 200
        text = page.text
        assert "<h2>2026: 9 klynger</h2>" in text
        half = await web.get("/konsulent/landstal?pakke=attester-i-almen-praksis&periode=2026-H2")
        assert "<h2>2. halvår 2026: 9 klynger</h2>" in half.text
        # The country: 9 clusters; Hovedstaden alone would leave Sjælland's 3 to subtract.
        assert "54 (9)" in text  # the country's answers (clusters)
        assert "36 (6)" not in text
        assert "For få klynger til at vise et regionstal endnu (3 af 5)" in text
        assert "<svg" in text and 'aria-label="Hele landet' in text
        unknown = await web.get("/konsulent/landstal?pakke=findes-ikke")
        assert unknown.status_code == 404

        exported = await web.get(f"/konsulent/landstal/{PACKAGE.id}.csv")
        assert exported.headers["content-type"].startswith("text/csv")
        rows = list(
            csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";")
        )
        national = [
            r
            for r in rows
            if r["Område"] == "Hele landet" and not r["Spørgsmål / mål"].startswith("Svartid")
        ]
        assert national and {r["Klynger"] for r in national} == {"9"}
        # Six clusters gave an answer time: the country's weighted median, with them behind it.
        (times,) = [
            r
            for r in rows
            if r["Område"] == "Hele landet"
            and r["Periode"] == "2026"
            and r["Spørgsmål / mål"].startswith("Svartid")
        ]
        assert times["Klynger"] == "6" and times["Andel / værdi"] == "12,0"
        # No shown figure anywhere rests on fewer than five clusters, and the opted-out
        # cluster's eight answers are in no count.
        assert all(int(r["Klynger"]) >= 5 for r in rows if r["Klynger"])
        assert not any(r["Svar / vægt"] == "62" for r in rows)  # 54 + its 8
        # Hovedstaden's answers are withheld (the country minus them is Sjælland's three); its
        # answer times are not: only its clusters gave any, so the country's are the same six.
        hovedstaden = [r for r in rows if r["Område"] == "Region Hovedstaden"]
        answers = [r for r in hovedstaden if not r["Spørgsmål / mål"].startswith("Svartid")]
        assert answers and all(r["Andel / værdi"] == "" for r in answers)
        assert all(r["Klynger"] == "6" for r in hovedstaden if r not in answers)

        workbook = await web.get(f"/konsulent/landstal/{PACKAGE.id}.xlsx")
        sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).active
        header = [c.value for c in sheet[1]]
        assert header[:3] == ["Periode", "Område", "Spørgsmål / mål"]
        clusters = [
            r[header.index("Klynger")] for r in sheet.iter_rows(min_row=2, values_only=True)
        ]
        assert 9 in clusters and all(c is None or c >= 5 for c in clusters)
        empty, _ = _web(provider, tmp_path / "tom")
        async with empty:
            await log_in(empty, "konsulent-1", "/konsulent/landstal")
            nothing = await empty.get("/konsulent/landstal")
            assert "Ingen klynger har delt tal" in nothing.text
        await _checked({"landstal": text, "landstal tom": nothing.text})

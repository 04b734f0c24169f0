"""The national figures on the workbench (``/konsulent/landstal``, behind the login): per
package and fixed period (a year, a half-year) the share per option of every closed question
for the country and each region, with the answers and the clusters behind it, the response
rate and the median answer time per certificate type – and the same as CSV and XLSX for
KiAP's annual report. Read from the benchmark store, never from workflow queries; every
figure passes the disclosure rule (schemas/benchmark/disclosure.py) before it is shown or
exported."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from schemas.benchmark.national import (
    AREAS,
    NATIONAL,
    NationalFigures,
    export_rows,
    national_figures,
)
from web.config import WebConfig
from web.deps import ConfigDep, PagesDep, UnknownLink
from web.staff_auth import Staff

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _figures(config: WebConfig, package_id: str) -> NationalFigures:
    package = config.catalog.packages.get(package_id)
    if package is None or config.benchmarks is None:
        raise UnknownLink()
    rows = config.benchmarks.of_package(package_id)
    return national_figures(package_id, package.survey, rows, package.benchmark_min_clusters)


@router.get("/konsulent/landstal", response_class=HTMLResponse)
async def national(
    request: Request,
    user: Staff,
    pages: PagesDep,
    config: ConfigDep,
    pakke: str | None = None,
    periode: str | None = None,
) -> Any:
    packages = sorted(config.catalog.packages.values(), key=lambda p: p.title)
    if config.benchmarks is None or not packages:
        return pages.page(
            request, "staff_national.html", 200, user=user, packages=packages, figures=None
        )
    chosen = pakke or packages[0].id
    figures = _figures(config, chosen)
    period = next(
        (p for p in figures.periods if p.period.key == periode),
        figures.periods[0] if figures.periods else None,
    )
    return pages.page(
        request,
        "staff_national.html",
        200,
        user=user,
        packages=packages,
        chosen=config.catalog.packages[chosen],
        figures=figures,
        period=period,
        areas=AREAS,
        national_area=NATIONAL,
    )


def _frame(figures: NationalFigures) -> pd.DataFrame:
    frame = pd.DataFrame(export_rows(figures))
    # Counts stay whole numbers beside the empty cells of withheld figures.
    for column in ("Svar / vægt", "Klynger"):
        frame[column] = frame[column].astype("Int64")
    return frame


@router.get("/konsulent/landstal/{package_id}.csv")
async def export_csv(package_id: str, user: Staff, config: ConfigDep) -> Response:
    del user  # behind the login
    frame = _frame(_figures(config, package_id))
    # Semicolons and a BOM: Danish Excel opens it as columns, with æøå.
    data = frame.to_csv(sep=";", index=False, decimal=",").encode("utf-8-sig")
    return Response(
        data,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="landstal-{package_id}.csv"'},
    )


@router.get("/konsulent/landstal/{package_id}.xlsx")
async def export_xlsx(package_id: str, user: Staff, config: ConfigDep) -> Response:
    del user
    figures = _figures(config, package_id)
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        _frame(figures).to_excel(writer, sheet_name="Landstal", index=False)
        sheet = writer.sheets["Landstal"]
        for column, width in zip("ABCDEFGH", (16, 22, 60, 40, 14, 12, 10, 60), strict=True):
            sheet.column_dimensions[column].width = width
        sheet.freeze_panes = "A2"
    return Response(
        out.getvalue(),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="landstal-{package_id}.xlsx"'},
    )

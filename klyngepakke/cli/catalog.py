"""The CLI's look at the package catalog (klyngepakke catalog …): which facts a package prints
without a source, and which a content editor must look at again. Reads the catalog folder
alone; no stack needed."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import BaseModel
from rich.table import Table

from client.facade import KlyngepakkeClient
from klyngepakke import bootstrap
from klyngepakke.cli import output as cli_output
from klyngepakke.cli.base import JsonOpt, answer, checked, run
from klyngepakke.config import Settings, get_settings
from schemas.package.facts import FactGap, FactReview

catalog_app = typer.Typer(help="Pakkekataloget: fakta og kilder.")


class PackageFacts(BaseModel):
    """``catalog facts --json``: a package's facts without a source, and its review dates."""

    package: str
    without_source: list[FactGap]
    to_review: list[FactReview]


def package_facts(package_id: str | None) -> list[PackageFacts]:
    catalog = bootstrap.catalog(get_settings())
    wanted = [catalog.package(package_id)] if package_id else list(catalog.packages.values())
    return [
        PackageFacts(package=p.id, without_source=p.fact_gaps(), to_review=p.fact_reviews())
        for p in wanted
    ]


class _Listing(BaseModel):
    packages: list[PackageFacts]


@catalog_app.command("facts")
def facts(
    package: Annotated[str | None, typer.Argument(help="Pakkens id (tom: alle pakker)")] = None,
    short: Annotated[bool, typer.Option("--kort", help="Én linje pr. pakke")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Vis de fakta, en pakke mangler en kilde til, og hvornår de øvrige skal ses efter."""
    found = checked(as_json, lambda: package_facts(package))
    answer(
        as_json,
        _Listing(packages=found),
        lambda: show_summary(found) if short else show_facts(found),
    )


def show_summary(found: list[PackageFacts]) -> None:
    """What ``make run`` ends with: per package how many facts lack a source, and the next
    date a fact is to be looked at again."""
    for item in found:
        line = f"{item.package}: {len(item.without_source)} fakta mangler en kilde"
        if item.to_review:
            line += f"; næste gennemsyn {item.to_review[0].review_by.isoformat()}"
        cli_output.console.print(line + " – se `klyngepakke catalog facts` eller /konsulent/pakker")


def show_facts(found: list[PackageFacts]) -> None:
    console = cli_output.console
    for item in found:
        if item.without_source:
            table = Table(title=f"Fakta der mangler en kilde – {item.package}")
            for heading in ("Hvor", "Hvad", "Vises i stedet"):
                table.add_column(heading)
            for gap in item.without_source:
                table.add_row(gap.where, gap.what, gap.instead)
            console.print(table)
        else:
            console.print(f"{item.package}: alle fakta har en kilde.")
        if item.to_review:
            table = Table(title=f"Fakta der skal ses efter – {item.package}")
            for heading in ("Senest", "Hvor", "Hvad", "Kilde"):
                table.add_column(heading)
            for review in item.to_review:
                table.add_row(
                    review.review_by.isoformat(), review.where, review.what, review.source or "–"
                )
            console.print(table)


class Previews(BaseModel):
    """``catalog preview --json``: the preview workflows asked for (one per package content)."""

    workflows: list[str]
    waited: bool


@catalog_app.command("preview")
def preview(
    package: Annotated[str | None, typer.Argument(help="Pakkens id (tom: alle pakker)")] = None,
    wait: Annotated[
        bool, typer.Option("--vent/--uden-vent", help="Vent til forhåndsvisningen er lavet")
    ] = True,
    as_json: JsonOpt = False,
) -> None:
    """Lav forhåndsvisningen af en pakke på render-køen: alle mails og dokumenter for
    demo-klyngens bestilling (ses på /konsulent/pakker/<pakke>)."""
    from datetime import UTC, datetime

    from klyngepakke.demo.preview import preview_requests

    settings = get_settings()
    catalog = bootstrap.catalog(settings)
    if package is not None:
        checked(as_json, lambda: catalog.package(package))

    async def go(client: KlyngepakkeClient, _settings: Settings) -> Previews:
        ids = []
        for request in preview_requests(settings, catalog, datetime.now(UTC)):
            if package is None or request.package_id == package:
                ids.append(await client.packages.preview(request))
        if wait:
            for workflow_id in ids:
                await client.packages.preview_done(workflow_id)
        return Previews(workflows=ids, waited=wait)

    found = run(as_json, go)
    answer(
        as_json,
        found,
        lambda: cli_output.console.print(
            "\n".join(
                (f"Forhåndsvisningen er lavet: {w}" if found.waited else f"Bestilt: {w}")
                for w in found.workflows
            )
            + f"\nSe den på {settings.public_base_url.rstrip('/')}/konsulent/pakker"
        ),
    )


class CheckResult(BaseModel):
    """``catalog check --json``: the packages the folder has, every one checked."""

    packages: list[str]


@catalog_app.command("check")
def check(as_json: JsonOpt = False) -> None:
    """Tjek katalogmappen, som workeren gør ved start: hver pakke med sine mails, skabeloner,
    dokumenter og QR-koder. En fejl nævner filen, feltet og hvad der skal rettes (exit 2)."""
    import renderers
    from catalog import Catalog

    folder = get_settings().catalog_dir.resolve()
    found = checked(as_json, lambda: Catalog(folder, renderers=frozenset(renderers.available())))
    result = CheckResult(packages=sorted(found.packages))
    answer(
        as_json,
        result,
        lambda: cli_output.console.print(
            f"Kataloget {folder} er i orden: {', '.join(result.packages)}."
        ),
    )

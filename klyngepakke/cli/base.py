"""What every `klyngepakke` command shares: connecting, running one action, and turning each
expected failure into a Danish message (or JSON with --json) and an exit code: 0 on success, 2
on invalid input, 1 when the stack is down."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console
from temporalio.service import RPCError

from client.facade import KlyngepakkeClient
from klyngepakke import bootstrap
from klyngepakke.config import Settings, get_settings
from schemas.shared.copenhagen import as_copenhagen
from schemas.shared.errors import (
    DomainError,
    DomainErrors,
    StepRejected,
    TemporalUnreachable,
    UnknownOrder,
    WorkflowDied,
    from_validation_error,
)

err = Console(stderr=True)
T = TypeVar("T")
JsonOpt = Annotated[bool, typer.Option("--json", help="Maskinlæsbart output (JSON)")]
IdArg = Annotated[str, typer.Argument(help="Ordrens id")]


def fail(code: int, message: str, as_json: bool, field: str | None = None) -> None:
    if as_json:
        print(json.dumps({"error": message, "field": field}, ensure_ascii=False))
    else:
        err.print(f"[bold red]Fejl:[/] {message}")
    raise typer.Exit(code)


def fail_invalid(exc: DomainError | DomainErrors, as_json: bool) -> None:
    """Invalid input: exit 2 with every field and its fix."""
    errors = exc.errors if isinstance(exc, DomainErrors) else [exc]
    lines = [f"{e.field}: {e.message}" for e in errors]
    fail(2, "\n".join(lines), as_json, errors[0].field if errors else None)


def run(as_json: bool, action: Callable[[KlyngepakkeClient, Settings], Awaitable[T]]) -> T:
    """Connect, run one action, and turn every expected failure into a message + exit code."""
    settings = get_settings()

    async def go() -> T:
        return await action(await bootstrap.connected_client(settings), settings)

    try:
        return asyncio.run(go())
    except (DomainError, DomainErrors) as exc:
        fail_invalid(exc, as_json)
    except StepRejected as exc:
        fail(2, exc.message, as_json)
    except WorkflowDied as exc:
        fail(1, f"{exc.workflow_id} stoppede ({exc.status}): {exc.failure}", as_json, "id")
    except UnknownOrder as exc:
        fail(
            2,
            f"Der findes ingen ordre eller intet kursus med id '{exc.order_id}' – se "
            "`klyngepakke order list`.",
            as_json,
            "id",
        )
    except RPCError as exc:
        fail(1, f"Temporal svarede med en fejl: {exc.message}", as_json)
    except TemporalUnreachable as exc:
        fail(
            1,
            f"Kan ikke forbinde til Temporal på {exc.address} – start stakken med"
            " `klyngepakke dev` eller `make run`.",
            as_json,
        )
    raise AssertionError("unreachable")


def checked(as_json: bool, build: Callable[[], T]) -> T:
    """Validate input before talking to Temporal, so bad input is exit 2 even when it is down."""
    try:
        return build()
    except (DomainError, DomainErrors) as exc:
        fail_invalid(exc, as_json)
    raise AssertionError("unreachable")


def model(cls: type[BaseModel], **values: Any) -> Any:
    try:
        return cls.model_validate(values)
    except ValidationError as exc:
        raise from_validation_error(exc) from None


def moment(value: str, field: str) -> datetime:
    try:
        result = as_copenhagen(value)
    except ValueError:
        raise DomainError(field, "skal være dato og tid, fx 2027-03-03T16:00") from None
    assert isinstance(result, datetime)
    return result


def answer(as_json: bool, result: BaseModel, human: Callable[[], None]) -> None:
    if as_json:
        print(result.model_dump_json(indent=2))
    else:
        human()

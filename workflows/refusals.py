"""How a workflow refuses: an ApplicationError whose type is a Failure (schemas/shared/errors.py),
the one thing the client, the CLI and the pages branch on."""

from __future__ import annotations

from temporalio.exceptions import ApplicationError

from schemas.shared.errors import DomainError, DomainErrors, Failure


def refuse(message: str, kind: Failure = Failure.STEP_REFUSED) -> ApplicationError:
    """A refusal with its Danish ``message``; never retried (asking again changes nothing)."""
    return ApplicationError(message, type=kind.value, non_retryable=True)


def invalid(
    exc: DomainError | DomainErrors, kind: Failure = Failure.INVALID_INPUT
) -> ApplicationError:
    """Input that breaks a domain rule, with every field and its fix."""
    return refuse(str(exc), kind)

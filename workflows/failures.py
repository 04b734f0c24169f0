"""How a workflow reads a failure it goes on from (an activity's, a child's): a short text for
a person, never a stack trace."""

from __future__ import annotations

from temporalio.exceptions import FailureError


def failure_text(exc: FailureError) -> str:
    """The innermost message of an activity's or a child's failure."""
    cause: BaseException = exc
    while isinstance(cause, FailureError) and cause.cause is not None:
        cause = cause.cause
    text = cause.message if isinstance(cause, FailureError) else str(cause)
    return text[:300] or type(cause).__name__

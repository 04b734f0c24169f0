"""Receiving the job centre's extract, for the order and its follow-up meeting alike: the
file is read and checked by an activity; a file with problems is refused whole, with its
report. Each workflow says when it accepts an upload, what it asks the check and what it
keeps (an ``IntakeHost``), and answers its ``extract_submit`` Update and ``upload_page`` query
through one of these."""

from __future__ import annotations

from typing import Protocol

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.extract_check import (
        ExtractActivities,
        ExtractCheckRequest,
        ExtractCheckResult,
    )
    from schemas.order.commands import ExtractAccepted, ExtractSubmit
    from schemas.order.status import UploadPage
    from schemas.shared.errors import Failure
    from workflows import activity_options
    from workflows.refusals import refuse


class IntakeHost(Protocol):
    def intake_refusal(self) -> str | None:
        """Why no upload is accepted now (Danish), or None."""

    def intake_request(self, cmd: ExtractSubmit) -> ExtractCheckRequest:
        """What the check reads: the practices, the package, whose labels (a follow-up uses
        its order's)."""

    def intake_keep(self, cmd: ExtractSubmit, result: ExtractCheckResult) -> ExtractAccepted:
        """Record an accepted extract; the answer for the uploader."""

    def intake_page(self, accepting: bool) -> UploadPage: ...


class ExtractIntake:
    def __init__(self, host: IntakeHost) -> None:
        self.host = host

    async def submit(self, cmd: ExtractSubmit) -> ExtractAccepted:
        """The file is read by an activity; a file with problems is refused whole, with its
        report, and nothing of it is kept."""
        result = await workflow.execute_activity_method(
            ExtractActivities.check_extract,
            self.host.intake_request(cmd),
            summary="Læs og tjek datatrækket",
            start_to_close_timeout=activity_options.EXTRACT_TIMEOUT,
            retry_policy=activity_options.EXTRACT_RETRY,
        )
        if result.problems or result.receipt is None or result.anonymised is None:
            raise ApplicationError(
                "Datatrækket blev ikke modtaget – ret disse fejl og send hele filen igen:\n"
                + "\n".join(f"- {line}" for line in result.problems),
                type=Failure.INVALID_INPUT.value,
                non_retryable=True,
            )
        # The file was read while other things happened: accept only if still welcome.
        self.check()
        return self.host.intake_keep(cmd, result)

    def check(self) -> None:
        refusal = self.host.intake_refusal()
        if refusal is not None:
            raise refuse(refusal)

    def page(self) -> UploadPage:
        return self.host.intake_page(self.host.intake_refusal() is None)

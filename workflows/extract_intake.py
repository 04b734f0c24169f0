"""Receiving the job centre's extract: the Update and the upload page's query, shared by the
order and its follow-up meeting. Each says when it accepts an upload and what it keeps."""

from __future__ import annotations

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


class ExtractIntake:
    def _intake_refusal(self) -> str | None:
        """Why no upload is accepted now (Danish), or None."""
        raise NotImplementedError

    def _intake_practices(self) -> list[str]:
        raise NotImplementedError

    def _intake_package(self) -> str:
        """The order's package: its extract section says the columns and the types."""
        raise NotImplementedError

    def _intake_labels_of(self) -> str:
        """The order id the practice labels are drawn for: a follow-up uses its order's."""
        raise NotImplementedError

    def _intake_keep(self, cmd: ExtractSubmit, result: ExtractCheckResult) -> ExtractAccepted:
        """Record an accepted extract; the answer for the uploader."""
        raise NotImplementedError

    def _intake_page(self, accepting: bool) -> UploadPage:
        raise NotImplementedError

    @workflow.update(name="extract_submit")
    async def extract_submit(self, cmd: ExtractSubmit) -> ExtractAccepted:
        """The file is read by an activity; a file with problems is refused whole, with its
        report, and nothing of it is kept."""
        result = await workflow.execute_activity_method(
            ExtractActivities.check_extract,
            ExtractCheckRequest(
                order_id=self._intake_labels_of(),
                upload=cmd.upload,
                practices=self._intake_practices(),
                package=self._intake_package(),
            ),
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
        refusal = self._intake_refusal()
        if refusal is not None:
            raise refuse(refusal)
        return self._intake_keep(cmd, result)

    @extract_submit.validator
    def _check_extract_submit(self, cmd: ExtractSubmit) -> None:
        refusal = self._intake_refusal()
        if refusal is not None:
            raise refuse(refusal)

    @workflow.query(name="upload_page")
    def upload_page(self) -> UploadPage:
        return self._intake_page(self._intake_refusal() is None)

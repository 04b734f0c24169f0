"""What the order's queries answer: its status, the coordinator's overview, the minutes page
and the upload page – all read from the fold of its events."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.order.agreements import known_owners
    from schemas.order.overview import OrderOverview
    from schemas.order.status import MinutesPage, OrderStatus, UploadPage, status_of, upload_views
    from schemas.order.steps import Step
    from schemas.package.process import extract_columns
    from workflows.order.run import OrderRun


class OrderViews:
    def __init__(self, run: OrderRun) -> None:
        self.run = run

    def upload_page(self, accepting: bool) -> UploadPage:
        run = self.run
        return UploadPage(
            cluster=run.order.cluster.name,
            municipality=run.order.municipality.name if run.order.municipality else None,
            due=run.timeline.due.get(Step.PARTNER, run.timeline.meeting),
            meeting=run.timeline.meeting,
            open=accepting,
            uploads=upload_views(run.state),
            premeeting_at=run.state.premeeting_at,
            columns=extract_columns(run.pkg.extract),
            run=run.first_run,
        )

    def minutes_page(self) -> MinutesPage:
        run = self.run
        state = run.state
        recorded = state.is_done(Step.MEETING)
        started = run.clock.planned(workflow.now()) >= run.timeline.meeting
        return MinutesPage(
            cluster=run.order.cluster.name,
            package=run.order.package,
            municipality=run.order.municipality.name if run.order.municipality else None,
            meeting=run.timeline.meeting,
            open=state.status == "active"
            and not state.cancel_requested
            and started
            and not recorded,
            recorded=recorded,
            members=[m.name for m in run.order.members],
            owners=known_owners(run.order, run.partner_words),
            run=run.first_run,
        )

    def status(self) -> OrderStatus:
        run = self.run
        return status_of(
            run.order_id,
            run.order.package,
            run.order.cluster.name,
            len(run.order.members),
            run.events,
            run.now(),
            run.clock,
            run.state.survey_progress,
            partner=run.partner_words,
            run=run.first_run,
        )

    def overview(self) -> OrderOverview:
        run = self.run
        state = run.state
        package = run.package
        return OrderOverview(
            status=self.status(),
            order=run.order,
            package_title=package.title if package else run.order.package,
            timeline=state.timeline,
            premeeting_at=state.premeeting_at,
            program_changes=state.program_changes,
            cancel_reason=state.cancel_reason,
            now=run.now(),
            cluster_id=run.input.cluster_id,
        )

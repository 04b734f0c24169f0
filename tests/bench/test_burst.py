"""The burst benchmark reads the schedule-to-start quantiles from the worker's own metrics."""

from __future__ import annotations

from bench.burst import quantile_ms

NAME = "temporal_workflow_task_schedule_to_start_latency"
# Two label sets (sticky and normal queue) of Core's histogram, cumulative, in milliseconds.
METRICS = "\n".join(
    [
        "# TYPE temporal_workflow_task_schedule_to_start_latency histogram",
        *(
            f'{NAME}_bucket{{task_queue="{q}",le="{le}"}} {n}'
            for q, counts in (("burst", (50, 90, 99, 100)), ("sticky", (40, 48, 50, 50)))
            for le, n in zip(("50", "100", "500", "+Inf"), counts, strict=True)
        ),
        'temporal_workflow_task_schedule_to_start_latency_count{task_queue="burst"} 100',
        'temporal_activity_schedule_to_start_latency_bucket{le="50"} 999',
    ]
)


def test_quantiles_are_the_bucket_bounds_over_every_task_queue():
    assert quantile_ms(METRICS, 0.5) == (50.0, 150)
    # 99 % of 150 tasks is 148.5: the 500 ms bucket holds 149.
    assert quantile_ms(METRICS, 0.99) == (500.0, 150)


def test_no_workflow_task_measured_says_so():
    p50, tasks = quantile_ms("", 0.5)
    assert tasks == 0 and p50 != p50  # NaN: nothing to report, not a fast run

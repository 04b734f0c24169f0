"""Timeouts and retry policies, one place: Temporal owns retries, libraries do not."""

from __future__ import annotations

from datetime import timedelta

from temporalio.common import RetryPolicy

MAIL = {
    "start_to_close_timeout": timedelta(minutes=2),
    # SMTP outages can last hours; keep trying, the ledger prevents doubles.
    "retry_policy": RetryPolicy(initial_interval=timedelta(seconds=2), backoff_coefficient=2.0,
                                maximum_interval=timedelta(minutes=10)),
}
RENDER = {
    "start_to_close_timeout": timedelta(minutes=5),
    "retry_policy": RetryPolicy(initial_interval=timedelta(seconds=2), maximum_attempts=5),
}
LOOKUP = {
    "start_to_close_timeout": timedelta(seconds=30),
    "retry_policy": RetryPolicy(maximum_attempts=5),
}
